//! Reaching the target and choosing how scenarios get their state: the embedded mock or an
//! endpoint (with the preflight that tells an unreachable endpoint apart), then the control API,
//! existing resources, or no state at all — with the words that say why when it is chosen for the
//! user.

use super::config::{RunError, SuiteConfig, Target, WorldMode};
use super::discover::{self, TAG_KEY, TAG_VALUE};
use super::target::{self, Seam};
use crate::client::{Client, ClientError, Credentials, Pulse};
use crate::mock::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, MockConfig, MockServer};

/// A reached target: the run's client, the control API's optional features when it offers one,
/// its URL for messages, and the embedded mock when the run started one.
pub(super) struct Connected {
    pub client: Client,
    pub control: Option<Vec<String>>,
    pub url: String,
    /// Kept until the run ends: dropping it stops the mock.
    pub _embedded: Option<MockServer>,
}

/// Starts the embedded mock, or reaches the endpoint and asks whether it offers the control API.
pub(super) async fn connect(config: &SuiteConfig) -> Result<Connected, RunError> {
    let mut embedded = None;
    let (client, control, url) = match &config.target {
        Target::Embedded => {
            let mock = MockServer::start_with(MockConfig {
                edition: config.mock_edition.unwrap_or(config.edition),
                ..MockConfig::default()
            })
            .await
            .map_err(anyhow::Error::from)?;
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
    // From here on, a call that times out while the runner itself stalls is the harness's
    // stall, not the endpoint's silence (client/pulse.rs); every client of the run derives
    // from this one, and the pulse beats while any of them lives.
    let client = client.with_pulse(Pulse::start());
    Ok(Connected {
        client,
        control,
        url,
        _embedded: embedded,
    })
}

/// How scenarios get their state on `target`, by `--world` and what the target offers.
pub(super) async fn seam(
    config: &SuiteConfig,
    target: &Connected,
) -> Result<Box<dyn Seam>, RunError> {
    let Connected {
        client,
        control,
        url,
        ..
    } = target;
    let seam: Box<dyn Seam> = match (config.world, control.clone()) {
        (WorldMode::Auto | WorldMode::Control, Some(features)) => {
            Box::new(target::ControlApi::new(url, features))
        }
        (WorldMode::Control, None) => {
            return Err(anyhow::anyhow!(
                "--world control: {url} does not offer the control API (docs/control-api.md); \
                 try --world discover"
            )
            .into());
        }
        (WorldMode::Auto | WorldMode::Discover, _) => {
            let found = discover::Discover::new(client, config.discover.clone()).await;
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
    Ok(seam)
}

/// The preflight: one request that tells an unreachable endpoint (refused, DNS, TLS, timeout)
/// from a reachable one, and whether it speaks the control API (with which optional features).
async fn preflight(client: &Client, url: &str) -> Result<Option<Vec<String>>, RunError> {
    match client.control_api().await {
        Ok(control) => Ok(control.map(|d| d.features)),
        Err(ClientError::Http { source, .. }) => Err(RunError::Unreachable {
            endpoint: url.to_owned(),
            cause: crate::client::unreachable_cause(&source),
        }),
        // The endpoint answered, only not as the control API does.
        Err(_) => Ok(None),
    }
}

type Sink = Box<dyn std::io::Write + Send>;

/// The file cucumber's Cucumber JSON writer writes to: `cucumber.json` in `dir` when given, else
/// nowhere. (`junit.xml` is the report's, written from the results.)
pub(super) fn cucumber_json_file(dir: Option<&std::path::Path>) -> Result<Sink, RunError> {
    let Some(dir) = dir else {
        return Ok(Box::new(std::io::sink()));
    };
    let path = dir.join("cucumber.json");
    let file = std::fs::File::create(&path)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
    Ok(Box::new(std::io::BufWriter::new(file)))
}
