//! `verify`: a report directory against its manifest, and the suite it ran against this
//! harness's own; with `--rejudge`, its verdicts judged again from the exchanges it records.

use std::path::Path;
use std::process::ExitCode;

use ecs_conformance::suite::SuiteFiles;

use super::fail::Fail;

pub fn exec(dir: &Path, rejudge: bool) -> Result<ExitCode, Fail> {
    let fingerprint = SuiteFiles::Embedded
        .fingerprint()
        .map_err(Fail::cannot_check)?;
    ecs_conformance::report::verify(dir, &fingerprint)
        .map_err(|e| Fail::new(1, format!("not verified: {e}")))?;
    if !rejudge {
        println!(
            "verified: {} matches its manifest, and ran this harness's suite ({fingerprint})",
            dir.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    // The suite it judges with: unreadable, nothing can be checked.
    SuiteFiles::Embedded
        .features()
        .map_err(Fail::cannot_check)?;
    let started = std::time::Instant::now();
    let results = ecs_conformance::results::Results::load(dir)
        .map_err(|e| Fail::new(1, format!("not verified: {e}")))?;
    let done = ecs_conformance::suite::rejudge(&results)
        .map_err(|e| Fail::new(1, format!("not verified: verdict does not follow: {e}")))?;
    println!(
        "verified: {} matches its manifest, ran this harness's suite ({fingerprint}), and every \
         verdict follows from its exchanges ({} scenarios, {} answers re-judged in {} ms)",
        dir.display(),
        done.scenarios,
        done.exchanges,
        started.elapsed().as_millis()
    );
    Ok(ExitCode::SUCCESS)
}
