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

use super::summary::{Outcome, Report, ScenarioResult};
use super::verdict::{self, Finding};
use crate::evidence::Level;

/// One waiver, as its file states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiver {
    /// Its position in the file, from 1: how messages name it.
    pub number: usize,
    /// A scenario id (`feature-slug/scenario-slug`); `*` matches any run of characters.
    pub scenario: String,
    /// The expectation id it excuses (a finding's `expectation`).
    pub expectation: String,
    /// The deviation it expects: a substring of the finding's problem.
    pub received: Option<String>,
    pub reason: String,
    /// Where the deviation is tracked: required.
    pub issue: String,
    /// The last day it is in force: required, at most a year after the day it was read.
    pub expires: Date,
}

/// What became of a waiver in one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaiverState {
    /// In force, and its deviation occurred.
    Applied,
    /// In force, a scenario it names reached a verdict, and its deviation did not occur: the run
    /// fails until it is removed.
    Stale,
    /// Past its expiry on the run's date: ignored, it waives nothing.
    Expired,
    /// In force, but no scenario it names reached a verdict (a selection, scenarios not run):
    /// nothing can be said.
    Unexercised,
}

impl WaiverState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Applied => "applied",
            Self::Stale => "stale",
            Self::Expired => "expired",
            Self::Unexercised => "unexercised",
        }
    }
}

/// A scenario excused by waivers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waived {
    /// The waivers (indices into the run's list) that matched its findings.
    pub by: Vec<usize>,
    /// The strongest level of its findings no waiver matched: all beyond the run's `--fail-on`.
    pub residual: Option<Level>,
}

/// A run's waivers, and the state each ended in.
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

/// `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(
        text,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| format!("{text:?} is not a date (YYYY-MM-DD)"))
}

/// `YYYY-MM-DD`.
pub fn format_date(date: Date) -> String {
    date.format(time::macros::format_description!("[year]-[month]-[day]"))
        .unwrap_or_default()
}

