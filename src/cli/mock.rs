//! `mock`: the mock ECS endpoint, standalone, until SIGINT or SIGTERM.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use ecs_conformance::contract::editions::Edition;
use ecs_conformance::{
    DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, MockConfig, World, credentials,
};

use super::args::parse_edition;
use super::fail::Fail;

#[derive(clap::Args)]
pub struct MockArgs {
    /// Address to listen on (loopback by default).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Access key id of the starting world.
    #[arg(long, default_value = DEFAULT_ACCESS_KEY_ID)]
    pub access_key_id: String,
    /// Its secret. Prefer ECS_CONFORMANCE_ACCESS_KEY_SECRET or --access-key-secret-file: other
    /// local users can read a command line.
    #[arg(
        long,
        env = "ECS_CONFORMANCE_ACCESS_KEY_SECRET",
        default_value = DEFAULT_ACCESS_KEY_SECRET,
        hide_default_value = true,
        hide_env_values = true
    )]
    pub access_key_secret: String,
    /// Read the secret from this file (its first line).
    #[arg(long, value_name = "FILE", conflicts_with = "access_key_secret")]
    pub access_key_secret_file: Option<PathBuf>,
    /// Serve HTTPS with this certificate chain (PEM); needs --tls-key.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The certificate's private key (PEM).
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Make the starting key pair a temporary (STS) one: calls must carry this token.
    #[arg(long, env = "ECS_CONFORMANCE_SECURITY_TOKEN", hide_env_values = true)]
    pub security_token: Option<String>,
    /// Start from this world file (JSON, the control API's world document) instead of the
    /// reference's sample resources.
    #[arg(long)]
    pub state: Option<PathBuf>,
    /// The edition of the contract to serve: a date from `ecs-conformance editions`, or
    /// `latest` (docs/editions.md).
    #[arg(long, default_value = "latest", value_parser = parse_edition, value_name = "NAME")]
    pub edition: &'static Edition,
    /// Turn the control API off.
    #[arg(long)]
    pub no_control: bool,
}

pub async fn exec(args: MockArgs) -> Result<ExitCode, Fail> {
    serve(args).await?;
    Ok(ExitCode::SUCCESS)
}

/// Serves until a signal; an error (exit status 1) when the mock cannot start or stops.
async fn serve(args: MockArgs) -> anyhow::Result<()> {
    let edition = args.edition;
    let world = match &args.state {
        Some(path) => {
            let bytes = std::fs::read(path)
                .with_context(|| format!("cannot read the state file {}", path.display()))?;
            World::from_json(&bytes)
                .and_then(|w| w.check_edition(edition).map(|()| w))
                .with_context(|| {
                    format!("the state file {} is not a valid world", path.display())
                })?
        }
        None => World::sample(),
    };
    let secret = match &args.access_key_secret_file {
        Some(path) => credentials::read_secret_file(path).map_err(anyhow::Error::msg)?,
        None => args.access_key_secret.clone(),
    };
    if secret.is_empty() {
        bail!("the access key secret must not be empty");
    }
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(ecs_conformance::TlsPem {
            cert_chain: std::fs::read(cert)
                .with_context(|| format!("cannot read {}", cert.display()))?,
            key: std::fs::read(key).with_context(|| format!("cannot read {}", key.display()))?,
        }),
        _ => None,
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let addr = listener.local_addr()?;
    let control = if args.no_control {
        "off".to_owned()
    } else {
        format!("{scheme}://{addr}{}", ecs_conformance::CONTROL_PREFIX)
    };
    let creds =
        if args.access_key_id == DEFAULT_ACCESS_KEY_ID && secret == DEFAULT_ACCESS_KEY_SECRET {
            String::new()
        } else {
            format!(
                " --access-key-id {} --access-key-secret <your secret>",
                args.access_key_id
            )
        };
    // An example that names resources of the world actually served.
    let (disk, snapshot) = world
        .snapshots
        .iter()
        .find(|s| world.disk(&s.source_disk_id).is_some())
        .map_or(("d-diskid1", "s-snapshotid1"), |s| {
            (s.source_disk_id.as_str(), s.snapshot_id.as_str())
        });
    // Written once, and a stdout nobody reads (a closed pipe, `| head -1`) is no reason to stop
    // serving: `println!` would panic.
    {
        use std::io::Write as _;
        let _ = write!(
            std::io::stdout().lock(),
            "ecs-conformance mock listening on {scheme}://{addr}\n\
             control API: {control}\n\
             edition of the contract: {}\n\
             try: cargo run -- call --endpoint {scheme}://{addr}{creds} ResetDisk DiskId={disk} SnapshotId={snapshot}\n",
            edition.label()
        );
        let _ = std::io::stdout().flush();
    }
    let config = MockConfig {
        access_key_id: args.access_key_id,
        access_key_secret: secret,
        security_token: args.security_token.clone(),
        tls,
        world,
        control: !args.no_control,
        log: true,
        edition,
        ..MockConfig::default()
    };
    // SIGINT (Ctrl-C) or SIGTERM: stop accepting, let requests in flight finish, exit.
    let shutdown = async {
        let mut term =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
        let terminate = async {
            match term.as_mut() {
                Some(t) => {
                    t.recv().await;
                }
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            () = terminate => {}
        }
        let _ = std::io::Write::write_all(
            &mut std::io::stderr(),
            b"ecs-conformance mock: shutting down\n",
        );
    };
    ecs_conformance::serve(listener, config, shutdown)
        .await
        .context("the server stopped")
}
