//! The `ecs-conformance` command: `run` runs the conformance suite, `mock` serves the mock ECS
//! endpoint, `call` sends one signed call to any endpoint. This file holds the arguments and
//! dispatches; the commands' bodies are in `cli/`.

mod cli;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use ecs_conformance::contract::editions::Edition;
use ecs_conformance::evidence::Level;
use ecs_conformance::suite::{self, WorldMode};
use ecs_conformance::{
    DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, DEFAULT_MAX_BODY, Format, WireForm,
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
    /// Run the conformance suite (against the embedded mock unless --endpoint is given).
    #[command(after_help = EXIT_STATUSES)]
    Run(Box<RunArgs>),
    /// Send one signed call and print the status, Content-Type and body.
    Call(CallArgs),
    /// Print every expectation the suite checks, with its evidence level and source (Markdown;
    /// docs/evidence.md is this output).
    Evidence,
    /// Compare two runs: what newly fails or passes, what is newly (not) run, what fails for
    /// another reason, and which answers changed though both pass. Markdown on stdout.
    #[command(after_help = DIFF_EXIT_STATUSES)]
    Diff(DiffArgs),
    /// Check an endpoint's control API alone (docs/control-api.md): describe, put, get, replace,
    /// faults, reset, the error shape, isolation between key pairs, delete. Exit 0 when every
    /// check passes, 1 naming the failing ones, 2 when there is no control API to check.
    ControlCheck {
        /// The endpoint whose control API to check, e.g. http://127.0.0.1:8080.
        #[arg(long, env = "ECS_ENDPOINT")]
        endpoint: String,
    },
    /// Check a report directory written by `run --report`: every file against its manifest, and
    /// the suite it ran against this harness's own; with `--rejudge`, every verdict against the
    /// answers it records. Exit 0 when it holds, 1 with the first mismatch otherwise.
    Verify {
        /// The report directory.
        dir: PathBuf,
        /// Also judge every scenario again from the exchanges results.json records, offline, with
        /// this harness's suite: exit 1 naming the first whose recorded verdict does not follow.
        #[arg(long)]
        rejudge: bool,
    },
    /// List the editions of the contract, one per line starting with its name (docs/editions.md);
    /// `editions diff A B` prints what changed from A to B and the scenarios judged in only one.
    Editions {
        #[command(subcommand)]
        command: Option<cli::editions::Command>,
    },
    /// Alibaba Cloud's API metadata for ECS 2014-05-26, the contract's second source
    /// (docs/editions.md): `metadata extract FILE --snapshot DATE` cuts the compiled-in extract.
    #[command(subcommand)]
    Metadata(cli::metadata::Command),
    /// Keep a waivers file (`run --waivers`, docs/waivers.md).
    #[command(subcommand)]
    Waivers(WaiversCommand),
}

#[derive(Subcommand)]
enum WaiversCommand {
    /// Move to DATE the expiry of each waiver whose deviation the report shows, and only theirs;
    /// the file is rewritten with every other byte as it was. Exit 0 (it says what it did), 2
    /// when the file, the report or DATE is refused.
    Renew {
        /// The waivers file.
        file: PathBuf,
        /// The report (its directory, or its results.json) that shows which deviations remain.
        #[arg(long, value_name = "REPORT")]
        from: PathBuf,
        /// The new expiry, YYYY-MM-DD: not before today, at most a year after it.
        #[arg(long, value_name = "DATE")]
        until: String,
    },
}

const DIFF_EXIT_STATUSES: &str = "Exit status:
  0  no scenario newly fails at the --fail-on level (nor, with --fail-on-change, changed)
  1  a scenario newly fails at that level (or, with --fail-on-change, an answer changed)
  2  nothing could be compared: unreadable results, bad arguments, an unreachable endpoint";

