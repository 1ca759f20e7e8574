//! Results: a cucumber writer that prints one line per finished scenario and keeps each
//! scenario's outcome and findings, and the summary printed at the end — per area, passed, failed
//! at each evidence level, not run — with every failure's level and source.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cucumber::event::{self, Cucumber, Feature, Rule, Scenario, Step};
use cucumber::{Event, Writer, cli, gherkin, parser};

use super::Context;
use super::verdict::{self, Finding};
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
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioResult {
    /// The feature's name: the area the summary groups by.
    pub feature: String,
    pub scenario: String,
    pub outcome: Outcome,
    /// Every expectation the scenario missed, at every level.
    pub findings: Vec<Finding>,
    /// The scenario's own tags, without `@`.
    pub tags: Vec<String>,
    /// How long it took (zero when not run).
    pub duration: Duration,
    /// Expectations this target cannot show ("not checked on this target"): never passed.
    pub not_checked: Vec<String>,
}

impl ScenarioResult {
    /// `feature / scenario`.
    pub fn name(&self) -> String {
        format!("{} / {}", self.feature, self.scenario)
    }

    /// Failed at `fail_on` or a stronger level.
    pub fn fails_at(&self, fail_on: Level) -> bool {
        matches!(self.outcome, Outcome::Failed { level } if level <= fail_on)
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
}

impl Report {
    /// Scenarios that ran and did not fail at the `--fail-on` level.
    pub fn passed(&self) -> usize {
        self.results
            .iter()
            .filter(|r| !matches!(r.outcome, Outcome::NotRun(_)) && !r.fails_at(self.fail_on))
            .count()
    }

    /// Scenarios that failed at the `--fail-on` level or a stronger one.
    pub fn failed(&self) -> usize {
        self.results
            .iter()
            .filter(|r| r.fails_at(self.fail_on))
            .count()
    }

