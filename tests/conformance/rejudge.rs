//! `verify --rejudge`: the verdicts of untouched reports — of a passing run and of a failing one
//! — follow from their exchanges; a report whose hash was recomputed after a failure was edited
//! into a pass, a finding removed or an answer's status changed, verifies, and is caught by
//! `--rejudge`, which names the scenario.

use std::path::{Path, PathBuf};
use std::process::Command;

use ecs_conformance::evidence::Level;
use ecs_conformance::results::Results;
use ecs_conformance::suite::{self, SuiteConfig, SuiteFiles};
use ecs_conformance::{MockServer, report};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::Tally;
use crate::cli::exit_and_output;
use crate::proxy;

/// A run of `config` written as a report into a fresh directory.
async fn report_dir(config: SuiteConfig, name: &str) -> Result<PathBuf, String> {
    let dir = std::env::temp_dir().join(format!("ecsc-rejudge-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let config = SuiteConfig {
        machine_reports: Some(dir.clone()),
        progress: false,
        ..config
    };
    let out = suite::run(config).await.map_err(|e| e.to_string())?;
    report::write(&dir, &out.results, None, None)?;
    Ok(dir)
}

/// `from` copied to `to`, its results.json edited by `edit` and its hash in manifest.json
/// recomputed, as a forger would.
fn forged(from: &Path, to: &Path, edit: impl FnOnce(&mut Value)) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to).map_err(|e| e.to_string())?;
    for entry in std::fs::read_dir(from).map_err(|e| e.to_string())? {
        let entry = entry.map_err(|e| e.to_string())?;
        std::fs::copy(entry.path(), to.join(entry.file_name())).map_err(|e| e.to_string())?;
    }
    let hash = |b: &[u8]| hex::encode(Sha256::digest(b));
    let old = std::fs::read(to.join("results.json")).map_err(|e| e.to_string())?;
    let mut results: Value = serde_json::from_slice(&old).map_err(|e| e.to_string())?;
    edit(&mut results);
    let new = serde_json::to_string_pretty(&results).map_err(|e| e.to_string())?;
    std::fs::write(to.join("results.json"), &new).map_err(|e| e.to_string())?;
    let manifest = std::fs::read_to_string(to.join("manifest.json")).map_err(|e| e.to_string())?;
    let manifest = manifest.replace(&hash(&old), &hash(new.as_bytes()));
    std::fs::write(to.join("manifest.json"), manifest).map_err(|e| e.to_string())
}

/// The first scenario of `results` that failed at `documented`: its index and its name.
fn first_failure(results: &Value) -> Option<(usize, String)> {
    let scenarios = results["scenarios"].as_array()?;
    let i = scenarios
        .iter()
        .position(|s| s["outcome"] == "failed" && s["failed_at"] == "documented")?;
    let s = &scenarios[i];
    Some((
        i,
        format!("{} / {}", s["feature"].as_str()?, s["name"].as_str()?),
    ))
}

fn rejudged(dir: &Path) -> Result<suite::Rejudged, String> {
    suite::rejudge(&Results::load(dir)?)
}

