//! A scenario's editions and the run's gate. A scenario says which editions of the contract it
//! judges with one tag, `@editions:FROM..` or `@editions:FROM..UNTIL` (none: every edition). Every
//! scenario runs; from the same answers the run has a verdict per edition ([`Report::verdict_in`]),
//! and the edition it is gated on (`run --edition`) sets the exit status: a scenario that edition
//! does not judge is reported not run, its outcome kept for the editions that do.

#[cfg(test)]
use super::summary::Verdict;
use super::summary::{Outcome, Report, ScenarioResult};
use crate::contract::editions;
use crate::contract::editions::{Edition, Range};
use crate::evidence::Level;

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
    if !range.contains(edition) && !result.outcome.for_want_of_an_answer() {
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
    let features = super::SuiteFiles::Embedded.features()?;
    Ok(scenario_ranges(&features)?
        .into_iter()
        .filter(|(_, r)| r.contains(b) && !r.contains(a))
        .map(|(name, _)| name)
        .collect())
}

/// Every edition's verdict per level, the gated one marked, and the newest it conforms to.
pub fn summary(report: &Report) -> String {
    let mut out = format!(
        "\nEditions of the contract (the same answers judged against each; gated on {}):\n",
        report.edition.label()
    );
    for e in editions::all() {
        let verdicts: Vec<String> = Level::ALL
            .into_iter()
            .map(|l| format!("{l}: {}", report.verdict_in(e, l).as_str()))
            .collect();
        let judged = report.judging(e).count();
        let gate = if e.name == report.edition.name {
            "→"
        } else {
            " "
        };
        out.push_str(&format!(
            "{gate} {}  {}  ({judged} scenarios)\n",
            e.name,
            verdicts.join(", ")
        ));
    }
    out.push_str(&match report.conforms_to() {
        Some(e) => format!(
            "Nearest conforming edition at --fail-on {}: {}\n",
            report.fail_on,
            e.label()
        ),
        None => format!(
            "Nearest conforming edition at --fail-on {}: none\n",
            report.fail_on
        ),
    });
    out
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::suite::record::ScenarioId;

    /// A scenario with `tags` (its editions) and `outcome`, gated on `gate`.
    fn result(name: &str, tags: &[&str], outcome: Outcome, on: &Edition) -> ScenarioResult {
        let tags = tags.iter().map(|t| (*t).to_owned()).collect();
        let mut r = ScenarioResult::not_run(ScenarioId::new("F", name), tags, String::new());
        r.outcome = outcome;
        gate(r, on)
    }

    fn report(gate: &'static Edition, results: Vec<ScenarioResult>) -> Report {
        Report {
            results,
            elapsed: Duration::ZERO,
            fail_on: Level::Chosen,
            suite_problems: Vec::new(),
            stopped_answering: None,
            edition: gate,
            waivers: Vec::new(),
        }
    }

    const FIRST_ONLY: &str = "editions:2019-07-12..2020-09-10";
    const LATEST_ONLY: &str = "editions:2025-03-21..";

    fn failed() -> Outcome {
        Outcome::Failed {
            level: Level::Documented,
        }
    }

    #[test]
    fn each_edition_is_judged_by_its_own_scenarios_and_the_gate_sets_the_verdict() {
        let (first, latest) = (&editions::all()[0], editions::latest());
        let results = |gate| {
            vec![
                result("every", &[], Outcome::Passed, gate),
                result("first", &[FIRST_ONLY], failed(), gate),
                result("latest", &[LATEST_ONLY], Outcome::Passed, gate),
            ]
        };
        let r = report(latest, results(latest));
        assert_eq!(r.verdict_at(Level::Documented), Verdict::Passed);
        assert_eq!(r.verdict_in(first, Level::Documented), Verdict::Failed);
        assert_eq!(r.conforms_to().map(|e| e.name), Some(latest.name));
        assert_eq!(
            (r.not_run(), r.of_other_editions(), r.exit_status()),
            (0, 1, 0)
        );
        let other = &r.results[1];
        assert!(matches!(other.outcome, Outcome::NotRun(ref why) if why.contains("2019-07-12..")));
        assert_eq!(
            *other.judged(),
            failed(),
            "its outcome is kept for its editions"
        );

        // Gated on the first edition, the same outcomes fail the run.
        let r = report(first, results(first));
        assert_eq!(r.verdict_at(Level::Documented), Verdict::Failed);
        assert_eq!(r.exit_status(), 1);
        assert_eq!(r.verdict_in(latest, Level::Documented), Verdict::Passed);
        assert_eq!(r.conforms_to().map(|e| e.name), Some(latest.name));
    }

    #[test]
    fn a_call_that_got_no_answer_is_never_set_aside_by_the_gate() {
        let latest = editions::latest();
        let silent = Outcome::NoAnswer {
            kind: "timed out".into(),
            reason: "r".into(),
        };
        let r = report(latest, vec![result("first", &[FIRST_ONLY], silent, latest)]);
        assert!(r.results[0].elsewhere.is_none());
        assert_eq!(r.exit_status(), 1);
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
