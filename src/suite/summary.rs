//! Results: a cucumber writer that prints one line per finished scenario and keeps each
//! scenario's outcome and findings, and the summary printed at the end — per area, passed, failed
//! at each evidence level, not run — with every failure's level and source.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cucumber::event::{self, Cucumber, Feature, Rule, Scenario, Step};
use cucumber::{Event, Writer, cli, gherkin, parser};

use super::RunState;
use super::record::{AnswerSummary, ScenarioId};
use super::verdict::{self, Finding};
use super::waivers::{Waived, Waiver, WaiverState};
use crate::contract::editions::{self, Edition, Range};
use crate::evidence::Level;

/// What happened to one scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every expectation was met.
    Passed,
    /// Some were not; `level` is the strongest level at which the scenario deviates.
    Failed { level: Level },
    /// Not run, with the reason; never counted as passed.
    NotRun(String),
    /// Not run because its state could not be prepared (the control API refused or did not
    /// answer, a preparatory call failed): never a failure at any level. `no_answer`: the
    /// preparation got no answer at all, so the endpoint stopped answering.
    SetupFailed { reason: String, no_answer: bool },
    /// One of its calls got no answer at all (refused, reset, timed out): unjudged, not a
    /// mismatch at any level; the run fails for it. `kind` groups the causes.
    NoAnswer { kind: String, reason: String },
    /// Not run because a call (or its setup) timed out while the runner itself stalled for
    /// `stalled`: the harness's fault, never the endpoint's silence, and no verdict on it.
    Stalled { reason: String, stalled: Duration },
}

impl Outcome {
    /// How `results.json` writes it: `outcome`, and `cause` when it did not reach a verdict for
    /// want of a setup or an answer.
    pub fn wire(&self) -> (&'static str, Option<&'static str>) {
        match self {
            Self::Passed => ("passed", None),
            Self::Failed { .. } => ("failed", None),
            Self::NotRun(_) => ("not-run", None),
            Self::SetupFailed {
                no_answer: false, ..
            } => ("not-run", Some("setup")),
            Self::SetupFailed {
                no_answer: true, ..
            } => ("not-run", Some("setup-no-answer")),
            Self::NoAnswer { .. } => ("no-answer", Some("no-answer")),
            Self::Stalled { .. } => ("not-run", Some("harness-stall")),
        }
    }

    /// Not run, whatever the reason (a setup failure included).
    pub fn is_not_run(&self) -> bool {
        matches!(
            self,
            Self::NotRun(_) | Self::SetupFailed { .. } | Self::Stalled { .. }
        )
    }

    /// Ran to a verdict: passed, or failed at a level.
    pub fn ran(&self) -> bool {
        matches!(self, Self::Passed | Self::Failed { .. })
    }

    /// Left unjudged because the endpoint gave no answer.
    pub fn for_want_of_an_answer(&self) -> bool {
        matches!(
            self,
            Self::NoAnswer { .. }
                | Self::SetupFailed {
                    no_answer: true,
                    ..
                }
        )
    }

    /// Kept out of JUnit XML and Cucumber JSON, which have no "not run": a scenario not run,
    /// a setup failure among them, unless the endpoint stopped answering (that fails the run,
    /// and shows there as the step that got no answer).
    pub fn omitted_from_machine_reports(&self) -> bool {
        matches!(
            self,
            Self::NotRun(_)
                | Self::Stalled { .. }
                | Self::SetupFailed {
                    no_answer: false,
                    ..
                }
        )
    }

    /// Why it did not reach a verdict, if it did not.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Self::NotRun(why)
            | Self::SetupFailed { reason: why, .. }
            | Self::NoAnswer { reason: why, .. }
            | Self::Stalled { reason: why, .. } => Some(why),
            Self::Passed | Self::Failed { .. } => None,
        }
    }
}

/// One deviation that several failed scenarios share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailureGroup {
    pub level: Level,
    pub expectation: String,
    /// What was expected and what came.
    pub problem: String,
    /// `feature / scenario`, each once.
    pub scenarios: Vec<String>,
}

/// When the endpoint stopped answering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoppedAnswering {
    /// The scenario (`feature / scenario`) that last got an answer before the first call that
    /// got none; `None` when no call was answered before.
    pub after: Option<String>,
    /// Some call was answered again afterwards: the endpoint answers only now and then.
    pub answered_later: bool,
}

