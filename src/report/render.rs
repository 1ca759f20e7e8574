//! The certification report a person reads, rendered from `results.json`: `report.md` and
//! `report.html` (one self-contained file: no script, no external asset, readable without
//! JavaScript). Both say the same, in this order: the verdict at each evidence level and a score
//! per area, with what waivers did (`run --waivers`: scenarios waived, stale and expired
//! waivers); each failure with what was expected and what came, the answer beside it; the
//! scenarios not run, by reason; the environment.

use std::collections::BTreeMap;

use super::results::{Results, Scenario};
use crate::evidence::Level;
use crate::suite::{cause_group, md_cell};

/// Per area: ran, passed at each level, not run.
struct Score {
    ran: usize,
    passed: [usize; 3],
    not_run: usize,
}

fn scores(r: &Results) -> BTreeMap<&str, Score> {
    let mut out: BTreeMap<&str, Score> = BTreeMap::new();
    for s in &r.scenarios {
        let e = out.entry(&s.feature).or_insert(Score {
            ran: 0,
            passed: [0; 3],
            not_run: 0,
        });
        if s.outcome == "not-run" {
            e.not_run += 1;
            continue;
        }
        // Unjudged: not applicable at any level (listed under "No answer").
        if s.outcome == "no-answer" {
            continue;
        }
        e.ran += 1;
        for (i, level) in Level::ALL.into_iter().enumerate() {
            if s.failed_at.is_none_or(|f| f > level) {
                e.passed[i] += 1;
            }
        }
    }
    out
}

fn failures(r: &Results) -> Vec<&Scenario> {
    let mut out: Vec<&Scenario> = r
        .scenarios
        .iter()
        .filter(|s| s.failed_at.is_some() && s.waived_by.is_empty())
        .collect();
    out.sort_by_key(|s| (s.failed_at, s.feature.clone(), s.name.clone()));
    out
}

/// Deviations that several failed scenarios share, strongest level first, then most shared (the console summary's
/// "failures by cause", from results.json).
fn failure_groups(r: &Results) -> Vec<(Level, &str, &str, Vec<&Scenario>)> {
    let mut groups: BTreeMap<(Level, &str, &str), Vec<&Scenario>> = BTreeMap::new();
    for s in (r.scenarios.iter()).filter(|s| s.failed_at.is_some() && s.waived_by.is_empty()) {
        for f in &s.findings {
            let list = groups
                .entry((f.level, &f.expectation, &f.problem))
                .or_default();
            if list.last().is_none_or(|last| last.id != s.id) {
                list.push(s);
            }
        }
    }
    let mut out: Vec<_> = groups
        .into_iter()
        .filter(|(_, list)| list.len() > 1)
        .map(|((level, e, p), list)| (level, e, p, list))
        .collect();
    out.sort_by_key(|g| (g.0, std::cmp::Reverse(g.3.len())));
    out
}

/// `a / b, c / d and N more`: the first few scenarios of a group.
fn some_names(list: &[&Scenario]) -> String {
    let names: Vec<String> = list
        .iter()
        .take(3)
        .map(|s| format!("{} / {}", s.feature, s.name))
        .collect();
    match list.len().saturating_sub(3) {
        0 => names.join("; "),
        more => format!("{}; and {more} more", names.join("; ")),
    }
}

/// Every expectation a scenario could not check on this target.
fn not_checked(r: &Results) -> Vec<(&Scenario, &String)> {
    r.scenarios
        .iter()
        .flat_map(|s| s.not_checked.iter().map(move |e| (s, e)))
        .collect()
}

/// The one heading of the scenarios whose call timed out while the harness stalled; each names
/// its own figure.
const HARNESS_STALL: &str = "harness stall: a call's timeout elapsed while the runner itself did \
     not run, so an answer would have gone unheard — not the endpoint's silence, and no verdict on it";

