//! Editions of the contract, proven both ways: the embedded mock at each edition passes that
//! edition at `chosen`; a mock of the first edition judged against the latest leaves not passed
//! exactly the scenarios `editions diff` lists as judged only in the latest, and the mock of the
//! latest judged against the first exactly those judged only in the first. The second direction
//! reads the main run (the embedded mock at `latest`). Beyond the first and the latest, the mock
//! of every edition judged against every other fails exactly what the editions' data predicts —
//! nothing where it predicts nothing (the same answers judge every edition, so each edition's own
//! run proves all its pairs).
//!
//! "Not passed" is two sets, each derived: not run are exactly the scenarios whose world (as the
//! runner states it, `worlds`) needs an optional feature the older mock does not offer or a fault
//! its edition lacks; every other predicted scenario failed, the DryRun ones among them.

use std::collections::BTreeSet;

use ecs_conformance::contract::editions::{self, Edition};
use ecs_conformance::evidence::Level;
use ecs_conformance::report::{self, diff};
use ecs_conformance::results::Results;
use ecs_conformance::results::{Outcome, Verdict};
use ecs_conformance::suite::{self, SnapshotMode, SuiteConfig, Target};
use ecs_conformance::{MockConfig, MockServer, World};

use super::{Tally, worlds};

/// The optional features the control API at `url` announces.
async fn offered(url: &str) -> Vec<String> {
    let describe: serde_json::Value = match reqwest::get(format!("{url}/ecs-conformance/v1")).await
    {
        Ok(r) => serde_json::from_str(&r.text().await.unwrap_or_default()).unwrap_or_default(),
        Err(_) => serde_json::Value::Null,
    };
    describe["features"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f.as_str().map(str::to_owned))
        .collect()
}

/// Names of the scenarios judging `edition` whose outcome there is anything but passed.
fn not_passed_in(report: &Results, edition: &Edition) -> BTreeSet<String> {
    report
        .judging(edition)
        .filter(|r| r.judged_outcome() != Outcome::Passed)
        .map(|r| r.label())
        .collect()
}

/// Of the scenarios judging `edition`, those that failed there and those not run there (setup
/// failures included); any other outcome but passed is named in the third set.
fn failed_and_not_run_in(
    report: &Results,
    edition: &Edition,
) -> (BTreeSet<String>, BTreeSet<String>, BTreeSet<String>) {
    let (mut failed, mut not_run, mut other) = Default::default();
    for r in report.judging(edition) {
        let set: &mut BTreeSet<String> = match r.judged_outcome() {
            Outcome::Passed => continue,
            Outcome::Failed => &mut failed,
            Outcome::NotRun => &mut not_run,
            Outcome::NoAnswer => &mut other,
        };
        set.insert(r.label());
    }
    (failed, not_run, other)
}

/// The scenarios whose stated world a mock of `edition` offering `features` cannot take: one
/// needing a feature it does not offer, or a fault that is not an error of its edition.
fn refused_by(stated: &worlds::Stated, edition: &Edition, features: &[String]) -> BTreeSet<String> {
    stated.whose(|doc| {
        World::from_json(doc.to_string().as_bytes()).is_ok_and(|w| {
            w.features()
                .iter()
                .any(|f| !features.iter().any(|o| o == f))
                || w.check_edition(edition).is_err()
        })
    })
}

