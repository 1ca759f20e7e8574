//! The reference and the metadata side by side: where an edition of the contract and a metadata
//! snapshot differ, for every action whose error table the suite judges (those with a
//! `features/<Action>.errors.tsv`). Error rows are compared by status, code and message;
//! parameters by name (against the edition's `features/<Action>.contract.tsv` where the action
//! has one, else the committed extract) and by type, style and required (against the committed
//! extract). A row only one source lists for a known reason is written down, with that reason and
//! its source, in `features/<Action>.metadata.tsv`, and set aside — until both sources agree on
//! it, which is a difference too (the reason is stale).
//!
//! `editions check FILE` prints these; the cross-check test holds `latest` against the committed
//! extract to none.

use std::fmt;
use std::sync::OnceLock;

use super::committed::{self, EXTRACT_PATH};
use super::model::Action;
use crate::catalogue::{Catalogue, CatalogueRow, Status};
use crate::contract::editions::{self, Edition, Range};

/// Which source alone lists a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The reference page (the action's catalogue), not the metadata.
    Reference,
    /// The metadata, not the reference.
    Metadata,
}

/// A row one source lists and the other does not, and why (`features/<Action>.metadata.tsv`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    pub action: &'static str,
    pub only_in: Side,
    pub status: &'static str,
    pub code: &'static str,
    pub message: &'static str,
    pub reason: &'static str,
    /// The editions in which one source alone lists it (an optional sixth column, every
    /// edition when absent): a row the metadata added or dropped between its snapshots.
    pub editions: Range,
}

impl Known {
    fn is(&self, status: &str, code: &str, message: &str) -> bool {
        (self.status, self.code, self.message) == (status, code, message)
    }
}

/// Every known difference, of every action, in the files' order. The files are compiled in and
/// parsed by the unit tests, so this cannot fail in a tested build.
pub fn known() -> &'static [Known] {
    static ALL: OnceLock<Vec<Known>> = OnceLock::new();
    ALL.get_or_init(|| {
        crate::embedded::features()
            .iter()
            .filter_map(|(name, text)| Some((name.strip_suffix(".metadata.tsv")?, name, text)))
            .flat_map(|(action, name, text)| {
                parse_known(action, text).unwrap_or_else(|e| panic!("features/{name}: {e}"))
            })
            .collect()
    })
}

/// `only in<TAB>status<TAB>code<TAB>message<TAB>reason[<TAB>editions]` lines; `#` comments and
/// the header skipped. `only in` is `reference` or `metadata`; the reason names its source;
/// `editions` (`FROM..` or `FROM..UNTIL`, every edition when absent) where the difference holds.
fn parse_known(action: &'static str, text: &'static str) -> Result<Vec<Known>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() || line.starts_with("only in\t") {
            continue;
        }
        let at = |e: &str| format!("line {}: {e}", i + 1);
        let cols: Vec<&'static str> = line.split('\t').collect();
        let (side, status, code, message, reason, range) = match cols[..] {
            [side, status, code, message, reason] => (side, status, code, message, reason, None),
            [side, status, code, message, reason, range] => {
                (side, status, code, message, reason, Some(range))
            }
            _ => {
                return Err(at(
                    "expected 5 tab-separated columns, or 6 with the editions",
                ));
            }
        };
        let editions = range
            .map_or(Ok(Range::ALL), str::parse::<Range>)
            .map_err(|e| at(&e))?;
        let only_in = match side {
            "reference" => Side::Reference,
            "metadata" => Side::Metadata,
            _ => return Err(at("`only in` is reference or metadata")),
        };
        if status.parse::<u16>().is_err() {
            return Err(at("the status is a number"));
        }
        if [code, message, reason].iter().any(|c| c.trim().is_empty()) {
            return Err(at("code, message and reason must not be empty"));
        }
        out.push(Known {
            action,
            only_in,
            status,
            code,
            message,
            reason,
            editions,
        });
    }
    Ok(out)
}

/// The known differences of `action`.
pub fn known_of(action: &str) -> impl Iterator<Item = &'static Known> {
    known().iter().filter(move |k| k.action == action)
}

/// The rows of `action` the mock does not model in `edition`: those its metadata table says only
/// the metadata lists, with no row of the action's catalogue of the same status and code (a row
/// the catalogue writes with `{any}` for the metadata's `%s` is modelled). Each has its reason;
/// the depth map lists them (`run.actions[].not_modelled`).
pub fn not_modelled<'e>(
    action: &'e str,
    edition: &'e Edition,
) -> impl Iterator<Item = &'static Known> + 'e {
    let catalogue = Catalogue::of(action);
    known_of(action).filter(move |k| {
        k.only_in == Side::Metadata
            && k.editions.contains(edition)
            && !catalogue.is_some_and(|c| {
                c.rows_in(edition)
                    .any(|r| status_text(r.answer.status) == k.status && r.answer.code == k.code)
            })
    })
}

