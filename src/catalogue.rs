//! The error catalogues as data: every error answer the suite and the mock know, each with its
//! evidence level and source. Each action has its table (`features/ResetDisk.errors.tsv` is the
//! contract's: 20 rows, all documented); `features/common.errors.tsv` holds the platform's common
//! errors and the documented alternatives of each (other forms of a missing parameter, older
//! codes, other statuses). All are compiled in; the mock answers its errors from them.
//!
//! A row's status may be a class (`4xx`); its code and message may hold placeholders: `{name}` (a
//! parameter name, the same in the code and the message), `{any}` (any text), and
//! `{string-to-sign}` / `{canonical-request}` (the client's own, which the endpoint must echo). The
//! suite checks its feature files against these rows: every contract row has a scenario, and every
//! answer a scenario expects is a row here, which gives it its level and source.

use std::sync::OnceLock;

use std::borrow::Cow;

use crate::contract::editions::{self, Edition, Range};
use crate::evidence::Level;

/// An HTTP status, or a class of them (`4xx`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Exact(u16),
    /// The hundreds digit: `4` for `4xx`.
    Class(u16),
}

impl Status {
    pub fn matches(self, status: u16) -> bool {
        match self {
            Self::Exact(s) => s == status,
            Self::Class(c) => status / 100 == c,
        }
    }
}

impl std::str::FromStr for Status {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("status {s:?} is not a number or a class such as 4xx");
        match s.strip_suffix("xx") {
            Some(c) => c.parse().map(Self::Class).map_err(|_| bad()),
            None => s.parse().map(Self::Exact).map_err(|_| bad()),
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Exact(s) => write!(f, "{s}"),
            Self::Class(c) => write!(f, "{c}xx"),
        }
    }
}

/// An error answer: status, `Code` and `Message`, as a feature states it or a catalogue lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorAnswer {
    pub status: Status,
    pub code: String,
    pub message: String,
}

impl std::fmt::Display for ErrorAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} {:?}", self.status, self.code, self.message)
    }
}

/// One row of a catalogue: an answer and its evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueRow {
    pub answer: ErrorAnswer,
    pub level: Level,
    pub source: String,
    /// The editions of the contract it holds in (`crate::contract::editions`); every edition
    /// when the catalogue has no `editions` column.
    pub editions: Range,
}

/// One error answer: HTTP status, `Code` and `Message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub code: Cow<'static, str>,
    pub message: Cow<'static, str>,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status, self.code, self.message)
    }
}

/// The rows of one catalogue, in the file's order.
#[derive(Debug, Clone)]
pub struct Catalogue {
    pub name: &'static str,
    rows: Vec<CatalogueRow>,
}

const COMMON: &str = "common.errors.tsv";
/// The suffix of an action's table while no scenario judges it yet (below, [`Catalogue::pending`]).
const PENDING: &str = ".pending-errors.tsv";

