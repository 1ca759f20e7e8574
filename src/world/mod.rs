//! A world: everything the mock knows about one account — account flags, instances, disks,
//! snapshots, released disk ids, scheduled faults — as a serde document.
//!
//! The same document is the `--state` file, the control API's body, and what the suite builds from
//! its Given steps. Values use ECS's own spellings (`In_use`, `Stopped`, `accomplished`), so a world
//! reads like DescribeDisks output. `docs/control-api.md` documents every field.
//!
//! The rooms: [`document`] (the world and its resources), [`values`] (the closed sets of values),
//! [`reading`] (reading a document, and its errors), [`indexed`] (a world indexed by id and by
//! what resources belong to), [`transitions`] (how long each transition lasts), [`settle`]
//! (ending those whose time has come), [`validate`] (what serde cannot check of a document).

mod document;
mod indexed;
mod reading;
mod settle;
mod transitions;
mod validate;
mod values;

pub use document::{
    Account, Disk, FEATURE_EDITION_FAULTS, FEATURE_ENCRYPTION, FEATURE_TAGS, Fault, Instance,
    KmsKey, Snapshot, Tag, World,
};
pub use indexed::Indexed;
pub use reading::{WorldError, from_json};
pub use transitions::{FEATURE_TRANSITIONS, Transitions};
pub use values::{ChargeType, DiskStatus, DiskType, InstanceStatus, LockReason, SnapshotStatus};
