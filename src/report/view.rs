//! The one view of a run: every section the console summary, `report.md`, `report.html` and
//! `junit.xml` print, computed once from the results. A printer decides only how a section looks
//! (Markdown, HTML, aligned text, XML), never what it says: the counts, groups, lines and words
//! are made here and in the sections' modules ([`super::counts`], [`super::failures`],
//! [`super::unjudged`]). Sections that are a table are a [`Table`], which every printer renders
//! with one function of its own — so a new table section is one function here and one line per
//! printer.

use super::counts::{self, Tally};
use super::depth;
use super::failures::{self, Failure, FailureGroup, Waivers};
use super::shown;
use super::table::{Cell, Row, Table};
use super::unjudged::{self, NotChecked, NotRunGroup, Unanswered};
use crate::evidence::Level;
use crate::results::{Results, Verdict};

/// Every section of a run's report.
#[derive(Debug, Clone)]
pub struct View<'r> {
    pub results: &'r Results,
    /// `, edition E` after the report's title, when the run names its gated edition.
    pub title_edition: String,
    pub verdicts: Vec<(Level, Verdict)>,
    pub tally: Tally,
    pub waivers: Option<Waivers<'r>>,
    pub editions: Option<Table>,
    pub areas: Table,
    pub causes: Vec<FailureGroup<'r>>,
    pub failures: Vec<Failure<'r>>,
    /// What the target was shown to do: a part per action (or probe) and format.
    pub shown: Vec<Table>,
    pub unanswered: Option<Unanswered<'r>>,
    /// Scenarios not run for the gated edition for a reason of their own, by reason.
    pub not_run: Vec<NotRunGroup<'r>>,
    /// Scenarios the gated edition does not judge, by the editions they do: they ran, and
    /// count in those editions' verdicts.
    pub other_editions: Vec<NotRunGroup<'r>>,
    pub not_checked: Vec<NotChecked<'r>>,
    pub environment: Table,
    /// A line per depth, and every action's line (`depth.rs`): absent in a report written
    /// before the depth map.
    pub depths: Option<Table>,
    pub depth_map: Option<Table>,
    /// A part per action with error rows the mock does not model (`depth::not_modelled`).
    pub not_modelled: Vec<Table>,
}

impl<'r> View<'r> {
    pub fn of(results: &'r Results) -> Self {
        let run = &results.run;
        Self {
            results,
            title_edition: (run.edition.as_deref())
                .map_or_else(String::new, |e| format!(", edition {e}")),
            verdicts: Level::ALL
                .into_iter()
                .map(|l| (l, results.verdict_at(l)))
                .collect(),
            tally: counts::tally(results),
            waivers: failures::waivers(results),
            editions: counts::editions_table(results),
            areas: counts::areas(results),
            causes: failures::failure_groups(results),
            failures: failures::failures(results),
            shown: shown_tables(results),
            unanswered: unjudged::unanswered(results),
            not_run: unjudged::not_run(results, false),
            other_editions: unjudged::not_run(results, true),
            not_checked: unjudged::not_checked(results),
            environment: environment(results),
            depths: depth::summary(results),
            depth_map: depth::map(results),
            not_modelled: depth::not_modelled(results),
        }
    }
}

/// What the target was shown to do, a part per action (or probe) and format: each documented
/// code it returned and where, each it was not shown to return, and, marked, what is
/// undocumented.
fn shown_tables(r: &Results) -> Vec<Table> {
    let row = |kind: &str, what: Cell, seen: String, marked: bool| Row {
        cells: vec![Cell::Text(kind.into()), what, Cell::Text(seen)],
        marked,
    };
    (shown::shown(r).into_iter())
        .map(|s| {
            let mut rows = Vec::new();
            for (code, names) in &s.returned {
                let seen = shown::seen_in(names);
                rows.push(row(
                    "documented, returned",
                    Cell::Code(code.clone()),
                    seen,
                    false,
                ));
            }
            for code in &s.never {
                let kind = "documented, not shown in this run";
                rows.push(row(kind, Cell::Code(code.clone()), String::new(), false));
            }
            for (what, names) in &s.undocumented {
                let seen = shown::seen_in(names);
                rows.push(row("undocumented", Cell::Text(what.clone()), seen, true));
            }
            Table {
                id: "shown",
                part: true,
                title: s.title(),
                note: String::new(),
                columns: ["", "code, field or Content-Type", "seen in"]
                    .map(String::from)
                    .to_vec(),
                rows,
            }
        })
        .collect()
}

/// What the run was, row by row.
fn environment(r: &Results) -> Table {
    let run = &r.run;
    let mut rows = vec![
        (
            "harness",
            format!(
                "{} {} (commit {})",
                run.harness.name, run.harness.version, run.harness.commit
            ),
        ),
        ("suite fingerprint", run.suite_fingerprint.clone()),
        ("target", run.target.clone()),
        ("access key id", run.access_key_id.clone()),
        (
            "control API",
            if run.control_api { "yes" } else { "no" }.into(),
        ),
        (
            "world",
            if run.world.is_empty() {
                "(not recorded)"
            } else {
                &run.world
            }
            .into(),
        ),
        (
            "started",
            (run.started_at)
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
        ),
        ("duration", format!("{:.2} s", run.duration_ms as f64 / 1e3)),
        ("tags", run.tags.clone().unwrap_or_else(|| "(all)".into())),
        (
            "formats",
            (run.formats.iter())
                .map(|f| f.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        ),
    ];
    if let Some(m) = &run.metadata {
        rows.push((
            "API metadata",
            format!(
                "snapshot {} of {}: a source marked [meta] (docs/editions.md)",
                m.snapshot, m.source
            ),
        ));
    }
    if let Some(c) = &run.container {
        rows.push((
            "container",
            format!(
                "{} from image {} (id {}, digest {}), ready in {:.1} s; its log is container.log",
                c.container_id,
                c.image,
                c.image_id.as_deref().unwrap_or("unknown"),
                c.digest.as_deref().unwrap_or("none"),
                c.startup_ms as f64 / 1e3
            ),
        ));
    }
    Table {
        id: "environment",
        part: false,
        title: "Environment".into(),
        note: String::new(),
        columns: vec![String::new(), String::new()],
        rows: rows
            .into_iter()
            .map(|(label, value)| Row {
                cells: vec![Cell::Text(label.into()), Cell::Text(value)],
                marked: false,
            })
            .collect(),
    }
}
