//! Results: a cucumber writer that prints one line per finished scenario and keeps each
//! scenario's outcome, and the summary printed at the end (passed / failed / not run, by area).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cucumber::event::{self, Cucumber, Feature, Rule, Scenario, Step};
use cucumber::{Event, Writer, cli, gherkin, parser};

/// What happened to one scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    Failed(String),
    /// Not run, with the reason; never counted as passed.
    NotRun(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioResult {
    /// The feature's name: the area the summary groups by.
    pub feature: String,
    pub scenario: String,
    pub outcome: Outcome,
}

/// Everything a run found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub results: Vec<ScenarioResult>,
    pub elapsed: Duration,
}

impl Report {
    pub fn count(&self, f: impl Fn(&Outcome) -> bool) -> usize {
        self.results.iter().filter(|r| f(&r.outcome)).count()
    }

    pub fn passed(&self) -> usize {
        self.count(|o| *o == Outcome::Passed)
    }

    pub fn failed(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Failed(_)))
    }

    pub fn not_run(&self) -> usize {
        self.count(|o| matches!(o, Outcome::NotRun(_)))
    }

    /// Names of the failed scenarios, as `feature / scenario`.
    pub fn failed_names(&self) -> Vec<String> {
        self.results
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::Failed(_)))
            .map(|r| format!("{} / {}", r.feature, r.scenario))
            .collect()
    }

    /// The summary: counts by area, every failure and not-run reason, the time taken, and a
    /// closing `N passed, N failed` line.
    pub fn summary(&self) -> String {
        let mut areas: BTreeMap<&str, [usize; 3]> = BTreeMap::new();
        for r in &self.results {
            let slot = match r.outcome {
                Outcome::Passed => 0,
                Outcome::Failed(_) => 1,
                Outcome::NotRun(_) => 2,
            };
            areas.entry(&r.feature).or_default()[slot] += 1;
        }
        let width = areas.keys().map(|a| a.chars().count()).max().unwrap_or(0);
        let mut out = format!("\n  {:<width$} passed failed not-run\n", "By area");
        for (area, [p, f, n]) in &areas {
            out.push_str(&format!("  {area:<width$} {p:>6} {f:>6} {n:>7}\n"));
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
        let failed: Vec<_> = self
            .results
            .iter()
            .filter_map(|r| match &r.outcome {
                Outcome::Failed(why) => Some((r, why)),
                _ => None,
            })
            .collect();
        if !failed.is_empty() {
            out.push_str("\nFailed:\n");
            for (r, why) in failed {
                out.push_str(&format!(
                    "✘ {} / {}\n    {}\n",
                    r.feature,
                    r.scenario,
                    why.replace('\n', "\n    ")
                ));
            }
        }
        out.push_str(&format!(
            "\n{} scenarios and checks in {:.2} s: {} passed, {} failed, {} not run\n{} passed, {} failed\n",
            self.results.len(),
            self.elapsed.as_secs_f64(),
            self.passed(),
            self.failed(),
            self.not_run(),
            self.passed(),
            self.failed()
        ));
        out
    }
}

/// The cucumber writer: collects outcomes into a shared list and prints progress.
pub struct Collector {
    results: Arc<Mutex<Vec<ScenarioResult>>>,
    failures: HashMap<(String, String), Vec<String>>,
    progress: bool,
}

impl Collector {
    pub fn new(results: Arc<Mutex<Vec<ScenarioResult>>>, progress: bool) -> Self {
        Self {
            results,
            failures: HashMap::new(),
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
        let failure = match ev {
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
                let failures = self.failures.remove(&key).unwrap_or_default();
                let outcome = if failures.is_empty() {
                    Outcome::Passed
                } else {
                    Outcome::Failed(failures.join("\n"))
                };
                if self.progress {
                    let mark = if outcome == Outcome::Passed {
                        "✔"
                    } else {
                        "✘"
                    };
                    println!("{mark} {} / {}", key.0, key.1);
                }
                let result = ScenarioResult {
                    feature: key.0.clone(),
                    scenario: key.1.clone(),
                    outcome,
                };
                self.results
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(result);
                None
            }
            _ => None,
        };
        if let Some(f) = failure {
            self.failures.entry(key).or_default().push(f);
        }
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
                    outcome: Outcome::Failed(e.to_string()),
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
