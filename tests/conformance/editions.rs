//! Editions of the contract, proven both ways: the embedded mock at each edition passes that
//! edition at `chosen`; a mock of the first edition judged against the latest fails (or cannot be
//! given the state of) exactly the scenarios `editions diff` lists as judged only in the latest,
//! and the mock of the latest judged against the first fails exactly those judged only in the
//! first. The second direction reads the main run (the embedded mock at `latest`). Beyond the
//! first and the latest, the mock of every edition judged against every other fails exactly what
//! the editions' data predicts — nothing where it predicts nothing (the same answers judge every
//! edition, so each edition's own run proves all its pairs).

use std::collections::BTreeSet;

use ecs_conformance::contract::editions::{self, Edition};
use ecs_conformance::evidence::Level;
use ecs_conformance::report::{self, Results, diff};
use ecs_conformance::suite::{self, Outcome, Report, SnapshotMode, SuiteConfig, Target, Verdict};
use ecs_conformance::{MockConfig, MockServer};

use super::Tally;

/// Names of the scenarios judging `edition` whose outcome there is anything but passed.
fn not_passed_in(report: &Report, edition: &Edition) -> BTreeSet<String> {
    report
        .results
        .iter()
        .filter(|r| r.editions().contains(edition) && *r.judged() != Outcome::Passed)
        .map(|r| r.name())
        .collect()
}

fn predicted(only: &Edition, not: &Edition) -> Result<BTreeSet<String>, String> {
    Ok(suite::judged_only_in(only, not)?.into_iter().collect())
}

fn compare(what: &str, got: &BTreeSet<String>, want: &BTreeSet<String>) -> Result<(), String> {
    if want.is_empty() {
        return Err(format!("{what}: `editions diff` predicts no scenario"));
    }
    if got == want {
        return Ok(());
    }
    let extra: Vec<_> = got.difference(want).collect();
    let missing: Vec<_> = want.difference(got).collect();
    Err(format!(
        "{what}: not passed but not predicted {extra:?}; predicted but passed {missing:?}"
    ))
}

/// Each run (the embedded mock serving an edition) judged against every other edition: it does
/// not pass exactly the scenarios judged in that edition and not in its own; where the data
/// predicts none, it passes every one.
fn every_pair_as_predicted<'a>(
    runs: impl Iterator<Item = (&'static Edition, &'a Report)>,
) -> Result<(), String> {
    let (mut pairs, mut wrong) = (0, Vec::new());
    let mut served = 0;
    for (serves, report) in runs {
        served += 1;
        for judged in editions::all().iter().filter(|e| e.name != serves.name) {
            pairs += 1;
            let what = format!("the mock at {} judged against {}", serves.name, judged.name);
            let (got, want) = (not_passed_in(report, judged), predicted(judged, serves)?);
            let result = if want.is_empty() && !got.is_empty() {
                Err(format!("{what}: nothing predicted, but not passed {got:?}"))
            } else if want.is_empty() {
                Ok(())
            } else {
                compare(&what, &got, &want)
            };
            wrong.extend(result.err());
        }
    }
    let all = editions::all().len();
    if served != all {
        return Err(format!("{served} of the {all} editions' mocks ran"));
    }
    if wrong.is_empty() {
        println!(
            "editions: every edition's mock judged against every other: {pairs} pairs as predicted"
        );
        Ok(())
    } else {
        Err(wrong.join("\n"))
    }
}

/// The report of a run gated on `gated` whose target conforms to `nearest`: its title names the
/// gated edition, and report.md, report.html and results.json give every edition's verdict and
/// the nearest conforming one.
fn report_names_editions(
    out: &suite::RunOutput,
    dir: &std::path::Path,
    gated: &str,
    nearest: &str,
) -> Result<(), String> {
    report::write(dir, out, None, None)?;
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap_or_default();
    let (md, html, json) = (read("report.md"), read("report.html"), read("results.json"));
    let results: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
    let title = format!("ECS conformance report, edition {gated}");
    let wanted = [
        ("report.md title", md.starts_with(&format!("# {title}"))),
        (
            "report.md gated row",
            md.contains(&format!("| **{gated}** (gated) |")),
        ),
        (
            "report.md nearest",
            md.contains(&format!("conforms to at --fail-on chosen: {nearest}.")),
        ),
        (
            "report.html section",
            html.contains("<section id=\"editions\">"),
        ),
        (
            "report.html title",
            html.contains(&format!("<h1>{title}</h1>")),
        ),
        ("results.json edition", results["run"]["edition"] == gated),
        (
            "results.json conforms_to",
            results["run"]["conforms_to"] == nearest,
        ),
        (
            "results.json editions",
            results["run"]["editions"].as_array().map_or(0, Vec::len) == editions::all().len(),
        ),
        // A failed row that the API metadata lists too names it among its sources.
        (
            "results.json run.metadata",
            results["run"]["metadata"]["snapshot"] == ecs_conformance::metadata::header().snapshot,
        ),
        (
            "results.json a finding sourced [meta]",
            json.contains(&format!("; {}", ecs_conformance::metadata::citation())),
        ),
        (
            "report.md the metadata, in sources and environment",
            md.contains("[meta] Alibaba Cloud API metadata") && md.contains("| API metadata |"),
        ),
    ];
    let missing: Vec<&str> = wanted
        .iter()
        .filter(|(_, ok)| !ok)
        .map(|(w, _)| *w)
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the report of a run gated on {gated} lacks: {missing:?}"
        ))
    }
}

