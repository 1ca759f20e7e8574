//! `report.md`: the [`View`]'s sections in Markdown, fit for a pull request.

use super::shown;
use super::table::{Cell, Table};
use super::unjudged::{NOT_CHECKED, NotRunGroup};
use super::view::View;
use crate::results::Exchange;
use crate::suite::md_cell;

/// The Markdown report of the view.
pub fn print(v: &View) -> String {
    let run = &v.results.run;
    let mut out = format!(
        "# ECS conformance report{}\n\n**Target:** {}  \n**Contract:** {}  \n**Counted at:** `--fail-on {}`\n\n## Verdict\n\n| level | verdict |\n|---|---|\n",
        v.title_edition, run.target, run.contract, run.fail_on
    );
    for (level, verdict) in &v.verdicts {
        out.push_str(&format!("| {level} | **{verdict}** |\n"));
    }
    out.push_str(&format!(
        "\n{}. Scenarios not run are never counted as passed.\n",
        v.tally.words
    ));
    out.push_str(&waivers(v));
    if let Some(t) = &v.editions {
        out.push_str(&table(t));
    }
    out.push_str(&table(&v.areas));
    for t in [&v.depths, &v.depth_map].into_iter().flatten() {
        out.push_str(&table(t));
    }
    if !v.not_modelled.is_empty() {
        out.push_str(&format!(
            "\n## Rows not modelled\n\n{}\n",
            super::depth::NOT_MODELLED
        ));
        for t in &v.not_modelled {
            out.push_str(&table(t));
        }
    }
    out.push_str(&causes(v));
    out.push_str(&failures(v));
    out.push_str(&shown(&v.shown));
    out.push_str(&not_checked(v));
    out.push_str(&unanswered(v));
    out.push_str(&groups("Not run", &v.not_run));
    out.push_str(&groups("Of other editions", &v.other_editions));
    out.push_str(&table(&v.environment));
    for p in &run.suite_problems {
        out.push_str(&format!("\nThe suite itself: {p}\n"));
    }
    out
}

