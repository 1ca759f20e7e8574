//! Certification reports: a run writes the six files, `verify` accepts them as written, and any
//! edit — to any file kind, a missing or an added file, a report of another suite — is caught
//! and named. No report holds the secret or a signature.

use std::path::{Path, PathBuf};

use ecs_conformance::report;
use ecs_conformance::suite::{self, SuiteConfig, SuiteFiles};

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
    if let Err(e) = report::write(&dir, &out, None, None) {
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

    // No secret, no signature, no signed URL anywhere.
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
    }
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&tampered);
    problems
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
