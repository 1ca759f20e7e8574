//! Regression reports: what changed between two runs, answer by answer.
//!
//! Two `results.json` are matched scenario by scenario on their stable ids (which survive
//! reordered features and renamed files). Pass and fail are judged at one `--fail-on` level: a
//! scenario passes when it fails at no level that strong. The sections: newly failing (with the
//! field-level diff of its answers against the baseline's), newly passing, newly not run, newly
//! run, still failing for another reason, and changed answers — both pass, yet a status, code,
//! message, body field or Content-Type differs. A scenario waived in one run (`run --waivers`)
//! reads as `waived at LEVEL`: waived then failing is newly failing, waived then passing newly
//! passing, and failing or passing then waived is newly waived. Scenarios only in one run are
//! listed apart, and a different suite fingerprint is warned about.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::evidence::Level;
use crate::results::{Exchange, Outcome, Results, Scenario};
use crate::suite::answer_fields;

pub const SCHEMA: &str = "ecs-conformance/diff/v1";

/// One scenario in a section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    pub id: String,
    pub feature: String,
    pub name: String,
    /// `passed`, `failed at LEVEL`, `not run`.
    pub base: String,
    pub new: String,
    /// The level it newly fails at (newly failing), or fails at now (still failing).
    pub level: Option<Level>,
    /// What differs: answers field by field, or findings.
    pub details: Vec<String>,
}

/// One side of the comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Side {
    pub target: String,
    pub started_at: String,
    pub suite_fingerprint: String,
    pub harness_commit: String,
    /// The edition of the contract the run was gated on; absent for runs that predate editions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edition: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Diff {
    pub schema: String,
    pub fail_on: Level,
    pub base: Side,
    pub new: Side,
    /// The two runs ran different suites: differences may be the suite's, not the endpoint's.
    pub fingerprints_differ: bool,
    /// The two runs were gated on different editions of the contract: their verdicts answer
    /// different questions. Absent when they were not.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub editions_differ: bool,
    pub newly_failing: Vec<Change>,
    pub newly_passing: Vec<Change>,
    pub newly_not_run: Vec<Change>,
    pub newly_run: Vec<Change>,
    pub still_failing_differently: Vec<Change>,
    pub changed_answers: Vec<Change>,
    /// Failed or passed in the baseline, waived now: not a regression, but a deviation excused.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub newly_waived: Vec<Change>,
    pub only_in_base: Vec<String>,
    pub only_in_new: Vec<String>,
}

/// A scenario's state at `fail_on`: not run, passed, or failed at a level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    NotRun,
    /// A call got no answer: unjudged.
    NoAnswer,
    Passed,
    Failed(Level),
    /// Failed, and excused by waivers in force.
    Waived(Level),
}

fn state(s: &Scenario, fail_on: Level) -> State {
    match (s.outcome, s.failed_at) {
        (Outcome::NotRun, _) => State::NotRun,
        (Outcome::NoAnswer, _) => State::NoAnswer,
        (_, Some(level)) if !s.waived_by.is_empty() => State::Waived(level),
        (_, Some(level)) if level <= fail_on => State::Failed(level),
        _ => State::Passed,
    }
}

fn describe(state: State) -> String {
    match state {
        State::NotRun => "not run".into(),
        State::NoAnswer => "no answer".into(),
        State::Passed => "passed".into(),
        State::Failed(l) => format!("failed at {l}"),
        State::Waived(l) => format!("waived at {l}"),
    }
}

fn side(r: &Results) -> Side {
    Side {
        target: r.run.target.clone(),
        started_at: (r.run.started_at)
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        suite_fingerprint: r.run.suite_fingerprint.clone(),
        harness_commit: r.run.harness.commit.clone(),
        edition: r.run.edition.clone(),
    }
}

/// The calls a scenario's own steps made (setup aside), each as comparable fields.
fn answers(s: &Scenario) -> Vec<BTreeMap<String, String>> {
    s.exchanges
        .iter()
        .filter(|x| !x.setup)
        .map(|x: &Exchange| {
            let mut fields: BTreeMap<String, String> = answer_fields(x.format, &x.body)
                .into_iter()
                .map(|(k, v)| (format!("body {k}"), v))
                .collect();
            fields.insert("status".into(), x.status.to_string());
            fields.insert("Content-Type".into(), x.content_type.clone());
            fields
        })
        .collect()
}

