//! The printers over one view: each says what the view says — the same counts, scores, groups and
//! lines — whatever it looks like; and the sections a reader once tripped on say what they mean.

use super::table::Cell;
use super::unjudged::NotRunKind;
use super::view::View;
use super::{console, html, junit, markdown};
use crate::contract::editions::{self, Range};
use crate::evidence::Level;
use crate::results::{Cause, Finding, Outcome, Results, Scenario, ScenarioId};
use crate::suite::Waivers;
use crate::suite::judgement::conclude_for_test;

const TODAY: time::Date = time::macros::date!(2026 - 12 - 01);

fn finding(expectation: &str, level: Level, problem: &str) -> Finding {
    Finding {
        expectation: expectation.into(),
        level,
        source: "s".into(),
        problem: problem.into(),
    }
}

/// A scenario of `feature` that met every expectation but `findings`, judging `editions`.
fn scenario(feature: &str, name: &str, findings: Vec<Finding>, editions: &str) -> Scenario {
    let range: Range = if editions.is_empty() {
        Range::ALL
    } else {
        editions.parse().unwrap()
    };
    let mut tags = Vec::new();
    if !editions.is_empty() {
        tags.push(format!("editions:{editions}"));
    }
    let mut s = Scenario::not_run(&ScenarioId::new(feature, name), tags, range, String::new());
    s.reason = None;
    s.failed_at = findings.iter().map(|f| f.level).min();
    s.outcome = match s.failed_at {
        Some(_) => Outcome::Failed,
        None => Outcome::Passed,
    };
    s.findings = findings;
    s
}

fn not_run(feature: &str, name: &str, cause: Option<Cause>, reason: &str) -> Scenario {
    let mut s = scenario(feature, name, vec![], "");
    (s.outcome, s.cause, s.reason) = (Outcome::NotRun, cause, Some(reason.into()));
    s
}

fn run(scenarios: Vec<Scenario>, waivers: &Waivers, fail_on: Level) -> Results {
    conclude_for_test(scenarios, waivers, fail_on, editions::latest(), TODAY)
}

const CT: &str = "Content-Type: expected \"text/xml;charset=utf-8\", got \"application/xml\"";

const WAIVER: &str = "[[waiver]]\nscenario = \"resetdisk-errors-the-account/*\"\nexpectation = \"content-type.xml\"\nreason = \"the gateway adds no charset yet\"\nissue = \"https://tracker.example/ECS-123\"\nexpires = \"2027-03-31\"\n";

/// Three runs: one that passes, one that fails at each level with scenarios not run for every
/// reason, one with a waived scenario and a stale waiver.
fn runs() -> Vec<(&'static str, Results)> {
    let account = "ResetDisk errors: the account";
    let passing = run(
        vec![
            scenario("Formats", "XML by default", vec![], ""),
            scenario(
                "Formats",
                "The first edition's",
                vec![],
                "2019-07-12..2020-09-10",
            ),
        ],
        &Waivers::default(),
        Level::Chosen,
    );
    let mut stalled = not_run("Formats", "Stalled", Some(Cause::HarnessStall), "timed out");
    stalled.stalled_ms = Some(3100);
    let failing = run(
        vec![
            scenario(
                account,
                "A",
                vec![finding("error.answer", Level::Documented, "x")],
                "",
            ),
            scenario(
                account,
                "B",
                vec![finding("content-type.xml", Level::Observed, CT)],
                "",
            ),
            scenario(
                account,
                "C",
                vec![finding("content-type.xml", Level::Observed, CT)],
                "",
            ),
            scenario(
                "Formats",
                "D",
                vec![finding("recorded-answer", Level::Chosen, "r")],
                "",
            ),
            scenario(
                "Formats",
                "Old",
                vec![finding("error.answer", Level::Documented, "y")],
                "2019-07-12..2020-09-10",
            ),
            not_run("Formats", "E", None, "needs a world"),
            not_run(
                account,
                "F",
                Some(Cause::Setup),
                "setup failed: refused [3]",
            ),
            stalled,
        ],
        &Waivers::default(),
        Level::Observed,
    );
    let waivers = Waivers::parse(
        &format!("{WAIVER}{}", WAIVER.replace("the-account/*", "other/*")),
        TODAY,
    )
    .unwrap();
    let waived = run(
        vec![
            scenario(
                account,
                "UserNotInTheWhiteList (XML)",
                vec![finding("content-type.xml", Level::Observed, CT)],
                "",
            ),
            scenario(account, "Passes", vec![], ""),
        ],
        &waivers,
        Level::Observed,
    );
    vec![
        ("passing", passing),
        ("failing", failing),
        ("waived", waived),
    ]
}

