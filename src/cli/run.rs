//! `run`: the conformance suite against one target, as a pipeline of stages. Each stage prints
//! what it decided and ends the run with a [`Fail`] when it cannot go on; a container started for
//! the run is removed on every path (by [`teardown`], or by dropping it on an early exit).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use ecs_conformance::container::{self, ContainerInfo, Started};
use ecs_conformance::contract::editions::Edition;
use ecs_conformance::credentials;
use ecs_conformance::evidence::Level;
use ecs_conformance::report::{self, diff};
use ecs_conformance::results::{self, Results};
use ecs_conformance::suite::{
    self, DiscoverOptions, Fixtures, RunError, RunOutput, SuiteConfig, SuiteFiles, Target,
    WorldMode,
};
use ecs_conformance::{DEFAULT_MAX_BODY, Format};

use super::args::{parse_edition, parse_level, parse_world};
use super::fail::{CANNOT_CHECK, Fail};

pub const EXIT_STATUSES: &str = "Exit status:
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
pub struct RunArgs {
    /// The endpoint to certify, e.g. http://127.0.0.1:8080; omitted, the embedded mock.
    #[arg(long, env = "ECS_ENDPOINT")]
    pub endpoint: Option<String>,
    /// Certify Alibaba Cloud's own endpoint of this region: https://ecs.REGION.aliyuncs.com.
    /// With --endpoint, only the region resources are discovered in (default cn-hangzhou).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// How scenarios get their state: control (the control API; the default when the endpoint
    /// offers it), discover (existing resources tagged ecs-conformance=disposable; the default
    /// otherwise), none (only the scenarios that need no state).
    #[arg(long, value_name = "MODE", value_parser = parse_world, default_value = "auto", hide_default_value = true)]
    pub world: WorldMode,
    /// With discover: let scenarios name (and so possibly reset) the disposable disks they are
    /// bound to. Without it, such scenarios are not run.
    #[arg(long)]
    pub allow_destructive: bool,
    /// With discover: what discovery cannot find (TOML: released_disk_ids, and accounts in each
    /// account condition named by environment variables; docs/discover.md).
    #[arg(long, value_name = "FILE")]
    pub fixtures: Option<PathBuf>,
    /// With discover: seconds to wait, after a scenario that named a disposable disk, for its
    /// resources to be back in their discovered state.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub settle_timeout: u64,
    /// Scenarios run at once (default 64 against this machine, 4 against a remote endpoint).
    #[arg(long, value_name = "N")]
    pub concurrency: Option<usize>,
    /// Trust this CA certificate (PEM) for an HTTPS endpoint, besides the system's roots.
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
    /// Access key id for --endpoint (default: the mock's, testid).
    #[arg(long, env = "ALIBABA_CLOUD_ACCESS_KEY_ID")]
    pub access_key_id: Option<String>,
    /// Its secret.
    #[arg(long, env = "ALIBABA_CLOUD_ACCESS_KEY_SECRET", hide_env_values = true)]
    pub access_key_secret: Option<String>,
    /// Read the secret from this file (its first line) instead.
    #[arg(long, value_name = "FILE", conflicts_with = "access_key_secret")]
    pub access_key_secret_file: Option<PathBuf>,
    /// An STS token for a temporary key pair (signed as SecurityToken in V1, x-acs-security-token
    /// in V3).
    #[arg(long, env = "ALIBABA_CLOUD_SECURITY_TOKEN", hide_env_values = true)]
    pub security_token: Option<String>,
    /// Take the credentials from this profile of the Alibaba Cloud CLI's ~/.aliyun/config.json
    /// (modes AK, StsToken) or the SDKs' ~/.alibabacloud/credentials (docs/credentials.md).
    /// Without it and without ALIBABA_CLOUD_ACCESS_KEY_*, the same chain picks the current
    /// profile.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Only scenarios matching this tag expression, e.g. "@errors and not @internal".
    #[arg(long)]
    pub tags: Option<String>,
    /// The actions the target implements: a comma-separated list (ResetDisk,DescribeRegions) or
    /// a file of one name a line (# starts a comment). The scenarios of any other action are not
    /// run ("not claimed"), and each such action the selection covers gets a probe in each
    /// format: it must be refused as ECS refuses an action it does not have. Default: every
    /// action.
    #[arg(long, value_name = "FILE|LIST")]
    pub actions: Option<String>,
    /// Which formats' scenarios to run.
    #[arg(long, default_value = "both", value_parser = ["xml", "json", "both"])]
    pub format: String,
    /// Seconds one call may take: without an answer by then it is "no answer" (the run fails for
    /// it), unless the harness itself stalled meanwhile (its scenario is then not run).
    #[arg(long, default_value_t = 10)]
    pub timeout: u64,
    /// The evidence level up to which failures count: documented (the contract), observed (also
    /// what real ECS answers and official clients rely on), or chosen (also the mock's own
    /// choices). Default: observed against an endpoint, chosen against the embedded mock. Every
    /// level is evaluated and reported either way.
    #[arg(long, value_parser = parse_level)]
    pub fail_on: Option<Level>,
    /// The edition of the contract whose verdict sets the exit status: a date from
    /// `ecs-conformance editions`, or latest. Every edition is judged and reported either way;
    /// the embedded mock serves this edition.
    #[arg(long, default_value = "latest", value_parser = parse_edition, value_name = "NAME")]
    pub edition: &'static Edition,
    /// The edition the embedded mock serves, when it is not the one gated on (to see how an
    /// endpoint of one edition fares against another).
    #[arg(long, value_parser = parse_edition, value_name = "NAME")]
    pub mock_edition: Option<&'static Edition>,
    /// The largest answer read, in bytes; a larger one fails its scenario at once.
    #[arg(long, default_value_t = DEFAULT_MAX_BODY)]
    pub max_body: usize,
    /// Run the feature files in DIR (edited copies) instead of the suite compiled into this
    /// binary. Catalogues stay the compiled ones.
    #[arg(long, value_name = "DIR")]
    pub features: Option<PathBuf>,
    /// With --features: the recorded answers' directory (default: DIR/../snapshots).
    #[arg(long, value_name = "DIR", requires = "features")]
    pub recorded_answers: Option<PathBuf>,
    /// Write a certification report into DIR (created if absent; it must hold no other file):
    /// junit.xml, cucumber.json, results.json, report.md, report.html and manifest.json.
    #[arg(long, value_name = "DIR")]
    pub report: Option<PathBuf>,
    /// Start this image (NAME or NAME:TAG, built or pulled beforehand: it is never pulled)
    /// on the local container engine (DOCKER_HOST), run the suite against it, and remove it
    /// afterwards, also when the run fails or is interrupted.
    #[arg(long, value_name = "NAME[:TAG]", conflicts_with = "endpoint")]
    pub image: Option<String>,
    /// The port the image's endpoint listens on inside the container.
    #[arg(long, value_name = "PORT", default_value_t = 8080, requires = "image")]
    pub image_port: u16,
    /// An environment variable for the container, K=V (repeatable).
    #[arg(long, value_name = "K=V", requires = "image")]
    pub image_env: Vec<String>,
    /// The container's command (its entrypoint's arguments), replacing the image's.
    #[arg(long, value_name = "ARG", num_args = 1.., allow_hyphen_values = true, requires = "image")]
    pub image_cmd: Vec<String>,
    /// A path that answers below 500 once the endpoint is ready (default: any answer at the
    /// control API's path, /ecs-conformance/v1).
    #[arg(long, value_name = "PATH", requires = "image")]
    pub ready_path: Option<String>,
    /// Seconds the container may take to start and become ready.
    #[arg(long, value_name = "SECONDS", default_value_t = 60, requires = "image")]
    pub startup_timeout: u64,
    /// Known deviations excused until a date (TOML; docs/waivers.md): a scenario that fails only
    /// as waivers expect is counted waived, not failed; a waiver whose deviation is gone fails
    /// the run.
    #[arg(long, value_name = "FILE")]
    pub waivers: Option<PathBuf>,
    /// After the summary, print what changed against a baseline run (a report directory or its
    /// results.json), judged at --fail-on; written into --report DIR too.
    #[arg(long, value_name = "DIR")]
    pub baseline: Option<PathBuf>,
}

