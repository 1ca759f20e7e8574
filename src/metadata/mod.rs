//! Alibaba Cloud's published API metadata for ECS 2014-05-26 — the second documented source of
//! the contract, beside the reference pages — as a compact extract compiled into the binary
//! (`data/ecs-2014-05-26.metadata.jsonl`, docs/editions.md "The API metadata"). The first line is
//! its [`Header`] (provenance, snapshot date, the metadata's directories); each further line one
//! [`Action`], sorted by name. `ecs-conformance metadata extract FILE --snapshot DATE` writes it
//! from a full `api-docs.json` ([`extract`]); a test holds the committed extract to what that
//! command makes of the committed snapshot. An action's line is parsed the first time it is asked
//! for, so a run that needs two actions never parses 358.

mod committed;
pub mod drift;
mod model;
pub mod probe;
mod source;

use crate::catalogue::{Catalogue, CatalogueRow};

pub use committed::{EXTRACT_PATH, action, header, names};
pub use model::{
    Action, Count, Directory, ErrorCode, Header, Ordered, Parameter, Schema, Success, Text,
};
pub use source::{ARCHIVE, ReadError, SOURCE_URL};

/// The extract's text of a full `api-docs.json` taken on `snapshot` (`YYYY-MM-DD`).
pub fn extract(api_docs: &str, snapshot: &str) -> Result<String, ReadError> {
    let (header, actions) = source::read_source(api_docs, snapshot)?;
    Ok(source::write(&header, &actions))
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
        let (header, actions) = source::read_source(api_docs, snapshot)?;
        Ok(Self { header, actions })
    }

    pub fn action(&self, name: &str) -> Option<&Action> {
        self.actions
            .binary_search_by(|a| a.name.as_str().cmp(name))
            .ok()
            .map(|i| &self.actions[i])
    }
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
