//! The console summary `run` prints at the end: the [`View`]'s sections as aligned text, the
//! counts last, where a terminal leaves them in sight. It prints what the view says, in the
//! view's words; the answers on the wire, what the target was shown to do and the environment are
//! the reports' (`report.md`, `report.html`).

use super::table::Table;
use super::unjudged::{NOT_CHECKED, NotRunKind, SETUP_FAILED};
use super::view::View;
use crate::results::{Results, WaiverState, describe};

/// The summary of `results`.
pub fn summary(results: &Results) -> String {
    print(&View::of(results))
}

/// The summary of the view.
pub fn print(v: &View) -> String {
    let mut out = String::new();
    out.push_str(&table(&v.areas));
    if let Some(t) = &v.depths {
        out.push_str(&table(t));
    }
    out.push_str(&causes(v));
    out.push_str(&waivers(v));
    out.push_str(&failures(v));
    out.push_str(&not_run(v));
    for g in &v.other_editions {
        out.push_str(&format!(
            "Of other editions ({}): {}\n",
            g.scenarios.len(),
            g.heading
        ));
    }
    out.push_str(&unanswered(v));
    out.push_str(&not_checked(v));
    for p in &v.results.run.suite_problems {
        out.push_str(&format!("✘ the suite itself: {p}\n"));
    }
    if let Some(t) = &v.editions {
        out.push_str(&table(t));
    }
    out.push_str(&format!(
        "\n{} — in {:.2} s\n{}\n",
        v.tally.words,
        v.results.run.duration_ms as f64 / 1e3,
        v.tally.closing
    ));
    out
}

/// A table as aligned columns under its title, its note after; a marked row begins with `→`.
pub fn table(t: &Table) -> String {
    let rows: Vec<Vec<String>> = (t.rows.iter())
        .map(|r| r.cells.iter().map(|c| c.text()).collect())
        .collect();
    let widths: Vec<usize> = (0..t.columns.len())
        .map(|i| {
            (rows
                .iter()
                .map(|r| r.get(i).map_or(0, |c| c.chars().count())))
            .chain([t.columns[i].chars().count()])
            .max()
            .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String], mark: &str| {
        let mut l = format!("{mark} ");
        for (i, (c, w)) in cells.iter().zip(&widths).enumerate() {
            if i == 0 {
                l.push_str(&format!("{c:<w$}"));
            } else {
                l.push_str(&format!("  {c:>w$}"));
            }
        }
        format!("{}\n", l.trim_end())
    };
    let mut out = format!("\n{}:\n", t.title);
    if t.columns.iter().any(|c| !c.is_empty()) {
        out.push_str(&line(&t.columns, " "));
    }
    for (cells, row) in rows.iter().zip(&t.rows) {
        out.push_str(&line(cells, if row.marked { "→" } else { " " }));
    }
    if !t.note.is_empty() {
        out.push_str(&format!("  {}\n", t.note));
    }
    out
}

fn causes(v: &View) -> String {
    if v.causes.is_empty() {
        return String::new();
    }
    let mut out = "\nFailures by cause (one deviation that several scenarios share):\n".to_owned();
    for g in &v.causes {
        out.push_str(&format!(
            "  {} × [{}] {}: {}\n",
            g.scenarios.len(),
            g.level,
            g.expectation,
            g.problem
        ));
    }
    out
}

fn waivers(v: &View) -> String {
    let Some(w) = &v.waivers else {
        return String::new();
    };
    let mut out = format!("\nWaivers: {}\n", w.words);
    for waived in &w.waived {
        let s = waived.scenario;
        out.push_str(&format!(
            "~ [waived] {}\n    {}\n",
            s.label(),
            describe(&s.findings_by_level()).replace('\n', "\n    ")
        ));
        for by in &waived.by {
            out.push_str(&format!("    by {by}\n"));
        }
    }
    for (state, line) in &w.notes {
        let mark = if *state == WaiverState::Stale {
            "✘ "
        } else {
            ""
        };
        out.push_str(&format!("{mark}{line}\n"));
    }
    out
}

fn failures(v: &View) -> String {
    let fail_on = v.results.run.fail_on;
    let mut out = String::new();
    for (counted, title) in [
        (true, format!("Failed (counted at --fail-on {fail_on})")),
        (
            false,
            format!("Deviations at a level beyond --fail-on {fail_on} (shown, not counted)"),
        ),
    ] {
        let listed: Vec<_> = v.failures.iter().filter(|f| f.counted == counted).collect();
        if listed.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{title}:\n"));
        for f in listed {
            out.push_str(&format!(
                "✘ [{}] {}\n    {}\n",
                f.level,
                f.scenario.label(),
                describe(&f.findings).replace('\n', "\n    ")
            ));
        }
    }
    out
}

fn not_run(v: &View) -> String {
    let mut out = String::new();
    let setup: usize = (v.not_run.iter())
        .filter(|g| g.kind == NotRunKind::Setup)
        .map(|g| g.scenarios.len())
        .sum();
    if setup > 0 {
        out.push_str(&format!(
            "\nSetup failed ({setup}): {SETUP_FAILED}; by cause:\n"
        ));
    }
    for g in v.not_run.iter().filter(|g| g.kind == NotRunKind::Setup) {
        out.push_str(&format!("  {} × {}\n", g.scenarios.len(), g.heading));
    }
    for g in &v.not_run {
        let n = g.scenarios.len();
        match g.kind {
            NotRunKind::Setup => {}
            NotRunKind::Plain | NotRunKind::OtherEditions => {
                out.push_str(&format!("Not run ({n}): {}\n", g.heading))
            }
            NotRunKind::Stalled => {
                let longest = (g.scenarios.iter())
                    .filter_map(|(s, _)| s.stalled_ms)
                    .max()
                    .unwrap_or_default();
                out.push_str(&format!(
                    "Harness stalled ({n}): {} (longest stall {:.1} s); a less loaded machine \
                     or a lower --concurrency avoids it.\n",
                    g.heading,
                    longest as f64 / 1e3
                ));
                if let Some((s, _)) = g.scenarios.first() {
                    out.push_str(&format!(
                        "  first: `{}`: {}\n",
                        s.label(),
                        s.reason.as_deref().unwrap_or_default()
                    ));
                }
            }
        }
    }
    out
}

fn unanswered(v: &View) -> String {
    let Some(u) = &v.unanswered else {
        return String::new();
    };
    let mut out = format!("No answer ({}): {}\n", u.count, u.words);
    for (cause, scenarios) in &u.groups {
        out.push_str(&format!(
            "  {} × {cause} (first: {})\n",
            scenarios.len(),
            scenarios.first().map(|s| s.label()).unwrap_or_default()
        ));
    }
    out
}

fn not_checked(v: &View) -> String {
    let mut out = String::new();
    for n in &v.not_checked {
        out.push_str(&format!(
            "Not checked on this target ({}): {} ({NOT_CHECKED})\n",
            n.entries.len(),
            n.expectation
        ));
    }
    out
}
