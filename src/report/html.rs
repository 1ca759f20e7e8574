//! `report.html`: the [`View`]'s sections as one self-contained page — no script, no external
//! asset, readable without JavaScript.

use super::markdown::call;
use super::shown;
use super::table::{Cell, Table};
use super::unjudged::{NOT_CHECKED, NotRunGroup};
use super::view::View;
use crate::evidence::Level;
use crate::results::WaiverState;

/// The HTML report of the view.
pub fn print(v: &View) -> String {
    let run = &v.results.run;
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>ECS conformance report{}: {}</title><style>{STYLE}</style></head><body><main>\n<h1>ECS conformance report{}</h1>\n<p class=\"sub\">{} · {} · counted at <code>--fail-on {}</code></p>\n",
        esc(&v.title_edition),
        esc(&run.target),
        esc(&v.title_edition),
        esc(&run.target),
        esc(&run.contract),
        run.fail_on
    );
    out.push_str(&verdict(v));
    if let Some(t) = &v.editions {
        out.push_str(&table(t));
    }
    out.push_str(&table(&v.areas));
    if let Some(t) = &v.depths {
        out.push_str(&table(t));
    }
    out.push_str(&depth_grid(v));
    out.push_str(&not_modelled(v));
    out.push_str(&causes(v));
    out.push_str(&failures(v));
    out.push_str(&shown(&v.shown));
    out.push_str(&unanswered(v));
    out.push_str(&groups("not-run", "Not run", &v.not_run));
    if !v.other_editions.is_empty() {
        out.push_str(&groups(
            "other-editions",
            "Of other editions",
            &v.other_editions,
        ));
    }
    out.push_str(&not_checked(v));
    out.push_str(&table(&v.environment));
    for p in &run.suite_problems {
        out.push_str(&format!(
            "<p class=\"tag\">the suite itself: {}</p>",
            esc(p)
        ));
    }
    out.push_str("<p class=\"muted\">Verify this report with <code>ecs-conformance verify DIR</code>: it checks every file against <code>manifest.json</code> and the suite fingerprint against the harness's own.</p>\n</main></body></html>\n");
    out
}

/// The rows not modelled, a part per action (`data-action`, `data-rows`), under the depth map.
fn not_modelled(v: &View) -> String {
    if v.not_modelled.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "<section id=\"not-modelled\"><h2>Rows not modelled</h2><p class=\"muted\">{}</p>",
        esc(super::depth::NOT_MODELLED)
    );
    for (t, a) in v
        .not_modelled
        .iter()
        .zip((v.results.run.actions.iter().flatten()).filter(|a| !a.not_modelled.is_empty()))
    {
        out.push_str(&format!(
            "<div class=\"not-modelled\" data-action=\"{}\" data-rows=\"{}\">{}</div>",
            esc(&a.action),
            a.not_modelled.len(),
            table(t)
        ));
    }
    out.push_str("</section>\n");
    out
}

/// The depth map as a grid: a cell per action, grouped by the metadata's directories, coloured by
/// how its scenarios fared (`data-state`: passed, failed, not-run, none) and outlined by its depth
/// (`data-depth`); each cell's title gives its counts, and the failing ones are listed first,
/// linked to their cells.
fn depth_grid(v: &View) -> String {
    let Some(actions) = &v.results.run.actions else {
        return String::new();
    };
    let mut out = String::from(
        "<section id=\"depth-map\"><h2>Depth map</h2><p class=\"muted\">Every action of the API metadata, by its directory: green passed, red failed, amber not run (or partly), grey no scenario; a thick outline is behaviour depth, a thin one shape, a dashed one not claimed (run --actions).</p>\n",
    );
    let failing: Vec<&crate::results::ActionDepth> =
        actions.iter().filter(|a| a.failed() > 0).collect();
    if !failing.is_empty() {
        out.push_str("<p class=\"failing-actions\">Failing: ");
        for a in &failing {
            out.push_str(&format!(
                "<a href=\"#action-{}\">{}</a> ",
                esc(&a.action),
                esc(&a.action)
            ));
        }
        out.push_str("</p>\n");
    }
    let mut directory = "";
    for a in actions {
        if a.directory != directory {
            if !directory.is_empty() {
                out.push_str("</div>\n");
            }
            directory = &a.directory;
            out.push_str(&format!("<h3>{}</h3><div class=\"grid\">", esc(directory)));
        }
        out.push_str(&format!(
            "<span class=\"cell\" id=\"action-{}\" data-action=\"{}\" data-depth=\"{}\" data-state=\"{}\" title=\"{} ({}): {} scenarios, {} passed, {} failed, {} not run\">{}</span>",
            esc(&a.action),
            esc(&a.action),
            a.depth.word(),
            super::depth::state(a),
            esc(&a.action),
            a.depth.word(),
            a.scenarios,
            a.passed,
            a.failed(),
            a.not_run,
            esc(&a.action)
        ));
    }
    if !directory.is_empty() {
        out.push_str("</div>\n");
    }
    out.push_str("</section>\n");
    out
}