/// The proof of one direction: a mock of `served` judged against `judged`. Its not-passed
/// scenarios are exactly those `editions diff` predicts; of them, the not-run ones are exactly
/// those whose world the mock refuses, and the failed ones hold every DryRun scenario predicted.
/// Returns what it saw, to print.
fn split_as_predicted(
    report: &Results,
    judged: &Edition,
    served: &Edition,
    refused: &BTreeSet<String>,
    dry_runs: &BTreeSet<String>,
) -> Result<String, String> {
    let what = format!("the mock at {} judged against {}", served.name, judged.name);
    let want = predicted(judged, served).unwrap_or_default();
    let (failed, not_run, other) = failed_and_not_run_in(report, judged);
    let not_passed: BTreeSet<String> = failed.union(&not_run).cloned().collect();
    compare(&what, &not_passed, &want)?;
    if !other.is_empty() {
        return Err(format!("{what}: neither failed nor not run: {other:?}"));
    }
    let want_not_run: BTreeSet<String> = refused.intersection(&want).cloned().collect();
    if not_run != want_not_run {
        let extra: Vec<_> = not_run.difference(&want_not_run).collect();
        let missing: Vec<_> = want_not_run.difference(&not_run).collect();
        return Err(format!(
            "{what}: not run, though its world is one the mock takes {extra:?}; run, though \
             the mock refuses its world {missing:?}"
        ));
    }
    let predicted_dry_runs: BTreeSet<&String> = dry_runs.intersection(&want).collect();
    let missing: Vec<_> = predicted_dry_runs
        .iter()
        .filter(|s| !failed.contains(**s))
        .collect();
    if failed.is_empty() || !missing.is_empty() {
        return Err(format!(
            "{what}: {} failed; DryRun scenarios that did not fail: {missing:?}",
            failed.len()
        ));
    }
    Ok(format!(
        "{what}: {} predicted by `editions diff`: {} failed (the {} DryRun scenarios among \
         them), {} not run (their worlds need what that mock refuses)",
        want.len(),
        failed.len(),
        predicted_dry_runs.len(),
        not_run.len()
    ))
}

fn predicted(only: &Edition, not: &Edition) -> Result<BTreeSet<String>, String> {
    Ok(suite::judged_only_in(only, not)?.into_iter().collect())
}

fn compare(what: &str, got: &BTreeSet<String>, want: &BTreeSet<String>) -> Result<(), String> {
    if want.is_empty() {
        return Err(format!("{what}: `editions diff` predicts no scenario"));
    }
    if got == want {
        return Ok(());
    }
    let extra: Vec<_> = got.difference(want).collect();
    let missing: Vec<_> = want.difference(got).collect();
    Err(format!(
        "{what}: not passed but not predicted {extra:?}; predicted but passed {missing:?}"
    ))
}

/// Each run (the embedded mock serving an edition) judged against every other edition: it does
/// not pass exactly the scenarios judged in that edition and not in its own; where the data
/// predicts none, it passes every one.
fn every_pair_as_predicted<'a>(
    runs: impl Iterator<Item = (&'static Edition, &'a Results)>,
) -> Result<(), String> {
    let (mut pairs, mut wrong) = (0, Vec::new());
    let mut served = 0;
    for (serves, report) in runs {
        served += 1;
        for judged in editions::all().iter().filter(|e| e.name != serves.name) {
            pairs += 1;
            let what = format!("the mock at {} judged against {}", serves.name, judged.name);
            let (got, want) = (not_passed_in(report, judged), predicted(judged, serves)?);
            let result = if want.is_empty() && !got.is_empty() {
                Err(format!("{what}: nothing predicted, but not passed {got:?}"))
            } else if want.is_empty() {
                Ok(())
            } else {
                compare(&what, &got, &want)
            };
            wrong.extend(result.err());
        }
    }
    let all = editions::all().len();
    if served != all {
        return Err(format!("{served} of the {all} editions' mocks ran"));
    }
    if wrong.is_empty() {
        println!(
            "editions: every edition's mock judged against every other: {pairs} pairs as predicted"
        );
        Ok(())
    } else {
        Err(wrong.join("\n"))
    }
}