/// Every check of this module; `main_run` is the embedded mock at `latest`.
pub async fn proven_both_ways(main_run: &Report) -> Tally {
    let mut tally = Tally::default();
    let (first, latest) = (&editions::all()[0], editions::latest());

    // The mock at `latest`, judged against the first edition.
    tally.check(compare(
        &format!("the mock at {} judged against {}", latest.name, first.name),
        &not_passed_in(main_run, first),
        &predicted(first, latest).unwrap_or_default(),
    ));

    // The embedded mock at every other edition passes it.
    let mut runs: Vec<(&'static Edition, Report)> = Vec::new();
    for edition in editions::all().iter().filter(|e| e.name != latest.name) {
        let config = SuiteConfig {
            fail_on: Level::Chosen,
            snapshot_mode: SnapshotMode::Review,
            progress: false,
            edition,
            ..SuiteConfig::default()
        };
        let result = match suite::run(config).await {
            Ok(out) => {
                let failing = not_passed_in(&out.report, edition);
                let passes =
                    out.report.verdict_at(Level::Chosen) == Verdict::Passed && failing.is_empty();
                let problems = out.report.suite_problems.join("; ");
                runs.push((edition, out.report));
                if passes {
                    Ok(())
                } else {
                    Err(format!(
                        "the embedded mock at {} fails its own edition: {failing:?}{problems}",
                        edition.name,
                    ))
                }
            }
            Err(e) => Err(format!(
                "the run at {} could not start: {e:#}",
                edition.name
            )),
        };
        tally.check(result);
    }

    tally.check(every_pair_as_predicted(
        std::iter::once((latest, main_run)).chain(runs.iter().map(|(e, r)| (*e, r))),
    ));

    // An endpoint serving the first edition: judged against `latest` it fails exactly what the
    // diff predicts, and exits 1; gated on the first edition it passes, and the summary names
    // that edition as the nearest it conforms to.
    let Ok(mock) = MockServer::start_with(MockConfig {
        edition: first,
        ..MockConfig::default()
    })
    .await
    else {
        tally.fail("a mock of the first edition could not start".into());
        return tally;
    };
    let endpoint = |edition| SuiteConfig {
        target: Target::Endpoint {
            url: mock.url().to_owned(),
            credentials: ecs_conformance::Credentials::new(
                ecs_conformance::DEFAULT_ACCESS_KEY_ID,
                ecs_conformance::DEFAULT_ACCESS_KEY_SECRET,
            ),
        },
        fail_on: Level::Chosen,
        progress: false,
        edition,
        ..SuiteConfig::default()
    };
    let mut gated_on_latest = None;
    let dir = std::env::temp_dir().join(format!("ecsc-editions-report-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::create_dir_all(&dir);
    let with_report = SuiteConfig {
        machine_reports: Some(dir.clone()),
        ..endpoint(latest)
    };
    match suite::run(with_report).await {
        Ok(out) => {
            tally.check(report_names_editions(&out, &dir, latest.name, first.name));
            let _ = std::fs::remove_dir_all(&dir);
            gated_on_latest = Some(Results::of(&out));
            let r = &out.report;
            tally.check(compare(
                &format!("the mock at {} judged against {}", first.name, latest.name),
                &not_passed_in(r, latest),
                &predicted(latest, first).unwrap_or_default(),
            ));
            let summary = r.summary();
            let named = format!(
                "Nearest conforming edition at --fail-on chosen: {}",
                first.name
            );
            tally.check(if r.exit_status() == 1 && summary.contains(&named) {
                Ok(())
            } else {
                Err(format!(
                    "gated on latest, a mock of {} exits {} and its summary does not say {named:?}",
                    first.name,
                    r.exit_status()
                ))
            });
        }
        Err(e) => tally.fail(format!(
            "the run against a mock of the first edition: {e:#}"
        )),
    }
    match suite::run(endpoint(first)).await {
        Ok(out) if out.report.exit_status() == 0 => {
            tally.pass();
            // Two runs gated on different editions: diff says so.
            if let Some(base) = &gated_on_latest {
                let d = diff::diff(base, &Results::of(&out), Level::Chosen);
                tally.check(
                    if d.editions_differ && d.markdown().contains("different editions") {
                        Ok(())
                    } else {
                        Err(format!(
                            "a diff of runs gated on {} and {} does not warn",
                            latest.name, first.name
                        ))
                    },
                );
            }
        }
        Ok(out) => tally.fail(format!(
            "gated on {}, a mock of that edition exits {}: {:?}",
            first.name,
            out.report.exit_status(),
            not_passed_in(&out.report, first)
        )),
        Err(e) => tally.fail(format!("the run gated on the first edition: {e:#}")),
    }
    drop(mock);
    tally
}
