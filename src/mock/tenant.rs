//! A tenant: one access key's secret, its world, and the runtime state a world document does not
//! hold (resets in progress). Worlds are isolated per access key: every call is signed, and the
//! key that signed it selects the world it runs against.

use std::collections::HashMap;
use std::time::Instant;

use serde::Serialize;
use time::OffsetDateTime;

use super::describe::{describe_disks, describe_instances, describe_snapshots};
use super::reset_disk::reset_disk;
use crate::api_error::ApiError;
use crate::format::Format;
use crate::params::Params;
use crate::world::World;

/// The actions the mock serves; any other is `InvalidAction.NotFound`.
pub const ACTIONS: [&str; 4] = [
    "ResetDisk",
    "DescribeDisks",
    "DescribeSnapshots",
    "DescribeInstances",
];

pub struct Tenant {
    pub secret: String,
    /// What `reset` restores: the world as it was last loaded.
    pub initial: World,
    pub world: World,
    resetting: HashMap<String, Instant>,
}

impl Tenant {
    pub fn new(secret: String, world: World) -> Self {
        Self {
            secret,
            initial: world.clone(),
            world,
            resetting: HashMap::new(),
        }
    }

    /// Replaces the world (and what `reset` restores) and forgets resets in progress.
    pub fn load(&mut self, world: World) {
        self.initial = world.clone();
        self.world = world;
        self.resetting.clear();
    }

    pub fn reset(&mut self) {
        self.world = self.initial.clone();
        self.resetting.clear();
    }

    pub(super) fn resetting_until(&self, disk_id: &str) -> Option<Instant> {
        self.resetting.get(disk_id).copied()
    }

    /// Records a successful reset; `busy_until` is `None` for an instant one.
    pub(super) fn record_reset(
        &mut self,
        disk_id: &str,
        snapshot_id: &str,
        busy_until: Option<Instant>,
    ) {
        if let Some(disk) = self.world.disk_mut(disk_id) {
            disk.last_reset_snapshot_id = Some(snapshot_id.to_owned());
        }
        match busy_until {
            Some(until) => self.resetting.insert(disk_id.to_owned(), until),
            None => self.resetting.remove(disk_id),
        };
    }

    /// Runs an authenticated call. A scheduled fault for the action answers first.
    ///
    /// The monotonic clock is read here, while the caller holds the tenant: an instant read before
    /// taking the lock could be older than a reset another request recorded meanwhile.
    pub fn call(
        &mut self,
        action: &str,
        params: &Params,
        request_id: String,
        now: OffsetDateTime,
    ) -> Result<Reply, ApiError> {
        let instant = Instant::now();
        if let Some(fault) = self.world.take_fault(action) {
            return Err(fault);
        }
        match action {
            "ResetDisk" => {
                reset_disk(self, params, now, instant)?;
                Ok(Reply::ResetDisk(ResetDiskResponse { request_id }))
            }
            "DescribeDisks" => describe_disks(&self.world, params, request_id).map(Reply::Disks),
            "DescribeSnapshots" => {
                describe_snapshots(&self.world, params, request_id).map(Reply::Snapshots)
            }
            "DescribeInstances" => {
                describe_instances(&self.world, params, request_id).map(Reply::Instances)
            }
            _ => Err(ApiError::ACTION_NOT_FOUND),
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResetDiskResponse {
    pub request_id: String,
}

/// A successful answer, rendered with its action's root element.
#[derive(Debug)]
pub enum Reply {
    ResetDisk(ResetDiskResponse),
    Disks(super::describe::DescribeDisksResponse),
    Snapshots(super::describe::DescribeSnapshotsResponse),
    Instances(super::describe::DescribeInstancesResponse),
}

impl Reply {
    pub fn render(&self, format: Format) -> String {
        match self {
            Self::ResetDisk(r) => format.render("ResetDiskResponse", r),
            Self::Disks(r) => format.render("DescribeDisksResponse", r),
            Self::Snapshots(r) => format.render("DescribeSnapshotsResponse", r),
            Self::Instances(r) => format.render("DescribeInstancesResponse", r),
        }
    }
}