impl StoppedAnswering {
    /// From the results: when the first call (or setup) got no answer, which scenario had been
    /// answered last before that. `None` when every call was answered.
    pub fn of(results: &[ScenarioResult]) -> Option<Self> {
        let first = results.iter().filter_map(|r| r.silent_at).min()?;
        let answered = || results.iter().filter_map(|r| Some((r, r.answered_at?)));
        let after = answered()
            .filter(|(_, at)| *at <= first)
            .max_by_key(|(_, at)| *at)
            .map(|(r, _)| r.name());
        Some(Self {
            after,
            answered_later: answered().any(|(_, at)| at > first),
        })
    }
}

/// What a run says at one evidence level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Passed,
    Failed,
    /// Nothing can be said: the suite is inconsistent, nothing was checked, or the endpoint left
    /// scenarios unjudged.
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

/// `reason` with what differs between scenarios of one cause masked (list indices, ids that are
/// UUIDs), so that setup failures group by cause.
pub fn cause_group(reason: &str) -> String {
    let mut out = String::with_capacity(reason.len());
    let mut rest = reason;
    while let Some(c) = rest.chars().next() {
        if c == '[' {
            let digits = rest[1..].chars().take_while(char::is_ascii_digit).count();
            if digits > 0 && rest[1 + digits..].starts_with(']') {
                out.push_str("[]");
                rest = &rest[2 + digits..];
                continue;
            }
        }
        if rest.get(..36).is_some_and(is_uuid) {
            out.push_str("<uuid>");
            rest = &rest[36..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// A finished scenario: its record, closed with its outcome ([`super::record::ScenarioRecord::close`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioResult {
    /// Which scenario; its feature is the area the summary groups by.
    pub id: ScenarioId,
    pub outcome: Outcome,
    /// Every expectation the scenario missed, at every level.
    pub findings: Vec<Finding>,
    /// The scenario's own tags, without `@`.
    pub tags: Vec<String>,
    /// How long it took (zero when not run).
    pub duration: Duration,
    /// Expectations this target cannot show ("not checked on this target"): never passed.
    pub not_checked: Vec<String>,
    /// Every call it made and what came back, in order.
    pub answers: Vec<AnswerSummary>,
    /// When it last got an answer.
    pub answered_at: Option<std::time::Instant>,
    /// When one of its calls (or its setup) got no answer at all.
    pub silent_at: Option<std::time::Instant>,
    /// Its outcome, when the edition the run is gated on is not one it judges (its `outcome` is
    /// then not run): the verdicts of the editions it judges read this ([`Self::judged`]).
    pub elsewhere: Option<Outcome>,
    /// Excused by waivers in force: every finding that counts is matched by one
    /// ([`super::waivers::Waivers::apply`]); counted apart, never a failure.
    pub waived: Option<Waived>,
}

impl ScenarioResult {
    /// Not run before it started, for `reason`.
    pub fn not_run(id: ScenarioId, tags: Vec<String>, reason: String) -> Self {
        Self {
            id,
            outcome: Outcome::NotRun(reason),
            findings: Vec::new(),
            tags,
            duration: Duration::ZERO,
            not_checked: Vec::new(),
            answers: Vec::new(),
            answered_at: None,
            silent_at: None,
            elsewhere: None,
            waived: None,
        }
    }

    /// The editions it judges (its `@editions:` tag; every edition without one).
    pub fn editions(&self) -> Range {
        super::editions::range_of(&self.tags).unwrap_or(Range::ALL)
    }

    /// Its outcome for the editions it judges.
    pub fn judged(&self) -> &Outcome {
        self.elsewhere.as_ref().unwrap_or(&self.outcome)
    }

    /// `feature / scenario`.
    pub fn name(&self) -> String {
        self.id.name()
    }

    /// Counts against the run: failed at `fail_on` or a stronger level, or left unjudged by an
    /// endpoint that gave no answer.
    pub fn counted(&self, fail_on: Level) -> bool {
        self.fails_at(fail_on) || self.outcome.for_want_of_an_answer()
    }

    /// Failed at `fail_on` or a stronger level, by a finding no waiver in force matched.
    pub fn fails_at(&self, fail_on: Level) -> bool {
        self.unwaived_failure_of(&self.outcome, fail_on)
    }

    /// Excused by waivers: it failed at the run's `--fail-on` only as they expect.
    pub fn is_waived(&self) -> bool {
        self.waived.is_some() && matches!(self.outcome, Outcome::Failed { .. })
    }

    /// Its outcome for the editions it judges ([`Self::judged`]) fails at `level` or a stronger
    /// one, by a finding no waiver in force matched.
    pub fn judged_fails_at(&self, level: Level) -> bool {
        self.unwaived_failure_of(self.judged(), level)
    }

    /// `outcome` (its own, or the one it keeps for its editions) fails at `level` or a stronger
    /// one, by a finding no waiver in force matched.
    fn unwaived_failure_of(&self, outcome: &Outcome, level: Level) -> bool {
        match (outcome, &self.waived) {
            (Outcome::Failed { .. }, Some(w)) => w.residual.is_some_and(|l| l <= level),
            (Outcome::Failed { level: l }, None) => *l <= level,
            _ => false,
        }
    }
}

/// Everything a run found.
#[derive(Debug, Clone)]
pub struct Report {
    pub results: Vec<ScenarioResult>,
    pub elapsed: Duration,
    /// The level up to which failures count.
    pub fail_on: Level,
    /// What is wrong with the suite itself (its features against its catalogues); a run with any
    /// certifies nothing.
    pub suite_problems: Vec<String>,
    /// When calls began to get no answer, if they did.
    pub stopped_answering: Option<StoppedAnswering>,
    /// The edition of the contract whose verdict sets the exit status.
    pub edition: &'static Edition,
    /// The run's waivers (`run --waivers`), each with what became of it.
    pub waivers: Vec<(Waiver, WaiverState)>,
}

impl Report {
    /// Scenarios that ran and did not fail at the `--fail-on` level, waived ones aside.
    pub fn passed(&self) -> usize {
        self.results
            .iter()
            .filter(|r| r.outcome.ran() && !r.fails_at(self.fail_on) && !r.is_waived())
            .count()
    }

    /// Scenarios excused by waivers: counted apart from passed and failed.
    pub fn waived(&self) -> usize {
        self.results.iter().filter(|r| r.is_waived()).count()
    }

    /// The waivers in force whose deviation did not occur though a scenario they name reached a
    /// verdict: each fails the run.
    pub fn stale_waivers(&self) -> Vec<&Waiver> {
        self.waivers
            .iter()
            .filter(|(_, s)| *s == WaiverState::Stale)
            .map(|(w, _)| w)
            .collect()
    }

    /// Scenarios that failed at the `--fail-on` level or a stronger one.
    pub fn failed(&self) -> usize {
        self.results
            .iter()
            .filter(|r| r.fails_at(self.fail_on))
            .count()
    }

    /// Scenarios of the gated edition not run, setup failures included.
    pub fn not_run(&self) -> usize {
        self.results
            .iter()
            .filter(|r| r.outcome.is_not_run() && r.elsewhere.is_none())
            .count()
    }

    /// Scenarios the gated edition does not judge: they ran, for the editions they judge.
    pub fn of_other_editions(&self) -> usize {
        self.results
            .iter()
            .filter(|r| r.elsewhere.is_some())
            .count()
    }

    /// Scenarios not run because their state could not be prepared.
    pub fn setup_failed(&self) -> usize {
        self.results
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::SetupFailed { .. }))
            .count()
    }

    /// Scenarios not run because a call timed out while the runner itself stalled, and the
    /// longest such stall.
    pub fn harness_stalled(&self) -> (usize, Duration) {
        let stalls = self.results.iter().filter_map(|r| match r.outcome {
            Outcome::Stalled { stalled, .. } => Some(stalled),
            _ => None,
        });
        stalls.fold((0, Duration::ZERO), |(n, longest), s| {
            (n + 1, longest.max(s))
        })
    }

    /// Scenarios one of whose own calls got no answer.
    pub fn no_answer(&self) -> usize {
        self.results
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::NoAnswer { .. }))
            .count()
    }

    /// Scenarios left unjudged because the endpoint gave no answer (in their calls or their
    /// setup): each fails the run, though no expectation was missed.
    pub fn unanswered(&self) -> usize {
        self.results
            .iter()
            .filter(|r| r.outcome.for_want_of_an_answer())
            .count()
    }

    /// Scenarios that reached a verdict, or were left unjudged by an endpoint that stopped
    /// answering: a run with none checked nothing.
    pub fn checked(&self) -> usize {
        self.passed() + self.failed() + self.unanswered()
    }

    /// The exit status of `run` for this report: 2 when nothing was checked or the suite is
    /// inconsistent, 1 when a scenario failed at the `--fail-on` level or the endpoint stopped
    /// answering, else 0 (docs: the exit-status table in `run --help`).
    pub fn exit_status(&self) -> u8 {
        match self.verdict_at(self.fail_on) {
            Verdict::NotCertified if !self.certifiable() => 2,
            // A waiver whose deviation is gone fails the run until it is removed.
            Verdict::Passed if !self.stale_waivers().is_empty() => 1,
            Verdict::Passed => 0,
            Verdict::Failed | Verdict::NotCertified => 1,
        }
    }

    /// Whether the run can say anything: the suite is consistent and something was checked.
    fn certifiable(&self) -> bool {
        self.suite_problems.is_empty() && self.checked() > 0
    }

    /// The run's verdict at `level`, for the edition it is gated on (exit status,
    /// `results.json`).
    pub fn verdict_at(&self, level: Level) -> Verdict {
        self.verdict_in(self.edition, level)
    }

    /// The verdict at `level` for `edition`, from the outcomes of the scenarios that judge it:
    /// the one place a verdict is decided. Not certified when the suite is inconsistent, when
    /// no such scenario was checked, or when none fails but the endpoint stopped answering.
    pub fn verdict_in(&self, edition: &Edition, level: Level) -> Verdict {
        let checked = self.judging(edition).any(|r| {
            let o = r.judged();
            o.ran() || o.for_want_of_an_answer()
        });
        if !self.suite_problems.is_empty() || !checked {
            Verdict::NotCertified
        } else if self.judging(edition).any(|r| r.judged_fails_at(level)) {
            Verdict::Failed
        } else if self.unanswered() > 0 {
            Verdict::NotCertified
        } else {
            Verdict::Passed
        }
    }

    /// The scenarios that judge `edition`.
    pub fn judging<'a>(
        &'a self,
        edition: &'a Edition,
    ) -> impl Iterator<Item = &'a ScenarioResult> + 'a {
        self.results
            .iter()
            .filter(move |r| r.editions().contains(edition))
    }

    /// The newest edition the target conforms to at the `--fail-on` level, if any.
    pub fn conforms_to(&self) -> Option<&'static Edition> {
        editions::all()
            .iter()
            .rev()
            .find(|e| self.verdict_in(e, self.fail_on) == Verdict::Passed)
    }

    /// Scenarios whose strongest deviation is at `level`, waived ones aside.
    pub fn failed_at(&self, level: Level) -> usize {
        self.results
            .iter()
            .filter(|r| r.outcome == Outcome::Failed { level } && !r.is_waived())
            .count()
    }

    /// Names (`feature / scenario`) of the scenarios that fail at `fail_on` or a stronger level.
    pub fn failed_names(&self, fail_on: Level) -> Vec<String> {
        self.results
            .iter()
            .filter(|r| r.fails_at(fail_on))
            .map(ScenarioResult::name)
            .collect()
    }

    /// Deviations that several failed scenarios share (the same expectation, level and problem),
    /// strongest level first, then most shared: one Content-Type that fails 66 scenarios reads as one cause.
    pub fn failure_groups(&self) -> Vec<FailureGroup> {
        let mut groups: BTreeMap<(Level, &str, &str), Vec<String>> = BTreeMap::new();
        for r in &self.results {
            if !matches!(r.outcome, Outcome::Failed { .. }) || r.is_waived() {
                continue;
            }
            for f in &r.findings {
                let names = groups
                    .entry((f.level, &f.expectation, &f.problem))
                    .or_default();
                if names.last() != Some(&r.name()) {
                    names.push(r.name());
                }
            }
        }
        let mut out: Vec<FailureGroup> = groups
            .into_iter()
            .filter(|(_, names)| names.len() > 1)
            .map(|((level, expectation, problem), scenarios)| FailureGroup {
                level,
                expectation: expectation.to_owned(),
                problem: problem.to_owned(),
                scenarios,
            })
            .collect();
        out.sort_by_key(|g| (g.level, std::cmp::Reverse(g.scenarios.len())));
        out
    }

    /// The summary: per area passed, failed at each level, not run; the not-run reasons; every
    /// failure with its findings; the time; and a closing `N passed, N failed` line that counts at
    /// the `--fail-on` level.
    pub fn summary(&self) -> String {
        let mut areas: BTreeMap<&str, [usize; 7]> = BTreeMap::new();
        for r in &self.results {
            let slot = match r.outcome {
                Outcome::Passed => 0,
                Outcome::Failed { .. } if r.is_waived() => 6,
                Outcome::Failed { level } => 1 + level as usize,
                Outcome::NotRun(_) | Outcome::SetupFailed { .. } | Outcome::Stalled { .. } => 4,
                Outcome::NoAnswer { .. } => 5,
            };
            areas.entry(&r.id.feature).or_default()[slot] += 1;
        }
        let unanswered = self.no_answer() > 0;
        let waived = self.waived() > 0;
        let width = areas
            .keys()
            .map(|a| a.chars().count())
            .max()
            .unwrap_or(0)
            .max(7);
        let mut out = format!(
            "\n  {:<width$} passed  failed: documented observed chosen  not-run{}{}\n",
            "By area",
            if unanswered { "  no-answer" } else { "" },
            if waived { "  waived" } else { "" }
        );
        for (area, [p, d, o, c, n, u, w]) in &areas {
            out.push_str(&format!(
                "  {area:<width$} {p:>6}  {d:>18} {o:>8} {c:>6}  {n:>7}{}{}\n",
                if unanswered {
                    format!("  {u:>9}")
                } else {
                    String::new()
                },
                if waived {
                    format!("  {w:>6}")
                } else {
                    String::new()
                }
            ));
        }
        let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
        let mut setup: BTreeMap<String, usize> = BTreeMap::new();
        let mut silent: BTreeMap<&str, (usize, &str)> = BTreeMap::new();
        let mut stalled_first = None;
        let mut elsewhere: BTreeMap<String, usize> = BTreeMap::new();
        for r in &self.results {
            match &r.outcome {
                Outcome::NotRun(_) if r.elsewhere.is_some() => {
                    *elsewhere.entry(r.editions().to_string()).or_default() += 1
                }
                Outcome::NotRun(why) => *reasons.entry(why).or_default() += 1,
                Outcome::SetupFailed { reason, .. } => {
                    *setup.entry(cause_group(reason)).or_default() += 1
                }
                Outcome::NoAnswer { kind, reason } => {
                    silent.entry(kind).or_insert((0, reason)).0 += 1;
                }
                Outcome::Stalled { reason, .. } => {
                    stalled_first.get_or_insert((r.name(), reason));
                }
                Outcome::Passed | Outcome::Failed { .. } => {}
            }
        }
        for (why, n) in reasons {
            out.push_str(&format!("Not run ({n}): {why}\n"));
        }
        for (range, n) in elsewhere {
            out.push_str(&format!(
                "Of other editions ({n}): judged in editions {range}, not in {} (see Editions below)\n",
                self.edition.name
            ));
        }
        if !setup.is_empty() {
            out.push_str(&format!(
                "Setup failed ({}): not run — the target could not be given the scenario's \
                 state, which judges nothing; by cause:\n",
                self.setup_failed()
            ));
            for (cause, n) in setup {
                out.push_str(&format!("  {n} × {cause}\n"));
            }
        }
        if let (Some((first, why)), (n, longest)) = (stalled_first, self.harness_stalled()) {
            out.push_str(&format!(
                "Harness stalled ({n}): not run — a call's --timeout elapsed while the runner \
                 itself did not run (longest stall {:.1} s), so an answer would have gone unheard. \
                 Not the endpoint's silence, and no verdict on it; a less loaded machine or a lower \
                 --concurrency avoids it.\n  first: `{first}`: {why}\n",
                longest.as_secs_f64()
            ));
        }
        if let Some(stopped) = &self.stopped_answering {
            let after = match &stopped.after {
                Some(name) => format!("after `{name}`"),
                None => "before answering any call".to_owned(),
            };
            let again = if stopped.answered_later {
                " (and answered some calls again later)"
            } else {
                ""
            };
            out.push_str(&format!(
                "No answer: the endpoint stopped answering {after}{again}; that left {} \
                 scenarios unjudged ({} with a call that got no answer, {} in their setup). \
                 Not a mismatch of any expectation; the run fails for it.\n",
                self.unanswered(),
                self.no_answer(),
                self.unanswered() - self.no_answer()
            ));
            for (kind, (n, example)) in silent {
                out.push_str(&format!("  {n} × {kind} (first: {example})\n"));
            }
        }
        let mut unchecked: BTreeMap<&str, usize> = BTreeMap::new();
        for e in self.results.iter().flat_map(|r| &r.not_checked) {
            *unchecked
                .entry(e.split(':').next().unwrap_or(e))
                .or_default() += 1;
        }
        for (what, n) in unchecked {
            out.push_str(&format!(
                "Not checked on this target ({n}): {what} (only the control API shows it; never \
                 counted as passed)\n"
            ));
        }
        let groups = self.failure_groups();
        if !groups.is_empty() {
            out.push_str("\nFailures by cause (one deviation that several scenarios share):\n");
            for g in &groups {
                out.push_str(&format!(
                    "  {} × [{}] {}: {}\n",
                    g.scenarios.len(),
                    g.level,
                    g.expectation,
                    g.problem
                ));
            }
        }
        out.push_str(&super::waivers::summary(self));
        let mut counted = Vec::new();
        let mut beyond = Vec::new();
        for r in self.results.iter().filter(|r| !r.is_waived()) {
            if let Outcome::Failed { level } = r.outcome {
                let findings: Vec<&Finding> = r.findings.iter().collect();
                let line = format!(
                    "✘ [{level}] {}\n    {}\n",
                    r.name(),
                    verdict::describe(&findings).replace('\n', "\n    ")
                );
                if level <= self.fail_on {
                    counted.push(line);
                } else {
                    beyond.push(line);
                }
            }
        }
        if !counted.is_empty() {
            out.push_str(&format!(
                "\nFailed (counted at --fail-on {}):\n",
                self.fail_on
            ));
            out.extend(counted);
        }
        if !beyond.is_empty() {
            out.push_str(&format!(
                "\nDeviations at a level beyond --fail-on {} (shown, not counted):\n",
                self.fail_on
            ));
            out.extend(beyond);
        }
        for p in &self.suite_problems {
            out.push_str(&format!("✘ the suite itself: {p}\n"));
        }
        out.push_str(&super::editions::summary(self));
        // Counts that are zero are left out, so a passing run's line reads as it always has.
        let setup = match (self.setup_failed(), self.harness_stalled().0) {
            (0, 0) => String::new(),
            (n, 0) => format!(" ({n} setup failed)"),
            (0, k) => format!(" ({k} harness stalled)"),
            (n, k) => format!(" ({n} setup failed, {k} harness stalled)"),
        };
        let silent = match self.no_answer() {
            0 => String::new(),
            n => format!(", {n} no answer"),
        };
        let silent = match self.of_other_editions() {
            0 => silent,
            n => format!("{silent}, {n} of other editions"),
        };
        let waived = match self.waived() {
            0 => String::new(),
            n => format!(", {n} waived"),
        };
        out.push_str(&format!(
            "\n{} scenarios in {:.2} s at --fail-on {}: {} passed, {} failed ({} documented, {} observed, {} chosen){waived}, {} not run{setup}{silent}\n{} passed, {} failed{waived}\n",
            self.results.len(),
            self.elapsed.as_secs_f64(),
            self.fail_on,
            self.passed(),
            self.failed(),
            self.failed_at(Level::Documented),
            self.failed_at(Level::Observed),
            self.failed_at(Level::Chosen),
            self.not_run(),
            self.passed(),
            // The closing line counts what fails the run: a call that got no answer does.
            self.failed() + self.no_answer()
        ));
        out
    }
}

