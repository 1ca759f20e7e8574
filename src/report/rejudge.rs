//! `verify --rejudge`: a report's verdicts re-derived from the exchanges it records.
//!
//! A manifest proves a report was not edited after the run, not that its verdicts are true: one
//! can edit `results.json` and recompute its hash. Every exchange (status, Content-Type, body,
//! wire form, format asked) is in `results.json`, so the verdicts can be judged again, offline,
//! with this harness's own suite (its features, catalogues and recorded answers):
//!
//! - each scenario's answers are checked again by the checks its Then steps make, step by step
//!   as the run made them (a step whose findings count at `fail_on` ends the scenario), and the
//!   findings they yield must be exactly the recorded ones of those expectations (expectation,
//!   level and problem); findings of [`TAKEN_AS_RECORDED`] expectations, which need the target's
//!   world or a call that got no answer, are taken as recorded;
//! - each scenario's `outcome`, `failed_at`, `counted`, `cause`, `reason`, `editions` and `judged`
//!   must follow from its findings as [`ScenarioRecord::close`] and the edition gate decide;
//! - the run's `verdict`, `counts`, `editions` and `conforms_to` must follow from the scenarios as
//!   `suite::judgement` decides;
//! - with waivers (`run.waivers`), each scenario's `waived_by` and `counted`, and each waiver's
//!   `state`, must be what the recorded waivers make of its findings on the run's date
//!   ([`crate::suite::Waivers::apply`], [`crate::suite::Waivers::states`]).
//!
//! The first scenario (or run field) that does not follow is named.

use std::collections::HashMap;

use cucumber::gherkin::StepType;

use crate::client::RawResponse;
use crate::contract::editions::{self, Edition, Range};
use crate::evidence::{Level, ids};
use crate::results::{Cause, Exchange, Finding, Outcome, Results, Run, Scenario, ScenarioId};
use crate::suite::check::{self, Answer, ExpectedRow};
use crate::suite::judgement::{Grounds, Judgement};
use crate::suite::record::{Closing, STEP, ScenarioRecord, Stop, settle};
use crate::suite::verdict::Findings;
use crate::suite::{SnapshotMode, SuiteFiles, Waivers, outline, recorded};

/// Expectations `--rejudge` cannot re-derive from the recorded exchanges, so takes as recorded:
/// what the target's world showed after a call (`rolled-back`, `dry-run.changes-nothing`), a
/// world the target refused as invalid (`setup`), an answer never received whole
/// (`answer.received`), and a step that failed without a finding (`step`).
pub const TAKEN_AS_RECORDED: [&str; 5] = [
    ids::ROLLED_BACK,
    ids::DRY_RUN_CHANGES_NOTHING,
    ids::SETUP,
    ids::ANSWER_RECEIVED,
    STEP,
];

/// The level at which a run records a finding of a [`TAKEN_AS_RECORDED`] kind: `step` findings
/// at `documented` ([`ScenarioRecord::close`]), the others at their row's level in
/// `features/expectations.tsv`, raised to `chosen` in a scenario tagged `@chosen` (as
/// the suite's `SuiteWorld::judge` raises every finding there). A finding of such a kind at
/// any other level was not written by a run: it can excuse nothing.
fn written_at(expectation: &str, chosen_only: bool) -> Level {
    if expectation == STEP {
        return Level::Documented;
    }
    let level = crate::evidence::expectation(expectation).level;
    if chosen_only {
        level.max(Level::Chosen)
    } else {
        level
    }
}

/// What a re-judged report held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rejudged {
    pub scenarios: usize,
    /// Exchanges whose answers were checked again.
    pub exchanges: usize,
}

/// An embedded scenario: its steps (background first) with an outline's placeholders filled, and
/// its own tags.
struct Embedded {
    steps: Vec<(StepType, String, Vec<Vec<String>>)>,
    tags: Vec<String>,
}

fn embedded() -> Result<HashMap<(String, String), Embedded>, String> {
    let features = SuiteFiles::Embedded.features()?;
    let mut out = HashMap::new();
    for f in &features {
        for s in outline::expand(f) {
            let embedded = Embedded {
                steps: s.steps,
                tags: s.tags,
            };
            out.insert((s.feature, s.name), embedded);
        }
    }
    Ok(out)
}