pub async fn verdicts_follow_from_exchanges() -> Tally {
    let mut t = Tally::default();
    let fingerprint = SuiteFiles::Embedded.fingerprint().unwrap_or_default();

    // An untouched report of a passing run re-judges, every scenario of it.
    let passing = match report_dir(SuiteConfig::default(), "passing").await {
        Ok(dir) => dir,
        Err(e) => {
            t.fail(format!("rejudge: the passing run's report: {e}"));
            return t;
        }
    };
    let started = std::time::Instant::now();
    let selected = suite::selected_scenarios(&SuiteConfig::default()).unwrap_or(0);
    match rejudged(&passing) {
        Ok(r) if r.scenarios == selected && selected > 0 && r.exchanges > r.scenarios => {
            println!(
                "rejudge: the passing run's {} scenarios ({} answers) re-judged in {} ms",
                r.scenarios,
                r.exchanges,
                started.elapsed().as_millis()
            );
            t.pass();
            // docs/reports.md states these counts.
            t.check(crate::readme::states(
                "docs/reports.md",
                &format!(
                    "A full run of the embedded mock ({} scenarios, {} answers) re-judges",
                    r.scenarios, r.exchanges
                ),
            ));
        }
        Ok(r) => t.fail(format!(
            "rejudge of the passing run judged too little: {r:?}"
        )),
        Err(e) => t.fail(format!("rejudge refused an untouched passing report: {e}")),
    }

    // A failing run: the mock behind a proxy that breaks a documented code and the observed
    // Content-Type, judged at --fail-on observed (so chosen findings do not count).
    let mock = match MockServer::start().await {
        Ok(m) => m,
        Err(e) => {
            t.fail(format!("rejudge: the mock did not start: {e}"));
            return t;
        }
    };
    let (url, _proxy, _stop) = proxy::start(mock.url(), |_, r| {
        if r.content_type == "text/xml;charset=utf-8" {
            r.content_type = "text/xml; charset=utf-8".into();
        }
        r.body = r
            .body
            .replace("IncorrectDiskStatus", "Disk.StatusIncorrect");
    })
    .await;
    let config = SuiteConfig {
        fail_on: Level::Observed,
        ..proxy::through(url)
    };
    let failing = match report_dir(config, "failing").await {
        Ok(dir) => dir,
        Err(e) => {
            t.fail(format!("rejudge: the failing run's report: {e}"));
            return t;
        }
    };
    let results: Value = std::fs::read(failing.join("results.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let Some((index, name)) = first_failure(&results) else {
        t.fail("rejudge: the faulty target's run failed no scenario at documented".into());
        return t;
    };
    t.check(
        rejudged(&failing)
            .map(|_| ())
            .map_err(|e| format!("rejudge refused an untouched failing report: {e}")),
    );

    // Forgeries: each verifies (its hash was recomputed), and --rejudge names the scenario.
    type Edit = Box<dyn FnOnce(&mut Value)>;
    let passed = |s: &mut Value| {
        s["outcome"] = "passed".into();
        s["failed_at"] = Value::Null;
        s["counted"] = false.into();
    };
    let cases: Vec<(&str, Edit, String)> = vec![
        (
            "a failure edited into a pass, its findings emptied",
            Box::new(move |r: &mut Value| {
                let s = &mut r["scenarios"][index];
                passed(s);
                s["findings"] = Value::Array(Vec::new());
            }),
            name.clone(),
        ),
        (
            "a failure edited into a pass, its findings kept",
            Box::new(move |r: &mut Value| passed(&mut r["scenarios"][index])),
            name.clone(),
        ),
        (
            "a failure edited into not run, its answers kept",
            Box::new(move |r: &mut Value| {
                let s = &mut r["scenarios"][index];
                passed(s);
                s["outcome"] = "not-run".into();
                s["reason"] = "the target could not give its state".into();
                s["findings"] = Value::Array(Vec::new());
            }),
            name.clone(),
        ),
        (
            "a finding removed",
            Box::new(move |r: &mut Value| {
                if let Some(f) = r["scenarios"][index]["findings"].as_array_mut() {
                    f.retain(|f| f["level"] != "documented");
                }
            }),
            name.clone(),
        ),
        (
            "an exchange's status edited",
            Box::new(|r: &mut Value| {
                let s = r["scenarios"]
                    .as_array_mut()
                    .and_then(|s| s.iter_mut().find(|s| s["outcome"] == "passed"));
                if let Some(e) = s.and_then(|s| s["exchanges"].as_array_mut()?.last_mut()) {
                    e["status"] = 418.into();
                }
            }),
            {
                let s = results["scenarios"]
                    .as_array()
                    .and_then(|s| s.iter().find(|s| s["outcome"] == "passed"));
                s.map(|s| {
                    let text = |k: &str| s[k].as_str().unwrap_or_default().to_owned();
                    format!("{} / {}", text("feature"), text("name"))
                })
                .unwrap_or_default()
            },
        ),
        (
            "the run's verdict edited",
            Box::new(|r: &mut Value| r["run"]["verdict"]["documented"] = "passed".into()),
            "run.verdict".into(),
        ),
        (
            // A real run writes a `step` finding only at documented: one left at chosen, not
            // counted, must not excuse the exchanges the scenario's steps need.
            "a failure's exchanges dropped, one `step` finding left at chosen and not counted, \
             the counts recomputed",
            Box::new(move |r: &mut Value| {
                let s = &mut r["scenarios"][index];
                let was = s["failed_at"].as_str().unwrap_or_default().to_owned();
                s["exchanges"] = Value::Array(Vec::new());
                s["findings"] = serde_json::json!([{
                    "expectation": "step",
                    "level": "chosen",
                    "source": "the suite's step definitions",
                    "problem": "the step could not run",
                }]);
                s["failed_at"] = "chosen".into();
                s["counted"] = false.into();
                let failed = &mut r["run"]["counts"]["failed"];
                failed[&was] = (failed[&was].as_u64().unwrap_or(1) - 1).into();
                failed["chosen"] = (failed["chosen"].as_u64().unwrap_or(0) + 1).into();
            }),
            name.clone(),
        ),
        (
            "a scenario renamed out of the suite",
            Box::new(move |r: &mut Value| r["scenarios"][index]["name"] = "Not a scenario".into()),
            "Not a scenario".into(),
        ),
    ];
    let forgery = failing.with_extension("forged");
    for (what, edit, named) in cases {
        let result = forged(&failing, &forgery, edit).and_then(|()| {
            report::verify(&forgery, &fingerprint)
                .map_err(|e| format!("plain verify refused it: {e}"))
        });
        t.check(result.and_then(|()| match rejudged(&forgery) {
            Ok(_) => Err(format!("rejudge: {what}: not caught")),
            Err(e) if e.contains(&named) => Ok(()),
            Err(e) => Err(format!(
                "rejudge: {what}: caught without naming {named:?}: {e}"
            )),
        }));
    }

    // The command line, as a reviewer runs it: plain verify says verified, --rejudge exits 1
    // naming the scenario.
    let binary = env!("CARGO_BIN_EXE_ecs-conformance");
    let result = forged(&failing, &forgery, |r| {
        let s = &mut r["scenarios"][index];
        passed(s);
        s["findings"] = Value::Array(Vec::new());
    })
    .and_then(|()| {
        let (code, out) = exit_and_output(Command::new(binary).arg("verify").arg(&forgery));
        if code != Some(0) || !out.starts_with("verified:") {
            return Err(format!("plain verify of a forgery: {code:?} {out}"));
        }
        let (code, out) = exit_and_output(
            Command::new(binary)
                .args(["verify", "--rejudge"])
                .arg(&forgery),
        );
        if code != Some(1) || !out.contains("not verified") || !out.contains(&name) {
            return Err(format!("verify --rejudge of a forgery: {code:?} {out}"));
        }
        let (code, out) = exit_and_output(
            Command::new(binary)
                .args(["verify", "--rejudge"])
                .arg(&failing),
        );
        if code != Some(0) || !out.contains("every verdict follows") {
            return Err(format!(
                "verify --rejudge of the failing report: {code:?} {out}"
            ));
        }
        Ok(())
    });
    t.check(result);
    for dir in [&passing, &failing, &forgery] {
        let _ = std::fs::remove_dir_all(dir);
    }
    println!(
        "rejudge: untouched reports follow; a failure edited into a pass or into not run, a \
         removed finding, an edited status, an edited verdict, a failure's exchanges dropped \
         behind a `step` finding at chosen and a renamed scenario are caught, named"
    );
    t
}

/// The results of `out`, as its report would hold them, re-judged: the run's own verdicts must
/// follow from its exchanges, whatever the target did (`what` names the run).
pub fn follows(out: &suite::RunOutput, what: &str) -> Result<(), String> {
    suite::rejudge(&out.results)
        .map(|_| ())
        .map_err(|e| format!("{what}: verify --rejudge refuses the run's own results: {e}"))
}