/// The results of a run, shared by the writers as scenarios finish.
pub type Results = Arc<Mutex<Vec<ScenarioResult>>>;

/// The cucumber writer: closes each finished scenario's record into its result, and prints
/// progress.
pub struct Collector {
    ctx: Arc<RunState>,
    results: Results,
    step_errors: HashMap<ScenarioId, Vec<String>>,
    tags: HashMap<ScenarioId, Vec<String>>,
    started: HashMap<ScenarioId, std::time::Instant>,
    progress: bool,
}

impl Collector {
    pub fn new(ctx: Arc<RunState>, results: Results, progress: bool) -> Self {
        Self {
            ctx,
            results,
            step_errors: HashMap::new(),
            tags: HashMap::new(),
            started: HashMap::new(),
            progress,
        }
    }

    fn on_scenario<W>(
        &mut self,
        feature: &gherkin::Feature,
        scenario: &gherkin::Scenario,
        ev: Scenario<W>,
    ) {
        let id = ScenarioId::new(&feature.name, &scenario.name);
        self.tags
            .entry(id.clone())
            .or_insert_with(|| scenario.tags.clone());
        self.started
            .entry(id.clone())
            .or_insert_with(std::time::Instant::now);
        let error = match ev {
            Scenario::Step(step, Step::Failed(_, _, _, err))
            | Scenario::Background(step, Step::Failed(_, _, _, err)) => Some(format!(
                "step `{}{}` failed: {}",
                step.keyword,
                step.value,
                step_error(&err)
            )),
            Scenario::Hook(_, event::Hook::Failed(_, info)) => {
                Some(format!("hook failed: {}", panic_text(&info)))
            }
            Scenario::Finished => {
                self.finish(id.clone());
                None
            }
            _ => None,
        };
        if let Some(e) = error {
            self.step_errors.entry(id).or_default().push(e);
        }
    }