/// The actions whose error tables the suite judges: those with a catalogue of their own.
pub fn judged_actions() -> impl Iterator<Item = &'static str> {
    Catalogue::all().iter().filter_map(|c| c.action())
}

/// One way a metadata differs from an edition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The metadata does not list the action at all.
    ActionMissing,
    /// A row the metadata lists and the edition does not.
    RowAdded {
        status: String,
        code: String,
        message: String,
    },
    /// A row the edition lists and the metadata does not.
    RowRemoved(&'static CatalogueRow),
    /// The same status and code with another message.
    RowReworded {
        row: &'static CatalogueRow,
        message: String,
    },
    ParameterAdded {
        name: String,
        shape: String,
    },
    ParameterRemoved {
        name: String,
    },
    /// Its type, style or whether it is required changed.
    ParameterRetyped {
        name: String,
        was: String,
        now: String,
    },
    /// A known difference that is no more: both sources agree on the row now.
    KnownDifferenceGone(&'static Known),
}

/// A change of one action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub action: &'static str,
    pub change: Change,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let action = self.action;
        match &self.change {
            Change::ActionMissing => write!(f, "{action}: the metadata does not list the action"),
            Change::RowAdded {
                status,
                code,
                message,
            } => write!(f, "{action}: row added: {status} {code} {message:?}"),
            Change::RowRemoved(row) => write!(f, "{action}: row removed: {}", row.answer),
            Change::RowReworded { row, message } => write!(
                f,
                "{action}: row reworded: {} {}: {:?} -> {message:?}",
                row.answer.status, row.answer.code, row.answer.message
            ),
            Change::ParameterAdded { name, shape } => {
                write!(f, "{action}: parameter added: {name} ({shape})")
            }
            Change::ParameterRemoved { name } => write!(f, "{action}: parameter removed: {name}"),
            Change::ParameterRetyped { name, was, now } => {
                write!(f, "{action}: parameter retyped: {name}: {was} -> {now}")
            }
            Change::KnownDifferenceGone(k) => write!(
                f,
                "{action}: known difference gone: {} {} {:?} is now {} (features/{action}.metadata.tsv \
                 says only the {} lists it)",
                k.status,
                k.code,
                k.message,
                match k.only_in {
                    Side::Reference => "in the metadata too",
                    Side::Metadata => "not in the metadata, or in the reference too",
                },
                match k.only_in {
                    Side::Reference => "reference",
                    Side::Metadata => "metadata",
                },
            ),
        }
    }
}

/// Where `metadata` (any snapshot: `lookup` finds its actions) differs from `edition`, action by
/// action in the catalogues' order: rows removed, reworded and added, then parameters, then
/// known differences that are gone.
pub fn compare<'m>(
    lookup: impl Fn(&str) -> Option<&'m Action>,
    edition: &Edition,
) -> Vec<Difference> {
    compare_actions(judged_actions(), lookup, edition)
}

/// The actions whose tables the mock answers from while no scenario judges them yet
/// ([`Catalogue::pending`]): held to the metadata by a test of their own until they are judged.
pub fn pending_actions() -> impl Iterator<Item = &'static str> {
    Catalogue::pending().iter().filter_map(|c| c.action())
}

/// [`compare`] for `actions`, each with a table ([`Catalogue::of`]).
pub fn compare_actions<'m>(
    actions: impl IntoIterator<Item = &'static str>,
    lookup: impl Fn(&str) -> Option<&'m Action>,
    edition: &Edition,
) -> Vec<Difference> {
    let mut out = Vec::new();
    for action in actions {
        let mut push = |change| out.push(Difference { action, change });
        let Some(meta) = lookup(action) else {
            push(Change::ActionMissing);
            continue;
        };
        for change in rows(action, meta, edition) {
            push(change);
        }
        for change in parameters(action, meta, edition) {
            push(change);
        }
    }
    out
}

fn status_text(s: Status) -> String {
    s.to_string()
}

