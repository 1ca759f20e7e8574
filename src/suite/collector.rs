//! The run's cucumber writers. [`Collector`] closes each finished scenario's record into its
//! result (`record::close`, then `record::settle`) and prints a line of progress. [`Held`] hands
//! cucumber's own Cucumber JSON writer the events of the scenarios that ran, once the run is
//! over: that format cannot say "not run", so a scenario the target could not run is left out,
//! as its result (not the order cucumber polls its writers in) decides.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use cucumber::event::{self, Cucumber, Feature, Rule, Scenario as ScenarioEvent, Step};
use cucumber::{Event, Writer, cli, gherkin, parser};

use super::context::RunState;
use super::editions::range_of;
use super::record::{Closing, STEP, Timing, settle};
use crate::contract::editions::Range;
use crate::evidence::Level;
use crate::results::{Cause, Finding, Outcome, Scenario, ScenarioId};

/// The results of a run as scenarios finish, each with when it was (or was not) answered.
pub type Closed = Arc<Mutex<Vec<(Scenario, Timing)>>>;

/// The cucumber writer: closes each finished scenario's record into its result, and prints
/// progress.
pub struct Collector {
    ctx: Arc<RunState>,
    closed: Closed,
    step_errors: HashMap<ScenarioId, Vec<String>>,
    tags: HashMap<ScenarioId, Vec<String>>,
    started: HashMap<ScenarioId, std::time::Instant>,
    progress: bool,
}

impl Collector {
    pub fn new(ctx: Arc<RunState>, closed: Closed, progress: bool) -> Self {
        Self {
            ctx,
            closed,
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
        ev: ScenarioEvent<W>,
    ) {
        let id = ScenarioId::new(&feature.name, &scenario.name);
        self.tags
            .entry(id.clone())
            .or_insert_with(|| scenario.tags.clone());
        self.started
            .entry(id.clone())
            .or_insert_with(std::time::Instant::now);
        let error = match ev {
            ScenarioEvent::Step(step, Step::Failed(_, _, _, err))
            | ScenarioEvent::Background(step, Step::Failed(_, _, _, err)) => Some(format!(
                "step `{}{}` failed: {}",
                step.keyword,
                step.value,
                step_error(&err)
            )),
            ScenarioEvent::Hook(_, event::Hook::Failed(_, info)) => {
                Some(format!("hook failed: {}", panic_text(&info)))
            }
            ScenarioEvent::Finished => {
                self.finish(id.clone());
                None
            }
            _ => None,
        };
        if let Some(e) = error {
            self.step_errors.entry(id).or_default().push(e);
        }
    }

    /// A finished scenario: the record its world handed over, closed into its result and
    /// settled by the run's gate and waivers.
    fn finish(&mut self, id: ScenarioId) {
        let ctx = &self.ctx;
        let record = ctx.take_record(&id);
        let timing = record.timing();
        let tags = self.tags.remove(&id).unwrap_or_default();
        let duration = (self.started.remove(&id))
            .map(|t| t.elapsed())
            .unwrap_or_default();
        let mut scenario = record.close(Closing {
            editions: range_of(&tags).unwrap_or(Range::ALL),
            step_errors: self.step_errors.remove(&id).unwrap_or_default(),
            id,
            tags,
            duration,
            fail_on: ctx.fail_on,
        });
        settle(
            &mut scenario,
            ctx.edition,
            &ctx.waivers,
            ctx.fail_on,
            ctx.date,
        );
        if self.progress {
            println!("{} {}", mark(&scenario, ctx.fail_on), scenario.label());
        }
        (self.closed.lock().unwrap_or_else(|p| p.into_inner())).push((scenario, timing));
    }
}

/// What a line of progress says of a finished scenario.
fn mark(s: &Scenario, fail_on: Level) -> String {
    let level = s.failed_at.map_or("", Level::as_str);
    match (s.outcome, s.cause) {
        (Outcome::Failed, _) if s.is_waived() => format!("~ [{level}, waived]"),
        (Outcome::Failed, _) if s.counted => format!("✘ [{level}]"),
        (Outcome::Failed, _) => format!("~ [{level}, not counted at --fail-on {fail_on}]"),
        (Outcome::NotRun, Some(Cause::Setup | Cause::SetupNoAnswer)) => {
            "– [not run: setup failed]".into()
        }
        (Outcome::NotRun, Some(Cause::HarnessStall)) => format!(
            "– [not run: the harness stalled {:.1} s]",
            s.stalled_ms.unwrap_or_default() as f64 / 1e3
        ),
        (Outcome::NotRun, Some(Cause::OtherEdition)) => "– [of other editions]".into(),
        (Outcome::NotRun, _) => "– [not run]".into(),
        (Outcome::NoAnswer, _) => "✘ [no answer]".into(),
        (Outcome::Passed, _) if !s.not_checked.is_empty() => "✔ [partly not checked]".into(),
        (Outcome::Passed, _) => "✔".into(),
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
                // A feature file that does not parse fails the run at `documented`.
                let id = ScenarioId::new("(feature files)", "parse");
                let mut s = Scenario::not_run(&id, Vec::new(), Range::ALL, String::new());
                (s.outcome, s.failed_at, s.reason) =
                    (Outcome::Failed, Some(Level::Documented), None);
                s.counted = true;
                s.findings.push(Finding {
                    expectation: STEP.into(),
                    level: Level::Documented,
                    source: "the feature files".into(),
                    problem: e.to_string(),
                });
                (self.closed.lock().unwrap_or_else(|p| p.into_inner()))
                    .push((s, Timing::default()));
            }
            Ok(_) => {}
        }
    }
}

