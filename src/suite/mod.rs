//! The conformance suite runner, shared by `cargo test` (`tests/conformance.rs`) and
//! `ecs-conformance run`.
//!
//! A run picks its target (the embedded mock, or an endpoint), asks whether the target speaks the
//! control API, checks the feature files against the error catalogue, then runs the scenarios
//! concurrently — each in its own world, under its own key pair — and reports each as passed,
//! failed, or not run with the reason.

mod check;
mod coverage;
mod discover;
pub use discover::{Fixtures, TAG_KEY, TAG_VALUE};
pub(crate) mod document;
mod evidence_table;
pub(crate) use evidence_table::md_cell;
mod files;
mod recorded;
mod steps;
mod summary;
mod target;
mod throttle;
mod verdict;
mod world;

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cucumber::feature::Ext as _;
use cucumber::gherkin::{self, StepType, tagexpr::TagOperation};
use cucumber::tag::Ext as _;
use cucumber::{World as _, WriterExt as _};

pub use files::SuiteFiles;
pub use recorded::{SnapshotMode, answer_fields, slug_with};
pub use summary::{Outcome, Report, ScenarioResult, StoppedAnswering, cause_group};
pub use verdict::Finding;

use crate::client::{Call, Client, ClientError, Credentials, WireForm};
use crate::evidence::Level;
use crate::format::Format;
use crate::mock::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, MockServer};
use check::Answer;
use target::Seam;
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

/// How scenarios get their state (`run --world`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WorldMode {
    /// The control API when the target offers it, else existing resources.
    #[default]
    Auto,
    /// The control API; a target without it cannot be run this way.
    Control,
    /// Existing resources tagged for the harness.
    Discover,
    /// None: world-free scenarios only.
    None,
}

impl std::str::FromStr for WorldMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "auto" => Ok(Self::Auto),
            "control" => Ok(Self::Control),
            "discover" => Ok(Self::Discover),
            "none" => Ok(Self::None),
            _ => Err(format!("{s:?}: expected control, discover or none")),
        }
    }
}

pub use discover::Options as DiscoverOptions;

impl Default for DiscoverOptions {
    fn default() -> Self {
        Self {
            region: "cn-hangzhou".into(),
            fixtures: Fixtures::default(),
            accounts: Vec::new(),
            allow_destructive: false,
            settle_timeout: Duration::from_secs(300),
        }
    }
}

/// How many scenarios run at once by default: many against a mock on this machine, few against
/// anything remote (its rate limits are the account's).
pub fn default_concurrency(target: &Target) -> usize {
    let local = match target {
        Target::Embedded => true,
        Target::Endpoint { url, .. } => is_local_url(url),
    };
    if local { 64 } else { 4 }
}

/// Whether `url` names this machine (loopback, or `localhost`).
pub(crate) fn is_local_url(url: &str) -> bool {
    reqwest::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(|h| h.trim_matches(['[', ']']).to_owned()))
        .is_some_and(|h| {
            h == "localhost"
                || h.parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        })
}

/// How a run is configured. `Default` runs everything against the embedded mock.
#[derive(Debug, Clone)]
pub struct SuiteConfig {
    pub target: Target,
    /// A cucumber tag expression, e.g. `@errors and not @slow`.
    pub tags: Option<String>,
    /// The formats whose scenarios run (scenarios not about a format always run).
    pub formats: Vec<Format>,
    /// The feature files and recorded answers: the embedded suite unless edited copies are given.
    pub files: SuiteFiles,
    /// Print a line per finished scenario.
    pub progress: bool,
    /// How long one call may take before it fails.
    pub timeout: Duration,
    /// The largest answer read; a larger one fails its scenario.
    pub max_body: usize,
    /// Failures up to this level count (every level is evaluated and reported).
    pub fail_on: Level,
    /// What to do with a recorded answer that is missing or differs.
    pub snapshot_mode: SnapshotMode,
    /// Where cucumber's own JUnit XML and Cucumber JSON writers write (`junit.xml`,
    /// `cucumber.json`), when a report is asked for.
    pub machine_reports: Option<std::path::PathBuf>,
    /// A private CA (PEM) to trust for an HTTPS endpoint.
    pub ca_cert: Option<Vec<u8>>,
    /// How scenarios get their state.
    pub world: WorldMode,
    /// With [`WorldMode::Discover`] (or `Auto` without a control API).
    pub discover: DiscoverOptions,
    /// Scenarios run at once (default [`default_concurrency`]).
    pub concurrency: Option<usize>,
}

