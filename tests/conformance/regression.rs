//! Regression reports: a baseline from the embedded mock, a second run against the mock behind a
//! proxy that swaps one code, rewords one message and adds a field to ResetDisk's success, and
//! the diff lists exactly those scenarios in the right sections — and the command line exits as
//! documented.

use std::collections::BTreeSet;
use std::process::Command;

use ecs_conformance::evidence::Level;
use ecs_conformance::report::diff;
use ecs_conformance::results::Results;
use ecs_conformance::suite::{self, RunOutput, SuiteConfig, Target};
use ecs_conformance::{Credentials, MockServer};

use super::proxy::{self, Exchange, Rewritten};

/// One code swapped, one message reworded, one field added to every ResetDisk success.
fn regress(x: &Exchange, r: &mut Rewritten) {
    r.body = r
        .body
        .replace("InvalidSnapshotId.NotReady", "InvalidSnapshot.NotReady")
        .replace("dees not support", "does not support");
    changes_only(x, r);
}

/// A field added to ResetDisk's success, in either format: a change no check counts at observed.
fn changes_only(x: &Exchange, r: &mut Rewritten) -> bool {
    if x.action != "ResetDisk" || r.status != 200 {
        return false;
    }
    r.body = r
        .body
        .replace(
            "</ResetDiskResponse>",
            "<Extra>1</Extra></ResetDiskResponse>",
        )
        .replacen('}', r#","Extra":"1"}"#, 1);
    true
}

/// README.md's release: it serves `text/xml; charset=utf-8` (with a space) and drops
/// `Recommend`, in either format.
fn release_42(_: &Exchange, r: &mut Rewritten) {
    if r.content_type == "text/xml;charset=utf-8" {
        r.content_type = "text/xml; charset=utf-8".into();
    }
    if let (Some(start), Some(end)) = (r.body.find("<Recommend>"), r.body.find("</Recommend>")) {
        r.body.replace_range(start..end + "</Recommend>".len(), "");
    }
    if let Ok(mut doc) = serde_json::from_str::<serde_json::Value>(&r.body)
        && doc
            .as_object_mut()
            .and_then(|d| d.remove("Recommend"))
            .is_some()
    {
        r.body = doc.to_string();
    }
}

/// README.md's "Real output" of a diff: its table and its excerpt are what the diff of that
/// release against the baseline prints.
async fn readme_output_is_real(mock: &MockServer, base: &Results) -> Result<String, String> {
    let release = run_through(mock, release_42).await;
    let d = diff::diff(base, &release.results.clone(), Level::Observed);
    let printed = d.markdown();
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .unwrap_or_default();
    let sample = readme
        .split_once("started serving `text/xml; charset=utf-8` and dropped `Recommend`:\n```\n")
        .and_then(|(_, rest)| rest.split_once("\n```"))
        .map(|(block, _)| block)
        .ok_or("README.md has no diff output after \"dropped `Recommend`:\"")?;
    let lines: Vec<&str> = sample.lines().filter(|l| *l != "…").collect();
    let missing: Vec<&&str> = lines.iter().filter(|l| !printed.contains(**l)).collect();
    if lines.len() < 8 || !missing.is_empty() {
        return Err(format!(
            "README.md's diff output is not what the diff prints: missing {missing:?} in\n{printed:.3000}"
        ));
    }
    Ok(format!(
        "README.md's diff output is real: {} newly failing, {} changed answers",
        d.newly_failing.len(),
        d.changed_answers.len()
    ))
}

async fn run_through(mock: &MockServer, rewrite: proxy::Rewrite) -> RunOutput {
    let (url, _proxy, _stop) = proxy::start(mock.url(), rewrite).await;
    let config = SuiteConfig {
        target: Target::Endpoint {
            url,
            credentials: Credentials::new("testid", "testsecret"),
        },
        progress: false,
        ..SuiteConfig::default()
    };
    suite::run(config)
        .await
        .expect("the suite runs through the proxy")
}

fn names(list: &[diff::Change]) -> BTreeSet<String> {
    list.iter()
        .map(|c| format!("{} / {}", c.feature, c.name))
        .collect()
}

/// Runs `ecs-conformance diff ARGS`; the exit code.
fn cli(args: &[&str]) -> Option<i32> {
    Command::new(env!("CARGO_BIN_EXE_ecs-conformance"))
        .arg("diff")
        .args(args)
        .output()
        .ok()
        .and_then(|o| o.status.code())
}

pub async fn sections_are_exact(baseline: &RunOutput) -> Vec<String> {
    let mut problems = Vec::new();
    let mock = MockServer::start().await.expect("the mock starts");
    let started = std::time::Instant::now();
    let new = run_through(&mock, regress).await;
    let (base, now) = (baseline.results.clone(), new.results.clone());
    let diff_started = std::time::Instant::now();
    let d = diff::diff(&base, &now, Level::Observed);
    let diff_ms = diff_started.elapsed().as_secs_f64() * 1e3;
    let expect_failing: BTreeSet<String> = new
        .answers()
        .iter()
        .filter(|(_, a)| {
            a.iter().any(|a| {
                !a.setup
                    && [
                        "<Code>InvalidSnapshot.NotReady</Code>",
                        "<Code>OperationDenied</Code>",
                        "\"Code\":\"InvalidSnapshot.NotReady\"",
                        "\"Code\":\"OperationDenied\"",
                    ]
                    .iter()
                    .any(|code| a.body.contains(code))
            })
        })
        .map(|(name, _)| name.clone())
        .collect();
    // Scenarios of other editions than the gated one are not run for it in either run.
    let other_editions: BTreeSet<String> = new
        .results
        .scenarios
        .iter()
        .filter(|r| r.of_other_editions())
        .map(|r| r.label())
        .collect();
    let expect_changed: BTreeSet<String> = new
        .answers()
        .iter()
        .filter(|(name, a)| {
            !expect_failing.contains(*name)
                && !other_editions.contains(*name)
                && a.iter()
                    .any(|a| !a.setup && a.action == "ResetDisk" && a.status == 200)
        })
        .map(|(name, _)| name.clone())
        .collect();
    let checks = [
        (
            "newly failing",
            names(&d.newly_failing),
            expect_failing.clone(),
        ),
        (
            "changed answers",
            names(&d.changed_answers),
            expect_changed.clone(),
        ),
        ("newly passing", names(&d.newly_passing), BTreeSet::new()),
        ("newly not run", names(&d.newly_not_run), BTreeSet::new()),
        ("newly run", names(&d.newly_run), BTreeSet::new()),
        (
            "still failing, another reason",
            names(&d.still_failing_differently),
            BTreeSet::new(),
        ),
    ];
    for (section, got, want) in checks {
        if got != want {
            problems.push(format!(
                "regression section {section}: expected {want:#?}, got {got:#?}"
            ));
        }
    }
    if expect_failing.len() < 4 || expect_changed.len() < 10 {
        problems.push(format!(
            "the regressed run must touch scenarios: {} failing, {} changed",
            expect_failing.len(),
            expect_changed.len()
        ));
    }
    if d.newly_failing
        .iter()
        .any(|c| c.level != Some(Level::Documented))
    {
        problems.push("a swapped code or a reworded message newly fails at documented".into());
    }
    if !d
        .newly_failing
        .iter()
        .all(|c| c.details.iter().any(|x| x.contains('→')))
    {
        problems.push("each newly failing scenario shows its answer's field-level diff".into());
    }
    println!(
        "regression: {} newly failing, {} changed answers; a diff of two full runs takes {diff_ms:.1} ms (run and diff {:.2} s)",
        d.newly_failing.len(),
        d.changed_answers.len(),
        started.elapsed().as_secs_f64()
    );

    match readme_output_is_real(&mock, &base).await {
        Ok(line) => println!("regression: {line}"),
        Err(e) => problems.push(e),
    }

    // The command line: exit 1 on a regression; a change alone exits 0, 1 with --fail-on-change.
    let dir = std::env::temp_dir().join(format!("ecsc-regression-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let changed_only = run_through(&mock, |x, r| {
        changes_only(x, r);
    })
    .await;
    let files = [
        ("base.json", &base),
        ("regressed.json", &now),
        ("changed.json", &changed_only.results.clone()),
    ];
    for (name, r) in files {
        let text = serde_json::to_string(r).unwrap_or_default();
        if let Err(e) = std::fs::write(dir.join(name), text) {
            problems.push(format!("cannot write {name}: {e}"));
        }
    }
    let path = |n: &str| dir.join(n).to_string_lossy().into_owned();
    for (args, want) in [
        (vec![path("base.json"), path("regressed.json")], Some(1)),
        (vec![path("base.json"), path("changed.json")], Some(0)),
        (
            vec![
                path("base.json"),
                path("changed.json"),
                "--fail-on-change".into(),
            ],
            Some(1),
        ),
        (vec![path("base.json"), path("base.json")], Some(0)),
        (vec![path("base.json")], Some(2)),
    ] {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let got = cli(&refs);
        if got != want {
            problems.push(format!(
                "diff {args:?}: expected exit {want:?}, got {got:?}"
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    problems
}
