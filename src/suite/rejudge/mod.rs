//! `verify --rejudge`: a report's verdicts re-derived from the exchanges it records.
//!
//! A manifest proves a report was not edited after the run, not that its verdicts are true: one
//! can edit `results.json` and recompute its hash. Every exchange (status, Content-Type, body,
//! wire form, format asked) is in `results.json`, so the verdicts can be judged again, offline,
//! with this harness's own suite (its features, catalogues and recorded answers) and its own
//! step registry (`suite::steps`):
//!
//! - each scenario's steps are replayed on its recorded exchanges ([`replay`]): a When step takes
//!   the calls its declaration says it makes, a Then step runs the very check the run ran, and
//!   the findings they yield must be exactly the recorded ones of those expectations
//!   (expectation, level and problem); findings only a run can make (what the target's world
//!   showed, a world it refused, an answer never received whole, a step that failed without a
//!   finding) are taken as recorded;
//! - each scenario's `outcome`, `failed_at`, `counted`, `cause`, `reason`, `editions` and `judged`
//!   must follow from its findings as [`ScenarioRecord::close`] and [`settle`] (the edition gate,
//!   the waivers) decide;
//! - the run's `verdict`, `counts`, `editions` and `conforms_to` must follow from the scenarios as
//!   [`Judgement`] decides;
//! - with waivers (`run.waivers`), each waiver's `state` must be what the recorded waivers make of
//!   the findings on the run's date.
//!
//! The first scenario (or run field) that does not follow is named.

mod replay;

use std::collections::HashMap;

use cucumber::gherkin;

use super::editions::range_of;
use super::files::SuiteFiles;
use super::judgement::{Grounds, Judgement};
use super::outline::{self, Expanded};
use super::record::{Closing, ScenarioRecord, Stop, settle};
use super::waivers::Waivers;
use crate::contract::editions::{self, Edition, Range};
use crate::evidence::Level;
use crate::results::{Cause, Outcome, Results, Run, Scenario, ScenarioId};

/// What a re-judged report held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rejudged {
    pub scenarios: usize,
    /// Exchanges whose answers were checked again.
    pub exchanges: usize,
}

/// Re-judges `results` with the embedded suite; `Err` names the first scenario (or run field)
/// whose recorded verdict does not follow from its exchanges, or that cannot be re-judged.
pub fn rejudge(results: &Results) -> Result<Rejudged, String> {
    rejudge_with(results, &SuiteFiles::Embedded.features()?)
}

/// Re-judges `results` with the scenarios of `features`.
pub fn rejudge_with(results: &Results, features: &[gherkin::Feature]) -> Result<Rejudged, String> {
    let suite: HashMap<(String, String), Expanded> = (features.iter())
        .flat_map(outline::expand)
        .map(|s| ((s.feature.clone(), s.name.clone()), s))
        .collect();
    let run = &results.run;
    let fail_on = run.fail_on;
    let gated = match &run.edition {
        Some(name) => editions::named(name).map_err(|e| format!("run.edition: {e}"))?,
        None => editions::latest(),
    };
    let (waivers, date) = recorded_waivers(run);
    let mut rebuilt = Vec::new();
    let mut exchanges = 0;
    for s in &results.scenarios {
        let name = format!("{} / {}", s.feature, s.name);
        let fail = |why: String| format!("scenario {name:?} ({}): {why}", s.id);
        let embedded = suite
            .get(&(s.feature.clone(), s.name.clone()))
            .ok_or_else(|| {
                fail("cannot be re-judged: the embedded suite has no scenario of that feature and name".into())
            })?;
        if s.tags != embedded.tags {
            return Err(fail(format!(
                "its tags {:?} are not the suite's {:?}",
                s.tags, embedded.tags
            )));
        }
        let result = follows(s, fail_on, gated, &waivers, date).map_err(&fail)?;
        exchanges += replay::answers(s, embedded, &result, fail_on).map_err(&fail)?;
        rebuilt.push(result);
    }
    let states: Vec<&str> = (waivers.states(&rebuilt, date).into_iter())
        .map(|s| s.as_str())
        .collect();
    let recorded: Vec<&str> = run.waivers.iter().map(|w| w.state.as_str()).collect();
    if recorded != states {
        return Err(format!(
            "run.waivers: recorded states {recorded:?}, but the scenarios make them {states:?} \
             on the run's date"
        ));
    }
    let judged = Judgement::of(
        &rebuilt,
        &Grounds {
            fail_on,
            gated,
            waivers: &waivers.list,
            suite_problems: &run.suite_problems,
        },
    );
    let differs = |field: &str, recorded: String, derived: String| {
        Err(format!(
            "run.{field}: recorded {recorded}, but its scenarios make it {derived}"
        ))
    };
    if run.verdict != judged.verdict {
        return differs(
            "verdict",
            format!("{:?}", run.verdict),
            format!("{:?}", judged.verdict),
        );
    }
    if run.counts != judged.counts {
        return differs(
            "counts",
            format!("{:?}", run.counts),
            format!("{:?}", judged.counts),
        );
    }
    if !run.editions.is_empty() && run.editions != judged.editions {
        return differs(
            "editions",
            format!("{:?}", run.editions),
            format!("{:?}", judged.editions),
        );
    }
    if let Some(c) = &run.conforms_to
        && *c != judged.conforms_to
    {
        return differs(
            "conforms_to",
            format!("{c:?}"),
            format!("{:?}", judged.conforms_to),
        );
    }
    Ok(Rejudged {
        scenarios: results.scenarios.len(),
        exchanges,
    })
}

