//! The conformance suite runner, shared by `cargo test` (`tests/conformance.rs`) and
//! `ecs-conformance run`.
//!
//! A run picks its target (the embedded mock, or an endpoint), asks whether the target speaks the
//! control API, checks the feature files against the error catalogue, then runs the scenarios
//! concurrently — each in its own world, under its own key pair — and reports each as passed,
//! failed, or not run with the reason.
//!
//! The rooms: [`config`] (how a run is set up), [`selection`] (which scenarios), [`connect`]
//! (reaching the target, choosing the seam), [`target`] and [`discover`] (the seams through which
//! scenarios get their state), [`context`], [`world`] and [`steps`] (one scenario as it runs),
//! [`record`] (what one scenario produced, and its result), [`collector`] (the cucumber writers),
//! [`judgement`] (the run's verdicts). What a run yields is [`crate::results::Results`].

mod answer;
pub(crate) mod check;
mod claims;
pub(crate) use check::KNOWN_FIELDS as KNOWN_ERROR_FIELDS;
mod collector;
mod config;
mod connect;
mod context;
pub(crate) mod coverage;
mod discover;
pub(crate) mod document;
pub(crate) mod editions;
mod evidence_table;
pub(crate) mod expected;
mod files;
pub mod generated;
pub(crate) mod judgement;
pub(crate) mod outline;
pub(crate) mod record;
pub(crate) mod recorded;
mod rejudge;
mod safety;
mod schema;
mod selection;
mod steps;
mod target;
mod throttle;
pub(crate) mod verdict;
mod waivers;
mod world;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use cucumber::{World as _, WriterExt as _, gherkin};

pub use claims::parse as claimed_actions;
pub use config::{RunError, SuiteConfig, Target, WorldMode, default_concurrency};
pub use discover::Options as DiscoverOptions;
pub use discover::{Fixtures, TAG_KEY, TAG_VALUE};
pub use editions::judged_only_in;
pub(crate) use evidence_table::md_cell;
pub use files::SuiteFiles;
pub use recorded::{SnapshotMode, answer_fields};
pub use rejudge::{Rejudged, rejudge};
pub use selection::selected_scenarios;
pub use waivers::{Waivers, one_year_after, renew_text};

use crate::contract::editions::Range;
use crate::results::{Results, Run, Scenario, ScenarioId};
use collector::Closed;
use context::RunState;
use world::SuiteWorld;

/// What a run yields: its results, and what the run knows of itself that `results.json` does
/// not hold.
#[derive(Debug, Clone)]
pub struct RunOutput {
    pub results: Results,
    /// The longest the runner itself stalled during the run (its runtime late to run a task that
    /// was due, by its pulse): a measure of the harness and its machine, not of the target.
    pub longest_stall: std::time::Duration,
}

impl RunOutput {
    /// Each scenario's exchanges, by its name (`feature / scenario`).
    pub fn answers(&self) -> std::collections::BTreeMap<String, &[crate::results::Exchange]> {
        let scenarios = self.results.scenarios.iter();
        scenarios
            .map(|s| (s.label(), s.exchanges.as_slice()))
            .collect()
    }
}

/// The table of evidence (Markdown) for the suite's own features: `ecs-conformance evidence`.
pub fn evidence_markdown() -> String {
    evidence_table::markdown(&SuiteFiles::Embedded)
}

/// Runs the suite. Errors are about the run itself (a bad tag expression, an unreadable feature
/// directory, a selection that leaves nothing to run, an unreachable endpoint, an embedded mock
/// that cannot bind); scenario outcomes are in the results.
pub async fn run(config: SuiteConfig) -> Result<RunOutput, RunError> {
    let started = Instant::now();
    let started_at = time::OffsetDateTime::now_utc();
    let mut chosen = selection::choose(&config)?;
    let target = connect::connect(&config).await?;
    let seam = connect::seam(&config, &target).await?;
    let target_name = match &config.target {
        Target::Embedded => "the embedded mock".to_owned(),
        Target::Endpoint { url, .. } => url.clone(),
    };
    let mut run = Run::begun(target_name, started_at, config.fail_on);
    run.suite_fingerprint = config.files.fingerprint().map_err(anyhow::Error::msg)?;
    run.access_key_id = target.client.credentials().access_key_id.clone();
    (run.control_api, run.world) = (seam.name() == "control", seam.name().to_owned());
    (run.tags, run.formats) = (config.tags.clone(), config.formats.clone());
    run.suite_problems = coverage::problems(&chosen.features);
    // The actions the target does not claim, of which the run selects a scenario: a probe each, in
    // each format the run selects.
    if let Some(claimed) = &config.actions {
        let selection = chosen.selection.clone();
        let unclaimed = claims::unclaimed_selected(&chosen.features, claimed, |f, r, s| {
            selection.selects(f, r, s)
        });
        if !unclaimed.is_empty() {
            let probes = claims::probes(&chosen.features, &unclaimed, &config.formats)
                .map_err(anyhow::Error::msg)?;
            chosen.features.push(probes);
        }
    }
    let ctx = Arc::new(RunState {
        client: target.client.clone(),
        seam,
        files: config.files.clone(),
        snapshot_mode: config.snapshot_mode,
        fail_on: config.fail_on,
        edition: config.edition,
        recording: match config.target {
            Target::Embedded => Some(config.mock_edition.unwrap_or(config.edition)),
            Target::Endpoint { .. } => None,
        },
        waivers: config.waivers.clone(),
        date: started_at.date(),
        records: Mutex::new(HashMap::new()),
    });
    // The actions each feature's own tags name, for the depth map.
    let feature_actions: HashMap<String, Vec<String>> = (chosen.features.iter())
        .map(|f| {
            let actions = f.tags.iter().filter_map(|t| t.strip_prefix("action:"));
            (
                f.name.clone(),
                actions.map(str::to_owned).collect::<Vec<_>>(),
            )
        })
        .filter(|(_, a)| !a.is_empty())
        .collect();
    let closed = scenarios(&config, ctx, chosen).await?;
    let longest_stall = (target.client.pulse()).map_or(Default::default(), |p| p.longest());
    drop(target);
    // Said only when it left a scenario unjudged (a mismatch before the silence is a failure).
    let unanswered = closed.iter().any(|(s, _)| s.for_want_of_an_answer());
    if let Some((after, again)) = collector::stopped_answering(&closed).filter(|_| unanswered) {
        run.stopped_answering_after = Some(after.unwrap_or_else(|| "(none)".into()));
        run.answered_again = again;
    }
    run.duration_ms = started.elapsed().as_millis() as u64;
    let scenarios: Vec<Scenario> = closed.into_iter().map(|(s, _)| s).collect();
    let mut results = judgement::conclude(
        run,
        scenarios,
        config.edition,
        &config.waivers,
        started_at.date(),
    );
    results.run.actions = Some(crate::results::depth_map(
        &results.scenarios,
        &feature_actions,
        config.actions.as_ref(),
        config.edition,
    ));
    Ok(RunOutput {
        results,
        longest_stall,
    })
}