pub(super) fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A table as a section of its own: heading, note, rows; a score with its bar, a verdict in its
/// colour, a marked row in bold.
pub fn table(t: &Table) -> String {
    let mut out = if t.part {
        format!("<h3>{}</h3>", esc(&t.title))
    } else {
        format!("<section id=\"{}\"><h2>{}</h2>", t.id, esc(&t.title))
    };
    if !t.note.is_empty() {
        out.push_str(&format!("<p class=\"muted\">{}</p>", esc(&t.note)));
    }
    out.push_str("<table>");
    if t.columns.iter().any(|c| !c.is_empty()) {
        out.push_str("<tr>");
        for c in &t.columns {
            out.push_str(&format!("<th>{}</th>", esc(c)));
        }
        out.push_str("</tr>");
    }
    for row in &t.rows {
        out.push_str(if row.marked {
            "<tr class=\"marked\">"
        } else {
            "<tr>"
        });
        for cell in &row.cells {
            out.push_str(&match cell {
                Cell::Text(t) => format!("<td>{}</td>", esc(t)),
                Cell::Code(t) => format!("<td><code>{}</code></td>", esc(t)),
                Cell::Count(n) => format!("<td class=\"num\">{n}</td>"),
                Cell::Score { passed, of } => {
                    let pct = (passed * 100).checked_div(*of).unwrap_or(0);
                    format!(
                        "<td class=\"num\"><span class=\"bar\"><i style=\"width:{pct}%\"></i></span>{passed}/{of}</td>"
                    )
                }
                Cell::Verdict(v) => format!(
                    "<td class=\"{}\">{}</td>",
                    v.as_str().replace(' ', "-"),
                    esc(v.as_str())
                ),
            });
        }
        out.push_str("</tr>");
    }
    out.push_str(if t.part {
        "</table>"
    } else {
        "</table></section>\n"
    });
    out
}

/// The verdict at each level, the counts, and what waivers did: the page's first screen.
fn verdict(v: &View) -> String {
    let note = |l: Level| match l {
        Level::Documented => "the contract and the documentation",
        Level::Observed => "also what real ECS answers and official clients rely on",
        Level::Chosen => "also the mock's own choices",
    };
    let mut out = "<section id=\"verdict\"><h2>Verdict</h2><div class=\"verdicts\">".to_owned();
    for (level, verdict) in &v.verdicts {
        out.push_str(&format!(
            "<div class=\"verdict {}\" id=\"verdict-{level}\"><div class=\"level\">{level}</div><div class=\"value\">{}</div><div class=\"note\">{}</div></div>",
            verdict.as_str().replace(' ', "-"),
            esc(verdict.as_str()),
            note(*level)
        ));
    }
    out.push_str(&format!(
        "</div><p id=\"tally\">{}. Scenarios not run are never counted as passed.</p>",
        esc(&v.tally.words)
    ));
    out.push_str(&waivers(v));
    out.push_str("</section>\n");
    out
}

fn waivers(v: &View) -> String {
    let Some(w) = &v.waivers else {
        return String::new();
    };
    let mut out = format!(
        "<div id=\"waivers\"><h3>Waivers</h3><p class=\"muted\">{}</p><ul>",
        esc(&w.words)
    );
    for (state, line) in &w.notes {
        let class = if *state == WaiverState::Stale {
            " class=\"tag\""
        } else {
            ""
        };
        out.push_str(&format!("<li{class}>{}</li>", esc(line)));
    }
    out.push_str("</ul>");
    if !w.waived.is_empty() {
        out.push_str(&format!(
            "<details><summary>{} waived scenarios, with the waivers that excuse them and what they found</summary><ul>",
            w.waived.len()
        ));
        for waived in &w.waived {
            out.push_str(&format!("<li>{}</li>", esc(&waived.line)));
        }
        out.push_str("</ul></details>");
    }
    out.push_str("</div>");
    out
}

fn causes(v: &View) -> String {
    if v.causes.is_empty() {
        return String::new();
    }
    let mut out = "<section id=\"causes\"><h2>Failures by cause</h2><p class=\"muted\">One deviation that several scenarios share, once.</p><table><tr><th>scenarios</th><th>level</th><th>expectation</th><th>expected versus received</th></tr>".to_owned();
    for g in &v.causes {
        out.push_str(&format!(
            "<tr><td class=\"num\">{}</td><td>{}</td><td><code>{}</code></td><td>{}<details><summary>which</summary><ul>",
            g.scenarios.len(),
            g.level,
            esc(g.expectation),
            esc(g.problem).replace('\n', "<br>")
        ));
        for s in &g.scenarios {
            out.push_str(&format!("<li>{}</li>", esc(&s.label())));
        }
        out.push_str("</ul></details></td></tr>");
    }
    out.push_str("</table></section>\n");
    out
}

