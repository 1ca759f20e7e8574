//! What each action of the API is, as both halves of the crate know it: whether it is under
//! certification or only supports the suite, which resources it names and which of them it may
//! change, its error catalogue, and what sets a resource apart for it.
//!
//! The mock serves these actions ([`crate::mock`]'s `actions/`), the suite's discover seam guards
//! and matches by these declarations alone, and the control check calls the action under
//! certification through them: no shared module names an action. An action's own rules live in
//! its module here (`reset_disk.rs`); adding an action is one module and one line in [`ACTIONS`]
//! (ARCHITECTURE.md, "Adding an action"). The Describe answers' one model, which the mock renders
//! and discovery reads, is `describe_model.rs`.

mod action;
pub mod changes;
pub mod create_snapshot;
pub mod describe;
pub(crate) mod describe_model;
pub mod editions;
pub mod reset_disk;
pub mod start_instance;
pub mod stop_instance;

pub use action::{
    Action, Mark, Resource, Role, never_control_only, transitions_control_only, unmarked,
    unmarked_in,
};

use crate::world::{Disk, Indexed, Snapshot, World};

/// Every action the crate knows, under certification first.
pub const ACTIONS: &[&Action] = &[
    &reset_disk::ACTION,
    &stop_instance::ACTION,
    &start_instance::ACTION,
    &create_snapshot::ACTION,
    &describe::DESCRIBE_DISKS,
    &describe::DESCRIBE_SNAPSHOTS,
    &describe::DESCRIBE_INSTANCES,
    &describe::DESCRIBE_REGIONS,
];

/// Actions declared for the crate's own tests only (see [`testing`]).
#[cfg(test)]
const TEST_ONLY: &[&Action] = &[&testing::WIPE_DISK];
#[cfg(not(test))]
const TEST_ONLY: &[&Action] = &[];

/// The declared action called `name`.
pub fn find(name: &str) -> Option<&'static Action> {
    ACTIONS
        .iter()
        .chain(TEST_ONLY)
        .copied()
        .find(|a| a.name == name)
}

/// A state-changing action that exists only in the crate's tests: it proves that a new action is
/// guarded by what it declares, with no edit to the code that guards (`suite/discover/guard.rs`).
#[cfg(test)]
pub mod testing {
    use super::action::{Action, Resource, Role, never_control_only, unmarked, unmarked_in};

    pub const WIPE_DISK: Action = Action {
        name: "TestOnlyWipeDisk",
        role: Role::Support,
        names: &[
            ("DiskId", Resource::Disk),
            ("SnapshotId", Resource::Snapshot),
        ],
        sample: &[("DiskId", "d-diskid1"), ("SnapshotId", "s-snapshotid1")],
        answer_fields: &["RequestId"],
        changes: &[Resource::Disk],
        disk_marks: unmarked_in,
        snapshot_marks: unmarked,
        control_only: never_control_only,
    };
}

/// The actions under certification.
pub fn certified() -> impl Iterator<Item = &'static Action> {
    ACTIONS.iter().copied().filter(|a| a.role == Role::Contract)
}

/// What sets `disk`, in the world `around` indexes (its snapshots, say), apart for any action
/// under certification.
pub fn disk_marks(disk: &Disk, around: &Indexed) -> Vec<Mark> {
    certified()
        .flat_map(|a| (a.disk_marks)(disk, around))
        .collect()
}

/// What sets `snapshot` apart for any action under certification.
pub fn snapshot_marks(snapshot: &Snapshot) -> Vec<Mark> {
    certified()
        .flat_map(|a| (a.snapshot_marks)(snapshot))
        .collect()
}

/// Why `world` can be arranged only through the control API, by any action's declaration.
pub fn control_only(world: &World) -> Option<String> {
    certified().find_map(|a| (a.control_only)(world))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_every_contract_action_has_a_catalogue() {
        for (i, a) in ACTIONS.iter().enumerate() {
            assert!(
                ACTIONS[..i].iter().all(|b| b.name != a.name),
                "{} twice",
                a.name
            );
            if a.role == Role::Contract {
                assert!(a.catalogue().is_some(), "{} has no catalogue", a.name);
            }
            for kind in a.changes {
                assert!(
                    a.param_for(*kind).is_some(),
                    "{} changes what it cannot name",
                    a.name
                );
            }
        }
        assert!(certified().count() >= 1);
    }

    #[test]
    fn refuse_answers_from_the_own_catalogue_then_the_common_one() {
        let own = certified().next().unwrap();
        let row = &own.catalogue().unwrap().rows()[0].answer;
        assert_eq!(own.refuse(&row.code).code, row.code);
        let support = find("DescribeDisks").unwrap();
        assert_eq!(support.refuse("InvalidRegionId.MalFormed").status, 400);
    }
}