/// A table under its heading, its note first; a marked row in bold.
pub fn table(t: &Table) -> String {
    let heading = if t.part { "###" } else { "##" };
    let mut out = format!("\n{heading} {}\n\n", t.title);
    if !t.note.is_empty() {
        out.push_str(&format!("{}\n\n", t.note));
    }
    let header: Vec<String> = t.columns.iter().map(|c| md_cell(c)).collect();
    out.push_str(&format!(
        "| {} |\n|{}\n",
        header.join(" | "),
        "---|".repeat(t.columns.len())
    ));
    for row in &t.rows {
        let cells: Vec<String> = (row.cells.iter().enumerate())
            .map(|(i, c)| {
                let text = md_cell(&c.text());
                match c {
                    Cell::Code(_) => format!("`{text}`"),
                    _ if i == 0 && row.marked => format!("**{text}**"),
                    _ => text,
                }
            })
            .collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    out
}

fn waivers(v: &View) -> String {
    let Some(w) = &v.waivers else {
        return String::new();
    };
    let mut out = format!("\n## Waivers\n\n{}\n\n", w.words);
    for (_, line) in &w.notes {
        out.push_str(&format!("- {}\n", md_cell(line)));
    }
    for waived in &w.waived {
        out.push_str(&format!("- {}\n", md_cell(&waived.line)));
    }
    out
}

/// `a / b; c / d; and N more`: the first few scenarios of a group.
fn some_names(labels: &[String]) -> String {
    let names = labels
        .iter()
        .take(3)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    match labels.len().saturating_sub(3) {
        0 => names,
        more => format!("{names}; and {more} more"),
    }
}

fn causes(v: &View) -> String {
    if v.causes.is_empty() {
        return String::new();
    }
    let mut out = "\n## Failures by cause\n\nOne deviation that several scenarios share, once.\n\n| scenarios | level | expectation | expected versus received | for example |\n|---|---|---|---|---|\n".to_owned();
    for g in &v.causes {
        let labels: Vec<String> = g.scenarios.iter().map(|s| s.label()).collect();
        out.push_str(&format!(
            "| {} | {} | `{}` | {} | {} |\n",
            g.scenarios.len(),
            g.level,
            g.expectation,
            md_cell(g.problem),
            md_cell(&some_names(&labels))
        ));
    }
    out
}

/// `ResetDisk DiskId=d-1 SnapshotId=s-1`: an exchange's action and parameters.
pub(super) fn call(x: &Exchange) -> String {
    let params: Vec<String> = x.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{} {}", x.action, params.join(" "))
}

fn failures(v: &View) -> String {
    if v.failures.is_empty() {
        return String::new();
    }
    let fail_on = v.results.run.fail_on;
    let mut out = "\n## Failures\n".to_owned();
    for f in &v.failures {
        let uncounted = if f.counted {
            String::new()
        } else {
            format!(" (not counted at --fail-on {fail_on})")
        };
        out.push_str(&format!(
            "\n### [{}] {}\n\n{}| level | expectation | expected versus received | source |\n|---|---|---|---|\n",
            f.level,
            f.scenario.label(),
            if uncounted.is_empty() {
                String::new()
            } else {
                format!("Shown{uncounted}.\n\n")
            }
        ));
        for x in &f.findings {
            out.push_str(&format!(
                "| {} | `{}` | {} | {} |\n",
                x.level,
                x.expectation,
                md_cell(&x.problem),
                md_cell(&x.source)
            ));
        }
        for x in f.scenario.exchanges.iter().filter(|x| !x.setup) {
            out.push_str(&format!(
                "\n{} ({:?}, {}) → {} `{}`\n\n```\n{}\n```\n",
                call(x),
                x.wire_form,
                x.format_asked
                    .map_or_else(|| "no Format".to_owned(), |f| f.to_string()),
                x.status,
                x.content_type,
                x.body.replace("```", "`\u{200b}``")
            ));
        }
    }
    out
}

fn shown(parts: &[Table]) -> String {
    if parts.is_empty() {
        return String::new();
    }
    let mut out = format!("\n## What the target was shown to do\n\n{}\n", shown::WORDS);
    for t in parts {
        out.push_str(&table(t));
    }
    out
}

fn not_checked(v: &View) -> String {
    let total: usize = v.not_checked.iter().map(|n| n.entries.len()).sum();
    if total == 0 {
        return String::new();
    }
    let mut out = format!("\n## Not checked on this target ({total})\n\n{NOT_CHECKED}.\n\n");
    for n in &v.not_checked {
        for (s, what) in &n.entries {
            out.push_str(&format!("- {}: {what}\n", s.label()));
        }
    }
    out
}

fn unanswered(v: &View) -> String {
    let Some(u) = &v.unanswered else {
        return String::new();
    };
    let mut out = format!("\n## No answer ({})\n\n{}\n\n", u.count, u.words);
    for (_, scenarios) in &u.groups {
        for s in scenarios {
            out.push_str(&format!(
                "- {}: {}\n",
                s.label(),
                md_cell(s.reason.as_deref().unwrap_or(""))
            ));
        }
    }
    out
}

/// Scenarios by reason, under `title`.
fn groups(title: &str, groups: &[NotRunGroup]) -> String {
    if groups.is_empty() {
        return String::new();
    }
    let mut out = format!("\n## {title}\n");
    for g in groups {
        out.push_str(&format!("\n**{}** ({}):\n\n", g.heading, g.scenarios.len()));
        for (s, note) in &g.scenarios {
            if note.is_empty() {
                out.push_str(&format!("- {}\n", s.label()));
            } else {
                out.push_str(&format!("- {} ({note})\n", s.label()));
            }
        }
    }
    out
}
