//! ResetDisk's semantics: which error each world state answers, in which order, and what a
//! successful reset changes.
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
//! `InternalError` is a scheduled fault, answered before any of these (see `Tenant::call`).

use std::time::{Duration, Instant};

use time::OffsetDateTime;

use super::tenant::Tenant;
use crate::api_error::{ApiError, ResetDiskError as E};
use crate::params::Params;
use crate::world::{
    ChargeType, DiskStatus, InstanceStatus, LockReason, SnapshotStatus, category_supports_reset,
};

/// Snapshots created before this instant are too old to reset from.
const TOO_OLD_BEFORE: OffsetDateTime = time::macros::datetime!(2013-07-15 00:00:00 UTC);

/// Runs ResetDisk against `tenant`; on success the disk records the snapshot and, when the world
/// sets a reset duration, stays busy until `now + duration`.
pub fn reset_disk(
    tenant: &mut Tenant,
    params: &Params,
    now: OffsetDateTime,
    instant: Instant,
) -> Result<(), ApiError> {
    let disk_id = required(params, "DiskId")?;
    let snapshot_id = required(params, "SnapshotId")?;
    if let Some(region) = params.get("RegionId") {
        check_region_id(region)?;
    }

    let world = &tenant.world;
    let account = &world.account;
    if !account.in_disk_white_list {
        return Err(E::UserNotInTheWhiteList.into());
    }
    if !account.snapshot_service_opened {
        return Err(E::InvalidAccountStatusSnapshotServiceUnavailable.into());
    }
    if !account.balance_sufficient {
        return Err(E::InvalidAccountStatusNotEnoughBalance.into());
    }

    let Some(disk) = world.disk(disk_id) else {
        return Err(if world.released_disk_ids.iter().any(|id| id == disk_id) {
            E::DiskNotFound.into()
        } else {
            E::InvalidDiskIdNotFound.into()
        });
    };
    let snapshot = world
        .snapshot(snapshot_id)
        .ok_or(E::InvalidSnapshotIdNotFound)?;
    if snapshot.source_disk_id != disk.disk_id {
        return Err(E::InvalidParameterMismatch.into());
    }
    if !category_supports_reset(&disk.category) {
        return Err(E::DiskCategoryOperationNotSupported.into());
    }

    if tenant
        .resetting_until(disk_id)
        .is_some_and(|until| until > instant)
    {
        return Err(E::OperationConflict.into());
    }
    if disk.status != DiskStatus::InUse || disk.lock_reasons.contains(&LockReason::Financial) {
        return Err(E::IncorrectDiskStatus.into());
    }

    // In_use disks always name an instance (World::validate); it may be gone from the world.
    let instance_id = disk.instance_id.as_deref().unwrap_or_default();
    let instance = world
        .instance(instance_id)
        .ok_or(E::InvalidInstanceIdNotFound)?;
    if instance.lock_reasons.contains(&LockReason::Security) {
        return Err(E::InstanceLockedForSecurity.into());
    }
    let expired = instance.charge_type == ChargeType::PrePaid
        && instance.expired_time.is_some_and(|t| t <= now);
    if expired || instance.lock_reasons.contains(&LockReason::Financial) {
        return Err(E::InstanceExpiredOrInArrears.into());
    }
    if instance.status != InstanceStatus::Stopped {
        return Err(E::IncorrectInstanceStatus.into());
    }

    if snapshot.status != SnapshotStatus::Accomplished {
        return Err(E::InvalidSnapshotIdNotReady.into());
    }
    if !snapshot.supports_reset {
        return Err(E::OperationDenied.into());
    }
    if snapshot.creation_time < TOO_OLD_BEFORE {
        return Err(E::InvalidSnapshotTooOld.into());
    }

    let busy_until = (world.reset_duration_ms > 0)
        .then(|| instant + Duration::from_millis(world.reset_duration_ms));
    let (disk_id, snapshot_id) = (disk_id.to_owned(), snapshot_id.to_owned());
    tenant.record_reset(&disk_id, &snapshot_id, busy_until);
    Ok(())
}

/// A required parameter's value; absent or empty is `Missing{name}`.
pub fn required<'p>(params: &'p Params, name: &str) -> Result<&'p str, ApiError> {
    params
        .get(name)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::missing(name))
}