fn rows(action: &'static str, meta: &Action, edition: &Edition) -> Vec<Change> {
    let Some(catalogue) = Catalogue::of(action) else {
        return Vec::new();
    };
    let known: Vec<&Known> = known_of(action)
        .filter(|k| k.editions.contains(edition))
        .collect();
    let listed = |status: &str, code: &str, message: &str| {
        meta.errors()
            .any(|(s, c, m)| (s, c, m) == (status, code, message))
    };
    let ours: Vec<&'static CatalogueRow> = catalogue
        .rows()
        .iter()
        .filter(|r| r.editions.contains(edition))
        .collect();
    let in_ours = |status: &str, code: &str, message: &str| {
        ours.iter().any(|r| {
            (
                status_text(r.answer.status).as_str(),
                r.answer.code.as_str(),
                r.answer.message.as_str(),
            ) == (status, code, message)
        })
    };
    let mut out = Vec::new();
    let mut gone = Vec::new();
    let mut removed: Vec<&'static CatalogueRow> = Vec::new();
    for r in &ours {
        let (s, c, m) = (
            status_text(r.answer.status),
            r.answer.code.as_str(),
            r.answer.message.as_str(),
        );
        let set_aside = known
            .iter()
            .find(|k| k.only_in == Side::Reference && k.is(&s, c, m));
        match (listed(&s, c, m), set_aside) {
            (true, Some(k)) => gone.push(Change::KnownDifferenceGone(k)),
            (false, None) => removed.push(r),
            _ => {}
        }
    }
    let mut added: Vec<(String, String, String)> = Vec::new();
    for (s, c, m) in meta.errors() {
        let set_aside = known
            .iter()
            .find(|k| k.only_in == Side::Metadata && k.is(s, c, m));
        match (in_ours(s, c, m), set_aside) {
            (true, Some(k)) => gone.push(Change::KnownDifferenceGone(k)),
            (false, None) => added.push((s.to_owned(), c.to_owned(), m.to_owned())),
            _ => {}
        }
    }
    // A metadata-only row the metadata no longer lists: its reason is stale too.
    for k in known.iter().filter(|k| k.only_in == Side::Metadata) {
        if !listed(k.status, k.code, k.message) && !in_ours(k.status, k.code, k.message) {
            gone.push(Change::KnownDifferenceGone(k));
        }
    }
    // A row removed and one added with the same status and code: reworded.
    for r in removed {
        let status = status_text(r.answer.status);
        let twin = added
            .iter()
            .position(|(s, c, _)| *s == status && *c == r.answer.code);
        match twin {
            Some(i) => {
                let (_, _, message) = added.remove(i);
                out.push(Change::RowReworded { row: r, message });
            }
            None => out.push(Change::RowRemoved(r)),
        }
    }
    out.extend(
        added
            .into_iter()
            .map(|(status, code, message)| Change::RowAdded {
                status,
                code,
                message,
            }),
    );
    out.extend(gone);
    out
}

fn parameters(action: &str, meta: &Action, edition: &Edition) -> Vec<Change> {
    let committed = committed::action(action);
    let facts: Vec<&str> = editions::facts(action)
        .iter()
        .filter(|f| f.kind == "parameter" && f.editions.contains(edition))
        .map(|f| f.name)
        .collect();
    // The parameters the edition takes: its contract file's, else the committed extract's.
    let ours: Vec<&str> = if editions::facts(action).is_empty() {
        committed.map_or_else(Vec::new, |a| {
            a.parameters.iter().map(|p| p.name.as_str()).collect()
        })
    } else {
        facts
    };
    let mut out = Vec::new();
    for name in &ours {
        if meta.parameter(name).is_none() {
            out.push(Change::ParameterRemoved {
                name: (*name).to_owned(),
            });
        }
    }
    for p in &meta.parameters {
        if !ours.contains(&p.name.as_str()) {
            out.push(Change::ParameterAdded {
                name: p.name.clone(),
                shape: p.shape(),
            });
            continue;
        }
        if let Some(was) = committed.and_then(|a| a.parameter(&p.name))
            && was.shape() != p.shape()
        {
            out.push(Change::ParameterRetyped {
                name: p.name.clone(),
                was: was.shape(),
                now: p.shape(),
            });
        }
    }
    out
}

/// Stands for the day a pending edition took effect, in the lines [`pending`] writes.
pub const PENDING: &str = "PENDING";