#[derive(clap::Args)]
struct DiffArgs {
    /// BASE and NEW: report directories or results.json files (or give two --endpoint).
    #[arg(value_name = "BASE NEW")]
    runs: Vec<PathBuf>,
    /// Instead of two results: run the suite against each of two endpoints now and compare
    /// them (staging against production, say). Same credentials for both.
    #[arg(long = "endpoint", value_name = "URL")]
    endpoints: Vec<String>,
    #[arg(long, env = "ALIBABA_CLOUD_ACCESS_KEY_ID")]
    access_key_id: Option<String>,
    #[arg(long, env = "ALIBABA_CLOUD_ACCESS_KEY_SECRET", hide_env_values = true)]
    access_key_secret: Option<String>,
    /// The level at which a scenario counts as failing (default observed).
    #[arg(long, value_parser = parse_level, default_value = "observed")]
    fail_on: Level,
    /// Also exit 1 when an answer changed although both runs pass.
    #[arg(long)]
    fail_on_change: bool,
    /// Also write diff.json, diff.md and diff.html into DIR.
    #[arg(long, value_name = "DIR")]
    report: Option<PathBuf>,
    /// Seconds one call may take (with --endpoint).
    #[arg(long, default_value_t = 10)]
    timeout: u64,
}

const EXIT_STATUSES: &str = "Exit status:
  0  every scenario of the --edition gated on that ran passed at the --fail-on level (or was
     waived); scenarios not run, setup failures and calls the harness itself stalled through
     included, are listed with their reasons and never count as passed, and those of other
     editions only set those editions' verdicts
  1  a scenario of that edition failed at the --fail-on level (or a stronger one), or the
     endpoint stopped answering: a call, or the preparation of a scenario's state, got no
     answer at all, or a waiver is stale (its scenario ran, and its deviation is gone: remove it)
  2  nothing could be checked: bad arguments, a refused --waivers file, a selection that
     leaves no scenario, an unreachable endpoint, no scenario able to run (every one not run
     or failed in setup, for example a control API that refuses every world), or a suite
     inconsistent with its catalogues";