/// Whether `pattern` (`*` matches any run of characters, every other character itself) matches
/// the whole of `text`.
pub fn glob(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
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

impl Waiver {
    /// `waiver N (scenario …, expectation …)`: how messages name it.
    pub fn label(&self) -> String {
        format!(
            "waiver {} (scenario {}, expectation {}{})",
            self.number,
            self.scenario,
            self.expectation,
            self.received
                .as_deref()
                .map(|r| format!(", received {r:?}"))
                .unwrap_or_default()
        )
    }

    /// In force on `date`: it expires at the end of its `expires` day.
    pub fn in_force(&self, date: Date) -> bool {
        self.expires >= date
    }

    /// Whether it names the scenario of this stable id.
    pub fn names(&self, scenario_id: &str) -> bool {
        glob(&self.scenario, scenario_id)
    }

    /// Whether it matches this finding of the scenario `scenario_id`.
    pub fn matches(&self, scenario_id: &str, expectation: &str, problem: &str) -> bool {
        self.names(scenario_id)
            && self.expectation == expectation
            && self.received.as_deref().is_none_or(|r| problem.contains(r))
    }
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
                number,
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

    /// Marks `result` waived when it failed at `fail_on` or a stronger level and every finding of
    /// those levels is matched by a waiver in force on `date`. A scenario that also fails in a way
    /// no waiver matches stays a failure. Its findings are kept either way.
    pub fn apply(&self, result: &mut ScenarioResult, fail_on: Level, date: Date) {
        // Its outcome for the editions it judges: a scenario the run's gated edition does not
        // judge is waived for those it does.
        let Outcome::Failed { level } = *result.judged() else {
            return;
        };
        if level > fail_on {
            return;
        }
        let slug = result.id.slug();
        let mut by = Vec::new();
        let mut residual: Option<Level> = None;
        for f in &result.findings {
            let matched: Vec<usize> = (self.list.iter().enumerate())
                .filter(|(_, w)| w.in_force(date) && w.matches(&slug, &f.expectation, &f.problem))
                .map(|(i, _)| i)
                .collect();
            if matched.is_empty() {
                if f.level <= fail_on {
                    return;
                }
                residual = Some(residual.map_or(f.level, |r| r.min(f.level)));
            }
            by.extend(matched);
        }
        by.sort_unstable();
        by.dedup();
        if !by.is_empty() {
            result.waived = Some(Waived { by, residual });
        }
    }

    /// What became of each waiver in a run of `date` with these results: expired, applied (a
    /// finding of a scenario that reached a verdict matched it), stale (a scenario it names
    /// reached a verdict, and no finding matched), else unexercised.
    pub fn states(&self, results: &[ScenarioResult], date: Date) -> Vec<WaiverState> {
        self.list
            .iter()
            .map(|w| {
                if !w.in_force(date) {
                    return WaiverState::Expired;
                }
                let mut ran = results
                    .iter()
                    .filter(|r| r.judged().ran() && w.names(&r.id.slug()))
                    .peekable();
                if ran.peek().is_none() {
                    return WaiverState::Unexercised;
                }
                let slug_matches = |r: &ScenarioResult| {
                    let slug = r.id.slug();
                    r.findings
                        .iter()
                        .any(|f| w.matches(&slug, &f.expectation, &f.problem))
                };
                if ran.any(slug_matches) {
                    WaiverState::Applied
                } else {
                    WaiverState::Stale
                }
            })
            .collect()
    }
}

/// What the summary says of waivers: the scenarios waived, with the waivers that excuse them
/// and their findings; each stale waiver; each expired one.
pub(super) fn summary(report: &Report) -> String {
    let mut out = String::new();
    let waived: Vec<&ScenarioResult> = report.results.iter().filter(|r| r.is_waived()).collect();
    if !waived.is_empty() {
        out.push_str(&format!(
            "\nWaived ({}: failed at --fail-on {} only as waivers in force expect; not counted):\n",
            waived.len(),
            report.fail_on
        ));
    }
    for r in waived {
        let findings: Vec<&Finding> = r.findings.iter().collect();
        out.push_str(&format!(
            "~ [waived] {}\n    {}\n",
            r.name(),
            verdict::describe(&findings).replace('\n', "\n    ")
        ));
        for i in r.waived.iter().flat_map(|w| &w.by) {
            if let Some((w, _)) = report.waivers.get(*i) {
                out.push_str(&format!(
                    "    by {}: {} ({})\n",
                    w.label(),
                    w.reason,
                    w.issue
                ));
            }
        }
    }
    for (w, state) in &report.waivers {
        match state {
            WaiverState::Stale => out.push_str(&format!(
                "✘ stale waiver: the deviation is gone — remove it: {}\n",
                w.label()
            )),
            WaiverState::Expired => out.push_str(&format!(
                "warning: expired waiver (ignored, it waives nothing): {} expired on {}\n",
                w.label(),
                super::waivers::format_date(w.expires)
            )),
            WaiverState::Unexercised => out.push_str(&format!(
                "note: unexercised waiver (no scenario it names reached a verdict): {}\n",
                w.label()
            )),
            WaiverState::Applied => {}
        }
    }
    out
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
    use crate::suite::{Finding, ScenarioId, Verdict};
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
            (w.number, w.expires, w.received.as_deref()),
            (1, date!(2027 - 03 - 31), Some("application/xml"))
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

    #[test]
    fn globs_match_the_whole_id() {
        assert!(glob("a/*", "a/b-c"));
        assert!(glob("*", "anything/at-all"));
        assert!(glob("a/*-xml", "a/b-xml"));
        assert!(glob("a/b", "a/b"));
        assert!(!glob("a/b", "a/bc"));
        assert!(!glob("a/*-xml", "a/b-json"));
        assert!(!glob("b/*", "a/b"));
        assert!(glob("*b*", "abc"));
        assert!(!glob("a*a", "a"));
    }

    fn finding(expectation: &str, level: Level, problem: &str) -> Finding {
        Finding {
            expectation: expectation.into(),
            level,
            source: "s".into(),
            problem: problem.into(),
        }
    }

    fn failed(findings: Vec<Finding>) -> ScenarioResult {
        let level = findings.iter().map(|f| f.level).min();
        ScenarioResult {
            outcome: level.map_or(Outcome::Passed, |level| Outcome::Failed { level }),
            findings,
            ..ScenarioResult::not_run(
                ScenarioId::new(
                    "ResetDisk errors: the account",
                    "UserNotInTheWhiteList (XML)",
                ),
                vec![],
                String::new(),
            )
        }
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
        assert_eq!(
            r.waived,
            Some(Waived {
                by: vec![0],
                residual: Some(Level::Chosen)
            })
        );
        assert!(!r.fails_at(Level::Observed) && r.fails_at(Level::Chosen));
        assert_eq!(r.findings.len(), 2, "findings are never dropped");
        // At --fail-on chosen the chosen finding counts, and no waiver matches it.
        let mut chosen = r.clone();
        chosen.waived = None;
        waivers.apply(&mut chosen, Level::Chosen, TODAY);
        assert_eq!(chosen.waived, None);
        // Failing differently: an extra counted finding no waiver matches.
        let mut differently = failed(vec![
            finding("content-type.xml", Level::Observed, CT),
            finding("error.answer", Level::Documented, "Code: expected X, got Y"),
        ]);
        waivers.apply(&mut differently, Level::Observed, TODAY);
        assert_eq!(differently.waived, None);
        assert!(differently.fails_at(Level::Documented));
        // Another deviation of the same expectation is not the one waived.
        let mut other = failed(vec![finding(
            "content-type.xml",
            Level::Observed,
            "Content-Type: expected \"text/xml;charset=utf-8\", got \"text/html\"",
        )]);
        waivers.apply(&mut other, Level::Observed, TODAY);
        assert_eq!(other.waived, None);
        // Expired: waives nothing.
        let mut late = failed(vec![finding("content-type.xml", Level::Observed, CT)]);
        waivers.apply(&mut late, Level::Observed, date!(2027 - 04 - 01));
        assert_eq!(late.waived, None);
        let mut last_day = late.clone();
        waivers.apply(&mut last_day, Level::Observed, date!(2027 - 03 - 31));
        assert!(last_day.waived.is_some(), "in force through its last day");
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
        let not_run = ScenarioResult::not_run(deviating.id.clone(), vec![], "x".into());
        assert_eq!(
            waivers.states(&[not_run], TODAY)[0],
            WaiverState::Unexercised
        );
    }

    #[test]
    fn a_waived_scenario_is_counted_apart_and_a_stale_waiver_fails_the_run() {
        let waivers = Waivers::parse(&file(GOOD), TODAY).expect("read");
        let mut waived = failed(vec![finding("content-type.xml", Level::Observed, CT)]);
        waivers.apply(&mut waived, Level::Observed, TODAY);
        let report = |results: Vec<ScenarioResult>| {
            let states = waivers.states(&results, TODAY);
            Report {
                results,
                elapsed: std::time::Duration::ZERO,
                fail_on: Level::Observed,
                suite_problems: vec![],
                stopped_answering: None,
                edition: crate::contract::editions::latest(),
                waivers: waivers.list.iter().cloned().zip(states).collect(),
            }
        };
        let r = report(vec![waived, failed(vec![])]);
        assert_eq!((r.passed(), r.failed(), r.waived()), (1, 0, 1));
        assert_eq!(r.failed_at(Level::Observed), 0);
        assert_eq!(r.exit_status(), 0);
        let text = r.summary();
        assert!(text.contains("1 passed, 0 failed, 1 waived"), "{text}");
        assert!(text.contains("by waiver 1 (scenario resetdisk-errors-the-account/*"));
        let stale = report(vec![failed(vec![])]);
        assert_eq!(stale.exit_status(), 1);
        assert!(
            stale
                .summary()
                .contains("✘ stale waiver: the deviation is gone — remove it: waiver 1")
        );
        let elsewhere = ScenarioResult {
            id: ScenarioId::new("Formats", "XML by default"),
            ..failed(vec![])
        };
        let unexercised = report(vec![elsewhere]);
        assert_eq!(unexercised.exit_status(), 0);
        assert!(unexercised.summary().contains(
            "note: unexercised waiver (no scenario it names reached a verdict): waiver 1"
        ));
    }

    #[test]
    fn a_scenario_of_another_edition_is_waived_for_the_editions_it_judges() {
        use crate::contract::editions;
        let waivers = Waivers::parse(&file(GOOD), TODAY).expect("read");
        let older = (editions::all().iter())
            .find(|e| e.name == "2019-07-12")
            .expect("the 2019-07-12 edition");
        let scenario = || {
            let mut r = failed(vec![finding("content-type.xml", Level::Observed, CT)]);
            r.tags = vec!["editions:2019-07-12..2022-04-13".into()];
            crate::suite::editions::gate(r, editions::latest())
        };
        let report = |results: Vec<ScenarioResult>| Report {
            waivers: (waivers.list.iter().cloned())
                .zip(waivers.states(&results, TODAY))
                .collect(),
            results,
            elapsed: std::time::Duration::ZERO,
            fail_on: Level::Observed,
            suite_problems: vec![],
            stopped_answering: None,
            edition: editions::latest(),
        };
        let unwaived = report(vec![scenario()]);
        assert_eq!(unwaived.verdict_in(older, Level::Observed), Verdict::Failed);
        let mut waived = scenario();
        waivers.apply(&mut waived, Level::Observed, TODAY);
        let r = report(vec![waived]);
        assert_eq!(r.verdict_in(older, Level::Observed), Verdict::Passed);
        assert_eq!(r.waivers[0].1, WaiverState::Applied);
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
