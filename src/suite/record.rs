//! What one scenario produced, and where its result is decided.
//!
//! [`ScenarioRecord`] is what the scenario's world accumulates while it runs — exchanges,
//! findings, why it stopped short, what this target cannot show — and hands over once, when the
//! scenario ends. [`ScenarioRecord::close`] is where a scenario's outcome is decided, and
//! [`settle`] where the run's gate and waivers have their say: what they make is the scenario's
//! entry in `results.json`, which everything that reports a run reads.

use std::time::{Duration, Instant};

use super::answer::Answer;
use super::verdict;
use super::waivers::Waivers;
use crate::client::Call;
use crate::contract::editions::{Edition, Range};
use crate::evidence::Level;
use crate::results::{
    Cause, EXCHANGE_BODY_BYTES, Exchange, Finding, Outcome, Scenario, ScenarioId, capped,
};

/// Why a scenario stopped short of a verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Stop {
    /// The target cannot run it (no way to state its world, throttled, a guard refused a call).
    NotRun(String),
    /// Its state could not be prepared; `no_answer`: the preparation got no answer at all.
    SetupFailed { reason: String, no_answer: bool },
    /// One of its own calls got no answer at all.
    NoAnswer { reason: String },
    /// A call (or its setup) timed out while the runner itself stalled for `stalled`: the
    /// harness's fault, not the endpoint's silence.
    Stalled { reason: String, stalled: Duration },
}

impl Stop {
    /// For want of any answer from the endpoint.
    fn is_silence(&self) -> bool {
        matches!(
            self,
            Stop::NoAnswer { .. }
                | Stop::SetupFailed {
                    no_answer: true,
                    ..
                }
        )
    }
}

/// What one scenario produced while it ran.
#[derive(Debug, Default)]
pub(crate) struct ScenarioRecord {
    pub exchanges: Vec<Exchange>,
    pub findings: Vec<Finding>,
    /// Why it stopped short of a verdict (the first reason), and when.
    stop: Option<(Stop, Instant)>,
    /// Expectations the target cannot show.
    pub not_checked: Vec<String>,
    /// When it last got an answer.
    answered_at: Option<Instant>,
}

impl ScenarioRecord {
    /// Records why the scenario stopped short of a verdict: the first reason wins, it is what
    /// stopped the scenario.
    pub fn stop(&mut self, stop: Stop) {
        self.stop.get_or_insert_with(|| (stop, Instant::now()));
    }

    /// Both records as one: answers and findings of both, the earlier stop.
    pub fn merged(mut self, other: ScenarioRecord) -> Self {
        self.exchanges.extend(other.exchanges);
        self.findings.extend(other.findings);
        self.not_checked.extend(other.not_checked);
        if let Some((stop, _)) = other.stop {
            self.stop(stop);
        }
        self.answered_at = self.answered_at.max(other.answered_at);
        self
    }

    /// Keeps what one call sent and received.
    pub fn answered(&mut self, exchange: Exchange) {
        self.answered_at = Some(Instant::now());
        self.exchanges.push(exchange);
    }

    /// When it last got an answer, and when one of its calls (or its setup) got none.
    pub fn timing(&self) -> Timing {
        Timing {
            answered_at: self.answered_at,
            silent_at: (self.stop.as_ref())
                .filter(|(s, _)| s.is_silence())
                .map(|(_, at)| *at),
        }
    }

