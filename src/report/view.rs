//! The one view of a run: every section the console summary, `report.md`, `report.html` and
//! `junit.xml` print, computed once from the results. A printer decides only how a section looks
//! (Markdown, HTML, aligned text, XML), never what it says: the counts, groups, lines and words
//! are made here. Sections that are a table are a [`Table`], which every printer renders with one
//! function of its own — so a new table section is one function here and one line per printer.

use std::collections::BTreeMap;

use super::shown;
use crate::evidence::Level;
use crate::results::{
    Cause, Finding, Outcome, Results, Scenario, Verdict, WaiverState, format_date,
};

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

/// One deviation that several failed scenarios share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailureGroup<'r> {
    pub level: Level,
    pub expectation: &'r str,
    /// What was expected and what came.
    pub problem: &'r str,
    pub scenarios: Vec<&'r Scenario>,
}

/// A failed scenario (waived ones aside), and whether it counts at the run's `--fail-on`.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure<'r> {
    pub scenario: &'r Scenario,
    pub level: Level,
    pub counted: bool,
    /// Its findings, strongest level first.
    pub findings: Vec<&'r Finding>,
}

/// What waivers did in the run.
#[derive(Debug, Clone, PartialEq)]
pub struct Waivers<'r> {
    /// `N waivers: 2 applied, 1 stale.`
    pub words: String,
    pub waived: Vec<Waived<'r>>,
    /// Each waiver that did not apply, with what it means.
    pub notes: Vec<(WaiverState, String)>,
}

/// A waived scenario: the waivers that excuse it, and what it found.
#[derive(Debug, Clone, PartialEq)]
pub struct Waived<'r> {
    pub scenario: &'r Scenario,
    /// `waiver N (scenario …, expectation …): reason (issue)`, each waiver that excuses it.
    pub by: Vec<String>,
    /// `waived: feature / scenario [level], by …; … — found: [level] problem; …`.
    pub line: String,
}

/// Scenarios not run, for one reason (setup failures by cause, what differs masked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotRunGroup<'r> {
    pub kind: NotRunKind,
    pub heading: String,
    /// Each scenario, with what it adds (how long the harness stalled).
    pub scenarios: Vec<(&'r Scenario, String)>,
}

/// Why scenarios of a [`NotRunGroup`] did not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NotRunKind {
    /// The target cannot run them (no world, throttled, a guard refused a call).
    Plain,
    /// Their state could not be prepared.
    Setup,
    /// A call timed out while the harness itself stalled.
    Stalled,
    /// The gated edition is not one they judge.
    OtherEditions,
}

/// The scenarios a silent endpoint left unjudged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unanswered<'r> {
    /// When it stopped answering, and what that means.
    pub words: String,
    /// By cause (what differs masked), each with its scenarios.
    pub groups: Vec<(String, Vec<&'r Scenario>)>,
    pub count: usize,
}

/// Expectations of one kind this target could not show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotChecked<'r> {
    pub expectation: &'r str,
    /// Each scenario, with what it could not check.
    pub entries: Vec<(&'r Scenario, &'r str)>,
}

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
}

/// The heading of the scenarios whose call timed out while the harness stalled; each names its
/// own figure.
pub const HARNESS_STALL: &str = "harness stall: a call's timeout elapsed while the runner itself \
     did not run, so an answer would have gone unheard — not the endpoint's silence, and no verdict on it";

/// What a setup failure means, before its causes.
pub const SETUP_FAILED: &str =
    "not run — the target could not be given the scenario's state, which judges nothing";

/// What "not checked on this target" means.
pub const NOT_CHECKED: &str = "Only the control API shows these; never counted as passed";

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
            tally: tally(results),
            waivers: waivers(results),
            editions: editions_table(results),
            areas: areas(results),
            causes: failure_groups(results),
            failures: failures(results),
            shown: shown_tables(results),
            unanswered: unanswered(results),
            not_run: not_run(results, false),
            other_editions: not_run(results, true),
            not_checked: not_checked(results),
            environment: environment(results),
        }
    }
}

