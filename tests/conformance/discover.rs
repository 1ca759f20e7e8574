//! `run --world discover` against the standalone mock started with `--state
//! tests/discover/state.json`: resources tagged `ecs-conformance=disposable`, an untagged twin of
//! each, and a trio tagged with another value. Fixture accounts (one per account condition, and
//! one with no resources) are installed through the control API and named by environment
//! variables, as a user names real ones.
//!
//! Proven: with `--allow-destructive` well over the world-free scenarios pass, and afterwards the
//! mock's own state shows resets of tagged disks only; without it no call names any disk of the
//! account and no disk is reset; no call ever names an untagged resource; `--world none` runs the
//! world-free scenarios only.

use std::collections::HashSet;
use std::process::Stdio;

use ecs_conformance::results::Results;
use ecs_conformance::{
    Client, Credentials, Disk, DiskStatus, Instance, InstanceStatus, Snapshot, SnapshotStatus,
    World,
};
use tokio::io::AsyncBufReadExt as _;

const STATE: &str = "tests/discover/state.json";
const SECRET: &str = "discover-secret";

/// A standalone mock on a free loopback port, its stderr going to `stderr`: the child (killed on
/// drop) and its URL.
pub async fn spawn_mock(
    args: &[&str],
    stderr: Stdio,
) -> Result<(tokio::process::Child, String), String> {
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_ecs-conformance"))
        .args(["mock", "--listen", "127.0.0.1:0"])
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(stderr)
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot start the mock: {e}"))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let first = tokio::io::BufReader::new(stdout)
        .lines()
        .next_line()
        .await
        .map_err(|e| e.to_string())?
        .unwrap_or_default();
    let url = first
        .strip_prefix("ecs-conformance mock listening on ")
        .ok_or_else(|| format!("unexpected first line {first:?}"))?
        .to_owned();
    Ok((child, url))
}

fn disposable(tags: &[ecs_conformance::Tag]) -> bool {
    tags.iter()
        .any(|t| t.key == "ecs-conformance" && t.value == "disposable")
}

/// Ids of the state's resources: all of them, and those not tagged disposable.
fn ids(world: &World) -> (HashSet<String>, HashSet<String>) {
    let mut all = HashSet::new();
    let mut untagged = HashSet::new();
    let mut add = |id: &String, tags: &[ecs_conformance::Tag]| {
        all.insert(id.clone());
        if !disposable(tags) {
            untagged.insert(id.clone());
        }
    };
    world
        .instances
        .iter()
        .for_each(|x| add(&x.instance_id, &x.tags));
    world.disks.iter().for_each(|x| add(&x.disk_id, &x.tags));
    world
        .snapshots
        .iter()
        .for_each(|x| add(&x.snapshot_id, &x.tags));
    (all, untagged)
}

/// The fixture accounts: (condition, key id, world).
fn accounts(state: &World) -> Vec<(&'static str, &'static str, World)> {
    let with = |f: fn(&mut ecs_conformance::Account)| {
        let mut w = state.clone();
        f(&mut w.account);
        w
    };
    vec![
        (
            "not-in-disk-white-list",
            "acct-nowl",
            with(|a| a.in_disk_white_list = false),
        ),
        (
            "snapshot-service-not-opened",
            "acct-nosnap",
            with(|a| a.snapshot_service_opened = false),
        ),
        (
            "not-enough-balance",
            "acct-nobal",
            with(|a| a.balance_sufficient = false),
        ),
        ("no-resources", "acct-empty", World::default()),
    ]
}