#[derive(clap::Args)]
struct RunArgs {
    /// The endpoint to certify, e.g. http://127.0.0.1:8080; omitted, the embedded mock.
    #[arg(long, env = "ECS_ENDPOINT")]
    endpoint: Option<String>,
    /// Certify Alibaba Cloud's own endpoint of this region: https://ecs.REGION.aliyuncs.com.
    /// With --endpoint, only the region resources are discovered in (default cn-hangzhou).
    #[arg(long, value_name = "REGION")]
    region: Option<String>,
    /// How scenarios get their state: control (the control API; the default when the endpoint
    /// offers it), discover (existing resources tagged ecs-conformance=disposable; the default
    /// otherwise), none (only the scenarios that need no state).
    #[arg(long, value_name = "MODE", value_parser = parse_world, default_value = "auto", hide_default_value = true)]
    world: WorldMode,
    /// With discover: let scenarios name (and so possibly reset) the disposable disks they are
    /// bound to. Without it, such scenarios are not run.
    #[arg(long)]
    allow_destructive: bool,
    /// With discover: what discovery cannot find (TOML: released_disk_ids, and accounts in each
    /// account condition named by environment variables; docs/discover.md).
    #[arg(long, value_name = "FILE")]
    fixtures: Option<PathBuf>,
    /// With discover: seconds to wait, after a scenario that named a disposable disk, for its
    /// resources to be back in their discovered state.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    settle_timeout: u64,
    /// Scenarios run at once (default 64 against this machine, 4 against a remote endpoint).
    #[arg(long, value_name = "N")]
    concurrency: Option<usize>,
    /// Trust this CA certificate (PEM) for an HTTPS endpoint, besides the system's roots.
    #[arg(long, value_name = "FILE")]
    ca_cert: Option<PathBuf>,
    /// Access key id for --endpoint (default: the mock's, testid).
    #[arg(long, env = "ALIBABA_CLOUD_ACCESS_KEY_ID")]
    access_key_id: Option<String>,
    /// Its secret.
    #[arg(long, env = "ALIBABA_CLOUD_ACCESS_KEY_SECRET", hide_env_values = true)]
    access_key_secret: Option<String>,
    /// Read the secret from this file (its first line) instead.
    #[arg(long, value_name = "FILE", conflicts_with = "access_key_secret")]
    access_key_secret_file: Option<PathBuf>,
    /// An STS token for a temporary key pair (signed as SecurityToken in V1, x-acs-security-token
    /// in V3).
    #[arg(long, env = "ALIBABA_CLOUD_SECURITY_TOKEN", hide_env_values = true)]
    security_token: Option<String>,
    /// Take the credentials from this profile of the Alibaba Cloud CLI's ~/.aliyun/config.json
    /// (modes AK, StsToken) or the SDKs' ~/.alibabacloud/credentials (docs/credentials.md).
    /// Without it and without ALIBABA_CLOUD_ACCESS_KEY_*, the same chain picks the current
    /// profile.
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    /// Only scenarios matching this tag expression, e.g. "@errors and not @internal".
    #[arg(long)]
    tags: Option<String>,
    /// Which formats' scenarios to run.
    #[arg(long, default_value = "both", value_parser = ["xml", "json", "both"])]
    format: String,
    /// Seconds one call may take: without an answer by then it is "no answer" (the run fails for
    /// it), unless the harness itself stalled meanwhile (its scenario is then not run).
    #[arg(long, default_value_t = 10)]
    timeout: u64,
    /// The evidence level up to which failures count: documented (the contract), observed (also
    /// what real ECS answers and official clients rely on), or chosen (also the mock's own
    /// choices). Default: observed against an endpoint, chosen against the embedded mock. Every
    /// level is evaluated and reported either way.
    #[arg(long, value_parser = parse_level)]
    fail_on: Option<Level>,
    /// The edition of the contract whose verdict sets the exit status: a date from
    /// `ecs-conformance editions`, or latest. Every edition is judged and reported either way;
    /// the embedded mock serves this edition.
    #[arg(long, default_value = "latest", value_parser = parse_edition, value_name = "NAME")]
    edition: &'static Edition,
    /// The edition the embedded mock serves, when it is not the one gated on (to see how an
    /// endpoint of one edition fares against another).
    #[arg(long, value_parser = parse_edition, value_name = "NAME")]
    mock_edition: Option<&'static Edition>,
    /// The largest answer read, in bytes; a larger one fails its scenario at once.
    #[arg(long, default_value_t = DEFAULT_MAX_BODY)]
    max_body: usize,
    /// Run the feature files in DIR (edited copies) instead of the suite compiled into this
    /// binary. Catalogues stay the compiled ones.
    #[arg(long, value_name = "DIR")]
    features: Option<PathBuf>,
    /// With --features: the recorded answers' directory (default: DIR/../snapshots).
    #[arg(long, value_name = "DIR", requires = "features")]
    recorded_answers: Option<PathBuf>,
    /// Write a certification report into DIR (created if absent; it must hold no other file):
    /// junit.xml, cucumber.json, results.json, report.md, report.html and manifest.json.
    #[arg(long, value_name = "DIR")]
    report: Option<PathBuf>,
    /// Start this image (NAME or NAME:TAG, built or pulled beforehand: it is never pulled)
    /// on the local container engine (DOCKER_HOST), run the suite against it, and remove it
    /// afterwards, also when the run fails or is interrupted.
    #[arg(long, value_name = "NAME[:TAG]", conflicts_with = "endpoint")]
    image: Option<String>,
    /// The port the image's endpoint listens on inside the container.
    #[arg(long, value_name = "PORT", default_value_t = 8080, requires = "image")]
    image_port: u16,
    /// An environment variable for the container, K=V (repeatable).
    #[arg(long, value_name = "K=V", requires = "image")]
    image_env: Vec<String>,
    /// The container's command (its entrypoint's arguments), replacing the image's.
    #[arg(long, value_name = "ARG", num_args = 1.., allow_hyphen_values = true, requires = "image")]
    image_cmd: Vec<String>,
    /// A path that answers below 500 once the endpoint is ready (default: any answer at the
    /// control API's path, /ecs-conformance/v1).
    #[arg(long, value_name = "PATH", requires = "image")]
    ready_path: Option<String>,
    /// Seconds the container may take to start and become ready.
    #[arg(long, value_name = "SECONDS", default_value_t = 60, requires = "image")]
    startup_timeout: u64,
    /// Known deviations excused until a date (TOML; docs/waivers.md): a scenario that fails only
    /// as waivers expect is counted waived, not failed; a waiver whose deviation is gone fails
    /// the run.
    #[arg(long, value_name = "FILE")]
    waivers: Option<PathBuf>,
    /// After the summary, print what changed against a baseline run (a report directory or its
    /// results.json), judged at --fail-on; written into --report DIR too.
    #[arg(long, value_name = "DIR")]
    baseline: Option<PathBuf>,
}