pub async fn exec(args: RunArgs) -> Result<ExitCode, Fail> {
    let claimed = (args.actions.as_deref())
        .map(suite::claimed_actions)
        .transpose()
        .map_err(Fail::cannot_check)?;
    let ca_cert = read_ca_cert(args.ca_cert.as_deref())?;
    let container = start_container(&args).await?;
    let discover = discover_options(&args)?;
    let target = resolve_target(&args, container.as_ref())?;
    let fail_on = fail_on(&args, &target);
    let waivers = super::waivers::load(args.waivers.as_deref())?;
    if let Some(dir) = &args.report {
        prepare_report_dir(dir).map_err(Fail::cannot_check)?;
    }
    let baseline = load_baseline(args.baseline.as_deref())?;
    let mut config = suite_config(&args, target, fail_on, ca_cert, discover);
    (config.waivers, config.actions) = (waivers, claimed);
    // The run, unless interrupted: a container is removed either way.
    let outcome = run_suite(config).await;
    let (container_log, container_info) = teardown(container).await;
    let mut results = judged(outcome)?.results;
    results.run.container = container_info.as_ref().map(results::Container::of);
    let regression = summarize(&results, baseline.as_ref(), fail_on);
    if let Some(dir) = &args.report {
        write_report(dir, &results, regression.as_ref(), container_log.as_deref())?;
    }
    exit_policy(&results)
}