/// One run against `url` with a report; its exit code, output and results.
fn run(
    url: &str,
    extra: &[&str],
    fixtures: &std::path::Path,
    tag: &str,
) -> Result<(Option<i32>, String, Results), String> {
    let report = std::env::temp_dir().join(format!("ecsc-discover-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&report);
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_ecs-conformance"));
    command
        .args([
            "run",
            "--endpoint",
            url,
            "--access-key-id",
            "testid",
            "--access-key-secret",
        ])
        .arg(SECRET)
        .arg("--fixtures")
        .arg(fixtures)
        .arg("--report")
        .arg(&report)
        .args(extra)
        .env_remove("ECS_ENDPOINT");
    for (_, key, _) in accounts(&World::default()) {
        let var = key.to_uppercase().replace('-', "_");
        command
            .env(format!("{var}_ID"), key)
            .env(format!("{var}_SECRET"), SECRET);
    }
    let (code, out) = super::cli::exit_and_output(&mut command);
    let text = std::fs::read_to_string(report.join("results.json"))
        .map_err(|e| format!("{tag}: no results.json ({e}):\n{out}"))?;
    let results = Results::parse(&text).map_err(|e| format!("{tag}: {e}"))?;
    let markdown = std::fs::read_to_string(report.join("report.md")).unwrap_or_default();
    let _ = std::fs::remove_dir_all(&report);
    Ok((code, format!("{out}\n{markdown}"), results))
}

/// Every id a call of the run named: its action parameters ending in `Id` (but `RegionId`), and
/// each id of those ending in `Ids` (a JSON list, as the Describe actions take them).
fn named(results: &Results) -> HashSet<String> {
    results
        .scenarios
        .iter()
        .flat_map(|s| &s.exchanges)
        .flat_map(|e| &e.params)
        .filter(|(k, _)| (k.ends_with("Id") || k.ends_with("Ids")) && k.as_str() != "RegionId")
        .flat_map(|(k, v)| {
            if k.ends_with("Ids") {
                serde_json::from_str::<Vec<String>>(v).unwrap_or_else(|_| vec![v.clone()])
            } else {
                vec![v.clone()]
            }
        })
        .collect()
}

/// That no call of the run named an untagged resource, said with what was checked; `Err` when a
/// call did, or when the check could not have seen one: the state holds no untagged resource,
/// or the run's calls named no tagged disk and no tagged snapshot (the kinds its calls name).
fn no_untagged_named(
    results: &Results,
    state: &World,
    untagged: &HashSet<String>,
) -> Result<String, String> {
    let named = named(results);
    let leaked: Vec<&String> = named.intersection(untagged).collect();
    if !leaked.is_empty() {
        return Err(format!("calls named untagged resources: {leaked:?}"));
    }
    let disks: HashSet<&String> = state.disks.iter().map(|d| &d.disk_id).collect();
    let snapshots: HashSet<&String> = state.snapshots.iter().map(|s| &s.snapshot_id).collect();
    let of = |kind: &HashSet<&String>| {
        named
            .iter()
            .filter(|id| kind.contains(id) && !untagged.contains(*id))
            .count()
    };
    let (tagged_disks, tagged_snapshots) = (of(&disks), of(&snapshots));
    if untagged.is_empty() || tagged_disks == 0 || tagged_snapshots == 0 {
        return Err(format!(
            "the untagged-id check saw nothing it could tell apart: {} untagged resources in the \
             state, calls named {} tagged disks and {} tagged snapshots",
            untagged.len(),
            tagged_disks,
            tagged_snapshots
        ));
    }
    Ok(format!(
        "no call named any of the {} untagged resources; calls named {} tagged disks and {} \
         tagged snapshots of the state, {} ids in all",
        untagged.len(),
        tagged_disks,
        tagged_snapshots,
        named.len()
    ))
}

/// A mock with the state and the fixture accounts; the mock and its URL.
async fn mock_with_accounts(state: &World) -> Result<(tokio::process::Child, String), String> {
    let (child, url) = spawn_mock(
        &["--state", STATE, "--access-key-secret", SECRET],
        Stdio::null(),
    )
    .await?;
    let client =
        Client::new(&url, Credentials::new("testid", SECRET)).map_err(|e| e.to_string())?;
    for (_, key, world) in accounts(state) {
        client
            .put_world(&Credentials::new(key, SECRET), &world)
            .await
            .map_err(|e| format!("installing the account {key}: {e}"))?;
    }
    Ok((child, url))
}

/// The disks of the mock's starting world that record a reset.
async fn reset_disks(url: &str) -> Result<Vec<(String, bool)>, String> {
    let client = Client::new(url, Credentials::new("testid", SECRET)).map_err(|e| e.to_string())?;
    let world = client
        .get_world("testid")
        .await
        .map_err(|e| e.to_string())?;
    Ok(world
        .disks
        .iter()
        .filter(|d| d.last_reset_snapshot_id.is_some())
        .map(|d| (d.disk_id.clone(), disposable(&d.tags)))
        .collect())
}

/// Counts each check where it passes; a module that stops early keeps what it found before.
pub async fn only_tagged_resources_are_named(tally: &mut super::Tally) {
    if let Err(e) = checks(tally).await {
        tally.fail(format!("discover: {e}"));
    }
}

async fn checks(tally: &mut super::Tally) -> Result<(), String> {
    let mut check = |ok: bool, what: String| {
        if ok {
            println!("discover: {what}");
            tally.pass();
        } else {
            tally.fail(format!("discover: {what}"));
        }
    };
    let state = World::from_json(
        &std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(STATE))
            .map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    let (all, untagged) = ids(&state);

    let fixtures = std::env::temp_dir().join(format!("ecsc-fixtures-{}.toml", std::process::id()));
    let mut toml = String::from("released_disk_ids = [\"d-released1\"]\n");
    for (condition, key, _) in accounts(&state) {
        let var = key.to_uppercase().replace('-', "_");
        toml += &format!(
            "\n[[accounts]]\ncondition = \"{condition}\"\naccess_key_id_env = \"{var}_ID\"\naccess_key_secret_env = \"{var}_SECRET\"\n"
        );
    }
    std::fs::write(&fixtures, toml).map_err(|e| e.to_string())?;

    // --world none: the world-free scenarios, and they are the baseline to beat.
    let (_mock, url) = mock_with_accounts(&state).await?;
    let (_, _, none) = run(&url, &["--world", "none"], &fixtures, "none")?;
    let world_free = none.run.counts.passed;
    check(
        none.run.world == "none"
            && world_free > 0
            && none.run.counts.failed.values().sum::<usize>() == 0,
        format!(
            "--world none: {world_free} world-free scenarios passed, {} not run",
            none.run.counts.not_run
        ),
    );

    // Destructive: well over the world-free scenarios, resets of tagged disks only.
    let (code, out, full) = run(
        &url,
        &["--world", "discover", "--allow-destructive"],
        &fixtures,
        "destructive",
    )?;
    let passed = full.run.counts.passed;
    let unchecked: usize = full.scenarios.iter().map(|s| s.not_checked.len()).sum();
    check(
        unchecked > 0
            && out.contains(&format!("## Not checked on this target ({unchecked})"))
            && full
                .scenarios
                .iter()
                .filter(|s| !s.not_checked.is_empty())
                .all(|s| s.outcome == ecs_conformance::results::Outcome::Passed),
        format!(
            "{unchecked} rolled-back expectations reported not checked on this target, in \
             results.json and report.md"
        ),
    );
    check(
        code == Some(0) && full.run.world == "discover" && passed > world_free + 50,
        format!(
            "--allow-destructive: exit {code:?}, {passed} passed (world-free: {world_free}), {} not run{}",
            full.run.counts.not_run,
            if code == Some(0) {
                String::new()
            } else {
                format!("\n{out}")
            }
        ),
    );
    let reset = reset_disks(&url).await?;
    let wrongly: Vec<&String> = reset
        .iter()
        .filter(|(_, tagged)| !tagged)
        .map(|(id, _)| id)
        .collect();
    check(
        !reset.is_empty() && wrongly.is_empty(),
        format!(
            "the control API shows {} tagged disks reset and untagged ones reset: {wrongly:?}",
            reset.len()
        ),
    );
    // The check must be able to fail: a run that named nothing, and the same run with one call
    // naming an untagged disk, are refused.
    let mut nothing = full.clone();
    nothing
        .scenarios
        .iter_mut()
        .for_each(|s| s.exchanges.clear());
    let mut leaking = full.clone();
    let twin = state
        .disks
        .iter()
        .find(|d| untagged.contains(&d.disk_id))
        .map(|d| d.disk_id.clone());
    if let (Some(twin), Some(e)) = (
        &twin,
        leaking
            .scenarios
            .iter_mut()
            .flat_map(|s| &mut s.exchanges)
            .find(|e| e.params.contains_key("DiskId")),
    ) {
        e.params.insert("DiskId".into(), twin.clone());
    }
    let vacuous = no_untagged_named(&nothing, &state, &untagged);
    let leak = no_untagged_named(&leaking, &state, &untagged);
    check(
        vacuous.is_err() && leak.is_err(),
        format!(
            "the untagged-id check refuses a run that named nothing ({vacuous:?}) and one that named the untagged disk {twin:?} ({leak:?})"
        ),
    );
    let found = no_untagged_named(&full, &state, &untagged);
    check(found.is_ok(), found.unwrap_or_else(|e| e));
    drop(_mock);

    // Not destructive: no disk of the account named, none reset, and the reason says why.
    let (_mock, url) = mock_with_accounts(&state).await?;
    let (code, out, safe) = run(&url, &["--world", "discover"], &fixtures, "safe")?;
    let disks: HashSet<&String> = state.disks.iter().map(|d| &d.disk_id).collect();
    let named_disks: Vec<String> = named(&safe)
        .into_iter()
        .filter(|id| disks.contains(id) && all.contains(id))
        .collect();
    let reset = reset_disks(&url).await?;
    let says = safe.scenarios.iter().any(|s| {
        s.reason
            .as_deref()
            .is_some_and(|r| r.contains("--allow-destructive"))
    });
    check(
        code == Some(0) && named_disks.is_empty() && reset.is_empty() && says,
        format!(
            "without --allow-destructive: exit {code:?}, disks named {named_disks:?}, reset {reset:?}, {} passed, {} not run{}",
            safe.run.counts.passed,
            safe.run.counts.not_run,
            if code == Some(0) {
                String::new()
            } else {
                format!("\n{out}")
            }
        ),
    );
    // README.md states these counts (the latest edition's: those of older editions only are
    // counted apart).
    let latest = |r: &Results| {
        (
            r.run.counts.passed,
            r.run.counts.not_run - r.run.counts.other_editions,
        )
    };
    let ((d_passed, d_not_run), (s_passed, s_not_run), (n_passed, n_not_run)) =
        (latest(&full), latest(&safe), latest(&none));
    let stated = [
        format!("`discover --allow-destructive`: {d_passed} passed, {d_not_run} not run;"),
        format!(
            "`--allow-destructive`: {s_passed} passed, {s_not_run} not run, no disk named; \
             `none`: {n_passed} passed, {n_not_run} not run"
        ),
    ];
    let missing: Vec<String> = stated
        .iter()
        .filter_map(|t| super::readme::states("README.md", t).err())
        .collect();
    check(
        missing.is_empty(),
        format!("README.md states the counts of these runs: {missing:?}"),
    );
    let _ = std::fs::remove_file(&fixtures);
    Ok(())
}

/// Disks a ResetDisk succeeded on, through the settling proxy.
static RESET: std::sync::Mutex<Option<HashSet<String>>> = std::sync::Mutex::new(None);

/// A target where a disk, once reset, stays `ReIniting` in DescribeDisks for ever.
fn never_settles(ex: &super::proxy::Exchange, answer: &mut super::proxy::Rewritten) {
    let mut reset = RESET.lock().unwrap_or_else(|p| p.into_inner());
    let reset = reset.get_or_insert_with(HashSet::new);
    if ex.action == "ResetDisk" && answer.status == 200 {
        reset.insert(ex.param("DiskId").to_owned());
    }
    if ex.action != "DescribeDisks" || reset.is_empty() || answer.status != 200 {
        return;
    }
    let Ok(mut body) = serde_json::from_str::<serde_json::Value>(&answer.body) else {
        return;
    };
    if let Some(disks) = body["Disks"]["Disk"].as_array_mut() {
        for d in disks {
            if d["DiskId"].as_str().is_some_and(|id| reset.contains(id)) {
                d["Status"] = "ReIniting".into();
            }
        }
    }
    answer.body = body.to_string();
}

/// After a scenario that named a bound disk, the runner waits for it to be back in its
/// discovered state; one that never is, is never bound again, and the scenarios that would need
/// it say so — none of them fails on its account.
pub async fn an_unsettled_resource_is_not_bound_again(tally: &mut super::Tally) {
    let state = match std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(STATE))
        .map_err(|e| e.to_string())
        .and_then(|b| World::from_json(&b).map_err(|e| e.to_string()))
    {
        Ok(w) => w,
        Err(e) => return tally.fail(format!("discover: {e}")),
    };
    let config = ecs_conformance::MockConfig {
        world: state,
        ..Default::default()
    };
    let Ok(mock) = ecs_conformance::MockServer::start_with(config).await else {
        return tally.fail("discover: the mock did not start".into());
    };
    let (url, _proxy, _stop) = super::proxy::start(mock.url(), never_settles).await;
    let mut config = super::proxy::through(url);
    config.world = ecs_conformance::suite::WorldMode::Discover;
    config.discover.allow_destructive = true;
    config.discover.settle_timeout = std::time::Duration::from_secs(1);
    let out = match ecs_conformance::suite::run(config).await {
        Ok(out) => out,
        Err(e) => return tally.fail(format!("discover: the run through the proxy failed: {e}")),
    };
    if let Err(e) = crate::rejudge::follows(&out, "discover, a disk that never settles") {
        tally.fail(e);
    }
    let r = &out.results;
    let unsettled = r
        .scenarios
        .iter()
        .filter(|s| {
            s.outcome == ecs_conformance::results::Outcome::NotRun
                && s.cause.is_none()
                && (s.reason.as_deref())
                    .is_some_and(|why| why.contains("has left its discovered state"))
        })
        .count();
    let reset = RESET
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .as_ref()
        .map_or(0, HashSet::len);
    let line = format!(
        "a disk that stays ReIniting after its reset ({reset} reset): {unsettled} scenarios not \
         run for want of a settled resource, {} passed, {} failed",
        r.passed(),
        r.failed()
    );
    if unsettled > 0 && reset > 0 && r.failed() == 0 {
        println!("discover: {line}");
        tally.pass();
    } else {
        tally.fail(format!(
            "discover: {line}\n{}",
            ecs_conformance::report::summary(r)
        ));
    }
}

/// The rollback actions on an account whose instances, disks and snapshots carry no tag: under
/// `--allow-destructive`, every hand-written scenario of StopInstance, StartInstance,
/// CreateSnapshot and the rollback procedure is not run, none of those actions is called with
/// the resource it acts on (the generated shape probes that leave it out, which can change
/// nothing, may run: docs/choices.md, "Safe on real accounts"), and no call names any of the
/// account's resources.
pub async fn rollback_scenarios_leave_untagged_instances_alone(tally: &mut super::Tally) {
    let mut world = World::default();
    for (i, status) in [InstanceStatus::Running, InstanceStatus::Stopped]
        .into_iter()
        .enumerate()
    {
        let (instance, disk) = (format!("i-untagged{i}"), format!("d-untagged{i}"));
        world.instances.push(Instance::new(&instance, status));
        world
            .disks
            .push(Disk::new(&disk, DiskStatus::InUse, Some(instance)));
        let snapshot = format!("s-untagged{i}");
        world
            .snapshots
            .push(Snapshot::new(snapshot, &disk, SnapshotStatus::Accomplished));
    }
    let ids: Vec<String> = (world.instances.iter().map(|x| x.instance_id.clone()))
        .chain(world.disks.iter().map(|d| d.disk_id.clone()))
        .chain(world.snapshots.iter().map(|s| s.snapshot_id.clone()))
        .collect();
    let config = ecs_conformance::MockConfig {
        world,
        ..Default::default()
    };
    let Ok(mock) = ecs_conformance::MockServer::start_with(config).await else {
        return tally.fail("discover: the mock did not start".into());
    };
    let recording = super::proxy::Options {
        record: true,
        ..Default::default()
    };
    let (url, proxy, _stop) = super::proxy::start_with(mock.url(), recording).await;
    let mut config = super::proxy::through(url);
    config.world = ecs_conformance::suite::WorldMode::Discover;
    config.discover.allow_destructive = true;
    let out = match ecs_conformance::suite::run(config).await {
        Ok(out) => out,
        Err(e) => return tally.fail(format!("discover: the untagged account's run failed: {e}")),
    };
    const ROLLBACK: [&str; 3] = ["StopInstance", "StartInstance", "CreateSnapshot"];
    let theirs: Vec<_> = (out.results.scenarios.iter())
        .filter(|s| (s.tags.iter()).any(|t| ROLLBACK.iter().any(|a| *t == format!("action:{a}"))))
        .filter(|s| !s.generated())
        .collect();
    let ran: Vec<String> = (theirs.iter())
        .filter(|s| s.judged_outcome() != ecs_conformance::results::Outcome::NotRun)
        .map(|s| s.label())
        .collect();
    // Every call the proxy saw: its action, and every parameter, name and value.
    let sent = std::mem::take(&mut *proxy.recorded.lock().unwrap_or_else(|p| p.into_inner()));
    let sent: Vec<_> = sent.iter().map(|r| &r.exchange).collect();
    // The parameter each rollback action acts on: a call without it changes nothing.
    let acts_on = |x: &&&super::proxy::Exchange| {
        (x.params.iter()).any(|(n, _)| n == "InstanceId" || n == "DiskId")
    };
    let rollback_calls = || (sent.iter()).filter(|x| ROLLBACK.contains(&x.action.as_str()));
    let called: Vec<&String> = rollback_calls()
        .filter(acts_on)
        .map(|x| &x.action)
        .collect();
    let probes = rollback_calls().count() - called.len();
    let named: Vec<&str> = (sent.iter())
        .flat_map(|x| x.params.iter().map(|(_, v)| v))
        .filter(|v| ids.iter().any(|id| v.contains(id.as_str())))
        .collect();
    let line = format!(
        "an account without tagged instances: {} scenarios of the rollback actions not run, {} \
         calls, none of StopInstance, StartInstance or CreateSnapshot with the resource it acts \
         on ({probes} generated probes without it), none naming its {} resources",
        theirs.len(),
        sent.len(),
        ids.len()
    );
    if theirs.len() > 100 && ran.is_empty() && called.is_empty() && named.is_empty() {
        println!("discover: {line}");
        tally.pass();
    } else {
        tally.fail(format!(
            "discover: {line}: ran {ran:?}; called {called:?}; named {named:?}"
        ));
    }
}
