//! The `ecs-conformance` command: `run` runs the conformance suite, `mock` serves the mock ECS
//! endpoint, `call` sends one signed call to any endpoint. This file holds the arguments and
//! dispatches; the commands' bodies are in `cli/`.

mod cli;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use cli::{CANNOT_CHECK, Fail};
use ecs_conformance::container;
use ecs_conformance::credentials;
use ecs_conformance::evidence::Level;
use ecs_conformance::report::{self, Results, diff};
use ecs_conformance::suite::{
    self, DiscoverOptions, RunError, SuiteConfig, SuiteFiles, Target, WorldMode,
};
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
    /// the suite it ran against this harness's own. Exit 0 when it holds, 1 with the first
    /// mismatch otherwise.
    Verify {
        /// The report directory.
        dir: PathBuf,
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
  0  every scenario that ran passed at the --fail-on level (scenarios not run, setup failures
     included, are listed with their reasons and never count as passed)
  1  a scenario failed at the --fail-on level (or a stronger one), or the endpoint stopped
     answering: a call, or the preparation of a scenario's state, got no answer at all
  2  nothing could be checked: bad arguments, a selection that leaves no scenario, an
     unreachable endpoint, no scenario able to run (every one not run or failed in setup, for
     example a control API that refuses every world), or a suite inconsistent with its
     catalogues";

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
    /// Seconds one call may take before its scenario fails.
    #[arg(long, default_value_t = 10)]
    timeout: u64,
    /// The evidence level up to which failures count: documented (the contract), observed (also
    /// what real ECS answers and official clients rely on), or chosen (also the mock's own
    /// choices). Default: observed against an endpoint, chosen against the embedded mock. Every
    /// level is evaluated and reported either way.
    #[arg(long, value_parser = parse_level)]
    fail_on: Option<Level>,
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
    /// After the summary, print what changed against a baseline run (a report directory or its
    /// results.json), judged at --fail-on; written into --report DIR too.
    #[arg(long, value_name = "DIR")]
    baseline: Option<PathBuf>,
}

fn parse_level(s: &str) -> Result<Level, String> {
    s.parse()
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
            Command::Run(args) => run(*args).await.map_err(Fail::from),
            Command::Call(args) => cli::call::exec(args).await,
            Command::Evidence => {
                print!("{}", suite::evidence_markdown());
                Ok(ExitCode::SUCCESS)
            }
            Command::Verify { dir } => cli::verify::exec(&dir),
            Command::ControlCheck { endpoint } => cli::control_check::exec(&endpoint).await,
            Command::Diff(args) => cli::diff::exec(args).await,
        }
    });
    result.unwrap_or_else(|fail| {
        eprintln!("{fail}");
        fail.exit_status()
    })
}

async fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let region_url = args
        .region
        .as_deref()
        .map(|r| format!("https://ecs.{r}.aliyuncs.com"));
    let embedded = args.endpoint.is_none() && args.image.is_none() && region_url.is_none();
    let ca_cert = match args.ca_cert.as_deref().map(std::fs::read).transpose() {
        Ok(pem) => pem,
        Err(e) => {
            eprintln!("error: cannot read the CA certificate: {}", e.kind());
            return Ok(ExitCode::from(CANNOT_CHECK));
        }
    };
    let mut container = None;
    let endpoint = match &args.image {
        Some(image) => {
            let mut target = container::ImageTarget::new(image);
            target.port = args.image_port;
            target.cmd = args.image_cmd.clone();
            target.ready_path = args.ready_path.clone();
            target.startup_timeout = std::time::Duration::from_secs(args.startup_timeout.max(1));
            for kv in &args.image_env {
                let Some((k, v)) = kv.split_once('=') else {
                    eprintln!("error: --image-env {kv:?} is not of the form K=V");
                    return Ok(ExitCode::from(CANNOT_CHECK));
                };
                target.env.push((k.to_owned(), v.to_owned()));
            }
            println!("starting the image {image}");
            // Interrupted while it starts: dropping the start removes what it created.
            let started = tokio::select! {
                r = container::start(&target) => r,
                _ = tokio::signal::ctrl_c() => {
                    eprintln!("interrupted: nothing was certified");
                    return Ok(ExitCode::from(130));
                }
            };
            match started {
                Ok(started) => {
                    println!(
                        "container {} serves {} (ready in {:.1} s)",
                        &started.info.container_id[..12.min(started.info.container_id.len())],
                        started.url,
                        started.info.startup.as_secs_f64()
                    );
                    let url = started.url.clone();
                    container = Some(started);
                    Some(url)
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    eprintln!("nothing was certified: no scenario was run");
                    return Ok(ExitCode::from(CANNOT_CHECK));
                }
            }
        }
        None => args.endpoint.clone().or(region_url),
    };
    let fixtures = match args.fixtures.as_deref().map(|p| {
        std::fs::read_to_string(p)
            .map_err(|e| format!("cannot read {}: {}", p.display(), e.kind()))
            .and_then(|t| {
                suite::Fixtures::parse(&t)
                    .map_err(|e| format!("{} is not a fixtures file: {e}", p.display()))
            })
    }) {
        Some(Err(e)) => {
            eprintln!("error: --fixtures: {e}");
            return Ok(ExitCode::from(CANNOT_CHECK));
        }
        Some(Ok(f)) => f,
        None => suite::Fixtures::default(),
    };
    let accounts = match fixtures.accounts(&|k| std::env::var(k).ok()) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: --fixtures: {e}");
            return Ok(ExitCode::from(CANNOT_CHECK));
        }
    };
    let target = match endpoint {
        None => {
            println!("target: the embedded mock");
            Target::Embedded
        }
        Some(url) => {
            let given = credentials::Given {
                access_key_id: args.access_key_id.clone(),
                access_key_secret: args.access_key_secret.clone(),
                access_key_secret_file: args.access_key_secret_file.clone(),
                security_token: args.security_token.clone(),
                profile: args.profile.clone(),
            };
            let home = std::env::var_os("HOME").map(PathBuf::from);
            let found =
                match credentials::choose(&given, &|k| std::env::var(k).ok(), home.as_deref()) {
                    Ok(found) => found,
                    Err(e) => {
                        eprintln!("error: {e}");
                        return Ok(ExitCode::from(CANNOT_CHECK));
                    }
                };
            println!(
                "target: {url} (access key {} from {})",
                found.credentials.access_key_id, found.source
            );
            Target::Endpoint {
                url,
                credentials: found.credentials,
            }
        }
    };
    let formats = match args.format.as_str() {
        "xml" => vec![Format::Xml],
        "json" => vec![Format::Json],
        _ => Format::BOTH.to_vec(),
    };
    let fail_on = args.fail_on.unwrap_or(if embedded {
        Level::Chosen
    } else {
        Level::Observed
    });
    println!("failures count at --fail-on {fail_on}; every level is evaluated");
    if let Some(Err(e)) = args.report.as_deref().map(prepare_report_dir) {
        eprintln!("error: {e}");
        return Ok(ExitCode::from(CANNOT_CHECK));
    }
    let baseline = match args.baseline.as_deref().map(report::load).transpose() {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: the baseline: {e}");
            return Ok(ExitCode::from(CANNOT_CHECK));
        }
    };
    let config = SuiteConfig {
        target,
        tags: args.tags,
        formats,
        timeout: std::time::Duration::from_secs(args.timeout.max(1)),
        max_body: args.max_body,
        fail_on,
        machine_reports: args.report.clone(),
        ca_cert,
        world: args.world,
        discover: DiscoverOptions {
            region: args.region.clone().unwrap_or_else(|| "cn-hangzhou".into()),
            fixtures,
            accounts,
            allow_destructive: args.allow_destructive,
            settle_timeout: std::time::Duration::from_secs(args.settle_timeout),
        },
        concurrency: args.concurrency,
        files: match &args.features {
            Some(dir) => SuiteFiles::directory(dir, args.recorded_answers.as_deref()),
            None => SuiteFiles::Embedded,
        },
        ..SuiteConfig::default()
    };
    // The run, unless interrupted: a container is removed either way.
    let outcome = tokio::select! {
        out = suite::run(config) => Some(out),
        _ = tokio::signal::ctrl_c() => None,
    };
    let (container_log, container_info) = match container {
        Some(started) => {
            let log = started.logs().await;
            let info = started.info.clone();
            if let Err(e) = started.remove().await {
                eprintln!("warning: {e}");
            }
            (Some(log), Some(info))
        }
        None => (None, None),
    };
    let Some(outcome) = outcome else {
        eprintln!("interrupted: nothing was certified");
        return Ok(ExitCode::from(130));
    };
    let mut out = match outcome {
        Ok(out) => out,
        Err(e) => {
            eprintln!("error: {e}");
            if matches!(e, RunError::Other(_)) {
                eprintln!("nothing was certified");
            } else {
                eprintln!("nothing was certified: no scenario was run");
            }
            return Ok(ExitCode::from(CANNOT_CHECK));
        }
    };
    out.meta.container = container_info;
    let report = &out.report;
    print!("{}", report.summary());
    let regression = match &baseline {
        Some(base) => {
            let d = diff::diff(base, &Results::of(&out), fail_on);
            println!("\n{}", d.markdown());
            Some(d)
        }
        None => None,
    };
    if let Some(dir) = &args.report {
        let started = std::time::Instant::now();
        if let Err(e) =
            ecs_conformance::report::write(dir, &out, regression.as_ref(), container_log.as_deref())
        {
            eprintln!("error: the report could not be written: {e}");
            return Ok(ExitCode::from(CANNOT_CHECK));
        }
        println!(
            "report: {} (written in {:.0} ms; check it with `ecs-conformance verify {}`)",
            dir.display(),
            started.elapsed().as_secs_f64() * 1e3,
            dir.display()
        );
    }
    let status = report.exit_status();
    if !report.suite_problems.is_empty() {
        eprintln!("error: the suite is inconsistent with its catalogues; nothing was certified");
    } else if status == CANNOT_CHECK {
        eprintln!(
            "error: no scenario ran ({} not run, {} of them for a failed setup; reasons above); \
             nothing was certified",
            report.not_run(),
            report.setup_failed()
        );
    } else if report.unanswered() > 0 {
        eprintln!(
            "error: the endpoint did not answer: {} scenarios were left unjudged",
            report.unanswered()
        );
    }
    Ok(ExitCode::from(status))
}

/// A report directory: created if absent, and empty of anything a report does not hold.
fn prepare_report_dir(dir: &std::path::Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let foreign = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| !report::is_report_file(n));
    if let Some(name) = foreign {
        return Err(format!(
            "{} holds {name}, which is not part of a report: give an empty or new directory",
            dir.display()
        ));
    }
    // A report written again into the same directory: nothing of the last one may linger.
    for name in report::report_files() {
        let _ = std::fs::remove_file(dir.join(name));
    }
    Ok(())
}