/// `--ca-cert`'s PEM, read before anything starts.
fn read_ca_cert(path: Option<&Path>) -> Result<Option<Vec<u8>>, Fail> {
    path.map(std::fs::read).transpose().map_err(|e| {
        Fail::cannot_check(format_args!("cannot read the CA certificate: {}", e.kind()))
    })
}

/// With `--image`: the container, started and ready; Ctrl-C while it starts removes what the
/// start created.
async fn start_container(args: &RunArgs) -> Result<Option<Started>, Fail> {
    let Some(image) = &args.image else {
        return Ok(None);
    };
    let mut target = container::ImageTarget::new(image);
    target.port = args.image_port;
    target.cmd = args.image_cmd.clone();
    target.ready_path = args.ready_path.clone();
    target.startup_timeout = Duration::from_secs(args.startup_timeout.max(1));
    for kv in &args.image_env {
        let Some((k, v)) = kv.split_once('=') else {
            return Err(Fail::cannot_check(format_args!(
                "--image-env {kv:?} is not of the form K=V"
            )));
        };
        target.env.push((k.to_owned(), v.to_owned()));
    }
    println!("starting the image {image}");
    let started = tokio::select! {
        r = container::start(&target) => r,
        _ = tokio::signal::ctrl_c() => return Err(Fail::interrupted()),
    };
    let started = started
        .map_err(|e| Fail::cannot_check(e).and("nothing was certified: no scenario was run"))?;
    println!(
        "container {} serves {} (ready in {:.1} s)",
        &started.info.container_id[..12.min(started.info.container_id.len())],
        started.url,
        started.info.startup.as_secs_f64()
    );
    Ok(Some(started))
}

/// What discovering existing resources needs: the region, `--fixtures` and the key pairs its
/// accounts name by environment variables.
fn discover_options(args: &RunArgs) -> Result<DiscoverOptions, Fail> {
    let fixtures = match &args.fixtures {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {}", path.display(), e.kind()))
            .and_then(|t| {
                Fixtures::parse(&t)
                    .map_err(|e| format!("{} is not a fixtures file: {e}", path.display()))
            }),
        None => Ok(Fixtures::default()),
    };
    let fixtures = fixtures.map_err(|e| Fail::cannot_check(format_args!("--fixtures: {e}")))?;
    let accounts = fixtures
        .accounts(&|k| std::env::var(k).ok())
        .map_err(|e| Fail::cannot_check(format_args!("--fixtures: {e}")))?;
    Ok(DiscoverOptions {
        region: args.region.clone().unwrap_or_else(|| "cn-hangzhou".into()),
        fixtures,
        accounts,
        allow_destructive: args.allow_destructive,
        settle_timeout: Duration::from_secs(args.settle_timeout),
    })
}

/// The target, announced on the run's first line: the container, `--endpoint`, `--region`'s
/// endpoint, else the embedded mock. An endpoint gets the key pair [`credentials::choose`] finds.
fn resolve_target(args: &RunArgs, container: Option<&Started>) -> Result<Target, Fail> {
    let region_url = args
        .region
        .as_deref()
        .map(|r| format!("https://ecs.{r}.aliyuncs.com"));
    let endpoint = match container {
        Some(started) => Some(started.url.clone()),
        None => args.endpoint.clone().or(region_url),
    };
    let Some(url) = endpoint else {
        println!("target: the embedded mock");
        return Ok(Target::Embedded);
    };
    let given = credentials::Given {
        access_key_id: args.access_key_id.clone(),
        access_key_secret: args.access_key_secret.clone(),
        access_key_secret_file: args.access_key_secret_file.clone(),
        security_token: args.security_token.clone(),
        profile: args.profile.clone(),
    };
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let found = credentials::choose(&given, &|k| std::env::var(k).ok(), home.as_deref())
        .map_err(Fail::cannot_check)?;
    println!(
        "target: {url} (access key {} from {})",
        found.credentials.access_key_id, found.source
    );
    Ok(Target::Endpoint {
        url,
        credentials: found.credentials,
    })
}

/// `--fail-on`, else chosen against the embedded mock and observed against an endpoint.
fn fail_on(args: &RunArgs, target: &Target) -> Level {
    let fail_on = args.fail_on.unwrap_or(match target {
        Target::Embedded => Level::Chosen,
        _ => Level::Observed,
    });
    println!("failures count at --fail-on {fail_on}; every level is evaluated");
    fail_on
}