/// The report of a run gated on `gated` whose target conforms to `nearest`: its title names the
/// gated edition, and report.md, report.html and results.json give every edition's verdict and
/// the nearest conforming one.
fn report_names_editions(
    out: &suite::RunOutput,
    dir: &std::path::Path,
    gated: &str,
    nearest: &str,
) -> Result<(), String> {
    report::write(dir, &out.results, None, None)?;
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap_or_default();
    let (md, html, json) = (read("report.md"), read("report.html"), read("results.json"));
    let results: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
    let title = format!("ECS conformance report, edition {gated}");
    let wanted = [
        ("report.md title", md.starts_with(&format!("# {title}"))),
        (
            "report.md gated row",
            md.contains(&format!("| **{gated} (gated)** |")),
        ),
        (
            "report.md nearest",
            md.contains(&format!("conforms to at --fail-on chosen: {nearest}.")),
        ),
        (
            "report.html section",
            html.contains("<section id=\"editions\">"),
        ),
        (
            "report.html title",
            html.contains(&format!("<h1>{title}</h1>")),
        ),
        ("results.json edition", results["run"]["edition"] == gated),
        (
            "results.json conforms_to",
            results["run"]["conforms_to"] == nearest,
        ),
        (
            "results.json editions",
            results["run"]["editions"].as_array().map_or(0, Vec::len) == editions::all().len(),
        ),
        // A failed row that the API metadata lists too names it among its sources.
        (
            "results.json run.metadata",
            results["run"]["metadata"]["snapshot"] == ecs_conformance::metadata::header().snapshot,
        ),
        (
            "results.json a finding sourced [meta]",
            json.contains(&format!("; {}", ecs_conformance::metadata::citation())),
        ),
        (
            "report.md the metadata, in sources and environment",
            md.contains("[meta] Alibaba Cloud API metadata") && md.contains("| API metadata |"),
        ),
    ];
    let missing: Vec<&str> = wanted
        .iter()
        .filter(|(_, ok)| !ok)
        .map(|(w, _)| *w)
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the report of a run gated on {gated} lacks: {missing:?}"
        ))
    }
}

/// A check that says what it saw when it passes.
fn said(tally: &mut Tally, result: Result<String, String>) {
    match result {
        Ok(line) => {
            println!("editions: {line}");
            tally.pass();
        }
        Err(e) => tally.fail(e),
    }
}

/// How the mock refuses a world whose fault is not an error of the edition it serves.
const OF_ANOTHER_EDITION: &str = "is not an error of the edition this mock serves";