/// Re-judges `results`; `Err` names the first scenario (or run field) whose recorded verdict does
/// not follow from its exchanges, or that cannot be re-judged.
pub fn rejudge(results: &Results) -> Result<Rejudged, String> {
    let suite = embedded()?;
    let run = &results.run;
    let fail_on = run.fail_on;
    let gated = match &run.edition {
        Some(name) => editions::named(name).map_err(|e| format!("run.edition: {e}"))?,
        None => editions::latest(),
    };
    let (waivers, date) = recorded_waivers(run);
    let mut rebuilt = Vec::new();
    let mut exchanges = 0;
    for s in &results.scenarios {
        let name = format!("{} / {}", s.feature, s.name);
        let fail = |why: String| format!("scenario {name:?} ({}): {why}", s.id);
        let embedded = suite
            .get(&(s.feature.clone(), s.name.clone()))
            .ok_or_else(|| {
                fail("cannot be re-judged: the embedded suite has no scenario of that feature and name".into())
            })?;
        if s.tags != embedded.tags {
            return Err(fail(format!(
                "its tags {:?} are not the suite's {:?}",
                s.tags, embedded.tags
            )));
        }
        let result = follows(s, fail_on, gated, &waivers, date).map_err(&fail)?;
        exchanges += answers(s, embedded, &result, fail_on).map_err(&fail)?;
        rebuilt.push(result);
    }
    let states: Vec<&str> = (waivers.states(&rebuilt, date).into_iter())
        .map(|s| s.as_str())
        .collect();
    let recorded: Vec<&str> = run.waivers.iter().map(|w| w.state.as_str()).collect();
    if recorded != states {
        return Err(format!(
            "run.waivers: recorded states {recorded:?}, but the scenarios make them {states:?} \
             on the run's date"
        ));
    }
    let judged = Judgement::of(
        &rebuilt,
        &Grounds {
            fail_on,
            gated,
            waivers: &waivers.list,
            suite_problems: &run.suite_problems,
        },
    );
    let differs = |field: &str, recorded: String, derived: String| {
        Err(format!(
            "run.{field}: recorded {recorded}, but its scenarios make it {derived}"
        ))
    };
    if run.verdict != judged.verdict {
        return differs(
            "verdict",
            format!("{:?}", run.verdict),
            format!("{:?}", judged.verdict),
        );
    }
    if run.counts != judged.counts {
        return differs(
            "counts",
            format!("{:?}", run.counts),
            format!("{:?}", judged.counts),
        );
    }
    if !run.editions.is_empty() && run.editions != judged.editions {
        return differs(
            "editions",
            format!("{:?}", run.editions),
            format!("{:?}", judged.editions),
        );
    }
    if let Some(c) = &run.conforms_to
        && *c != judged.conforms_to
    {
        return differs(
            "conforms_to",
            format!("{c:?}"),
            format!("{:?}", judged.conforms_to),
        );
    }
    Ok(Rejudged {
        scenarios: results.scenarios.len(),
        exchanges,
    })
}

/// The run's waivers as `run.waivers` records them, and the run's date (its `started_at`, in
/// UTC), on which each was in force or expired.
fn recorded_waivers(run: &Run) -> (Waivers, time::Date) {
    let list = run.waivers.iter().map(|w| w.waiver.clone()).collect();
    (
        Waivers { list },
        run.started_at.to_offset(time::UtcOffset::UTC).date(),
    )
}