fn failures(v: &View) -> String {
    let mut out = format!(
        "<section id=\"failures\"><h2>Failures ({})</h2>",
        v.failures.len()
    );
    if v.failures.is_empty() {
        out.push_str("<p>None.</p>");
    }
    let fail_on = v.results.run.fail_on;
    for f in &v.failures {
        let level = f.level.as_str();
        out.push_str(&format!(
            "<div class=\"failure {level}\"><h3><span class=\"tag {level}\">{level}</span>{}{}</h3><table><tr><th>level</th><th>expectation</th><th>expected versus received</th><th>source</th></tr>",
            esc(&f.scenario.label()),
            if f.counted {
                String::new()
            } else {
                format!(" <span class=\"muted\">(not counted at --fail-on {fail_on})</span>")
            }
        ));
        for x in &f.findings {
            out.push_str(&format!(
                "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td class=\"muted\">{}</td></tr>",
                x.level,
                esc(&x.expectation),
                esc(&x.problem).replace('\n', "<br>"),
                esc(&x.source)
            ));
        }
        out.push_str("</table>");
        for x in f.scenario.exchanges.iter().filter(|x| !x.setup) {
            out.push_str(&format!(
                "<details open><summary>{} ({:?}, {}) → {} <code>{}</code></summary><pre>{}</pre></details>",
                esc(&call(x)),
                x.wire_form,
                esc(&x.format_asked.map_or_else(|| "no Format".to_owned(), |f| f.to_string())),
                x.status,
                esc(&x.content_type),
                esc(&x.body)
            ));
        }
        out.push_str("</div>");
    }
    out.push_str("</section>\n");
    out
}

fn shown(parts: &[Table]) -> String {
    if parts.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "<section id=\"shown\"><h2>What the target was shown to do</h2><p class=\"muted\">{}</p>",
        esc(shown::WORDS)
    );
    for t in parts {
        out.push_str(&table(t));
    }
    out.push_str("</section>\n");
    out
}

fn unanswered(v: &View) -> String {
    let Some(u) = &v.unanswered else {
        return String::new();
    };
    let mut out = format!(
        "<section id=\"no-answer\"><h2>No answer ({})</h2><p>{}</p><ul>",
        u.count,
        esc(&u.words)
    );
    for (_, scenarios) in &u.groups {
        for s in scenarios {
            out.push_str(&format!(
                "<li>{}: {}</li>",
                esc(&s.label()),
                esc(s.reason.as_deref().unwrap_or(""))
            ));
        }
    }
    out.push_str("</ul></section>\n");
    out
}

/// Scenarios by reason, as section `id` under `title` with their count.
fn groups(id: &str, title: &str, groups: &[NotRunGroup]) -> String {
    let count: usize = groups.iter().map(|g| g.scenarios.len()).sum();
    let mut out = format!("<section id=\"{id}\"><h2>{title} ({count})</h2>");
    if groups.is_empty() {
        out.push_str("<p>None.</p>");
    }
    for g in groups {
        out.push_str(&format!(
            "<details><summary><b>{}</b> ({})</summary><ul>",
            esc(&g.heading),
            g.scenarios.len()
        ));
        for (s, note) in &g.scenarios {
            let note = if note.is_empty() {
                String::new()
            } else {
                format!(" ({note})")
            };
            out.push_str(&format!("<li>{}{}</li>", esc(&s.label()), esc(&note)));
        }
        out.push_str("</ul></details>");
    }
    out.push_str("</section>\n");
    out
}

fn not_checked(v: &View) -> String {
    let total: usize = v.not_checked.iter().map(|n| n.entries.len()).sum();
    if total == 0 {
        return String::new();
    }
    let mut out = format!(
        "<section id=\"not-checked\"><h2>Not checked on this target ({total})</h2><p>{NOT_CHECKED}.</p><ul>"
    );
    for n in &v.not_checked {
        for (s, what) in &n.entries {
            out.push_str(&format!("<li>{}: {}</li>", esc(&s.label()), esc(what)));
        }
    }
    out.push_str("</ul></section>\n");
    out
}

pub(super) const STYLE: &str = "
:root{--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700;--mute:#57606a;--line:#d0d7de;--bg:#f6f8fa}
.grid{display:flex;flex-wrap:wrap;gap:3px;margin:.3em 0 1em}
.cell{font-size:11px;padding:1px 4px;border:1px solid #1f2328;border-radius:3px;color:#fff;white-space:nowrap}
.cell[data-depth=behaviour]{border-width:3px}
.cell[data-depth=not-claimed]{border-style:dashed}
.cell[data-state=passed]{background:var(--ok)}.cell[data-state=failed]{background:var(--bad)}
.cell[data-state=not-run]{background:var(--warn)}.cell[data-state=none]{background:var(--mute)}
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
td.passed{color:var(--ok)}td.failed{color:var(--bad)}td.not-certified{color:var(--warn)}tr.marked td{font-weight:600}
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
