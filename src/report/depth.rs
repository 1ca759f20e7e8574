//! The depth map's sections (`run.actions` of the results): a line per depth — how many actions
//! the run judged in behaviour, at shape depth, and how their scenarios fared — which every
//! printer shows; and every action's line, grouped by the metadata's directories, which report.md
//! lists and report.html draws as a grid (`html::depth_grid`). A report written before the
//! depth map has none of them. Each action whose error rows the mock does not all model has a
//! part of its own, its rows not modelled with the reasons, which report.md and report.html show
//! under the map.

use super::table::{Cell, Row, Table};
use crate::results::{ActionDepth, Depth, Results};

/// An action's state at a glance: `failed` (at any level), `not-run` (some of its scenarios did
/// not run and none failed), `passed`, or `none` (no scenario).
pub fn state(a: &ActionDepth) -> &'static str {
    if a.failed() > 0 {
        "failed"
    } else if a.not_run > 0 {
        "not-run"
    } else if a.passed > 0 {
        "passed"
    } else {
        "none"
    }
}

/// The columns both tables count, in order, and an action's counts in that order.
const COUNTED: [&str; 6] = [
    "scenarios",
    "passed",
    "failed documented",
    "failed observed",
    "failed chosen",
    "not run",
];

fn counts(a: &ActionDepth) -> [usize; 6] {
    [
        a.scenarios,
        a.passed,
        a.failed_documented,
        a.failed_observed,
        a.failed_chosen,
        a.not_run,
    ]
}

/// `first` columns, then the counted ones.
fn columns(first: &[&str]) -> Vec<String> {
    (first.iter().chain(&COUNTED))
        .map(|c| (*c).to_owned())
        .collect()
}

/// A line per depth: actions, scenarios, passed, failed at each level, not run.
pub fn summary(r: &Results) -> Option<Table> {
    let actions = r.run.actions.as_ref()?;
    // Not claimed only in a run that says what the target claims (`run --actions`).
    let rows = Depth::ALL
        .into_iter()
        .filter(|d| *d != Depth::NotClaimed || actions.iter().any(|a| a.depth == *d))
        .map(|d| {
            let of_depth: Vec<&ActionDepth> = actions.iter().filter(|a| a.depth == d).collect();
            let sums = (of_depth.iter()).fold([0; 6], |mut sums, a| {
                sums.iter_mut().zip(counts(a)).for_each(|(s, c)| *s += c);
                sums
            });
            let mut cells = vec![Cell::Text(d.word().into()), Cell::Count(of_depth.len())];
            cells.extend(sums.into_iter().map(Cell::Count));
            Row {
                cells,
                marked: of_depth.iter().any(|a| a.failed() > 0),
            }
        })
        .collect();
    Some(Table {
        id: "depth",
        part: false,
        title: "Depth".into(),
        note: "How deeply each action of the API metadata was judged: behaviour (hand-written \
               scenarios of its preconditions and rows), shape (the scenarios generated from \
               the metadata alone) or not-claimed (the target does not implement it, by \
               run --actions: its scenarios are not run, a probe in each format checks that it \
               is refused as an unknown action); every action, by directory, is in the depth \
               map. Scenarios of the gateway itself (request validation, formats, wire forms) \
               belong to no action."
            .into(),
        columns: columns(&["depth", "actions"]),
        rows,
    })
}

/// The words above the rows not modelled, in every printer.
pub const NOT_MODELLED: &str = "The error rows of an action's API metadata that the mock does not \
model, so no scenario judges them in this edition, each with the reason and its source \
(features/<Action>.metadata.tsv; docs/contract.md, \"The rollback actions\"). Every other row of \
the action's error table is a scenario's expected answer, in both formats.";

/// A part per action with rows not modelled: `{action}: N rows not modelled`, each row's status,
/// code and reason. Empty for a report written before them.
pub fn not_modelled(r: &Results) -> Vec<Table> {
    let Some(actions) = r.run.actions.as_ref() else {
        return Vec::new();
    };
    (actions.iter().filter(|a| !a.not_modelled.is_empty()))
        .map(|a| Table {
            id: "not-modelled",
            part: true,
            title: not_modelled_title(a),
            note: String::new(),
            columns: ["status", "code", "reason"].map(str::to_owned).to_vec(),
            rows: (a.not_modelled.iter())
                .map(|n| Row {
                    cells: vec![
                        Cell::Count(usize::from(n.status)),
                        Cell::Code(n.code.clone()),
                        Cell::Text(n.reason.clone()),
                    ],
                    marked: false,
                })
                .collect(),
        })
        .collect()
}

/// `{action}: N rows not modelled` (or `1 row`).
pub fn not_modelled_title(a: &ActionDepth) -> String {
    let n = a.not_modelled.len();
    let rows = if n == 1 { "row" } else { "rows" };
    format!("{}: {n} {rows} not modelled", a.action)
}

/// Every action's line, in the metadata's directory order; a failing one marked.
pub fn map(r: &Results) -> Option<Table> {
    let actions = r.run.actions.as_ref()?;
    let rows = actions
        .iter()
        .map(|a| {
            let mut cells = vec![
                Cell::Text(a.directory.clone()),
                Cell::Code(a.action.clone()),
                Cell::Text(a.depth.word().into()),
            ];
            cells.extend(counts(a).into_iter().map(Cell::Count));
            Row {
                cells,
                marked: a.failed() > 0,
            }
        })
        .collect();
    Some(Table {
        id: "depth-map",
        part: false,
        title: "Depth map".into(),
        note: "Every action of the API metadata, by the metadata's directories.".into(),
        columns: columns(&["directory", "action", "depth"]),
        rows,
    })
}