/// A pending edition made of `diffs` (against `latest`), as lines to paste into the editions
/// data: per file, in the order to read them (`features/editions.tsv` first). `source` names the
/// metadata the differences were read from; [`PENDING`] stands for the day the change took effect.
pub fn pending(diffs: &[Difference], source: &str) -> Vec<(String, Vec<String>)> {
    let mut files: Vec<(String, Vec<String>)> = Vec::new();
    let mut add = |file: String, line: String| match files.iter_mut().find(|(f, _)| *f == file) {
        Some((_, lines)) => lines.push(line),
        None => files.push((file, vec![line])),
    };
    let meta = format!("[meta] Alibaba Cloud API metadata ({source})");
    let regenerate = format!(
        "regenerate it from the new metadata: ecs-conformance metadata extract {source} \
         --snapshot YYYY-MM-DD > data/ecs-2014-05-26.metadata.jsonl"
    );
    let mut marks: Vec<String> = Vec::new();
    add("features/editions.tsv".into(), String::new());
    for d in diffs {
        let a = d.action;
        let errors = format!("features/{a}.errors.tsv");
        let contract = format!("features/{a}.contract.tsv");
        let fact = |name: &str| {
            editions::facts(a)
                .iter()
                .find(|f| f.kind == "parameter" && f.name == name)
        };
        let has_facts = !editions::facts(a).is_empty();
        match &d.change {
            Change::ActionMissing => marks.push(format!("{a} is no longer listed")),
            Change::RowAdded {
                status,
                code,
                message,
            } => {
                marks.push(format!("{a} adds {status} {code}"));
                add(
                    errors,
                    format!("{status}\t{code}\t{message}\tdocumented\t{meta}\t{PENDING}.."),
                );
            }
            Change::RowRemoved(row) => {
                marks.push(format!(
                    "{a} drops {} {}",
                    row.answer.status, row.answer.code
                ));
                add(errors, ended(row));
            }
            Change::RowReworded { row, message } => {
                marks.push(format!(
                    "{a} rewords {} {}",
                    row.answer.status, row.answer.code
                ));
                add(errors.clone(), ended(row));
                add(
                    errors,
                    format!(
                        "{}\t{}\t{message}\t{}\t{meta}\t{PENDING}..",
                        row.answer.status, row.answer.code, row.level
                    ),
                );
            }
            Change::ParameterAdded { name, shape } => {
                marks.push(format!("{a} takes {name}"));
                if has_facts {
                    add(
                        contract,
                        format!("parameter\t{name}\t{PENDING}..\t{meta}: {shape}"),
                    );
                } else {
                    add(EXTRACT_PATH.into(), regenerate.clone());
                }
            }
            Change::ParameterRemoved { name } => {
                marks.push(format!("{a} no longer takes {name}"));
                match fact(name) {
                    Some(f) => add(
                        contract,
                        format!(
                            "parameter\t{name}\t{}..{PENDING}\t{}",
                            f.editions.first().name,
                            f.source
                        ),
                    ),
                    None => add(EXTRACT_PATH.into(), regenerate.clone()),
                }
            }
            Change::ParameterRetyped { name, now, .. } => {
                marks.push(format!("{a} {name} becomes {now}"));
                add(EXTRACT_PATH.into(), regenerate.clone());
            }
            Change::KnownDifferenceGone(k) => add(
                format!("features/{a}.metadata.tsv"),
                format!(
                    "remove the line of {} {} {:?}: both sources agree on it now",
                    k.status, k.code, k.message
                ),
            ),
        }
    }
    let title = if marks.is_empty() {
        "no change of a row or a parameter".to_owned()
    } else {
        format!("as the API metadata has it: {}", marks.join("; "))
    };
    files[0].1[0] = format!(
        "{PENDING}\t{title}\t{meta}\tthe day the change took effect: after {} and on or before the metadata's date",
        editions::latest().name
    );
    for (_, lines) in &mut files {
        lines.dedup();
    }
    files
}

/// `row` as its catalogue writes it, ending at the pending edition.
fn ended(row: &CatalogueRow) -> String {
    format!(
        "{}\t{}\t{}\t{}\t{}\t{}..{PENDING}",
        row.answer.status,
        row.answer.code,
        row.answer.message,
        row.level,
        row.source,
        row.editions.first().name
    )
}

/// The editions `metadata` agrees with, oldest first.
pub fn agrees_with<'m>(
    lookup: impl Fn(&str) -> Option<&'m Action> + Copy,
) -> Vec<&'static Edition> {
    editions::all()
        .iter()
        .filter(|e| compare(lookup, e).is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_known_difference_names_its_side_and_gives_a_reason() {
        let ok = parse_known(
            "A",
            "only in\tstatus\tcode\tmessage\treason\nmetadata\t403\tX\tm.\t[meta] r",
        );
        assert_eq!(ok.unwrap()[0].only_in, Side::Metadata);
        let ranged = parse_known("A", "metadata\t403\tX\tm.\t[meta] r\t2025-03-21..").unwrap();
        assert!(
            !ranged[0]
                .editions
                .contains(&crate::contract::editions::all()[0])
        );
        assert!(
            ranged[0]
                .editions
                .contains(crate::contract::editions::latest())
        );
        for (bad, why) in [
            ("both\t403\tX\tm\tr", "reference or metadata"),
            ("reference\t4xx\tX\tm\tr", "a number"),
            ("reference\t403\tX\tm\t ", "must not be empty"),
            ("reference\t403\tX\tm", "5 tab-separated"),
            ("reference\t403\tX\tm\tr\t2019", "editions"),
        ] {
            let e = parse_known("A", bad).unwrap_err();
            assert!(e.contains(why), "{bad:?}: {e}");
        }
    }
}