    /// The scenario's outcome, decided here only: its findings at the run's `fail_on` level,
    /// whether it stopped short (and why), and any step that failed without a finding that
    /// counts (a defect of the suite's own, counted at `documented` so it cannot pass unseen).
    /// The run's gate and waivers have their say after ([`settle`]).
    pub fn close(self, closing: Closing) -> Scenario {
        let Self {
            exchanges,
            mut findings,
            stop,
            not_checked,
            answered_at: _,
        } = self;
        let fail_on = closing.fail_on;
        let stop = stop.map(|(s, _)| s);
        let counted = findings.iter().any(|f| f.level <= fail_on);
        if !counted && !closing.step_errors.is_empty() && stop.is_none() {
            findings.push(Finding {
                expectation: STEP.into(),
                level: Level::Documented,
                source: "the suite's step definitions".into(),
                problem: closing.step_errors.join("\n"),
            });
        }
        let mut s = Scenario::not_run(&closing.id, closing.tags, closing.editions, String::new());
        s.reason = None;
        s.duration_ms = closing.duration.as_millis() as u64;
        s.not_checked = not_checked;
        s.exchanges = exchanges;
        let worst = verdict::worst(&findings);
        let (outcome, cause, reason) = match (stop, worst) {
            (Some(Stop::NotRun(why)), _) => {
                findings.clear();
                (Outcome::NotRun, None, Some(why))
            }
            // A mismatch that counts, seen before the state could no longer be read or before
            // the endpoint stopped answering, is still a failure; one beyond --fail-on is kept
            // with the findings, and the scenario stays unjudged.
            (
                Some(Stop::SetupFailed { .. } | Stop::NoAnswer { .. } | Stop::Stalled { .. }),
                Some(level),
            ) if level <= fail_on => (Outcome::Failed, None, None),
            (Some(Stop::SetupFailed { reason, no_answer }), _) => {
                let cause = if no_answer {
                    Cause::SetupNoAnswer
                } else {
                    Cause::Setup
                };
                (Outcome::NotRun, Some(cause), Some(reason))
            }
            (Some(Stop::NoAnswer { reason }), _) => {
                (Outcome::NoAnswer, Some(Cause::NoAnswer), Some(reason))
            }
            (Some(Stop::Stalled { reason, stalled }), _) => {
                s.stalled_ms = Some(stalled.as_millis() as u64);
                (Outcome::NotRun, Some(Cause::HarnessStall), Some(reason))
            }
            (None, Some(_)) => (Outcome::Failed, None, None),
            (None, None) => (Outcome::Passed, None, None),
        };
        s.failed_at = worst.filter(|_| outcome == Outcome::Failed);
        (s.outcome, s.cause, s.reason, s.findings) = (outcome, cause, reason, findings);
        s
    }
}

/// The kind of finding a step that failed without a finding of its own records.
pub const STEP: &str = "step";

/// What closing a scenario needs besides its record.
pub(crate) struct Closing {
    pub id: ScenarioId,
    pub tags: Vec<String>,
    /// The editions it judges (its `@editions:` tag).
    pub editions: Range,
    pub duration: Duration,
    /// Steps that failed, as cucumber reported them.
    pub step_errors: Vec<String>,
    pub fail_on: Level,
}

/// When a scenario last got an answer, and when one of its calls got none: what says when the
/// endpoint stopped answering.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Timing {
    pub answered_at: Option<Instant>,
    pub silent_at: Option<Instant>,
}

/// What the run makes of a closed scenario: the gate on `edition` (a scenario that edition does
/// not judge is not run for it, its outcome kept for the others), the waivers in force on
/// `date`, and whether it counts against the run at `fail_on`. The run and `verify --rejudge`
/// both settle every scenario here.
pub(crate) fn settle(
    scenario: &mut Scenario,
    edition: &Edition,
    waivers: &Waivers,
    fail_on: Level,
    date: time::Date,
) {
    super::editions::gate(scenario, edition);
    waivers.apply(scenario, fail_on, date);
    scenario.counted = scenario.fails_at(fail_on) || scenario.for_want_of_an_answer();
}

/// What one call sent and received, as the scenario records it: `call`, signed with
/// `access_key_id` and `nonce`, and its `answer`. No secret: the action's own parameters only,
/// the body capped at [`EXCHANGE_BODY_BYTES`].
pub(crate) fn exchange(
    call: &Call,
    access_key_id: &str,
    nonce: &str,
    setup: bool,
    answer: &Answer,
) -> Exchange {
    let omitted = |name: &str| call.tamper.omit.iter().any(|o| o == name);
    Exchange {
        action: call.action.clone(),
        wire_form: call.form,
        method: call.form.method(),
        format_asked: call.format,
        params: call.params.iter().cloned().collect(),
        setup,
        status: answer.raw.status,
        content_type: answer.raw.content_type.clone(),
        format: answer.format(),
        body: capped(&answer.raw.body, EXCHANGE_BODY_BYTES),
        string_to_sign: echoed(answer, &answer.string_to_sign),
        canonical_request: echoed(answer, &answer.canonical_request),
        access_key_id: if omitted("AccessKeyId") {
            String::new()
        } else {
            call.tamper
                .access_key_id
                .clone()
                .unwrap_or_else(|| access_key_id.to_owned())
        },
        nonce: if omitted("SignatureNonce") {
            String::new()
        } else {
            nonce.to_owned()
        },
    }
}