impl Catalogue {
    /// Every catalogue compiled in: each action's (`features/{Action}.errors.tsv`), then the
    /// platform's common errors. The files are part of the crate, so a malformed line is a build
    /// defect that the unit tests catch; this never fails at run time for a tested build.
    pub fn all() -> &'static [Catalogue] {
        static ALL: OnceLock<Vec<Catalogue>> = OnceLock::new();
        ALL.get_or_init(|| {
            let mut all: Vec<Catalogue> = crate::embedded::features()
                .iter()
                .filter(|(name, _)| name.ends_with(".errors.tsv"))
                .map(|(name, text)| {
                    Self::parse(name, text).unwrap_or_else(|e| panic!("features/{name}: {e}"))
                })
                .collect();
            all.sort_by_key(|c| c.name == COMMON);
            all
        })
    }

    /// The catalogue of `action`, if it has one: the one the suite judges, else a pending one.
    pub fn of(action: &str) -> Option<&'static Self> {
        (Self::all().iter())
            .chain(Self::pending())
            .find(|c| c.action() == Some(action))
    }

    /// The tables of actions the mock answers from but no scenario judges yet
    /// (`features/{Action}.pending-errors.tsv`, in the format of the others). They are not among
    /// [`Catalogue::all`]: the coverage check, the metadata's drift watch and the faults a world
    /// may schedule read only the judged ones, so a pending table claims nothing in a run. Renamed
    /// to `{Action}.errors.tsv`, a table is judged, and every check then holds it to its rows.
    pub fn pending() -> &'static [Catalogue] {
        static PENDING_ALL: OnceLock<Vec<Catalogue>> = OnceLock::new();
        PENDING_ALL.get_or_init(|| {
            crate::embedded::features()
                .iter()
                .filter(|(name, _)| name.ends_with(PENDING))
                .map(|(name, text)| {
                    Self::parse(name, text).unwrap_or_else(|e| panic!("features/{name}: {e}"))
                })
                .collect()
        })
    }

    /// The platform's common errors and documented alternatives.
    pub fn common() -> &'static Self {
        Self::all()
            .iter()
            .find(|c| c.name == COMMON)
            .expect("features/common.errors.tsv is compiled in")
    }

    /// The action this catalogue belongs to; `None` for the common errors.
    pub fn action(&self) -> Option<&str> {
        (self.name.strip_suffix(PENDING))
            .or_else(|| self.name.strip_suffix(".errors.tsv"))
            .filter(|_| self.name != COMMON)
    }

    /// Parses `status<TAB>code<TAB>message<TAB>level<TAB>source[<TAB>editions]` lines; `#`
    /// comments and the header line are skipped. Every column but `editions` is required.
    pub fn parse(name: &'static str, tsv: &str) -> Result<Self, String> {
        let mut rows = Vec::new();
        for (i, line) in tsv.lines().enumerate() {
            if line.starts_with('#') || line.trim().is_empty() || line.starts_with("status\t") {
                continue;
            }
            let at = |e: String| format!("{name} line {}: {e}", i + 1);
            let cols: Vec<&str> = line.split('\t').collect();
            let (status, code, message, level, source, range) = match cols[..] {
                [status, code, message, level, source] => {
                    (status, code, message, level, source, None)
                }
                [status, code, message, level, source, range] => {
                    (status, code, message, level, source, Some(range))
                }
                _ => return Err(at("expected 5 or 6 tab-separated columns".into())),
            };
            if [code, message, source].iter().any(|c| c.trim().is_empty()) {
                return Err(at("code, message and source must not be empty".into()));
            }
            rows.push(CatalogueRow {
                answer: ErrorAnswer {
                    status: status.parse().map_err(at)?,
                    code: code.to_owned(),
                    message: message.to_owned(),
                },
                level: level.parse().map_err(at)?,
                source: source.to_owned(),
                editions: range.map_or(Ok(Range::ALL), str::parse).map_err(at)?,
            });
        }
        Ok(Self { name, rows })
    }

    /// Every row, of every edition.
    pub fn rows(&self) -> &[CatalogueRow] {
        &self.rows
    }

    /// The rows that hold in `edition`.
    pub fn rows_in<'a>(&'a self, edition: &'a Edition) -> impl Iterator<Item = &'a CatalogueRow> {
        self.rows.iter().filter(|r| r.editions.contains(edition))
    }

    /// The row that states `answer`, a feature's expectation: the same status (or class), and a
    /// code and message that fit the row's, placeholders filled consistently.
    pub fn find(&self, answer: &ErrorAnswer) -> Option<&CatalogueRow> {
        self.rows.iter().find(|r| r.states(answer))
    }

    /// The first row with `code`, for the code paths that name a contract row by its code.
    pub fn by_code(&self, code: &str) -> Option<&CatalogueRow> {
        self.rows.iter().find(|r| r.answer.code == code)
    }

    /// The error the mock answers for `code`: the first row with that code and an exact status.
    /// The catalogues are compiled in, and each action's tests resolve every code it names, so
    /// this cannot fail in a tested build.
    pub fn error(&self, code: &str) -> ApiError {
        self.answer(code)
            .unwrap_or_else(|| panic!("{code} is not in features/{}", self.name))
    }

    /// The error of the first row with the code pattern `code`, an exact status, and every
    /// placeholder of `fill` in its message, with those placeholders filled (in code and
    /// message). `{any}` takes the `any` values of `fill` in order.
    pub fn fill(&self, code: &str, fill: &[(&str, &str)]) -> Option<ApiError> {
        let row = self.rows.iter().find(|r| {
            matches!(r.answer.status, Status::Exact(_))
                && r.answer.code == code
                && fill
                    .iter()
                    .all(|(k, _)| r.answer.message.contains(&format!("{{{k}}}")))
        })?;
        let Status::Exact(status) = row.answer.status else {
            return None;
        };
        let code = substitute(&row.answer.code, fill);
        let message = substitute(&row.answer.message, fill);
        Some(ApiError {
            status,
            code: code.into(),
            message: message.into(),
        })
    }

    /// The error for `code` in the newest edition, if a row with that code has an exact status.
    pub fn answer(&self, code: &str) -> Option<ApiError> {
        self.answer_in(code, editions::latest())
    }

    /// The error for `code` in `edition`: the first row of that edition with the code and an
    /// exact status.
    pub fn answer_in(&self, code: &str, edition: &Edition) -> Option<ApiError> {
        self.rows_in(edition)
            .filter(|r| r.answer.code == code)
            .find_map(CatalogueRow::api_error)
    }
}

