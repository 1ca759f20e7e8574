//! Settling a world: every transition whose time has come ends (docs/choices.md, "Transitions").

use time::OffsetDateTime;

use super::document::World;
use super::values::{InstanceStatus, SnapshotStatus};

impl World {
    /// Ends every transition whose time has come by `now`: a `Stopping` instance becomes
    /// `Stopped`, a `Starting` one `Running`, a `progressing` snapshot `accomplished`. The mock
    /// calls this before each call and each read of the world, so state is derived when read and
    /// no task runs in the background.
    pub fn settle(&mut self, now: OffsetDateTime) {
        for x in &mut self.instances {
            if x.status_until.is_some_and(|t| t <= now) {
                x.status_until = None;
                x.status = match x.status {
                    InstanceStatus::Starting => InstanceStatus::Running,
                    InstanceStatus::Stopping => InstanceStatus::Stopped,
                    other => other,
                };
            }
        }
        for s in &mut self.snapshots {
            if s.status_until.is_some_and(|t| t <= now) {
                s.status_until = None;
                s.status = SnapshotStatus::Accomplished;
            }
        }
    }
}
