//! How a run is configured: its target, how scenarios get their state, and the errors that stop a
//! run before it checks anything.

use std::time::Duration;

use super::discover::{Fixtures, Options as DiscoverOptions};
use super::files::SuiteFiles;
use super::recorded::SnapshotMode;
use super::waivers::Waivers;
use crate::client::Credentials;
use crate::contract::editions::{self, Edition};
use crate::evidence::Level;
use crate::format::Format;

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
        Target::Endpoint { url, .. } => crate::client::is_local_url(url),
    };
    if local { 64 } else { 4 }
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
    /// Where cucumber's own Cucumber JSON writer writes `cucumber.json`, when a report is asked
    /// for (the report's other files are written from the results).
    pub machine_reports: Option<std::path::PathBuf>,
    /// A private CA (PEM) to trust for an HTTPS endpoint.
    pub ca_cert: Option<Vec<u8>>,
    /// How scenarios get their state.
    pub world: WorldMode,
    /// With [`WorldMode::Discover`] (or `Auto` without a control API).
    pub discover: DiscoverOptions,
    /// Scenarios run at once (default [`default_concurrency`]).
    pub concurrency: Option<usize>,
    /// The edition of the contract whose verdict sets the exit status (every edition is judged).
    pub edition: &'static Edition,
    /// The edition the embedded mock serves; `None`: the gated one.
    pub mock_edition: Option<&'static Edition>,
    /// Known deviations excused for a while (`run --waivers`, `docs/waivers.md`).
    pub waivers: Waivers,
    /// The actions the target claims to implement (`run --actions`); `None`: every action. A
    /// scenario of another action is not run, and each such action is probed for ECS's
    /// unknown-action answer instead.
    pub actions: Option<std::collections::BTreeSet<String>>,
    /// Only the scenarios of these names (`feature / scenario`, as results name them), among
    /// those the tags and formats select; `None`: all of those. A rerun of chosen scenarios.
    pub scenarios: Option<std::collections::BTreeSet<String>>,
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
            edition: editions::latest(),
            mock_edition: None,
            discover: DiscoverOptions::default(),
            concurrency: None,
            waivers: Waivers::default(),
            actions: None,
            scenarios: None,
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