/// `feature / name` of a scenario not run, with how long the harness stalled when it did.
fn not_run_entry(s: &Scenario) -> String {
    match s.stalled_ms {
        Some(ms) => format!(
            "{} / {} (stalled {:.1} s)",
            s.feature,
            s.name,
            ms as f64 / 1e3
        ),
        None => format!("{} / {}", s.feature, s.name),
    }
}

/// Scenarios not run, by reason; setup failures by cause (what differs per scenario masked).
fn not_run(r: &Results) -> BTreeMap<String, Vec<&Scenario>> {
    let mut out: BTreeMap<String, Vec<&Scenario>> = BTreeMap::new();
    for s in r.scenarios.iter().filter(|s| s.outcome == "not-run") {
        let reason = s.reason.as_deref().unwrap_or("(no reason)");
        let key = match s.cause.as_deref() {
            Some("setup" | "setup-no-answer") => cause_group(reason),
            Some("harness-stall") => HARNESS_STALL.to_owned(),
            _ => reason.to_owned(),
        };
        out.entry(key).or_default().push(s);
    }
    out
}

/// Scenarios left unjudged because the endpoint gave no answer: in one of their calls, or in
/// their setup (those are listed under "Not run" too).
fn unanswered(r: &Results) -> Vec<&Scenario> {
    r.scenarios
        .iter()
        .filter(|s| s.outcome == "no-answer" || s.cause.as_deref() == Some("setup-no-answer"))
        .collect()
}

/// What waivers did, line by line: each waived scenario with the waivers that excuse it, each
/// stale waiver (it fails the run), each expired one (ignored).
fn waiver_lines(r: &Results) -> Vec<String> {
    let label = |i: usize| {
        r.run
            .waivers
            .get(i)
            .map_or(format!("waiver {}", i + 1), |w| {
                format!(
                    "waiver {} ({}, {}): {} ({})",
                    i + 1,
                    w.scenario,
                    w.expectation,
                    w.reason,
                    w.issue
                )
            })
    };
    let mut out = Vec::new();
    for s in r.scenarios.iter().filter(|s| !s.waived_by.is_empty()) {
        let by: Vec<String> = s.waived_by.iter().map(|i| label(*i)).collect();
        let found: Vec<String> = (s.findings.iter())
            .map(|f| format!("[{}] {}", f.level, f.problem))
            .collect();
        out.push(format!(
            "waived: {} / {} [{}], by {} — found: {}",
            s.feature,
            s.name,
            (s.failed_at)
                .or(s.judged.as_ref().and_then(|j| j.failed_at))
                .map_or("", Level::as_str),
            by.join("; "),
            found.join("; ")
        ));
    }
    for (i, w) in r.run.waivers.iter().enumerate() {
        match w.state.as_str() {
            "stale" => out.push(format!(
                "stale waiver: the deviation is gone — remove it: {} (the run fails for it)",
                label(i)
            )),
            "expired" => out.push(format!(
                "warning: expired waiver, ignored (it waives nothing): {}, expired {}",
                label(i),
                w.expires
            )),
            "unexercised" => out.push(format!(
                "note: unexercised waiver (no scenario it names reached a verdict): {}",
                label(i)
            )),
            _ => {}
        }
    }
    out
}

/// "N not run (M setup failed), K no answer": the zero parts left out.
fn not_run_words(c: &super::results::Counts) -> String {
    let mut out = format!("{} not run", c.not_run);
    if c.setup_failed > 0 {
        out.push_str(&format!(" ({} setup failed)", c.setup_failed));
    }
    if c.harness_stalled > 0 {
        out.push_str(&format!(" ({} harness stalled)", c.harness_stalled));
    }
    if c.other_editions > 0 {
        out.push_str(&format!(
            " ({} of them judged only in other editions)",
            c.other_editions
        ));
    }
    if c.no_answer > 0 {
        out.push_str(&format!(", {} no answer", c.no_answer));
    }
    out
}

/// ", edition E" for the report's title, when the run names the edition it is gated on.
fn title_edition(run: &super::results::Run) -> String {
    run.edition
        .as_deref()
        .map_or_else(String::new, |e| format!(", edition {e}"))
}