/// A RegionId is lowercase words joined by hyphens, at least two: `cn-hangzhou`,
/// `ap-southeast-1`. Anything else is `InvalidRegionId.MalFormed`.
pub fn check_region_id(region: &str) -> Result<(), ApiError> {
    let parts: Vec<&str> = region.split('-').collect();
    let well_formed = parts.len() >= 2
        && region.len() <= 64
        && parts[0].len() >= 2
        && parts[0].bytes().all(|b| b.is_ascii_lowercase())
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if well_formed {
        Ok(())
    } else {
        Err(ApiError::INVALID_REGION_ID)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::World;

    fn params(list: &[(&str, &str)]) -> Params {
        list.iter().copied().collect()
    }

    fn sample_call(tenant: &mut Tenant) -> Result<(), ApiError> {
        reset_disk(
            tenant,
            &params(&[("DiskId", "d-diskid1"), ("SnapshotId", "s-snapshotid1")]),
            OffsetDateTime::now_utc(),
            Instant::now(),
        )
    }

    fn code(r: Result<(), ApiError>) -> String {
        r.map_or_else(|e| e.code.into_owned(), |()| "OK".into())
    }

    #[test]
    fn the_sample_request_succeeds_and_records_the_snapshot() {
        let mut t = Tenant::new("secret".into(), World::sample());
        assert_eq!(code(sample_call(&mut t)), "OK");
        assert_eq!(
            t.world.disks[0].last_reset_snapshot_id.as_deref(),
            Some("s-snapshotid1")
        );
        // Instant resets never conflict.
        assert_eq!(code(sample_call(&mut t)), "OK");
    }

    #[test]
    fn a_reset_in_progress_conflicts_until_it_ends() {
        let mut world = World::sample();
        world.reset_duration_ms = 60_000;
        let mut t = Tenant::new("secret".into(), world);
        assert_eq!(code(sample_call(&mut t)), "OK");
        assert_eq!(code(sample_call(&mut t)), "Operation.Conflict");
    }

    #[test]
    fn a_reset_keeps_its_disk_busy_for_exactly_its_duration() {
        let mut world = World::sample();
        world.reset_duration_ms = 150;
        let mut t = Tenant::new("secret".into(), world);
        let p = params(&[("DiskId", "d-diskid1"), ("SnapshotId", "s-snapshotid1")]);
        let (start, now) = (Instant::now(), OffsetDateTime::now_utc());
        let at = |ms| start + Duration::from_millis(ms);
        assert_eq!(code(reset_disk(&mut t, &p, now, at(0))), "OK");
        assert_eq!(
            code(reset_disk(&mut t, &p, now, at(149))),
            "Operation.Conflict"
        );
        assert_eq!(code(reset_disk(&mut t, &p, now, at(150))), "OK");
    }

    #[test]
    fn an_instant_reset_never_blocks_a_request_that_read_the_clock_earlier() {
        // Requests read the clock before they get the tenant, so they may run out of order.
        let mut t = Tenant::new("secret".into(), World::sample());
        let p = params(&[("DiskId", "d-diskid1"), ("SnapshotId", "s-snapshotid1")]);
        let (earlier, later) = (Instant::now(), Instant::now() + Duration::from_millis(5));
        let now = OffsetDateTime::now_utc();
        assert_eq!(code(reset_disk(&mut t, &p, now, later)), "OK");
        assert_eq!(code(reset_disk(&mut t, &p, now, earlier)), "OK");
    }

    #[test]
    fn missing_parameters_come_first_and_empty_counts_as_missing() {
        let mut t = Tenant::new("secret".into(), World::sample());
        let now = OffsetDateTime::now_utc();
        let r = reset_disk(
            &mut t,
            &params(&[("SnapshotId", "s-x")]),
            now,
            Instant::now(),
        );
        assert_eq!(code(r), "MissingDiskId");
        let r = reset_disk(
            &mut t,
            &params(&[("DiskId", "d-x"), ("SnapshotId", "")]),
            now,
            Instant::now(),
        );
        assert_eq!(code(r), "MissingSnapshotId");
    }

    #[test]
    fn region_ids_are_checked_for_form_only() {
        for good in ["cn-hangzhou", "ap-southeast-1", "us-west-1", "xx-nowhere-9"] {
            assert!(check_region_id(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "cn",
            "CN-HANGZHOU",
            "cn_hangzhou",
            "cn--x",
            "cn-hangzhou-",
            "-cn",
            "cn hangzhou",
        ] {
            assert!(check_region_id(bad).is_err(), "{bad:?}");
        }
    }
}
