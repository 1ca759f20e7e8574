//! StartInstance, declared: it starts a stopped instance, which passes through `Starting` to
//! `Running` over the time the world sets (`transitions.start_ms`). It names and changes one
//! instance. Its error table is `features/StartInstance.errors.tsv` (docs/contract.md, "The
//! rollback actions").

use super::action::{Action, Mark, Resource, Role, transitions_control_only, unmarked};
use crate::world::{Disk, DiskType, Indexed};

pub const ACTION: Action = Action {
    name: "StartInstance",
    role: Role::Contract,
    names: &[("InstanceId", Resource::Instance)],
    sample: &[("InstanceId", "i-instance1")],
    answer_fields: &["RequestId"],
    changes: &[Resource::Instance],
    disk_marks,
    snapshot_marks: unmarked,
    control_only: transitions_control_only,
};

/// A disk on an instance that has no system disk: StartInstance refuses to start that instance
/// (`InvalidInstance.NotFoundSystemDisk`), so discovery binds such a world only to such an
/// instance's disks, never to an instance a start would change.
fn disk_marks(disk: &Disk, around: &Indexed) -> Vec<Mark> {
    let Some(instance) = disk.instance_id.as_deref() else {
        return unmarked(disk);
    };
    if around
        .disks_on(instance)
        .any(|d| d.disk_type == DiskType::System)
    {
        return unmarked(disk);
    }
    vec![Mark {
        key: "no system disk",
        words: "on an instance without a system disk".into(),
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::{DiskStatus, Instance, InstanceStatus, World};

    #[test]
    fn a_disk_on_an_instance_without_a_system_disk_is_set_apart() {
        let mut w = World::default();
        w.instances
            .push(Instance::new("i-1", InstanceStatus::Stopped));
        w.disks
            .push(Disk::new("d-1", DiskStatus::InUse, Some("i-1".into())));
        let d = w.disks[0].clone();
        assert!(disk_marks(&d, &Indexed::new(w.clone())).is_empty());
        w.disks[0].disk_type = DiskType::Data;
        let d = w.disks[0].clone();
        let marks = disk_marks(&d, &Indexed::new(w.clone()));
        assert_eq!(marks.len(), 1);
        assert_eq!(marks[0].key, "no system disk");
        let free = Disk::new("d-2", DiskStatus::Available, None);
        assert!(disk_marks(&free, &Indexed::new(w)).is_empty());
    }
}