/// The numbers of a tally sentence, in order, wherever it stands in `text`.
fn tally_numbers(text: &str) -> Vec<usize> {
    let at = text.find(" scenarios: ").expect("a tally sentence");
    let start = text[..at]
        .rfind(|c: char| !c.is_ascii_digit())
        .map_or(0, |i| i + 1);
    let sentence = &text[start..];
    let end = sentence.find(['\n', '<']).unwrap_or(sentence.len());
    let sentence = sentence[..end].split(" — in ").next().unwrap_or_default();
    sentence
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect()
}

/// The rows of the score table as each printer shows them: `area` and its cells' text.
fn score_rows(printer: &str, text: &str) -> Vec<Vec<String>> {
    let rows: Vec<Vec<String>> = match printer {
        "markdown" => {
            let section = text
                .split("\n## Score by area\n")
                .nth(1)
                .unwrap_or_default();
            let section = section.split("\n## ").next().unwrap_or_default();
            (section.lines())
                .filter(|l| l.starts_with("| ") && !l.starts_with("| area"))
                .map(|l| {
                    l.trim_matches('|')
                        .split(" | ")
                        .map(|c| c.trim().to_owned())
                        .collect()
                })
                .collect()
        }
        "html" => {
            let section = text
                .split("<section id=\"score\">")
                .nth(1)
                .unwrap_or_default();
            let section = section.split("</section>").next().unwrap_or_default();
            (section.split("<tr>").skip(2))
                .map(|row| {
                    (row.split("</td>"))
                        .filter(|c| c.contains("<td"))
                        .map(|c| {
                            let cell = c.rsplit("</span>").next().unwrap_or(c);
                            cell.rsplit('>').next().unwrap_or(cell).trim().to_owned()
                        })
                        .collect()
                })
                .collect()
        }
        _ => {
            let section = text.split("\nScore by area:\n").nth(1).unwrap_or_default();
            (section.lines().skip(1))
                .take_while(|l| l.starts_with("  ") && !l.starts_with("  Passed"))
                .map(|l| {
                    l.split("  ")
                        .map(str::trim)
                        .filter(|c| !c.is_empty())
                        .map(str::to_owned)
                        .collect()
                })
                .collect()
        }
    };
    rows
}

#[test]
fn every_printer_states_the_same_counts_and_scores() {
    for (what, r) in runs() {
        let c = &r.run.counts;
        let want = {
            let mut n = vec![c.scenarios, c.passed, c.failed_any()];
            n.extend(Level::ALL.map(|l| c.failed_at(l)));
            n.push(c.failed_up_to(r.run.fail_on));
            n
        };
        let view = View::of(&r);
        let printed = [
            ("console", console::print(&view)),
            ("markdown", markdown::print(&view)),
            ("html", html::print(&view)),
        ];
        let mut tallies = Vec::new();
        let mut scores = Vec::new();
        for (printer, text) in &printed {
            let numbers = tally_numbers(text);
            assert_eq!(numbers[..want.len()], want[..], "{what}, {printer}: {text}");
            tallies.push(numbers);
            scores.push(score_rows(printer, text));
        }
        assert!(
            tallies.windows(2).all(|w| w[0] == w[1]),
            "{what}: {tallies:?}"
        );
        assert!(!scores[0].is_empty(), "{what}: no score rows");
        assert!(
            scores.windows(2).all(|w| w[0] == w[1]),
            "{what}: {scores:?}"
        );
    }
}

#[test]
fn a_deviation_that_several_scenarios_share_is_one_cause() {
    let failing = &runs()[1].1;
    let view = View::of(failing);
    assert_eq!(view.causes.len(), 1, "{:?}", view.causes);
    let g = &view.causes[0];
    assert_eq!(g.problem, CT);
    let names: Vec<String> = g.scenarios.iter().map(|s| s.label()).collect();
    assert_eq!(
        names,
        [
            "ResetDisk errors: the account / B",
            "ResetDisk errors: the account / C"
        ]
    );
    let needle = format!("2 × [observed] content-type.xml: {CT}");
    assert!(console::print(&view).contains(&needle));
    assert!(markdown::print(&view).contains("| 2 | observed | `content-type.xml` |"));
}

