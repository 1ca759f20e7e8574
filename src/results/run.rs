//! What a run was and what it found, as `results.json`'s `run` holds it: the harness, the target,
//! the selection, and the verdicts — per level for the gated edition, per edition — with the
//! counts they rest on. The suite decides them (`suite::judgement`); every reader takes them as
//! written.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::waiver::RunWaiver;
use crate::evidence::Level;
use crate::format::Format;

/// What a run says at one evidence level: `passed`, `failed` or `not certified`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Verdict {
    /// No scenario fails at that level or a stronger one.
    #[serde(rename = "passed")]
    Passed,
    #[serde(rename = "failed")]
    Failed,
    /// Nothing can be said: the suite is inconsistent, nothing was checked, or the endpoint left
    /// scenarios unjudged.
    #[serde(rename = "not certified")]
    NotCertified,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Passed => "passed",
            Verdict::Failed => "failed",
            Verdict::NotCertified => "not certified",
        }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
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
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: time::OffsetDateTime,
    pub duration_ms: u64,
    pub fail_on: Level,
    pub tags: Option<String>,
    pub formats: Vec<Format>,
    /// Per level, for the gated edition.
    pub verdict: BTreeMap<Level, Verdict>,
    pub counts: Counts,
    /// What is wrong with the suite itself (its features against its catalogues); a run with any
    /// certifies nothing.
    pub suite_problems: Vec<String>,
    /// When calls began to get no answer: the scenario (`feature / scenario`) that last got one
    /// before, or `(none)`. Absent when every call was answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped_answering_after: Option<String>,
    /// Some call was answered again after the first that got none: the endpoint answers only now
    /// and then. Absent when not.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub answered_again: bool,
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
    pub waivers: Vec<RunWaiver>,
    /// The API metadata snapshot the harness carries: the one a finding's `[meta]` source names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<MetadataSnapshot>,
    /// The depth map: every action of the API metadata, how deeply the run judged it, and how
    /// its scenarios fared (`super::depth`). Absent in reports written before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actions: Option<Vec<super::depth::ActionDepth>>,
}

impl Run {
    /// A run of this harness against `target` that began at `started_at`, judged at `fail_on`:
    /// what it found is written in as it ends (`suite::judgement::conclude`).
    pub fn begun(target: String, started_at: time::OffsetDateTime, fail_on: Level) -> Self {
        Self {
            harness: Harness::this(),
            suite_fingerprint: String::new(),
            contract: String::new(),
            target,
            access_key_id: String::new(),
            control_api: false,
            world: String::new(),
            started_at,
            duration_ms: 0,
            fail_on,
            tags: None,
            formats: Format::BOTH.to_vec(),
            verdict: BTreeMap::new(),
            counts: Counts::default(),
            suite_problems: Vec::new(),
            stopped_answering_after: None,
            answered_again: false,
            container: None,
            edition: None,
            editions: Vec::new(),
            conforms_to: None,
            waivers: Vec::new(),
            metadata: Some(MetadataSnapshot {
                snapshot: crate::metadata::header().snapshot.clone(),
                source: crate::metadata::header().source.clone(),
            }),
            actions: None,
        }
    }
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
    pub verdict: BTreeMap<Level, Verdict>,
    /// The scenarios that judge it.
    pub scenarios: usize,
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

impl Container {
    /// What the report says of the container a run started.
    pub fn of(info: &crate::container::ContainerInfo) -> Self {
        Self {
            image: info.image.clone(),
            container_id: info.container_id.clone(),
            image_id: info.image_id.clone(),
            digest: info.digest.clone(),
            startup_ms: info.startup.as_millis() as u64,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Harness {
    pub name: String,
    pub version: String,
    pub commit: String,
}

impl Harness {
    /// This harness.
    pub fn this() -> Self {
        Self {
            name: env!("CARGO_PKG_NAME").into(),
            version: env!("CARGO_PKG_VERSION").into(),
            commit: env!("ECSC_COMMIT").into(),
        }
    }
}

/// How many scenarios came to what, for the gated edition.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Counts {
    pub scenarios: usize,
    /// Scenarios that met every expectation at every level: the one meaning of "passed".
    pub passed: usize,
    /// Scenarios by the strongest level they fail at, waived ones aside.
    pub failed: BTreeMap<Level, usize>,
    /// Setup failures and scenarios of other editions included.
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

impl Counts {
    /// Scenarios whose strongest deviation is at `level`, waived ones aside.
    pub fn failed_at(&self, level: Level) -> usize {
        self.failed.get(&level).copied().unwrap_or(0)
    }

    /// Scenarios that fail at `level` or a stronger one, waived ones aside: at the run's
    /// `--fail-on`, the failures that count.
    pub fn failed_up_to(&self, level: Level) -> usize {
        Level::ALL
            .into_iter()
            .filter(|l| *l <= level)
            .map(|l| self.failed_at(l))
            .sum()
    }

    /// Scenarios that failed at any level, waived ones aside.
    pub fn failed_any(&self) -> usize {
        self.failed.values().sum()
    }

    /// Scenarios of the gated edition not run (setup failures and harness stalls included),
    /// those of other editions aside.
    pub fn not_run_here(&self) -> usize {
        self.not_run.saturating_sub(self.other_editions)
    }
}
