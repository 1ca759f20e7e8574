//! The conformance suite runner, shared by `cargo test` (`tests/conformance.rs`) and
//! `ecs-conformance run`.
//!
//! A run picks its target (the embedded mock, or an endpoint), asks whether the target speaks the
//! control API, checks the feature files against the error catalogue, then runs the scenarios
//! concurrently — each in its own world, under its own key pair — and reports each as passed,
//! failed, or not run with the reason.

mod check;
mod coverage;
mod document;
mod report;
mod snapshot;
mod steps;
mod world;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cucumber::gherkin::{self, StepType, tagexpr::TagOperation};
use cucumber::tag::Ext as _;
use cucumber::{World as _, WriterExt as _};

pub use report::{Outcome, Report, ScenarioResult};
pub use snapshot::SnapshotMode;

use crate::client::{Client, Credentials};
use crate::format::Format;
use crate::mock::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, MockServer};
use check::Answer;
use world::SuiteWorld;

/// What the suite runs against.
#[derive(Debug, Clone)]
pub enum Target {
    /// The mock, in-process on loopback.
    Embedded,
    /// Any endpoint (`http://host:port`), called with these credentials.
    Endpoint {
        url: String,
        credentials: Credentials,
    },
}

/// How a run is configured. `Default` runs everything against the embedded mock.
#[derive(Debug, Clone)]
pub struct SuiteConfig {
    pub target: Target,
    /// A cucumber tag expression, e.g. `@errors and not @slow`.
    pub tags: Option<String>,
    /// The formats whose scenarios run (scenarios not about a format always run).
    pub formats: Vec<Format>,
    pub features: PathBuf,
    /// Print a line per finished scenario.
    pub progress: bool,
    /// How long one call may take before it fails.
    pub timeout: Duration,
}

impl Default for SuiteConfig {
    fn default() -> Self {
        Self {
            target: Target::Embedded,
            tags: None,
            formats: Format::BOTH.to_vec(),
            features: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("features"),
            progress: true,
            timeout: crate::client::DEFAULT_TIMEOUT,
        }
    }
}

/// One answer a scenario received, as the faulty-variant test needs to know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerSummary {
    pub action: String,
    pub format: Format,
    pub status: u16,
    /// The error `Code`, if the answer was an error with one.
    pub code: Option<String>,
}

/// What every scenario of a run shares.
#[derive(Debug)]
pub(crate) struct Context {
    client: Client,
    control: bool,
    snapshot_mode: SnapshotMode,
    run_id: String,
    keys: AtomicUsize,
    answers: Mutex<HashMap<String, Vec<AnswerSummary>>>,
}

impl Context {
    fn next_access_key_id(&self) -> String {
        let n = self.keys.fetch_add(1, Ordering::Relaxed);
        format!("ecsc-{}-{n}", self.run_id)
    }

    fn record(&self, feature: &str, scenario: &str, action: &str, answer: &Answer) {
        let code = answer
            .document()
            .ok()
            .and_then(|d| d.field("Code").map(str::to_owned));
        self.answers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(format!("{feature} / {scenario}"))
            .or_default()
            .push(AnswerSummary {
                action: action.to_owned(),
                format: answer.format,
                status: answer.raw.status,
                code,
            });
    }
}

/// The report of a run, with the answers each scenario received.
#[derive(Debug, Clone, Default)]
pub struct RunOutput {
    pub report: Report,
    /// Keyed by `feature / scenario`.
    pub answers: HashMap<String, Vec<AnswerSummary>>,
}

/// Whether a scenario states a world with Given steps (its own or its feature's Background):
/// such a scenario needs the control API.
fn needs_world(
    feature: &gherkin::Feature,
    rule: Option<&gherkin::Rule>,
    scenario: &gherkin::Scenario,
) -> bool {
    let given = |steps: &[gherkin::Step]| steps.iter().any(|s| s.ty == StepType::Given);
    feature.background.as_ref().is_some_and(|b| given(&b.steps))
        || rule
            .and_then(|r| r.background.as_ref())
            .is_some_and(|b| given(&b.steps))
        || given(&scenario.steps)
}

/// The `format` column of an expanded outline, if it has one.
fn scenario_format(scenario: &gherkin::Scenario) -> Option<Format> {
    let table = scenario.examples.first()?.table.as_ref()?;
    let (header, row) = (table.rows.first()?, table.rows.get(1)?);
    let i = header.iter().position(|h| h == "format")?;
    row.get(i)?.parse().ok()
}

