//! The Describe actions: served so that the suite can list and observe resources (discovery,
//! settling), never judged. They read and change nothing.

use super::action::{Action, Resource, Role, never_control_only, unmarked, unmarked_in};

/// A support action that names `names` and answers `fields` at the top level.
const fn support(
    name: &'static str,
    names: &'static [(&'static str, Resource)],
    fields: &'static [&'static str],
) -> Action {
    Action {
        name,
        role: Role::Support,
        names,
        sample: &[],
        answer_fields: fields,
        changes: &[],
        disk_marks: unmarked_in,
        snapshot_marks: unmarked,
        control_only: never_control_only,
    }
}

/// The fields of a page of a Describe list, and the list's own.
macro_rules! page {
    ($list:literal) => {
        &["RequestId", "TotalCount", "PageNumber", "PageSize", $list]
    };
}

pub const DESCRIBE_DISKS: Action = support(
    "DescribeDisks",
    &[
        ("DiskIds", Resource::Disk),
        ("InstanceId", Resource::Instance),
    ],
    page!("Disks"),
);
pub const DESCRIBE_SNAPSHOTS: Action = support(
    "DescribeSnapshots",
    &[
        ("SnapshotIds", Resource::Snapshot),
        ("DiskId", Resource::Disk),
    ],
    page!("Snapshots"),
);
pub const DESCRIBE_INSTANCES: Action = support(
    "DescribeInstances",
    &[("InstanceIds", Resource::Instance)],
    page!("Instances"),
);
pub const DESCRIBE_REGIONS: Action = support("DescribeRegions", &[], &["RequestId", "Regions"]);
