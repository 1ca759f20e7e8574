//! One scenario's identity and everything it produced, in one place.
//!
//! [`ScenarioId`] is the one spelling of a scenario: it yields the name people read, the stable id
//! `results.json` uses, and the recorded answer's name. [`ScenarioRecord`] is what the scenario's
//! world accumulates while it runs — answers, findings, why it stopped short, what this target
//! cannot show — and hands over once, when the scenario ends. [`ScenarioRecord::close`] is where a
//! scenario's outcome is decided; everything that reports a run reads the results it makes.

use std::time::{Duration, Instant};

use super::check::Answer;
use super::summary::{Outcome, ScenarioResult};
use super::verdict::{self, Finding};
use crate::client::{Call, WireForm};
use crate::evidence::Level;
use crate::format::Format;

/// A scenario: its feature's name and its own (an outline's expansion has its own name).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct ScenarioId {
    pub feature: String,
    pub scenario: String,
}

impl ScenarioId {
    pub fn new(feature: impl Into<String>, scenario: impl Into<String>) -> Self {
        Self {
            feature: feature.into(),
            scenario: scenario.into(),
        }
    }

    /// `feature / scenario`: how a person reads it.
    pub fn name(&self) -> String {
        format!("{} / {}", self.feature, self.scenario)
    }

    /// `feature-slug/scenario-slug`: the stable id of `results.json` and of waivers.
    pub fn slug(&self) -> String {
        format!(
            "{}/{}",
            super::slug_with(&self.feature, '-'),
            super::slug_with(&self.scenario, '-')
        )
    }

    /// The name of its recorded answer (`features/snapshots/`).
    pub fn recorded_answer(&self) -> String {
        super::recorded::snapshot_name(&self.feature, &self.scenario)
    }
}

impl std::fmt::Display for ScenarioId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} / {}", self.feature, self.scenario)
    }
}

/// Why a scenario stopped short of a verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Stop {
    /// The target cannot run it (no way to state its world, throttled, a guard refused a call).
    NotRun(String),
    /// Its state could not be prepared; `no_answer`: the preparation got no answer at all.
    SetupFailed { reason: String, no_answer: bool },
    /// One of its own calls got no answer at all; `kind` groups the causes.
    NoAnswer { kind: String, reason: String },
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
    pub answers: Vec<AnswerSummary>,
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
        self.answers.extend(other.answers);
        self.findings.extend(other.findings);
        self.not_checked.extend(other.not_checked);
        if let Some((stop, _)) = other.stop {
            self.stop(stop);
        }
        self.answered_at = self.answered_at.max(other.answered_at);
        self
    }

    /// Keeps what one call sent and received.
    pub fn answered(&mut self, answer: AnswerSummary) {
        self.answered_at = Some(Instant::now());
        self.answers.push(answer);
    }

    /// The scenario's outcome, decided here only: its findings at the run's `fail_on` level,
    /// whether it stopped short (and why), and any step that failed without a finding that
    /// counts (a defect of the suite's own, counted at `documented` so it cannot pass unseen).
    pub fn close(
        self,
        id: ScenarioId,
        tags: Vec<String>,
        duration: Duration,
        step_errors: Vec<String>,
        fail_on: Level,
    ) -> ScenarioResult {
        let Self {
            answers,
            mut findings,
            stop,
            not_checked,
            answered_at,
        } = self;
        let silent_at = stop
            .as_ref()
            .filter(|(s, _)| s.is_silence())
            .map(|(_, at)| *at);
        let stop = stop.map(|(s, _)| s);
        let counted = findings.iter().any(|f| f.level <= fail_on);
        if !counted && !step_errors.is_empty() && stop.is_none() {
            findings.push(Finding {
                expectation: "step".into(),
                level: Level::Documented,
                source: "the suite's step definitions".into(),
                problem: step_errors.join("\n"),
            });
        }
        let outcome = match (stop, verdict::worst(&findings)) {
            (Some(Stop::NotRun(why)), _) => {
                findings.clear();
                Outcome::NotRun(why)
            }
            // A mismatch that counts, seen before the state could no longer be read or before
            // the endpoint stopped answering, is still a failure; one beyond --fail-on is kept
            // with the findings, and the scenario stays unjudged.
            (
                Some(Stop::SetupFailed { .. } | Stop::NoAnswer { .. } | Stop::Stalled { .. }),
                Some(level),
            ) if level <= fail_on => Outcome::Failed { level },
            (Some(Stop::SetupFailed { reason, no_answer }), _) => {
                Outcome::SetupFailed { reason, no_answer }
            }
            (Some(Stop::NoAnswer { kind, reason }), _) => Outcome::NoAnswer { kind, reason },
            (Some(Stop::Stalled { reason, stalled }), _) => Outcome::Stalled { reason, stalled },
            (None, Some(level)) => Outcome::Failed { level },
            (None, None) => Outcome::Passed,
        };
        ScenarioResult {
            id,
            outcome,
            findings,
            tags,
            duration,
            not_checked,
            answers,
            answered_at,
            silent_at,
            elsewhere: None,
            waived: None,
        }
    }
}