    /// A finished scenario: the record its world handed over, closed into its result.
    fn finish(&mut self, id: ScenarioId) {
        let record = self.ctx.take_record(&id);
        let errors = self.step_errors.remove(&id).unwrap_or_default();
        let tags = self.tags.remove(&id).unwrap_or_default();
        let duration = self
            .started
            .remove(&id)
            .map(|t| t.elapsed())
            .unwrap_or_default();
        let result = record.close(id, tags, duration, errors, self.ctx.fail_on);
        let mut result = super::editions::gate(result, self.ctx.edition);
        (self.ctx.waivers).apply(&mut result, self.ctx.fail_on, self.ctx.date);
        if self.progress {
            let mark = match &result.outcome {
                Outcome::Failed { level } if result.is_waived() => format!("~ [{level}, waived]"),
                Outcome::Failed { level } if *level <= self.ctx.fail_on => format!("✘ [{level}]"),
                Outcome::Failed { level } => format!("~ [{level}, not counted]"),
                Outcome::NotRun(_) => "– [not run]".into(),
                Outcome::SetupFailed { .. } => "– [not run: setup failed]".into(),
                Outcome::Stalled { stalled, .. } => format!(
                    "– [not run: the harness stalled {:.1} s]",
                    stalled.as_secs_f64()
                ),
                Outcome::NoAnswer { .. } => "✘ [no answer]".into(),
                Outcome::Passed if !result.not_checked.is_empty() => {
                    "✔ [partly not checked]".into()
                }
                Outcome::Passed => "✔".into(),
            };
            println!("{mark} {}", result.id);
        }
        self.results
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(result);
    }
}