fn tally(r: &Results) -> Tally {
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

/// `waiver N (scenario …, expectation …): reason (issue)`.
fn waiver_label(r: &Results, i: usize) -> String {
    r.run
        .waivers
        .get(i)
        .map_or(format!("waiver {}", i + 1), |w| {
            let w = &w.waiver;
            format!("{}: {} ({})", w.label(i), w.reason, w.issue)
        })
}

fn waivers(r: &Results) -> Option<Waivers<'_>> {
    let list = &r.run.waivers;
    if list.is_empty() {
        return None;
    }
    let mut states: BTreeMap<&str, usize> = BTreeMap::new();
    for w in list {
        *states.entry(w.state.as_str()).or_default() += 1;
    }
    let states: Vec<String> = states.iter().map(|(s, n)| format!("{n} {s}")).collect();
    let waived = (r.scenarios.iter())
        .filter(|s| !s.waived_by.is_empty())
        .map(|s| {
            let by: Vec<String> = s.waived_by.iter().map(|i| waiver_label(r, *i)).collect();
            let found: Vec<String> = (s.findings.iter())
                .map(|f| format!("[{}] {}", f.level, f.problem))
                .collect();
            let level = s.judged_failed_at().map_or("", Level::as_str);
            let line = format!(
                "waived: {} [{level}], by {} — found: {}",
                s.label(),
                by.join("; "),
                found.join("; ")
            );
            Waived {
                scenario: s,
                by,
                line,
            }
        })
        .collect();
    let notes = (list.iter().enumerate())
        .filter_map(|(i, w)| {
            let label = w.waiver.label(i);
            let line = match w.state {
                WaiverState::Applied => return None,
                WaiverState::Stale => {
                    format!("stale waiver: the deviation is gone — remove it: {label} (the run fails for it)")
                }
                WaiverState::Expired => format!(
                    "warning: expired waiver (ignored, it waives nothing): {label}, expired on {}",
                    format_date(w.waiver.expires)
                ),
                WaiverState::Unexercised => format!(
                    "note: unexercised waiver (no scenario it names reached a verdict): {label}"
                ),
            };
            Some((w.state, line))
        })
        .collect();
    Some(Waivers {
        words: format!("{} waivers: {}.", list.len(), states.join(", ")),
        waived,
        notes,
    })
}

fn editions_table(r: &Results) -> Option<Table> {
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
fn areas(r: &Results) -> Table {
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

/// Deviations that several failed scenarios share (the same expectation, level and problem),
/// strongest level first, then most shared: one Content-Type that fails 66 scenarios reads as
/// one cause.
fn failure_groups(r: &Results) -> Vec<FailureGroup<'_>> {
    let mut groups: BTreeMap<(Level, &str, &str), Vec<&Scenario>> = BTreeMap::new();
    for s in r
        .scenarios
        .iter()
        .filter(|s| s.outcome == Outcome::Failed && !s.is_waived())
    {
        for f in &s.findings {
            let list = groups
                .entry((f.level, &f.expectation, &f.problem))
                .or_default();
            if list.last().is_none_or(|last| last.id != s.id) {
                list.push(s);
            }
        }
    }
    let mut out: Vec<FailureGroup> = groups
        .into_iter()
        .filter(|(_, list)| list.len() > 1)
        .map(|((level, expectation, problem), scenarios)| FailureGroup {
            level,
            expectation,
            problem,
            scenarios,
        })
        .collect();
    out.sort_by_key(|g| (g.level, std::cmp::Reverse(g.scenarios.len())));
    out
}

/// Every failed scenario, waived ones aside, strongest level first.
fn failures(r: &Results) -> Vec<Failure<'_>> {
    let mut out: Vec<Failure> = (r.scenarios.iter())
        .filter(|s| s.outcome == Outcome::Failed && !s.is_waived())
        .filter_map(|s| {
            Some(Failure {
                scenario: s,
                level: s.failed_at?,
                counted: s.counted,
                findings: s.findings_by_level(),
            })
        })
        .collect();
    out.sort_by(|a, b| {
        (a.level, &a.scenario.feature, &a.scenario.name).cmp(&(
            b.level,
            &b.scenario.feature,
            &b.scenario.name,
        ))
    });
    out
}

