//! Discovery's tests: matching, settling, claims, the guard, fixtures and parsing.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use time::OffsetDateTime;

use super::assign::Found;
use super::listing::{disposable, parse_disk, parse_instance};
use super::seam::Pool;
use super::*;
use crate::client::{Credentials, WireForm};
use crate::contract::{self, Resource};
use crate::format::Format;
use crate::suite::target::Hold;
use crate::world::{
    Account, ChargeType, Disk, DiskStatus, Instance, InstanceStatus, LockReason, Snapshot,
    SnapshotStatus, Tag,
};

fn tagged() -> Vec<Tag> {
    vec![Tag {
        key: TAG_KEY.into(),
        value: TAG_VALUE.into(),
    }]
}

/// The preconditions' world: i-1 Stopped, d-1 In_use on it, s-1 of d-1 accomplished.
fn stated() -> World {
    World {
        instances: vec![Instance::new("i-1", InstanceStatus::Stopped)],
        disks: vec![Disk::new("d-1", DiskStatus::InUse, Some("i-1".into()))],
        snapshots: vec![Snapshot::new("s-1", "d-1", SnapshotStatus::Accomplished)],
        ..World::default()
    }
}

/// Two such trios on an account: `a` and `b`.
fn found() -> World {
    trios(["a", "b"])
}

/// One such trio per name `p`: `i-p`, `d-p` and `s-p`.
fn trios<P: std::fmt::Display>(names: impl IntoIterator<Item = P>) -> World {
    let mut w = World::default();
    for p in names {
        w.instances
            .push(Instance::new(format!("i-{p}"), InstanceStatus::Stopped));
        w.disks.push(Disk::new(
            format!("d-{p}"),
            DiskStatus::InUse,
            Some(format!("i-{p}")),
        ));
        w.snapshots.push(Snapshot::new(
            format!("s-{p}"),
            format!("d-{p}"),
            SnapshotStatus::Accomplished,
        ));
    }
    w
}

/// An account whose every resource is tagged.
fn tagged_only(w: World) -> Found {
    Found::new(w, World::default())
}

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

#[test]
fn a_world_binds_to_consistent_trios_only() {
    let got = assign::solve(&stated(), &tagged_only(found()), &HashSet::new(), now(), 16);
    assert_eq!(got.len(), 2, "{got:?}");
    for a in &got {
        let p = &a["i-1"][2..];
        assert_eq!(a["d-1"], format!("d-{p}"));
        assert_eq!(a["s-1"], format!("s-{p}"), "a snapshot of the bound disk");
    }
    let excluded: HashSet<String> = ["d-a".to_owned()].into();
    let got = assign::solve(&stated(), &tagged_only(found()), &excluded, now(), 16);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["d-1"], "d-b");
}

#[test]
fn what_resetdisk_treats_otherwise_does_not_match() {
    let matches = |w: &World| {
        assign::solve(
            &stated(),
            &tagged_only(w.clone()),
            &HashSet::new(),
            now(),
            16,
        )
    };
    let mut running = found();
    running.instances[0].status = InstanceStatus::Running;
    running.instances[1].lock_reasons = vec![LockReason::Security];
    assert!(matches(&running).is_empty());

    let mut expired = found();
    for x in &mut expired.instances {
        x.charge_type = ChargeType::PrePaid;
        x.expired_time = Some(now() - time::Duration::days(1));
    }
    assert!(matches(&expired).is_empty());
    // An unexpired subscription is alike a pay-as-you-go instance.
    for x in &mut expired.instances {
        x.expired_time = Some(now() + time::Duration::days(30));
    }
    assert_eq!(matches(&expired).len(), 2);

    let mut local = found();
    for d in &mut local.disks {
        d.category = "local_ssd_pro".into();
    }
    assert!(matches(&local).is_empty());

    let mut old = found();
    for s in &mut old.snapshots {
        s.creation_time = time::macros::datetime!(2013-07-14 23:59:59 UTC);
    }
    assert!(matches(&old).is_empty());
}

