//! The view's scenarios without a verdict for the gated edition: not run (setup failures by
//! cause, harness stalls under one heading), of other editions (by the editions they judge),
//! left unjudged by a silent endpoint, and the expectations the target could not show.

use std::collections::BTreeMap;

use crate::results::{Cause, Outcome, Results, Scenario};

/// Scenarios not run, for one reason (setup failures by cause, what differs masked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotRunGroup<'r> {
    pub kind: NotRunKind,
    pub heading: String,
    /// Each scenario, with what it adds (how long the harness stalled).
    pub scenarios: Vec<(&'r Scenario, String)>,
}

/// Why scenarios of a [`NotRunGroup`] did not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NotRunKind {
    /// The target cannot run them (no world, throttled, a guard refused a call).
    Plain,
    /// Their state could not be prepared.
    Setup,
    /// A call timed out while the harness itself stalled.
    Stalled,
    /// The gated edition is not one they judge.
    OtherEditions,
}

/// The scenarios a silent endpoint left unjudged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unanswered<'r> {
    /// When it stopped answering, and what that means.
    pub words: String,
    /// By cause (what differs masked), each with its scenarios.
    pub groups: Vec<(String, Vec<&'r Scenario>)>,
    pub count: usize,
}

/// Expectations of one kind this target could not show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotChecked<'r> {
    pub expectation: &'r str,
    /// Each scenario, with what it could not check.
    pub entries: Vec<(&'r Scenario, &'r str)>,
}

/// The heading of the scenarios whose call timed out while the harness stalled; each names its
/// own figure.
pub const HARNESS_STALL: &str = "harness stall: a call's timeout elapsed while the runner itself \
     did not run, so an answer would have gone unheard — not the endpoint's silence, and no verdict on it";

/// What a setup failure means, before its causes.
pub const SETUP_FAILED: &str =
    "not run — the target could not be given the scenario's state, which judges nothing";

/// What "not checked on this target" means.
pub const NOT_CHECKED: &str = "Only the control API shows these; never counted as passed";

/// `reason` with what differs between scenarios of one cause masked (list indices, ids that are
/// UUIDs), so that setup failures group by cause.
pub fn cause_group(reason: &str) -> String {
    let mut out = String::with_capacity(reason.len());
    let mut rest = reason;
    while let Some(c) = rest.chars().next() {
        if c == '[' {
            let digits = rest[1..].chars().take_while(char::is_ascii_digit).count();
            if digits > 0 && rest[1 + digits..].starts_with(']') {
                out.push_str("[]");
                rest = &rest[2 + digits..];
                continue;
            }
        }
        if rest.get(..36).is_some_and(is_uuid) {
            out.push_str("<uuid>");
            rest = &rest[36..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

pub(super) fn unanswered(r: &Results) -> Option<Unanswered<'_>> {
    let silent: Vec<&Scenario> = (r.scenarios.iter())
        .filter(|s| s.for_want_of_an_answer())
        .collect();
    if silent.is_empty() {
        return None;
    }
    let after = match r.run.stopped_answering_after.as_deref() {
        Some("(none)") | None => "before answering any call".to_owned(),
        Some(name) => format!("after `{name}`"),
    };
    let again = if r.run.answered_again {
        " (and answered some calls again later)"
    } else {
        ""
    };
    let in_calls = silent
        .iter()
        .filter(|s| s.outcome == Outcome::NoAnswer)
        .count();
    let words = format!(
        "The endpoint stopped answering {after}{again}; that left {} scenarios unjudged ({in_calls} \
         with a call that got no answer, {} in their setup). Not a mismatch of any expectation; \
         the run fails for it.",
        silent.len(),
        silent.len() - in_calls
    );
    let mut groups: BTreeMap<String, Vec<&Scenario>> = BTreeMap::new();
    for s in &silent {
        let reason = s.reason.as_deref().unwrap_or("(no reason)");
        groups.entry(cause_group(reason)).or_default().push(s);
    }
    Some(Unanswered {
        words,
        count: silent.len(),
        groups: groups.into_iter().collect(),
    })
}

/// Scenarios not run for the gated edition, by reason: setup failures by cause (what differs per
/// scenario masked), harness stalls under one heading; or (`other_editions`) the scenarios of
/// other editions, by the editions they judge.
pub(super) fn not_run(r: &Results, other_editions: bool) -> Vec<NotRunGroup<'_>> {
    let mut out: BTreeMap<(NotRunKind, String), Vec<(&Scenario, String)>> = BTreeMap::new();
    let chosen = (r.scenarios.iter())
        .filter(|s| s.outcome == Outcome::NotRun && s.of_other_editions() == other_editions);
    for s in chosen {
        let reason = s.reason.as_deref().unwrap_or("(no reason)");
        let (kind, heading, note) = match s.cause {
            Some(Cause::Setup | Cause::SetupNoAnswer) => {
                (NotRunKind::Setup, cause_group(reason), String::new())
            }
            Some(Cause::HarnessStall) => (
                NotRunKind::Stalled,
                HARNESS_STALL.to_owned(),
                format!(
                    "stalled {:.1} s",
                    s.stalled_ms.unwrap_or_default() as f64 / 1e3
                ),
            ),
            Some(Cause::OtherEdition) => {
                (NotRunKind::OtherEditions, reason.to_owned(), String::new())
            }
            _ => (NotRunKind::Plain, reason.to_owned(), String::new()),
        };
        out.entry((kind, heading)).or_default().push((s, note));
    }
    out.into_iter()
        .map(|((kind, heading), scenarios)| NotRunGroup {
            kind,
            heading,
            scenarios,
        })
        .collect()
}

/// Every expectation a scenario could not check on this target, by the expectation.
pub(super) fn not_checked(r: &Results) -> Vec<NotChecked<'_>> {
    let mut by: BTreeMap<&str, Vec<(&Scenario, &str)>> = BTreeMap::new();
    for s in &r.scenarios {
        for e in &s.not_checked {
            let id = e.split(':').next().unwrap_or(e);
            by.entry(id).or_default().push((s, e.as_str()));
        }
    }
    by.into_iter()
        .map(|(expectation, entries)| NotChecked {
            expectation,
            entries,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setup_causes_group_without_indices_or_request_ids() {
        assert_eq!(
            cause_group(
                "setup failed: the control API refused the world: status 400: field `world.disks[12].tags`: unknown field"
            ),
            "setup failed: the control API refused the world: status 400: field `world.disks[].tags`: unknown field"
        );
        assert_eq!(
            cause_group(r#"got 403 {"RequestId":"0F2E4A77-7E5B-4C1C-9B43-6C1A4F0C2D11"} é[x]"#),
            r#"got 403 {"RequestId":"<uuid>"} é[x]"#
        );
    }
}