/// The scenario's result as the run would have closed and settled it from its recorded findings,
/// when its recorded verdict fields are what [`ScenarioRecord::close`] and [`settle`] make of
/// them.
fn follows(
    s: &Scenario,
    fail_on: Level,
    gated: &'static Edition,
    waivers: &Waivers,
    date: time::Date,
) -> Result<Scenario, String> {
    let mut record = ScenarioRecord::default();
    record.findings.extend(s.findings.iter().cloned());
    // Its outcome before the gate: for a scenario of other editions, the one it has there.
    let (outcome, (reason, cause)) = match (&s.cause, &s.judged) {
        (Some(Cause::OtherEdition), Some(j)) => (j.outcome, (j.reason.as_deref(), j.cause)),
        _ => (s.outcome, (s.reason.as_deref(), s.cause)),
    };
    let reason = reason.unwrap_or_default().to_owned();
    let stop = match (outcome, cause) {
        (Outcome::Passed | Outcome::Failed, None) => None,
        (Outcome::NotRun, None) => Some(Stop::NotRun(reason)),
        (Outcome::NotRun, Some(Cause::Setup)) => Some(Stop::SetupFailed {
            reason,
            no_answer: false,
        }),
        (Outcome::NotRun, Some(Cause::SetupNoAnswer)) => Some(Stop::SetupFailed {
            reason,
            no_answer: true,
        }),
        (Outcome::NoAnswer, Some(Cause::NoAnswer)) => Some(Stop::NoAnswer { reason }),
        (Outcome::NotRun, Some(Cause::HarnessStall)) => Some(Stop::Stalled {
            reason,
            stalled: std::time::Duration::from_millis(s.stalled_ms.unwrap_or_default()),
        }),
        (o, c) => {
            return Err(format!(
                "outcome {o:?} with cause {c:?} is no outcome a run gives"
            ));
        }
    };
    if let Some(stop) = stop {
        record.stop(stop);
    }
    let mut derived = record.close(Closing {
        id: ScenarioId::new(&s.feature, &s.name),
        tags: s.tags.clone(),
        editions: crate::suite::editions::range_of(&s.tags).unwrap_or(Range::ALL),
        duration: std::time::Duration::from_millis(s.duration_ms),
        step_errors: Vec::new(),
        fail_on,
    });
    settle(&mut derived, gated, waivers, fail_on, date);
    // Each recorded field beside the one its findings make, as text.
    macro_rules! fields {
        ($($f:ident),*) => {
            [$((stringify!($f), format!("{:?}", s.$f), format!("{:?}", derived.$f))),*]
        };
    }
    let fields = fields!(
        id, outcome, failed_at, counted, cause, reason, stalled_ms, editions, judged, findings,
        waived_by
    );
    for (field, recorded, derived) in fields {
        if recorded != derived {
            return Err(format!(
                "recorded {field} {recorded}, but its findings make it {derived} (fail_on {fail_on})"
            ));
        }
    }
    derived.exchanges = s.exchanges.clone();
    Ok(derived)
}

/// The answer an exchange records, as the checks take it.
fn answer_of(e: &Exchange) -> Result<Answer, String> {
    let answer = Answer {
        action: e.action.clone(),
        asked: e.format_asked,
        form: e.wire_form,
        raw: RawResponse {
            status: e.status,
            content_type: e.content_type.clone(),
            body: e.body.clone(),
            retry_after: None,
        },
        string_to_sign: e.string_to_sign.clone(),
        canonical_request: e.canonical_request.clone(),
    };
    if answer.format() != e.format {
        return Err(format!(
            "an exchange records the format {}, but its answer reads as {}",
            e.format,
            answer.format()
        ));
    }
    Ok(answer)
}

/// How many exchanges a When step makes.
fn calls_made(step: &str) -> usize {
    if step.ends_with("in XML and in JSON") || step.starts_with("I send the same ") {
        return 2;
    }
    step.split_once(" resets of ")
        .and_then(|(n, _)| n.parse().ok())
        .unwrap_or(1)
}

/// The quoted values of a step's text, in order.
fn quoted(step: &str) -> Vec<&str> {
    step.split('"').skip(1).step_by(2).collect()
}

/// Why a re-judged scenario stopped short of its last step.
enum Short {
    /// A When step has no recorded exchange left: the call got no answer or was not made.
    NoExchange(String),
    /// A step could not be judged as written (it fails the step, a `step` finding).
    StepFailed(String),
}