#[test]
fn waivers_are_said_alike_by_every_printer() {
    let waived = &runs()[2].1;
    assert_eq!(
        (waived.passed(), waived.failed(), waived.waived()),
        (1, 0, 1)
    );
    let view = View::of(waived);
    let text = console::print(&view);
    assert!(
        text.contains("1 passed, 0 failed at --fail-on observed, 1 waived"),
        "{text}"
    );
    assert!(
        text.contains("by waiver 1 (scenario resetdisk-errors-the-account/*"),
        "{text}"
    );
    let unexercised = "note: unexercised waiver (no scenario it names reached a verdict): waiver 2 (scenario resetdisk-errors-other/*";
    assert!(text.contains(unexercised), "{text}");
    let (md, page) = (markdown::print(&view), html::print(&view));
    let line = &view.waivers.as_ref().unwrap().waived[0].line;
    assert!(line.starts_with("waived: ResetDisk errors: the account / UserNotInTheWhiteList (XML) [observed], by waiver 1 ("));
    assert!(md.contains(&crate::suite::md_cell(line)) && page.contains(&html::esc(line)));
    assert!(md.contains(unexercised) && page.contains(&html::esc(unexercised)));
    let xml = junit::print(&view);
    let skipped = "<skipped message=\"waived: the gateway adds no charset yet (https://tracker.example/ECS-123)\"/>";
    assert!(xml.contains(skipped) && !xml.contains("<failure"), "{xml}");

    let waivers = Waivers::parse(WAIVER, TODAY).unwrap();
    let stale = run(
        vec![scenario(
            "ResetDisk errors: the account",
            "Fixed",
            vec![],
            "",
        )],
        &waivers,
        Level::Observed,
    );
    assert_eq!(stale.exit_status(), 1);
    let text = console::summary(&stale);
    assert!(
        text.contains("✘ stale waiver: the deviation is gone — remove it: waiver 1"),
        "{text}"
    );
}

#[test]
fn not_run_counts_only_the_gated_edition_s_scenarios_that_did_not_run() {
    // Formats: one passed, one of the first edition only (it ran, and passed there), one not
    // run for a reason of its own, one the harness stalled through.
    let failing = &runs()[1].1;
    let view = View::of(failing);
    let formats = (view.areas.rows.iter())
        .find(|r| r.cells[0] == Cell::Text("Formats".into()))
        .unwrap();
    let column = |name: &str| {
        let i = view.areas.columns.iter().position(|c| c == name).unwrap();
        formats.cells[i].clone()
    };
    assert_eq!(
        column("not run"),
        Cell::Count(2),
        "its own not-run scenarios only"
    );
    assert_eq!(column("other editions"), Cell::Count(1));
    assert_eq!(column("chosen"), Cell::Score { passed: 0, of: 1 });
    // The tally too: the gated edition's scenarios not run, those of other editions apart.
    assert!(
        view.tally
            .words
            .contains(", 3 not run (1 setup failed, 1 harness stalled), 1 of other editions"),
        "{}",
        view.tally.words
    );
}

#[test]
fn editions_are_named_never_given_as_a_range_whose_end_reads_as_one_of_them() {
    let failing = &runs()[1].1;
    let view = View::of(failing);
    assert!(
        view.not_run
            .iter()
            .all(|g| g.kind != NotRunKind::OtherEditions)
    );
    let other = &view.other_editions[0];
    assert_eq!(
        other.heading,
        "not in edition 2025-03-21: this scenario judges only 2019-07-12"
    );
    let text = console::print(&view);
    assert!(text.contains("Of other editions (1): not in edition 2025-03-21: this scenario judges only 2019-07-12\n"), "{text}");
    assert!(!text.contains(".."), "{text}");
}

#[test]
fn the_rows_not_modelled_are_shown_per_action_by_report_md_and_report_html() {
    let mut results = runs()[0].1.clone();
    // A report written before the list (or before the depth map) shows no such section.
    let before = View::of(&results);
    assert!(before.not_modelled.is_empty());
    assert!(!markdown::print(&before).contains("Rows not modelled"));
    assert!(!html::print(&before).contains("id=\"not-modelled\""));
    results.run.actions = Some(crate::results::depth_map(
        &[],
        &Default::default(),
        None,
        editions::latest(),
    ));
    let view = View::of(&results);
    let md = markdown::print(&view);
    let page = html::print(&view);
    let actions = results.run.actions.as_ref().unwrap();
    let with: Vec<_> = actions
        .iter()
        .filter(|a| !a.not_modelled.is_empty())
        .collect();
    assert_eq!(view.not_modelled.len(), with.len());
    assert!(with.iter().any(|a| a.action == "StopInstance"));
    for a in with {
        let n = a.not_modelled.len();
        assert!(
            md.contains(&format!("### {}: {n} rows not modelled", a.action)),
            "{md}"
        );
        assert!(page.contains(&format!("data-action=\"{}\" data-rows=\"{n}\"", a.action)));
        for row in &a.not_modelled {
            assert!(md.contains(&format!("| {} | `{}` | ", row.status, row.code)));
            assert!(page.contains(&format!("<code>{}</code>", row.code)));
        }
    }
}