/// Runs the chosen scenarios through cucumber: the collector closes each into its result;
/// cucumber's Cucumber JSON writer sees only those that ran. Scenarios that need a world the seam cannot
/// install are not run, with its reason.
async fn scenarios(
    config: &SuiteConfig,
    ctx: Arc<RunState>,
    chosen: selection::Chosen,
) -> Result<Vec<(Scenario, record::Timing)>, RunError> {
    let json = connect::cucumber_json_file(config.machine_reports.as_deref())?;
    let closed: Closed = Arc::default();
    let cannot_install = ctx.seam.cannot_install();
    let controlled = ctx.seam.name() == "control";
    let (selection, not_run) = (chosen.selection, closed.clone());
    let (edition, fail_on, date) = (config.edition, config.fail_on, ctx.date);
    let waivers = config.waivers.clone();
    let claimed = config.actions.clone();
    let filter = move |f: &gherkin::Feature, r: Option<&gherkin::Rule>, s: &gherkin::Scenario| {
        // The probes of unclaimed actions (`--actions`) run whatever the tags.
        if claims::is_probe(f) {
            return true;
        }
        if !selection.selects(f, r, s) {
            return false;
        }
        // A scenario of an action the target does not claim is not run, before any call.
        let tags = || {
            f.tags
                .iter()
                .chain(r.iter().flat_map(|r| &r.tags))
                .chain(&s.tags)
        };
        let unclaimed = (claimed.as_ref()).and_then(|c| claims::not_run(c, tags()));
        // Without a control API, a generated probe that could change the account is not run.
        let unsafe_here = (!controlled).then(|| safety::not_run(&s.tags)).flatten();
        let cannot = cannot_install
            .clone()
            .filter(|_| selection::needs_world(f, r, s));
        if let Some(reason) = unclaimed.or(unsafe_here).or(cannot) {
            let id = ScenarioId::new(&f.name, &s.name);
            let range = editions::range_of(&s.tags).unwrap_or(Range::ALL);
            let mut scenario = Scenario::not_run(&id, s.tags.clone(), range, reason.clone());
            record::settle(&mut scenario, edition, &waivers, fail_on, date);
            (not_run.lock().unwrap_or_else(|p| p.into_inner()))
                .push((scenario, record::Timing::default()));
            return false;
        }
        true
    };
    let concurrency = config
        .concurrency
        .unwrap_or_else(|| default_concurrency(&config.target))
        .max(1);
    let (before_ctx, after_ctx) = (ctx.clone(), ctx.clone());
    SuiteWorld::cucumber::<&str>()
        .steps(steps::collection())
        .with_parser(files::TextParser)
        .with_writer(
            collector::Collector::new(ctx, closed.clone(), config.progress)
                .tee::<SuiteWorld, _>(collector::Held::<SuiteWorld, _>::new(
                    closed.clone(),
                    cucumber::writer::Json::raw(json),
                    config.machine_reports.is_some(),
                ))
                .normalized(),
        )
        .fail_on_skipped()
        .max_concurrent_scenarios(concurrency)
        .before(move |feature, _, scenario, w| {
            w.ctx = Some(before_ctx.clone());
            w.id = ScenarioId::new(&feature.name, &scenario.name);
            w.chosen_only = scenario.tags.iter().any(|t| t == "chosen");
            w.editions = editions::range_of(&scenario.tags).unwrap_or(Range::ALL);
            Box::pin(async {})
        })
        .after(move |_, _, _, _, w| {
            let ctx = after_ctx.clone();
            Box::pin(async move {
                if let Some(w) = w {
                    // Handed over first: a clean-up that fails cannot lose what the scenario saw.
                    ctx.hand_over(w.id.clone(), std::mem::take(&mut w.record));
                    w.clean_up().await;
                }
            })
        })
        .with_default_cli()
        .filter_run(chosen.features, filter)
        .await;
    Ok(std::mem::take(
        &mut *closed.lock().unwrap_or_else(|p| p.into_inner()),
    ))
}