/// One event as a writer receives it.
type Received<W> = parser::Result<Event<Cucumber<W>>>;

/// The scenario an event is of.
fn scenario_of<W>(event: &Received<W>) -> Option<ScenarioId> {
    let Ok(event) = event else { return None };
    match &event.value {
        Cucumber::Feature(f, Feature::Scenario(s, _))
        | Cucumber::Feature(f, Feature::Rule(_, Rule::Scenario(s, _))) => {
            Some(ScenarioId::new(&f.name, &s.name))
        }
        _ => None,
    }
}

/// Holds every event until the run is over, then passes `inner` (cucumber's Cucumber JSON
/// writer) those of the scenarios that ran: by then every scenario's result is closed, whatever
/// order the writers were polled in. A scenario whose setup got no answer stays (it fails the
/// run, and shows there as the step that got no answer).
pub struct Held<W, Wr> {
    closed: Closed,
    inner: Wr,
    held: Vec<Received<W>>,
    /// Whether anyone reads what `inner` writes: a run that writes no `cucumber.json` holds
    /// nothing (holding and replaying every event was a tenth of a run's own work).
    wanted: bool,
}

impl<W, Wr> Held<W, Wr> {
    pub fn new(closed: Closed, inner: Wr, wanted: bool) -> Self {
        Self {
            closed,
            inner,
            held: Vec::new(),
            wanted,
        }
    }
}

impl<W: cucumber::World, Wr: Writer<W>> Writer<W> for Held<W, Wr> {
    type Cli = Wr::Cli;

    async fn handle_event(&mut self, event: Received<W>, cli: &Self::Cli) {
        if !self.wanted {
            return;
        }
        let over = matches!(&event, Ok(e) if matches!(e.value, Cucumber::Finished));
        if !over {
            self.held.push(event);
            return;
        }
        let omitted: std::collections::HashSet<ScenarioId> = {
            let closed = self.closed.lock().unwrap_or_else(|p| p.into_inner());
            (closed.iter())
                .filter(|(s, _)| s.omitted_from_machine_reports())
                .map(|(s, _)| s.scenario_id())
                .collect()
        };
        for e in std::mem::take(&mut self.held) {
            if !scenario_of(&e).is_some_and(|id| omitted.contains(&id)) {
                self.inner.handle_event(e, cli).await;
            }
        }
        self.inner.handle_event(event, cli).await;
    }
}

/// When the endpoint stopped answering, from the scenarios' timings: the scenario that had been
/// answered last before the first call (or setup) that got no answer, and whether any call was
/// answered after. `None` when every call was answered.
pub fn stopped_answering(closed: &[(Scenario, Timing)]) -> Option<(Option<String>, bool)> {
    let first = closed.iter().filter_map(|(_, t)| t.silent_at).min()?;
    let answered = || closed.iter().filter_map(|(s, t)| Some((s, t.answered_at?)));
    let after = answered()
        .filter(|(_, at)| *at <= first)
        .max_by_key(|(_, at)| *at)
        .map(|(s, _)| s.label());
    Some((after, answered().any(|(_, at)| at > first)))
}
