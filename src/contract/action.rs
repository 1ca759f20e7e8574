//! What an action is, as both halves of the crate know it: [`Action`] (its role, the resources it
//! names and may change, its sample request, its catalogue, what sets a resource apart for it),
//! and the defaults an action with nothing of its own to say declares.

use crate::api_error::ApiError;
use crate::catalogue::Catalogue;
use crate::world::{Disk, Indexed, Snapshot, World};

use super::editions;

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
