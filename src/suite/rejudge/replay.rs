//! A scenario replayed on the exchanges a report records, step by step through the registry
//! (`suite::steps`): a When step takes the calls its declaration makes, a Then step runs the
//! check the run ran on the answers so far, weighed as the run weighs it; what only a run could
//! find (what the target's world showed, a world it refused, an answer never received whole, a
//! step that failed without a finding) is taken as recorded, at the level a run records it.

use crate::client::RawResponse;
use crate::evidence::{Level, ids};
use crate::results::{Exchange, Finding, Outcome, Scenario, ScenarioId};
use crate::suite::answer::Answer;
use crate::suite::files::SuiteFiles;
use crate::suite::outline::Expanded;
use crate::suite::record::STEP;
use crate::suite::recorded::SnapshotMode;
use crate::suite::steps::judging::Judging;
use crate::suite::steps::step::Does;
use crate::suite::steps::{self, keyword};
use crate::suite::verdict;

/// Expectations `--rejudge` cannot re-derive from the recorded exchanges, so takes as recorded:
/// what the target's world showed after a call (every observing step's, `rolled-back` and
/// `dry-run.changes-nothing` among them), a world the target refused as invalid (`setup`), an
/// answer never received whole (`answer.received`), and a step that failed without a finding
/// (`step`).
pub(super) fn taken_as_recorded() -> Vec<&'static str> {
    let mut out: Vec<&str> = steps::observed().collect();
    out.extend([ids::SETUP, ids::ANSWER_RECEIVED, STEP]);
    out
}

/// The level at which a run records a finding of a [`taken_as_recorded`] kind: `step` findings
/// at `documented` (`ScenarioRecord::close`), the others at their row's level in
/// `features/expectations.tsv`, raised to `chosen` in a scenario tagged `@chosen` (as the run
/// weighs every finding there). A finding of such a kind at any other level was not written by a
/// run: it can excuse nothing.
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

/// Why a re-judged scenario stopped short of its last step.
enum Short {
    /// A step has no recorded exchange left: the call got no answer or was not made.
    NoExchange(String),
    /// A step could not be judged as written (it fails the step, a `step` finding).
    StepFailed(String),
}

/// Re-judges the scenario's answers step by step, and compares what the checks yield with its
/// recorded findings; returns how many exchanges were checked.
pub(super) fn answers(
    s: &Scenario,
    embedded: &Expanded,
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
    let taken = taken_as_recorded();
    // What is taken as recorded must at least be what a run records: its kind at its level.
    for f in &s.findings {
        if taken.contains(&f.expectation.as_str()) {
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
        let (step, args) = steps::find(keyword(*ty), text, rows)
            .map_err(|e| format!("cannot be re-judged: {e}"))?;
        let n = match step.calls_with(&args) {
            Ok(n) => n,
            Err(e) => {
                short = Some(Short::StepFailed(format!("`{text}`: {e}")));
                break;
            }
        };
        if calls.len() - next < n {
            short = Some(Short::NoExchange(format!("{:?} {text}", step.keyword)));
            break;
        }
        let made = &calls[next..next + n];
        next += n;
        match step.does {
            // The world a scenario states: its preparatory calls are marked, not replayed.
            Does::State(_) => {}
            Does::Act(_) => kept.extend(made.iter().cloned()),
            // The target's world: taken as recorded, it ended the scenario if its recorded
            // finding counts.
            Does::Observe { expectation, .. } => {
                if recorded_at(expectation).iter().any(|l| *l <= fail_on) {
                    break;
                }
            }
            Does::Judge { check, goes_on, .. } => {
                let judging = Judging {
                    scenario: &id,
                    answers: &kept,
                    aside: made,
                    files: &SuiteFiles::Embedded,
                    snapshot_mode: SnapshotMode::CheckOnly,
                };
                let findings = match check(&judging, &args) {
                    Ok(f) => f,
                    Err(e) => {
                        short = Some(Short::StepFailed(format!("`Then {text}`: {e}")));
                        break;
                    }
                };
                // A step whose findings count ends the scenario, unless it goes on.
                let (findings, counts) = verdict::weigh(findings, chosen_only, fail_on);
                yielded.extend(findings);
                if counts.is_err() && !goes_on {
                    break;
                }
            }
        }
    }
    let stopped = !matches!(result.judged_outcome(), Outcome::Passed | Outcome::Failed);
    let explained = s
        .findings
        .iter()
        .any(|f| taken.contains(&f.expectation.as_str()));
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
    if (result.judged_outcome(), result.judged_reason().1) == (Outcome::NotRun, None) {
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
        .filter(|f| !taken.contains(&f.expectation.as_str()))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_taken_as_recorded_is_only_what_a_run_writes() {
        assert_eq!(written_at(STEP, false), Level::Documented);
        assert_eq!(written_at(STEP, true), Level::Documented);
        let taken = taken_as_recorded();
        for id in [ids::ROLLED_BACK, ids::DRY_RUN_CHANGES_NOTHING, ids::SETUP] {
            assert!(taken.contains(&id), "{id} {taken:?}");
        }
        for id in taken.iter().filter(|id| **id != STEP) {
            let row = crate::evidence::expectation(id).level;
            assert_eq!(written_at(id, false), row, "{id}");
            assert_eq!(written_at(id, true), row.max(Level::Chosen), "{id}");
        }
    }
}