/// "Gated on E; nearest conforming edition at --fail-on L: N", when the run names editions.
fn editions_words(run: &super::results::Run) -> Option<String> {
    let gate = run.edition.as_deref()?;
    let nearest = run.conforms_to.as_deref().unwrap_or("(none)");
    Some(format!(
        "The same answers judged against every edition of the contract; this run is gated on \
         {gate}. Nearest edition it conforms to at --fail-on {}: {nearest}.",
        run.fail_on
    ))
}

/// The editions section in Markdown; empty for a run that names none.
fn editions_markdown(r: &Results) -> String {
    let Some(words) = editions_words(&r.run) else {
        return String::new();
    };
    let mut out = format!(
        "\n## Editions of the contract\n\n{words}\n\n| edition | scenarios | documented | observed | chosen |\n|---|---|---|---|---|\n"
    );
    for e in &r.run.editions {
        let gated = r.run.edition.as_deref() == Some(e.name.as_str());
        let name = if gated {
            format!("**{}** (gated)", e.name)
        } else {
            e.name.clone()
        };
        let v = |l: Level| e.verdict.get(&l).map_or("not certified", String::as_str);
        out.push_str(&format!(
            "| {name} | {} | {} | {} | {} |\n",
            e.scenarios,
            v(Level::Documented),
            v(Level::Observed),
            v(Level::Chosen)
        ));
    }
    out
}

/// The editions section in HTML; empty for a run that names none.
fn editions_html(r: &Results) -> String {
    let Some(words) = editions_words(&r.run) else {
        return String::new();
    };
    let mut out = format!(
        "<section id=\"editions\"><h2>Editions of the contract</h2><p>{}</p><table><tr><th>edition</th><th>scenarios</th><th>documented</th><th>observed</th><th>chosen</th></tr>",
        esc(&words)
    );
    for e in &r.run.editions {
        let gated = r.run.edition.as_deref() == Some(e.name.as_str());
        out.push_str(&format!(
            "<tr{}><td>{}{}</td><td class=\"num\">{}</td>",
            if gated { " class=\"gated\"" } else { "" },
            esc(&e.name),
            if gated { " (gated)" } else { "" },
            e.scenarios
        ));
        for l in Level::ALL {
            let v = e.verdict.get(&l).map_or("not certified", String::as_str);
            out.push_str(&format!(
                "<td class=\"{}\">{}</td>",
                v.replace(' ', "-"),
                esc(v)
            ));
        }
        out.push_str("</tr>");
    }
    out.push_str("</table></section>\n");
    out
}

/// What "No answer" says before its list.
fn stopped_words(run: &super::results::Run) -> String {
    match &run.stopped_answering_after {
        Some(after) => format!(
            "The endpoint stopped answering after {after}. These scenarios are unjudged: no \
             expectation was missed, and the run fails for them."
        ),
        None => "These scenarios are unjudged: no expectation was missed, and the run fails \
                 for them."
            .into(),
    }
}

fn verdict_of(r: &Results, level: Level) -> &str {
    r.run
        .verdict
        .get(&level)
        .map_or("not certified", String::as_str)
}

/// ", N waived" when scenarios were waived.
fn waived_words(c: &super::results::Counts) -> String {
    match c.waived {
        0 => String::new(),
        n => format!(", {n} waived"),
    }
}

/// The "Waivers" section of the Markdown report, when the run had waivers.
fn waiver_markdown(r: &Results) -> String {
    let lines = waiver_lines(r);
    if r.run.waivers.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "\n## Waivers\n\n{} waivers: {}.\n\n",
        r.run.waivers.len(),
        waiver_states(r)
    );
    for line in lines {
        out.push_str(&format!("- {}\n", md_cell(&line)));
    }
    out
}

/// "2 applied, 1 stale": the states of the run's waivers.
fn waiver_states(r: &Results) -> String {
    let mut states: BTreeMap<&str, usize> = BTreeMap::new();
    for w in &r.run.waivers {
        *states.entry(&w.state).or_default() += 1;
    }
    let states: Vec<String> = states.iter().map(|(s, n)| format!("{n} {s}")).collect();
    states.join(", ")
}

