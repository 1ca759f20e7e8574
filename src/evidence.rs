//! Evidence levels, and the table of every generic check the suite makes
//! (`features/expectations.tsv`): each has an id, a level and a source.
//!
//! Levels are ordered by strength of evidence: `documented` (the contract, or Alibaba Cloud's
//! documentation) before `observed` (real answers, or what official clients depend on) before
//! `chosen` (what neither fixes: the mock's pick, written in docs/choices.md). A run counts the
//! failures up to its `--fail-on` level; every level is always evaluated. Error answers carry their
//! own levels in the catalogues (`crate::catalogue`); code names checks by id and never decides a
//! level itself.

use std::sync::OnceLock;

/// How strong the evidence for an expectation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Documented,
    Observed,
    Chosen,
}

impl Level {
    pub const ALL: [Self; 3] = [Self::Documented, Self::Observed, Self::Chosen];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Documented => "documented",
            Self::Observed => "observed",
            Self::Chosen => "chosen",
        }
    }
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Level {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|l| l.as_str() == s)
            .ok_or_else(|| format!("unknown level {s:?}: expected documented, observed or chosen"))
    }
}

impl serde::Serialize for Level {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Level {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <String as serde::Deserialize>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// One generic check: what it checks, at which level, on what evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expectation {
    pub id: String,
    pub level: Level,
    pub source: String,
    pub statement: String,
}

/// The ids the code checks by. Each must have a row in `features/expectations.tsv`, and each row
/// must be one of these (a unit test holds the two together).
pub mod ids {
    pub const ANSWER_RECEIVED: &str = "answer.received";
    pub const SETUP: &str = "setup";
    pub const FORMAT_V1_FORMAT: &str = "format.v1-format";
    pub const FORMAT_V1_DEFAULT: &str = "format.v1-default";
    pub const FORMAT_V3_DEFAULT: &str = "format.v3-default";
    pub const FORMAT_V3_FORMAT: &str = "format.v3-format";
    pub const BODY_WELL_FORMED: &str = "body.well-formed";
    pub const CONTENT_TYPE_XML: &str = "content-type.xml";
    pub const CONTENT_TYPE_JSON: &str = "content-type.json";
    pub const CONTENT_TYPE_JSON_EXACT: &str = "content-type.json-exact";
    pub const REQUEST_ID_PRESENT: &str = "request-id.present";
    pub const REQUEST_ID_UUID: &str = "request-id.uuid";
    pub const REQUEST_ID_UPPERCASE: &str = "request-id.uppercase";
    pub const ERROR_ROOT: &str = "error.root";
    pub const ERROR_FIELDS: &str = "error.fields";
    pub const ERROR_HOST_ID: &str = "error.host-id";
    pub const ERROR_KNOWN_FIELDS: &str = "error.known-fields";
    pub const ERROR_ORDER: &str = "error.order";
    pub const ERROR_RECOMMEND: &str = "error.recommend";
    pub const ERROR_EXACT_FIELDS: &str = "error.exact-fields";
    pub const SUCCESS_STATUS: &str = "success.status";
    pub const SUCCESS_ROOT: &str = "success.root";
    pub const SUCCESS_FIELDS: &str = "success.fields";
    pub const SUCCESS_EXACT_FIELDS: &str = "success.exact-fields";
    pub const RECORDED_ANSWER: &str = "recorded-answer";
    pub const PARITY: &str = "parity";
    pub const ROLLED_BACK: &str = "rolled-back";
    pub const ONE_RESET_WINS: &str = "one-reset-wins";
    pub const DRY_RUN_CHANGES_NOTHING: &str = "dry-run.changes-nothing";
    pub const SIGNATURE_CHECKED: &str = "signature.checked";
    pub const STOPPED: &str = "stopped";
    pub const STARTED: &str = "started";
    pub const SNAPSHOT_CREATED: &str = "snapshot.created";
    pub const TRANSITION_POLLED: &str = "transition.polled";
    pub const SHAPE_FIELD_TYPE: &str = "shape.field-type";
    pub const SHAPE_FIELD_PRESENT: &str = "shape.field-present";
    pub const SHAPE_PARITY: &str = "shape.parity";

