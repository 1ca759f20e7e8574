//! Certification reports: a run writes the six files, `verify` accepts them as written, and any
//! edit — to any file kind, a missing or an added file, a report of another suite — is caught
//! and named. No report holds the secret or a signature.

use std::path::{Path, PathBuf};

use ecs_conformance::evidence::Level;
use ecs_conformance::results::{Results, format_date};
use ecs_conformance::suite::{self, SuiteConfig, SuiteFiles, Waivers};
use ecs_conformance::{MockServer, report};

use crate::proxy;

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        std::fs::copy(entry.path(), to.join(entry.file_name()))?;
    }
    Ok(())
}

pub async fn written_verified_and_tamper_evident() -> Vec<String> {
    let mut problems = Vec::new();
    let dir: PathBuf = std::env::temp_dir().join(format!("ecsc-report-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        return vec![format!("cannot create {}: {e}", dir.display())];
    }
    let config = SuiteConfig {
        progress: false,
        machine_reports: Some(dir.clone()),
        ..SuiteConfig::default()
    };
    let out = match suite::run(config).await {
        Ok(out) => out,
        Err(e) => return vec![format!("the run for a report failed: {e}")],
    };
    let started = std::time::Instant::now();
    if let Err(e) = report::write(&dir, &out.results, None, None) {
        return vec![format!("the report could not be written: {e}")];
    }
    let fingerprint = SuiteFiles::Embedded.fingerprint().unwrap_or_default();
    let size: u64 = std::fs::read_dir(&dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0);
    println!(
        "report: 6 files, {size} bytes, written in {:.0} ms after the run",
        started.elapsed().as_secs_f64() * 1e3
    );
    if let Err(e) = report::verify(&dir, &fingerprint) {
        problems.push(format!("a report as written must verify: {e}"));
    }

    // Every file kind, edited, is caught and named; so are a missing file, an added one, and a
    // report of another suite.
    let tampered = dir.with_extension("tampered");
    type Tamper = fn(&Path) -> std::io::Result<()>;
    let cases: Vec<(&str, Tamper, &str)> = vec![
        (
            "junit.xml edited",
            |d| append(&d.join("junit.xml")),
            "junit.xml",
        ),
        (
            "cucumber.json edited",
            |d| append(&d.join("cucumber.json")),
            "cucumber.json",
        ),
        (
            "results.json edited (a scenario's outcome)",
            |d| {
                replace(
                    &d.join("results.json"),
                    "\"outcome\": \"passed\"",
                    "\"outcome\": \"failed\"",
                )
            },
            "results.json",
        ),
        (
            "report.md edited",
            |d| replace(&d.join("report.md"), "passed", "failed"),
            "report.md",
        ),
        (
            "report.html edited",
            |d| replace(&d.join("report.html"), "passed", "failed"),
            "report.html",
        ),
        (
            "manifest.json edited",
            |d| replace(&d.join("manifest.json"), "\"files\"", "\"files\" "),
            "manifest.json",
        ),
        (
            "a file missing",
            |d| std::fs::remove_file(d.join("cucumber.json")),
            "cucumber.json",
        ),
        (
            "a file added",
            |d| std::fs::write(d.join("notes.txt"), "trust me"),
            "notes.txt",
        ),
    ];
    for (what, tamper, named) in cases {
        let result = copy_dir(&dir, &tampered)
            .and_then(|()| tamper(&tampered))
            .map_err(|e| e.to_string())
            .and_then(|()| match report::verify(&tampered, &fingerprint) {
                Ok(()) => Err("verify accepted it".to_owned()),
                Err(e) if e.contains(named) => Ok(e),
                Err(e) => Err(format!("verify refused it without naming {named}: {e}")),
            });
        match result {
            Ok(e) => println!("report tampered ({what}): caught: {e}"),
            Err(e) => problems.push(format!("report tampered ({what}): {e}")),
        }
    }
    // A report of another suite version: its fingerprint is not this harness's.
    match report::verify(&dir, "sha256:another-suite") {
        Err(e) if e.contains("another suite") => println!("report of another suite: caught: {e}"),
        other => problems.push(format!(
            "a report of another suite must be refused, got {other:?}"
        )),
    }

    // A report with the optional files (a regression report, a container's log) verifies, and an
    // edit to them is caught too.
    let with_optional = dir.with_extension("optional");
    let _ = std::fs::remove_dir_all(&with_optional);
    let results = out.results.clone();
    let regression = report::diff::diff(
        &results,
        &results,
        ecs_conformance::evidence::Level::Observed,
    );
    let written = std::fs::create_dir_all(&with_optional)
        .map_err(|e| e.to_string())
        .and_then(|()| copy_dir(&dir, &with_optional).map_err(|e| e.to_string()))
        .and_then(|()| {
            report::write(
                &with_optional,
                &out.results,
                Some(&regression),
                Some("container log\n"),
            )
        });
    match written.and_then(|()| report::verify(&with_optional, &fingerprint)) {
        Ok(()) => {
            for name in ["diff.md", "container.log"] {
                let caught = append(&with_optional.join(name))
                    .map_err(|e| e.to_string())
                    .and_then(|()| match report::verify(&with_optional, &fingerprint) {
                        Err(e) if e.contains(name) => Ok(()),
                        other => Err(format!("{other:?}")),
                    });
                if let Err(e) = caught {
                    problems.push(format!("an edited {name} must be caught: {e}"));
                }
                let _ = report::write(
                    &with_optional,
                    &out.results,
                    Some(&regression),
                    Some("container log\n"),
                );
            }
        }
        Err(e) => problems.push(format!(
            "a report with a regression report and a container log must verify: {e}"
        )),
    }
    let _ = std::fs::remove_dir_all(&with_optional);

    // No secret, no signature, no signed URL anywhere: neither the run's secret, nor the fresh
    // secret of any scenario's key pair (32 lowercase hex digits), nor a signature.
    if hex32("secret: 0123456789abcdef0123456789abcdef.").is_none() {
        problems.push("the scan for scenario secrets finds nothing: it proves nothing".into());
    }
    for entry in std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
    {
        let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
        for needle in [
            "testsecret",
            "Signature=",
            "authorization",
            "ACS3-HMAC-SHA256 Credential",
        ] {
            if text.contains(needle) {
                problems.push(format!(
                    "{} holds {needle:?}",
                    entry.file_name().to_string_lossy()
                ));
            }
        }
        if let Some(secret) = hex32(&text) {
            problems.push(format!(
                "{} holds {secret:?}, shaped like a scenario's secret",
                entry.file_name().to_string_lossy()
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&tampered);
    problems
}

/// A run of exactly 32 lowercase hex digits (a scenario's secret is a simple UUID).
fn hex32(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    let hex = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
    let mut start = 0;
    while start < bytes.len() {
        if !hex(bytes[start]) {
            start += 1;
            continue;
        }
        let end = (start..bytes.len())
            .find(|&i| !hex(bytes[i]))
            .unwrap_or(bytes.len());
        let alnum_before = start > 0 && bytes[start - 1].is_ascii_alphanumeric();
        let alnum_after = end < bytes.len() && bytes[end].is_ascii_alphanumeric();
        if end - start == 32 && !alnum_before && !alnum_after {
            return Some(&text[start..end]);
        }
        start = end;
    }
    None
}

fn append(path: &Path) -> std::io::Result<()> {
    let mut text = std::fs::read_to_string(path)?;
    text.push(' ');
    std::fs::write(path, text)
}

fn replace(path: &Path, from: &str, to: &str) -> std::io::Result<()> {
    let text = std::fs::read_to_string(path)?;
    if !text.contains(from) {
        return Err(std::io::Error::other(format!(
            "{} holds no {from:?}",
            path.display()
        )));
    }
    std::fs::write(path, text.replacen(from, to, 1))
}

/// "What the target was shown to do": against the mock, every code of ResetDisk's table is shown
/// in both formats and nothing undocumented appears; through a proxy that renames a code and
/// changes the XML Content-Type, both deviations are listed apart, with the scenarios that saw
/// them.
pub async fn shown_to_return() -> Vec<String> {
    let mut problems = Vec::new();
    let quiet = SuiteConfig {
        progress: false,
        ..SuiteConfig::default()
    };
    let text = match report_of(quiet).await {
        Ok(text) => text,
        Err(e) => return vec![format!("the mock's report: {e}")],
    };
    let section = text
        .split("## What the target was shown to do")
        .nth(1)
        .unwrap_or_default();
    if section.is_empty() {
        problems.push("the mock's report has no \"What the target was shown to do\"".into());
    }
    for format in ["XML", "JSON"] {
        let Some(part) = section.split(&format!("### ResetDisk, {format}")).nth(1) else {
            problems.push(format!("no ResetDisk, {format} in the shown section"));
            continue;
        };
        let part = part.split("\n### ").next().unwrap_or_default();
        for code in [
            "IncorrectDiskStatus",
            "InvalidSnapshot.TooOld",
            "Operation.Conflict",
        ] {
            if !part.contains(&format!("| documented, returned | `{code}` |")) {
                problems.push(format!(
                    "ResetDisk, {format}: {code} not listed as returned"
                ));
            }
        }
        if part.contains("not shown in this run") {
            problems.push(format!(
                "ResetDisk, {format}: a documented code is never shown"
            ));
        }
    }
    if section.contains("**undocumented**") {
        problems.push("the mock's answers show something undocumented".into());
    }
    // The unknown-action probe is a probe, not an action of the API.
    for format in ["XML", "JSON"] {
        let probe =
            format!("### A probe: an action the API does not have (DeleteEverything), {format}");
        if !section.contains(&probe) || section.contains(&format!("### DeleteEverything, {format}"))
        {
            problems.push(format!(
                "the unknown-action probe must read {probe:?}, never as an action"
            ));
        }
    }

    let mock = match MockServer::start().await {
        Ok(m) => m,
        Err(e) => return vec![format!("the mock did not start: {e}")],
    };
    let (url, _proxy, _stop) = proxy::start(mock.url(), |_, r| {
        if r.content_type == "text/xml;charset=utf-8" {
            r.content_type = "application/xml".into();
        }
        r.body = r
            .body
            .replace("IncorrectDiskStatus", "Disk.StatusIncorrect");
    })
    .await;
    let text = match report_of(proxy::through(url)).await {
        Ok(text) => text,
        Err(e) => return vec![format!("the faulty target's report: {e}")],
    };
    for needle in [
        "| **undocumented** | code Disk.StatusIncorrect |",
        "| **undocumented** | Content-Type application/xml |",
        "| documented, not shown in this run | `IncorrectDiskStatus` |",
    ] {
        if !text.contains(needle) {
            problems.push(format!("the faulty target's report lacks {needle:?}"));
        }
    }
    println!(
        "shown to return: the mock's report lists ResetDisk's codes and nothing undocumented; a renamed code and a changed Content-Type are listed apart"
    );
    problems
}

/// A run with a report directory (cucumber's own writers put their files there), and its
/// report.md.
async fn report_of(config: SuiteConfig) -> Result<String, String> {
    let dir = std::env::temp_dir().join(format!("ecsc-shown-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let config = SuiteConfig {
        machine_reports: Some(dir.clone()),
        ..config
    };
    let out = suite::run(config).await.map_err(|e| e.to_string())?;
    report::write(&dir, &out.results, None, None)?;
    let text = std::fs::read_to_string(dir.join("report.md")).map_err(|e| e.to_string());
    let _ = std::fs::remove_dir_all(&dir);
    text
}

/// The numbers of the tally sentence (`N scenarios: N passed every expectation, …`) wherever it
/// stands in `text`, tags and all.
fn tally(text: &str) -> Option<Vec<u64>> {
    let at = text.find(" passed every expectation")?;
    let start = text[..at].rfind(" scenarios: ")?;
    let start = text[..start]
        .rfind(|c: char| !c.is_ascii_digit())
        .map_or(0, |i| i + 1);
    let end = at + text[at..].find(['\n', '<', '—'])?;
    let numbers = text[start..end]
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    Some(numbers)
}

/// `name="N"` of the first line of `xml` that opens `tag`.
fn attribute(xml: &str, tag: &str, name: &str) -> Option<u64> {
    let line = xml.lines().find(|l| l.contains(&format!("<{tag} ")))?;
    let at = line.find(&format!(" {name}=\""))? + name.len() + 3;
    line[at..].split('"').next()?.parse().ok()
}

/// Console, report.md, report.html and junit.xml say the same counts of one run: the tally
/// sentence word for word in the first three, the same numbers as results.json's counts, and
/// JUnit's tests, failures, errors and skipped are the cases shown, the counted failures, the
/// unanswered and the waived.
fn printers_agree(what: &str, dir: &Path) -> Result<String, String> {
    let results = Results::load(dir)?;
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap_or_default();
    let console = report::summary(&results);
    let printed = [
        ("console", console.as_str()),
        ("report.md", &read("report.md")),
        ("report.html", &read("report.html")),
    ]
    .map(|(name, text)| (name, tally(text)));
    let c = &results.run.counts;
    let fail_on = results.run.fail_on;
    let counted = c.failed_up_to(fail_on) as u64;
    let mut want = vec![c.scenarios as u64, c.passed as u64, c.failed_any() as u64];
    want.extend(Level::ALL.map(|l| c.failed_at(l) as u64));
    want.push(counted);
    for (name, numbers) in &printed {
        match numbers {
            Some(n) if n.starts_with(&want) && Some(n) == printed[0].1.as_ref() => {}
            other => {
                return Err(format!(
                    "{what}: {name} states {other:?}, results.json {want:?}, the console {:?}",
                    printed[0].1
                ));
            }
        }
    }
    let junit = read("junit.xml");
    let shown = results
        .scenarios
        .iter()
        .filter(|s| !s.omitted_from_machine_reports())
        .count() as u64;
    let got =
        ["tests", "failures", "errors", "skipped"].map(|a| attribute(&junit, "testsuites", a));
    let expected = [shown, counted, results.unanswered() as u64, c.waived as u64].map(Some);
    if got != expected {
        return Err(format!(
            "{what}: junit.xml counts {got:?} (tests, failures, errors, skipped), the results {expected:?}"
        ));
    }
    Ok(format!(
        "{what}: console, report.md and report.html state {want:?}; junit.xml {expected:?}"
    ))
}

/// A passing run, the faulty proxy's run and a waived run: every printer agrees on every count.
pub async fn printers_agree_on_every_count() -> Vec<String> {
    let mut problems = Vec::new();
    let mock = match MockServer::start().await {
        Ok(m) => m,
        Err(e) => return vec![format!("the mock did not start: {e}")],
    };
    // The faulty endpoint of .ci/run: the "dees" typo fixed (documented), a space in the XML
    // Content-Type (observed), no Recommend (chosen).
    let faulty = |_: &proxy::Exchange, r: &mut proxy::Rewritten| {
        if r.content_type == "text/xml;charset=utf-8" {
            r.content_type = "text/xml; charset=utf-8".into();
        }
        r.body = r.body.replace("dees not support", "does not support");
    };
    let (url, _proxy, _stop) = proxy::start(mock.url(), faulty).await;
    let today = time::OffsetDateTime::now_utc().date();
    let waiver = format!(
        "[[waiver]]\nscenario = \"resetdisk-errors-the-account/*\"\nexpectation = \"content-type.xml\"\nreason = \"the gateway adds a space\"\nissue = \"https://tracker.example/ECS-9\"\nexpires = \"{}\"\n",
        format_date(today)
    );
    let waivers = Waivers::parse(&waiver, today);
    let Ok(waivers) = waivers else {
        return vec![format!("the waiver of the waived run: {waivers:?}")];
    };
    let runs = [
        ("a passing run", SuiteConfig::default()),
        (
            "the faulty proxy's run",
            SuiteConfig {
                fail_on: Level::Observed,
                ..proxy::through(url.clone())
            },
        ),
        (
            "a waived run",
            SuiteConfig {
                fail_on: Level::Observed,
                waivers,
                ..proxy::through(url)
            },
        ),
    ];
    for (what, config) in runs {
        let dir = std::env::temp_dir().join(format!("ecsc-agree-{}", uuid::Uuid::new_v4()));
        let result = async {
            std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
            let config = SuiteConfig {
                machine_reports: Some(dir.clone()),
                progress: false,
                ..config
            };
            let out = suite::run(config).await.map_err(|e| e.to_string())?;
            if what == "a waived run" && out.results.waived() == 0 {
                return Err("the waived run waived nothing".into());
            }
            report::write(&dir, &out.results, None, None)?;
            printers_agree(what, &dir)
        }
        .await;
        let _ = std::fs::remove_dir_all(&dir);
        match result {
            Ok(line) => println!("printers agree: {line}"),
            Err(e) => problems.push(e),
        }
    }
    problems
}
