//! Waivers: known deviations, excused for a while (`run --waivers FILE`, `docs/waivers.md`).
//!
//! A waiver names scenarios (a stable id from `results.json`, `*` a glob), the expectation it
//! excuses, optionally the deviation it expects (a substring of the finding's problem), why, the
//! issue that tracks it, and when it expires (at most a year after the day it is read). A scenario
//! all of whose counted findings are matched by waivers in force is **waived**: counted apart,
//! never a failure, its findings kept. Waivers are strict: one in force whose scenarios ran but
//! whose deviation did not occur is **stale**, and fails the run. An expired waiver waives
//! nothing and says so.

use serde::Deserialize;
use time::Date;

use crate::evidence::Level;
use crate::results::{Outcome, Scenario, Waiver, WaiverState, format_date, parse_date};

/// A run's waivers, in the file's order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Waivers {
    pub list: Vec<Waiver>,
}

/// `date` plus one year (29 February becomes 28 February).
pub fn one_year_after(date: Date) -> Date {
    let year = date.year() + 1;
    Date::from_calendar_date(year, date.month(), date.day())
        .or_else(|_| Date::from_calendar_date(year, date.month(), date.day() - 1))
        .unwrap_or(date)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    waiver: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    scenario: Option<String>,
    expectation: Option<String>,
    received: Option<String>,
    reason: Option<String>,
    issue: Option<String>,
    expires: Option<toml::Value>,
}

impl Waivers {
    /// Reads a waivers file (TOML, `[[waiver]]` tables). Refused, with the reason: malformed TOML,
    /// an unknown field, a waiver without `scenario`, `expectation`, `reason`, `issue` or
    /// `expires`, or one that expires more than a year after `today`.
    pub fn parse(text: &str, today: Date) -> Result<Self, String> {
        let file: File = toml::from_str(text).map_err(|e| e.to_string().trim_end().to_owned())?;
        let latest = one_year_after(today);
        let mut list = Vec::new();
        for (i, e) in file.waiver.into_iter().enumerate() {
            let number = i + 1;
            let required = |v: Option<String>, field: &str, why: &str| {
                v.filter(|s| !s.trim().is_empty())
                    .ok_or_else(|| format!("waiver {number}: no `{field}`: {why}"))
            };
            let scenario = required(e.scenario, "scenario", "the scenario id it excuses")?;
            let expectation = required(e.expectation, "expectation", "the expectation it excuses")?;
            let reason = required(e.reason, "reason", "why the deviation is accepted for now")?;
            let issue = required(
                e.issue,
                "issue",
                "a waiver must link the issue that tracks the deviation",
            )?;
            let expires = match e.expires {
                None => {
                    return Err(format!(
                        "waiver {number}: no `expires`: a waiver must say when it ends (at most a \
                         year ahead, YYYY-MM-DD)"
                    ));
                }
                Some(toml::Value::String(s)) => parse_date(&s),
                Some(toml::Value::Datetime(d)) => match (d.date, d.time) {
                    (Some(date), None) => parse_date(&date.to_string()),
                    _ => Err(format!("{d} is not a date (YYYY-MM-DD)")),
                },
                Some(other) => Err(format!("{other} is not a date (YYYY-MM-DD)")),
            }
            .map_err(|e| format!("waiver {number}: `expires`: {e}"))?;
            if expires > latest {
                return Err(format!(
                    "waiver {number}: expires {} is more than a year after {} (at most {}): a \
                     waiver is renewed, never granted for good",
                    format_date(expires),
                    format_date(today),
                    format_date(latest)
                ));
            }
            list.push(Waiver {
                scenario,
                expectation,
                received: e.received.filter(|r| !r.is_empty()),
                reason,
                issue,
                expires,
            });
        }
        Ok(Self { list })
    }

