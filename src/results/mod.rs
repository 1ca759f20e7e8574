//! `results.json`: a run as data, in the project's own versioned schema (`docs/reports.md`) —
//! and the run's own types. The suite closes each scenario into a [`Scenario`] and the run into
//! [`Results`]; the console summary, the reports, `diff` and `verify --rejudge` read the same
//! values. There is no second model and no mapping between the two: what a run holds is what the
//! file says, field for field (a few run-only facts, such as the key pair each call was signed
//! with, are kept out of the file by `#[serde(skip)]`).

mod depth;
mod exchange;
mod run;
mod scenario;
mod waiver;

use std::path::Path;

use serde::{Deserialize, Serialize};

pub use depth::{ActionDepth, Depth, NotModelled, map as depth_map};
pub use exchange::{EXCHANGE_BODY_BYTES, Exchange, capped, was_capped};
pub use run::{Container, Counts, EditionVerdict, Harness, MetadataSnapshot, Run, Verdict};
pub use scenario::{Cause, Finding, Judged, Outcome, Scenario, ScenarioId, describe, slug_with};
pub use waiver::{RunWaiver, Waiver, WaiverState, format_date, glob, parse_date};

use crate::contract::editions::Edition;
use crate::evidence::Level;

/// The schema's name and version; a reader refuses any other.
pub const SCHEMA: &str = "ecs-conformance/results/v1";
/// The contract the suite certifies against.
pub const CONTRACT: &str = "ECS ResetDisk, API version 2014-05-26";

/// A run: what it was, what it found, and every scenario's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Results {
    pub schema: String,
    pub run: Run,
    pub scenarios: Vec<Scenario>,
}

impl Results {
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

    /// Reads a run's results: a report directory's `results.json`, or the file itself.
    pub fn load(path: &Path) -> Result<Self, String> {
        let file = if path.is_dir() {
            path.join("results.json")
        } else {
            path.to_path_buf()
        };
        let text = std::fs::read_to_string(&file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        Self::parse(&text).map_err(|e| format!("{}: {e}", file.display()))
    }

    /// The run's verdict at `level`, for the edition it is gated on.
    pub fn verdict_at(&self, level: Level) -> Verdict {
        (self.run.verdict.get(&level).copied()).unwrap_or(Verdict::NotCertified)
    }

    /// The scenarios that judge `edition`.
    pub fn judging<'a>(&'a self, edition: &'a Edition) -> impl Iterator<Item = &'a Scenario> + 'a {
        (self.scenarios.iter()).filter(move |s| s.range().contains(edition))
    }

    /// Scenarios that met every expectation at every level.
    pub fn passed(&self) -> usize {
        self.run.counts.passed
    }

    /// Scenarios that failed at the run's `--fail-on` level or a stronger one, waived ones aside:
    /// the failures that count.
    pub fn failed(&self) -> usize {
        self.run.counts.failed_up_to(self.run.fail_on)
    }

    /// Scenarios whose strongest deviation is at `level`, waived ones aside.
    pub fn failed_at(&self, level: Level) -> usize {
        self.run.counts.failed_at(level)
    }

    /// Scenarios of the gated edition not run, setup failures included.
    pub fn not_run(&self) -> usize {
        self.run.counts.not_run_here()
    }

    /// Scenarios the gated edition does not judge: they ran, for the editions they judge.
    pub fn of_other_editions(&self) -> usize {
        self.run.counts.other_editions
    }

    /// Scenarios not run because their state could not be prepared.
    pub fn setup_failed(&self) -> usize {
        self.run.counts.setup_failed
    }

    /// Scenarios one of whose own calls got no answer.
    pub fn no_answer(&self) -> usize {
        self.run.counts.no_answer
    }

    /// Scenarios excused by waivers: counted apart from passed and failed.
    pub fn waived(&self) -> usize {
        self.run.counts.waived
    }

    /// Scenarios left unjudged because the endpoint gave no answer (in their calls or their
    /// setup): each fails the run, though no expectation was missed.
    pub fn unanswered(&self) -> usize {
        self.scenarios
            .iter()
            .filter(|s| s.for_want_of_an_answer())
            .count()
    }

    /// Scenarios not run because a call timed out while the runner itself stalled, and the
    /// longest such stall.
    pub fn harness_stalled(&self) -> (usize, std::time::Duration) {
        let longest = (self.scenarios.iter())
            .filter(|s| s.cause == Some(Cause::HarnessStall))
            .filter_map(|s| s.stalled_ms)
            .max()
            .unwrap_or(0);
        (
            self.run.counts.harness_stalled,
            std::time::Duration::from_millis(longest),
        )
    }

    /// Names (`feature / scenario`) of the scenarios that fail at `level` or a stronger one,
    /// waived ones aside.
    pub fn failed_names(&self, level: Level) -> Vec<String> {
        (self.scenarios.iter())
            .filter(|s| s.fails_at(level))
            .map(Scenario::label)
            .collect()
    }

    /// The waivers in force whose deviation did not occur though a scenario they name reached a
    /// verdict: each fails the run.
    pub fn stale_waivers(&self) -> Vec<(usize, &Waiver)> {
        (self.run.waivers.iter().enumerate())
            .filter(|(_, w)| w.state == WaiverState::Stale)
            .map(|(i, w)| (i, &w.waiver))
            .collect()
    }

    /// The exit status of `run` for these results: 2 when nothing was checked or the suite is
    /// inconsistent, 1 when a scenario failed at the `--fail-on` level, the endpoint stopped
    /// answering or a waiver is stale, else 0 (docs: the exit-status table in `run --help`).
    pub fn exit_status(&self) -> u8 {
        match self.verdict_at(self.run.fail_on) {
            Verdict::NotCertified if !self.certifiable() => 2,
            // A waiver whose deviation is gone fails the run until it is removed.
            Verdict::Passed if !self.stale_waivers().is_empty() => 1,
            Verdict::Passed => 0,
            Verdict::Failed | Verdict::NotCertified => 1,
        }
    }

    /// Whether the run can say anything: the suite is consistent, and some scenario reached a
    /// verdict or was left unjudged by an endpoint that stopped answering.
    fn certifiable(&self) -> bool {
        self.run.suite_problems.is_empty()
            && self
                .scenarios
                .iter()
                .any(|s| (s.ran() && !s.is_waived()) || s.for_want_of_an_answer())
    }
}
