//! One scenario's result as `results.json` holds it and the run produces it: which scenario, what
//! became of it (`outcome`, `failed_at`, `cause`, `reason`), every expectation it missed, the
//! editions it judges, and every call it made. The run closes a scenario straight into this type
//! (`suite::record`); every reader takes it as written.

use serde::{Deserialize, Serialize};

use super::exchange::Exchange;
use crate::contract::editions::Range;
use crate::evidence::Level;

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
            slug_with(&self.feature, '-'),
            slug_with(&self.scenario, '-')
        )
    }
}

impl std::fmt::Display for ScenarioId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} / {}", self.feature, self.scenario)
    }
}

/// `s` lowercase, runs of anything but ASCII letters and digits as one `sep`, none at the ends.
pub fn slug_with(s: &str, sep: char) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with(sep) && !out.is_empty() {
            out.push(sep);
        }
    }
    out.trim_end_matches(sep).to_owned()
}

/// What became of a scenario: `passed`, `failed`, `not-run` or `no-answer`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Every expectation was met.
    Passed,
    /// Some were not; `failed_at` is the strongest level at which it deviates.
    Failed,
    /// Not run, with the reason; never counted as passed.
    NotRun,
    /// One of its calls got no answer at all (refused, reset, timed out): unjudged, not a
    /// mismatch at any level; the run fails for it.
    NoAnswer,
}

/// Why a scenario reached no verdict, when a cause is named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cause {
    /// Not run: its state could not be prepared (the control API refused or did not answer, a
    /// preparatory call failed). Never a failure at any level.
    Setup,
    /// Not run: its state could not be prepared for want of any answer; the run fails for it.
    SetupNoAnswer,
    /// One of its own calls got no answer.
    NoAnswer,
    /// Not run: a call (or its setup) timed out while the harness itself stalled for
    /// `stalled_ms`: the harness's fault, never the endpoint's silence.
    HarnessStall,
    /// Not run for the gated edition, which it does not judge; `judged` keeps its outcome for the
    /// editions it does.
    OtherEdition,
}

/// A scenario's outcome in the editions it judges, when the gated edition is not one of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Judged {
    pub outcome: Outcome,
    pub failed_at: Option<Level>,
    /// Why it reached no verdict there, if it did not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<Cause>,
}

/// One expectation a scenario did not meet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    /// The expectation's id (`content-type.xml`), or `error.answer` for an error row.
    pub expectation: String,
    pub level: Level,
    pub source: String,
    /// What was expected and what came.
    pub problem: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "[{}] {} (source: {})",
            self.level, self.problem, self.source
        )
    }
}

/// One scenario's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Stable across runs, reordered features and renamed files: `feature-slug/scenario-slug`.
    pub id: String,
    pub feature: String,
    pub name: String,
    /// Its own tags, without `@`.
    pub tags: Vec<String>,
    pub outcome: Outcome,
    /// The strongest level it fails at.
    pub failed_at: Option<Level>,
    /// Whether it counts against the run at its `--fail-on`: failed at that level or a stronger
    /// one (waived findings aside), or left unjudged for want of an answer.
    pub counted: bool,
    /// Why it did not run, or which call got no answer.
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<Cause>,
    /// For cause `harness-stall`: how long the runner stalled while the call waited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stalled_ms: Option<u64>,
    pub duration_ms: u64,
    /// Every expectation it missed, at every level.
    pub findings: Vec<Finding>,
    /// The editions it judges, from its `@editions:` tag when it closed; absent: every edition.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "range_text")]
    pub editions: Option<Range>,
    /// Its outcome in those editions, when the gated edition is not one of them (its `outcome`
    /// is then `not-run`, its cause `other-edition`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judged: Option<Judged>,
    /// Expectations the target cannot show: "not checked on this target", never passed.
    #[serde(default)]
    pub not_checked: Vec<String>,
    /// Every call it made and what came back, in order.
    pub exchanges: Vec<Exchange>,
    /// The waivers (indices into `run.waivers`) that excuse it: set only on a waived scenario (or
    /// one of another edition, waived in those it judges), whose findings are all still listed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waived_by: Vec<usize>,
}

/// `editions` as `results.json` writes it: `FROM..` or `FROM..UNTIL`.
mod range_text {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::contract::editions::Range;

    pub fn serialize<S: Serializer>(range: &Option<Range>, s: S) -> Result<S::Ok, S::Error> {
        match range {
            Some(r) => s.collect_str(r),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Range>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|t| t.parse().map_err(serde::de::Error::custom))
            .transpose()
    }
}

impl Scenario {
    /// A scenario that was not run, for `reason`, before it started.
    pub fn not_run(id: &ScenarioId, tags: Vec<String>, editions: Range, reason: String) -> Self {
        Self {
            id: id.slug(),
            feature: id.feature.clone(),
            name: id.scenario.clone(),
            tags,
            outcome: Outcome::NotRun,
            failed_at: None,
            counted: false,
            reason: Some(reason),
            cause: None,
            stalled_ms: None,
            duration_ms: 0,
            findings: Vec::new(),
            editions: Some(editions).filter(|e| *e != Range::ALL),
            judged: None,
            not_checked: Vec::new(),
            exchanges: Vec::new(),
            waived_by: Vec::new(),
        }
    }