fn panic_text(info: &event::Info) -> String {
    info.downcast_ref::<String>()
        .cloned()
        .or_else(|| info.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "(a panic without a message)".into())
}

fn step_error(err: &event::StepError) -> String {
    match err {
        event::StepError::Panic(info) => panic_text(info),
        other => other.to_string(),
    }
}

impl<W: cucumber::World> Writer<W> for Collector {
    type Cli = cli::Empty;

    async fn handle_event(&mut self, event: parser::Result<Event<Cucumber<W>>>, _: &Self::Cli) {
        match event.map(Event::into_inner) {
            Ok(Cucumber::Feature(f, Feature::Scenario(s, ev)))
            | Ok(Cucumber::Feature(f, Feature::Rule(_, Rule::Scenario(s, ev)))) => {
                self.on_scenario(&f, &s, ev.event);
            }
            Err(e) => {
                let result = ScenarioResult {
                    outcome: Outcome::Failed {
                        level: Level::Documented,
                    },
                    findings: vec![Finding {
                        expectation: "step".into(),
                        level: Level::Documented,
                        source: "the feature files".into(),
                        problem: e.to_string(),
                    }],
                    ..ScenarioResult::not_run(
                        ScenarioId::new("(feature files)", "parse"),
                        Vec::new(),
                        String::new(),
                    )
                };
                self.results
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(result);
            }
            Ok(_) => {}
        }
    }
}

