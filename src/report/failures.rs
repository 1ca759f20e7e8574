//! The view's failures: the deviations several scenarios share, each failed scenario with its
//! findings, and what waivers did — each line in the words every printer shows.

use std::collections::BTreeMap;

use crate::evidence::Level;
use crate::results::{Finding, Outcome, Results, Scenario, WaiverState, format_date};

/// One deviation that several failed scenarios share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailureGroup<'r> {
    pub level: Level,
    pub expectation: &'r str,
    /// What was expected and what came.
    pub problem: &'r str,
    pub scenarios: Vec<&'r Scenario>,
}

/// A failed scenario (waived ones aside), and whether it counts at the run's `--fail-on`.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure<'r> {
    pub scenario: &'r Scenario,
    pub level: Level,
    pub counted: bool,
    /// Its findings, strongest level first.
    pub findings: Vec<&'r Finding>,
}

/// What waivers did in the run.
#[derive(Debug, Clone, PartialEq)]
pub struct Waivers<'r> {
    /// `N waivers: 2 applied, 1 stale.`
    pub words: String,
    pub waived: Vec<Waived<'r>>,
    /// Each waiver that did not apply, with what it means.
    pub notes: Vec<(WaiverState, String)>,
}

/// A waived scenario: the waivers that excuse it, and what it found.
#[derive(Debug, Clone, PartialEq)]
pub struct Waived<'r> {
    pub scenario: &'r Scenario,
    /// `waiver N (scenario …, expectation …): reason (issue)`, each waiver that excuses it.
    pub by: Vec<String>,
    /// `waived: feature / scenario [level], by …; … — found: [level] problem; …`.
    pub line: String,
}

/// `waiver N (scenario …, expectation …): reason (issue)`.
fn waiver_label(r: &Results, i: usize) -> String {
    r.run
        .waivers
        .get(i)
        .map_or(format!("waiver {}", i + 1), |w| {
            let w = &w.waiver;
            format!("{}: {} ({})", w.label(i), w.reason, w.issue)
        })
}

pub(super) fn waivers(r: &Results) -> Option<Waivers<'_>> {
    let list = &r.run.waivers;
    if list.is_empty() {
        return None;
    }
    let mut states: BTreeMap<&str, usize> = BTreeMap::new();
    for w in list {
        *states.entry(w.state.as_str()).or_default() += 1;
    }
    let states: Vec<String> = states.iter().map(|(s, n)| format!("{n} {s}")).collect();
    let waived = (r.scenarios.iter())
        .filter(|s| !s.waived_by.is_empty())
        .map(|s| {
            let by: Vec<String> = s.waived_by.iter().map(|i| waiver_label(r, *i)).collect();
            let found: Vec<String> = (s.findings.iter())
                .map(|f| format!("[{}] {}", f.level, f.problem))
                .collect();
            let level = s.judged_failed_at().map_or("", Level::as_str);
            let line = format!(
                "waived: {} [{level}], by {} — found: {}",
                s.label(),
                by.join("; "),
                found.join("; ")
            );
            Waived {
                scenario: s,
                by,
                line,
            }
        })
        .collect();
    let notes = (list.iter().enumerate())
        .filter_map(|(i, w)| {
            let label = w.waiver.label(i);
            let line = match w.state {
                WaiverState::Applied => return None,
                WaiverState::Stale => {
                    format!("stale waiver: the deviation is gone — remove it: {label} (the run fails for it)")
                }
                WaiverState::Expired => format!(
                    "warning: expired waiver (ignored, it waives nothing): {label}, expired on {}",
                    format_date(w.waiver.expires)
                ),
                WaiverState::Unexercised => format!(
                    "note: unexercised waiver (no scenario it names reached a verdict): {label}"
                ),
            };
            Some((w.state, line))
        })
        .collect();
    Some(Waivers {
        words: format!("{} waivers: {}.", list.len(), states.join(", ")),
        waived,
        notes,
    })
}

/// Deviations that several failed scenarios share (the same expectation, level and problem),
/// strongest level first, then most shared: one Content-Type that fails 66 scenarios reads as
/// one cause.
pub(super) fn failure_groups(r: &Results) -> Vec<FailureGroup<'_>> {
    let mut groups: BTreeMap<(Level, &str, &str), Vec<&Scenario>> = BTreeMap::new();
    for s in r
        .scenarios
        .iter()
        .filter(|s| s.outcome == Outcome::Failed && !s.is_waived())
    {
        for f in &s.findings {
            let list = groups
                .entry((f.level, &f.expectation, &f.problem))
                .or_default();
            if list.last().is_none_or(|last| last.id != s.id) {
                list.push(s);
            }
        }
    }
    let mut out: Vec<FailureGroup> = groups
        .into_iter()
        .filter(|(_, list)| list.len() > 1)
        .map(|((level, expectation, problem), scenarios)| FailureGroup {
            level,
            expectation,
            problem,
            scenarios,
        })
        .collect();
    out.sort_by_key(|g| (g.level, std::cmp::Reverse(g.scenarios.len())));
    out
}

/// Every failed scenario, waived ones aside, strongest level first.
pub(super) fn failures(r: &Results) -> Vec<Failure<'_>> {
    let mut out: Vec<Failure> = (r.scenarios.iter())
        .filter(|s| s.outcome == Outcome::Failed && !s.is_waived())
        .filter_map(|s| {
            Some(Failure {
                scenario: s,
                level: s.failed_at?,
                counted: s.counted,
                findings: s.findings_by_level(),
            })
        })
        .collect();
    out.sort_by(|a, b| {
        (a.level, &a.scenario.feature, &a.scenario.name).cmp(&(
            b.level,
            &b.scenario.feature,
            &b.scenario.name,
        ))
    });
    out
}
