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

pub mod create_snapshot;
pub mod describe;
pub(crate) mod describe_model;
pub mod editions;
pub mod reset_disk;
pub mod start_instance;
pub mod stop_instance;

use crate::api_error::ApiError;
use crate::catalogue::Catalogue;
use crate::world::{Disk, Indexed, Snapshot, World};

/// Whether an action is judged, or only used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Under certification: the feature files judge its answers.
    Contract,
    /// Served so that the suite can look (discovery, observation); not judged.
    Support,
}

/// A kind of resource an action names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    Instance,
    Disk,
    Snapshot,
}

impl Resource {
    /// The first letter of its ids in ECS (`d-…`).
    pub fn prefix(self) -> &'static str {
        match self {
            Resource::Instance => "i",
            Resource::Disk => "d",
            Resource::Snapshot => "s",
        }
    }
}

/// A fact about a resource that one action treats apart: two resources are alike for that action
/// only when they carry the same keys. `words` describe it to a person ("created before …").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub key: &'static str,
    pub words: String,
}

/// One action, declared.
#[derive(Debug)]
pub struct Action {
    pub name: &'static str,
    pub role: Role,
    /// The parameters that name a resource, and its kind.
    pub names: &'static [(&'static str, Resource)],
    /// The sample request's parameters, naming the sample world's resources (`World::sample`):
    /// what the gateway probes send.
    pub sample: &'static [(&'static str, &'static str)],
    /// The documented top-level fields of its success answer.
    pub answer_fields: &'static [&'static str],
    /// The kinds of resource a call may change (the rest it only reads). Discovery refuses a
    /// call that names a claimed resource of these kinds unless destruction is allowed.
    pub changes: &'static [Resource],
    /// What sets a disk apart for this action, in the world it is in: whatever it needs of that
    /// world (the disk's snapshots, its instance) it looks up in the index, never by a scan, so
    /// that marking every disk of a large account takes time linear in the account.
    pub disk_marks: fn(&Disk, &Indexed) -> Vec<Mark>,
    /// What sets a snapshot apart for this action.
    pub snapshot_marks: fn(&Snapshot) -> Vec<Mark>,
    /// Why a world this action's scenarios state can only be arranged through the control API,
    /// if it can only be arranged so (a state no public call produces).
    pub control_only: fn(&World) -> Option<String>,
}

impl Action {
    /// Its error catalogue (`features/{name}.errors.tsv`), if it has one.
    pub fn catalogue(&self) -> Option<&'static Catalogue> {
        Catalogue::of(self.name)
    }

    /// Its answer for `code`: its own catalogue's row, else the platform's common one.
    ///
    /// # Panics
    /// When neither catalogue has the code: a bug in the action, caught by its tests.
    pub fn refuse(&self, code: &str) -> ApiError {
        self.refuse_in(code, editions::latest())
    }

    /// Its answer for `code` in `edition`: its own catalogue's row of that edition, else the
    /// platform's common one.
    ///
    /// # Panics
    /// When neither catalogue has the code in that edition: a bug in the action, caught by its
    /// tests.
    pub fn refuse_in(&self, code: &str, edition: &editions::Edition) -> ApiError {
        self.catalogue()
            .and_then(|c| c.answer_in(code, edition))
            .or_else(|| Catalogue::common().answer_in(code, edition))
            .unwrap_or_else(|| {
                panic!(
                    "{}: no catalogue lists {code} in {}",
                    self.name, edition.name
                )
            })
    }

    /// Whether it takes parameter `name` in `edition` (`features/{Action}.contract.tsv`).
    pub fn takes(&self, name: &str, edition: &editions::Edition) -> bool {
        editions::holds(self.name, "parameter", name, edition)
    }

    /// Whether precondition `name` admits a call in `edition`.
    pub fn admits(&self, name: &str, edition: &editions::Edition) -> bool {
        editions::holds(self.name, "precondition", name, edition)
    }

    /// Whether a call of this action may change a resource of `kind`.
    pub fn may_change(&self, kind: Resource) -> bool {
        self.changes.contains(&kind)
    }

    /// The parameter that names a resource of `kind`, if it names one.
    pub fn param_for(&self, kind: Resource) -> Option<&'static str> {
        self.names.iter().find(|(_, k)| *k == kind).map(|(p, _)| *p)
    }
}

/// No marks: the resource's shared state (status, locks, attachment) is all that counts.
pub fn unmarked<T>(_: &T) -> Vec<Mark> {
    Vec::new()
}

/// Nothing sets it apart, wherever it is.
pub fn unmarked_in<T>(_: &T, _: &Indexed) -> Vec<Mark> {
    Vec::new()
}

/// Nothing beyond what the control API arranges for every action.
pub fn never_control_only(_: &World) -> Option<String> {
    None
}

/// A world whose transitions last as it states (`transitions`, `status_until`) can only be
/// arranged through the control API: no public call sets how long a stop takes.
pub fn transitions_control_only(world: &World) -> Option<String> {
    world
        .features()
        .contains(&crate::world::FEATURE_TRANSITIONS)
        .then(|| {
            "needs transitions that last as the scenario states, which only the control API can \
             arrange"
                .to_owned()
        })
}

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
    use super::{Action, Resource, Role, never_control_only, unmarked, unmarked_in};

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
