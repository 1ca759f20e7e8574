//! `diff`: two runs compared, from their results or run now against two endpoints.

use std::path::PathBuf;
use std::process::ExitCode;

use ecs_conformance::evidence::Level;
use ecs_conformance::report::{self, diff};
use ecs_conformance::results::Results;
use ecs_conformance::suite::{self, SuiteConfig, Target};
use ecs_conformance::{Credentials, DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET};

use super::args::parse_level;
use super::fail::Fail;

pub const DIFF_EXIT_STATUSES: &str = "Exit status:
  0  no scenario newly fails at the --fail-on level (nor, with --fail-on-change, changed)
  1  a scenario newly fails at that level (or, with --fail-on-change, an answer changed)
  2  nothing could be compared: unreadable results, bad arguments, an unreachable endpoint";

#[derive(clap::Args)]
pub struct DiffArgs {
    /// BASE and NEW: report directories or results.json files (or give two --endpoint).
    #[arg(value_name = "BASE NEW")]
    pub runs: Vec<PathBuf>,
    /// Instead of two results: run the suite against each of two endpoints now and compare
    /// them (staging against production, say). Same credentials for both.
    #[arg(long = "endpoint", value_name = "URL")]
    pub endpoints: Vec<String>,
    #[arg(long, env = "ALIBABA_CLOUD_ACCESS_KEY_ID")]
    pub access_key_id: Option<String>,
    #[arg(long, env = "ALIBABA_CLOUD_ACCESS_KEY_SECRET", hide_env_values = true)]
    pub access_key_secret: Option<String>,
    /// The level at which a scenario counts as failing (default observed).
    #[arg(long, value_parser = parse_level, default_value = "observed")]
    pub fail_on: Level,
    /// Also exit 1 when an answer changed although both runs pass.
    #[arg(long)]
    pub fail_on_change: bool,
    /// Also write diff.json, diff.md and diff.html into DIR.
    #[arg(long, value_name = "DIR")]
    pub report: Option<PathBuf>,
    /// Seconds one call may take (with --endpoint).
    #[arg(long, default_value_t = 10)]
    pub timeout: u64,
}

pub async fn exec(args: DiffArgs) -> Result<ExitCode, Fail> {
    let (base, new) = match (args.runs.as_slice(), args.endpoints.as_slice()) {
        ([base, new], []) => (
            Results::load(base).map_err(Fail::cannot_check)?,
            Results::load(new).map_err(Fail::cannot_check)?,
        ),
        ([], [a, b]) => (run_now(&args, a).await?, run_now(&args, b).await?),
        _ => {
            return Err(Fail::cannot_check(
                "give two runs (BASE NEW: report directories or results.json) or two --endpoint URLs",
            ));
        }
    };
    let d = diff::diff(&base, &new, args.fail_on);
    print!("{}", d.markdown());
    if let Some(dir) = &args.report {
        report::write_diff(dir, &d).map_err(Fail::cannot_check)?;
    }
    Ok(
        if d.regressed() || (args.fail_on_change && !d.changed_answers.is_empty()) {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        },
    )
}

/// One side: the suite run now against `url`, with the same key pair for both sides (the given
/// one, else the mock's; the credential files are not read here).
async fn run_now(args: &DiffArgs, url: &str) -> Result<Results, Fail> {
    let credentials = match (&args.access_key_id, &args.access_key_secret) {
        (Some(id), Some(secret)) => Credentials::new(id.clone(), secret.clone()),
        (None, None) => Credentials::new(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET),
        _ => {
            return Err(Fail::cannot_check(
                "give both an access key id and its secret",
            ));
        }
    };
    println!("running the suite against {url}");
    let config = SuiteConfig {
        target: Target::Endpoint {
            url: url.to_owned(),
            credentials,
        },
        progress: false,
        fail_on: args.fail_on,
        timeout: std::time::Duration::from_secs(args.timeout.max(1)),
        ..SuiteConfig::default()
    };
    let out = suite::run(config).await.map_err(Fail::cannot_check)?;
    let r = out.results;
    println!("  {}", report::view::View::of(&r).tally.closing);
    Ok(r)
}
