//! The control protocol as a contract: servers of its first published revision keep working, a
//! setup that fails is never a conformance failure, an endpoint that stops answering is said once,
//! and `control-check` finds a control API's faults.
//!
//! The "first published version 1" server is the mock behind a proxy whose control API answers as
//! that revision did: no `features` in its description, and a strict parser that refuses every
//! field added since (`tags`, `security_token`), naming it.

use std::process::Command;
use std::time::Duration;

use ecs_conformance::evidence::Level;
use ecs_conformance::suite::{self, Outcome};
use ecs_conformance::{MockServer, control_check};

use super::proxy::{self, Options, Rewritten};

/// The fields of each object of the first published world document (docs/control-api.md, change
/// log: "first published").
fn first_published_fields(path: &str) -> &'static [&'static str] {
    match path {
        "" => &["access_key_secret", "world"],
        "world" => &[
            "account",
            "instances",
            "disks",
            "snapshots",
            "released_disk_ids",
            "faults",
            "reset_duration_ms",
        ],
        "world.account" => &[
            "in_disk_white_list",
            "snapshot_service_opened",
            "balance_sufficient",
        ],
        "world.instances" => &[
            "instance_id",
            "region_id",
            "status",
            "lock_reasons",
            "charge_type",
            "expired_time",
            "creation_time",
        ],
        "world.disks" => &[
            "disk_id",
            "region_id",
            "status",
            "instance_id",
            "category",
            "type",
            "size_gib",
            "lock_reasons",
            "source_snapshot_id",
            "last_reset_snapshot_id",
            "creation_time",
        ],
        "world.snapshots" => &[
            "snapshot_id",
            "source_disk_id",
            "region_id",
            "status",
            "creation_time",
            "supports_reset",
        ],
        "world.faults" => &["action", "code", "message", "count"],
        _ => &[],
    }
}

/// The first field the first published revision does not know, as a path.
fn unknown_field(value: &serde_json::Value, path: &str, shape: &str) -> Option<String> {
    match value {
        serde_json::Value::Object(fields) => {
            let known = first_published_fields(shape);
            for (k, v) in fields {
                let here = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                if !known.contains(&k.as_str()) {
                    return Some(here);
                }
                let inner = if shape.is_empty() {
                    k.clone()
                } else {
                    format!("{shape}.{k}")
                };
                if let Some(found) = unknown_field(v, &here, &inner) {
                    return Some(found);
                }
            }
            None
        }
        serde_json::Value::Array(items) if !first_published_fields(shape).is_empty() => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| unknown_field(item, &format!("{path}[{i}]"), shape)),
        _ => None,
    }
}

fn answer(status: u16, body: serde_json::Value) -> Option<Rewritten> {
    Some(Rewritten {
        status,
        content_type: "application/json".into(),
        body: body.to_string(),
        retry_after: None,
    })
}

/// The control API as first published: no features, and every newer field refused.
fn first_published(method: &str, path: &str, body: &[u8]) -> Option<Rewritten> {
    if method == "GET" && path == "/ecs-conformance/v1" {
        return answer(
            200,
            serde_json::json!({"protocol": "ecs-conformance-control", "version": 1}),
        );
    }
    if method == "PUT" && path.starts_with("/ecs-conformance/v1/worlds/") {
        let doc: serde_json::Value = serde_json::from_slice(body).ok()?;
        if let Some(field) = unknown_field(&doc, "", "") {
            let name = field.rsplit('.').next().unwrap_or(&field).to_owned();
            return answer(
                400,
                serde_json::json!({"error": {"field": field, "message": format!("unknown field `{name}`")}}),
            );
        }
    }
    None
}

/// A control API that answers its description, then refuses every world.
fn refuses_every_world(method: &str, path: &str, _: &[u8]) -> Option<Rewritten> {
    if method == "PUT" && path.starts_with("/ecs-conformance/v1/worlds/") {
        return answer(
            400,
            serde_json::json!({"error": {"field": "world", "message": "this server takes no world"}}),
        );
    }
    None
}

