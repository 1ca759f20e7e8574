//! The control protocol as a contract: servers of its first published revision keep working, a
//! setup that fails is never a conformance failure, an endpoint that stops answering is said once,
//! and `control-check` finds a control API's faults.
//!
//! The "first published version 1" server is the mock behind a proxy whose control API answers as
//! that revision did: no `features` in its description, and a strict parser that refuses every
//! field added since (`tags`, `security_token`), naming it.

use std::collections::{BTreeSet, HashMap};
use std::process::Command;
use std::sync::Mutex;
use std::time::Duration;

use ecs_conformance::contract::editions;
use ecs_conformance::evidence::Level;
use ecs_conformance::results::{Cause, Outcome};
use ecs_conformance::suite;
use ecs_conformance::{MockConfig, MockServer, control_check};

use super::proxy::{self, Exchange, Options, Rewritten};

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

/// A world document (`world`, as PUT) that uses something newer than the first published
/// revision: a field it does not know, or a fault naming an error the first edition lacks (a
/// first-published server schedules only the first edition's). `None` when it uses nothing newer.
fn newer_than_first_published(world: &serde_json::Value) -> Option<String> {
    if let Some(field) = unknown_field(world, "world", "world") {
        return Some(field);
    }
    // A fault of the first edition answers there what it answers anywhere (StartInstance's 500
    // `InstanceNotReady` of 2023-08-25 has the words of a 403 row of the first edition).
    let first = &editions::all()[0];
    world["faults"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
        .find(|(_, f)| {
            serde_json::from_value::<ecs_conformance::Fault>((*f).clone())
                .map_or(true, |f| !f.answered_in(first))
        })
        .map(|(i, _)| format!("world.faults[{i}]"))
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
        if let Some(field) = newer_than_first_published(&doc["world"]) {
            return answer(
                400,
                serde_json::json!({"error": {"field": field, "message": "not an error of the first edition"}}),
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

// Control APIs broken in exactly one way each: for every check of control-check, one that fails
// it and no other.

/// The description says version 2.
fn describes_version_2(method: &str, path: &str, _: &[u8]) -> Option<Rewritten> {
    (method == "GET" && path == "/ecs-conformance/v1").then(|| Rewritten {
        status: 200,
        content_type: "application/json".into(),
        body: serde_json::json!({"protocol": "ecs-conformance-control", "version": 2,
            "features": ["tags", "security_token", "encryption", "edition_faults", "transitions"]})
        .to_string(),
        retry_after: None,
    })
}

/// A new world's `PUT` answers a world without its snapshots.
fn put_answers_another_world(method: &str, _: &str, r: &mut Rewritten) {
    if method == "PUT"
        && r.status == 201
        && let Ok(mut doc) = serde_json::from_str::<serde_json::Value>(&r.body)
    {
        doc["world"]["snapshots"] = serde_json::json!([]);
        r.body = doc.to_string();
    }
}

/// The secrets key pairs were given, as a server that keeps them in the clear.
static SECRETS: Mutex<Option<HashMap<String, String>>> = Mutex::new(None);

fn keeps_secrets(method: &str, path: &str, body: &[u8]) -> Option<Rewritten> {
    if method == "PUT" {
        let doc: serde_json::Value = serde_json::from_slice(body).ok()?;
        let key = path.rsplit('/').next()?.to_owned();
        if let Some(secret) = doc["access_key_secret"].as_str() {
            let mut secrets = SECRETS.lock().unwrap_or_else(|p| p.into_inner());
            secrets
                .get_or_insert_with(HashMap::new)
                .insert(key, secret.to_owned());
        }
    }
    None
}

/// `GET` of a world shows its secret.
fn get_shows_the_secret(method: &str, path: &str, r: &mut Rewritten) {
    let key = path.rsplit('/').next().unwrap_or_default();
    let secrets = SECRETS.lock().unwrap_or_else(|p| p.into_inner());
    let secret = secrets.as_ref().and_then(|s| s.get(key));
    if let (true, 200, Some(secret)) = (method == "GET", r.status, secret)
        && let Ok(mut doc) = serde_json::from_str::<serde_json::Value>(&r.body)
    {
        doc["access_key_secret"] = secret.clone().into();
        r.body = doc.to_string();
    }
}

/// A `PUT` over an existing world (no secret) answers 200 and replaces nothing.
fn replaces_nothing(method: &str, path: &str, body: &[u8]) -> Option<Rewritten> {
    let doc: serde_json::Value = serde_json::from_slice(body).ok()?;
    let replacing = method == "PUT"
        && doc.get("access_key_secret").is_none()
        && doc["world"].as_object().is_some_and(|w| !w.is_empty());
    replacing.then(|| {
        let key = path.rsplit('/').next().unwrap_or_default();
        answer(
            200,
            serde_json::json!({"access_key_id": key, "world": doc["world"]}),
        )
    })?
}

/// A common fault (`ServiceUnavailable`, `Throttling`) is acknowledged and never scheduled.
fn drops_common_faults(method: &str, path: &str, body: &[u8]) -> Option<Rewritten> {
    let fault: serde_json::Value = serde_json::from_slice(body).ok()?;
    let common = ecs_conformance::ApiError::injectable_common();
    let dropped = method == "POST"
        && path.ends_with("/faults")
        && common.iter().any(|e| fault["code"] == *e.code);
    dropped.then(|| {
        let key = path
            .trim_end_matches("/faults")
            .rsplit('/')
            .next()
            .unwrap_or_default();
        answer(
            201,
            serde_json::json!({"access_key_id": key, "world": {"faults": [fault]}}),
        )
    })?
}

/// A refusal names no field.
fn refusals_name_no_field(_: &str, _: &str, r: &mut Rewritten) {
    if r.status == 400
        && let Ok(mut doc) = serde_json::from_str::<serde_json::Value>(&r.body)
        && let Some(error) = doc["error"].as_object_mut()
    {
        error.remove("field");
        r.body = doc.to_string();
    }
}

/// A call signed by the control-check's second key pair resets the first's disk.
fn second_key_resets_the_first_disk(ex: &Exchange) -> Option<Rewritten> {
    (ex.access_key_id.starts_with("ecsc-check-")
        && ex.access_key_id.ends_with("-2")
        && ex.param("DiskId") == "d-diskid1")
        .then(|| Rewritten {
            status: 200,
            content_type: "application/json;charset=utf-8".into(),
            body: r#"{"RequestId":"F3CD6886-D8D0-4FEE-B93E-1B73239673DE"}"#.into(),
            retry_after: None,
        })
}

/// `DELETE` answers 204 and removes nothing.
fn deletes_nothing(method: &str, path: &str, _: &[u8]) -> Option<Rewritten> {
    (method == "DELETE" && path.starts_with("/ecs-conformance/v1/worlds/")).then(|| Rewritten {
        status: 204,
        content_type: "application/json".into(),
        body: String::new(),
        retry_after: None,
    })
}

/// A `PUT` whose document holds `word` is refused as an unknown field.
fn refuses_word(method: &str, body: &[u8], word: &str) -> Option<Rewritten> {
    let text = std::str::from_utf8(body).ok()?;
    (method == "PUT" && text.contains(&format!("\"{word}\""))).then(|| {
        answer(
            400,
            serde_json::json!({"error": {"field": word, "message": format!("unknown field `{word}`")}}),
        )
    })?
}

/// Announces `tags` and refuses it.
fn refuses_tags(method: &str, _: &str, body: &[u8]) -> Option<Rewritten> {
    refuses_word(method, body, "tags")
}

/// Announces `security_token` and refuses it.
fn refuses_security_tokens(method: &str, _: &str, body: &[u8]) -> Option<Rewritten> {
    refuses_word(method, body, "security_token")
}

/// Announces `encryption` and refuses its fields.
fn refuses_encryption(method: &str, _: &str, body: &[u8]) -> Option<Rewritten> {
    refuses_word(method, body, "kms_keys").or_else(|| refuses_word(method, body, "encrypted"))
}

/// Announces `transitions` and never ends one: a world read back shows a transition whose time
/// has passed as still under way (its instance `Starting`, not `Running`).
fn never_ends_transitions(method: &str, _: &str, r: &mut Rewritten) {
    if method == "GET"
        && r.status == 200
        && let Ok(mut doc) = serde_json::from_str::<serde_json::Value>(&r.body)
        && let Some(instances) = doc["world"]["instances"].as_array_mut()
    {
        for x in instances.iter_mut().filter(|x| x["status"] == "Running") {
            x["status"] = "Starting".into();
            x["status_until"] = "2021-01-01T00:00:00Z".into();
        }
        r.body = doc.to_string();
    }
}

/// Announces `edition_faults` and refuses every fault the first edition lacks.
fn refuses_later_faults(method: &str, path: &str, body: &[u8]) -> Option<Rewritten> {
    let fault: serde_json::Value = serde_json::from_slice(body).ok()?;
    let first = ecs_conformance::Fault::injectable_in(&editions::all()[0]);
    let later = method == "POST"
        && path.ends_with("/faults")
        && !first
            .iter()
            .any(|e| fault["code"] == *e.code && fault["message"] == *e.message);
    later.then(|| {
        answer(
            400,
            serde_json::json!({"error": {"field": "faults[0]", "message": "not an error of the first edition"}}),
        )
    })?
}

/// Announces every feature, and refuses encryption's fields and the 400 fault (issue 26's
/// implementer): with it, 14 scenarios fail setup in `run`.
fn refuses_encryption_and_later_faults(method: &str, path: &str, body: &[u8]) -> Option<Rewritten> {
    refuses_encryption(method, path, body).or_else(|| refuses_later_faults(method, path, body))
}

/// For each check of control-check, by name, a control API broken in exactly that way.
fn broken_one_way() -> Vec<(&'static str, &'static str, Options)> {
    let control = |f: proxy::ControlIntercept| Options {
        control: Some(f),
        ..Options::default()
    };
    let rewrite = |f: proxy::ControlRewrite| Options {
        control_rewrite: Some(f),
        ..Options::default()
    };
    vec![
        (
            "describe",
            "its description says version 2",
            control(describes_version_2),
        ),
        (
            "put",
            "a new world's PUT answers it without its snapshots",
            rewrite(put_answers_another_world),
        ),
        (
            "get",
            "GET shows the key pair's secret",
            Options {
                control: Some(keeps_secrets),
                control_rewrite: Some(get_shows_the_secret),
                ..Options::default()
            },
        ),
        (
            "replace",
            "a PUT over a world replaces nothing",
            control(replaces_nothing),
        ),
        (
            "fault",
            "a common fault is acknowledged, never served",
            control(drops_common_faults),
        ),
        (
            "reset",
            "a reset restores nothing",
            control(reset_restores_nothing),
        ),
        (
            "error-shape",
            "a refusal names no field",
            rewrite(refusals_name_no_field),
        ),
        (
            "isolation",
            "a call signed by one key pair resets another's disk",
            Options {
                intercept: Some(second_key_resets_the_first_disk),
                ..Options::default()
            },
        ),
        ("delete", "DELETE removes nothing", control(deletes_nothing)),
        (
            "tags",
            "it announces tags and refuses them",
            control(refuses_tags),
        ),
        (
            "security_token",
            "it announces security tokens and refuses them",
            control(refuses_security_tokens),
        ),
        (
            "encryption",
            "it announces encryption and refuses its fields",
            control(refuses_encryption),
        ),
        (
            "edition_faults",
            "it announces edition faults and refuses the 400 InternalError",
            control(refuses_later_faults),
        ),
        (
            "transitions",
            "it announces transitions and never ends one whose time has passed",
            rewrite(never_ends_transitions),
        ),
    ]
}

/// control-check against `upstream` behind a proxy doing `options`: the checks it fails, by name,
/// and its report.
async fn failing_checks(
    upstream: &str,
    options: Options,
) -> Result<(Vec<&'static str>, control_check::ControlCheck), String> {
    let (url, _proxy, _stop) = proxy::start_with(upstream, options).await;
    let check = control_check::run(&url).await.map_err(|e| e.to_string())?;
    let failed = (check.checks.iter())
        .filter(|c| c.problem.is_some())
        .map(|c| c.name)
        .collect();
    Ok((failed, check))
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
    // Which scenarios it cannot run is derived from the worlds the runner states (`worlds`), not
    // from the runner's reasons: those that use anything newer than the first published set.
    let newer = match crate::worlds::stated().await {
        Ok(stated) => stated.whose(|w| newer_than_first_published(w).is_some()),
        Err(e) => {
            problems.push(format!("control: the worlds the scenarios state: {e}"));
            BTreeSet::new()
        }
    };
    match suite::run(config).await {
        Ok(out) => {
            let r = &out.results;
            let failing: usize = Level::ALL.into_iter().map(|l| r.failed_at(l)).sum();
            let unnamed: Vec<String> = r
                .scenarios
                .iter()
                .filter(|s| match (s.outcome, s.cause) {
                    (Outcome::Passed, _) => false,
                    (Outcome::NotRun, Some(Cause::OtherEdition)) => false,
                    (Outcome::NotRun, None) => !s
                        .reason
                        .as_deref()
                        .is_some_and(|why| why.contains("optional feature `")),
                    _ => true,
                })
                .map(|s| format!("{}: {:?} {:?}", s.label(), s.outcome, s.reason))
                .collect();
            // Judged in their own editions: those of other editions count too.
            let not_run: BTreeSet<String> = r
                .scenarios
                .iter()
                .filter(|s| s.judged_outcome() == Outcome::NotRun && s.judged_reason().1.is_none())
                .map(|s| s.label())
                .collect();
            let (extra, missing): (Vec<_>, Vec<_>) = (
                not_run.difference(&newer).collect(),
                newer.difference(&not_run).collect(),
            );
            if failing == 0
                && unnamed.is_empty()
                && r.exit_status() == 0
                && r.passed() > 0
                && !newer.is_empty()
                && extra.is_empty()
                && missing.is_empty()
            {
                passed += 1;
                println!(
                    "control: a first-published version 1 server: {} passed, 0 failed at any level, {} not run naming a feature ({} of the latest edition, {} of others) — exactly the {} scenarios whose world uses something newer",
                    r.passed(),
                    not_run.len(),
                    r.not_run(),
                    not_run.len() - r.not_run(),
                    newer.len()
                );
            } else if !extra.is_empty() || !missing.is_empty() || newer.is_empty() {
                problems.push(format!(
                    "against a first-published version 1 server, the scenarios not run must be exactly those whose world uses something newer ({} derived): not run, though their world needs nothing newer {extra:?}; run, though it does {missing:?}",
                    newer.len()
                ));
            } else {
                problems.push(format!(
                    "against a first-published version 1 server, every scenario must pass or be not run naming a feature (exit 0); {failing} failed, exit {}, these did not: {unnamed:#?}\n{}",
                    r.exit_status(),
                    ecs_conformance::report::summary(r)
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
        && text.contains(", 0 failed (0 documented, 0 observed, 0 chosen; 0 at --fail-on observed)")
        && text.contains("setup failed)")
        && !text.contains("✘ [")
    {
        passed += 1;
        println!(
            "control: a control API that refuses every world: exit 2, {}; {}",
            text.lines()
                .find(|l| l.contains("passed every expectation"))
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
    // The hand-written scenarios only: each unanswered one waits out its 1 s timeout, 64 at a
    // time, and the generated ones would add 17 s of waiting to the same proof.
    let config = suite::SuiteConfig {
        timeout: Duration::from_secs(1),
        fail_on: Level::Observed,
        tags: Some("not @shape".into()),
        ..proxy::through(url)
    };
    match suite::run(config).await {
        Ok(out) => {
            let r = &out.results;
            let failing: usize = Level::ALL.into_iter().map(|l| r.failed_at(l)).sum();
            let summary = ecs_conformance::report::summary(r);
            if let Err(e) = crate::rejudge::follows(&out, "an endpoint that stops answering") {
                problems.push(e);
            }
            if failing == 0
                && r.exit_status() == 1
                && r.unanswered() > 0
                && summary
                    .matches("The endpoint stopped answering after `")
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

    // 4. control-check: passes against the mock (every announced feature checked), names the
    //    fault of a control API whose reset restores nothing, fails each of its checks alone
    //    against a control API broken in that way, and tells a missing control API apart.
    let names: Vec<&'static str> = match control_check::run(mock.url()).await {
        Ok(check)
            if check.failed() == 0
                && check.passed() == 9 + check.features.len()
                && check.features.len() == 5 =>
        {
            passed += 1;
            check.checks.iter().map(|c| c.name).collect()
        }
        other => {
            problems.push(format!(
                "control-check against the mock must pass its 9 checks and one per feature: {other:?}"
            ));
            Vec::new()
        }
    };
    let broken = broken_one_way();
    let mut alone = 0;
    for name in &names {
        let Some((_, how, options)) = broken.iter().find(|(n, _, _)| n == name) else {
            problems.push(format!(
                "control-check's `{name}` check is never shown failing: add a control API broken in that way"
            ));
            continue;
        };
        match failing_checks(mock.url(), *options).await {
            Ok((failed, _)) if failed == [*name] => alone += 1,
            other => problems.push(format!(
                "control-check against a control API where {how} must fail `{name}` alone: {other:?}"
            )),
        }
    }
    if alone == names.len() && alone > 0 {
        passed += 1;
        println!(
            "control: control-check fails each of its {alone} checks alone against a control API broken in that way"
        );
    }
    // A server that announces what it refuses fails control-check, naming each such feature.
    let options = Options {
        control: Some(refuses_encryption_and_later_faults),
        ..Options::default()
    };
    match failing_checks(mock.url(), options).await {
        Ok((failed, check)) if failed == ["encryption", "edition_faults"] => {
            passed += 1;
            println!(
                "control: a control API that announces encryption and edition_faults and refuses them fails control-check: {}",
                check.text().lines().last().unwrap_or_default()
            );
        }
        other => problems.push(format!(
            "control-check against a control API that announces encryption and edition_faults and refuses both must fail those two: {other:?}"
        )),
    }
    // A mock of the first edition refuses the faults later editions added: it does not announce
    // `edition_faults`, and control-check passes it.
    let first = MockServer::start_with(MockConfig {
        edition: &editions::all()[0],
        ..MockConfig::default()
    })
    .await
    .expect("the mock starts");
    match control_check::run(first.url()).await {
        Ok(check)
            if check.failed() == 0
                && !check.features.is_empty()
                && !check.features.iter().any(|f| f == "edition_faults") =>
        {
            passed += 1;
            println!(
                "control: control-check passes the mock at {} ({} checks; features announced: {})",
                editions::all()[0].name,
                check.passed(),
                check.features.join(", ")
            );
        }
        other => problems.push(format!(
            "control-check against the mock at the first edition must pass, without edition_faults announced: {other:?}"
        )),
    }
    let options = Options {
        control: Some(reset_restores_nothing),
        ..Options::default()
    };
    match failing_checks(mock.url(), options).await {
        Ok((failed, check)) if failed == ["reset"] => {
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
    let no_control = MockServer::start_with(MockConfig {
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