impl Default for SuiteConfig {
    fn default() -> Self {
        Self {
            target: Target::Embedded,
            tags: None,
            formats: Format::BOTH.to_vec(),
            files: SuiteFiles::Embedded,
            progress: true,
            timeout: crate::client::DEFAULT_TIMEOUT,
            max_body: crate::client::DEFAULT_MAX_BODY,
            fail_on: Level::Chosen,
            snapshot_mode: SnapshotMode::CheckOnly,
            machine_reports: None,
            ca_cert: None,
            world: WorldMode::Auto,
            discover: DiscoverOptions::default(),
            concurrency: None,
        }
    }
}

/// Why a run could not check anything: each is a clear error, never a pass.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("{selection} selects no scenario; the tags in the features are: {}", tags.join(" "))]
    EmptySelection {
        selection: String,
        tags: Vec<String>,
    },
    #[error("cannot reach {endpoint}: {cause}")]
    Unreachable { endpoint: String, cause: String },
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// One call a scenario made and what came back: what reports show and proofs count. It holds no
/// secret: the action's own parameters only (never a signature or a common parameter), and the
/// answer's body capped at [`EXCHANGE_BODY_BYTES`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerSummary {
    pub action: String,
    pub form: WireForm,
    /// The `Format` parameter sent, if any.
    pub asked: Option<Format>,
    /// The action's parameters as sent (aliases resolved).
    pub params: Vec<(String, String)>,
    /// The format the answer came in.
    pub format: Format,
    pub status: u16,
    pub content_type: String,
    /// The body as received, at most [`EXCHANGE_BODY_BYTES`] of it.
    pub body: String,
    /// The error `Code`, if the answer was an error with one.
    pub code: Option<String>,
    /// The key pair and nonce the call was signed with: together they name the call.
    pub access_key_id: String,
    pub nonce: String,
    /// The call prepared the scenario's state rather than being what it checks.
    pub setup: bool,
}

/// How much of an answer's body a report keeps.
pub const EXCHANGE_BODY_BYTES: usize = 64 * 1024;

/// `s` cut to at most `max` bytes, on a character boundary, marked when cut.
fn capped(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… [{} more bytes]", &s[..end], s.len() - end)
}

/// What every scenario of a run shares.
#[derive(Debug)]
pub(crate) struct Context {
    /// The run's client: the target, with the run's own credentials.
    client: Client,
    /// How scenarios get their state.
    seam: Box<dyn Seam>,
    files: SuiteFiles,
    snapshot_mode: SnapshotMode,
    fail_on: Level,
    answers: Mutex<HashMap<String, Vec<AnswerSummary>>>,
    /// When each scenario last got an answer: to say after which one an endpoint stopped
    /// answering.
    answered_at: Mutex<HashMap<String, Instant>>,
    findings: Mutex<HashMap<String, Vec<Finding>>>,
    /// Scenarios that stopped short of a verdict, and why.
    stops: Mutex<HashMap<String, (Stop, Instant)>>,
    /// Scenarios whose outcome keeps them out of JUnit XML and Cucumber JSON.
    omitted: Mutex<std::collections::HashSet<String>>,
    /// Expectations the target cannot show, per scenario.
    not_checked: Mutex<HashMap<String, Vec<String>>>,
}

/// Why a scenario stopped short of a verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Stop {
    /// The target cannot run it (no way to state its world, throttled, a guard refused a call).
    NotRun(String),
    /// Its state could not be prepared; `no_answer`: the preparation got no answer at all.
    SetupFailed { reason: String, no_answer: bool },
    /// One of its own calls got no answer at all; `kind` groups the causes.
    NoAnswer { kind: String, reason: String },
}

fn scenario_key(feature: &str, scenario: &str) -> String {
    format!("{feature} / {scenario}")
}