    /// Marks `scenario` waived when it failed at `fail_on` or a stronger level (in the editions
    /// it judges: a scenario the run's gated edition does not judge is waived for those it
    /// does) and every finding of those levels is matched by a waiver in force on `date`. A
    /// scenario that also fails in a way no waiver matches stays a failure. Its findings are
    /// kept either way.
    pub fn apply(&self, scenario: &mut Scenario, fail_on: Level, date: Date) {
        if scenario.judged_outcome() != Outcome::Failed
            || scenario.judged_failed_at().is_none_or(|l| l > fail_on)
        {
            return;
        }
        let mut by = Vec::new();
        for f in &scenario.findings {
            let matched: Vec<usize> = (self.list.iter().enumerate())
                .filter(|(_, w)| {
                    w.in_force(date) && w.matches(&scenario.id, &f.expectation, &f.problem)
                })
                .map(|(i, _)| i)
                .collect();
            if matched.is_empty() && f.level <= fail_on {
                return;
            }
            by.extend(matched);
        }
        by.sort_unstable();
        by.dedup();
        scenario.waived_by = by;
    }

    /// What became of each waiver in a run of `date` with these scenarios: expired, applied (a
    /// finding of a scenario that reached a verdict matched it), stale (a scenario it names
    /// reached a verdict, and no finding matched), else unexercised.
    pub fn states(&self, scenarios: &[Scenario], date: Date) -> Vec<WaiverState> {
        self.list
            .iter()
            .map(|w| {
                if !w.in_force(date) {
                    return WaiverState::Expired;
                }
                let mut ran = scenarios
                    .iter()
                    .filter(|s| {
                        matches!(s.judged_outcome(), Outcome::Passed | Outcome::Failed)
                            && w.names(&s.id)
                    })
                    .peekable();
                if ran.peek().is_none() {
                    return WaiverState::Unexercised;
                }
                let deviates = |s: &Scenario| {
                    (s.findings.iter()).any(|f| w.matches(&s.id, &f.expectation, &f.problem))
                };
                if ran.any(deviates) {
                    WaiverState::Applied
                } else {
                    WaiverState::Stale
                }
            })
            .collect()
    }
}

/// `line` (`expires = …`) with its value, quoted or a bare date, replaced by `date`: every other
/// byte (spacing, a comment) as it was.
fn with_date(line: &str, date: Date) -> String {
    let start = line.find('=').map_or(0, |eq| {
        let after = &line[eq + 1..];
        eq + 1 + after.len() - after.trim_start().len()
    });
    let value = &line[start..];
    let (from, to) = match value.strip_prefix('"') {
        Some(quoted) => (
            start + 1,
            start + 1 + quoted.find('"').unwrap_or(quoted.len()),
        ),
        None => (
            start,
            start
                + value
                    .find(|c: char| c.is_whitespace() || c == '#')
                    .unwrap_or(value.len()),
        ),
    };
    format!("{}{}{}", &line[..from], format_date(date), &line[to..])
}

