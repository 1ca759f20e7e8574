//! The view's numbers: the tally every printer states (and the console's closing line), the score
//! by area, and every edition's verdict.

use std::collections::BTreeMap;

use super::table::{Cell, Row, Table};
use crate::evidence::Level;
use crate::results::{Outcome, Results, Verdict};

/// How many scenarios came to what, and the words every printer states it in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    pub scenarios: usize,
    /// Met every expectation at every level.
    pub passed: usize,
    /// Failed at any level, by level (waived ones aside).
    pub failed: [usize; 3],
    /// Of those, failed at `--fail-on` or a stronger level: they fail the run.
    pub counted: usize,
    pub waived: usize,
    /// Not run for the gated edition for a reason of their own, setup failures and harness stalls
    /// included (those of other editions apart).
    pub not_run: usize,
    pub setup_failed: usize,
    pub harness_stalled: usize,
    pub other_editions: usize,
    pub no_answer: usize,
    /// `N scenarios: …`: the sentence that states the counts.
    pub words: String,
    /// `N passed, M failed at --fail-on L`: the console's closing line.
    pub closing: String,
}

pub(super) fn tally(r: &Results) -> Tally {
    let c = &r.run.counts;
    let fail_on = r.run.fail_on;
    let failed = Level::ALL.map(|l| c.failed_at(l));
    let counted = c.failed_up_to(fail_on);
    let mut words = format!(
        "{} scenarios: {} passed every expectation, {} failed ({} documented, {} observed, {} \
         chosen; {counted} at --fail-on {fail_on})",
        c.scenarios,
        c.passed,
        c.failed_any(),
        failed[0],
        failed[1],
        failed[2],
    );
    if c.waived > 0 {
        words.push_str(&format!(", {} waived", c.waived));
    }
    words.push_str(&format!(", {} not run", c.not_run_here()));
    let of_which: Vec<String> = [
        (c.setup_failed, "setup failed"),
        (c.harness_stalled, "harness stalled"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect();
    if !of_which.is_empty() {
        words.push_str(&format!(" ({})", of_which.join(", ")));
    }
    if c.no_answer > 0 {
        words.push_str(&format!(", {} no answer", c.no_answer));
    }
    if c.other_editions > 0 {
        words.push_str(&format!(", {} of other editions", c.other_editions));
    }
    let mut closing = format!(
        "{} passed, {counted} failed at --fail-on {fail_on}",
        c.passed
    );
    if c.no_answer > 0 {
        closing.push_str(&format!(", {} no answer", c.no_answer));
    }
    if c.waived > 0 {
        closing.push_str(&format!(", {} waived", c.waived));
    }
    Tally {
        scenarios: c.scenarios,
        passed: c.passed,
        failed,
        counted,
        waived: c.waived,
        not_run: c.not_run_here(),
        setup_failed: c.setup_failed,
        harness_stalled: c.harness_stalled,
        other_editions: c.other_editions,
        no_answer: c.no_answer,
        words,
        closing,
    }
}

pub(super) fn editions_table(r: &Results) -> Option<Table> {
    let run = &r.run;
    let gate = run.edition.as_deref()?;
    let nearest = run.conforms_to.as_deref().unwrap_or("(none)");
    let rows = (run.editions.iter())
        .map(|e| {
            let gated = e.name == gate;
            let name = if gated {
                format!("{} (gated)", e.name)
            } else {
                e.name.clone()
            };
            let mut cells = vec![Cell::Text(name), Cell::Count(e.scenarios)];
            cells.extend(Level::ALL.into_iter().map(|l| {
                Cell::Verdict(e.verdict.get(&l).copied().unwrap_or(Verdict::NotCertified))
            }));
            Row {
                cells,
                marked: gated,
            }
        })
        .collect();
    Some(Table {
        id: "editions",
        part: false,
        title: "Editions of the contract".into(),
        note: format!(
            "The same answers judged against every edition of the contract; this run is gated on \
             {gate}. Nearest edition it conforms to at --fail-on {}: {nearest}.",
            run.fail_on
        ),
        columns: ["edition", "scenarios", "documented", "observed", "chosen"]
            .map(String::from)
            .to_vec(),
        rows,
    })
}

/// Per area (feature): passed out of applicable at each level — applicable are the scenarios of
/// the gated edition that ran to a verdict and were not waived — and, apart, those waived, not
/// run (for a reason of their own), left unjudged, and judged only in other editions.
pub(super) fn areas(r: &Results) -> Table {
    #[derive(Default)]
    struct Area {
        applicable: usize,
        passed: [usize; 3],
        waived: usize,
        not_run: usize,
        no_answer: usize,
        other: usize,
    }
    let mut by: BTreeMap<&str, Area> = BTreeMap::new();
    for s in &r.scenarios {
        let a = by.entry(&s.feature).or_default();
        if s.of_other_editions() {
            a.other += 1;
        } else if s.is_waived() {
            a.waived += 1;
        } else if s.outcome == Outcome::NotRun {
            a.not_run += 1;
        } else if s.outcome == Outcome::NoAnswer {
            a.no_answer += 1;
        } else {
            a.applicable += 1;
            for (i, level) in Level::ALL.into_iter().enumerate() {
                if s.failed_at.is_none_or(|f| f > level) {
                    a.passed[i] += 1;
                }
            }
        }
    }
    let c = &r.run.counts;
    let optional = [
        ("waived", c.waived > 0),
        ("not run", true),
        ("no answer", c.no_answer > 0),
        ("other editions", c.other_editions > 0),
    ];
    let mut columns: Vec<String> = ["area", "documented", "observed", "chosen"]
        .map(String::from)
        .to_vec();
    columns.extend(
        optional
            .iter()
            .filter(|(_, on)| *on)
            .map(|(c, _)| (*c).to_owned()),
    );
    let rows = by
        .into_iter()
        .map(|(area, a)| {
            let mut cells = vec![Cell::Text(area.to_owned())];
            cells.extend(a.passed.map(|passed| Cell::Score {
                passed,
                of: a.applicable,
            }));
            let extra = [a.waived, a.not_run, a.no_answer, a.other];
            cells.extend(
                (optional.iter().zip(extra))
                    .filter(|((_, on), _)| *on)
                    .map(|(_, n)| Cell::Count(n)),
            );
            Row {
                cells,
                marked: false,
            }
        })
        .collect();
    Table {
        id: "score",
        part: false,
        title: "Score by area".into(),
        note: "Passed / applicable at each level: applicable are the scenarios of the gated \
               edition that ran to a verdict, waived ones aside. Not run counts the gated \
               edition's scenarios that did not run; the scenarios it does not judge ran, and are \
               counted under other editions."
            .into(),
        columns,
        rows,
    }
}
