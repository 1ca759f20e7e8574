//! A section every printer renders alike: a heading, a sentence, and a table of typed cells (a
//! count, a score with its bar, a verdict in its colour, an identifier). The view makes the
//! tables; each printer has one function that renders any of them, so a new table section costs
//! the view one function and each printer one line.

use crate::results::Verdict;

/// A section every printer renders the same way: a heading, a sentence, a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The section's anchor (its `id` in HTML).
    pub id: &'static str,
    /// A part of a section (one heading level down), rather than a section of its own.
    pub part: bool,
    pub title: String,
    /// What it shows, in a sentence (may be empty).
    pub note: String,
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
}

/// A row of a [`Table`]; a marked row stands out (the gated edition).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub cells: Vec<Cell>,
    pub marked: bool,
}

/// A cell of a [`Table`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    /// An identifier: an expectation, a code.
    Code(String),
    Count(usize),
    /// Passed out of applicable.
    Score {
        passed: usize,
        of: usize,
    },
    Verdict(Verdict),
}

impl Cell {
    /// The cell as plain text, as Markdown and the console show it.
    pub fn text(&self) -> String {
        match self {
            Cell::Text(t) | Cell::Code(t) => t.clone(),
            Cell::Count(n) => n.to_string(),
            Cell::Score { passed, of } => format!("{passed}/{of}"),
            Cell::Verdict(v) => v.as_str().to_owned(),
        }
    }
}
