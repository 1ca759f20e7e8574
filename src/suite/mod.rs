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
//! scenarios get their state), [`world`] and [`steps`] (one scenario as it runs), [`record`] (what
//! one scenario produced, and its outcome), [`summary`] (the run's report and the writers).

pub(crate) mod check;
pub(crate) use check::KNOWN_FIELDS as KNOWN_ERROR_FIELDS;
mod config;
mod connect;
pub(crate) mod coverage;
mod discover;
pub(crate) mod document;
pub(crate) mod editions;
mod evidence_table;
mod files;
pub(crate) mod outline;
mod record;
pub(crate) mod recorded;
mod selection;
mod steps;
mod summary;
mod target;
mod throttle;
pub(crate) mod verdict;
mod waivers;
mod world;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use cucumber::{World as _, WriterExt as _, gherkin};

pub(crate) use config::is_local_url;
pub use config::{RunError, SuiteConfig, Target, WorldMode, default_concurrency};
pub use discover::Options as DiscoverOptions;
pub use discover::{Fixtures, TAG_KEY, TAG_VALUE};
pub use editions::judged_only_in;
pub(crate) use evidence_table::md_cell;
pub use files::SuiteFiles;
pub use record::{AnswerSummary, EXCHANGE_BODY_BYTES, ScenarioId};
pub(crate) use record::{ScenarioRecord, Stop};
pub use recorded::{SnapshotMode, answer_fields, slug_with};
pub use selection::selected_scenarios;
pub use summary::{Outcome, Report, ScenarioResult, StoppedAnswering, Verdict, cause_group};
pub use verdict::Finding;
pub use waivers::{
    Waived, Waiver, WaiverState, Waivers, format_date, glob, one_year_after, parse_date, renew_text,
};

use crate::client::Client;
use crate::contract::editions::Range;
use crate::evidence::Level;
use crate::format::Format;
use summary::Results;
use target::Seam;
use world::SuiteWorld;

/// What every scenario of a run shares.
#[derive(Debug)]
pub(crate) struct RunState {
    /// The run's client: the target, with the run's own credentials.
    client: Client,
    /// How scenarios get their state.
    seam: Box<dyn Seam>,
    files: SuiteFiles,
    snapshot_mode: SnapshotMode,
    fail_on: Level,
    /// The edition the run is gated on.
    edition: &'static crate::contract::editions::Edition,
    /// The edition the embedded mock serves, whose answers may be recorded; `None` for an
    /// endpoint.
    recording: Option<&'static crate::contract::editions::Edition>,
    /// The run's waivers, and its date (in UTC), on which each is in force or expired.
    waivers: Waivers,
    date: time::Date,
    /// The records worlds handed over as their scenarios ended, until the collector closes them.
    records: Mutex<HashMap<ScenarioId, ScenarioRecord>>,
}

impl RunState {
    /// A scenario's world hands over its record, once, when the scenario ends. Two scenarios of
    /// one id (the same feature and scenario names, from edited feature files) keep both records'
    /// findings: a failure never vanishes behind a namesake that passed.
    fn hand_over(&self, id: ScenarioId, record: ScenarioRecord) {
        let mut records = self.records.lock().unwrap_or_else(|p| p.into_inner());
        match records.remove(&id) {
            Some(earlier) => records.insert(id, earlier.merged(record)),
            None => records.insert(id, record),
        };
    }

    /// The record of the finished scenario `id` (empty when its world never started).
    fn take_record(&self, id: &ScenarioId) -> ScenarioRecord {
        self.records
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(id)
            .unwrap_or_default()
    }
}

/// What a run was: its target, selection and suite.
#[derive(Debug, Clone)]
pub struct RunMeta {
    pub started_at: time::OffsetDateTime,
    /// `the embedded mock`, or the endpoint's URL.
    pub target: String,
    /// The run's own AccessKeyId (never the secret).
    pub access_key_id: String,
    /// Whether scenarios stated their worlds through the control API.
    pub control_api: bool,
    /// How scenarios got their state: `control`, `discover` or `none`.
    pub world: String,
    pub tags: Option<String>,
    pub formats: Vec<Format>,
    /// [`SuiteFiles::fingerprint`] of the suite run.
    pub fingerprint: String,
    /// The container the target ran in, when the run started one (`run --image`).
    pub container: Option<crate::container::ContainerInfo>,
    /// The longest the runner itself stalled during the run (its runtime late to run a task that
    /// was due, by its pulse): a measure of the harness and its machine, not of the target.
    pub longest_stall: std::time::Duration,
}

