//! A large account for discovery at scale, shared by `benches/discover.rs` and the conformance
//! test that no call times out on it (`tests/conformance/stall.rs`): `instances` instances, each
//! with a disk In_use on it and an accomplished snapshot of that disk, every other trio tagged
//! disposable, half of the instances Running, and a detached (Available) disk with its snapshot
//! per four instances — `3.5 × instances` resources.

use ecs_conformance::suite;
use ecs_conformance::{
    Disk, DiskStatus, Instance, InstanceStatus, Snapshot, SnapshotStatus, Tag, World,
};

pub fn account(instances: usize) -> World {
    let mut w = World::default();
    for n in 0..instances {
        let tags = if n % 2 == 0 {
            vec![Tag {
                key: suite::TAG_KEY.into(),
                value: suite::TAG_VALUE.into(),
            }]
        } else {
            Vec::new()
        };
        let status = if n % 4 < 2 {
            InstanceStatus::Stopped
        } else {
            InstanceStatus::Running
        };
        let (i, d, s) = (
            format!("i-big{n:06}"),
            format!("d-big{n:06}"),
            format!("s-big{n:06}"),
        );
        let mut x = Instance::new(&i, status);
        x.tags = tags.clone();
        let mut disk = Disk::new(&d, DiskStatus::InUse, Some(i));
        disk.tags = tags.clone();
        let mut snap = Snapshot::new(s, &d, SnapshotStatus::Accomplished);
        snap.tags = tags.clone();
        w.instances.push(x);
        w.disks.push(disk);
        w.snapshots.push(snap);
        if n % 4 == 0 {
            let spare = format!("d-spare{n:06}");
            let mut disk = Disk::new(&spare, DiskStatus::Available, None);
            disk.tags = tags.clone();
            let mut snap = Snapshot::new(
                format!("s-spare{n:06}"),
                spare,
                SnapshotStatus::Accomplished,
            );
            snap.tags = tags;
            w.disks.push(disk);
            w.snapshots.push(snap);
        }
    }
    w
}