    pub const ALL: &[&str] = &[
        ANSWER_RECEIVED,
        SETUP,
        FORMAT_V1_FORMAT,
        FORMAT_V1_DEFAULT,
        FORMAT_V3_DEFAULT,
        FORMAT_V3_FORMAT,
        BODY_WELL_FORMED,
        CONTENT_TYPE_XML,
        CONTENT_TYPE_JSON,
        CONTENT_TYPE_JSON_EXACT,
        REQUEST_ID_PRESENT,
        REQUEST_ID_UUID,
        REQUEST_ID_UPPERCASE,
        ERROR_ROOT,
        ERROR_FIELDS,
        ERROR_HOST_ID,
        ERROR_KNOWN_FIELDS,
        ERROR_ORDER,
        ERROR_RECOMMEND,
        ERROR_EXACT_FIELDS,
        SUCCESS_STATUS,
        SUCCESS_ROOT,
        SUCCESS_FIELDS,
        SUCCESS_EXACT_FIELDS,
        RECORDED_ANSWER,
        PARITY,
        ROLLED_BACK,
        ONE_RESET_WINS,
        DRY_RUN_CHANGES_NOTHING,
        SIGNATURE_CHECKED,
        STOPPED,
        STARTED,
        SNAPSHOT_CREATED,
        TRANSITION_POLLED,
        SHAPE_FIELD_TYPE,
        SHAPE_FIELD_PRESENT,
        SHAPE_PARITY,
    ];
}

const TSV: &str = include_str!("../features/expectations.tsv");

/// Parses `id<TAB>level<TAB>source<TAB>statement` lines; `#` comments and the header are skipped.
/// Every field must be present and non-empty, and ids unique.
pub fn parse(tsv: &str) -> Result<Vec<Expectation>, String> {
    let mut out: Vec<Expectation> = Vec::new();
    for (i, line) in tsv.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() || line.starts_with("id\t") {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let [id, level, source, statement] = cols[..] else {
            return Err(format!("line {}: expected 4 tab-separated columns", i + 1));
        };
        if [id, source, statement].iter().any(|c| c.trim().is_empty()) {
            return Err(format!(
                "line {}: id, source and statement must not be empty",
                i + 1
            ));
        }
        let level = level.parse().map_err(|e| format!("line {}: {e}", i + 1))?;
        if out.iter().any(|e| e.id == id) {
            return Err(format!("line {}: id {id:?} appears twice", i + 1));
        }
        out.push(Expectation {
            id: id.to_owned(),
            level,
            source: source.to_owned(),
            statement: statement.to_owned(),
        });
    }
    Ok(out)
}

/// Every generic check, from `features/expectations.tsv`. The file is compiled in; a malformed
/// one is a build defect that the unit tests catch.
pub fn expectations() -> &'static [Expectation] {
    static TABLE: OnceLock<Vec<Expectation>> = OnceLock::new();
    TABLE.get_or_init(|| parse(TSV).expect("features/expectations.tsv is well formed"))
}

/// The expectation `id` (one of [`ids`]); the unit tests prove each has a row.
pub fn expectation(id: &str) -> &'static Expectation {
    expectations()
        .iter()
        .find(|e| e.id == id)
        .unwrap_or_else(|| panic!("expectation {id:?} has no row in features/expectations.tsv"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_check_the_code_makes_has_a_level_and_a_source_and_no_row_is_stale() {
        let table = expectations();
        for id in ids::ALL {
            let e = table.iter().find(|e| e.id == *id);
            assert!(e.is_some(), "{id} has no row in features/expectations.tsv");
        }
        for e in table {
            assert!(
                ids::ALL.contains(&e.id.as_str()),
                "{} is not checked by any code",
                e.id
            );
        }
    }

    #[test]
    fn rows_without_a_level_or_a_source_are_refused() {
        assert!(
            parse("a\tdocumented\t\tx")
                .unwrap_err()
                .contains("must not be empty")
        );
        assert!(
            parse("a\tmaybe\ts\tx")
                .unwrap_err()
                .contains("unknown level")
        );
        assert!(
            parse("a\tchosen\ts")
                .unwrap_err()
                .contains("4 tab-separated")
        );
        assert!(
            parse("a\tchosen\ts\tx\na\tchosen\ts\tx")
                .unwrap_err()
                .contains("twice")
        );
    }

    #[test]
    fn levels_are_ordered_by_strength_of_evidence() {
        assert!(Level::Documented < Level::Observed && Level::Observed < Level::Chosen);
        assert_eq!("observed".parse::<Level>(), Ok(Level::Observed));
    }
}