/// `value` when the answer's `Message` carries it: nothing the answer does not already say.
fn echoed(answer: &Answer, value: &Option<String>) -> Option<String> {
    let message = answer.document().ok()?.field("Message")?.to_owned();
    value
        .clone()
        .filter(|v| !v.is_empty() && message.contains(v.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(level: Level) -> Finding {
        Finding {
            expectation: "e".into(),
            level,
            source: "s".into(),
            problem: "p".into(),
        }
    }

    fn close(record: ScenarioRecord, errors: &[&str]) -> Scenario {
        record.close(Closing {
            id: ScenarioId::new("F", "S"),
            tags: vec![],
            editions: Range::ALL,
            duration: Duration::ZERO,
            step_errors: errors.iter().map(|e| (*e).to_owned()).collect(),
            fail_on: Level::Observed,
        })
    }

    fn outcome(s: &Scenario) -> (Outcome, Option<Level>, Option<Cause>) {
        (s.outcome, s.failed_at, s.cause)
    }

    #[test]
    fn the_outcome_is_decided_from_the_record_alone() {
        let passed = close(ScenarioRecord::default(), &[]);
        assert_eq!(outcome(&passed), (Outcome::Passed, None, None));
        assert_eq!(
            (passed.id.as_str(), passed.reason.as_deref()),
            ("f/s", None)
        );
        // A step that failed with no finding that counts is a failure of its own.
        assert_eq!(
            outcome(&close(ScenarioRecord::default(), &["step failed"])),
            (Outcome::Failed, Some(Level::Documented), None)
        );
        let mut beyond = ScenarioRecord::default();
        beyond.findings.push(finding(Level::Chosen));
        assert_eq!(
            outcome(&close(beyond, &[])),
            (Outcome::Failed, Some(Level::Chosen), None)
        );
        // The first stop wins; a not-run scenario keeps no findings.
        let mut not_run = ScenarioRecord::default();
        not_run.findings.push(finding(Level::Documented));
        not_run.stop(Stop::NotRun("no world".into()));
        not_run.stop(Stop::NotRun("later".into()));
        let not_run = close(not_run, &[]);
        assert_eq!(outcome(&not_run), (Outcome::NotRun, None, None));
        assert_eq!(not_run.reason.as_deref(), Some("no world"));
        assert!(not_run.findings.is_empty());
        // A counted mismatch seen before the silence is still a failure.
        let mut silent = ScenarioRecord::default();
        silent.findings.push(finding(Level::Observed));
        silent.stop(Stop::NoAnswer { reason: "r".into() });
        assert_eq!(
            outcome(&close(silent, &[])),
            (Outcome::Failed, Some(Level::Observed), None)
        );
        let mut unjudged = ScenarioRecord::default();
        unjudged.findings.push(finding(Level::Chosen));
        unjudged.stop(Stop::NoAnswer { reason: "r".into() });
        assert_eq!(
            outcome(&close(unjudged, &[])),
            (Outcome::NoAnswer, None, Some(Cause::NoAnswer))
        );
        let mut setup = ScenarioRecord::default();
        setup.stop(Stop::SetupFailed {
            reason: "refused".into(),
            no_answer: false,
        });
        assert_eq!(
            outcome(&close(setup, &["x"])),
            (Outcome::NotRun, None, Some(Cause::Setup))
        );
        let mut stalled = ScenarioRecord::default();
        stalled.stop(Stop::Stalled {
            reason: "r".into(),
            stalled: Duration::from_millis(1500),
        });
        let stalled = close(stalled, &[]);
        assert_eq!(
            (outcome(&stalled), stalled.stalled_ms),
            (
                (Outcome::NotRun, None, Some(Cause::HarnessStall)),
                Some(1500)
            )
        );
    }

    #[test]
    fn namesakes_keep_each_others_failures() {
        let mut failed = ScenarioRecord::default();
        failed.findings.push(finding(Level::Documented));
        let merged = ScenarioRecord::default().merged(failed);
        assert_eq!(
            outcome(&close(merged, &[])),
            (Outcome::Failed, Some(Level::Documented), None)
        );
    }
}