fn parse_level(s: &str) -> Result<Level, String> {
    s.parse()
}

fn parse_edition(s: &str) -> Result<&'static Edition, String> {
    ecs_conformance::contract::editions::named(s)
}

fn parse_world(s: &str) -> Result<WorldMode, String> {
    s.parse()
}

#[derive(clap::Args)]
struct MockArgs {
    /// Address to listen on (loopback by default).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Access key id of the starting world.
    #[arg(long, default_value = DEFAULT_ACCESS_KEY_ID)]
    access_key_id: String,
    /// Its secret. Prefer ECS_CONFORMANCE_ACCESS_KEY_SECRET or --access-key-secret-file: other
    /// local users can read a command line.
    #[arg(
        long,
        env = "ECS_CONFORMANCE_ACCESS_KEY_SECRET",
        default_value = DEFAULT_ACCESS_KEY_SECRET,
        hide_default_value = true,
        hide_env_values = true
    )]
    access_key_secret: String,
    /// Read the secret from this file (its first line).
    #[arg(long, value_name = "FILE", conflicts_with = "access_key_secret")]
    access_key_secret_file: Option<PathBuf>,
    /// Serve HTTPS with this certificate chain (PEM); needs --tls-key.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The certificate's private key (PEM).
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Make the starting key pair a temporary (STS) one: calls must carry this token.
    #[arg(long, env = "ECS_CONFORMANCE_SECURITY_TOKEN", hide_env_values = true)]
    security_token: Option<String>,
    /// Start from this world file (JSON, the control API's world document) instead of the
    /// reference's sample resources.
    #[arg(long)]
    state: Option<PathBuf>,
    /// The edition of the contract to serve: a date from `ecs-conformance editions`, or
    /// `latest` (docs/editions.md).
    #[arg(long, default_value = "latest", value_parser = parse_edition, value_name = "NAME")]
    edition: &'static Edition,
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
            Command::Mock(args) => cli::mock::exec(args).await,
            Command::Run(args) => cli::run::exec(*args).await,
            Command::Call(args) => cli::call::exec(args).await,
            Command::Evidence => {
                print!("{}", suite::evidence_markdown());
                Ok(ExitCode::SUCCESS)
            }
            Command::Verify { dir, rejudge } => cli::verify::exec(&dir, rejudge),
            Command::ControlCheck { endpoint } => cli::control_check::exec(&endpoint).await,
            Command::Diff(args) => cli::diff::exec(args).await,
            Command::Editions { command } => cli::editions::exec(command),
            Command::Metadata(command) => cli::metadata::exec(command),
            Command::Waivers(WaiversCommand::Renew { file, from, until }) => {
                cli::waivers::renew(&file, &from, &until)
            }
        }
    });
    result.unwrap_or_else(|fail| {
        eprintln!("{fail}");
        fail.exit_status()
    })
}