impl Context {
    #[allow(clippy::too_many_arguments)]
    fn record(
        &self,
        feature: &str,
        scenario: &str,
        call: &Call,
        access_key_id: &str,
        nonce: &str,
        setup: bool,
        answer: &Answer,
    ) {
        let code = answer.code();
        self.answered_at
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(scenario_key(feature, scenario), Instant::now());
        self.answers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(scenario_key(feature, scenario))
            .or_default()
            .push(AnswerSummary {
                action: call.action.clone(),
                form: call.form,
                asked: call.format,
                params: call.params.clone(),
                format: answer.format(),
                status: answer.raw.status,
                content_type: answer.raw.content_type.clone(),
                body: capped(&answer.raw.body, EXCHANGE_BODY_BYTES),
                code,
                access_key_id: if call.tamper.omit.iter().any(|o| o == "AccessKeyId") {
                    String::new()
                } else {
                    call.tamper
                        .access_key_id
                        .clone()
                        .unwrap_or_else(|| access_key_id.to_owned())
                },
                nonce: if call.tamper.omit.iter().any(|o| o == "SignatureNonce") {
                    String::new()
                } else {
                    nonce.to_owned()
                },
                setup,
            });
    }

    fn record_findings(&self, feature: &str, scenario: &str, findings: Vec<Finding>) {
        self.findings
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(scenario_key(feature, scenario))
            .or_default()
            .extend(findings);
    }

    /// The first reason recorded wins: it is what stopped the scenario.
    fn mark_stop(&self, feature: &str, scenario: &str, stop: Stop) {
        self.stops
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(scenario_key(feature, scenario))
            .or_insert_with(|| (stop, Instant::now()));
    }

    /// Why the scenario stopped short of a verdict, if it did (kept: both the summary and the
    /// machine report writers ask).
    fn stop_of(&self, feature: &str, scenario: &str) -> Option<Stop> {
        self.stops
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&scenario_key(feature, scenario))
            .map(|(s, _)| s.clone())
    }

    fn mark_omitted(&self, feature: &str, scenario: &str) {
        self.omitted
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(scenario_key(feature, scenario));
    }

    fn is_omitted(&self, feature: &str, scenario: &str) -> bool {
        self.omitted
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains(&scenario_key(feature, scenario))
    }

    /// When the endpoint first gave no answer, the scenario that last got one before that.
    fn stopped_answering(&self) -> Option<StoppedAnswering> {
        let stops = self.stops.lock().unwrap_or_else(|p| p.into_inner());
        let first = stops
            .values()
            .filter(|(s, _)| {
                matches!(
                    s,
                    Stop::NoAnswer { .. }
                        | Stop::SetupFailed {
                            no_answer: true,
                            ..
                        }
                )
            })
            .map(|(_, at)| *at)
            .min()?;
        let answered = self.answered_at.lock().unwrap_or_else(|p| p.into_inner());
        let after = answered
            .iter()
            .filter(|(_, at)| **at <= first)
            .max_by_key(|(_, at)| **at)
            .map(|(key, _)| key.clone());
        Some(StoppedAnswering {
            after,
            answered_later: answered.values().any(|at| *at > first),
        })
    }

    fn mark_not_checked(&self, feature: &str, scenario: &str, expectation: &str) {
        self.not_checked
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(scenario_key(feature, scenario))
            .or_default()
            .push(expectation.to_owned());
    }

    fn take_not_checked(&self, feature: &str, scenario: &str) -> Vec<String> {
        self.not_checked
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&scenario_key(feature, scenario))
            .unwrap_or_default()
    }

    fn take_findings(&self, feature: &str, scenario: &str) -> Vec<Finding> {
        self.findings
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&scenario_key(feature, scenario))
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
}