/// A control API whose reset answers 200 and restores nothing.
fn reset_restores_nothing(method: &str, path: &str, _: &[u8]) -> Option<Rewritten> {
    if method == "POST" && path.ends_with("/reset") {
        let key = path.trim_end_matches("/reset").rsplit('/').next()?;
        return answer(200, serde_json::json!({"access_key_id": key, "world": {}}));
    }
    None
}

/// `ecs-conformance run --endpoint URL ARGS`, from a blocking thread (the mock is served by this
/// process's runtime): exit code and output.
async fn run_cli(url: String, args: &'static [&'static str]) -> (Option<i32>, String) {
    // (Every scenario, world-free ones too, installs its world under its own key pair.)
    tokio::task::spawn_blocking(move || {
        super::cli::exit_and_output(
            Command::new(env!("CARGO_BIN_EXE_ecs-conformance"))
                .args(["run", "--endpoint", &url])
                .args(args)
                .env_remove("ECS_ENDPOINT")
                .env_remove("ALIBABA_CLOUD_ACCESS_KEY_ID")
                .env_remove("ALIBABA_CLOUD_ACCESS_KEY_SECRET"),
        )
    })
    .await
    .unwrap_or((None, "the child did not run".into()))
}

/// Passed checks and problems; each check counts where it passes.
pub async fn the_protocol_is_a_contract() -> (usize, Vec<String>) {
    let mut problems = Vec::new();
    let mut passed = 0;
    let mock = MockServer::start().await.expect("the mock starts");

    // 1. A server of the first published version 1: every scenario that needs nothing newer runs
    //    and passes at every level; the rest are not run, naming the feature.
    let (url, _p, _stop) = proxy::start_with(
        mock.url(),
        Options {
            control: Some(first_published),
            ..Options::default()
        },
    )
    .await;
    let config = suite::SuiteConfig {
        fail_on: Level::Observed,
        ..proxy::through(url.clone())
    };
    match suite::run(config).await {
        Ok(out) => {
            let r = &out.report;
            let failing: usize = Level::ALL.into_iter().map(|l| r.failed_at(l)).sum();
            let unnamed: Vec<String> = r
                .results
                .iter()
                .filter(|s| match &s.outcome {
                    Outcome::Passed => false,
                    Outcome::NotRun(_) if s.elsewhere.is_some() => false,
                    Outcome::NotRun(why) => !why.contains("optional feature `"),
                    _ => true,
                })
                .map(|s| format!("{}: {:?}", s.name(), s.outcome))
                .collect();
            if failing == 0 && unnamed.is_empty() && r.exit_status() == 0 && r.passed() > 0 {
                passed += 1;
                println!(
                    "control: a first-published version 1 server: {} passed, 0 failed at any level, {} not run naming a feature",
                    r.passed(),
                    r.not_run()
                );
            } else {
                problems.push(format!(
                    "against a first-published version 1 server, every scenario must pass or be not run naming a feature (exit 0); {failing} failed, exit {}, these did not: {unnamed:#?}\n{}",
                    r.exit_status(),
                    r.summary()
                ));
            }
        }
        Err(e) => problems.push(format!("the run against a first-published server: {e}")),
    }
    // …and control-check finds nothing wrong with it.
    match control_check::run(&url).await {
        Ok(check) if check.failed() == 0 && check.features.is_empty() => passed += 1,
        other => problems.push(format!(
            "control-check against a first-published version 1 server must pass: {other:?}"
        )),
    }

    // 2. A control API that refuses every world: exit 2, every scenario not run for a failed
    //    setup, no failure at any level, one grouped cause.
    let (url, _p2, _stop2) = proxy::start_with(
        mock.url(),
        Options {
            control: Some(refuses_every_world),
            ..Options::default()
        },
    )
    .await;
    let (status, text) = run_cli(url, &[]).await;
    let one_cause = text
        .matches("× setup failed: the control API refused the world")
        .count()
        == 1;
    if status == Some(2)
        && one_cause
        && text.contains(", 0 failed (0 documented, 0 observed, 0 chosen)")
        && text.contains("setup failed)")
        && !text.contains("✘ [")
    {
        passed += 1;
        println!(
            "control: a control API that refuses every world: exit 2, {}; {}",
            text.lines()
                .find(|l| l.contains("scenarios in"))
                .unwrap_or_default(),
            text.lines()
                .find(|l| l.contains("× setup failed"))
                .unwrap_or_default()
                .trim()
        );
    } else {
        problems.push(format!(
            "a control API that refuses every world must give exit 2, one grouped setup cause and no failure; got {status:?}:\n{text}"
        ));
    }

    // 3. A target that stops answering mid-run: said once, the run fails (exit 1), and no
    //    scenario fails at any level.
    let (url, _p3, _stop3) = proxy::start_with(
        mock.url(),
        Options {
            answers: Some(40),
            ..Options::default()
        },
    )
    .await;
    let config = suite::SuiteConfig {
        timeout: Duration::from_secs(1),
        fail_on: Level::Observed,
        ..proxy::through(url)
    };
    match suite::run(config).await {
        Ok(out) => {
            let r = &out.report;
            let failing: usize = Level::ALL.into_iter().map(|l| r.failed_at(l)).sum();
            let summary = r.summary();
            if let Err(e) = crate::rejudge::follows(&out, "an endpoint that stops answering") {
                problems.push(e);
            }
            if failing == 0
                && r.exit_status() == 1
                && r.unanswered() > 0
                && summary
                    .matches("the endpoint stopped answering after `")
                    .count()
                    == 1
            {
                passed += 1;
                println!(
                    "control: a target that stops answering after 40 calls: {} passed, {} unjudged, 0 failed at any level, exit 1:\n{}",
                    r.passed(),
                    r.unanswered(),
                    summary
                        .lines()
                        .skip_while(
                            |l| !l.starts_with("Setup failed") && !l.starts_with("No answer")
                        )
                        .take_while(|l| !l.is_empty())
                        .collect::<Vec<_>>()
                        .join("\n")
                );
            } else {
                problems.push(format!(
                    "a target that stops answering must fail the run (exit 1) once, with no failure at any level; {failing} failed, exit {}:\n{summary}",
                    r.exit_status()
                ));
            }
        }
        Err(e) => problems.push(format!("the run against a dying target: {e}")),
    }

    // 4. control-check: passes against the mock, names the fault of a control API whose reset
    //    restores nothing, and tells a missing control API apart.
    match control_check::run(mock.url()).await {
        Ok(check) if check.failed() == 0 && check.passed() == 9 => passed += 1,
        other => problems.push(format!(
            "control-check against the mock must pass: {other:?}"
        )),
    }
    let (url, _p4, _stop4) = proxy::start_with(
        mock.url(),
        Options {
            control: Some(reset_restores_nothing),
            ..Options::default()
        },
    )
    .await;
    match control_check::run(&url).await {
        Ok(check)
            if check.checks.iter().filter(|c| c.problem.is_some()).map(|c| c.name).eq(["reset"]) =>
        {
            passed += 1;
            println!(
                "control: control-check names a reset that restores nothing (its output, indented):\n    {}",
                check.text().trim_end().replace('\n', "\n    ")
            );
        }
        other => problems.push(format!(
            "control-check against a control API whose reset restores nothing must fail the reset check alone: {other:?}"
        )),
    }
    let no_control = MockServer::start_with(ecs_conformance::MockConfig {
        control: false,
        ..Default::default()
    })
    .await
    .expect("the mock starts");
    match control_check::run(no_control.url()).await {
        Err(control_check::CannotCheck::NoControlApi(..)) => passed += 1,
        other => problems.push(format!(
            "control-check against an endpoint without the control API must say so: {other:?}"
        )),
    }
    (passed, problems)
}
