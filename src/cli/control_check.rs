//! `control-check`: an endpoint's control API alone, check by check.

use std::process::ExitCode;

use super::fail::Fail;

pub async fn exec(endpoint: &str) -> Result<ExitCode, Fail> {
    let report = ecs_conformance::control_check::run(endpoint)
        .await
        .map_err(Fail::cannot_check)?;
    print!("{}", report.text());
    Ok(if report.failed() == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