/// `template` with each `{key}` of `fill` replaced, in one pass from the left (so a value that
/// itself reads `{any}` is never filled again); `{any}` takes the `any` values in order.
fn substitute(template: &str, fill: &[(&str, &str)]) -> String {
    let mut anys = fill.iter().filter(|(k, _)| *k == "any").map(|(_, v)| *v);
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        let Some(close) = after.find('}') else {
            out.push_str(after);
            return out;
        };
        let key = &after[1..close];
        let value = if key == "any" {
            anys.next()
        } else {
            fill.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
        };
        out.push_str(value.unwrap_or(&after[..=close]));
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// Where a feature's expectation is looked up: the first catalogue that has it (the actions',
/// then the common errors).
pub fn find(answer: &ErrorAnswer) -> Option<&'static CatalogueRow> {
    Catalogue::all().iter().find_map(|c| c.find(answer))
}

impl CatalogueRow {
    /// The error this row answers, as written, when its status is exact (not a class such as
    /// `4xx`); placeholders are filled by [`Catalogue::fill`].
    pub fn api_error(&self) -> Option<ApiError> {
        let Status::Exact(status) = self.answer.status else {
            return None;
        };
        Some(ApiError {
            status,
            code: self.answer.code.clone().into(),
            message: self.answer.message.clone().into(),
        })
    }

    /// The error this row answers with its placeholders filled as [`Catalogue::fill`] fills
    /// them (`{any}` takes the `any` values in order), when its status is exact.
    pub fn filled(&self, fill: &[(&str, &str)]) -> Option<ApiError> {
        let e = self.api_error()?;
        Some(ApiError {
            code: substitute(&e.code, fill).into(),
            message: substitute(&e.message, fill).into(),
            ..e
        })
    }

    /// Whether this row states `answer`: `{name}` in the row stands for one parameter name (the
    /// same in code and message); other placeholders must appear in the answer as they are.
    pub fn states(&self, answer: &ErrorAnswer) -> bool {
        if self.answer.status != answer.status {
            return false;
        }
        let Some(code_name) = fill_name(&self.answer.code, &answer.code) else {
            return false;
        };
        let Some(message_name) = fill_name(&self.answer.message, &answer.message) else {
            return false;
        };
        match (code_name, message_name) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        }
    }
}

