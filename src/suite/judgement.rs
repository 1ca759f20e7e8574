//! The run's judgement, from its scenarios' results: the counts, each edition's verdict at each
//! level, and the newest edition the target conforms to. The one place a verdict is decided: the
//! run writes what this makes of its scenarios into `results.json`, and `verify --rejudge` holds a
//! report's recorded values to what this makes of its re-derived scenarios.

use std::collections::BTreeMap;

use super::waivers::Waivers;
use crate::contract::editions::{self, Edition};
use crate::evidence::Level;
use crate::results::{
    CONTRACT, Cause, Counts, EditionVerdict, Outcome, Results, Run, RunWaiver, SCHEMA, Scenario,
    Verdict, Waiver,
};

/// The results of a run: `run` (what it was) with what its settled `scenarios` make of it —
/// the gated edition, each waiver's state on the run's `date`, the judgement.
pub fn conclude(
    mut run: Run,
    scenarios: Vec<Scenario>,
    gated: &Edition,
    waivers: &Waivers,
    date: time::Date,
) -> Results {
    let states = waivers.states(&scenarios, date);
    run.waivers = (waivers.list.iter().cloned().zip(states))
        .map(|(waiver, state)| RunWaiver { waiver, state })
        .collect();
    run.edition = Some(gated.name.to_owned());
    run.contract = format!("{CONTRACT}, edition {}", gated.name);
    let problems = run.suite_problems.clone();
    let grounds = Grounds {
        fail_on: run.fail_on,
        gated,
        waivers: &waivers.list,
        suite_problems: &problems,
    };
    Judgement::of(&scenarios, &grounds).write(&mut run);
    Results {
        schema: SCHEMA.into(),
        run,
        scenarios,
    }
}

/// The results of a run of `scenarios` on `date`, each settled as the run settles it, with a
/// run that says nothing else: for unit tests of what the results make of scenarios.
#[cfg(test)]
pub(crate) fn conclude_for_test(
    mut scenarios: Vec<Scenario>,
    waivers: &Waivers,
    fail_on: Level,
    gated: &'static Edition,
    date: time::Date,
) -> Results {
    for s in &mut scenarios {
        super::record::settle(s, gated, waivers, fail_on, date);
    }
    let mut run = Run::begun(
        "the embedded mock".into(),
        date.midnight().assume_utc(),
        fail_on,
    );
    (run.suite_fingerprint, run.access_key_id) = ("sha256:test".into(), "testid".into());
    conclude(run, scenarios, gated, waivers, date)
}

/// What a run's verdicts are: the fields of `run` that follow from its scenarios.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    pub verdict: BTreeMap<Level, Verdict>,
    pub counts: Counts,
    pub editions: Vec<EditionVerdict>,
    /// The newest edition whose verdict at `fail_on` is `passed`; `(none)` when none is.
    pub conforms_to: String,
}

/// What the judgement rests on besides the scenarios.
pub struct Grounds<'a> {
    pub fail_on: Level,
    /// The edition the run is gated on.
    pub gated: &'a Edition,
    /// The run's waivers, by index (a scenario's `waived_by`).
    pub waivers: &'a [Waiver],
    /// What is wrong with the suite itself: a run with any certifies nothing.
    pub suite_problems: &'a [String],
}

impl Judgement {
    /// The judgement of `scenarios` on these grounds.
    pub fn of(scenarios: &[Scenario], grounds: &Grounds) -> Self {
        let verdicts = |e: &Edition| -> BTreeMap<Level, Verdict> {
            Level::ALL
                .into_iter()
                .map(|l| (l, verdict_in(scenarios, e, l, grounds)))
                .collect()
        };
        let editions: Vec<EditionVerdict> = editions::all()
            .iter()
            .map(|e| EditionVerdict {
                name: e.name.to_owned(),
                verdict: verdicts(e),
                scenarios: scenarios.iter().filter(|s| s.range().contains(e)).count(),
            })
            .collect();
        let conforms_to = (editions.iter().rev())
            .find(|e| e.verdict.get(&grounds.fail_on) == Some(&Verdict::Passed))
            .map_or_else(|| "(none)".to_owned(), |e| e.name.clone());
        Self {
            verdict: verdicts(grounds.gated),
            counts: counts(scenarios),
            editions,
            conforms_to,
        }
    }

    /// Writes it into `run`.
    pub fn write(self, run: &mut Run) {
        run.verdict = self.verdict;
        run.counts = self.counts;
        run.editions = self.editions;
        run.conforms_to = Some(self.conforms_to);
    }
}

