//! The `ecs-conformance` command: `run` runs the conformance suite, `mock` serves the mock ECS
//! endpoint, `call` sends one signed call to any endpoint. This file holds the commands and
//! dispatches; each command's arguments and body are in `cli/`.

mod cli;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use ecs_conformance::suite;

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
    Mock(cli::mock::MockArgs),
    /// Run the conformance suite (against the embedded mock unless --endpoint is given).
    #[command(after_help = cli::run::EXIT_STATUSES)]
    Run(Box<cli::run::RunArgs>),
    /// Send one signed call and print the status, Content-Type and body.
    Call(cli::call::CallArgs),
    /// Print every expectation the suite checks, with its evidence level and source (Markdown;
    /// docs/evidence.md is this output).
    Evidence,
    /// Compare two runs: what newly fails or passes, what is newly (not) run, what fails for
    /// another reason, and which answers changed though both pass. Markdown on stdout.
    #[command(after_help = cli::diff::DIFF_EXIT_STATUSES)]
    Diff(cli::diff::DiffArgs),
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
