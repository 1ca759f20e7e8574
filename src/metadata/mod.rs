//! Alibaba Cloud's published API metadata for ECS 2014-05-26 — the second documented source of
//! the contract, beside the reference pages — as a compact extract compiled into the binary
//! (`data/ecs-2014-05-26.metadata.jsonl`, docs/editions.md "The API metadata"). The first line is
//! its [`Header`] (provenance, snapshot date, the metadata's directories); each further line one
//! [`Action`], sorted by name. `ecs-conformance metadata extract FILE --snapshot DATE` writes it
//! from a full `api-docs.json` ([`extract`]); a test holds the committed extract to what that
//! command makes of the committed snapshot. An action's line is parsed the first time it is asked
//! for, so a run that needs two actions never parses 358.

pub mod drift;
mod model;
pub mod probe;

use std::sync::OnceLock;

use crate::catalogue::{Catalogue, CatalogueRow};

pub use model::{
    ARCHIVE, Action, Count, Directory, ErrorCode, Header, Ordered, Parameter, ReadError,
    SOURCE_URL, Schema, Success, Text,
};

/// The committed extract.
const EXTRACT: &str = include_str!("../../data/ecs-2014-05-26.metadata.jsonl");
/// Where it is committed.
pub const EXTRACT_PATH: &str = "data/ecs-2014-05-26.metadata.jsonl";

/// The extract's text of a full `api-docs.json` taken on `snapshot` (`YYYY-MM-DD`).
pub fn extract(api_docs: &str, snapshot: &str) -> Result<String, ReadError> {
    let (header, actions) = model::read_source(api_docs, snapshot)?;
    Ok(model::write(&header, &actions))
}

/// A metadata read from a full `api-docs.json`: every action, parsed.
#[derive(Debug, Clone)]
pub struct Metadata {
    pub header: Header,
    pub actions: Vec<Action>,
}

impl Metadata {
    /// Reads a full `api-docs.json`; its snapshot date is not in it, so `snapshot` names it.
    pub fn read(api_docs: &str, snapshot: &str) -> Result<Self, ReadError> {
        let (header, actions) = model::read_source(api_docs, snapshot)?;
        Ok(Self { header, actions })
    }

    pub fn action(&self, name: &str) -> Option<&Action> {
        self.actions
            .binary_search_by(|a| a.name.as_str().cmp(name))
            .ok()
            .map(|i| &self.actions[i])
    }
}

/// The committed extract, indexed by action: each line is parsed when first asked for.
struct Index {
    header: Header,
    lines: Vec<(&'static str, &'static str, OnceLock<Action>)>,
}

/// The extract is compiled in, and the unit tests parse every line of it, so a tested build
/// cannot fail here.
fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut lines = EXTRACT.lines();
        let header = serde_json::from_str(lines.next().unwrap_or_default())
            .unwrap_or_else(|e| panic!("data/ecs-2014-05-26.metadata.jsonl, its header: {e}"));
        let lines = lines
            .map(|line| {
                let name = line
                    .strip_prefix("{\"name\":\"")
                    .and_then(|rest| rest.split('"').next())
                    .unwrap_or_else(|| panic!("an extract line without a name first: {line:.60}"));
                (name, line, OnceLock::new())
            })
            .collect();
        Index { header, lines }
    })
}

/// The committed extract's header: its provenance and snapshot date.
pub fn header() -> &'static Header {
    &index().header
}

/// The action `name` of the committed extract.
pub fn action(name: &str) -> Option<&'static Action> {
    let index = index();
    let i = index
        .lines
        .binary_search_by(|(n, _, _)| (*n).cmp(name))
        .ok()?;
    let (_, line, parsed) = &index.lines[i];
    Some(parsed.get_or_init(|| {
        serde_json::from_str(line).unwrap_or_else(|e| panic!("the extract's {name}: {e}"))
    }))
}

/// The names of every action of the committed extract, sorted.
pub fn names() -> impl Iterator<Item = &'static str> {
    index().lines.iter().map(|(n, _, _)| *n)
}

/// How a source list names the committed metadata: `[meta]`, its API and its snapshot.
pub fn citation() -> String {
    format!(
        "[meta] Alibaba Cloud API metadata, {} {}, snapshot {}",
        header().product,
        header().version,
        header().snapshot
    )
}

/// Whether the committed metadata lists `row` (its status, code and message) for the action whose
/// catalogue holds it. `row` is one of [`Catalogue::all`]'s own rows.
pub fn confirms(row: &CatalogueRow) -> bool {
    let owner = Catalogue::all()
        .iter()
        .find(|c| c.rows().iter().any(|r| std::ptr::eq(r, row)));
    let Some(meta) = owner.and_then(Catalogue::action).and_then(action) else {
        return false;
    };
    let status = row.answer.status.to_string();
    meta.errors().any(|e| {
        e == (
            status.as_str(),
            row.answer.code.as_str(),
            row.answer.message.as_str(),
        )
    })
}

/// Every source of `row`: its own, then the metadata where the metadata lists it too (unless its
/// own source is the metadata already).
pub fn sources(row: &CatalogueRow) -> Vec<String> {
    let mut out = vec![row.source.clone()];
    if confirms(row) && !row.source.starts_with("[meta]") {
        out.push(citation());
    }
    out
}

/// In which of the metadata's directories `action` is listed.
pub fn directory_of(action: &str) -> Option<&'static str> {
    header()
        .directories
        .iter()
        .find(|d| d.actions.iter().any(|a| a == action))
        .map(|d| d.title.as_str())
}

#[cfg(test)]
mod tests;