/// The Markdown report.
pub fn markdown(r: &Results) -> String {
    let run = &r.run;
    let mut out = format!(
        "# ECS conformance report{}\n\n**Target:** {}  \n**Contract:** {}  \n**Counted at:** `--fail-on {}`\n\n## Verdict\n\n| level | verdict |\n|---|---|\n",
        title_edition(run),
        run.target,
        run.contract,
        run.fail_on
    );
    for level in Level::ALL {
        out.push_str(&format!("| {level} | **{}** |\n", verdict_of(r, level)));
    }
    out.push_str(&format!(
        "\n{} scenarios: {} passed every expectation, {} failed ({} documented, {} observed, {} chosen){}, {} (never counted as passed).\n{}",
        run.counts.scenarios,
        run.counts.passed,
        run.counts.failed.values().sum::<usize>(),
        run.counts.failed.get(&Level::Documented).unwrap_or(&0),
        run.counts.failed.get(&Level::Observed).unwrap_or(&0),
        run.counts.failed.get(&Level::Chosen).unwrap_or(&0),
        waived_words(&run.counts),
        not_run_words(&run.counts),
        waiver_markdown(r),
    ));
    out.push_str(&editions_markdown(r));
    out.push_str(
        "\n## Score by area\n\nPassed / applicable at each level; not-run scenarios are not applicable.\n\n| area | documented | observed | chosen | not run |\n|---|---|---|---|---|\n",
    );
    for (area, s) in scores(r) {
        out.push_str(&format!(
            "| {area} | {}/{} | {}/{} | {}/{} | {} |\n",
            s.passed[0], s.ran, s.passed[1], s.ran, s.passed[2], s.ran, s.not_run
        ));
    }
    let groups = failure_groups(r);
    if !groups.is_empty() {
        out.push_str("\n## Failures by cause\n\nOne deviation that several scenarios share, once.\n\n| scenarios | level | expectation | expected versus received | for example |\n|---|---|---|---|---|\n");
        for (level, expectation, problem, list) in &groups {
            out.push_str(&format!(
                "| {} | {level} | `{expectation}` | {} | {} |\n",
                list.len(),
                md_cell(problem),
                md_cell(&some_names(list))
            ));
        }
    }
    let failed = failures(r);
    if !failed.is_empty() {
        out.push_str("\n## Failures\n");
        for s in failed {
            let level = s.failed_at.map_or("", Level::as_str);
            out.push_str(&format!(
                "\n### [{level}] {} / {}\n\n| level | expectation | expected versus received | source |\n|---|---|---|---|\n",
                s.feature, s.name
            ));
            let mut findings: Vec<_> = s.findings.iter().collect();
            findings.sort_by_key(|f| f.level);
            for f in findings {
                out.push_str(&format!(
                    "| {} | `{}` | {} | {} |\n",
                    f.level,
                    f.expectation,
                    md_cell(&f.problem),
                    md_cell(&f.source)
                ));
            }
            for x in s.exchanges.iter().filter(|x| !x.setup) {
                out.push_str(&format!(
                    "\n{} {} ({}, {}) → {} `{}`\n\n```\n{}\n```\n",
                    x.action,
                    params(x),
                    x.wire_form,
                    x.format_asked.as_deref().unwrap_or("no Format"),
                    x.status,
                    x.content_type,
                    x.body.replace("```", "`\u{200b}``")
                ));
            }
        }
    }
    out.push_str(&shown_markdown(r));
    let unchecked = not_checked(r);
    if !unchecked.is_empty() {
        out.push_str(&format!(
            "\n## Not checked on this target ({})\n\nOnly the control API shows these; never counted as passed.\n\n",
            unchecked.len()
        ));
        for (s, what) in unchecked {
            out.push_str(&format!("- {} / {}: {what}\n", s.feature, s.name));
        }
    }
    let silent = unanswered(r);
    if !silent.is_empty() {
        out.push_str(&format!(
            "\n## No answer ({})\n\n{}\n\n",
            silent.len(),
            stopped_words(run)
        ));
        for s in silent {
            out.push_str(&format!(
                "- {} / {}: {}\n",
                s.feature,
                s.name,
                md_cell(s.reason.as_deref().unwrap_or(""))
            ));
        }
    }
    let skipped = not_run(r);
    if !skipped.is_empty() {
        out.push_str("\n## Not run\n");
        for (reason, list) in skipped {
            out.push_str(&format!("\n**{}** ({}):\n\n", reason, list.len()));
            for s in list {
                out.push_str(&format!("- {}\n", not_run_entry(s)));
            }
        }
    }
    out.push_str("\n## Environment\n\n| | |\n|---|---|\n");
    for (label, value) in environment(run) {
        out.push_str(&format!("| {label} | {} |\n", md_cell(&value)));
    }
    for p in &run.suite_problems {
        out.push_str(&format!("\nThe suite itself: {p}\n"));
    }
    out
}