/// Matches `text` against `template`, where `{name}` stands for a parameter name. `None`: no
/// match; `Some(None)`: a match without `{name}`; `Some(Some(n))`: a match with `{name}` = n.
fn fill_name(template: &str, text: &str) -> Option<Option<String>> {
    let Some((head, tail)) = template.split_once("{name}") else {
        return (template == text).then_some(None);
    };
    let name_and_rest = text.strip_prefix(head)?;
    // A name is letters and digits, or a flattened one (`Tag.1.Key`): the longest that leaves
    // the rest of the template matching.
    let run = name_and_rest
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '.'))
        .map_or(name_and_rest.len(), |(i, _)| i);
    (1..=run).rev().find_map(|end| {
        let (name, rest) = name_and_rest.split_at(end);
        let whole = !name.ends_with('.') && !name.starts_with('.');
        (whole && rest == tail.replace("{name}", name)).then(|| Some(name.to_owned()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substitution_keeps_what_it_cannot_fill() {
        assert_eq!(substitute("abc {x", &[("x", "y")]), "abc {x");
        assert_eq!(
            substitute("{a} {b} {any} {any}", &[("a", "1"), ("any", "2")]),
            "1 {b} 2 {any}"
        );
    }

    fn answer(status: &str, code: &str, message: &str) -> ErrorAnswer {
        ErrorAnswer {
            status: status.parse().unwrap(),
            code: code.into(),
            message: message.into(),
        }
    }

    #[test]
    fn every_row_of_every_catalogue_has_a_level_and_a_source() {
        assert!(Catalogue::all().len() >= 2);
        for c in Catalogue::all().iter().chain(Catalogue::pending()) {
            assert!(!c.rows().is_empty(), "{}", c.name);
            for r in c.rows() {
                assert!(!r.source.trim().is_empty(), "{}: {}", c.name, r.answer);
            }
        }
    }

    #[test]
    fn a_pending_table_is_its_action_s_but_not_judged() {
        // The rollback actions' tables are judged now; a next action's may be pending a while.
        for judged in ["StopInstance", "StartInstance", "CreateSnapshot"] {
            assert!(
                (Catalogue::all().iter()).any(|c| c.action() == Some(judged)),
                "{judged}'s table is judged"
            );
        }
        for c in Catalogue::pending() {
            let action = c.action().expect("a pending table names its action");
            assert_eq!(Catalogue::of(action).map(|o| o.name), Some(c.name));
            assert!(
                Catalogue::all().iter().all(|j| j.action() != Some(action)),
                "{action} has a judged table and a pending one"
            );
        }
    }

    #[test]
    fn any_placeholders_are_filled_in_order() {
        let row = CatalogueRow {
            answer: answer("403", "Q", "disk {any} over ({any})."),
            level: Level::Documented,
            source: "s".into(),
            editions: Range::ALL,
        };
        let e = row.filled(&[("any", "d-1"), ("any", "2")]).unwrap();
        assert_eq!((e.status, e.message.as_ref()), (403, "disk d-1 over (2)."));
    }

    #[test]
    fn name_placeholders_bind_one_parameter_in_code_and_message() {
        let c = Catalogue::common();
        let missing = c
            .find(&answer(
                "400",
                "MissingDiskId",
                "DiskId is mandatory for this action.",
            ))
            .unwrap();
        assert_eq!(missing.answer.code, "Missing{name}");
        assert!(
            c.find(&answer(
                "400",
                "MissingDiskId",
                "SnapshotId is mandatory for this action."
            ))
            .is_none(),
            "the name must be the same in code and message"
        );
        assert!(c
            .find(&answer(
                "400",
                "MissingParameter.SnapshotId",
                "The input parameter \"SnapshotId\" that is mandatory for processing this request is not supplied."
            ))
            .is_some());
    }

    #[test]
    fn statuses_may_be_classes() {
        assert!("4xx".parse::<Status>().unwrap().matches(404));
        assert!(!"4xx".parse::<Status>().unwrap().matches(500));
        assert_eq!("403".parse::<Status>(), Ok(Status::Exact(403)));
        assert!("4x".parse::<Status>().is_err());
    }

    #[test]
    fn parse_reports_the_bad_line_and_missing_evidence() {
        let e = Catalogue::parse("t", "# c\nstatus\tcode\tmessage\tlevel\tsource\n404\tX\n")
            .unwrap_err();
        assert_eq!(e, "t line 3: expected 5 or 6 tab-separated columns");
        assert!(
            Catalogue::parse("t", "404\tX\tm\tdocumented\t ")
                .unwrap_err()
                .contains("must not be empty")
        );
        assert!(
            Catalogue::parse("t", "404\tX\tm\tguessed\ts")
                .unwrap_err()
                .contains("unknown level")
        );
    }
}