/// Re-judges the scenario's answers step by step, and compares what the checks yield with its
/// recorded findings; returns how many exchanges were checked.
fn answers(
    s: &Scenario,
    embedded: &Embedded,
    result: &Scenario,
    fail_on: Level,
) -> Result<usize, String> {
    let calls: Vec<Answer> = s
        .exchanges
        .iter()
        .filter(|e| !e.setup)
        .map(answer_of)
        .collect::<Result<_, _>>()?;
    let chosen_only = s.tags.iter().any(|t| t == "chosen");
    // What is taken as recorded must at least be what a run records: its kind at its level.
    for f in &s.findings {
        if TAKEN_AS_RECORDED.contains(&f.expectation.as_str()) {
            let level = written_at(&f.expectation, chosen_only);
            if f.level != level {
                return Err(format!(
                    "it records the finding [{}] {}: {}, but a run records {} findings at {level} \
                     only",
                    f.level, f.expectation, f.problem, f.expectation
                ));
            }
        }
    }
    let recorded_at = |id: &str| -> Vec<Level> {
        s.findings
            .iter()
            .filter(|f| f.expectation == id)
            .map(|f| f.level)
            .collect()
    };
    let id = ScenarioId::new(&s.feature, &s.name);
    let mut next = 0;
    let mut kept: Vec<Answer> = Vec::new();
    let mut yielded: Vec<Finding> = Vec::new();
    let mut short = None;
    for (ty, text, rows) in &embedded.steps {
        let column: Vec<&str> = rows
            .iter()
            .filter_map(|r| r.first())
            .map(String::as_str)
            .collect();
        let judged: Result<Option<Findings>, Short> = match ty {
            StepType::Given => Ok(None),
            StepType::When => {
                let n = calls_made(text);
                if calls.len() - next < n {
                    short = Some(Short::NoExchange(format!("When {text}")));
                    break;
                }
                kept.extend(calls[next..next + n].iter().cloned());
                next += n;
                Ok(None)
            }
            StepType::Then => then(text, rows, &column, &kept, &calls, &mut next, &id),
        };
        // A step that checks the target's world: taken as recorded, it ended the scenario if
        // its recorded finding counts.
        if let Some(t) = TAKEN_AS_RECORDED.iter().find(|t| text_takes(text, t)) {
            if recorded_at(t).iter().any(|l| *l <= fail_on) {
                break;
            }
            continue;
        }
        let findings = match judged {
            Ok(Some(f)) => f.0,
            Ok(None) => continue,
            Err(s) => {
                short = Some(s);
                break;
            }
        };
        let mut findings = findings;
        if chosen_only {
            for f in &mut findings {
                f.level = f.level.max(Level::Chosen);
            }
        }
        // The signature step records its finding and goes on; every other step that finds a
        // mismatch that counts ends the scenario.
        let counts = findings.iter().any(|f| f.level <= fail_on);
        let goes_on = text == SIGNED_RIGHT;
        yielded.extend(findings);
        if counts && !goes_on {
            break;
        }
    }
    let stopped = !matches!(result.judged_outcome(), Outcome::Passed | Outcome::Failed);
    let explained = s
        .findings
        .iter()
        .any(|f| TAKEN_AS_RECORDED.contains(&f.expectation.as_str()));
    match short {
        Some(Short::NoExchange(step)) if !stopped && !explained => {
            return Err(format!(
                "cannot be re-judged: the step `{step}` has no recorded exchange"
            ));
        }
        Some(Short::StepFailed(why)) if !stopped && !explained => {
            return Err(format!("cannot be re-judged: {why}"));
        }
        None if next < calls.len() => {
            return Err(format!(
                "cannot be re-judged: it records {} exchanges, its steps make {next}",
                calls.len()
            ));
        }
        _ => {}
    }
    let key = |f: &Finding| (f.expectation.clone(), f.level, f.problem.clone());
    let mut derived: Vec<_> = yielded.iter().map(key).collect();
    derived.sort();
    if result.judged_outcome() == Outcome::NotRun {
        // Its findings were dropped when it was reported not run; its answers must not fail.
        if let Some((e, l, p)) = derived.iter().find(|(_, l, _)| *l <= fail_on) {
            return Err(format!(
                "reported not run, yet its recorded answers fail at {l}: {e}: {p}"
            ));
        }
        return Ok(next);
    }
    let mut recorded: Vec<_> = s
        .findings
        .iter()
        .filter(|f| !TAKEN_AS_RECORDED.contains(&f.expectation.as_str()))
        .map(|f| (f.expectation.clone(), f.level, f.problem.clone()))
        .collect();
    recorded.sort();
    for d in &derived {
        if let Some(i) = recorded.iter().position(|r| r == d) {
            recorded.remove(i);
        } else {
            let (e, l, p) = d;
            return Err(format!(
                "its recorded answers fail [{l}] {e}: {p} — a finding the report does not hold"
            ));
        }
    }
    if let Some((e, l, p)) = recorded.first() {
        return Err(format!(
            "it records the finding [{l}] {e}: {p}, which its recorded answers do not yield"
        ));
    }
    Ok(next)
}

