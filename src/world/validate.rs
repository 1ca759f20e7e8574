//! What serde cannot check of a world document: unique ids, attachments that make sense,
//! transitions that can end, documented faults; and whether a mock of an edition can hold it.

use std::collections::HashSet;

use crate::contract::editions::Edition;

use super::document::{Fault, World};
use super::reading::{WorldError, from_json};
use super::transitions::Transitions;
use super::values::{DiskStatus, InstanceStatus, SnapshotStatus};

impl World {
    /// Whether a mock serving `edition` can hold this world: every fault is an error of that
    /// edition.
    pub fn check_edition(&self, edition: &Edition) -> Result<(), WorldError> {
        for (i, f) in self.faults.iter().enumerate() {
            if !f.answered_in(edition) {
                return Err(WorldError::new(
                    format!("faults[{i}]"),
                    format!(
                        "{} {:?} is not an error of the edition this mock serves ({})",
                        f.code, f.message, edition.name
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Parses and validates a world document.
    pub fn from_json(json: &[u8]) -> Result<Self, WorldError> {
        let world: Self = from_json(json)?;
        world.validate()?;
        Ok(world)
    }

    /// Checks what serde cannot: unique ids, attachments that make sense, documented faults.
    pub fn validate(&self) -> Result<(), WorldError> {
        let mut ids = HashSet::new();
        let mut unique = |field: String, id: &str| {
            if id.is_empty() {
                return Err(WorldError::new(field, "must not be empty"));
            }
            if !ids.insert(id.to_owned()) {
                return Err(WorldError::new(field, format!("id {id:?} is used twice")));
            }
            Ok(())
        };
        for (i, x) in self.instances.iter().enumerate() {
            unique(format!("instances[{i}].instance_id"), &x.instance_id)?;
        }
        for (i, d) in self.disks.iter().enumerate() {
            unique(format!("disks[{i}].disk_id"), &d.disk_id)?;
        }
        for (i, s) in self.snapshots.iter().enumerate() {
            unique(format!("snapshots[{i}].snapshot_id"), &s.snapshot_id)?;
        }
        for (i, id) in self.released_disk_ids.iter().enumerate() {
            unique(format!("released_disk_ids[{i}]"), id)?;
        }
        for (i, x) in self.instances.iter().enumerate() {
            let transitional = [InstanceStatus::Starting, InstanceStatus::Stopping];
            if x.status_until.is_some() && !transitional.contains(&x.status) {
                return Err(WorldError::new(
                    format!("instances[{i}].status_until"),
                    "only a Starting or Stopping instance has a status that ends",
                ));
            }
        }
        for (i, s) in self.snapshots.iter().enumerate() {
            if s.status_until.is_some() && s.status != SnapshotStatus::Progressing {
                return Err(WorldError::new(
                    format!("snapshots[{i}].status_until"),
                    "only a progressing snapshot has a status that ends",
                ));
            }
        }
        let t = &self.transitions;
        for (name, ms) in [
            ("stop_ms", t.stop_ms),
            ("start_ms", t.start_ms),
            ("snapshot_ms", t.snapshot_ms),
        ] {
            if ms > Transitions::MAX_MS {
                return Err(WorldError::new(
                    format!("transitions.{name}"),
                    format!("must be at most {} (a day)", Transitions::MAX_MS),
                ));
            }
        }
        if self.transitions.concurrent_snapshots_per_disk == 0 {
            return Err(WorldError::new(
                "transitions.concurrent_snapshots_per_disk",
                "must be at least 1",
            ));
        }
        for (i, d) in self.disks.iter().enumerate() {
            if d.status == DiskStatus::InUse && d.instance_id.is_none() {
                return Err(WorldError::new(
                    format!("disks[{i}].instance_id"),
                    "a disk that is In_use must name the instance it is attached to",
                ));
            }
        }
        for (i, f) in self.faults.iter().enumerate() {
            if f.api_error().is_none() {
                let valid: Vec<_> = Fault::injectable()
                    .iter()
                    .map(|e| format!("{} {:?}", e.code, e.message))
                    .collect();
                return Err(WorldError::new(
                    format!("faults[{i}]"),
                    format!(
                        "code and message must name an injectable error: one of {}",
                        valid.join("; ")
                    ),
                ));
            }
            if f.count == 0 {
                return Err(WorldError::new(
                    format!("faults[{i}].count"),
                    "must be at least 1",
                ));
            }
        }
        Ok(())
    }
}