/// Field-level differences between two scenarios' answers, call by call.
fn answer_diff(base: &Scenario, new: &Scenario) -> Vec<String> {
    let (b, n) = (answers(base), answers(new));
    let mut out = Vec::new();
    if b.len() != n.len() {
        out.push(format!("calls: {} before, {} now", b.len(), n.len()));
    }
    let several = b.len().max(n.len()) > 1;
    for (i, (before, now)) in b.iter().zip(&n).enumerate() {
        let call = if several {
            format!("call {}: ", i + 1)
        } else {
            String::new()
        };
        let keys: BTreeSet<&String> = before.keys().chain(now.keys()).collect();
        for k in keys {
            match (before.get(k), now.get(k)) {
                (Some(x), Some(y)) if x == y => {}
                (Some(x), Some(y)) => out.push(format!("{call}{k}: {x:?} → {y:?}")),
                (Some(x), None) => out.push(format!("{call}{k}: {x:?} → (absent)")),
                (None, Some(y)) => out.push(format!("{call}{k}: (absent) → {y:?}")),
                (None, None) => {}
            }
        }
    }
    out
}

fn reasons(s: &Scenario, fail_on: Level) -> BTreeSet<String> {
    s.findings
        .iter()
        .filter(|f| f.level <= fail_on)
        .map(|f| format!("[{}] {}", f.level, f.problem))
        .collect()
}

/// Compares `new` against `base`, pass and fail judged at `fail_on`.
pub fn diff(base: &Results, new: &Results, fail_on: Level) -> Diff {
    let by_id = |r: &Results| -> BTreeMap<String, Scenario> {
        r.scenarios
            .iter()
            .map(|s| (s.id.clone(), s.clone()))
            .collect()
    };
    let (b, n) = (by_id(base), by_id(new));
    let mut d = Diff {
        schema: SCHEMA.into(),
        fail_on,
        base: side(base),
        new: side(new),
        fingerprints_differ: base.run.suite_fingerprint != new.run.suite_fingerprint,
        editions_differ: base.run.edition != new.run.edition,
        newly_failing: vec![],
        newly_passing: vec![],
        newly_not_run: vec![],
        newly_run: vec![],
        still_failing_differently: vec![],
        changed_answers: vec![],
        newly_waived: vec![],
        only_in_base: b.keys().filter(|k| !n.contains_key(*k)).cloned().collect(),
        only_in_new: n.keys().filter(|k| !b.contains_key(*k)).cloned().collect(),
    };
    for (id, bs) in &b {
        let Some(ns) = n.get(id) else { continue };
        let (was, is) = (state(bs, fail_on), state(ns, fail_on));
        let change = |level: Option<Level>, details: Vec<String>| Change {
            id: id.clone(),
            feature: ns.feature.clone(),
            name: ns.name.clone(),
            base: describe(was),
            new: describe(is),
            level,
            details,
        };
        match (was, is) {
            (State::NotRun | State::NoAnswer, State::NotRun | State::NoAnswer) => {}
            (_, State::NotRun | State::NoAnswer) => d
                .newly_not_run
                .push(change(None, vec![ns.reason.clone().unwrap_or_default()])),
            (State::NotRun | State::NoAnswer, _) => {
                d.newly_run.push(change(None, vec![describe(is)]))
            }
            (State::Passed | State::Waived(_), State::Failed(level)) => {
                let mut details: Vec<String> = reasons(ns, fail_on).into_iter().collect();
                details.extend(answer_diff(bs, ns));
                d.newly_failing.push(change(Some(level), details));
            }
            (State::Failed(l), State::Failed(level)) if level < l => {
                let mut details: Vec<String> = reasons(ns, fail_on).into_iter().collect();
                details.extend(answer_diff(bs, ns));
                d.newly_failing.push(change(Some(level), details));
            }
            (State::Failed(_) | State::Waived(_), State::Passed) => {
                d.newly_passing.push(change(None, answer_diff(bs, ns)));
            }
            (State::Failed(_), State::Failed(level)) => {
                let (r1, r2) = (reasons(bs, fail_on), reasons(ns, fail_on));
                if r1 != r2 {
                    let mut details: Vec<String> = r1
                        .difference(&r2)
                        .map(|r| format!("no longer: {r}"))
                        .collect();
                    details.extend(r2.difference(&r1).map(|r| format!("now: {r}")));
                    d.still_failing_differently
                        .push(change(Some(level), details));
                }
            }
            (State::Passed | State::Failed(_), State::Waived(level)) => {
                let details = ns
                    .findings
                    .iter()
                    .filter(|f| f.level <= fail_on)
                    .map(|f| format!("waived: [{}] {}", f.level, f.problem))
                    .collect();
                d.newly_waived.push(change(Some(level), details));
            }
            (State::Waived(_), State::Waived(_)) => {}
            (State::Passed, State::Passed) => {
                let details = answer_diff(bs, ns);
                if !details.is_empty() {
                    d.changed_answers.push(change(None, details));
                }
            }
        }
    }
    d
}