/// How many scenarios, and one for example.
fn seen_in(names: &std::collections::BTreeSet<String>) -> String {
    match names.iter().next() {
        Some(first) if names.len() > 1 => format!("{} scenarios, e.g. {first}", names.len()),
        Some(first) => first.clone(),
        None => String::new(),
    }
}

/// "What the target was shown to do", in Markdown.
fn shown_markdown(r: &Results) -> String {
    let all = super::shown::shown(r);
    if all.is_empty() {
        return String::new();
    }
    let mut out = "\n## What the target was shown to do\n\nFrom the answers the scenarios received (setup calls aside): facts about the answers, not verdicts. A documented code not shown in this run may only not have been asked for (a selection, scenarios not run).\n".to_owned();
    for s in all {
        out.push_str(&format!(
            "\n### {}, {}\n\n| | code, field or Content-Type | seen in |\n|---|---|---|\n",
            s.action, s.format
        ));
        for (code, names) in &s.returned {
            out.push_str(&format!(
                "| documented, returned | `{code}` | {} |\n",
                md_cell(&seen_in(names))
            ));
        }
        for code in &s.never {
            out.push_str(&format!(
                "| documented, not shown in this run | `{}` | |\n",
                md_cell(code)
            ));
        }
        for (what, names) in &s.undocumented {
            out.push_str(&format!(
                "| **undocumented** | {} | {} |\n",
                md_cell(what),
                md_cell(&seen_in(names))
            ));
        }
    }
    out
}

/// "What the target was shown to do", in HTML.
fn shown_html(r: &Results) -> String {
    let all = super::shown::shown(r);
    if all.is_empty() {
        return String::new();
    }
    let mut out = "<section id=\"shown\"><h2>What the target was shown to do</h2><p class=\"muted\">From the answers the scenarios received (setup calls aside): facts about the answers, not verdicts. A documented code not shown in this run may only not have been asked for (a selection, scenarios not run).</p>".to_owned();
    for s in all {
        out.push_str(&format!(
            "<h3>{}, {}</h3><table><tr><th></th><th>code, field or Content-Type</th><th>seen in</th></tr>",
            esc(&s.action),
            esc(&s.format)
        ));
        for (code, names) in &s.returned {
            out.push_str(&format!(
                "<tr><td>documented, returned</td><td><code>{}</code></td><td>{}</td></tr>",
                esc(code),
                esc(&seen_in(names))
            ));
        }
        for code in &s.never {
            out.push_str(&format!(
                "<tr><td>documented, not shown in this run</td><td><code>{}</code></td><td></td></tr>",
                esc(code)
            ));
        }
        for (what, names) in &s.undocumented {
            out.push_str(&format!("<tr class=\"undocumented\"><td><b>undocumented</b></td><td>{}</td><td>{}</td></tr>", esc(what), esc(&seen_in(names))));
        }
        out.push_str("</table>");
    }
    out.push_str("</section>\n");
    out
}