/// One call a scenario made and what came back: what reports show and proofs count. It holds no
/// secret: the action's own parameters only (never a signature or a common parameter), and the
/// answer's body capped at [`EXCHANGE_BODY_BYTES`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerSummary {
    pub action: String,
    pub form: WireForm,
    /// The `Format` parameter sent, if any.
    pub asked: Option<Format>,
    /// The action's parameters as sent (aliases resolved).
    pub params: Vec<(String, String)>,
    /// The format the answer came in.
    pub format: Format,
    pub status: u16,
    pub content_type: String,
    /// The body as received, at most [`EXCHANGE_BODY_BYTES`] of it.
    pub body: String,
    /// The error `Code`, if the answer was an error with one.
    pub code: Option<String>,
    /// The key pair and nonce the call was signed with: together they name the call.
    pub access_key_id: String,
    pub nonce: String,
    /// The call prepared the scenario's state rather than being what it checks.
    pub setup: bool,
    /// The client's own string-to-sign and (V3) canonical request, kept only when the answer's
    /// `Message` already carries them (a `SignatureDoesNotMatch` that echoes them): what lets
    /// `verify --rejudge` match `{string-to-sign}` in an expected message.
    pub string_to_sign: Option<String>,
    pub canonical_request: Option<String>,
}

/// How much of an answer's body a report keeps.
pub const EXCHANGE_BODY_BYTES: usize = 64 * 1024;

impl AnswerSummary {
    /// `call`, signed with `access_key_id` and `nonce`, and its `answer`.
    pub(crate) fn of(
        call: &Call,
        access_key_id: &str,
        nonce: &str,
        setup: bool,
        answer: &Answer,
    ) -> Self {
        let omitted = |name: &str| call.tamper.omit.iter().any(|o| o == name);
        Self {
            action: call.action.clone(),
            form: call.form,
            asked: call.format,
            params: call.params.clone(),
            format: answer.format(),
            status: answer.raw.status,
            content_type: answer.raw.content_type.clone(),
            body: capped(&answer.raw.body, EXCHANGE_BODY_BYTES),
            code: answer.code(),
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
            setup,
            string_to_sign: echoed(answer, &answer.string_to_sign),
            canonical_request: echoed(answer, &answer.canonical_request),
        }
    }
}

/// `value` when the answer's `Message` carries it: nothing the answer does not already say.
fn echoed(answer: &Answer, value: &Option<String>) -> Option<String> {
    let message = answer.document().ok()?.field("Message")?.to_owned();
    value
        .clone()
        .filter(|v| !v.is_empty() && message.contains(v.as_str()))
}

/// `s` cut to at most `max` bytes, on a character boundary, marked when cut.
fn capped(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… [{} more bytes]", &s[..end], s.len() - end)
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

    fn close(record: ScenarioRecord, errors: &[&str]) -> Outcome {
        let errors = errors.iter().map(|e| (*e).to_owned()).collect();
        record
            .close(
                ScenarioId::new("F", "S"),
                vec![],
                Duration::ZERO,
                errors,
                Level::Observed,
            )
            .outcome
    }

    #[test]
    fn one_id_spells_every_name() {
        let id = ScenarioId::new("ResetDisk errors: the account", "A reset (XML)");
        assert_eq!(id.name(), "ResetDisk errors: the account / A reset (XML)");
        assert_eq!(id.to_string(), id.name());
        assert_eq!(id.slug(), "resetdisk-errors-the-account/a-reset-xml");
        assert_eq!(
            id.recorded_answer(),
            "resetdisk_errors_the_account__a_reset_xml"
        );
    }

    #[test]
    fn the_outcome_is_decided_from_the_record_alone() {
        assert_eq!(close(ScenarioRecord::default(), &[]), Outcome::Passed);
        // A step that failed with no finding that counts is a failure of its own.
        assert_eq!(
            close(ScenarioRecord::default(), &["step failed"]),
            Outcome::Failed {
                level: Level::Documented
            }
        );
        let mut beyond = ScenarioRecord::default();
        beyond.findings.push(finding(Level::Chosen));
        assert_eq!(
            close(beyond, &[]),
            Outcome::Failed {
                level: Level::Chosen
            }
        );
        // The first stop wins; a not-run scenario keeps no findings.
        let mut not_run = ScenarioRecord::default();
        not_run.findings.push(finding(Level::Documented));
        not_run.stop(Stop::NotRun("no world".into()));
        not_run.stop(Stop::NotRun("later".into()));
        assert_eq!(close(not_run, &[]), Outcome::NotRun("no world".into()));
        // A counted mismatch seen before the silence is still a failure.
        let mut silent = ScenarioRecord::default();
        silent.findings.push(finding(Level::Observed));
        silent.stop(Stop::NoAnswer {
            kind: "k".into(),
            reason: "r".into(),
        });
        assert_eq!(
            close(silent, &[]),
            Outcome::Failed {
                level: Level::Observed
            }
        );
        let mut setup = ScenarioRecord::default();
        setup.stop(Stop::SetupFailed {
            reason: "refused".into(),
            no_answer: false,
        });
        assert!(matches!(close(setup, &["x"]), Outcome::SetupFailed { .. }));
    }

    #[test]
    fn namesakes_keep_each_others_failures() {
        let mut failed = ScenarioRecord::default();
        failed.findings.push(finding(Level::Documented));
        let merged = ScenarioRecord::default().merged(failed);
        assert_eq!(
            close(merged, &[]),
            Outcome::Failed {
                level: Level::Documented
            }
        );
    }

    #[test]
    fn bodies_are_capped_on_a_character_boundary() {
        assert_eq!(capped("abc", 5), "abc");
        assert_eq!(capped("ééé", 3), "é… [4 more bytes]");
    }
}
