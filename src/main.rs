//! The `ecs-conformance` command: `mock` serves the mock ECS endpoint, `call` sends one signed
//! call to any endpoint, `run` runs the conformance suite.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use ecs_conformance::{
    Call, Client, Credentials, DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Format,
    MockConfig, WireForm, World,
};

#[derive(Parser)]
#[command(
    version,
    about = "Conformance harness and reference mock for the Alibaba Cloud ECS API"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the mock ECS endpoint.
    Mock(MockArgs),
    /// Send one signed call and print the status, Content-Type and body.
    Call(CallArgs),
}

#[derive(clap::Args)]
struct MockArgs {
    /// Address to listen on (loopback by default).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Access key id of the starting world.
    #[arg(long, default_value = DEFAULT_ACCESS_KEY_ID)]
    access_key_id: String,
    /// Its secret.
    #[arg(long, default_value = DEFAULT_ACCESS_KEY_SECRET, hide_default_value = true)]
    access_key_secret: String,
    /// Start from this world file (JSON, the control API's world document) instead of the
    /// reference's sample resources.
    #[arg(long)]
    state: Option<PathBuf>,
    /// Turn the control API off.
    #[arg(long)]
    no_control: bool,
}

#[derive(clap::Args)]
struct CallArgs {
    /// The endpoint, e.g. http://127.0.0.1:8080.
    #[arg(long, env = "ECS_ENDPOINT", default_value = "http://127.0.0.1:8080")]
    endpoint: String,
    #[arg(long, env = "ALIBABA_CLOUD_ACCESS_KEY_ID", default_value = DEFAULT_ACCESS_KEY_ID)]
    access_key_id: String,
    #[arg(
        long,
        env = "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
        default_value = DEFAULT_ACCESS_KEY_SECRET,
        hide_default_value = true,
        hide_env_values = true
    )]
    access_key_secret: String,
    /// Wire form: v1-get, v1-post-query, v1-post-form or v3.
    #[arg(long, default_value = "v1-get", value_parser = parse_form)]
    form: WireForm,
    /// Response format (xml or json); omitted, the endpoint's default applies.
    #[arg(long)]
    format: Option<Format>,
    /// The action, e.g. ResetDisk.
    action: String,
    /// Parameters as Name=Value.
    params: Vec<String>,
}

fn parse_form(s: &str) -> Result<WireForm, String> {
    match s {
        "v1-get" => Ok(WireForm::V1Get),
        "v1-post-query" => Ok(WireForm::V1PostQuery),
        "v1-post-form" => Ok(WireForm::V1PostForm),
        "v3" => Ok(WireForm::V3),
        _ => Err(format!(
            "unknown wire form {s:?}: expected v1-get, v1-post-query, v1-post-form or v3"
        )),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Mock(args) => mock(args).await.map(|()| ExitCode::SUCCESS),
            Command::Call(args) => call(args).await,
        }
    });
    result.unwrap_or_else(|e| {
        eprintln!("error: {e:#}");
        ExitCode::FAILURE
    })
}

async fn mock(args: MockArgs) -> anyhow::Result<()> {
    let world = match &args.state {
        Some(path) => {
            let bytes = std::fs::read(path)
                .with_context(|| format!("cannot read the state file {}", path.display()))?;
            World::from_json(&bytes).with_context(|| {
                format!("the state file {} is not a valid world", path.display())
            })?
        }
        None => World::sample(),
    };
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let addr = listener.local_addr()?;
    if args.access_key_secret.is_empty() {
        bail!("--access-key-secret must not be empty");
    }
    println!("ecs-conformance mock listening on http://{addr}");
    println!(
        "control API: {}",
        if args.no_control {
            "off".to_owned()
        } else {
            format!("http://{addr}{}", ecs_conformance::CONTROL_PREFIX)
        }
    );
    let creds = if args.access_key_id == DEFAULT_ACCESS_KEY_ID
        && args.access_key_secret == DEFAULT_ACCESS_KEY_SECRET
    {
        String::new()
    } else {
        format!(
            " --access-key-id {} --access-key-secret <your secret>",
            args.access_key_id
        )
    };
    println!(
        "try: cargo run --release -- call --endpoint http://{addr}{creds} ResetDisk DiskId=d-diskid1 SnapshotId=s-snapshotid1"
    );
    let config = MockConfig {
        access_key_id: args.access_key_id,
        access_key_secret: args.access_key_secret,
        world,
        control: !args.no_control,
        log: true,
    };
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    ecs_conformance::serve(listener, config, shutdown)
        .await
        .context("the server stopped")
}

async fn call(args: CallArgs) -> anyhow::Result<ExitCode> {
    let credentials = Credentials::new(args.access_key_id, args.access_key_secret);
    let client = Client::new(&args.endpoint, credentials)?;
    let mut call = Call::new(&args.action, args.form, args.format);
    for p in &args.params {
        let Some((name, value)) = p.split_once('=') else {
            bail!("parameter {p:?} is not of the form Name=Value");
        };
        call = call.param(name, value);
    }
    let response = client.send(&call).await?;
    println!("HTTP {} ({})", response.status, response.content_type);
    println!("{}", response.body);
    Ok(if (200..300).contains(&response.status) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