#[test]
fn a_snapshot_of_a_disk_the_world_does_not_hold_is_of_none_bound() {
    let mut w = stated();
    w.snapshots[0].source_disk_id = "d-9".into();
    let got = assign::solve(&w, &tagged_only(found()), &HashSet::new(), now(), 16);
    assert!(!got.is_empty());
    for a in got {
        let disk = &a["d-1"];
        let snap = &a["s-1"];
        assert_ne!(&snap.replace("s-", "d-"), disk, "{a:?}");
    }
}

/// What sets a tagged disk apart may be an untagged resource: a snapshot of it still being made,
/// which ResetDisk refuses to reset from, tagged or not. Discovery reads every listed resource, so
/// such a disk is not bound where the scenario states a disk without one.
#[tokio::test]
async fn an_untagged_snapshot_still_being_made_sets_its_tagged_disk_apart() {
    let mut world = found();
    for x in &mut world.instances {
        x.tags = tagged();
    }
    for d in &mut world.disks {
        d.tags = tagged();
    }
    for s in &mut world.snapshots {
        s.tags = tagged();
    }
    // Of d-a, listed first, and not tagged.
    world.snapshots.push(Snapshot::new(
        "s-making",
        "d-a",
        SnapshotStatus::Progressing,
    ));
    let mock = crate::MockServer::start_with(crate::MockConfig {
        world,
        ..crate::MockConfig::default()
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let client = Client::new(
        mock.url(),
        Credentials::new(
            crate::DEFAULT_ACCESS_KEY_ID,
            crate::DEFAULT_ACCESS_KEY_SECRET,
        ),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let discover = Discover::new(&client, Options::default())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let bound = discover.bind(&client, &stated(), false).await;
    let bound = bound.map(|b| b.resolve("d-1"));
    assert_eq!(
        bound.ok().as_deref(),
        Some("d-b"),
        "d-a has a snapshot being made"
    );
}

/// A match costs what it tries, not the account's size: on an account of 10,000 trios, binding
/// the preconditions' world once looks at one instance, one disk and one snapshot.
#[test]
fn a_match_looks_at_what_it_tries_not_at_the_account() {
    let w = trios(0..10_000);
    let found = tagged_only(w);
    let (got, examined) = assign::solve_counted(&stated(), &found, &HashSet::new(), now(), 1);
    assert_eq!((got.len(), examined), (1, 3), "{got:?}");
    // Sixteen matches: sixteen trios looked at, whatever the account holds.
    let (got, examined) = assign::solve_counted(&stated(), &found, &HashSet::new(), now(), 16);
    assert_eq!((got.len(), examined), (16, 48));
}

#[test]
fn needs_names_every_resource() {
    let mut w = stated();
    w.instances[0].status = InstanceStatus::Running;
    w.snapshots
        .push(Snapshot::new("s-2", "d-1", SnapshotStatus::Progressing));
    assert_eq!(
        assign::needs(&w, "cn-shanghai", &Account::default()),
        "needs, tagged ecs-conformance=disposable in cn-shanghai: a Running instance i-1; a \
         disk d-1 In_use on i-1 with a snapshot still being made; an accomplished snapshot s-1 \
         of d-1; a progressing snapshot s-2 of d-1"
    );
}

#[test]
fn control_only_worlds_say_why() {
    let mut w = stated();
    w.reset_duration_ms = 60_000;
    assert!(assign::control_only(&w).is_some_and(|r| r.contains("60 s")));
    let mut w = stated();
    w.release_instance("i-1");
    assert!(assign::control_only(&w).is_some_and(|r| r.contains("released")));
    assert_eq!(assign::control_only(&stated()), None);
}

#[test]
fn settling_sees_a_resource_that_moved() {
    let expected = found();
    assert!(assign::moved(&expected, &found()).is_empty());
    let mut now = found();
    now.disks[1].status = DiskStatus::ReIniting;
    now.snapshots.pop();
    assert_eq!(
        assign::moved(&expected, &now),
        [("d-b", "d-b is ReIniting"), ("s-b", "s-b is gone")]
            .map(|(id, w)| (id.to_owned(), w.to_owned()))
    );
}

#[test]
fn absent_ids_have_ecs_shape_and_stay_put() {
    let claim = Claim {
        pool: 0,
        expected: World::default(),
        touched: AtomicBool::new(false),
        salt: "salt".into(),
        _guards: Vec::new(),
    };
    let id = claim.absent_id("d-9");
    assert_eq!(id.len(), "d-".len() + 20);
    assert!(id.starts_with("d-ecsc"));
    assert_eq!(claim.absent_id("d-9"), id);
    assert_ne!(claim.absent_id("d-8"), id);
    assert_eq!(claim.absent_id("cn-hangzhou"), "cn-hangzhou");
}

/// A seam over `found()` with one untagged disk, `d-other`, and a claim of trio `a`.
fn seam(allow_destructive: bool) -> (Discover, Binding) {
    let client = Client::new("http://127.0.0.1:9", Credentials::new("k", "s"))
        .unwrap_or_else(|e| panic!("{e}"));
    let discover = Discover {
        pools: vec![Pool::new(
            Account::default(),
            client.clone(),
            tagged_only(found()),
            ["d-other".to_owned()].into(),
        )],
        first_look: Duration::ZERO,
        options: Options {
            allow_destructive,
            ..Options::default()
        },
        locks: Mutex::new(HashMap::new()),
        unsettled: Mutex::new(HashSet::new()),
    };
    let claim = Claim {
        pool: 0,
        expected: tagged_only(found()).expected(&["i-a", "d-a", "s-a"].map(str::to_owned).into()),
        touched: AtomicBool::new(false),
        salt: "salt".into(),
        _guards: Vec::new(),
    };
    let binding = Binding {
        client,
        aliases: [("d-1", "d-a"), ("s-1", "s-a")]
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
            .into(),
        claim: Some(Arc::new(claim)),
    };
    (discover, binding)
}

/// A call of the action under certification that changes disks, naming `disk` and `s-a`.
fn reset(disk: &str) -> Call {
    let action = contract::certified()
        .find(|a| a.may_change(Resource::Disk))
        .expect("an action under certification changes disks");
    let param = |kind| action.param_for(kind).unwrap_or_default();
    Call::new(action.name, WireForm::V1Get, Some(Format::Json))
        .param(param(Resource::Disk), disk)
        .param(param(Resource::Snapshot), "s-a")
}

#[test]
fn no_call_names_an_untagged_resource_or_a_bound_disk_unasked() {
    let (safe, binding) = seam(false);
    let listed = Call::new("DescribeDisks", WireForm::V1Get, Some(Format::Json))
        .param("DiskIds", r#"["d-a","d-other"]"#);
    assert!(
        safe.admit(&binding, &listed)
            .is_err_and(|e| e.contains("d-other"))
    );
    assert!(
        safe.admit(&binding, &reset("d-a"))
            .is_err_and(|e| e.contains("--allow-destructive"))
    );
    let absent = binding.resolve("d-9");
    assert!(safe.admit(&binding, &reset(&absent)).is_ok());

    let snapshot =
        Call::new("DeleteSnapshot", WireForm::V1Get, Some(Format::Json)).param("SnapshotId", "s-a");
    assert!(
        safe.admit(&binding, &snapshot)
            .is_err_and(|e| e.contains("resource s-a in DeleteSnapshot"))
    );
    let unclaimed = reset("d-b");
    assert!(
        safe.admit(&binding, &unclaimed)
            .is_err_and(|e| e.contains("did not claim"))
    );

    let (destructive, binding) = seam(true);
    assert!(destructive.admit(&binding, &reset("d-other")).is_err());
    assert!(destructive.admit(&binding, &unclaimed).is_err());
    assert!(destructive.admit(&binding, &reset("d-a")).is_ok());
    let touched = claim_of(&binding).is_some_and(|c| c.touched.load(Ordering::Relaxed));
    assert!(touched, "naming a bound disk marks the claim for settling");
}

#[test]
fn fixtures_name_variables_never_secrets() {
    let f = Fixtures::parse(
        "released_disk_ids = [\"d-x\"]\n[[accounts]]\ncondition = \"not-enough-balance\"\n\
         access_key_id_env = \"ID\"\naccess_key_secret_env = \"SECRET\"\n",
    )
    .unwrap_or_default();
    assert_eq!(f.released_disk_ids, ["d-x"]);
    let env = |k: &str| (k == "ID" || k == "SECRET").then(|| format!("v-{k}"));
    let creds = f.accounts(&env).unwrap_or_default();
    assert_eq!(creds.len(), 1);
    assert!(!creds[0].0.balance_sufficient);
    assert_eq!(creds[0].1.access_key_id, "v-ID");
    let missing = f.accounts(&|_| None).unwrap_err();
    assert!(
        missing.contains("ID") && missing.contains("not set"),
        "{missing}"
    );

    let with_secret = Fixtures::parse(
        "[[accounts]]\ncondition = \"no-resources\"\naccess_key_id_env = \"I\"\n\
         access_key_secret_env = \"S\"\naccess_key_secret = \"plain\"\n",
    )
    .unwrap_err();
    assert!(with_secret.contains("access_key_secret"), "{with_secret}");
    assert!(!with_secret.contains("plain"), "{with_secret}");
}

#[test]
fn describe_answers_parse_as_ecs_writes_them() {
    let x: Value = serde_json::json!({
        "InstanceId": "i-x", "Status": "Stopped", "InstanceChargeType": "PrePaid",
        "ExpiredTime": "2020-01-01T00:00Z",
        "OperationLocks": {"LockReason": [{"LockReason": "financial"}]},
        "Tags": {"Tag": [{"TagKey": TAG_KEY, "TagValue": TAG_VALUE}]}
    });
    let i = parse_instance(&x).expect("parses");
    assert!(i.expired(now()) && disposable(&i.tags));
    assert_eq!(i.lock_reasons, [LockReason::Financial]);
    let unknown_lock = serde_json::json!({
        "InstanceId": "i-y", "Status": "Stopped",
        "OperationLocks": {"LockReason": [{"LockReason": "mystery"}]}
    });
    assert!(parse_instance(&unknown_lock).is_none());
    let d = parse_disk(&serde_json::json!({
        "DiskId": "d-x", "Status": "Available", "InstanceId": "", "Category": "cloud_essd",
        "Tags": {"Tag": tagged().iter().map(|t| serde_json::json!({"TagKey": t.key, "TagValue": t.value})).collect::<Vec<_>>()}
    }))
    .expect("parses");
    assert_eq!(d.instance_id, None);
    assert!(disposable(&d.tags));
}

/// A new state-changing action is guarded by its declaration alone: `TestOnlyWipeDisk` exists only
/// in the crate's tests (`contract::testing`), and nothing in discover names it.
#[test]
fn a_new_action_that_changes_disks_is_guarded_by_its_declaration() {
    let wipe = &contract::testing::WIPE_DISK;
    let call = |disk: &str, snapshot: &str| {
        Call::new(wipe.name, WireForm::V1Get, Some(Format::Json))
            .param("DiskId", disk)
            .param("SnapshotId", snapshot)
    };
    let (safe, binding) = seam(false);
    assert!(
        safe.admit(&binding, &call("d-a", "s-a"))
            .is_err_and(|e| e.contains("disposable disk d-a in TestOnlyWipeDisk")
                && e.contains("--allow-destructive"))
    );
    // It only reads snapshots: naming the claimed snapshot with a disk that names nothing is safe.
    let absent = binding.resolve("d-9");
    assert!(safe.admit(&binding, &call(&absent, "s-a")).is_ok());
    assert!(!claim_of(&binding).is_some_and(|c| c.touched.load(Ordering::Relaxed)));
    // The guard's other rules hold for it as for any action.
    assert!(
        safe.admit(&binding, &call("d-other", "s-a"))
            .is_err_and(|e| e.contains("not tagged"))
    );
    let (destructive, binding) = seam(true);
    assert!(destructive.admit(&binding, &call("d-a", "s-a")).is_ok());
    assert!(claim_of(&binding).is_some_and(|c| c.touched.load(Ordering::Relaxed)));
}
