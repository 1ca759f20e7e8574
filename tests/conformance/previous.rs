//! Reports of an earlier release still read: `tests/report/v1-89e96d9/` holds two report
//! directories written by the harness at commit 89e96d9 (results.json v1, four editions then,
//! before `harness-stall` and `run.metadata` existed) — a run of the embedded mock, and one
//! through a faulty proxy with a waiver. Today's build must load both, `verify` their integrity
//! (every file against its manifest, every waiver applied in force on the run's date), and `diff`
//! them against a run of today: between the two runs of the embedded mock the diff names only
//! what the suite itself changed since (scenarios added, scenarios moved between editions), never
//! a changed verdict of a scenario both share.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ecs_conformance::contract::editions::{self as contract_editions, Range};
use ecs_conformance::evidence::Level;
use ecs_conformance::report::{self, diff};
use ecs_conformance::results::Results;
use ecs_conformance::suite::{RunOutput, SuiteFiles};

use crate::Tally;

/// The report directory `name` written by 89e96d9.
fn earlier(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/report/v1-89e96d9")
        .join(name)
}

/// Loads the earlier report `name` and verifies its integrity: against the fingerprint it names
/// itself, it verifies; against this harness's, it is refused for that alone.
fn read_and_verify(name: &str) -> Result<Results, String> {
    let dir = earlier(name);
    let results = Results::load(&dir).map_err(|e| format!("{name}: does not load: {e}"))?;
    report::verify(&dir, &results.run.suite_fingerprint)
        .map_err(|e| format!("{name}: its integrity is not verified: {e}"))?;
    let own = SuiteFiles::Embedded.fingerprint().unwrap_or_default();
    match report::verify(&dir, &own) {
        Err(e) if e.contains("another suite") => Ok(results),
        other => Err(format!(
            "{name}: against this harness's suite it must be refused as of another suite, got \
             {other:?}"
        )),
    }
}

/// What the checks below need of a scenario, as either release wrote it.
struct Seen {
    /// Not run for the edition its run was gated on.
    not_run: bool,
    /// The editions it judges (`FROM..` or `FROM..UNTIL`), absent for every edition.
    editions: Option<String>,
    counted: bool,
    waived: bool,
}

/// The scenarios of a results document, by id, read from its JSON the same way for either
/// release.
fn by_id(r: &Results) -> BTreeMap<String, Seen> {
    let json = serde_json::to_value(r).unwrap_or_default();
    let mut out = BTreeMap::new();
    for s in json["scenarios"].as_array().into_iter().flatten() {
        out.insert(
            s["id"].as_str().unwrap_or_default().to_owned(),
            Seen {
                not_run: s["outcome"] == "not-run",
                editions: s["editions"].as_str().map(str::to_owned),
                counted: s["counted"].as_bool().unwrap_or(false),
                waived: s["waived_by"].as_array().is_some_and(|w| !w.is_empty()),
            },
        );
    }
    out
}

/// Whether a scenario judging `editions` (absent: every one) judges the edition `gate`.
fn judges(editions: Option<&str>, gate: Option<&str>) -> Result<bool, String> {
    let range: Range = editions.map_or(Ok(Range::ALL), str::parse)?;
    let gate = contract_editions::named(gate.unwrap_or("latest"))?;
    Ok(range.contains(gate))
}

pub fn earlier_reports_still_read(out: &RunOutput) -> Tally {
    let mut t = Tally::default();
    let now = out.results.clone();
    let today = by_id(&now);

    // The run of the embedded mock: read, verified, and diffed against today's.
    match read_and_verify("passing") {
        Ok(then) => {
            t.pass();
            let before = by_id(&then);
            let d = diff::diff(&then, &now, Level::Chosen);
            let mut wrong = Vec::new();
            for (section, list) in [
                ("newly failing", &d.newly_failing),
                ("newly passing", &d.newly_passing),
                ("still failing differently", &d.still_failing_differently),
                ("newly waived", &d.newly_waived),
            ] {
                for c in list {
                    wrong.push(format!("{section}: {}", c.id));
                }
            }
            // A scenario that runs in one and not the other moved between editions: its range
            // changed, or it judges one gated edition and not the other.
            for c in d.newly_run.iter().chain(&d.newly_not_run) {
                let (b, n) = (&before[&c.id], &today[&c.id]);
                let moved =
                    judges(b.editions.as_deref(), then.run.edition.as_deref()).and_then(|was| {
                        Ok(was != judges(n.editions.as_deref(), now.run.edition.as_deref())?)
                    });
                match moved {
                    Ok(true) => {}
                    Ok(false) => wrong.push(format!(
                        "{}: {} → {}, though its editions judge the gated one as before",
                        c.id, c.base, c.new
                    )),
                    Err(e) => wrong.push(format!("{}: {e}", c.id)),
                }
            }
            for id in &d.only_in_new {
                if before.contains_key(id) || !today.contains_key(id) {
                    wrong.push(format!("only in the new run, yet: {id}"));
                }
            }
            for id in &d.only_in_base {
                if today.contains_key(id) || !before.contains_key(id) {
                    wrong.push(format!("only in the baseline, yet: {id}"));
                }
            }
            if !d.fingerprints_differ {
                wrong.push("the suites of 89e96d9 and today must differ".into());
            }
            if wrong.is_empty() {
                println!(
                    "earlier release (89e96d9): its report of the embedded mock reads and verifies; \
                     against today's run the diff names {} scenarios added, {} removed, {} newly \
                     run and {} newly not run by the editions, {} changed answers (both pass), \
                     no changed verdict",
                    d.only_in_new.len(),
                    d.only_in_base.len(),
                    d.newly_run.len(),
                    d.newly_not_run.len(),
                    d.changed_answers.len()
                );
                t.pass();
            } else {
                t.fail(format!(
                    "the diff of 89e96d9's run of the embedded mock against today's names more \
                     than the suite changed: {wrong:?}\n{}",
                    d.markdown()
                ));
            }
        }
        Err(e) => t.fail(e),
    }

    // A failing run with a waiver: read and verified; against today's passing run, what it
    // failed (or waived) and both runs judge is newly passing, and nothing else changed verdict.
    match read_and_verify("failing") {
        Ok(then) => {
            t.pass();
            let before = by_id(&then);
            let d = diff::diff(&then, &now, Level::Observed);
            let expected: Vec<&String> = before
                .iter()
                .filter(|(id, b)| {
                    (b.counted || b.waived)
                        && !b.not_run
                        && today.get(*id).is_some_and(|n| !n.not_run)
                })
                .map(|(id, _)| id)
                .collect();
            let got: Vec<&String> = d.newly_passing.iter().map(|c| &c.id).collect();
            let waived = before.values().filter(|b| b.waived).count();
            if got == expected && !got.is_empty() && waived == 1 && d.newly_failing.is_empty() {
                println!(
                    "earlier release (89e96d9): its failing report, one scenario waived, reads \
                     and verifies; against today's run {} scenarios are newly passing, exactly \
                     those it failed or waived",
                    got.len()
                );
                t.pass();
            } else {
                t.fail(format!(
                    "89e96d9's failing report against today's run: newly passing {got:?}, \
                     expected {expected:?} ({waived} waived); newly failing {:?}",
                    d.newly_failing
                ));
            }
        }
        Err(e) => t.fail(e),
    }
    t
}