const SIGNED_RIGHT: &str = "the same call signed right gets another answer";

/// Whether the Then step `text` is the one that checks the taken-as-recorded expectation `id`.
fn text_takes(text: &str, id: &str) -> bool {
    match id {
        ids::ROLLED_BACK => text.contains(" was rolled back to snapshot "),
        ids::DRY_RUN_CHANGES_NOTHING => text.ends_with(" was not rolled back"),
        _ => false,
    }
}

/// The findings of one Then step on the answers so far (`None`: taken as recorded).
#[allow(clippy::too_many_arguments)]
fn then(
    text: &str,
    rows: &[Vec<String>],
    column: &[&str],
    kept: &[Answer],
    calls: &[Answer],
    next: &mut usize,
    id: &ScenarioId,
) -> Result<Option<Findings>, Short> {
    let last = || {
        kept.last()
            .ok_or_else(|| Short::StepFailed(format!("`Then {text}` has no answer")))
    };
    let step_failed = |e: String| Short::StepFailed(format!("`Then {text}`: {e}"));
    let declared = |a: &Answer| {
        crate::contract::find(&a.action)
            .ok_or_else(|| step_failed(format!("{} is not a declared action", a.action)))
    };
    Ok(Some(match text {
        "the answer is" | "the answer is one of" => {
            let expected = check::expected_rows(rows).map_err(step_failed)?;
            check::error(last()?, &expected)
        }
        "the call succeeds with the fields" => {
            let a = last()?;
            check::success(a, &a.action, column)
        }
        "the reset succeeds" => {
            let a = last()?;
            let action = declared(a)?;
            check::success(a, action.name, action.answer_fields)
        }
        "the answer matches its recorded answer" => {
            let a = last()?;
            let content = recorded::canonical(a.format(), &a.raw);
            let name = recorded::snapshot_name(&id.feature, &id.scenario);
            let stored = SuiteFiles::Embedded.recorded_answer(&name);
            let mut f = Findings::default();
            if let Err(e) =
                recorded::check(&name, &content, stored.as_deref(), SnapshotMode::CheckOnly)
            {
                f.fail(ids::RECORDED_ANSWER, e);
            }
            f
        }
        "both answers carry the same fields and values" => match kept {
            [xml, json] => check::parity(xml, json, column),
            _ => {
                return Err(step_failed(format!(
                    "expected two answers, got {}",
                    kept.len()
                )));
            }
        },
        SIGNED_RIGHT => {
            let probe = last()?;
            let Some(right) = calls.get(*next) else {
                return Err(Short::NoExchange(format!("Then {text}")));
            };
            *next += 1;
            check::signature_checked(probe, right)
        }
        t if t.starts_with("exactly one reset succeeds and the other ") => {
            let others = t
                .split_whitespace()
                .find_map(|w| w.parse::<usize>().ok())
                .ok_or_else(|| step_failed("no count".into()))?;
            let code = *quoted(t)
                .first()
                .ok_or_else(|| step_failed("no code".into()))?;
            let action = declared(last()?)?;
            let row = action
                .catalogue()
                .and_then(|c| c.by_code(code))
                .ok_or_else(|| step_failed(format!("{code} is not in the action's error table")))?;
            let expected = ExpectedRow::new(row.answer.clone(), row);
            check::one_wins(kept, action.name, action.answer_fields, others, &expected)
        }
        t if TAKEN_AS_RECORDED.iter().any(|id| text_takes(t, id)) => return Ok(None),
        t => {
            return Err(Short::StepFailed(format!(
                "`Then {t}` is a step --rejudge does not know"
            )));
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::{Finding as Recorded, Judged};

    fn scenario(outcome: &str, failed_at: Option<Level>, findings: &[Level]) -> Scenario {
        Scenario {
            id: "f/s".into(),
            feature: "F".into(),
            name: "S".into(),
            tags: vec![],
            outcome: serde_json::from_value(outcome.into()).unwrap_or(Outcome::Passed),
            failed_at,
            counted: failed_at.is_some_and(|l| l <= Level::Observed),
            reason: None,
            cause: None,
            stalled_ms: None,
            duration_ms: 0,
            findings: findings
                .iter()
                .map(|l| Recorded {
                    expectation: "e".into(),
                    level: *l,
                    source: "s".into(),
                    problem: "p".into(),
                })
                .collect(),
            editions: None,
            judged: None,
            not_checked: vec![],
            exchanges: vec![],
            waived_by: vec![],
        }
    }

    #[test]
    fn an_outcome_must_follow_from_its_findings_as_the_run_closes_it() {
        let latest = editions::latest();
        let none = Waivers::default();
        let follows = |s: &Scenario| follows(s, Level::Observed, latest, &none, time::Date::MIN);
        assert!(follows(&scenario("passed", None, &[])).is_ok());
        let failed = scenario(
            "failed",
            Some(Level::Observed),
            &[Level::Observed, Level::Chosen],
        );
        assert!(follows(&failed).is_ok());
        let e = follows(&scenario("passed", None, &[Level::Observed])).unwrap_err();
        assert!(e.contains("recorded outcome Passed"), "{e}");
        let e = follows(&scenario("failed", Some(Level::Chosen), &[Level::Observed])).unwrap_err();
        assert!(e.contains("failed_at"), "{e}");
        let mut uncounted = scenario("failed", Some(Level::Chosen), &[Level::Chosen]);
        uncounted.counted = true;
        assert!(follows(&uncounted).unwrap_err().contains("counted"));
        // A scenario of other editions only: not run for the gated one, judged for its own.
        let mut other = scenario("not-run", None, &[Level::Documented]);
        other.tags = vec!["editions:2019-07-12..2024-12-02".into()];
        other.editions = Some("2019-07-12..2024-12-02".parse().unwrap());
        other.cause = Some(Cause::OtherEdition);
        other.judged = Some(Judged {
            outcome: Outcome::Failed,
            failed_at: Some(Level::Documented),
            reason: None,
            cause: None,
        });
        other.reason = Some(format!(
            "not in edition {}: this scenario judges only {}",
            latest.name,
            other.editions.unwrap().names()
        ));
        assert_eq!(follows(&other).map(|_| ()), Ok(()));
        other.judged = Some(Judged {
            outcome: Outcome::Passed,
            failed_at: None,
            reason: None,
            cause: None,
        });
        assert!(follows(&other).unwrap_err().contains("judged"));
        let mut lost = scenario("no-answer", None, &[]);
        lost.cause = Some(Cause::Setup);
        assert!(follows(&lost).is_err(), "no outcome a run gives");
    }

    #[test]
    fn what_is_taken_as_recorded_is_only_what_a_run_writes() {
        assert_eq!(written_at(STEP, false), Level::Documented);
        assert_eq!(written_at(STEP, true), Level::Documented);
        for id in TAKEN_AS_RECORDED.iter().filter(|id| **id != STEP) {
            let row = crate::evidence::expectation(id).level;
            assert_eq!(written_at(id, false), row, "{id}");
            assert_eq!(written_at(id, true), row.max(Level::Chosen), "{id}");
        }
    }

    #[test]
    fn when_steps_take_the_calls_they_make() {
        assert_eq!(
            calls_made("I reset disk \"d\" to snapshot \"s\" in XML and in JSON"),
            2
        );
        assert_eq!(
            calls_made("I send the same ResetDisk twice as V3 in JSON"),
            2
        );
        assert_eq!(
            calls_made("8 resets of disk \"d\" to snapshot \"s\" run at once in XML"),
            8
        );
        assert_eq!(calls_made("I reset disk \"d\" to snapshot \"s\" in XML"), 1);
        assert_eq!(
            quoted("the other 7 are \"Operation.Conflict\""),
            ["Operation.Conflict"]
        );
    }

    #[test]
    fn every_then_step_of_the_suite_is_one_rejudge_knows() {
        for (name, s) in embedded().unwrap() {
            for (ty, text, rows) in &s.steps {
                if *ty != StepType::Then || TAKEN_AS_RECORDED.iter().any(|t| text_takes(text, t)) {
                    continue;
                }
                let known = then(text, rows, &[], &[], &[], &mut 0, &ScenarioId::default());
                assert!(
                    !matches!(&known, Err(Short::StepFailed(why)) if why.contains("does not know")),
                    "{name:?}: {text}"
                );
            }
        }
    }
}