    pub fn not_run(&self) -> usize {
        self.results
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::NotRun(_)))
            .count()
    }

    /// Scenarios whose strongest deviation is at `level`.
    pub fn failed_at(&self, level: Level) -> usize {
        self.results
            .iter()
            .filter(|r| r.outcome == Outcome::Failed { level })
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

    /// The summary: per area passed, failed at each level, not run; the not-run reasons; every
    /// failure with its findings; the time; and a closing `N passed, N failed` line that counts at
    /// the `--fail-on` level.
    pub fn summary(&self) -> String {
        let mut areas: BTreeMap<&str, [usize; 5]> = BTreeMap::new();
        for r in &self.results {
            let slot = match r.outcome {
                Outcome::Passed => 0,
                Outcome::Failed { level } => 1 + level as usize,
                Outcome::NotRun(_) => 4,
            };
            areas.entry(&r.feature).or_default()[slot] += 1;
        }
        let width = areas
            .keys()
            .map(|a| a.chars().count())
            .max()
            .unwrap_or(0)
            .max(7);
        let mut out = format!(
            "\n  {:<width$} passed  failed: documented observed chosen  not-run\n",
            "By area"
        );
        for (area, [p, d, o, c, n]) in &areas {
            out.push_str(&format!(
                "  {area:<width$} {p:>6}  {d:>18} {o:>8} {c:>6}  {n:>7}\n"
            ));
        }
        let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &self.results {
            if let Outcome::NotRun(why) = &r.outcome {
                *reasons.entry(why).or_default() += 1;
            }
        }
        for (why, n) in reasons {
            out.push_str(&format!("Not run ({n}): {why}\n"));
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
        let mut counted = Vec::new();
        let mut beyond = Vec::new();
        for r in &self.results {
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
        out.push_str(&format!(
            "\n{} scenarios in {:.2} s at --fail-on {}: {} passed, {} failed ({} documented, {} observed, {} chosen), {} not run\n{} passed, {} failed\n",
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
            self.failed()
        ));
        out
    }
}

/// The cucumber writer: collects outcomes into a shared list and prints progress.
pub struct Collector {
    ctx: Arc<Context>,
    results: Arc<Mutex<Vec<ScenarioResult>>>,
    step_errors: HashMap<(String, String), Vec<String>>,
    tags: HashMap<(String, String), Vec<String>>,
    started: HashMap<(String, String), std::time::Instant>,
    progress: bool,
}

impl Collector {
    pub fn new(
        ctx: Arc<Context>,
        results: Arc<Mutex<Vec<ScenarioResult>>>,
        progress: bool,
    ) -> Self {
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
        let key = (feature.name.clone(), scenario.name.clone());
        self.tags
            .entry(key.clone())
            .or_insert_with(|| scenario.tags.clone());
        self.started
            .entry(key.clone())
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
                self.finish(key.clone());
                None
            }
            _ => None,
        };
        if let Some(e) = error {
            self.step_errors.entry(key).or_default().push(e);
        }
    }

    /// A finished scenario: its findings, and any step that failed without recording one that
    /// counts (counted at `documented`, so it cannot pass unseen).
    fn finish(&mut self, key: (String, String)) {
        let mut findings = self.ctx.take_findings(&key.0, &key.1);
        let errors = self.step_errors.remove(&key).unwrap_or_default();
        let tags = self.tags.remove(&key).unwrap_or_default();
        let duration = self
            .started
            .remove(&key)
            .map(|t| t.elapsed())
            .unwrap_or_default();
        // A step that failed without a finding that counts (a setup call, a target that did not
        // answer the control API, a defect of the suite's own) still fails the scenario.
        let counted = findings.iter().any(|f| f.level <= self.ctx.fail_on);
        if !counted && !errors.is_empty() {
            findings.push(Finding {
                expectation: "step".into(),
                level: Level::Documented,
                source: "the suite's step definitions".into(),
                problem: errors.join("\n"),
            });
        }
        let not_checked = self.ctx.take_not_checked(&key.0, &key.1);
        let outcome = match (
            self.ctx.not_run_reason(&key.0, &key.1),
            verdict::worst(&findings),
        ) {
            (Some(why), _) => {
                findings.clear();
                Outcome::NotRun(why)
            }
            (None, None) => Outcome::Passed,
            (None, Some(level)) => Outcome::Failed { level },
        };
        if self.progress {
            let mark = match &outcome {
                Outcome::Failed { level } if *level <= self.ctx.fail_on => format!("✘ [{level}]"),
                Outcome::Failed { level } => format!("~ [{level}, not counted]"),
                Outcome::NotRun(_) => "– [not run]".into(),
                Outcome::Passed if !not_checked.is_empty() => "✔ [partly not checked]".into(),
                Outcome::Passed => "✔".into(),
            };
            println!("{mark} {} / {}", key.0, key.1);
        }
        self.results
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(ScenarioResult {
                feature: key.0,
                scenario: key.1,
                outcome,
                findings,
                tags,
                duration,
                not_checked,
            });
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
                    feature: "(feature files)".into(),
                    scenario: "parse".into(),
                    outcome: Outcome::Failed {
                        level: Level::Documented,
                    },
                    findings: vec![Finding {
                        expectation: "step".into(),
                        level: Level::Documented,
                        source: "the feature files".into(),
                        problem: e.to_string(),
                    }],
                    tags: Vec::new(),
                    duration: Duration::ZERO,
                    not_checked: Vec::new(),
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

/// A scenario's key, and whether the event finishes it.
fn scenario_event<W>(event: &Received<W>) -> Option<((String, String), bool)> {
    let Ok(event) = event else { return None };
    match &event.value {
        Cucumber::Feature(f, Feature::Scenario(s, ev))
        | Cucumber::Feature(f, Feature::Rule(_, Rule::Scenario(s, ev))) => Some((
            (f.name.clone(), s.name.clone()),
            matches!(ev.event, Scenario::Finished),
        )),
        _ => None,
    }
}

/// Passes events on to `inner` (cucumber's JUnit and JSON writers), except those of a scenario
/// the target could not run: those formats have no "not run", and a failed step there would read
/// as a failure. Such scenarios are in `results.json` and the report, with their reason.
pub struct OmitNotRun<W, Wr> {
    ctx: Arc<Context>,
    inner: Wr,
    held: HashMap<(String, String), Vec<Received<W>>>,
}

impl<W, Wr> OmitNotRun<W, Wr> {
    pub fn new(ctx: Arc<Context>, inner: Wr) -> Self {
        Self {
            ctx,
            inner,
            held: HashMap::new(),
        }
    }
}

impl<W: cucumber::World, Wr: Writer<W>> Writer<W> for OmitNotRun<W, Wr> {
    type Cli = Wr::Cli;

    async fn handle_event(&mut self, event: Received<W>, cli: &Self::Cli) {
        let Some((key, finished)) = scenario_event(&event) else {
            return self.inner.handle_event(event, cli).await;
        };
        self.held.entry(key.clone()).or_default().push(event);
        if finished {
            let events = self.held.remove(&key).unwrap_or_default();
            if self.ctx.not_run_reason(&key.0, &key.1).is_none() {
                for e in events {
                    self.inner.handle_event(e, cli).await;
                }
            }
        }
    }
}