/// The report of a run, with the answers each scenario received.
#[derive(Debug, Clone)]
pub struct RunOutput {
    pub meta: RunMeta,
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

/// The table of evidence (Markdown) for the suite's own features: `ecs-conformance evidence`.
pub fn evidence_markdown() -> String {
    evidence_table::markdown(&SuiteFiles::Embedded)
}

/// Every tag of the features, their rules and scenarios, sorted.
fn all_tags(features: &[gherkin::Feature]) -> Vec<String> {
    let mut tags = BTreeSet::new();
    for f in features {
        tags.extend(f.tags.iter().cloned());
        for r in &f.rules {
            tags.extend(r.tags.iter().cloned());
            tags.extend(r.scenarios.iter().flat_map(|s| s.tags.iter().cloned()));
        }
        tags.extend(f.scenarios.iter().flat_map(|s| s.tags.iter().cloned()));
    }
    tags.into_iter().map(|t| format!("@{t}")).collect()
}

/// The scenario selection of a run: formats and tags.
#[derive(Clone)]
struct Selection {
    formats: Vec<Format>,
    tags: Option<TagOperation>,
}

impl Selection {
    fn selects(
        &self,
        f: &gherkin::Feature,
        r: Option<&gherkin::Rule>,
        s: &gherkin::Scenario,
    ) -> bool {
        if scenario_format(s).is_some_and(|fmt| !self.formats.contains(&fmt)) {
            return false;
        }
        self.tags.as_ref().is_none_or(|op| {
            op.eval(
                f.tags
                    .iter()
                    .chain(r.iter().flat_map(|r| &r.tags))
                    .chain(&s.tags),
            )
        })
    }

    /// How many expanded scenarios of `features` this selects.
    fn count(&self, features: &[gherkin::Feature]) -> usize {
        features
            .iter()
            .filter_map(|f| f.clone().expand_examples().ok())
            .map(|f| {
                let plain = f
                    .scenarios
                    .iter()
                    .filter(|s| self.selects(&f, None, s))
                    .count();
                let ruled: usize = f
                    .rules
                    .iter()
                    .map(|r| {
                        r.scenarios
                            .iter()
                            .filter(|s| self.selects(&f, Some(r), s))
                            .count()
                    })
                    .sum();
                plain + ruled
            })
            .sum()
    }
}

/// How many scenarios `config` selects from its suite (formats and tags), whatever becomes of
/// them: what a run's results must number.
pub fn selected_scenarios(config: &SuiteConfig) -> Result<usize, String> {
    let features = config.files.features().map_err(|e| e.to_string())?;
    let tags = match &config.tags {
        Some(t) => Some(
            t.parse::<TagOperation>()
                .map_err(|e| format!("invalid tag expression {t:?}: {e}"))?,
        ),
        None => None,
    };
    let selection = Selection {
        formats: config.formats.clone(),
        tags,
    };
    Ok(selection.count(&features))
}

/// The preflight: one request that tells an unreachable endpoint (refused, DNS, TLS, timeout)
/// from a reachable one, and whether it speaks the control API (with which optional features).
async fn preflight(client: &Client, url: &str) -> Result<Option<Vec<String>>, RunError> {
    match client.control_api().await {
        Ok(control) => Ok(control.map(|d| d.features)),
        Err(ClientError::Http { source, .. }) => Err(RunError::Unreachable {
            endpoint: url.to_owned(),
            cause: unreachable_cause(&source),
        }),
        // The endpoint answered, only not as the control API does.
        Err(_) => Ok(None),
    }
}

fn unreachable_cause(e: &reqwest::Error) -> String {
    format!("{} ({})", no_answer_kind(e), crate::client::causes(e))
}

/// What kind of "no answer" `e` is: the key causes are grouped by.
fn no_answer_kind(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "no answer before the timeout"
    } else if e.is_connect() {
        "the connection failed"
    } else {
        "the request failed"
    }
}

type Sink = Box<dyn std::io::Write + Send>;

/// The files cucumber's JUnit and JSON writers write to: in `dir` when given, else nowhere.
fn machine_report_files(dir: Option<&std::path::Path>) -> Result<(Sink, Sink), RunError> {
    let Some(dir) = dir else {
        return Ok((Box::new(std::io::sink()), Box::new(std::io::sink())));
    };
    let create = |name: &str| -> Result<Sink, RunError> {
        let path = dir.join(name);
        let file = std::fs::File::create(&path)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
        Ok(Box::new(std::io::BufWriter::new(file)))
    };
    Ok((create("junit.xml")?, create("cucumber.json")?))
}