fn params(x: &super::results::Exchange) -> String {
    x.params
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// What the run was, row by row: what both reports state under "Environment".
fn environment(run: &super::results::Run) -> Vec<(&'static str, String)> {
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
        ("started", run.started_at.clone()),
        ("duration", format!("{:.2} s", run.duration_ms as f64 / 1e3)),
        ("tags", run.tags.clone().unwrap_or_else(|| "(all)".into())),
        ("formats", run.formats.join(", ")),
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
    rows
}

pub(super) fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub(super) const STYLE: &str = "
:root{--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700;--mute:#57606a;--line:#d0d7de;--bg:#f6f8fa}
*{box-sizing:border-box}
body{font:15px/1.5 -apple-system,'Segoe UI',Helvetica,Arial,sans-serif;color:#1f2328;margin:0;background:#fff}
main{max-width:1100px;margin:0 auto;padding:32px 24px 64px}
h1{font-size:28px;margin:0 0 4px}h2{font-size:20px;margin:40px 0 12px;padding-bottom:6px;border-bottom:1px solid var(--line)}
.sub{color:var(--mute);margin:0 0 24px}
.verdicts{display:flex;gap:16px;flex-wrap:wrap}
.verdict{flex:1 1 220px;border:1px solid var(--line);border-radius:10px;padding:16px 18px;background:var(--bg)}
.verdict .level{font-size:13px;text-transform:uppercase;letter-spacing:.06em;color:var(--mute)}
.verdict .value{font-size:26px;font-weight:700}
.verdict.passed{border-color:var(--ok)}.verdict.passed .value{color:var(--ok)}
.verdict.failed{border-color:var(--bad)}.verdict.failed .value{color:var(--bad)}
.verdict.not-certified .value{color:var(--warn)}
.verdict .note{font-size:13px;color:var(--mute)}
td.passed{color:var(--ok)}td.failed{color:var(--bad)}td.not-certified{color:var(--warn)}tr.gated td{font-weight:600}
table{border-collapse:collapse;width:100%;margin:8px 0}
th,td{border:1px solid var(--line);padding:6px 10px;text-align:left;vertical-align:top}
th{background:var(--bg);font-weight:600}
td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.bar{display:inline-block;width:80px;height:8px;border-radius:4px;background:#ffebe9;margin-right:8px;vertical-align:middle;overflow:hidden}
.bar i{display:block;height:100%;background:var(--ok)}
.failure{border:1px solid var(--line);border-left:4px solid var(--bad);border-radius:8px;padding:12px 16px;margin:16px 0}
.failure.observed{border-left-color:#bc4c00}.failure.chosen{border-left-color:var(--warn)}
.failure h3{margin:0 0 8px;font-size:16px}
.tag{display:inline-block;font-size:12px;font-weight:600;border-radius:12px;padding:1px 8px;margin-right:6px;color:#fff;background:var(--bad)}
.tag.observed{background:#bc4c00}.tag.chosen{background:var(--warn)}
pre{background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:10px;overflow:auto;font-size:13px;white-space:pre-wrap;word-break:break-all}
code{font-size:13px}
details summary{cursor:pointer;color:var(--mute)}
.muted{color:var(--mute)}
";

/// What waivers did, in the verdict section (the report's first screen), when the run had any.
fn waiver_html(r: &Results) -> String {
    if r.run.waivers.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "<div id=\"waivers\"><h3>Waivers</h3><p class=\"muted\">{} waivers: {}.</p><ul>",
        r.run.waivers.len(),
        esc(&waiver_states(r))
    );
    let (waived, warnings): (Vec<String>, Vec<String>) = waiver_lines(r)
        .into_iter()
        .partition(|l| l.starts_with("waived: "));
    for line in warnings {
        let class = if line.starts_with("stale") {
            " class=\"tag\""
        } else {
            ""
        };
        out.push_str(&format!("<li{class}>{}</li>", esc(&line)));
    }
    out.push_str("</ul>");
    if !waived.is_empty() {
        out.push_str(&format!(
            "<details><summary>{} waived scenarios, with the waivers that excuse them and what they found</summary><ul>",
            waived.len()
        ));
        for line in waived {
            out.push_str(&format!("<li>{}</li>", esc(&line)));
        }
        out.push_str("</ul></details>");
    }
    out.push_str("</div>");
    out
}

/// The HTML report: one self-contained file.
pub fn html(r: &Results) -> String {
    let run = &r.run;
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>ECS conformance report{}: {}</title><style>{STYLE}</style></head><body><main>\n<h1>ECS conformance report{}</h1>\n<p class=\"sub\">{} · {} · counted at <code>--fail-on {}</code></p>\n<section id=\"verdict\"><h2>Verdict</h2><div class=\"verdicts\">",
        esc(&title_edition(run)),
        esc(&run.target),
        esc(&title_edition(run)),
        esc(&run.target),
        esc(&run.contract),
        run.fail_on
    );
    let note = |l: Level| match l {
        Level::Documented => "the contract and the documentation",
        Level::Observed => "also what real ECS answers and official clients rely on",
        Level::Chosen => "also the mock's own choices",
    };
    for level in Level::ALL {
        let v = verdict_of(r, level);
        out.push_str(&format!(
            "<div class=\"verdict {}\" id=\"verdict-{level}\"><div class=\"level\">{level}</div><div class=\"value\">{}</div><div class=\"note\">{}</div></div>",
            v.replace(' ', "-"),
            esc(v),
            note(level)
        ));
    }
    let c = &run.counts;
    out.push_str(&format!(
        "</div><p>{} scenarios: <b>{}</b> passed every expectation, <b>{}</b> failed ({} documented, {} observed, {} chosen){}, <b>{}</b> — never counted as passed.</p>{}</section>\n",
        c.scenarios,
        c.passed,
        c.failed.values().sum::<usize>(),
        c.failed.get(&Level::Documented).unwrap_or(&0),
        c.failed.get(&Level::Observed).unwrap_or(&0),
        c.failed.get(&Level::Chosen).unwrap_or(&0),
        match c.waived {
            0 => String::new(),
            n => format!(", <b>{n} waived</b>"),
        },
        esc(&not_run_words(c)),
        waiver_html(r)
    ));
    out.push_str(&editions_html(r));
    out.push_str("<section id=\"score\"><h2>Score by area</h2><p class=\"muted\">Passed / applicable at each level; scenarios not run are not applicable.</p><table><tr><th>area</th><th>documented</th><th>observed</th><th>chosen</th><th>not run</th></tr>");
    for (area, s) in scores(r) {
        out.push_str(&format!("<tr><td>{}</td>", esc(area)));
        for passed in s.passed {
            let pct = (passed * 100).checked_div(s.ran).unwrap_or(0);
            out.push_str(&format!(
                "<td class=\"num\"><span class=\"bar\"><i style=\"width:{pct}%\"></i></span>{passed}/{}</td>",
                s.ran
            ));
        }
        out.push_str(&format!("<td class=\"num\">{}</td></tr>", s.not_run));
    }
    out.push_str("</table></section>\n");
    let groups = failure_groups(r);
    if !groups.is_empty() {
        out.push_str("<section id=\"causes\"><h2>Failures by cause</h2><p class=\"muted\">One deviation that several scenarios share, once.</p><table><tr><th>scenarios</th><th>level</th><th>expectation</th><th>expected versus received</th></tr>");
        for (level, expectation, problem, list) in &groups {
            out.push_str(&format!(
                "<tr><td class=\"num\">{}</td><td>{level}</td><td><code>{}</code></td><td>{}<details><summary>which</summary><ul>",
                list.len(),
                esc(expectation),
                esc(problem).replace('\n', "<br>")
            ));
            for s in list {
                out.push_str(&format!("<li>{} / {}</li>", esc(&s.feature), esc(&s.name)));
            }
            out.push_str("</ul></details></td></tr>");
        }
        out.push_str("</table></section>\n");
    }
    let failed = failures(r);
    out.push_str(&format!(
        "<section id=\"failures\"><h2>Failures ({})</h2>",
        failed.len()
    ));
    if failed.is_empty() {
        out.push_str("<p>None.</p>");
    }
    for s in failed {
        let level = s.failed_at.map_or("", Level::as_str);
        out.push_str(&format!(
            "<div class=\"failure {level}\"><h3><span class=\"tag {level}\">{level}</span>{} / {}{}</h3><table><tr><th>level</th><th>expectation</th><th>expected versus received</th><th>source</th></tr>",
            esc(&s.feature),
            esc(&s.name),
            if s.counted { "" } else { " <span class=\"muted\">(not counted at this --fail-on)</span>" }
        ));
        let mut findings: Vec<_> = s.findings.iter().collect();
        findings.sort_by_key(|f| f.level);
        for f in findings {
            out.push_str(&format!(
                "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td class=\"muted\">{}</td></tr>",
                f.level,
                esc(&f.expectation),
                esc(&f.problem).replace('\n', "<br>"),
                esc(&f.source)
            ));
        }
        out.push_str("</table>");
        for x in s.exchanges.iter().filter(|x| !x.setup) {
            out.push_str(&format!(
                "<details open><summary>{} {} ({}, {}) → {} <code>{}</code></summary><pre>{}</pre></details>",
                esc(&x.action),
                esc(&params(x)),
                esc(&x.wire_form),
                esc(x.format_asked.as_deref().unwrap_or("no Format")),
                x.status,
                esc(&x.content_type),
                esc(&x.body)
            ));
        }
        out.push_str("</div>");
    }
    out.push_str("</section>\n");
    out.push_str(&shown_html(r));
    let silent = unanswered(r);
    if !silent.is_empty() {
        out.push_str(&format!(
            "<section id=\"no-answer\"><h2>No answer ({})</h2><p>{}</p><ul>",
            silent.len(),
            esc(&stopped_words(run))
        ));
        for s in silent {
            out.push_str(&format!(
                "<li>{} / {}: {}</li>",
                esc(&s.feature),
                esc(&s.name),
                esc(s.reason.as_deref().unwrap_or(""))
            ));
        }
        out.push_str("</ul></section>\n");
    }
    let skipped = not_run(r);
    out.push_str(&format!(
        "<section id=\"not-run\"><h2>Not run ({})</h2>",
        run.counts.not_run
    ));
    if skipped.is_empty() {
        out.push_str("<p>None.</p>");
    }
    for (reason, list) in skipped {
        out.push_str(&format!(
            "<details><summary><b>{}</b> ({})</summary><ul>",
            esc(&reason),
            list.len()
        ));
        for s in list {
            out.push_str(&format!("<li>{}</li>", esc(&not_run_entry(s))));
        }
        out.push_str("</ul></details>");
    }
    let unchecked = not_checked(r);
    if !unchecked.is_empty() {
        out.push_str(&format!(
            "</section>\n<section id=\"not-checked\"><h2>Not checked on this target ({})</h2><p>Only the control API shows these; never counted as passed.</p><ul>",
            unchecked.len()
        ));
        for (s, what) in unchecked {
            out.push_str(&format!(
                "<li>{} / {}: {}</li>",
                esc(&s.feature),
                esc(&s.name),
                esc(what)
            ));
        }
        out.push_str("</ul>");
    }
    out.push_str("</section>\n<section id=\"environment\"><h2>Environment</h2><table>");
    for (label, value) in environment(run) {
        out.push_str(&format!(
            "<tr><th>{label}</th><td>{}</td></tr>",
            esc(&value)
        ));
    }
    out.push_str("</table>");
    for p in &run.suite_problems {
        out.push_str(&format!(
            "<p class=\"tag\">the suite itself: {}</p>",
            esc(p)
        ));
    }
    out.push_str("</section>\n<p class=\"muted\">Verify this report with <code>ecs-conformance verify DIR</code>: it checks every file against <code>manifest.json</code> and the suite fingerprint against the harness's own.</p>\n</main></body></html>\n");
    out
}