/// `reason` with what differs between scenarios of one cause masked (list indices, ids that are
/// UUIDs), so that setup failures group by cause.
pub fn cause_group(reason: &str) -> String {
    let mut out = String::with_capacity(reason.len());
    let mut rest = reason;
    while let Some(c) = rest.chars().next() {
        if c == '[' {
            let digits = rest[1..].chars().take_while(char::is_ascii_digit).count();
            if digits > 0 && rest[1 + digits..].starts_with(']') {
                out.push_str("[]");
                rest = &rest[2 + digits..];
                continue;
            }
        }
        if rest.get(..36).is_some_and(is_uuid) {
            out.push_str("<uuid>");
            rest = &rest[36..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

fn unanswered(r: &Results) -> Option<Unanswered<'_>> {
    let silent: Vec<&Scenario> = (r.scenarios.iter())
        .filter(|s| s.for_want_of_an_answer())
        .collect();
    if silent.is_empty() {
        return None;
    }
    let after = match r.run.stopped_answering_after.as_deref() {
        Some("(none)") | None => "before answering any call".to_owned(),
        Some(name) => format!("after `{name}`"),
    };
    let again = if r.run.answered_again {
        " (and answered some calls again later)"
    } else {
        ""
    };
    let in_calls = silent
        .iter()
        .filter(|s| s.outcome == Outcome::NoAnswer)
        .count();
    let words = format!(
        "The endpoint stopped answering {after}{again}; that left {} scenarios unjudged ({in_calls} \
         with a call that got no answer, {} in their setup). Not a mismatch of any expectation; \
         the run fails for it.",
        silent.len(),
        silent.len() - in_calls
    );
    let mut groups: BTreeMap<String, Vec<&Scenario>> = BTreeMap::new();
    for s in &silent {
        let reason = s.reason.as_deref().unwrap_or("(no reason)");
        groups.entry(cause_group(reason)).or_default().push(s);
    }
    Some(Unanswered {
        words,
        count: silent.len(),
        groups: groups.into_iter().collect(),
    })
}

/// Scenarios not run for the gated edition, by reason: setup failures by cause (what differs per
/// scenario masked), harness stalls under one heading; or (`other_editions`) the scenarios of
/// other editions, by the editions they judge.
fn not_run(r: &Results, other_editions: bool) -> Vec<NotRunGroup<'_>> {
    let mut out: BTreeMap<(NotRunKind, String), Vec<(&Scenario, String)>> = BTreeMap::new();
    let chosen = (r.scenarios.iter())
        .filter(|s| s.outcome == Outcome::NotRun && s.of_other_editions() == other_editions);
    for s in chosen {
        let reason = s.reason.as_deref().unwrap_or("(no reason)");
        let (kind, heading, note) = match s.cause {
            Some(Cause::Setup | Cause::SetupNoAnswer) => {
                (NotRunKind::Setup, cause_group(reason), String::new())
            }
            Some(Cause::HarnessStall) => (
                NotRunKind::Stalled,
                HARNESS_STALL.to_owned(),
                format!(
                    "stalled {:.1} s",
                    s.stalled_ms.unwrap_or_default() as f64 / 1e3
                ),
            ),
            Some(Cause::OtherEdition) => {
                (NotRunKind::OtherEditions, reason.to_owned(), String::new())
            }
            _ => (NotRunKind::Plain, reason.to_owned(), String::new()),
        };
        out.entry((kind, heading)).or_default().push((s, note));
    }
    out.into_iter()
        .map(|((kind, heading), scenarios)| NotRunGroup {
            kind,
            heading,
            scenarios,
        })
        .collect()
}

/// Every expectation a scenario could not check on this target, by the expectation.
fn not_checked(r: &Results) -> Vec<NotChecked<'_>> {
    let mut by: BTreeMap<&str, Vec<(&Scenario, &str)>> = BTreeMap::new();
    for s in &r.scenarios {
        for e in &s.not_checked {
            let id = e.split(':').next().unwrap_or(e);
            by.entry(id).or_default().push((s, e.as_str()));
        }
    }
    by.into_iter()
        .map(|(expectation, entries)| NotChecked {
            expectation,
            entries,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setup_causes_group_without_indices_or_request_ids() {
        assert_eq!(
            cause_group(
                "setup failed: the control API refused the world: status 400: field `world.disks[12].tags`: unknown field"
            ),
            "setup failed: the control API refused the world: status 400: field `world.disks[].tags`: unknown field"
        );
        assert_eq!(
            cause_group(r#"got 403 {"RequestId":"0F2E4A77-7E5B-4C1C-9B43-6C1A4F0C2D11"} é[x]"#),
            r#"got 403 {"RequestId":"<uuid>"} é[x]"#
        );
    }
}
