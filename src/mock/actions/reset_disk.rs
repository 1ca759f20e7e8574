//! ResetDisk: which error each world state answers, in which order, and what a successful reset
//! changes, in the edition of the contract served. Statuses and messages come from the table
//! (`features/ResetDisk.errors.tsv`) and the parameters and preconditions of each edition from
//! `features/ResetDisk.contract.tsv`; this file names codes only, and checks what a row names
//! only in editions that list the row.
//!
//! The checks run in this order; the first that fails answers (docs/choices.md says why):
//! 1. parameters: `MissingDiskId`, `MissingSnapshotId`, `InvalidRegionId.MalFormed`, and
//!    `DryRun` (`true` or `false`, any case) in editions that take it;
//! 2. account: `UserNotInTheWhiteList`, `InvalidAccountStatus.SnapshotServiceUnavailable`,
//!    `InvalidAccountStatus.NotEnoughBalance`;
//! 3. lookups: `Disk.NotFound` (released), `InvalidDiskId.NotFound` (never existed),
//!    `InvalidSnapshotId.NotFound`;
//! 4. relation and kind: `InvalidParameter.Mismatch` (another disk's snapshot, then an encrypted
//!    snapshot for an unencrypted disk), `DiskCategory.OperationNotSupported`;
//! 5. KMS, for an encrypted disk or snapshot: `…KMSUnauthorized` (the account), then for the
//!    disk's key and the snapshot's: `…KMSKeyId.NotFound`, `…CMKNotEnabled`, `…CMKUnauthorized`;
//! 6. the disk: a reset task on it (`InvalidOperation.DiskResetInProgress` where listed, else
//!    `Operation.Conflict`), one on another disk of its instance (`Operation.Conflict`),
//!    `IncorrectDiskStatus` (not In_use — or Available, where admitted — or locked for arrears);
//! 7. its instance, if attached: `InvalidInstanceId.NotFound`, `InstanceLockedForSecurity`,
//!    `InstanceExpiredOrInArrears`, `IncorrectInstanceStatus` (not Stopped);
//! 8. the snapshot: `InvalidSnapshotId.NotReady`, `OperationDenied`, `InvalidSnapshot.TooOld`,
//!    then another snapshot of the disk unfinished (`IncorrectDiskStatus.HasUnfinishedSnapshot`);
//! 9. a dry run that passed all of these: `DryRunOperation`, and nothing changes.
//!
//! `InternalError` is a scheduled fault, answered before any of these (see the tenant).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::common::{check_kms, check_region_id, dry_run, required, unlocked_instance};
use super::handler::{Context, Handler, state};
use crate::api_error::ApiError;
use crate::contract::reset_disk::{
    ACTION as SPEC, category_supports_reset, has_unfinished_snapshot, too_old,
};
use crate::params::Params;
use crate::world::{Disk, DiskStatus, InstanceStatus, LockReason, Snapshot, SnapshotStatus, World};

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