/// Runs the suite. Errors are about the run itself (a bad tag expression, an unreadable feature
/// directory, an embedded mock that cannot bind); scenario outcomes are in the report.
pub async fn run(config: SuiteConfig) -> anyhow::Result<RunOutput> {
    let started = Instant::now();
    let tags: Option<TagOperation> = match &config.tags {
        Some(t) => Some(
            t.parse()
                .map_err(|e| anyhow::anyhow!("invalid tag expression {t:?}: {e}"))?,
        ),
        None => None,
    };

    let mut embedded = None;
    let (client, control, mode, no_control_reason) = match &config.target {
        Target::Embedded => {
            let mock = MockServer::start().await?;
            let credentials = Credentials::new(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET);
            let client = Client::new(mock.url(), credentials)?.with_timeout(config.timeout);
            embedded = Some(mock);
            (client, true, SnapshotMode::Review, String::new())
        }
        Target::Endpoint { url, credentials } => {
            let client = Client::new(url, credentials.clone())?.with_timeout(config.timeout);
            let (control, reason) = match client.has_control_api().await {
                Ok(true) => (true, String::new()),
                Ok(false) => (
                    false,
                    format!(
                        "needs a world, and {url} does not offer the control API (docs/control-api.md)"
                    ),
                ),
                Err(e) => (
                    false,
                    format!("needs a world, and the control API could not be reached: {e}"),
                ),
            };
            (client, control, SnapshotMode::CheckOnly, reason)
        }
    };

    let features = coverage::features(&config.features).map_err(anyhow::Error::msg)?;
    let results = Arc::new(Mutex::new(Vec::new()));
    let problems = coverage::problems(&features);
    results
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(ScenarioResult {
            feature: "(catalogue)".into(),
            scenario:
                "every documented error has a scenario, and no scenario expects an undocumented one"
                    .into(),
            outcome: if problems.is_empty() {
                Outcome::Passed
            } else {
                Outcome::Failed(problems.join("\n"))
            },
        });

    let ctx = Arc::new(Context {
        client,
        control,
        snapshot_mode: mode,
        run_id: uuid::Uuid::new_v4().simple().to_string()[..8].to_owned(),
        keys: AtomicUsize::new(0),
        answers: Mutex::new(HashMap::new()),
    });

    let not_run = results.clone();
    let formats = config.formats.clone();
    let filter = move |f: &gherkin::Feature, r: Option<&gherkin::Rule>, s: &gherkin::Scenario| {
        if scenario_format(s).is_some_and(|fmt| !formats.contains(&fmt)) {
            return false;
        }
        if let Some(op) = &tags {
            let all = f
                .tags
                .iter()
                .chain(r.iter().flat_map(|r| &r.tags))
                .chain(&s.tags);
            if !op.eval(all) {
                return false;
            }
        }
        if !control && needs_world(f, r, s) {
            not_run
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(ScenarioResult {
                    feature: f.name.clone(),
                    scenario: s.name.clone(),
                    outcome: Outcome::NotRun(no_control_reason.clone()),
                });
            return false;
        }
        true
    };

    let before_ctx = ctx.clone();
    SuiteWorld::cucumber()
        .with_writer(report::Collector::new(results.clone(), config.progress).normalized())
        .fail_on_skipped()
        .max_concurrent_scenarios(64)
        .before(move |feature, _, scenario, w| {
            w.ctx = Some(before_ctx.clone());
            w.feature = feature.name.clone();
            w.scenario = scenario.name.clone();
            Box::pin(async {})
        })
        .after(|_, _, _, _, w| {
            Box::pin(async move {
                if let Some(w) = w {
                    w.clean_up().await;
                }
            })
        })
        .with_default_cli()
        .filter_run(config.features.clone(), filter)
        .await;
    drop(embedded);

    let results = std::mem::take(&mut *results.lock().unwrap_or_else(|p| p.into_inner()));
    let answers = std::mem::take(&mut *ctx.answers.lock().unwrap_or_else(|p| p.into_inner()));
    Ok(RunOutput {
        report: Report {
            results,
            elapsed: started.elapsed(),
        },
        answers,
    })
}
