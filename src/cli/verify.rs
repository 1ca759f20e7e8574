//! `verify`: a report directory against its manifest, and the suite it ran against this
//! harness's own.

use std::path::Path;
use std::process::ExitCode;

use ecs_conformance::suite::SuiteFiles;

use super::Fail;

pub fn exec(dir: &Path) -> Result<ExitCode, Fail> {
    let fingerprint = SuiteFiles::Embedded
        .fingerprint()
        .map_err(Fail::cannot_check)?;
    ecs_conformance::report::verify(dir, &fingerprint)
        .map_err(|e| Fail::new(1, format!("not verified: {e}")))?;
    println!(
        "verified: {} matches its manifest, and ran this harness's suite ({fingerprint})",
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}