/// Runs the suite. Errors are about the run itself (a bad tag expression, an unreadable feature
/// directory, a selection that leaves nothing to run, an unreachable endpoint, an embedded mock
/// that cannot bind); scenario outcomes are in the report.
pub async fn run(config: SuiteConfig) -> Result<RunOutput, RunError> {
    let started = Instant::now();
    let started_at = time::OffsetDateTime::now_utc();
    let tags: Option<TagOperation> = match &config.tags {
        Some(t) => Some(
            t.parse()
                .map_err(|e| anyhow::anyhow!("invalid tag expression {t:?}: {e}"))?,
        ),
        None => None,
    };
    let texts = config.files.feature_texts().map_err(anyhow::Error::msg)?;
    let features = config.files.features().map_err(anyhow::Error::msg)?;
    let selection = Selection {
        formats: config.formats.clone(),
        tags,
    };
    if selection.count(&features) == 0 {
        let formats: Vec<String> = config.formats.iter().map(Format::to_string).collect();
        return Err(RunError::EmptySelection {
            selection: format!(
                "the tag expression {:?} with --format {}",
                config.tags.as_deref().unwrap_or(""),
                formats.join(",")
            ),
            tags: all_tags(&features),
        });
    }

    let mut embedded = None;
    let (client, control, url) = match &config.target {
        Target::Embedded => {
            let mock = MockServer::start().await.map_err(anyhow::Error::from)?;
            let credentials = Credentials::new(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET);
            let client = Client::new(mock.url(), credentials)
                .map_err(anyhow::Error::from)?
                .with_timeout(config.timeout)
                .with_max_body(config.max_body);
            embedded = Some(mock);
            let features = crate::protocol::FEATURES.iter().map(|f| (*f).to_owned());
            (
                client,
                Some(features.collect()),
                "the embedded mock".to_owned(),
            )
        }
        Target::Endpoint { url, credentials } => {
            let mut client = Client::new(url, credentials.clone())
                .map_err(anyhow::Error::from)?
                .with_timeout(config.timeout)
                .with_max_body(config.max_body);
            if let Some(pem) = &config.ca_cert {
                client = client.with_ca_cert(pem).map_err(anyhow::Error::from)?;
            }
            let control = preflight(&client, url).await?;
            (client, control, url.clone())
        }
    };
    let seam: Box<dyn Seam> = match (config.world, control) {
        (WorldMode::Auto | WorldMode::Control, Some(features)) => {
            Box::new(target::ControlApi::new(&url, features))
        }
        (WorldMode::Control, None) => {
            return Err(anyhow::anyhow!(
                "--world control: {url} does not offer the control API (docs/control-api.md); \
                 try --world discover"
            )
            .into());
        }
        (WorldMode::Auto | WorldMode::Discover, _) => {
            let found = discover::Discover::new(&client, config.discover.clone()).await;
            if config.progress
                && let Ok(found) = &found
            {
                for (i, (ni, nd, ns, other)) in found.found().into_iter().enumerate() {
                    let whose = if i == 0 {
                        "the run's account"
                    } else {
                        "a fixture account"
                    };
                    println!(
                        "discovered in {} ({whose}): {ni} instances, {nd} disks, {ns} snapshots \
                         tagged {TAG_KEY}={TAG_VALUE}; {other} other resources, never named",
                        config.discover.region
                    );
                }
            }
            match (config.world, found) {
                (WorldMode::Discover, found) => Box::new(found.map_err(anyhow::Error::msg)?),
                // Chosen for the user, not asked for: an endpoint that cannot list resources, or
                // holds none tagged, still runs its world-free scenarios.
                (_, Ok(found)) if found.has_tagged() => Box::new(found),
                (_, found) => Box::new(target::NoState {
                    reason: format!(
                        "needs a world: {url} does not offer the control API \
                         (docs/control-api.md), and {}",
                        match found {
                            Ok(_) => format!(
                                "no resource in {} is tagged {TAG_KEY}={TAG_VALUE} \
                                 (docs/discover.md)",
                                config.discover.region
                            ),
                            Err(e) => format!("listing its resources failed ({e})"),
                        }
                    ),
                }),
            }
        }
        (WorldMode::None, _) => Box::new(target::NoState {
            reason: "needs a world, and --world none runs only the scenarios that need none".into(),
        }),
    };
    let cannot_install = seam.cannot_install();
    let meta = RunMeta {
        started_at,
        target: match &config.target {
            Target::Embedded => "the embedded mock".into(),
            Target::Endpoint { url, .. } => url.clone(),
        },
        access_key_id: client.credentials().access_key_id.clone(),
        control_api: seam.name() == "control",
        world: seam.name().to_owned(),
        tags: config.tags.clone(),
        formats: config.formats.clone(),
        fingerprint: config.files.fingerprint().map_err(anyhow::Error::msg)?,
        container: None,
    };
    let (junit, json) = machine_report_files(config.machine_reports.as_deref())?;

    let suite_problems = coverage::problems(&features);
    let results = Arc::new(Mutex::new(Vec::new()));
    let ctx = Arc::new(Context {
        client,
        seam,
        files: config.files.clone(),
        snapshot_mode: config.snapshot_mode,
        fail_on: config.fail_on,
        answers: Mutex::new(HashMap::new()),
        answered_at: Mutex::new(HashMap::new()),
        findings: Mutex::new(HashMap::new()),
        stops: Mutex::new(HashMap::new()),
        omitted: Mutex::new(Default::default()),
        not_checked: Mutex::new(HashMap::new()),
    });

    let not_run = results.clone();
    let filter = move |f: &gherkin::Feature, r: Option<&gherkin::Rule>, s: &gherkin::Scenario| {
        if !selection.selects(f, r, s) {
            return false;
        }
        if let Some(reason) = cannot_install.as_ref().filter(|_| needs_world(f, r, s)) {
            not_run
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(ScenarioResult {
                    feature: f.name.clone(),
                    scenario: s.name.clone(),
                    outcome: Outcome::NotRun(reason.clone()),
                    findings: Vec::new(),
                    tags: s.tags.clone(),
                    duration: Duration::ZERO,
                    not_checked: Vec::new(),
                });
            return false;
        }
        true
    };

    let concurrency = config
        .concurrency
        .unwrap_or_else(|| default_concurrency(&config.target))
        .max(1);
    let before_ctx = ctx.clone();
    SuiteWorld::cucumber::<&str>()
        .with_parser(files::TextParser)
        .with_writer(
            summary::Collector::new(ctx.clone(), results.clone(), config.progress)
                .tee::<SuiteWorld, _>(summary::OmitNotRun::<SuiteWorld, _>::new(
                    ctx.clone(),
                    cucumber::writer::JUnit::raw(junit, 0),
                ))
                .tee::<SuiteWorld, _>(summary::OmitNotRun::<SuiteWorld, _>::new(
                    ctx.clone(),
                    cucumber::writer::Json::raw(json),
                ))
                .normalized(),
        )
        .fail_on_skipped()
        .max_concurrent_scenarios(concurrency)
        .before(move |feature, _, scenario, w| {
            w.ctx = Some(before_ctx.clone());
            w.feature = feature.name.clone();
            w.scenario = scenario.name.clone();
            w.chosen_only = scenario.tags.iter().any(|t| t == "chosen");
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
        .filter_run(texts, filter)
        .await;
    drop(embedded);

    let results = std::mem::take(&mut *results.lock().unwrap_or_else(|p| p.into_inner()));
    let answers = std::mem::take(&mut *ctx.answers.lock().unwrap_or_else(|p| p.into_inner()));
    // Said only when it left a scenario unjudged (a mismatch before the silence is a failure).
    let unanswered = results
        .iter()
        .any(|r: &ScenarioResult| r.outcome.for_want_of_an_answer());
    let stopped_answering = ctx.stopped_answering().filter(|_| unanswered);
    Ok(RunOutput {
        meta,
        report: Report {
            results,
            elapsed: started.elapsed(),
            fail_on: config.fail_on,
            suite_problems,
            stopped_answering,
        },
        answers,
    })
}