/// The report of a run; each scenario's result holds the answers it received.
#[derive(Debug, Clone)]
pub struct RunOutput {
    pub meta: RunMeta,
    pub report: Report,
}

impl RunOutput {
    /// Each scenario's answers, by its name (`feature / scenario`).
    pub fn answers(&self) -> std::collections::BTreeMap<String, &[AnswerSummary]> {
        let results = self.report.results.iter();
        results.map(|r| (r.name(), r.answers.as_slice())).collect()
    }
}

/// The table of evidence (Markdown) for the suite's own features: `ecs-conformance evidence`.
pub fn evidence_markdown() -> String {
    evidence_table::markdown(&SuiteFiles::Embedded)
}

/// Runs the suite. Errors are about the run itself (a bad tag expression, an unreadable feature
/// directory, a selection that leaves nothing to run, an unreachable endpoint, an embedded mock
/// that cannot bind); scenario outcomes are in the report.
pub async fn run(config: SuiteConfig) -> Result<RunOutput, RunError> {
    let started = Instant::now();
    let started_at = time::OffsetDateTime::now_utc();
    let chosen = selection::choose(&config)?;
    let target = connect::connect(&config).await?;
    let seam = connect::seam(&config, &target).await?;
    let mut meta = RunMeta {
        started_at,
        target: match &config.target {
            Target::Embedded => "the embedded mock".into(),
            Target::Endpoint { url, .. } => url.clone(),
        },
        access_key_id: target.client.credentials().access_key_id.clone(),
        control_api: seam.name() == "control",
        world: seam.name().to_owned(),
        tags: config.tags.clone(),
        formats: config.formats.clone(),
        fingerprint: config.files.fingerprint().map_err(anyhow::Error::msg)?,
        container: None,
        longest_stall: std::time::Duration::ZERO,
    };
    let suite_problems = coverage::problems(&chosen.features);
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
    let results = scenarios(&config, ctx, chosen).await?;
    meta.longest_stall = (target.client.pulse()).map_or(meta.longest_stall, |p| p.longest());
    drop(target);
    // Said only when it left a scenario unjudged (a mismatch before the silence is a failure).
    let unanswered = results.iter().any(|r| r.outcome.for_want_of_an_answer());
    let stopped_answering = StoppedAnswering::of(&results).filter(|_| unanswered);
    let states = config.waivers.states(&results, started_at.date());
    let waivers = config.waivers.list.iter().cloned().zip(states).collect();
    Ok(RunOutput {
        meta,
        report: Report {
            results,
            elapsed: started.elapsed(),
            fail_on: config.fail_on,
            suite_problems,
            stopped_answering,
            edition: config.edition,
            waivers,
        },
    })
}

/// Runs the chosen scenarios through cucumber: the collector closes each into its result; the
/// JUnit and Cucumber JSON writers see only those that ran. Scenarios that need a world the seam
/// cannot install are not run, with its reason.
async fn scenarios(
    config: &SuiteConfig,
    ctx: Arc<RunState>,
    chosen: selection::Chosen,
) -> Result<Vec<ScenarioResult>, RunError> {
    let (junit, json) = connect::machine_report_files(config.machine_reports.as_deref())?;
    let results: Results = Arc::default();
    let cannot_install = ctx.seam.cannot_install();
    let (selection, not_run) = (chosen.selection, results.clone());
    let edition = config.edition;
    let filter = move |f: &gherkin::Feature, r: Option<&gherkin::Rule>, s: &gherkin::Scenario| {
        if !selection.selects(f, r, s) {
            return false;
        }
        if let Some(reason) = cannot_install
            .as_ref()
            .filter(|_| selection::needs_world(f, r, s))
        {
            let id = ScenarioId::new(&f.name, &s.name);
            let result = ScenarioResult::not_run(id, s.tags.clone(), reason.clone());
            let result = editions::gate(result, edition);
            not_run
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(result);
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
        .with_parser(files::TextParser)
        .with_writer(
            summary::Collector::new(ctx, results.clone(), config.progress)
                .tee::<SuiteWorld, _>(summary::OmitNotRun::<SuiteWorld, _>::new(
                    results.clone(),
                    cucumber::writer::JUnit::raw(junit, 0),
                ))
                .tee::<SuiteWorld, _>(summary::OmitNotRun::<SuiteWorld, _>::new(
                    results.clone(),
                    cucumber::writer::Json::raw(json),
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
        .filter_run(chosen.texts, filter)
        .await;
    Ok(std::mem::take(
        &mut *results.lock().unwrap_or_else(|p| p.into_inner()),
    ))
}
