//! A waiver (`run --waivers`, `docs/waivers.md`): which scenarios it names (a stable id, `*` a
//! glob), the expectation it excuses, optionally the deviation it expects, why, the issue that
//! tracks it, and its last day in force — and what became of it in a run. Read from a waivers
//! file by `suite::waivers`, written into `run.waivers` with its state.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::Date;

/// One waiver, as its file states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waiver {
    /// A scenario id (`feature-slug/scenario-slug`); `*` matches any run of characters.
    pub scenario: String,
    /// The expectation id it excuses (a finding's `expectation`).
    pub expectation: String,
    /// The deviation it expects: a substring of the finding's problem.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received: Option<String>,
    pub reason: String,
    /// Where the deviation is tracked: required.
    pub issue: String,
    /// The last day it is in force (`YYYY-MM-DD`): required, at most a year after the day it
    /// was read.
    #[serde(serialize_with = "write_date", deserialize_with = "read_date")]
    pub expires: Date,
}

/// What became of a waiver in one run: `applied`, `stale`, `expired` or `unexercised`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
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

/// A waiver of a run, and what became of it (`run.waivers`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunWaiver {
    #[serde(flatten)]
    pub waiver: Waiver,
    pub state: WaiverState,
}

impl Waiver {
    /// `waiver N (scenario …, expectation …)`: how messages name the waiver at `index` (from 0)
    /// of its file.
    pub fn label(&self, index: usize) -> String {
        format!(
            "waiver {} (scenario {}, expectation {}{})",
            index + 1,
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

fn write_date<S: Serializer>(date: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format_date(*date))
}

fn read_date<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
    parse_date(&String::deserialize(d)?).map_err(serde::de::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn a_run_s_waiver_is_written_with_its_state_after_its_terms() {
        let w = RunWaiver {
            waiver: Waiver {
                scenario: "f/*".into(),
                expectation: "e".into(),
                received: None,
                reason: "r".into(),
                issue: "i".into(),
                expires: time::macros::date!(2027 - 03 - 31),
            },
            state: WaiverState::Unexercised,
        };
        let text = serde_json::to_string(&w).unwrap();
        assert_eq!(
            text,
            r#"{"scenario":"f/*","expectation":"e","reason":"r","issue":"i","expires":"2027-03-31","state":"unexercised"}"#
        );
        assert_eq!(serde_json::from_str::<RunWaiver>(&text).unwrap(), w);
        assert!(serde_json::from_str::<RunWaiver>(&text.replace("2027-03-31", "soon")).is_err());
    }
}
