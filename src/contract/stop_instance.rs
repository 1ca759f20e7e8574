//! StopInstance, declared: it stops a running instance, which passes through `Stopping` to
//! `Stopped` over the time the world sets (`transitions.stop_ms`). It names and changes one
//! instance. Its rules that other parts of the crate agree on live here. Its error table is
//! `features/StopInstance.errors.tsv` (docs/contract.md, "The rollback actions").

use super::action::{Action, Resource, Role, transitions_control_only, unmarked, unmarked_in};
use crate::world::{Disk, DiskStatus};

pub const ACTION: Action = Action {
    name: "StopInstance",
    role: Role::Contract,
    names: &[("InstanceId", Resource::Instance)],
    sample: &[("InstanceId", "i-instance1")],
    answer_fields: &["RequestId"],
    changes: &[Resource::Instance],
    disk_marks: unmarked_in,
    snapshot_marks: unmarked,
    control_only: transitions_control_only,
};

/// A disk in the middle of an operation of its own (being attached, detached, created or
/// re-initialised): its instance can be neither stopped nor started (`DiskError`,
/// docs/choices.md, "The rollback actions").
pub fn disk_in_transition(disk: &Disk) -> bool {
    matches!(
        disk.status,
        DiskStatus::Attaching
            | DiskStatus::Detaching
            | DiskStatus::Creating
            | DiskStatus::ReIniting
    )
}

/// A local disk (`ephemeral*`, `local_*`): its data is lost when the instance stops, so the
/// stop must be confirmed (`ConfirmStop=true`), else `InstanceType.ParameterMismatch`.
pub fn disk_is_local(disk: &Disk) -> bool {
    !super::reset_disk::category_supports_reset(&disk.category)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disks_in_an_operation_and_local_disks_are_told_apart() {
        let mut d = Disk::new("d-1", DiskStatus::InUse, Some("i-1".into()));
        assert!(!disk_in_transition(&d) && !disk_is_local(&d));
        d.status = DiskStatus::ReIniting;
        assert!(disk_in_transition(&d));
        d.category = "local_ssd_pro".into();
        assert!(disk_is_local(&d));
    }
}