/// Every check of this module; `main_run` is the embedded mock at `latest`.
pub async fn proven_both_ways(main_run: &Results) -> Tally {
    let mut tally = Tally::default();
    let (first, latest) = (&editions::all()[0], editions::latest());
    let stated = match worlds::stated().await {
        Ok(s) => s,
        Err(e) => {
            tally.fail(format!("editions: the worlds the scenarios state: {e}"));
            return tally;
        }
    };
    let dry_runs = stated.calling_with("DryRun");

    // The mock at `latest` (every feature offered), judged against the first edition: it
    // refuses only the worlds whose fault is an error of older editions alone (StartInstance's
    // 500 `InstanceNotReady` without its final period). Such a world is never installed, so no
    // document of it is recorded (`worlds`): they are the reference run's scenarios not run
    // there (their setup refused), that run being against this very mock.
    let not_run: Vec<_> = (stated.out.results.scenarios.iter())
        .filter(|s| s.judged_outcome() == Outcome::NotRun)
        .collect();
    let refused_by_latest: BTreeSet<String> = (not_run.iter())
        .filter(|s| (s.judged_reason().0).is_some_and(|r| r.contains(OF_ANOTHER_EDITION)))
        .map(|s| s.label())
        .collect();
    if refused_by_latest.is_empty() || refused_by_latest.len() != not_run.len() {
        let reasons: Vec<_> = (not_run.iter())
            .map(|s| (s.label(), s.judged_reason().0))
            .collect();
        tally.fail(format!(
            "editions: the reference run must leave out exactly the scenarios whose world's fault the latest edition does not have (\"{OF_ANOTHER_EDITION}\"), and some: {reasons:?}"
        ));
    }
    said(
        &mut tally,
        split_as_predicted(main_run, first, latest, &refused_by_latest, &dry_runs),
    );

    // The embedded mock at every other edition passes it.
    let mut runs: Vec<(&'static Edition, Results)> = Vec::new();
    for edition in editions::all().iter().filter(|e| e.name != latest.name) {
        let config = SuiteConfig {
            fail_on: Level::Chosen,
            snapshot_mode: SnapshotMode::Review,
            progress: false,
            edition,
            ..SuiteConfig::default()
        };
        let result = match suite::run(config).await {
            Ok(out) => {
                let failing = not_passed_in(&out.results, edition);
                let passes =
                    out.results.verdict_at(Level::Chosen) == Verdict::Passed && failing.is_empty();
                let problems = out.results.run.suite_problems.join("; ");
                runs.push((edition, out.results));
                if passes {
                    Ok(())
                } else {
                    Err(format!(
                        "the embedded mock at {} fails its own edition: {failing:?}{problems}",
                        edition.name,
                    ))
                }
            }
            Err(e) => Err(format!(
                "the run at {} could not start: {e:#}",
                edition.name
            )),
        };
        tally.check(result);
    }

    tally.check(every_pair_as_predicted(
        std::iter::once((latest, main_run)).chain(runs.iter().map(|(e, r)| (*e, r))),
    ));

    // An endpoint serving the first edition: judged against `latest` it fails exactly what the
    // diff predicts, and exits 1; gated on the first edition it passes, and the summary names
    // that edition as the nearest it conforms to.
    let Ok(mock) = MockServer::start_with(MockConfig {
        edition: first,
        ..MockConfig::default()
    })
    .await
    else {
        tally.fail("a mock of the first edition could not start".into());
        return tally;
    };
    let endpoint = |edition| SuiteConfig {
        target: Target::Endpoint {
            url: mock.url().to_owned(),
            credentials: ecs_conformance::Credentials::new(
                ecs_conformance::DEFAULT_ACCESS_KEY_ID,
                ecs_conformance::DEFAULT_ACCESS_KEY_SECRET,
            ),
        },
        fail_on: Level::Chosen,
        progress: false,
        edition,
        ..SuiteConfig::default()
    };
    let mut gated_on_latest = None;
    let dir = std::env::temp_dir().join(format!("ecsc-editions-report-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::create_dir_all(&dir);
    let with_report = SuiteConfig {
        machine_reports: Some(dir.clone()),
        ..endpoint(latest)
    };
    match suite::run(with_report).await {
        Ok(out) => {
            tally.check(report_names_editions(&out, &dir, latest.name, first.name));
            let _ = std::fs::remove_dir_all(&dir);
            gated_on_latest = Some(out.results.clone());
            let r = &out.results;
            let offered = offered(mock.url()).await;
            let refused = refused_by(&stated, first, &offered);
            said(
                &mut tally,
                split_as_predicted(r, latest, first, &refused, &dry_runs),
            );
            // The proof can fail: the same run with every predicted scenario not run for a
            // reason unrelated to the editions is refused.
            let mut unrelated = out.results.clone();
            let want = predicted(latest, first).unwrap_or_default();
            for s in &mut unrelated.scenarios {
                if want.contains(&s.label()) {
                    s.outcome = Outcome::NotRun;
                    s.reason = Some("the target was busy".into());
                    (s.judged, s.cause, s.failed_at) = (None, None, None);
                }
            }
            tally.check(
                match split_as_predicted(&unrelated, latest, first, &refused, &dry_runs) {
                    Err(e) if e.contains("not run, though its world is one the mock takes") => {
                        Ok(())
                    }
                    other => Err(format!(
                        "the editions proof accepts every predicted scenario not run for an unrelated reason: {other:?}"
                    )),
                },
            );
            let summary = ecs_conformance::report::summary(r);
            let named = format!(
                "Nearest edition it conforms to at --fail-on chosen: {}.",
                first.name
            );
            tally.check(if r.exit_status() == 1 && summary.contains(&named) {
                Ok(())
            } else {
                Err(format!(
                    "gated on latest, a mock of {} exits {} and its summary does not say {named:?}",
                    first.name,
                    r.exit_status()
                ))
            });
        }
        Err(e) => tally.fail(format!(
            "the run against a mock of the first edition: {e:#}"
        )),
    }
    match suite::run(endpoint(first)).await {
        Ok(out) if out.results.exit_status() == 0 => {
            tally.pass();
            // Two runs gated on different editions: diff says so.
            if let Some(base) = &gated_on_latest {
                let d = diff::diff(base, &out.results.clone(), Level::Chosen);
                tally.check(
                    if d.editions_differ && d.markdown().contains("different editions") {
                        Ok(())
                    } else {
                        Err(format!(
                            "a diff of runs gated on {} and {} does not warn",
                            latest.name, first.name
                        ))
                    },
                );
            }
        }
        Ok(out) => tally.fail(format!(
            "gated on {}, a mock of that edition exits {}: {:?}",
            first.name,
            out.results.exit_status(),
            not_passed_in(&out.results, first)
        )),
        Err(e) => tally.fail(format!("the run gated on the first edition: {e:#}")),
    }
    drop(mock);
    tally
}