/// How many scenarios came to what, for the gated edition.
fn counts(scenarios: &[Scenario]) -> Counts {
    let count = |f: &dyn Fn(&Scenario) -> bool| scenarios.iter().filter(|s| f(s)).count();
    Counts {
        scenarios: scenarios.len(),
        passed: count(&|s| s.outcome == Outcome::Passed),
        failed: Level::ALL
            .into_iter()
            .map(|l| {
                let n = count(&|s| {
                    s.outcome == Outcome::Failed && s.failed_at == Some(l) && !s.is_waived()
                });
                (l, n)
            })
            .collect(),
        not_run: count(&|s| s.outcome == Outcome::NotRun),
        setup_failed: count(&|s| matches!(s.cause, Some(Cause::Setup | Cause::SetupNoAnswer))),
        no_answer: count(&|s| s.outcome == Outcome::NoAnswer),
        harness_stalled: count(&|s| s.cause == Some(Cause::HarnessStall)),
        other_editions: count(&|s| s.of_other_editions()),
        waived: count(&|s| s.is_waived()),
    }
}

/// The verdict at `level` for `edition`, from the outcomes of the scenarios that judge it. Not
/// certified when the suite is inconsistent, when no such scenario was checked, or when none
/// fails but the endpoint stopped answering.
fn verdict_in(scenarios: &[Scenario], edition: &Edition, level: Level, g: &Grounds) -> Verdict {
    let judging = || scenarios.iter().filter(|s| s.range().contains(edition));
    let checked = judging().any(|s| {
        matches!(s.judged_outcome(), Outcome::Passed | Outcome::Failed) || s.for_want_of_an_answer()
    });
    if !g.suite_problems.is_empty() || !checked {
        Verdict::NotCertified
    } else if judging().any(|s| judged_fails_at(s, level, g.waivers)) {
        Verdict::Failed
    } else if scenarios.iter().any(Scenario::for_want_of_an_answer) {
        Verdict::NotCertified
    } else {
        Verdict::Passed
    }
}

/// Its outcome in the editions it judges fails at `level` or a stronger one, by a finding no
/// waiver that excuses it matched.
fn judged_fails_at(s: &Scenario, level: Level, waivers: &[Waiver]) -> bool {
    if s.judged_outcome() != Outcome::Failed {
        return false;
    }
    let strongest = if s.waived_by.is_empty() {
        s.judged_failed_at()
    } else {
        unwaived(s, waivers)
    };
    strongest.is_some_and(|l| l <= level)
}