/// The text of a waivers file with the `expires` of the waivers numbered in `renew` set to
/// `until`, every other byte as it was. Refused when the file's tables cannot be told apart line
/// by line (then nothing is written).
pub fn renew_text(text: &str, renew: &[usize], until: Date) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut number = 0;
    let mut done = Vec::new();
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with("[[waiver]]") {
            number += 1;
        } else if trimmed.starts_with('[') {
            number = usize::MAX;
        }
        let key = trimmed.split('=').next().unwrap_or_default().trim();
        if key == "expires" && renew.contains(&number) && !done.contains(&number) {
            out.push_str(&with_date(line, until));
            done.push(number);
        } else {
            out.push_str(line);
        }
    }
    match renew.iter().find(|n| !done.contains(n)) {
        Some(n) => Err(format!(
            "waiver {n}: its `expires` line was not found (write each waiver as a `[[waiver]]` \
             table with `expires = \"YYYY-MM-DD\"` on a line of its own)"
        )),
        None => Ok(out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::editions::{self, Range};
    use crate::results::{Finding, Results, ScenarioId, Verdict};
    use crate::suite::judgement::conclude_for_test as conclude;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 30);

    fn file(fields: &str) -> String {
        format!("[[waiver]]\n{fields}")
    }

    const GOOD: &str = "scenario = \"resetdisk-errors-the-account/*\"\nexpectation = \"content-type.xml\"\nreceived = \"application/xml\"\nreason = \"the gateway adds no charset yet\"\nissue = \"https://tracker.example/ECS-123\"\nexpires = \"2027-03-31\"\n";

    #[test]
    fn a_waiver_is_read_with_every_field() {
        let w = Waivers::parse(&file(GOOD), TODAY).expect("a good file is read");
        assert_eq!(w.list.len(), 1);
        let w = &w.list[0];
        assert_eq!(
            (w.expires, w.received.as_deref()),
            (date!(2027 - 03 - 31), Some("application/xml"))
        );
        assert!(
            w.label(0)
                .starts_with("waiver 1 (scenario resetdisk-errors-the-account/*")
        );
        // A bare TOML date is a date too.
        let bare = file(&GOOD.replace("\"2027-03-31\"", "2027-03-31"));
        assert_eq!(
            Waivers::parse(&bare, TODAY).map(|w| w.list[0].expires),
            Ok(date!(2027 - 03 - 31))
        );
    }

    #[test]
    fn a_waiver_without_a_link_or_an_end_is_refused() {
        for (field, says) in [
            ("issue", "waiver 1: no `issue`"),
            ("expires", "waiver 1: no `expires`"),
            ("reason", "waiver 1: no `reason`"),
            ("scenario", "waiver 1: no `scenario`"),
        ] {
            let text: String = GOOD
                .lines()
                .filter(|l| !l.starts_with(field))
                .map(|l| format!("{l}\n"))
                .collect();
            let got = Waivers::parse(&file(&text), TODAY);
            assert!(
                got.as_ref().is_err_and(|e| e.contains(says)),
                "{field}: {got:?}"
            );
        }
        let blank = file(&GOOD.replace("https://tracker.example/ECS-123", " "));
        assert!(Waivers::parse(&blank, TODAY).is_err_and(|e| e.contains("no `issue`")));
    }

    #[test]
    fn a_waiver_for_more_than_a_year_or_a_malformed_file_is_refused() {
        let year = file(&GOOD.replace("2027-03-31", "2027-11-30"));
        assert!(
            Waivers::parse(&year, TODAY).is_ok(),
            "exactly a year is allowed"
        );
        let more = file(&GOOD.replace("2027-03-31", "2027-12-01"));
        let got = Waivers::parse(&more, TODAY);
        assert!(
            got.as_ref()
                .is_err_and(|e| e.contains("more than a year") && e.contains("2027-11-30")),
            "{got:?}"
        );
        for bad in [
            "[[waiver]\nscenario = 1".to_owned(),
            file(&format!("{GOOD}severity = \"low\"\n")),
            file(&GOOD.replace("2027-03-31", "next spring")),
        ] {
            assert!(Waivers::parse(&bad, TODAY).is_err(), "{bad}");
        }
        assert_eq!(one_year_after(date!(2028 - 02 - 29)), date!(2029 - 02 - 28));
    }

    fn finding(expectation: &str, level: Level, problem: &str) -> Finding {
        Finding {
            expectation: expectation.into(),
            level,
            source: "s".into(),
            problem: problem.into(),
        }
    }

    fn failed(findings: Vec<Finding>) -> Scenario {
        let mut s = Scenario::not_run(
            &ScenarioId::new(
                "ResetDisk errors: the account",
                "UserNotInTheWhiteList (XML)",
            ),
            vec![],
            Range::ALL,
            String::new(),
        );
        s.failed_at = findings.iter().map(|f| f.level).min();
        s.outcome = match s.failed_at {
            Some(_) => Outcome::Failed,
            None => Outcome::Passed,
        };
        (s.reason, s.findings) = (None, findings);
        s
    }

    /// The results of a run of `scenarios` with `waivers` on `TODAY`, at --fail-on observed,
    /// each scenario settled as the run settles it.
    fn run_of(waivers: &Waivers, scenarios: Vec<Scenario>) -> Results {
        conclude(
            scenarios,
            waivers,
            Level::Observed,
            editions::latest(),
            TODAY,
        )
    }

    const CT: &str = "Content-Type: expected \"text/xml;charset=utf-8\", got \"application/xml\"";

    #[test]
    fn only_a_scenario_every_counted_finding_of_which_is_waived_is_waived() {
        let waivers = Waivers::parse(&file(GOOD), TODAY).expect("read");
        let mut r = failed(vec![
            finding("content-type.xml", Level::Observed, CT),
            finding("recorded-answer", Level::Chosen, "differs"),
        ]);
        waivers.apply(&mut r, Level::Observed, TODAY);
        assert_eq!(r.waived_by, [0]);
        assert!(r.is_waived() && !r.fails_at(Level::Observed));
        assert_eq!(r.findings.len(), 2, "findings are never dropped");
        // Its unwaived chosen finding still fails it at chosen.
        let results = run_of(&waivers, vec![r.clone()]);
        assert_eq!(results.verdict_at(Level::Observed), Verdict::Passed);
        assert_eq!(results.verdict_at(Level::Chosen), Verdict::Failed);
        // At --fail-on chosen the chosen finding counts, and no waiver matches it.
        let mut chosen = r.clone();
        chosen.waived_by.clear();
        waivers.apply(&mut chosen, Level::Chosen, TODAY);
        assert!(chosen.waived_by.is_empty());
        // Failing differently: an extra counted finding no waiver matches.
        let mut differently = failed(vec![
            finding("content-type.xml", Level::Observed, CT),
            finding("error.answer", Level::Documented, "Code: expected X, got Y"),
        ]);
        waivers.apply(&mut differently, Level::Observed, TODAY);
        assert!(differently.waived_by.is_empty());
        assert!(differently.fails_at(Level::Documented));
        // Another deviation of the same expectation is not the one waived.
        let mut other = failed(vec![finding(
            "content-type.xml",
            Level::Observed,
            "Content-Type: expected \"text/xml;charset=utf-8\", got \"text/html\"",
        )]);
        waivers.apply(&mut other, Level::Observed, TODAY);
        assert!(other.waived_by.is_empty());
        // Expired: waives nothing.
        let mut late = failed(vec![finding("content-type.xml", Level::Observed, CT)]);
        waivers.apply(&mut late, Level::Observed, date!(2027 - 04 - 01));
        assert!(late.waived_by.is_empty());
        let mut last_day = late.clone();
        waivers.apply(&mut last_day, Level::Observed, date!(2027 - 03 - 31));
        assert!(last_day.is_waived(), "in force through its last day");
    }

    #[test]
    fn a_waiver_whose_deviation_is_gone_is_stale() {
        let two = format!(
            "{}{}",
            file(GOOD),
            file(&GOOD.replace("resetdisk-errors-the-account/*", "other/*"))
        );
        let waivers = Waivers::parse(&two, TODAY).expect("read");
        let deviating = failed(vec![finding("content-type.xml", Level::Observed, CT)]);
        let passing = failed(vec![]);
        assert_eq!(
            waivers.states(std::slice::from_ref(&deviating), TODAY),
            [WaiverState::Applied, WaiverState::Unexercised]
        );
        assert_eq!(
            waivers.states(std::slice::from_ref(&passing), TODAY),
            [WaiverState::Stale, WaiverState::Unexercised]
        );
        assert_eq!(
            waivers.states(&[passing], date!(2027 - 04 - 01)),
            [WaiverState::Expired, WaiverState::Expired]
        );
        let not_run = Scenario::not_run(&deviating.scenario_id(), vec![], Range::ALL, "x".into());
        assert_eq!(
            waivers.states(&[not_run], TODAY)[0],
            WaiverState::Unexercised
        );
    }

    #[test]
    fn a_waived_scenario_is_counted_apart_and_a_stale_waiver_fails_the_run() {
        let waivers = Waivers::parse(&file(GOOD), TODAY).expect("read");
        let waived = failed(vec![finding("content-type.xml", Level::Observed, CT)]);
        let r = run_of(&waivers, vec![waived, failed(vec![])]);
        assert_eq!((r.passed(), r.failed(), r.waived()), (1, 0, 1));
        assert_eq!(r.failed_at(Level::Observed), 0);
        assert_eq!(r.exit_status(), 0);
        assert_eq!(r.run.waivers[0].state, WaiverState::Applied);
        let stale = run_of(&waivers, vec![failed(vec![])]);
        assert_eq!(stale.exit_status(), 1);
        assert_eq!(stale.stale_waivers().len(), 1);
        let mut elsewhere = failed(vec![]);
        (elsewhere.feature, elsewhere.name) = ("Formats".into(), "XML by default".into());
        elsewhere.id = elsewhere.scenario_id().slug();
        let unexercised = run_of(&waivers, vec![elsewhere]);
        assert_eq!(unexercised.exit_status(), 0);
        assert_eq!(unexercised.run.waivers[0].state, WaiverState::Unexercised);
    }

    #[test]
    fn a_scenario_of_another_edition_is_waived_for_the_editions_it_judges() {
        let waivers = Waivers::parse(&file(GOOD), TODAY).expect("read");
        let older = (editions::all().iter())
            .find(|e| e.name == "2019-07-12")
            .expect("the 2019-07-12 edition");
        let scenario = || {
            let mut r = failed(vec![finding("content-type.xml", Level::Observed, CT)]);
            r.tags = vec!["editions:2019-07-12..2022-04-13".into()];
            r.editions = Some("2019-07-12..2022-04-13".parse().unwrap());
            r
        };
        let verdict_in = |r: &Results, e: &crate::contract::editions::Edition| {
            let e = r.run.editions.iter().find(|v| v.name == e.name).unwrap();
            e.verdict[&Level::Observed]
        };
        let unwaived = run_of(&Waivers::default(), vec![scenario()]);
        assert_eq!(verdict_in(&unwaived, older), Verdict::Failed);
        let r = run_of(&waivers, vec![scenario()]);
        assert_eq!(r.scenarios[0].waived_by, [0]);
        assert_eq!(verdict_in(&r, older), Verdict::Passed);
        assert_eq!(r.run.waivers[0].state, WaiverState::Applied);
        // Not run for the gated edition: neither waived nor failed there.
        assert_eq!((r.waived(), r.failed()), (0, 0));
    }

    #[test]
    fn renewing_rewrites_only_the_expiry_of_the_waivers_named() {
        let text = format!(
            "# known deviations\n{}\n{}",
            file(GOOD),
            file(&GOOD.replace(
                "expires = \"2027-03-31\"",
                "  expires = \"2027-03-31\"  # Q1"
            ))
        );
        let renewed = renew_text(&text, &[2], date!(2027 - 06 - 30)).expect("renewed");
        assert_eq!(
            renewed,
            text.replace(
                "  expires = \"2027-03-31\"  # Q1",
                "  expires = \"2027-06-30\"  # Q1"
            )
        );
        assert!(renewed.contains("expires = \"2027-03-31\"\n"));
        let bare = "[[waiver]]\nexpires = 2027-03-31 # bare\n";
        assert_eq!(
            renew_text(bare, &[1], date!(2027 - 06 - 30)).as_deref(),
            Ok("[[waiver]]\nexpires = 2027-06-30 # bare\n")
        );
        assert!(renew_text("[[waiver]]\nscenario = \"x\"\n", &[1], TODAY).is_err());
    }
}
