//! The Describe actions: served so that the suite can list and observe resources (discovery,
//! settling), never judged. They read and change nothing.

use super::{Action, Resource, Role, never_control_only, unmarked};

const fn support(name: &'static str, names: &'static [(&'static str, Resource)]) -> Action {
    Action {
        name,
        role: Role::Support,
        names,
        sample: &[],
        changes: &[],
        disk_marks: unmarked,
        snapshot_marks: unmarked,
        control_only: never_control_only,
    }
}

pub const DESCRIBE_DISKS: Action = support(
    "DescribeDisks",
    &[
        ("DiskIds", Resource::Disk),
        ("InstanceId", Resource::Instance),
    ],
);
pub const DESCRIBE_SNAPSHOTS: Action = support(
    "DescribeSnapshots",
    &[
        ("SnapshotIds", Resource::Snapshot),
        ("DiskId", Resource::Disk),
    ],
);
pub const DESCRIBE_INSTANCES: Action =
    support("DescribeInstances", &[("InstanceIds", Resource::Instance)]);
pub const DESCRIBE_REGIONS: Action = support("DescribeRegions", &[]);