/// The run's waivers as `run.waivers` records them, and the run's date (its `started_at`, in
/// UTC), on which each was in force or expired.
fn recorded_waivers(run: &Run) -> (Waivers, time::Date) {
    let list = run.waivers.iter().map(|w| w.waiver.clone()).collect();
    (
        Waivers { list },
        run.started_at.to_offset(time::UtcOffset::UTC).date(),
    )
}

/// The scenario's result as the run would have closed and settled it from its recorded findings,
/// when its recorded verdict fields are what [`ScenarioRecord::close`] and [`settle`] make of
/// them.
fn follows(
    s: &Scenario,
    fail_on: Level,
    gated: &'static Edition,
    waivers: &Waivers,
    date: time::Date,
) -> Result<Scenario, String> {
    let mut record = ScenarioRecord::default();
    record.findings.extend(s.findings.iter().cloned());
    // Its outcome before the gate: for a scenario of other editions, the one it has there.
    let (outcome, (reason, cause)) = match (&s.cause, &s.judged) {
        (Some(Cause::OtherEdition), Some(j)) => (j.outcome, (j.reason.as_deref(), j.cause)),
        _ => (s.outcome, (s.reason.as_deref(), s.cause)),
    };
    let reason = reason.unwrap_or_default().to_owned();
    let stop = match (outcome, cause) {
        (Outcome::Passed | Outcome::Failed, None) => None,
        (Outcome::NotRun, None) => Some(Stop::NotRun(reason)),
        (Outcome::NotRun, Some(Cause::Setup)) => Some(Stop::SetupFailed {
            reason,
            no_answer: false,
        }),
        (Outcome::NotRun, Some(Cause::SetupNoAnswer)) => Some(Stop::SetupFailed {
            reason,
            no_answer: true,
        }),
        (Outcome::NoAnswer, Some(Cause::NoAnswer)) => Some(Stop::NoAnswer { reason }),
        (Outcome::NotRun, Some(Cause::HarnessStall)) => Some(Stop::Stalled {
            reason,
            stalled: std::time::Duration::from_millis(s.stalled_ms.unwrap_or_default()),
        }),
        (o, c) => {
            return Err(format!(
                "outcome {o:?} with cause {c:?} is no outcome a run gives"
            ));
        }
    };
    if let Some(stop) = stop {
        record.stop(stop);
    }
    let mut derived = record.close(Closing {
        id: ScenarioId::new(&s.feature, &s.name),
        tags: s.tags.clone(),
        editions: range_of(&s.tags).unwrap_or(Range::ALL),
        duration: std::time::Duration::from_millis(s.duration_ms),
        step_errors: Vec::new(),
        fail_on,
    });
    settle(&mut derived, gated, waivers, fail_on, date);
    // Each recorded field beside the one its findings make, as text.
    macro_rules! fields {
        ($($f:ident),*) => {
            [$((stringify!($f), format!("{:?}", s.$f), format!("{:?}", derived.$f))),*]
        };
    }
    let fields = fields!(
        id, outcome, failed_at, counted, cause, reason, stalled_ms, editions, judged, findings,
        waived_by
    );
    for (field, recorded, derived) in fields {
        if recorded != derived {
            return Err(format!(
                "recorded {field} {recorded}, but its findings make it {derived} (fail_on {fail_on})"
            ));
        }
    }
    derived.exchanges = s.exchanges.clone();
    Ok(derived)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::{Finding as Recorded, Judged};

    fn scenario(outcome: &str, failed_at: Option<Level>, findings: &[Level]) -> Scenario {
        Scenario {
            id: "f/s".into(),
            feature: "F".into(),
            name: "S".into(),
            tags: vec![],
            outcome: serde_json::from_value(outcome.into()).unwrap_or(Outcome::Passed),
            failed_at,
            counted: failed_at.is_some_and(|l| l <= Level::Observed),
            reason: None,
            cause: None,
            stalled_ms: None,
            duration_ms: 0,
            findings: findings
                .iter()
                .map(|l| Recorded {
                    expectation: "e".into(),
                    level: *l,
                    source: "s".into(),
                    problem: "p".into(),
                })
                .collect(),
            editions: None,
            judged: None,
            not_checked: vec![],
            exchanges: vec![],
            waived_by: vec![],
        }
    }

    #[test]
    fn an_outcome_must_follow_from_its_findings_as_the_run_closes_it() {
        let latest = editions::latest();
        let none = Waivers::default();
        let follows = |s: &Scenario| follows(s, Level::Observed, latest, &none, time::Date::MIN);
        assert!(follows(&scenario("passed", None, &[])).is_ok());
        let failed = scenario(
            "failed",
            Some(Level::Observed),
            &[Level::Observed, Level::Chosen],
        );
        assert!(follows(&failed).is_ok());
        let e = follows(&scenario("passed", None, &[Level::Observed])).unwrap_err();
        assert!(e.contains("recorded outcome Passed"), "{e}");
        let e = follows(&scenario("failed", Some(Level::Chosen), &[Level::Observed])).unwrap_err();
        assert!(e.contains("failed_at"), "{e}");
        let mut uncounted = scenario("failed", Some(Level::Chosen), &[Level::Chosen]);
        uncounted.counted = true;
        assert!(follows(&uncounted).unwrap_err().contains("counted"));
        // A scenario of other editions only: not run for the gated one, judged for its own.
        let mut other = scenario("not-run", None, &[Level::Documented]);
        other.tags = vec!["editions:2019-07-12..2024-12-02".into()];
        other.editions = Some("2019-07-12..2024-12-02".parse().unwrap());
        other.cause = Some(Cause::OtherEdition);
        other.judged = Some(Judged {
            outcome: Outcome::Failed,
            failed_at: Some(Level::Documented),
            reason: None,
            cause: None,
        });
        other.reason = Some(format!(
            "not in edition {}: this scenario judges only {}",
            latest.name,
            other.editions.unwrap().names()
        ));
        assert_eq!(follows(&other).map(|_| ()), Ok(()));
        other.judged = Some(Judged {
            outcome: Outcome::Passed,
            failed_at: None,
            reason: None,
            cause: None,
        });
        assert!(follows(&other).unwrap_err().contains("judged"));
        let mut lost = scenario("no-answer", None, &[]);
        lost.cause = Some(Cause::Setup);
        assert!(follows(&lost).is_err(), "no outcome a run gives");
    }

    /// The test-only action's steps are declared in `suite/steps/test_only_wipe_disk.rs` and one
    /// line of the registry's list, nowhere else: its scenarios are judged again all the same,
    /// an honest report follows and a forged one is caught.
    #[test]
    fn a_new_action_s_then_steps_are_judged_again_with_no_edit_outside_its_modules() {
        use crate::client::{Method, WireForm};
        use crate::format::Format;
        use crate::results::Exchange;
        let feature = gherkin::Feature::parse(
            "Feature: Wiping\n\n  Scenario: A wipe (JSON)\n    When I wipe disk \"d-1\" in JSON\n    Then the wipe succeeds\n",
            gherkin::GherkinEnv::default(),
        )
        .unwrap();
        let exchange = |status: u16, body: &str| Exchange {
            action: crate::contract::testing::WIPE_DISK.name.into(),
            wire_form: WireForm::V1Get,
            method: Method::Get,
            format_asked: Some(Format::Json),
            params: [("DiskId".to_owned(), "d-1".to_owned())].into(),
            setup: false,
            status,
            content_type: "application/json;charset=utf-8".into(),
            format: Format::Json,
            body: body.into(),
            string_to_sign: None,
            canonical_request: None,
            access_key_id: String::new(),
            nonce: String::new(),
        };
        let results = |x: Exchange| {
            let mut record = ScenarioRecord::default();
            record.answered(x);
            let s = record.close(Closing {
                id: ScenarioId::new("Wiping", "A wipe (JSON)"),
                tags: Vec::new(),
                editions: Range::ALL,
                duration: std::time::Duration::ZERO,
                step_errors: Vec::new(),
                fail_on: Level::Observed,
            });
            crate::suite::judgement::conclude_for_test(
                vec![s],
                &Waivers::default(),
                Level::Observed,
                editions::latest(),
                time::macros::date!(2026 - 12 - 01),
            )
        };
        let wiped = exchange(
            200,
            r#"{"RequestId":"0F2E4A77-7E5B-4C1C-9B43-6C1A4F0C2D11"}"#,
        );
        let honest = results(wiped);
        assert_eq!(
            rejudge_with(&honest, std::slice::from_ref(&feature)),
            Ok(Rejudged {
                scenarios: 1,
                exchanges: 1
            })
        );
        // The target refused the wipe, and the report says it passed.
        let refused = r#"{"RequestId":"0F2E4A77-7E5B-4C1C-9B43-6C1A4F0C2D11","Code":"Forbidden","Message":"no"}"#;
        let forged = results(exchange(403, refused));
        let e = rejudge_with(&forged, &[feature]).unwrap_err();
        assert!(
            e.contains("Wiping / A wipe (JSON)")
                && e.contains("a finding the report does not hold"),
            "{e}"
        );
    }
}
