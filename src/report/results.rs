//! `results.json`: a run as data, in a versioned schema of the project's own
//! (`docs/reports.md`). Reports, verification and regression diffs all read it.

use crate::contract::editions::{self, Range};
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::evidence::Level;
use crate::suite::{AnswerSummary, Outcome, Report, RunOutput, ScenarioResult};

/// The schema's name and version; a reader refuses any other.
pub const SCHEMA: &str = "ecs-conformance/results/v1";
/// The contract the suite certifies against.
pub const CONTRACT: &str = "ECS ResetDisk, API version 2014-05-26";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Results {
    pub schema: String,
    pub run: Run,
    pub scenarios: Vec<Scenario>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Run {
    pub harness: Harness,
    pub suite_fingerprint: String,
    pub contract: String,
    pub target: String,
    /// Never the secret.
    pub access_key_id: String,
    pub control_api: bool,
    /// How scenarios got their state: `control`, `discover` or `none` (`run --world`).
    #[serde(default)]
    pub world: String,
    /// RFC 3339.
    pub started_at: String,
    pub duration_ms: u64,
    pub fail_on: Level,
    pub tags: Option<String>,
    pub formats: Vec<String>,
    /// Per level: `passed`, `failed`, or `not certified` (nothing ran, or the suite is broken).
    pub verdict: BTreeMap<Level, String>,
    pub counts: Counts,
    pub suite_problems: Vec<String>,
    /// When calls began to get no answer: the scenario (`feature / scenario`) that last got one
    /// before, or `(none)`. Absent when every call was answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped_answering_after: Option<String>,
    /// The container the target ran in, when the run started one.
    #[serde(default)]
    pub container: Option<Container>,
    /// The edition of the contract the run is gated on: `verdict` and `counts` are its.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edition: Option<String>,
    /// Every edition's verdict from the same answers, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub editions: Vec<EditionVerdict>,
    /// The newest edition whose verdict at `fail_on` is `passed`; `(none)` when none is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conforms_to: Option<String>,
    /// The waivers of `run --waivers`, in the file's order, each with its state. Absent when the
    /// run had none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waivers: Vec<Waiver>,
    /// The API metadata snapshot the harness carries: the one a finding's `[meta]` source names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<MetadataSnapshot>,
}

/// Alibaba Cloud's API metadata as the harness carries it (docs/editions.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetadataSnapshot {
    /// `YYYY-MM-DD`.
    pub snapshot: String,
    /// Where it is published.
    pub source: String,
}

/// One edition's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditionVerdict {
    pub name: String,
    /// Per level, as `run.verdict`.
    pub verdict: BTreeMap<Level, String>,
    /// The scenarios that judge it.
    pub scenarios: usize,
}

/// A scenario's outcome in the editions it judges, when the gated edition is not one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Judged {
    pub outcome: String,
    pub failed_at: Option<Level>,
}