/// A report directory: created if absent, and empty of anything a report does not hold.
fn prepare_report_dir(dir: &Path) -> Result<(), String> {
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

/// `--baseline`'s results, read before the run so that a wrong path costs no run.
fn load_baseline(path: Option<&Path>) -> Result<Option<Results>, Fail> {
    path.map(Results::load)
        .transpose()
        .map_err(|e| Fail::cannot_check(format_args!("the baseline: {e}")))
}

fn suite_config(
    args: &RunArgs,
    target: Target,
    fail_on: Level,
    ca_cert: Option<Vec<u8>>,
    discover: DiscoverOptions,
) -> SuiteConfig {
    SuiteConfig {
        target,
        tags: args.tags.clone(),
        formats: match args.format.as_str() {
            "xml" => vec![Format::Xml],
            "json" => vec![Format::Json],
            _ => Format::BOTH.to_vec(),
        },
        timeout: Duration::from_secs(args.timeout.max(1)),
        max_body: args.max_body,
        fail_on,
        machine_reports: args.report.clone(),
        ca_cert,
        world: args.world,
        discover,
        concurrency: args.concurrency,
        edition: args.edition,
        mock_edition: args.mock_edition,
        files: match &args.features {
            Some(dir) => SuiteFiles::directory(dir, args.recorded_answers.as_deref()),
            None => SuiteFiles::Embedded,
        },
        ..SuiteConfig::default()
    }
}

/// The suite's run, or `None` when Ctrl-C interrupted it.
async fn run_suite(config: SuiteConfig) -> Option<Result<RunOutput, RunError>> {
    tokio::select! {
        out = suite::run(config) => Some(out),
        _ = tokio::signal::ctrl_c() => None,
    }
}

/// The container's log and what the report says of it; the container removed.
async fn teardown(container: Option<Started>) -> (Option<String>, Option<ContainerInfo>) {
    let Some(started) = container else {
        return (None, None);
    };
    let log = started.logs().await;
    let info = started.info.clone();
    if let Err(e) = started.remove().await {
        eprintln!("warning: {e}");
    }
    (Some(log), Some(info))
}

/// The run's output, unless it was interrupted or could not judge anything.
fn judged(outcome: Option<Result<RunOutput, RunError>>) -> Result<RunOutput, Fail> {
    match outcome {
        None => Err(Fail::interrupted()),
        Some(Ok(out)) => Ok(out),
        Some(Err(e)) => {
            let why = if matches!(e, RunError::Other(_)) {
                "nothing was certified"
            } else {
                "nothing was certified: no scenario was run"
            };
            Err(Fail::cannot_check(e).and(why))
        }
    }
}

/// The summary, and with `--baseline` what changed since, printed; the change is returned for the
/// report.
fn summarize(results: &Results, baseline: Option<&Results>, fail_on: Level) -> Option<diff::Diff> {
    print!("{}", report::summary(results));
    let d = diff::diff(baseline?, results, fail_on);
    println!("\n{}", d.markdown());
    Some(d)
}

fn write_report(
    dir: &Path,
    results: &Results,
    regression: Option<&diff::Diff>,
    container_log: Option<&str>,
) -> Result<(), Fail> {
    let started = Instant::now();
    // Rendering a large run takes a while: not on a thread that polls the runtime's I/O.
    tokio::task::block_in_place(|| report::write(dir, results, regression, container_log))
        .map_err(|e| Fail::cannot_check(format_args!("the report could not be written: {e}")))?;
    println!(
        "report: {} (written in {:.0} ms; check it with `ecs-conformance verify {}`)",
        dir.display(),
        started.elapsed().as_secs_f64() * 1e3,
        dir.display()
    );
    Ok(())
}

/// The exit status the report earns (EXIT_STATUSES in main.rs), with the reason when it is not a
/// verdict on the scenarios alone.
fn exit_policy(report: &Results) -> Result<ExitCode, Fail> {
    let status = report.exit_status();
    if !report.run.suite_problems.is_empty() {
        Err(Fail::error(
            status,
            "the suite is inconsistent with its catalogues; nothing was certified",
        ))
    } else if status == CANNOT_CHECK {
        Err(Fail::cannot_check(format_args!(
            "no scenario ran ({} not run, {} of them for a failed setup; reasons above); \
             nothing was certified",
            report.not_run(),
            report.setup_failed()
        )))
    } else if report.unanswered() > 0 {
        Err(Fail::error(
            status,
            format_args!(
                "the endpoint did not answer: {} scenarios were left unjudged",
                report.unanswered()
            ),
        ))
    } else if let [(i, first), ..] = report.stale_waivers().as_slice() {
        let more = report.stale_waivers().len() - 1;
        Err(Fail::error(
            status,
            format_args!(
                "stale waiver: the deviation is gone — remove it: {}{}",
                first.label(*i),
                if more > 0 {
                    format!(" (and {more} more, above)")
                } else {
                    String::new()
                }
            ),
        ))
    } else {
        Ok(ExitCode::from(status))
    }
}