/// One event as a writer receives it.
type Received<W> = parser::Result<Event<Cucumber<W>>>;

/// A scenario's id, and whether the event finishes it.
fn scenario_event<W>(event: &Received<W>) -> Option<(ScenarioId, bool)> {
    let Ok(event) = event else { return None };
    match &event.value {
        Cucumber::Feature(f, Feature::Scenario(s, ev))
        | Cucumber::Feature(f, Feature::Rule(_, Rule::Scenario(s, ev))) => Some((
            ScenarioId::new(&f.name, &s.name),
            matches!(ev.event, Scenario::Finished),
        )),
        _ => None,
    }
}

/// Passes events on to `inner` (cucumber's JUnit and JSON writers), except those of a scenario
/// the target could not run (a setup failure included): those formats have no "not run", and a
/// failed step there would read as a failure. Such scenarios are in `results.json` and the report,
/// with their reason. A scenario whose call got no answer stays: it fails the run.
pub struct OmitNotRun<W, Wr> {
    results: Results,
    inner: Wr,
    held: HashMap<ScenarioId, Vec<Received<W>>>,
}

impl<W, Wr> OmitNotRun<W, Wr> {
    pub fn new(results: Results, inner: Wr) -> Self {
        Self {
            results,
            inner,
            held: HashMap::new(),
        }
    }