/// Runs ResetDisk; on success the disk records the snapshot and, when the world sets a reset
/// duration, stays busy until then. A dry run runs every check and changes nothing.
fn reset_disk(ctx: &mut Context<'_>, params: &Params) -> Result<String, ApiError> {
    let disk_id = required(params, "DiskId")?;
    let snapshot_id = required(params, "SnapshotId")?;
    if let Some(region) = params.get("RegionId") {
        check_region_id(ctx, region)?;
    }
    let dry_run = dry_run(ctx, params)?;
    let instant = ctx.instant;
    let busy: Vec<String> = state::<Resetting>(ctx.state)
        .iter()
        .filter(|(_, until)| **until > instant)
        .map(|(id, _)| id.clone())
        .collect();

    let world = &*ctx.world;
    let account = &world.account;
    if !account.in_disk_white_list {
        return Err(ctx.refuse("UserNotInTheWhiteList"));
    }
    if !account.snapshot_service_opened {
        return Err(ctx.refuse("InvalidAccountStatus.SnapshotServiceUnavailable"));
    }
    if !account.balance_sufficient {
        return Err(ctx.refuse("InvalidAccountStatus.NotEnoughBalance"));
    }

    let Some(disk) = world.disk(disk_id) else {
        return Err(if world.released_disk_ids.iter().any(|id| id == disk_id) {
            ctx.refuse("Disk.NotFound")
        } else {
            ctx.refuse("InvalidDiskId.NotFound")
        });
    };
    let snapshot = world
        .snapshot(snapshot_id)
        .ok_or_else(|| ctx.refuse("InvalidSnapshotId.NotFound"))?;
    if snapshot.source_disk_id != disk.disk_id {
        return Err(ctx.refuse("InvalidParameter.Mismatch"));
    }
    if snapshot.encrypted
        && !disk.encrypted
        && let Some(e) = ctx.refusal_saying("InvalidParameter.Mismatch", "encrypted")
    {
        return Err(e);
    }
    if !category_supports_reset(&disk.category) {
        return Err(ctx.refuse("DiskCategory.OperationNotSupported"));
    }
    let encrypted = [
        (disk.encrypted, disk.kms_key_id.as_deref()),
        (snapshot.encrypted, snapshot.kms_key_id.as_deref()),
    ];
    let keys: Vec<Option<&str>> = (encrypted.iter())
        .filter(|(e, _)| *e)
        .map(|(_, k)| *k)
        .collect();
    check_kms(ctx, world, &keys)?;
    check_disk(ctx, disk, &busy)?;
    check_instance(ctx, world, disk)?;
    check_snapshot(ctx, world, disk, snapshot)?;
    if dry_run {
        return Err(ctx.refuse("DryRunOperation"));
    }

    let duration = world.reset_duration_ms;
    let (disk_id, snapshot_id) = (disk_id.to_owned(), snapshot_id.to_owned());
    if let Some(disk) = ctx.world.disk_mut(&disk_id) {
        disk.last_reset_snapshot_id = Some(snapshot_id);
    }
    let resetting: &mut Resetting = state(ctx.state);
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

/// A reset task on the disk or on another disk of its instance, and the disk's own status.
fn check_disk(ctx: &Context<'_>, disk: &Disk, busy: &[String]) -> Result<(), ApiError> {
    let busy = |id: &str| busy.iter().any(|b| b == id);
    if busy(&disk.disk_id) {
        return Err(if ctx.lists("InvalidOperation.DiskResetInProgress") {
            ctx.refuse("InvalidOperation.DiskResetInProgress")
        } else {
            ctx.refuse("Operation.Conflict")
        });
    }
    let sibling_busy = disk.instance_id.as_deref().is_some_and(|instance| {
        ctx.world.disks.iter().any(|d| {
            d.disk_id != disk.disk_id
                && d.instance_id.as_deref() == Some(instance)
                && busy(&d.disk_id)
        })
    });
    if sibling_busy {
        return Err(ctx.refuse("Operation.Conflict"));
    }
    let status_admitted = match disk.status {
        DiskStatus::InUse => true,
        DiskStatus::Available => ctx.admits("disk-status Available"),
        _ => false,
    };
    if !status_admitted || disk.lock_reasons.contains(&LockReason::Financial) {
        return Err(ctx.refuse("IncorrectDiskStatus"));
    }
    Ok(())
}

/// The instance of an attached disk (an unattached one has none to check).
fn check_instance(ctx: &Context<'_>, world: &World, disk: &Disk) -> Result<(), ApiError> {
    // In_use disks always name an instance (World::validate); it may be gone from the world.
    let Some(instance_id) = disk.instance_id.as_deref() else {
        return Ok(());
    };
    let instance = unlocked_instance(ctx, world, instance_id)?;
    if instance.expired(ctx.now) || instance.lock_reasons.contains(&LockReason::Financial) {
        return Err(ctx.refuse("InstanceExpiredOrInArrears"));
    }
    if instance.status != InstanceStatus::Stopped {
        return Err(ctx.refuse("IncorrectInstanceStatus"));
    }
    Ok(())
}

/// The snapshot itself, then the disk's other snapshots.
fn check_snapshot(
    ctx: &Context<'_>,
    world: &World,
    disk: &Disk,
    snapshot: &Snapshot,
) -> Result<(), ApiError> {
    if snapshot.status != SnapshotStatus::Accomplished {
        return Err(ctx.refuse("InvalidSnapshotId.NotReady"));
    }
    if !snapshot.supports_reset {
        return Err(ctx.refuse("OperationDenied"));
    }
    if too_old(snapshot) {
        return Err(ctx.refuse("InvalidSnapshot.TooOld"));
    }
    if has_unfinished_snapshot(disk, &world.snapshots)
        && ctx.lists("IncorrectDiskStatus.HasUnfinishedSnapshot")
    {
        return Err(ctx.refuse("IncorrectDiskStatus.HasUnfinishedSnapshot"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use time::OffsetDateTime;

    use super::*;
    use crate::contract::editions::{self, Edition};
    use crate::mock::actions::{State, context};
    use crate::world::World;

    fn params(list: &[(&str, &str)]) -> Params {
        list.iter().copied().collect()
    }

    fn sample() -> Params {
        params(&[("DiskId", "d-diskid1"), ("SnapshotId", "s-snapshotid1")])
    }

    /// Runs ResetDisk at `instant`, served at the latest edition; the answer's code, or `OK`.
    fn at(world: &mut World, resetting: &mut State, p: &Params, instant: Instant) -> String {
        in_edition(editions::latest(), world, resetting, p, instant)
    }

    fn in_edition(
        edition: &'static Edition,
        world: &mut World,
        resetting: &mut State,
        p: &Params,
        instant: Instant,
    ) -> String {
        let mut ctx = context(world, resetting, &SPEC, OffsetDateTime::now_utc(), instant);
        ctx.edition = edition;
        reset_disk(&mut ctx, p).map_or_else(|e| e.code.into_owned(), |_| "OK".into())
    }

    fn first() -> &'static Edition {
        &editions::all()[0]
    }

    fn with(extra: (&str, &str)) -> Params {
        params(&[
            ("DiskId", "d-diskid1"),
            ("SnapshotId", "s-snapshotid1"),
            extra,
        ])
    }

    #[test]
    fn a_dry_run_checks_everything_and_changes_nothing() {
        let (mut w, mut r) = (World::sample(), None);
        w.reset_duration_ms = 60_000;
        let now = Instant::now();
        for value in ["true", "TRUE", "True"] {
            assert_eq!(
                at(&mut w, &mut r, &with(("DryRun", value)), now),
                "DryRunOperation"
            );
        }
        assert_eq!(w.disks[0].last_reset_snapshot_id, None, "no reset");
        // No reset task either: the real reset that follows is not refused as in progress.
        assert_eq!(at(&mut w, &mut r, &with(("DryRun", "false")), now), "OK");
        assert_eq!(
            w.disks[0].last_reset_snapshot_id.as_deref(),
            Some("s-snapshotid1")
        );
        // A check that fails answers before DryRunOperation.
        assert_eq!(
            at(&mut w, &mut r, &with(("DryRun", "true")), now),
            "InvalidOperation.DiskResetInProgress"
        );
        assert_eq!(
            at(&mut w, &mut r, &with(("DryRun", "maybe")), now),
            "InvalidParameter"
        );
    }

    #[test]
    fn before_2022_dry_run_is_an_unknown_parameter_and_ignored() {
        let (mut w, mut r) = (World::sample(), None);
        let p = with(("DryRun", "maybe"));
        assert_eq!(
            in_edition(first(), &mut w, &mut r, &p, Instant::now()),
            "OK"
        );
        assert!(w.disks[0].last_reset_snapshot_id.is_some());
    }

    #[test]
    fn an_available_disk_is_reset_from_2022_and_refused_before() {
        let (mut w, mut r) = (World::sample(), None);
        w.disks[0].status = DiskStatus::Available;
        w.disks[0].instance_id = None;
        let now = Instant::now();
        assert_eq!(
            in_edition(first(), &mut w, &mut r, &sample(), now),
            "IncorrectDiskStatus"
        );
        assert_eq!(at(&mut w, &mut r, &sample(), now), "OK");
    }

    #[test]
    fn a_reset_task_holds_its_instance_for_its_other_disks() {
        let (mut w, mut r) = (World::sample(), None);
        w.reset_duration_ms = 60_000;
        let mut d2 = w.disks[0].clone();
        d2.disk_id = "d-2".into();
        w.disks.push(d2);
        w.snapshots.push(crate::world::Snapshot::new(
            "s-2",
            "d-2",
            SnapshotStatus::Accomplished,
        ));
        let now = Instant::now();
        let p2 = params(&[("DiskId", "d-2"), ("SnapshotId", "s-2")]);
        assert_eq!(at(&mut w, &mut r, &p2, now), "OK");
        for edition in editions::all() {
            assert_eq!(
                in_edition(edition, &mut w, &mut r, &sample(), now),
                "Operation.Conflict",
                "{}",
                edition.name
            );
        }
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
            assert_eq!(SPEC.refuse(code).code, code);
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
        assert_eq!(
            at(&mut w, &mut r, &sample(), ms(149)),
            "InvalidOperation.DiskResetInProgress"
        );
        assert_eq!(
            in_edition(first(), &mut w, &mut r, &sample(), ms(149)),
            "Operation.Conflict",
            "editions before the row of its own"
        );
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
