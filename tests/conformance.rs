//! The conformance suite against the embedded mock: every scenario must pass and none may be
//! left unrun.

use std::process::ExitCode;

use ecs_conformance::suite::{self, SuiteConfig};

fn main() -> ExitCode {
    let runtime = tokio::runtime::Runtime::new().expect("the async runtime starts");
    runtime.block_on(async {
        let out = match suite::run(SuiteConfig::default()).await {
            Ok(out) => out,
            Err(e) => {
                eprintln!("the suite could not run: {e:#}");
                return ExitCode::FAILURE;
            }
        };
        print!("{}", out.report.summary());
        if out.report.failed() > 0 || out.report.not_run() > 0 {
            return ExitCode::FAILURE;
        }
        ExitCode::SUCCESS
    })
}