    /// Whether the finished scenario `id` is left out, by the outcome the collector gave it.
    fn omitted(&self, id: &ScenarioId) -> bool {
        let results = self.results.lock().unwrap_or_else(|p| p.into_inner());
        results
            .iter()
            .rev()
            .find(|r| &r.id == id)
            .is_some_and(|r| r.outcome.omitted_from_machine_reports())
    }
}

impl<W: cucumber::World, Wr: Writer<W>> Writer<W> for OmitNotRun<W, Wr> {
    type Cli = Wr::Cli;

    async fn handle_event(&mut self, event: Received<W>, cli: &Self::Cli) {
        let Some((id, finished)) = scenario_event(&event) else {
            return self.inner.handle_event(event, cli).await;
        };
        self.held.entry(id.clone()).or_default().push(event);
        if finished {
            let events = self.held.remove(&id).unwrap_or_default();
            // The collector, teed before this writer, has decided the scenario's outcome by now:
            // cucumber's Tee polls its left writer first, and the collector never waits.
            if !self.omitted(&id) {
                for e in events {
                    self.inner.handle_event(e, cli).await;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setup_causes_group_without_indices_or_request_ids() {
        assert_eq!(
            cause_group(
                "setup failed: the control API refused the world: status 400: field `world.disks[12].tags`: unknown field"
            ),
            "setup failed: the control API refused the world: status 400: field `world.disks[].tags`: unknown field"
        );
        assert_eq!(
            cause_group(r#"got 403 {"RequestId":"0F2E4A77-7E5B-4C1C-9B43-6C1A4F0C2D11"} é[x]"#),
            r#"got 403 {"RequestId":"<uuid>"} é[x]"#
        );
    }

    fn result(outcome: Outcome) -> ScenarioResult {
        ScenarioResult {
            outcome,
            ..ScenarioResult::not_run(ScenarioId::new("F", "S"), Vec::new(), String::new())
        }
    }

    fn report(outcomes: Vec<Outcome>) -> Report {
        Report {
            results: outcomes.into_iter().map(result).collect(),
            elapsed: Duration::ZERO,
            fail_on: Level::Observed,
            suite_problems: Vec::new(),
            stopped_answering: None,
            edition: editions::latest(),
            waivers: Vec::new(),
        }
    }

    #[test]
    fn a_deviation_that_several_scenarios_share_is_one_cause() {
        let finding = |problem: &str| Finding {
            expectation: "content-type.xml".into(),
            level: Level::Observed,
            source: "s".into(),
            problem: problem.into(),
        };
        let failed = |name: &str, problems: &[&str]| ScenarioResult {
            id: ScenarioId::new("F", name),
            outcome: Outcome::Failed {
                level: Level::Observed,
            },
            findings: problems.iter().map(|p| finding(p)).collect(),
            ..result(Outcome::Passed)
        };
        let mut r = report(Vec::new());
        r.results = vec![
            failed("a", &["got x", "only a"]),
            failed("b", &["got x"]),
            failed("c", &["got x", "got x"]),
            result(Outcome::Passed),
        ];
        let groups = r.failure_groups();
        assert_eq!(groups.len(), 1, "{groups:?}");
        assert_eq!(groups[0].problem, "got x");
        assert_eq!(groups[0].scenarios, ["F / a", "F / b", "F / c"]);
        assert!(
            r.summary()
                .contains("3 × [observed] content-type.xml: got x")
        );
    }

    #[test]
    fn setup_failures_judge_nothing_and_a_silent_endpoint_fails_the_run() {
        let setup = || Outcome::SetupFailed {
            reason: "setup failed: refused".into(),
            no_answer: false,
        };
        let all_setup = report(vec![setup(), setup()]);
        assert_eq!(
            (
                all_setup.exit_status(),
                all_setup.failed(),
                all_setup.not_run()
            ),
            (2, 0, 2)
        );
        let some_setup = report(vec![Outcome::Passed, setup()]);
        assert_eq!(some_setup.exit_status(), 0);
        let silent = report(vec![
            Outcome::Passed,
            Outcome::NoAnswer {
                kind: "the connection failed".into(),
                reason: "no answer".into(),
            },
        ]);
        assert_eq!((silent.exit_status(), silent.failed()), (1, 0));
        let silent_setup = report(vec![
            Outcome::Passed,
            Outcome::SetupFailed {
                reason: "setup failed: no answer".into(),
                no_answer: true,
            },
        ]);
        assert_eq!(silent_setup.exit_status(), 1);
        let failed = report(vec![Outcome::Failed {
            level: Level::Documented,
        }]);
        assert_eq!(failed.exit_status(), 1);
    }
}