/// A waiver of the run (`docs/waivers.md`) and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    pub scenario: String,
    pub expectation: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received: Option<String>,
    pub reason: String,
    pub issue: String,
    /// `YYYY-MM-DD`: the last day it is in force.
    pub expires: String,
    /// `applied` (its deviation occurred), `stale` (a scenario it names ran, and its deviation
    /// did not occur: the run fails), `expired` (ignored) or `unexercised` (no scenario it names
    /// reached a verdict).
    pub state: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Container {
    pub image: String,
    pub container_id: String,
    pub image_id: Option<String>,
    pub digest: Option<String>,
    pub startup_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Harness {
    pub name: String,
    pub version: String,
    pub commit: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Counts {
    pub scenarios: usize,
    pub passed: usize,
    /// Scenarios by the strongest level they fail at.
    pub failed: BTreeMap<Level, usize>,
    /// Setup failures included.
    pub not_run: usize,
    /// Of `not_run`, the scenarios whose state could not be prepared.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub setup_failed: usize,
    /// Scenarios one of whose calls got no answer at all (outcome `no-answer`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub no_answer: usize,
    /// Of `not_run`, the scenarios whose call timed out while the harness itself stalled (cause
    /// `harness-stall`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub harness_stalled: usize,
    /// Of `not_run`, the scenarios the gated edition does not judge (cause `other-edition`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub other_editions: usize,
    /// Scenarios excused by waivers (outcome `failed`, not `counted`, `waived_by` set): counted
    /// apart, not in `passed` nor in `failed`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub waived: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Stable across runs, reordered features and renamed files: `feature-slug/scenario-slug`.
    pub id: String,
    pub feature: String,
    pub name: String,
    pub tags: Vec<String>,
    /// `passed`, `failed`, `not-run` or `no-answer` (a call got no answer at all: unjudged, and
    /// the run fails for it).
    pub outcome: String,
    /// The strongest level it fails at.
    pub failed_at: Option<Level>,
    /// Whether the failure counts at the run's `--fail-on`.
    pub counted: bool,
    /// Why it did not run, or which call got no answer.
    pub reason: Option<String>,
    /// `setup` (a `not-run` scenario whose state could not be prepared), `setup-no-answer` (the
    /// same, for want of any answer: it fails the run), `no-answer`, or `harness-stall` (a
    /// `not-run` scenario whose call timed out while the harness itself stalled).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    /// For cause `harness-stall`: how long the runner stalled while the call waited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stalled_ms: Option<u64>,
    pub duration_ms: u64,
    pub findings: Vec<Finding>,
    /// The editions it judges (`FROM..` or `FROM..UNTIL`); absent when it judges every one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub editions: Option<String>,
    /// Its outcome in those editions, when the gated edition is not one of them (its `outcome`
    /// is then `not-run`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judged: Option<Judged>,
    /// Expectations the target cannot show: "not checked on this target", never passed.
    #[serde(default)]
    pub not_checked: Vec<String>,
    pub exchanges: Vec<Exchange>,
    /// The waivers (indices into `run.waivers`) that excuse it: set only on a waived scenario
    /// (or one of another edition, waived in those it judges), whose findings are all still
    /// listed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waived_by: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    pub expectation: String,
    pub level: Level,
    pub source: String,
    pub problem: String,
}

/// One call and its answer. The request's action parameters only: no common parameter, no
/// signature, no secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exchange {
    pub action: String,
    pub wire_form: String,
    pub method: String,
    pub format_asked: Option<String>,
    pub params: BTreeMap<String, String>,
    /// The call prepared the scenario's state.
    pub setup: bool,
    pub status: u16,
    pub content_type: String,
    pub format: String,
    /// Capped at 64 KiB.
    pub body: String,
    /// The client's own string-to-sign and (V3) canonical request, only when the answer's
    /// `Message` carries them (`verify --rejudge` matches `{string-to-sign}` with them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub string_to_sign: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canonical_request: Option<String>,
}

fn exchange(a: &AnswerSummary) -> Exchange {
    Exchange {
        action: a.action.clone(),
        wire_form: format!("{:?}", a.form),
        method: if a.form == crate::client::WireForm::V1Get {
            "GET".into()
        } else {
            "POST".into()
        },
        format_asked: a.asked.map(|f| f.to_string()),
        params: a.params.iter().cloned().collect(),
        setup: a.setup,
        status: a.status,
        content_type: a.content_type.clone(),
        format: a.format.to_string(),
        body: a.body.clone(),
        string_to_sign: a.string_to_sign.clone(),
        canonical_request: a.canonical_request.clone(),
    }
}

/// What a run's verdicts are, from its scenarios' outcomes: the run's fields that `verify
/// --rejudge` re-derives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Judgement {
    pub verdict: BTreeMap<Level, String>,
    pub counts: Counts,
    pub editions: Vec<EditionVerdict>,
    pub conforms_to: String,
}

impl Judgement {
    pub(crate) fn of(report: &Report) -> Self {
        Self {
            verdict: Level::ALL
                .into_iter()
                .map(|l| (l, report.verdict_at(l).as_str().to_owned()))
                .collect(),
            counts: Counts {
                scenarios: report.results.len(),
                passed: report
                    .results
                    .iter()
                    .filter(|r| r.outcome == Outcome::Passed)
                    .count(),
                failed: Level::ALL
                    .into_iter()
                    .map(|l| (l, report.failed_at(l)))
                    .collect(),
                not_run: report.not_run() + report.of_other_editions(),
                other_editions: report.of_other_editions(),
                setup_failed: report.setup_failed(),
                no_answer: report.no_answer(),
                harness_stalled: report.harness_stalled().0,
                waived: report.waived(),
            },
            editions: editions::all()
                .iter()
                .map(|e| EditionVerdict {
                    name: e.name.to_owned(),
                    verdict: Level::ALL
                        .into_iter()
                        .map(|l| (l, report.verdict_in(e, l).as_str().to_owned()))
                        .collect(),
                    scenarios: report.judging(e).count(),
                })
                .collect(),
            conforms_to: report
                .conforms_to()
                .map_or_else(|| "(none)".to_owned(), |e| e.name.to_owned()),
        }
    }
}