impl Diff {
    /// The sections with scenarios, titled, in the order reports show them ("Newly waived" only
    /// when a run had waivers that excuse something).
    fn sections(&self) -> Vec<(&'static str, &Vec<Change>)> {
        let mut out = vec![
            ("Newly failing", &self.newly_failing),
            ("Newly passing", &self.newly_passing),
            ("Newly not run", &self.newly_not_run),
            ("Newly run", &self.newly_run),
            (
                "Still failing, for another reason",
                &self.still_failing_differently,
            ),
            ("Changed answers (both pass)", &self.changed_answers),
        ];
        if !self.newly_waived.is_empty() {
            out.push(("Newly waived", &self.newly_waived));
        }
        out
    }

    /// Newly failing at the diff's level: what fails a regression check.
    pub fn regressed(&self) -> bool {
        !self.newly_failing.is_empty()
    }

    /// Markdown, fit to paste into a pull request or a release note.
    pub fn markdown(&self) -> String {
        let mut out = format!(
            "# Regression report\n\n- baseline: {} ({}, commit `{}`)\n- new: {} ({}, commit `{}`)\n- judged at `--fail-on {}`\n",
            self.base.target,
            self.base.started_at,
            self.base.harness_commit,
            self.new.target,
            self.new.started_at,
            self.new.harness_commit,
            self.fail_on
        );
        if self.fingerprints_differ {
            out.push_str(&format!(
                "\n> **Warning:** the two runs used different suites ({} and {}): some differences may be the suite's, not the endpoint's.\n",
                self.base.suite_fingerprint, self.new.suite_fingerprint
            ));
        }
        if self.editions_differ {
            out.push_str(&format!(
                "\n> **Warning:** the two runs were gated on different editions of the contract ({} and {}): a scenario judged in one may not be judged in the other.\n",
                self.base.edition.as_deref().unwrap_or("none named"),
                self.new.edition.as_deref().unwrap_or("none named")
            ));
        }
        out.push_str("\n| section | scenarios |\n|---|---|\n");
        for (title, list) in self.sections() {
            out.push_str(&format!("| {} | {} |\n", title.to_lowercase(), list.len()));
        }
        out.push_str(&format!(
            "| only in the baseline's suite | {} |\n| only in the new run's suite | {} |\n",
            self.only_in_base.len(),
            self.only_in_new.len()
        ));
        for (title, list) in self.sections() {
            if list.is_empty() {
                continue;
            }
            out.push_str(&format!("\n## {title}\n"));
            for c in list {
                let level = c.level.map(|l| format!(" [{l}]")).unwrap_or_default();
                out.push_str(&format!(
                    "\n- **{} / {}**{level} — {} → {}\n",
                    c.feature, c.name, c.base, c.new
                ));
                for d in &c.details {
                    out.push_str(&format!("  - {}\n", d.replace('\n', " ")));
                }
            }
        }
        for (title, list) in [
            ("Only in the baseline's suite", &self.only_in_base),
            ("Only in the new run's suite", &self.only_in_new),
        ] {
            if !list.is_empty() {
                out.push_str(&format!("\n## {title}\n\n"));
                for id in list {
                    out.push_str(&format!("- `{id}`\n"));
                }
            }
        }
        out
    }

