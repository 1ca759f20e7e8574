//! ResetDisk: which error each world state answers, in which order, and what a successful reset
//! changes. Statuses and messages come from the contract's table
//! (`features/ResetDisk.errors.tsv`); this file names codes only.
//!
//! The checks run in this order; the first that fails answers (docs/choices.md says why):
//! 1. parameters: `MissingDiskId`, `MissingSnapshotId`, `InvalidRegionId.MalFormed`;
//! 2. account: `UserNotInTheWhiteList`, `InvalidAccountStatus.SnapshotServiceUnavailable`,
//!    `InvalidAccountStatus.NotEnoughBalance`;
//! 3. lookups: `Disk.NotFound` (released), `InvalidDiskId.NotFound` (never existed),
//!    `InvalidSnapshotId.NotFound`;
//! 4. relation and kind: `InvalidParameter.Mismatch`, `DiskCategory.OperationNotSupported`;
//! 5. the disk: `Operation.Conflict` (a reset in progress), `IncorrectDiskStatus` (not In_use,
//!    or locked for arrears);
//! 6. its instance: `InvalidInstanceId.NotFound`, `InstanceLockedForSecurity`,
//!    `InstanceExpiredOrInArrears`, `IncorrectInstanceStatus` (not Stopped);
//! 7. the snapshot: `InvalidSnapshotId.NotReady`, `OperationDenied`, `InvalidSnapshot.TooOld`.
//!
//! `InternalError` is a scheduled fault, answered before any of these (see the tenant).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::common::{check_region_id, required};
use super::{Context, Handler, state};
use crate::api_error::ApiError;
use crate::contract::reset_disk::{ACTION as SPEC, category_supports_reset, too_old};
use crate::params::Params;
use crate::world::{DiskStatus, InstanceStatus, LockReason, SnapshotStatus};

pub const ACTION: Handler = Handler {
    spec: &SPEC,
    handle: reset_disk,
};

/// ResetDisk's state between calls: the disks with a reset in progress, and when each ends.
type Resetting = HashMap<String, Instant>;

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct ResetDiskResponse {
    request_id: String,
}

/// The contract's error for `code`.
fn refuse(code: &str) -> ApiError {
    SPEC.refuse(code)
}

/// Runs ResetDisk; on success the disk records the snapshot and, when the world sets a reset
/// duration, stays busy until then.
fn reset_disk(ctx: &mut Context<'_>, params: &Params) -> Result<String, ApiError> {
    let disk_id = required(params, "DiskId")?;
    let snapshot_id = required(params, "SnapshotId")?;
    if let Some(region) = params.get("RegionId") {
        check_region_id(ctx, region)?;
    }

    let world = &*ctx.world;
    let account = &world.account;
    if !account.in_disk_white_list {
        return Err(refuse("UserNotInTheWhiteList"));
    }
    if !account.snapshot_service_opened {
        return Err(refuse("InvalidAccountStatus.SnapshotServiceUnavailable"));
    }
    if !account.balance_sufficient {
        return Err(refuse("InvalidAccountStatus.NotEnoughBalance"));
    }

    let Some(disk) = world.disk(disk_id) else {
        return Err(if world.released_disk_ids.iter().any(|id| id == disk_id) {
            refuse("Disk.NotFound")
        } else {
            refuse("InvalidDiskId.NotFound")
        });
    };
    let snapshot = world
        .snapshot(snapshot_id)
        .ok_or_else(|| refuse("InvalidSnapshotId.NotFound"))?;
    if snapshot.source_disk_id != disk.disk_id {
        return Err(refuse("InvalidParameter.Mismatch"));
    }
    if !category_supports_reset(&disk.category) {
        return Err(refuse("DiskCategory.OperationNotSupported"));
    }

    let resetting: &mut Resetting = state(ctx.state);
    if resetting
        .get(disk_id)
        .is_some_and(|until| *until > ctx.instant)
    {
        return Err(refuse("Operation.Conflict"));
    }
    if disk.status != DiskStatus::InUse || disk.lock_reasons.contains(&LockReason::Financial) {
        return Err(refuse("IncorrectDiskStatus"));
    }

    // In_use disks always name an instance (World::validate); it may be gone from the world.
    let instance_id = disk.instance_id.as_deref().unwrap_or_default();
    let instance = world
        .instance(instance_id)
        .ok_or_else(|| refuse("InvalidInstanceId.NotFound"))?;
    if instance.lock_reasons.contains(&LockReason::Security) {
        return Err(refuse("InstanceLockedForSecurity"));
    }
    if instance.expired(ctx.now) || instance.lock_reasons.contains(&LockReason::Financial) {
        return Err(refuse("InstanceExpiredOrInArrears"));
    }
    if instance.status != InstanceStatus::Stopped {
        return Err(refuse("IncorrectInstanceStatus"));
    }

    if snapshot.status != SnapshotStatus::Accomplished {
        return Err(refuse("InvalidSnapshotId.NotReady"));
    }
    if !snapshot.supports_reset {
        return Err(refuse("OperationDenied"));
    }
    if too_old(snapshot) {
        return Err(refuse("InvalidSnapshot.TooOld"));
    }

    let duration = world.reset_duration_ms;
    let (disk_id, snapshot_id) = (disk_id.to_owned(), snapshot_id.to_owned());
    if let Some(disk) = ctx.world.disk_mut(&disk_id) {
        disk.last_reset_snapshot_id = Some(snapshot_id);
    }
    if duration > 0 {
        let until = ctx.instant + Duration::from_millis(duration);
        resetting.insert(disk_id, until);
    } else {
        resetting.remove(&disk_id);
    }
    Ok(ctx.reply(&ResetDiskResponse {
        request_id: ctx.request_id.clone(),
    }))
}