impl Scenario {
    /// A scenario's entry, from its result in a run judged at `fail_on`.
    pub(crate) fn of(r: &ScenarioResult, fail_on: Level) -> Self {
        let (outcome, cause) = r.outcome.wire();
        let failed_at = match r.outcome {
            Outcome::Failed { level } => Some(level),
            _ => None,
        };
        Scenario {
            id: r.id.slug(),
            feature: r.id.feature.clone(),
            name: r.id.scenario.clone(),
            tags: r.tags.clone(),
            outcome: outcome.into(),
            failed_at,
            counted: r.counted(fail_on),
            reason: r.outcome.reason().map(str::to_owned),
            cause: match r.elsewhere {
                Some(_) => Some("other-edition".to_owned()),
                None => cause.map(str::to_owned),
            },
            stalled_ms: match r.outcome {
                Outcome::Stalled { stalled, .. } => Some(stalled.as_millis() as u64),
                _ => None,
            },
            duration_ms: r.duration.as_millis() as u64,
            findings: r
                .findings
                .iter()
                .map(|f| Finding {
                    expectation: f.expectation.clone(),
                    level: f.level,
                    source: f.source.clone(),
                    problem: f.problem.clone(),
                })
                .collect(),
            editions: Some(r.editions())
                .filter(|e| *e != Range::ALL)
                .map(|e| e.to_string()),
            judged: r.elsewhere.as_ref().map(|o| Judged {
                outcome: o.wire().0.into(),
                failed_at: match o {
                    Outcome::Failed { level } => Some(*level),
                    _ => None,
                },
            }),
            not_checked: r.not_checked.clone(),
            exchanges: r.answers.iter().map(exchange).collect(),
            waived_by: r.waived.as_ref().map(|w| w.by.clone()).unwrap_or_default(),
        }
    }
}

impl Results {
    /// The results of `out`.
    pub fn of(out: &RunOutput) -> Self {
        let report = &out.report;
        let meta = &out.meta;
        let scenarios: Vec<Scenario> = report
            .results
            .iter()
            .map(|r| Scenario::of(r, report.fail_on))
            .collect();
        let judged = Judgement::of(report);
        Self {
            schema: SCHEMA.into(),
            run: Run {
                harness: Harness {
                    name: env!("CARGO_PKG_NAME").into(),
                    version: env!("CARGO_PKG_VERSION").into(),
                    commit: env!("ECSC_COMMIT").into(),
                },
                suite_fingerprint: meta.fingerprint.clone(),
                contract: format!("{CONTRACT}, edition {}", report.edition.name),
                target: meta.target.clone(),
                access_key_id: meta.access_key_id.clone(),
                control_api: meta.control_api,
                world: meta.world.clone(),
                started_at: meta
                    .started_at
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default(),
                duration_ms: report.elapsed.as_millis() as u64,
                fail_on: report.fail_on,
                tags: meta.tags.clone(),
                formats: meta.formats.iter().map(|f| f.to_string()).collect(),
                verdict: judged.verdict,
                counts: judged.counts,
                suite_problems: report.suite_problems.clone(),
                stopped_answering_after: report
                    .stopped_answering
                    .as_ref()
                    .map(|s| s.after.clone().unwrap_or_else(|| "(none)".into())),
                container: meta.container.as_ref().map(|c| Container {
                    image: c.image.clone(),
                    container_id: c.container_id.clone(),
                    image_id: c.image_id.clone(),
                    digest: c.digest.clone(),
                    startup_ms: c.startup.as_millis() as u64,
                }),
                edition: Some(report.edition.name.to_owned()),
                editions: judged.editions,
                conforms_to: Some(judged.conforms_to),
                metadata: Some(MetadataSnapshot {
                    snapshot: crate::metadata::header().snapshot.clone(),
                    source: crate::metadata::header().source.clone(),
                }),
                waivers: report
                    .waivers
                    .iter()
                    .map(|(w, state)| Waiver {
                        scenario: w.scenario.clone(),
                        expectation: w.expectation.clone(),
                        received: w.received.clone(),
                        reason: w.reason.clone(),
                        issue: w.issue.clone(),
                        expires: crate::suite::format_date(w.expires),
                        state: state.as_str().into(),
                    })
                    .collect(),
            },
            scenarios,
        }
    }

    /// Reads `results.json`, refusing another schema.
    pub fn parse(text: &str) -> Result<Self, String> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        match value.get("schema").and_then(|s| s.as_str()) {
            Some(SCHEMA) => {}
            other => return Err(format!("schema {other:?} is not {SCHEMA:?}")),
        }
        serde_json::from_value(value).map_err(|e| format!("not a results document: {e}"))
    }
}
