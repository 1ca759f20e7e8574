//! A scenario's editions and the run's gate. A scenario says which editions of the contract it
//! judges with one tag, `@editions:FROM..` or `@editions:FROM..UNTIL` (none: every edition). Every
//! scenario runs; from the same answers the run has a verdict per edition ([`Report::verdict_in`]),
//! and the edition it is gated on (`run --edition`) sets the exit status: a scenario that edition
//! does not judge is reported not run, its outcome kept for the editions that do.

use super::summary::{Outcome, ScenarioResult};
use crate::contract::editions::{Edition, Range};

/// The tag prefix that names a scenario's editions.
pub const TAG: &str = "editions:";

/// The editions the scenario with `tags` (without `@`) judges: every edition without the tag.
pub fn range_of(tags: &[String]) -> Result<Range, String> {
    match tags.iter().find_map(|t| t.strip_prefix(TAG)) {
        Some(range) => range.parse(),
        None => Ok(Range::ALL),
    }
}

/// Gates `result` on `edition`: a scenario that edition does not judge keeps its outcome for the
/// others, and is not run for this one — whether it passed, failed or could not be set up. Only a
/// call that got no answer stays as it is: an endpoint that stops answering fails every run.
pub fn gate(mut result: ScenarioResult, edition: &Edition) -> ScenarioResult {
    let range = result.editions();
    let silent = matches!(result.outcome, Outcome::NoAnswer { .. })
        || result.outcome.for_want_of_an_answer();
    if !range.contains(edition) && !silent {
        let reason = format!(
            "not in edition {}: this scenario judges editions {range}",
            edition.name
        );
        result.elsewhere = Some(std::mem::replace(
            &mut result.outcome,
            Outcome::NotRun(reason),
        ));
    }
    result
}

/// Every scenario of `features` (`feature / scenario`, outlines expanded) with the editions it
/// judges; a malformed `@editions:` tag is a problem of the suite, named.
pub fn scenario_ranges(
    features: &[cucumber::gherkin::Feature],
) -> Result<Vec<(String, Range)>, String> {
    let mut out = Vec::new();
    for f in features {
        for s in super::coverage::scenarios(f) {
            let range = range_of(&s.tags).map_err(|e| format!("{} / {}: {e}", f.name, s.name))?;
            for name in super::coverage::expanded_names(s) {
                out.push((format!("{} / {name}", f.name), range));
            }
        }
    }
    Ok(out)
}

/// The scenarios of the embedded suite that judge edition `b` and not edition `a`: what a target
/// of edition `a` is expected to fail, or be unable to set up, when judged against `b`.
pub fn judged_only_in(b: &Edition, a: &Edition) -> Result<Vec<String>, String> {
    let features = super::SuiteFiles::Embedded.features()?;
    Ok(scenario_ranges(&features)?
        .into_iter()
        .filter(|(_, r)| r.contains(b) && !r.contains(a))
        .map(|(name, _)| name)
        .collect())
}