#[cfg(test)]
mod tests {
    use time::OffsetDateTime;

    use super::*;
    use crate::mock::actions::{State, context};
    use crate::world::World;

    fn params(list: &[(&str, &str)]) -> Params {
        list.iter().copied().collect()
    }

    fn sample() -> Params {
        params(&[("DiskId", "d-diskid1"), ("SnapshotId", "s-snapshotid1")])
    }

    /// Runs ResetDisk at `instant`; the answer's code, or `OK`.
    fn at(world: &mut World, resetting: &mut State, p: &Params, instant: Instant) -> String {
        let mut ctx = context(world, resetting, &SPEC, OffsetDateTime::now_utc(), instant);
        reset_disk(&mut ctx, p).map_or_else(|e| e.code.into_owned(), |_| "OK".into())
    }

    #[test]
    fn every_code_this_action_answers_is_in_the_contract() {
        let source = include_str!("reset_disk.rs");
        let codes: Vec<&str> = source
            .split("refuse(\"")
            .skip(1)
            .filter_map(|rest| rest.split_once('"').map(|(code, _)| code))
            .collect();
        assert!(codes.len() >= 17, "{codes:?}");
        for code in codes {
            assert_eq!(refuse(code).code, code);
        }
    }

    #[test]
    fn the_sample_request_succeeds_and_records_the_snapshot() {
        let (mut w, mut r) = (World::sample(), None);
        assert_eq!(at(&mut w, &mut r, &sample(), Instant::now()), "OK");
        assert_eq!(
            w.disks[0].last_reset_snapshot_id.as_deref(),
            Some("s-snapshotid1")
        );
        // Instant resets never conflict.
        assert_eq!(at(&mut w, &mut r, &sample(), Instant::now()), "OK");
    }

    #[test]
    fn a_reset_keeps_its_disk_busy_for_exactly_its_duration() {
        let (mut w, mut r) = (World::sample(), None);
        w.reset_duration_ms = 150;
        let start = Instant::now();
        let ms = |n| start + Duration::from_millis(n);
        assert_eq!(at(&mut w, &mut r, &sample(), ms(0)), "OK");
        assert_eq!(at(&mut w, &mut r, &sample(), ms(149)), "Operation.Conflict");
        assert_eq!(at(&mut w, &mut r, &sample(), ms(150)), "OK");
    }

    #[test]
    fn an_instant_reset_never_blocks_a_request_that_read_the_clock_earlier() {
        // Requests read the clock before they get the tenant, so they may run out of order.
        let (mut w, mut r) = (World::sample(), None);
        let (earlier, later) = (Instant::now(), Instant::now() + Duration::from_millis(5));
        assert_eq!(at(&mut w, &mut r, &sample(), later), "OK");
        assert_eq!(at(&mut w, &mut r, &sample(), earlier), "OK");
    }

    #[test]
    fn missing_parameters_come_first_and_empty_counts_as_missing() {
        let (mut w, mut r) = (World::sample(), None);
        let now = Instant::now();
        assert_eq!(
            at(&mut w, &mut r, &params(&[("SnapshotId", "s-x")]), now),
            "MissingDiskId"
        );
        let empty = params(&[("DiskId", "d-x"), ("SnapshotId", "")]);
        assert_eq!(at(&mut w, &mut r, &empty, now), "MissingSnapshotId");
    }
}
