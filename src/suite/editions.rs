//! A scenario's editions and the run's gate. A scenario says which editions of the contract it
//! judges with one tag, `@editions:FROM..` or `@editions:FROM..UNTIL` (none: every edition). Every
//! scenario runs; from the same answers the run has a verdict per edition
//! (`suite::judgement`), and the edition it is gated on (`run --edition`) sets the exit status: a
//! scenario that edition does not judge is reported not run, its outcome kept for the editions
//! that do.

use crate::contract::editions::{Edition, Range};
use crate::results::{Cause, Judged, Outcome, Scenario};

/// The tag prefix that names a scenario's editions.
pub const TAG: &str = "editions:";

/// The editions the scenario with `tags` (without `@`) judges: every edition without the tag.
pub fn range_of(tags: &[String]) -> Result<Range, String> {
    match tags.iter().find_map(|t| t.strip_prefix(TAG)) {
        Some(range) => range.parse(),
        None => Ok(Range::ALL),
    }
}

/// Gates `scenario` on `edition`: a scenario that edition does not judge keeps its outcome for
/// the others (`judged`), and is not run for this one — whether it passed, failed or could not
/// be set up. Only a call that got no answer stays as it is: an endpoint that stops answering
/// fails every run.
pub fn gate(scenario: &mut Scenario, edition: &Edition) {
    let range = scenario.range();
    if range.contains(edition) || scenario.for_want_of_an_answer() {
        return;
    }
    scenario.judged = Some(Judged {
        outcome: scenario.outcome,
        failed_at: scenario.failed_at.take(),
        reason: scenario.reason.take(),
        cause: scenario.cause.take(),
    });
    scenario.outcome = Outcome::NotRun;
    scenario.cause = Some(Cause::OtherEdition);
    scenario.stalled_ms = None;
    scenario.reason = Some(format!(
        "not in edition {}: this scenario judges only {}",
        edition.name,
        range.names()
    ));
}

/// Every scenario of `features` (`feature / scenario`, outlines expanded) with the editions it
/// judges; a malformed `@editions:` tag is a problem of the suite, named.
pub fn scenario_ranges(
    features: &[cucumber::gherkin::Feature],
) -> Result<Vec<(String, Range)>, String> {
    let mut out = Vec::new();
    for f in features {
        for s in super::outline::scenarios(f) {
            let range = range_of(&s.tags).map_err(|e| format!("{} / {}: {e}", f.name, s.name))?;
            for name in super::outline::expanded_names(s) {
                out.push((format!("{} / {name}", f.name), range));
            }
        }
    }
    Ok(out)
}

/// The scenarios of the embedded suite that judge edition `b` and not edition `a`: what a target
/// of edition `a` is expected to fail, or be unable to set up, when judged against `b`.
pub fn judged_only_in(b: &Edition, a: &Edition) -> Result<Vec<String>, String> {
    let features = super::files::SuiteFiles::Embedded.features()?;
    Ok(scenario_ranges(&features)?
        .into_iter()
        .filter(|(_, r)| r.contains(b) && !r.contains(a))
        .map(|(name, _)| name)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::editions;
    use crate::evidence::Level;
    use crate::results::ScenarioId;

    /// A scenario with `tags` (its editions) and `outcome`, gated on `on`.
    fn gated(tags: &[&str], outcome: Outcome, on: &Edition) -> Scenario {
        let tags: Vec<String> = tags.iter().map(|t| (*t).to_owned()).collect();
        let range = range_of(&tags).unwrap();
        let mut s = Scenario::not_run(&ScenarioId::new("F", "S"), tags, range, String::new());
        (s.outcome, s.reason) = (outcome, None);
        if outcome == Outcome::Failed {
            s.failed_at = Some(Level::Documented);
        }
        if outcome == Outcome::NoAnswer {
            (s.cause, s.reason) = (Some(Cause::NoAnswer), Some("no answer".into()));
        }
        gate(&mut s, on);
        s
    }

    const FIRST_ONLY: &str = "editions:2019-07-12..2020-09-10";

    #[test]
    fn a_scenario_of_other_editions_keeps_its_outcome_for_them() {
        let (first, latest) = (&editions::all()[0], editions::latest());
        let other = gated(&[FIRST_ONLY], Outcome::Failed, latest);
        assert_eq!(
            (other.outcome, other.cause, other.failed_at),
            (Outcome::NotRun, Some(Cause::OtherEdition), None)
        );
        assert_eq!(
            (other.judged_outcome(), other.judged_failed_at()),
            (Outcome::Failed, Some(Level::Documented)),
            "its outcome is kept for its editions"
        );
        // Its editions are named, not given as a range whose end reads as one of them.
        assert_eq!(
            other.reason.as_deref(),
            Some("not in edition 2025-03-21: this scenario judges only 2019-07-12")
        );
        let own = gated(&[FIRST_ONLY], Outcome::Failed, first);
        assert_eq!((own.outcome, own.judged.is_none()), (Outcome::Failed, true));
    }

    #[test]
    fn a_call_that_got_no_answer_is_never_set_aside_by_the_gate() {
        let silent = gated(&[FIRST_ONLY], Outcome::NoAnswer, editions::latest());
        assert!(silent.judged.is_none());
        assert_eq!(silent.outcome, Outcome::NoAnswer);
    }

    #[test]
    fn a_malformed_editions_tag_is_a_problem_of_the_suite() {
        assert!(range_of(&["editions:2019".to_owned()]).is_err());
        assert_eq!(range_of(&["chosen".to_owned()]), Ok(Range::ALL));
        let f = cucumber::gherkin::Feature::parse(
            "Feature: F\n  @editions:2030-01-01..\n  Scenario: S\n    Then the answer is one of\n",
            cucumber::gherkin::GherkinEnv::default(),
        )
        .unwrap();
        let e = scenario_ranges(&[f]).unwrap_err();
        assert!(e.contains("F / S") && e.contains("2030-01-01"), "{e}");
    }
}