    /// Which scenario it is.
    pub fn scenario_id(&self) -> ScenarioId {
        ScenarioId::new(&self.feature, &self.name)
    }

    /// Whether it is one of the scenarios generated from the API metadata (`@shape`, whose
    /// features are named `Shape: …`), not hand-written.
    pub fn generated(&self) -> bool {
        self.tags.iter().any(|t| t == "shape") || self.feature.starts_with("Shape: ")
    }

    /// `feature / scenario`: how a person reads it.
    pub fn label(&self) -> String {
        format!("{} / {}", self.feature, self.name)
    }

    /// The editions it judges.
    pub fn range(&self) -> Range {
        self.editions.unwrap_or(Range::ALL)
    }

    /// Ran to a verdict for the gated edition: passed, or failed at a level.
    pub fn ran(&self) -> bool {
        matches!(self.outcome, Outcome::Passed | Outcome::Failed)
    }

    /// Not run for the gated edition for a reason of its own (a setup failure, a harness stall
    /// and throttling among them): the editions it judges aside.
    pub fn not_run_here(&self) -> bool {
        self.outcome == Outcome::NotRun && !self.of_other_editions()
    }

    /// Not run for the gated edition because that edition is not one it judges.
    pub fn of_other_editions(&self) -> bool {
        self.cause == Some(Cause::OtherEdition)
    }

    /// Left unjudged because the endpoint gave no answer (in one of its calls or its setup).
    pub fn for_want_of_an_answer(&self) -> bool {
        self.outcome == Outcome::NoAnswer || self.cause == Some(Cause::SetupNoAnswer)
    }

    /// Failed at `fail_on` or a stronger level, waived scenarios aside.
    pub fn fails_at(&self, level: Level) -> bool {
        self.outcome == Outcome::Failed && !self.is_waived() && self.failed_at <= Some(level)
    }

    /// Excused by waivers: it failed at the run's `--fail-on` only as they expect.
    pub fn is_waived(&self) -> bool {
        !self.waived_by.is_empty() && self.outcome == Outcome::Failed
    }

    /// Its outcome in the editions it judges.
    pub fn judged_outcome(&self) -> Outcome {
        self.judged.as_ref().map_or(self.outcome, |j| j.outcome)
    }

    /// The strongest level it fails at in the editions it judges.
    pub fn judged_failed_at(&self) -> Option<Level> {
        self.judged.as_ref().map_or(self.failed_at, |j| j.failed_at)
    }

    /// Why it reached no verdict in the editions it judges, if it did not, and the cause.
    pub fn judged_reason(&self) -> (Option<&str>, Option<Cause>) {
        match &self.judged {
            Some(j) => (j.reason.as_deref(), j.cause),
            None => (self.reason.as_deref(), self.cause),
        }
    }

    /// Left out of JUnit XML and Cucumber JSON, which have no "not run": a scenario not run, a
    /// setup failure among them, unless its setup got no answer (that fails the run, and shows
    /// there as an error).
    pub fn omitted_from_machine_reports(&self) -> bool {
        self.outcome == Outcome::NotRun && self.cause != Some(Cause::SetupNoAnswer)
    }

    /// Its findings, strongest level first.
    pub fn findings_by_level(&self) -> Vec<&Finding> {
        let mut out: Vec<&Finding> = self.findings.iter().collect();
        out.sort_by_key(|f| f.level);
        out
    }
}

/// `findings` as lines, strongest level first: `N mismatch(es):` and one line each.
pub fn describe(findings: &[&Finding]) -> String {
    let mut sorted = findings.to_vec();
    sorted.sort_by_key(|f| f.level);
    let lines: Vec<String> = sorted.iter().map(|f| f.to_string()).collect();
    format!(
        "{} mismatch{}:\n  {}",
        lines.len(),
        if lines.len() == 1 { "" } else { "es" },
        lines.join("\n  ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_id_spells_every_name() {
        let id = ScenarioId::new("ResetDisk errors: the account", "A reset (XML)");
        assert_eq!(id.name(), "ResetDisk errors: the account / A reset (XML)");
        assert_eq!(id.to_string(), id.name());
        assert_eq!(id.slug(), "resetdisk-errors-the-account/a-reset-xml");
    }

    #[test]
    fn outcomes_and_causes_are_written_as_the_format_says() {
        let text = |v: &dyn erased::Json| v.json();
        assert_eq!(text(&Outcome::NotRun), "\"not-run\"");
        assert_eq!(text(&Outcome::NoAnswer), "\"no-answer\"");
        assert_eq!(text(&Cause::SetupNoAnswer), "\"setup-no-answer\"");
        assert_eq!(text(&Cause::HarnessStall), "\"harness-stall\"");
        assert_eq!(text(&Cause::OtherEdition), "\"other-edition\"");
        let read: Outcome = serde_json::from_str("\"failed\"").unwrap();
        assert_eq!(read, Outcome::Failed);
        assert!(serde_json::from_str::<Outcome>("\"lost\"").is_err());
    }

    /// Any serializable value, as JSON text (one closure for values of several types).
    mod erased {
        pub trait Json {
            fn json(&self) -> String;
        }
        impl<T: serde::Serialize> Json for T {
            fn json(&self) -> String {
                serde_json::to_string(self).unwrap_or_default()
            }
        }
    }
}