    /// The same as one self-contained HTML page, in the certification report's style.
    pub fn html(&self) -> String {
        let esc = super::html::esc;
        let mut out = format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Regression report</title><style>{}</style></head><body><main><h1>Regression report</h1><p class=\"sub\">{} → {} · judged at <code>--fail-on {}</code></p>",
            super::html::STYLE,
            esc(&self.base.target),
            esc(&self.new.target),
            self.fail_on
        );
        if self.fingerprints_differ {
            out.push_str("<p class=\"tag\">the two runs used different suites: some differences may be the suite's</p>");
        }
        if self.editions_differ {
            out.push_str(&format!(
                "<p class=\"tag\">the two runs were gated on different editions of the contract ({} and {})</p>",
                esc(self.base.edition.as_deref().unwrap_or("none named")),
                esc(self.new.edition.as_deref().unwrap_or("none named"))
            ));
        }
        let verdict = if self.regressed() { "failed" } else { "passed" };
        out.push_str(&format!(
            "<div class=\"verdicts\"><div class=\"verdict {verdict}\" id=\"regression\"><div class=\"level\">regressions</div><div class=\"value\">{}</div><div class=\"note\">scenarios newly failing at {}</div></div><div class=\"verdict\"><div class=\"level\">changed answers</div><div class=\"value\">{}</div><div class=\"note\">both pass, the answer differs</div></div></div>",
            self.newly_failing.len(),
            self.fail_on,
            self.changed_answers.len()
        ));
        for (title, list) in self.sections() {
            out.push_str(&format!("<h2>{title} ({})</h2>", list.len()));
            for c in list {
                let level = c.level.map_or(String::new(), |l| {
                    format!("<span class=\"tag {l}\">{l}</span>")
                });
                out.push_str(&format!(
                    "<div class=\"failure\"><h3>{level}{} / {}</h3><p class=\"muted\">{} → {}</p><ul>",
                    esc(&c.feature),
                    esc(&c.name),
                    esc(&c.base),
                    esc(&c.new)
                ));
                for d in &c.details {
                    out.push_str(&format!("<li><code>{}</code></li>", esc(d)));
                }
                out.push_str("</ul></div>");
            }
        }
        for (title, list) in [
            ("Only in the baseline's suite", &self.only_in_base),
            ("Only in the new run's suite", &self.only_in_new),
        ] {
            if !list.is_empty() {
                out.push_str(&format!("<h2>{title}</h2><ul>"));
                for id in list {
                    out.push_str(&format!("<li><code>{}</code></li>", esc(id)));
                }
                out.push_str("</ul>");
            }
        }
        out.push_str("</main></body></html>\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::{Method, WireForm};
    use crate::format::Format;
    use crate::results::{Counts, Finding, Harness, Run};

    fn scenario(id: &str, outcome: &str, failed_at: Option<Level>, body: &str) -> Scenario {
        Scenario {
            id: id.into(),
            feature: "F".into(),
            name: id.into(),
            tags: vec![],
            outcome: serde_json::from_value(outcome.into()).expect("an outcome"),
            failed_at,
            counted: failed_at.is_some(),
            reason: (outcome == "not-run").then(|| "no control API".into()),
            cause: None,
            stalled_ms: None,
            duration_ms: 1,
            findings: failed_at
                .map(|level| Finding {
                    expectation: "error.answer".into(),
                    level,
                    source: "s".into(),
                    problem: format!("wrong in {body}"),
                })
                .into_iter()
                .collect(),
            editions: None,
            judged: None,
            not_checked: vec![],
            waived_by: vec![],
            exchanges: vec![Exchange {
                action: "ResetDisk".into(),
                wire_form: WireForm::V1Get,
                method: Method::Get,
                format_asked: Some(Format::Json),
                params: BTreeMap::new(),
                setup: false,
                status: 200,
                content_type: "application/json;charset=utf-8".into(),
                format: Format::Json,
                body: body.into(),
                string_to_sign: None,
                canonical_request: None,
                access_key_id: String::new(),
                nonce: String::new(),
            }],
        }
    }

    fn results(fingerprint: &str, scenarios: Vec<Scenario>) -> Results {
        Results {
            schema: crate::results::SCHEMA.into(),
            run: Run {
                harness: Harness {
                    name: "h".into(),
                    version: "0".into(),
                    commit: "c".into(),
                },
                suite_fingerprint: fingerprint.into(),
                contract: "c".into(),
                target: "t".into(),
                access_key_id: "k".into(),
                control_api: true,
                world: "control".into(),
                started_at: time::OffsetDateTime::UNIX_EPOCH,
                duration_ms: 1,
                fail_on: Level::Observed,
                tags: None,
                formats: vec![],
                verdict: BTreeMap::new(),
                counts: Counts {
                    scenarios: 0,
                    passed: 0,
                    failed: BTreeMap::new(),
                    not_run: 0,
                    setup_failed: 0,
                    no_answer: 0,
                    harness_stalled: 0,
                    other_editions: 0,
                    waived: 0,
                },
                suite_problems: vec![],
                stopped_answering_after: None,
                answered_again: false,
                container: None,
                edition: None,
                editions: vec![],
                conforms_to: None,
                metadata: None,
                waivers: vec![],
                actions: None,
            },
            scenarios,
        }
    }

    const OK: &str = r#"{"RequestId":"F3CD6886-D8D0-4FEE-B93E-1B73239673DE"}"#;
    const MORE: &str = r#"{"RequestId":"0F2E4A77-7E5B-4C1C-9B43-6C1A4F0C2D11","Extra":"1"}"#;

    #[test]
    fn every_section_gets_exactly_its_scenarios() {
        let base = results(
            "a",
            vec![
                scenario("same", "passed", None, OK),
                scenario("breaks", "passed", None, OK),
                scenario("heals", "failed", Some(Level::Documented), "x"),
                scenario("vanishes", "passed", None, OK),
                scenario("appears", "not-run", None, OK),
                scenario("differs", "failed", Some(Level::Observed), "one"),
                scenario("changes", "passed", None, OK),
                scenario("chosen-only", "passed", None, OK),
                scenario("gone", "passed", None, OK),
            ],
        );
        let new = results(
            "b",
            vec![
                scenario("changes", "passed", None, MORE),
                scenario("same", "passed", None, OK),
                scenario("breaks", "failed", Some(Level::Documented), "y"),
                scenario("heals", "passed", None, OK),
                scenario("vanishes", "not-run", None, OK),
                scenario("appears", "passed", None, OK),
                scenario("differs", "failed", Some(Level::Observed), "two"),
                scenario("chosen-only", "failed", Some(Level::Chosen), OK),
                scenario("new", "passed", None, OK),
            ],
        );
        let d = diff(&base, &new, Level::Observed);
        let ids = |l: &[Change]| l.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&d.newly_failing), ["breaks"]);
        assert_eq!(d.newly_failing[0].level, Some(Level::Documented));
        assert_eq!(ids(&d.newly_passing), ["heals"]);
        assert_eq!(ids(&d.newly_not_run), ["vanishes"]);
        assert_eq!(ids(&d.newly_run), ["appears"]);
        assert_eq!(ids(&d.still_failing_differently), ["differs"]);
        assert_eq!(ids(&d.changed_answers), ["changes"]);
        assert!(
            d.changed_answers[0]
                .details
                .iter()
                .any(|x| x.contains("body Extra: (absent)")),
            "{:?}",
            d.changed_answers[0].details
        );
        assert_eq!(d.only_in_base, ["gone"]);
        assert_eq!(d.only_in_new, ["new"]);
        assert!(d.fingerprints_differ && d.regressed());
        let md = d.markdown();
        assert!(
            md.contains("Warning") && md.contains("## Newly failing"),
            "{md}"
        );
        assert!(d.html().contains("id=\"regression\""));
    }

    #[test]
    fn a_scenario_waived_in_one_run_reads_as_such() {
        let waived = |id: &str| Scenario {
            waived_by: vec![0],
            ..scenario(id, "failed", Some(Level::Observed), OK)
        };
        let base = results(
            "a",
            vec![
                waived("now-fails"),
                waived("now-passes"),
                scenario("now-waived", "failed", Some(Level::Observed), OK),
                scenario("passed-now-waived", "passed", None, OK),
                waived("still-waived"),
            ],
        );
        let new = results(
            "a",
            vec![
                scenario("now-fails", "failed", Some(Level::Observed), OK),
                scenario("now-passes", "passed", None, OK),
                waived("now-waived"),
                waived("passed-now-waived"),
                waived("still-waived"),
            ],
        );
        let d = diff(&base, &new, Level::Observed);
        let ids = |l: &[Change]| l.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&d.newly_failing), ["now-fails"]);
        assert_eq!(d.newly_failing[0].base, "waived at observed");
        assert_eq!(ids(&d.newly_passing), ["now-passes"]);
        assert_eq!(ids(&d.newly_waived), ["now-waived", "passed-now-waived"]);
        assert!(d.still_failing_differently.is_empty() && d.changed_answers.is_empty());
        assert!(d.regressed());
        let md = d.markdown();
        assert!(
            md.contains("| newly waived | 2 |")
                && md.contains("waived at observed → failed at observed"),
            "{md}"
        );
        // Without waivers the section is not there at all.
        let plain = diff(&new, &new, Level::Observed);
        assert!(plain.newly_waived.is_empty() && !plain.markdown().contains("newly waived"));
    }

    #[test]
    fn a_request_id_alone_is_no_change() {
        let base = results("a", vec![scenario("s", "passed", None, OK)]);
        let other_id = r#"{"RequestId":"0F2E4A77-7E5B-4C1C-9B43-6C1A4F0C2D11"}"#;
        let new = results("a", vec![scenario("s", "passed", None, other_id)]);
        let d = diff(&base, &new, Level::Observed);
        assert!(d.changed_answers.is_empty() && !d.regressed() && !d.fingerprints_differ);
    }
}
