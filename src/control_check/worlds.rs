//! The worlds and faults the checks install: the reference's sample, a second key pair's, and
//! one per optional feature that needs exactly that feature; the action the ECS side calls; and
//! how an answer of the control API is read.

use serde_json::{Value, json};

use crate::api_error::ApiError;
use crate::contract::editions;
use crate::contract::{self, Resource};
use crate::protocol::FEATURE_SECURITY_TOKEN;
use crate::world::{
    FEATURE_EDITION_FAULTS, FEATURE_ENCRYPTION, FEATURE_TAGS, FEATURE_TRANSITIONS, Fault,
    InstanceStatus, KmsKey, Snapshot, SnapshotStatus, Tag, World,
};

/// The action the ECS side of the checks calls, and the one a world's fault names: the action
/// under certification that changes disks, so that the isolation check proves a call signed by
/// one key pair cannot change another's world.
pub(super) fn action() -> &'static contract::Action {
    contract::certified()
        .find(|a| a.may_change(Resource::Disk))
        .expect("an action under certification changes disks (src/contract)")
}

/// The world of the first key pair: the reference's sample, which a reset succeeds on.
pub(super) fn world_one() -> World {
    World::sample()
}

/// The world of the second: other ids, so that each world's resources are its own.
pub(super) fn world_two() -> Value {
    json!({
        "instances": [{"instance_id": "i-check-two", "status": "Stopped"}],
        "disks": [{"disk_id": "d-check-two", "status": "In_use", "instance_id": "i-check-two"}],
        "snapshots": [{"snapshot_id": "s-check-two", "source_disk_id": "d-check-two",
                       "status": "accomplished"}]
    })
}

/// The sample world with a tag on its instance, disk and snapshot (feature `tags`).
pub(super) fn tagged_world() -> World {
    let mut w = World::sample();
    let tag = Tag {
        key: "ecs-conformance-check".into(),
        value: "tagged".into(),
    };
    w.instances
        .iter_mut()
        .for_each(|i| i.tags.push(tag.clone()));
    w.disks.iter_mut().for_each(|d| d.tags.push(tag.clone()));
    w.snapshots
        .iter_mut()
        .for_each(|s| s.tags.push(tag.clone()));
    w
}

/// The sample world with its disk and snapshot encrypted under a KMS key of the account
/// (feature `encryption`).
pub(super) fn encrypted_world() -> World {
    let mut w = World::sample();
    let key = "key-ecsc-check";
    w.kms_keys.push(KmsKey {
        key_id: key.into(),
        enabled: true,
        ecs_tagged: true,
    });
    for d in &mut w.disks {
        d.encrypted = true;
        d.kms_key_id = Some(key.into());
    }
    for s in &mut w.snapshots {
        s.encrypted = true;
        s.kms_key_id = Some(key.into());
    }
    w
}

/// The sample world with its transitions' durations set, its instance `Stopping` and a second
/// snapshot `progressing` until a time to come (feature `transitions`).
pub(super) fn timed_world() -> World {
    let mut w = World::sample();
    w.transitions.stop_ms = 500;
    w.transitions.start_ms = 600;
    w.transitions.snapshot_ms = 700;
    w.transitions.concurrent_snapshots_per_disk = 2;
    let to_come = time::macros::datetime!(2099-01-01 00:00:00 UTC);
    w.instances[0].status = InstanceStatus::Stopping;
    w.instances[0].status_until = Some(to_come);
    let mut s = Snapshot::new(
        "s-check-progressing",
        w.disks[0].disk_id.clone(),
        SnapshotStatus::Progressing,
    );
    s.status_until = Some(to_come);
    w.snapshots.push(s);
    w
}

/// The faults of the latest edition that a server of the first published set does not schedule
/// (feature `edition_faults`).
pub(super) fn edition_faults() -> Vec<ApiError> {
    let first = Fault::injectable_in(&editions::all()[0]);
    Fault::injectable_in(editions::latest())
        .into_iter()
        .filter(|e| !first.contains(e))
        .collect()
}

/// What each optional feature's check proves, by the feature's name.
pub(super) fn feature_check(feature: &str) -> Option<(&'static str, &'static str)> {
    Some(match feature {
        FEATURE_TAGS => (
            FEATURE_TAGS,
            "announced: a world whose instance, disk and snapshot carry tags is accepted and read \
             back with them",
        ),
        FEATURE_SECURITY_TOKEN => (
            FEATURE_SECURITY_TOKEN,
            "announced: a temporary key pair's world is accepted and read back without its token; \
             calls with the token are served, calls without it refused",
        ),
        FEATURE_ENCRYPTION => (
            FEATURE_ENCRYPTION,
            "announced: a world with a KMS key and an encrypted disk and snapshot is accepted and \
             read back",
        ),
        FEATURE_EDITION_FAULTS => (
            FEATURE_EDITION_FAULTS,
            "announced: a fault of a later edition than the first is accepted (201) and served",
        ),
        FEATURE_TRANSITIONS => (
            FEATURE_TRANSITIONS,
            "announced: a world whose transitions end in time to come reads back as put; one \
             whose transitions' time has passed reads back with them ended",
        ),
        _ => return None,
    })
}

pub(super) fn expect_status(got: u16, want: &[u16], text: &str) -> Result<(), String> {
    if want.contains(&got) {
        Ok(())
    } else {
        Err(format!("expected status {want:?}, got {got}: {text:.300}"))
    }
}

/// The world in a `GET` answer, read as a world document.
pub(super) fn world_of(body: &Value) -> Result<World, String> {
    let world = body.get("world").ok_or("the answer holds no `world`")?;
    World::from_json(world.to_string().as_bytes()).map_err(|e| format!("its `world`: {e}"))
}