/// The strongest level among a waived scenario's findings that none of its waivers matched.
fn unwaived(s: &Scenario, waivers: &[Waiver]) -> Option<Level> {
    let by: Vec<&Waiver> = s.waived_by.iter().filter_map(|i| waivers.get(*i)).collect();
    (s.findings.iter())
        .filter(|f| {
            !by.iter()
                .any(|w| w.matches(&s.id, &f.expectation, &f.problem))
        })
        .map(|f| f.level)
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::{Finding, ScenarioId};

    fn scenario(name: &str, outcome: Outcome, failed_at: Option<Level>) -> Scenario {
        let mut s = Scenario::not_run(
            &ScenarioId::new("F", name),
            Vec::new(),
            crate::contract::editions::Range::ALL,
            String::new(),
        );
        s.outcome = outcome;
        s.failed_at = failed_at;
        s.reason = None;
        s
    }

    fn grounds<'a>(problems: &'a [String]) -> Grounds<'a> {
        Grounds {
            fail_on: Level::Observed,
            gated: editions::latest(),
            waivers: &[],
            suite_problems: problems,
        }
    }

    #[test]
    fn a_verdict_fails_at_a_level_only_for_a_failure_that_strong() {
        let scenarios = [
            scenario("a", Outcome::Passed, None),
            scenario("b", Outcome::Failed, Some(Level::Chosen)),
        ];
        let j = Judgement::of(&scenarios, &grounds(&[]));
        assert_eq!(j.verdict[&Level::Observed], Verdict::Passed);
        assert_eq!(j.verdict[&Level::Chosen], Verdict::Failed);
        assert_eq!((j.counts.passed, j.counts.failed_at(Level::Chosen)), (1, 1));
        assert_eq!(j.conforms_to, editions::latest().name);
        let broken = Judgement::of(&scenarios, &grounds(&["x".to_owned()]));
        assert_eq!(broken.verdict[&Level::Chosen], Verdict::NotCertified);
        let nothing = Judgement::of(&[], &grounds(&[]));
        assert_eq!(nothing.verdict[&Level::Chosen], Verdict::NotCertified);
        assert_eq!(nothing.conforms_to, "(none)");
    }

    #[test]
    fn a_waived_scenario_fails_only_by_what_its_waivers_do_not_match() {
        let mut s = scenario("w", Outcome::Failed, Some(Level::Observed));
        s.findings = vec![
            Finding {
                expectation: "content-type.xml".into(),
                level: Level::Observed,
                source: "s".into(),
                problem: "p".into(),
            },
            Finding {
                expectation: "recorded-answer".into(),
                level: Level::Chosen,
                source: "s".into(),
                problem: "q".into(),
            },
        ];
        s.waived_by = vec![0];
        let waivers = [Waiver {
            scenario: s.id.clone(),
            expectation: "content-type.xml".into(),
            received: None,
            reason: "r".into(),
            issue: "i".into(),
            expires: time::macros::date!(2027 - 01 - 01),
        }];
        assert!(!judged_fails_at(&s, Level::Observed, &waivers));
        assert!(judged_fails_at(&s, Level::Chosen, &waivers));
        let j = Judgement::of(
            std::slice::from_ref(&s),
            &Grounds {
                waivers: &waivers,
                ..grounds(&[])
            },
        );
        assert_eq!(j.verdict[&Level::Observed], Verdict::Passed);
        assert_eq!(j.verdict[&Level::Chosen], Verdict::Failed);
        assert_eq!((j.counts.waived, j.counts.failed_any()), (1, 0));
    }

    #[test]
    fn each_edition_is_judged_by_its_own_scenarios_and_the_gate_sets_the_verdict() {
        let (first, latest) = (&editions::all()[0], editions::latest());
        let tagged = |name: &str, tag: Option<&str>, outcome, failed_at, on: &Edition| {
            let mut s = scenario(name, outcome, failed_at);
            if let Some(t) = tag {
                s.tags = vec![t.to_owned()];
                s.editions = Some(crate::suite::editions::range_of(&s.tags).unwrap());
            }
            crate::suite::editions::gate(&mut s, on);
            s
        };
        let results = |on: &Edition| {
            vec![
                tagged("every", None, Outcome::Passed, None, on),
                tagged(
                    "first",
                    Some("editions:2019-07-12..2020-09-10"),
                    Outcome::Failed,
                    Some(Level::Documented),
                    on,
                ),
                tagged(
                    "latest",
                    Some("editions:2025-03-21.."),
                    Outcome::Passed,
                    None,
                    on,
                ),
            ]
        };
        let on = |gated| Grounds {
            fail_on: Level::Chosen,
            gated,
            ..grounds(&[])
        };
        let scenarios = results(latest);
        let j = Judgement::of(&scenarios, &on(latest));
        assert_eq!(j.verdict[&Level::Documented], Verdict::Passed);
        let first_verdict = &j.editions[0].verdict;
        assert_eq!(first_verdict[&Level::Documented], Verdict::Failed);
        assert_eq!(j.conforms_to, latest.name);
        assert_eq!((j.counts.not_run_here(), j.counts.other_editions), (0, 1));
        assert_eq!(
            scenarios[1].judged_outcome(),
            Outcome::Failed,
            "its outcome is kept for its editions"
        );

        // Gated on the first edition, the same outcomes fail the run.
        let j = Judgement::of(&results(first), &on(first));
        assert_eq!(j.verdict[&Level::Documented], Verdict::Failed);
        let latest_verdict = &j.editions.last().unwrap().verdict;
        assert_eq!(latest_verdict[&Level::Documented], Verdict::Passed);
        assert_eq!(j.conforms_to, latest.name);
    }

    #[test]
    fn setup_failures_judge_nothing_and_a_silent_endpoint_fails_the_run() {
        let not_run = |cause: Cause| {
            let mut s = scenario("setup", Outcome::NotRun, None);
            (s.cause, s.reason) = (Some(cause), Some("setup failed: refused".into()));
            s
        };
        let run = |scenarios: Vec<Scenario>| {
            conclude_for_test(
                scenarios,
                &Waivers::default(),
                Level::Observed,
                editions::latest(),
                time::macros::date!(2026 - 12 - 01),
            )
        };
        let all_setup = run(vec![not_run(Cause::Setup), not_run(Cause::Setup)]);
        assert_eq!(
            (
                all_setup.exit_status(),
                all_setup.failed(),
                all_setup.not_run()
            ),
            (2, 0, 2)
        );
        assert_eq!(all_setup.setup_failed(), 2);
        let some_setup = run(vec![
            scenario("a", Outcome::Passed, None),
            not_run(Cause::Setup),
        ]);
        assert_eq!(some_setup.exit_status(), 0);
        let mut silent = scenario("b", Outcome::NoAnswer, None);
        (silent.cause, silent.reason) = (Some(Cause::NoAnswer), Some("no answer".into()));
        let silent = run(vec![scenario("a", Outcome::Passed, None), silent]);
        assert_eq!((silent.exit_status(), silent.failed()), (1, 0));
        assert_eq!(silent.verdict_at(Level::Observed), Verdict::NotCertified);
        let silent_setup = run(vec![
            scenario("a", Outcome::Passed, None),
            not_run(Cause::SetupNoAnswer),
        ]);
        assert_eq!(silent_setup.exit_status(), 1);
        assert!(silent_setup.scenarios[1].counted, "it fails the run");
        let failed = run(vec![scenario(
            "c",
            Outcome::Failed,
            Some(Level::Documented),
        )]);
        assert_eq!(failed.exit_status(), 1);
    }
}
