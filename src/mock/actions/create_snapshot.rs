//! CreateSnapshot: which error each world state answers, in which order, and the snapshot it
//! starts. Statuses and messages come from the table
//! (`features/CreateSnapshot.errors.tsv`); the rules on names, descriptions, tags and
//! quotas from `crate::contract::create_snapshot`. This file names codes only, and checks what a
//! row names only in editions that list the row.
//!
//! The checks run in this order; the first that fails answers (docs/choices.md, "The rollback
//! actions", says why):
//! 1. the request: `MissingDiskId`; `InvalidClientToken.Malformed`, `InvalidRetentionDays.Malformed`,
//!    `InvalidSnapshotName.Malformed`, `InvalidDescription.Malformed`,
//!    `InvalidSnapshotCategory.Malformed`, `InstantAccess` `true` or `false`,
//!    `InvalidCategoryAndInstantAccess.Malformed`, `InvalidInstantAccessRetentionDays.Malformed`;
//!    the tags: `InvalidTagCount` (an N beyond 20), `InvalidTagKey.Malformed`,
//!    `InvalidTagValue.Malformed`, `Duplicate.TagKey`;
//! 2. idempotence: a `ClientToken` used before answers that call's snapshot again when the
//!    request is the same, else `IdempotentParameterMismatch`;
//! 3. the account: `InvalidAccountStatus.SnapshotServiceUnavailable`,
//!    `InvalidAccountStatus.NotEnoughBalance`;
//! 4. the disk: `InvalidDiskId.NotFound`, `DiskCategory.OperationNotSupported` (a local disk),
//!    KMS for an encrypted disk (`…KMSUnauthorized`, `…KMSKeyId.NotFound`, `…CMKNotEnabled`,
//!    `…CMKUnauthorized`), `IncorrectDiskStatus` (neither `In_use` nor `Available`),
//!    `DiskInArrears`;
//! 5. its instance, if attached: `InvalidInstanceId.NotFound`, `InstanceLockedForSecurity`,
//!    `IncorrectInstanceStatus` (400 for a `Pending` instance, never started; 403 for one
//!    `Starting` or `Stopping`: only `Running` or `Stopped` will do);
//! 6. its snapshots: as many `progressing` as `transitions.concurrent_snapshots_per_disk`
//!    allows: `IncorrectDiskStatus.CreatingSnapshot` when one at a time is allowed, else
//!    `QuotaExceed.ConcurrentSnapshotQuota` where the edition lists it; then 256 of them:
//!    `QuotaExceed.Snapshot`.
//!
//! On success a snapshot is `progressing` until `transitions.snapshot_ms` has passed, its
//! `Progress` rising, then `accomplished` (`World::settle`); with 0, `accomplished` at once. It
//! takes the disk's region and encryption, and the tags asked for.

use std::collections::HashMap;

use serde::Serialize;

use super::common::{boolean, check_kms, required, unlocked_instance};
use super::handler::{Context, Handler, state};
use crate::api_error::ApiError;
use crate::catalogue::Catalogue;
use crate::contract::create_snapshot::{
    ACTION as SPEC, CATEGORIES, INSTANT_ACCESS_RETENTION_DAYS, MANUAL_SNAPSHOTS_PER_DISK,
    RETENTION_DAYS, valid_client_token, valid_description, valid_snapshot_name, valid_tag_key,
    valid_tag_value,
};
use crate::contract::reset_disk::category_supports_reset;
use crate::params::Params;
use crate::world::{
    DiskStatus, InstanceStatus, LockReason, Snapshot, SnapshotStatus, Tag, Transitions,
};

pub const ACTION: Handler = Handler {
    spec: &SPEC,
    handle: create_snapshot,
};

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct CreateSnapshotResponse {
    request_id: String,
    snapshot_id: String,
}

/// The calls made with a `ClientToken`: what each asked (its parameters but the token) and the
/// snapshot it created.
type Tokens = HashMap<String, (Vec<(String, String)>, String)>;

/// What a call asks, read and checked as a whole before anything is looked up (the one place a
/// validator of the API metadata's parameter types would take over).
struct Request<'p> {
    disk_id: &'p str,
    client_token: Option<&'p str>,
    tags: Vec<Tag>,
}

impl<'p> Request<'p> {
    fn read(ctx: &Context<'_>, params: &'p Params) -> Result<Self, ApiError> {
        let disk_id = required(params, "DiskId")?;
        let client_token = params.get("ClientToken");
        let check = |broken: bool, code: &str| {
            if broken && ctx.lists(code) {
                Err(ctx.refuse(code))
            } else {
                Ok(())
            }
        };
        check(
            client_token.is_some_and(|t| !valid_client_token(t)),
            "InvalidClientToken.Malformed",
        )?;
        let days_outside = |name: &str, range: std::ops::RangeInclusive<i64>| {
            params
                .get(name)
                .is_some_and(|v| v.parse::<i64>().map_or(true, |n| !range.contains(&n)))
        };
        check(
            days_outside("RetentionDays", RETENTION_DAYS),
            "InvalidRetentionDays.Malformed",
        )?;
        check(
            params
                .get("SnapshotName")
                .is_some_and(|n| !valid_snapshot_name(n)),
            "InvalidSnapshotName.Malformed",
        )?;
        check(
            params
                .get("Description")
                .is_some_and(|d| !valid_description(d)),
            "InvalidDescription.Malformed",
        )?;
        let category = params.get("Category");
        check(
            category.is_some_and(|c| !CATEGORIES.contains(&c)),
            "InvalidSnapshotCategory.Malformed",
        )?;
        let instant_access = boolean(params, "InstantAccess")?;
        check(
            category.is_some() && instant_access.is_some(),
            "InvalidCategoryAndInstantAccess.Malformed",
        )?;
        check(
            days_outside("InstantAccessRetentionDays", INSTANT_ACCESS_RETENTION_DAYS),
            "InvalidInstantAccessRetentionDays.Malformed",
        )?;
        Ok(Self {
            disk_id,
            client_token,
            tags: tags(ctx, params)?,
        })
    }
}

/// The `Tag.N.Key` / `Tag.N.Value` pairs (N from 1 to 20, else `InvalidTagCount`), in N's order:
/// each key valid (`InvalidTagKey.Malformed`; a value without its key too), each value valid
/// (`InvalidTagValue.Malformed`), no key twice (`Duplicate.TagKey`).
fn tags(ctx: &Context<'_>, params: &Params) -> Result<Vec<Tag>, ApiError> {
    let mut numbers: Vec<u32> = Vec::new();
    for (name, _) in params.iter() {
        let Some(rest) = name.strip_prefix("Tag.") else {
            continue;
        };
        let Some(n) = rest
            .split_once('.')
            .and_then(|(n, _)| n.parse::<u32>().ok())
        else {
            continue;
        };
        if !(1..=20).contains(&n) {
            return Err(Catalogue::common().error("InvalidTagCount"));
        }
        if !numbers.contains(&n) {
            numbers.push(n);
        }
    }
    numbers.sort_unstable();
    let mut out: Vec<Tag> = Vec::new();
    for n in numbers {
        let get = |f: &str| {
            params
                .get(&format!("Tag.{n}.{f}"))
                .or_else(|| params.get(&format!("Tag.{n}.{}", f.to_lowercase())))
        };
        let key = get("Key").filter(|k| valid_tag_key(k));
        let Some(key) = key else {
            return Err(ctx.refuse("InvalidTagKey.Malformed"));
        };
        let value = get("Value").unwrap_or_default();
        if !valid_tag_value(value) {
            return Err(ctx.refuse("InvalidTagValue.Malformed"));
        }
        if out.iter().any(|t| t.key == key) {
            return Err(ctx.refuse("Duplicate.TagKey"));
        }
        out.push(Tag {
            key: key.to_owned(),
            value: value.to_owned(),
        });
    }
    Ok(out)
}

/// What a call asked, for its `ClientToken`: the action's own parameters (as the API metadata
/// lists them, a list's parts included) but the token.
fn asked(params: &Params) -> Vec<(String, String)> {
    let own = crate::metadata::action(SPEC.name);
    let is_own = |name: &str| {
        own.is_some_and(|a| {
            a.parameters.iter().any(|p| {
                p.name != "ClientToken"
                    && (p.name == name || name.starts_with(&format!("{}.", p.name)))
            })
        })
    };
    let mut out: Vec<(String, String)> = (params.iter())
        .filter(|(k, _)| is_own(k))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    out.sort();
    out
}

fn create_snapshot(ctx: &mut Context<'_>, params: &Params) -> Result<String, ApiError> {
    let request = Request::read(ctx, params)?;
    let asked = asked(params);
    if let Some(token) = request.client_token
        && let Some((before, snapshot_id)) = state::<Tokens>(ctx.state).get(token).cloned()
    {
        if before != asked {
            return Err(ctx.refuse("IdempotentParameterMismatch"));
        }
        return Ok(ctx.reply(&CreateSnapshotResponse {
            request_id: ctx.request_id.clone(),
            snapshot_id,
        }));
    }

    let world = &*ctx.world;
    if !world.account.snapshot_service_opened {
        return Err(ctx.refuse("InvalidAccountStatus.SnapshotServiceUnavailable"));
    }
    if !world.account.balance_sufficient {
        return Err(ctx.refuse("InvalidAccountStatus.NotEnoughBalance"));
    }
    let disk = world
        .disk(request.disk_id)
        .ok_or_else(|| ctx.refuse("InvalidDiskId.NotFound"))?;
    if !category_supports_reset(&disk.category) {
        return Err(ctx.refuse("DiskCategory.OperationNotSupported"));
    }
    let keys = if disk.encrypted {
        vec![disk.kms_key_id.as_deref()]
    } else {
        Vec::new()
    };
    check_kms(ctx, world, &keys)?;
    if !matches!(disk.status, DiskStatus::InUse | DiskStatus::Available) {
        return Err(ctx.refuse("IncorrectDiskStatus"));
    }
    if disk.lock_reasons.contains(&LockReason::Financial) {
        return Err(ctx.refuse("DiskInArrears"));
    }
    if let Some(instance_id) = disk.instance_id.as_deref() {
        let instance = unlocked_instance(ctx, world, instance_id)?;
        match instance.status {
            InstanceStatus::Running | InstanceStatus::Stopped => {}
            InstanceStatus::Pending => {
                return Err(ctx.refuse_status("IncorrectInstanceStatus", 400));
            }
            _ => return Err(ctx.refuse_status("IncorrectInstanceStatus", 403)),
        }
    }
    let of_disk: Vec<&Snapshot> = (world.snapshots.iter())
        .filter(|s| s.source_disk_id == disk.disk_id)
        .collect();
    let quota = world.transitions.concurrent_snapshots_per_disk;
    let progressing = of_disk
        .iter()
        .filter(|s| s.status == SnapshotStatus::Progressing)
        .count();
    if progressing >= usize::try_from(quota).unwrap_or(usize::MAX) {
        let code = "QuotaExceed.ConcurrentSnapshotQuota";
        return Err(if quota > 1 && ctx.lists(code) {
            ctx.refuse_with(code, &[&disk.disk_id, &quota.to_string()])
        } else {
            ctx.refuse("IncorrectDiskStatus.CreatingSnapshot")
        });
    }
    if of_disk.len() >= MANUAL_SNAPSHOTS_PER_DISK {
        return Err(ctx.refuse("QuotaExceed.Snapshot"));
    }

    let snapshot_id = new_id(&ctx.request_id);
    let until = Transitions::end(ctx.now, world.transitions.snapshot_ms);
    let mut snapshot = Snapshot::new(
        snapshot_id.clone(),
        disk.disk_id.clone(),
        match until {
            Some(_) => SnapshotStatus::Progressing,
            None => SnapshotStatus::Accomplished,
        },
    );
    snapshot.region_id = disk.region_id.clone();
    snapshot.creation_time = ctx.now;
    snapshot.status_until = until;
    snapshot.encrypted = disk.encrypted;
    snapshot.kms_key_id = disk.kms_key_id.clone();
    snapshot.tags = request.tags;
    ctx.world.snapshots.push(snapshot);
    if let Some(token) = request.client_token {
        state::<Tokens>(ctx.state).insert(token.to_owned(), (asked, snapshot_id.clone()));
    }
    Ok(ctx.reply(&CreateSnapshotResponse {
        request_id: ctx.request_id.clone(),
        snapshot_id,
    }))
}

/// A new snapshot's id in ECS's shape (`s-` and 20 lowercase characters), from the call's
/// request id: a fresh UUID, so unique in the world.
fn new_id(request_id: &str) -> String {
    let hex: String = (request_id.chars())
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .take(20)
        .collect();
    format!("s-{hex}")
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use time::OffsetDateTime;

    use super::*;
    use crate::contract::editions::{self, Edition};
    use crate::mock::actions::{State, context};
    use crate::world::{Disk, Instance, KmsKey, World};

    /// A running instance `i-1` with `d-1` In_use on it.
    fn world() -> World {
        let mut w = World::default();
        w.instances
            .push(Instance::new("i-1", InstanceStatus::Running));
        w.disks
            .push(Disk::new("d-1", DiskStatus::InUse, Some("i-1".into())));
        w
    }

    fn t0() -> OffsetDateTime {
        time::macros::datetime!(2026-01-01 00:00:00 UTC)
    }

    /// One call: its JSON answer, or the error.
    struct Call<'a> {
        world: &'a mut World,
        state: &'a mut State,
        edition: &'static Edition,
        request_id: &'a str,
    }

    impl Call<'_> {
        fn run(&mut self, extra: &[(&str, &str)]) -> Result<serde_json::Value, ApiError> {
            let mut ctx = context(self.world, self.state, &SPEC, t0(), Instant::now());
            ctx.edition = self.edition;
            ctx.request_id = self.request_id.to_owned();
            let mut p: Params = [("DiskId", "d-1")].into_iter().collect();
            for (k, v) in extra {
                p.insert(*k, *v);
            }
            create_snapshot(&mut ctx, &p).map(|b| serde_json::from_str(&b).unwrap_or_default())
        }
    }

    fn code_in(edition: &'static Edition, w: &mut World, extra: &[(&str, &str)]) -> String {
        let mut state = None;
        let r = Call {
            world: w,
            state: &mut state,
            edition,
            request_id: "8E0B5B3C-2F1B-4F7A-9D3E-5A6B7C8D9E0F",
        }
        .run(extra);
        r.map_or_else(|e| e.code.into_owned(), |_| "OK".into())
    }

    fn code(w: &mut World, extra: &[(&str, &str)]) -> String {
        code_in(editions::latest(), w, extra)
    }

    #[test]
    fn a_snapshot_progresses_over_the_world_s_time_then_is_accomplished() {
        let mut w = world();
        w.disks[0].tags.clear();
        let mut state = None;
        let answer = Call {
            world: &mut w,
            state: &mut state,
            edition: editions::latest(),
            request_id: "8E0B5B3C-2F1B-4F7A-9D3E-5A6B7C8D9E0F",
        }
        .run(&[("Tag.1.Key", "k"), ("Tag.1.Value", "v")])
        .unwrap();
        assert_eq!(answer["SnapshotId"], "s-8e0b5b3c2f1b4f7a9d3e");
        let s = w.snapshot("s-8e0b5b3c2f1b4f7a9d3e").unwrap();
        assert_eq!(
            (s.status, s.source_disk_id.as_str()),
            (SnapshotStatus::Progressing, "d-1")
        );
        assert_eq!(s.creation_time, t0());
        assert_eq!(
            s.tags,
            [Tag {
                key: "k".into(),
                value: "v".into()
            }]
        );
        let ms = time::Duration::MILLISECOND;
        assert_eq!(s.progress_at(t0() + 1500 * ms), 50, "the 3 s default");
        w.settle(t0() + 2999 * ms);
        assert_eq!(w.snapshots[0].status, SnapshotStatus::Progressing);
        w.settle(t0() + 3000 * ms);
        assert_eq!(w.snapshots[0].status, SnapshotStatus::Accomplished);
        assert_eq!(w.snapshots[0].progress_at(t0()), 100);
        let mut w = world();
        w.transitions.snapshot_ms = 0;
        assert_eq!(code(&mut w, &[]), "OK");
        assert_eq!(w.snapshots[0].status, SnapshotStatus::Accomplished);
    }

    #[test]
    fn one_snapshot_at_a_time_or_as_many_as_the_world_allows() {
        let mut w = world();
        assert_eq!(code(&mut w, &[]), "OK");
        w.snapshots[0].snapshot_id = "s-first".into();
        assert_eq!(code(&mut w, &[]), "IncorrectDiskStatus.CreatingSnapshot");
        w.transitions.concurrent_snapshots_per_disk = 2;
        assert_eq!(code(&mut w, &[]), "OK");
        let e = {
            let mut state = None;
            Call {
                world: &mut w,
                state: &mut state,
                edition: editions::latest(),
                request_id: "00000000-0000-4000-8000-000000000003",
            }
            .run(&[])
            .unwrap_err()
        };
        assert_eq!(e.code, "QuotaExceed.ConcurrentSnapshotQuota");
        assert_eq!(
            e.message,
            "The number of snapshots being created for the disk d-1 has exceeded the \
             concurrent quota (2). Please wait for the previous snapshots to complete before \
             trying again."
        );
        // Before the edition that lists the quota's row, the older one.
        assert_eq!(
            code_in(&editions::all()[0], &mut w, &[]),
            "IncorrectDiskStatus.CreatingSnapshot"
        );
        // Accomplished snapshots count only towards the 256.
        let mut w = world();
        for i in 0..MANUAL_SNAPSHOTS_PER_DISK {
            w.snapshots.push(Snapshot::new(
                format!("s-{i}"),
                "d-1",
                SnapshotStatus::Accomplished,
            ));
        }
        assert_eq!(code(&mut w, &[]), "QuotaExceed.Snapshot");
        w.snapshots.pop();
        assert_eq!(code(&mut w, &[]), "OK");
    }

    #[test]
    fn the_disk_its_category_status_arrears_and_encryption() {
        let mut w = world();
        w.disks[0].disk_id = "d-9".into();
        assert_eq!(code(&mut w, &[]), "InvalidDiskId.NotFound");
        let mut w = world();
        w.disks[0].category = "ephemeral_ssd".into();
        assert_eq!(code(&mut w, &[]), "DiskCategory.OperationNotSupported");
        let e = {
            let mut state = None;
            Call {
                world: &mut w,
                state: &mut state,
                edition: &editions::all()[0],
                request_id: "R",
            }
            .run(&[])
            .unwrap_err()
        };
        assert!(e.message.ends_with("due to its disk category"), "{e}");
        for status in [
            DiskStatus::Attaching,
            DiskStatus::Creating,
            DiskStatus::ReIniting,
        ] {
            let mut w = world();
            w.disks[0].status = status;
            assert_eq!(code(&mut w, &[]), "IncorrectDiskStatus", "{status}");
        }
        let mut w = world();
        w.disks[0].status = DiskStatus::Available;
        w.disks[0].instance_id = None;
        assert_eq!(code(&mut w, &[]), "OK");
        let mut w = world();
        w.disks[0].lock_reasons = vec![LockReason::Financial];
        assert_eq!(code(&mut w, &[]), "DiskInArrears");
        let mut w = world();
        w.disks[0].encrypted = true;
        w.disks[0].kms_key_id = Some("k-1".into());
        assert_eq!(code(&mut w, &[]), "InvalidParameter.KMSKeyId.NotFound");
        w.kms_keys.push(KmsKey {
            key_id: "k-1".into(),
            enabled: true,
            ecs_tagged: false,
        });
        assert_eq!(
            code(&mut w, &[]),
            "InvalidParameter.KMSKeyId.CMKUnauthorized"
        );
        w.kms_keys[0].ecs_tagged = true;
        assert_eq!(code(&mut w, &[]), "OK");
        assert!(w.snapshots[0].encrypted);
        assert_eq!(w.snapshots[0].kms_key_id.as_deref(), Some("k-1"));
    }

    #[test]
    fn the_account_and_the_instance() {
        let mut w = world();
        w.account.balance_sufficient = false;
        assert_eq!(code(&mut w, &[]), "InvalidAccountStatus.NotEnoughBalance");
        w.account.snapshot_service_opened = false;
        assert_eq!(
            code(&mut w, &[]),
            "InvalidAccountStatus.SnapshotServiceUnavailable"
        );
        let mut w = world();
        w.instances.clear();
        assert_eq!(code(&mut w, &[]), "InvalidInstanceId.NotFound");
        let mut w = world();
        w.instances[0].lock_reasons = vec![LockReason::Security];
        assert_eq!(code(&mut w, &[]), "InstanceLockedForSecurity");
        for (status, want) in [
            (InstanceStatus::Running, None),
            (InstanceStatus::Stopped, None),
            (InstanceStatus::Pending, Some(400)),
            (InstanceStatus::Starting, Some(403)),
            (InstanceStatus::Stopping, Some(403)),
        ] {
            let mut w = world();
            w.instances[0].status = status;
            let mut state = None;
            let got = Call {
                world: &mut w,
                state: &mut state,
                edition: editions::latest(),
                request_id: "R",
            }
            .run(&[])
            .err()
            .map(|e| (e.code.into_owned(), e.status));
            let want = want.map(|s| ("IncorrectInstanceStatus".to_owned(), s));
            assert_eq!(got, want, "{status}");
        }
        // Where the 403 row is not yet listed, the 400 one.
        let mut w = world();
        w.instances[0].status = InstanceStatus::Stopping;
        let mut state = None;
        let e = Call {
            world: &mut w,
            state: &mut state,
            edition: &editions::all()[0],
            request_id: "R",
        }
        .run(&[])
        .unwrap_err();
        assert_eq!(
            (e.code.as_ref(), e.status),
            ("IncorrectInstanceStatus", 400)
        );
    }

    #[test]
    fn parameters_are_checked_as_the_reference_says() {
        let mut w = world();
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[("ClientToken", "é")], "InvalidClientToken.Malformed"),
            (&[("RetentionDays", "0")], "InvalidRetentionDays.Malformed"),
            (
                &[("RetentionDays", "ten")],
                "InvalidRetentionDays.Malformed",
            ),
            (
                &[("SnapshotName", "auto1")],
                "InvalidSnapshotName.Malformed",
            ),
            (&[("Description", "x")], "InvalidDescription.Malformed"),
            (&[("Category", "Fast")], "InvalidSnapshotCategory.Malformed"),
            (&[("InstantAccess", "yes")], "InvalidParameter"),
            (
                &[("Category", "Standard"), ("InstantAccess", "true")],
                "InvalidCategoryAndInstantAccess.Malformed",
            ),
            (
                &[("InstantAccessRetentionDays", "65536")],
                "InvalidInstantAccessRetentionDays.Malformed",
            ),
            (&[("Tag.21.Key", "k")], "InvalidTagCount"),
            (&[("Tag.1.Value", "v")], "InvalidTagKey.Malformed"),
            (&[("Tag.1.Key", "acs:x")], "InvalidTagKey.Malformed"),
            (
                &[("Tag.1.Key", "k"), ("Tag.1.Value", "acs:v")],
                "InvalidTagValue.Malformed",
            ),
            (
                &[("Tag.1.Key", "k"), ("Tag.2.key", "k")],
                "Duplicate.TagKey",
            ),
        ];
        for (extra, want) in cases {
            assert_eq!(code(&mut w, extra), *want, "{extra:?}");
        }
        assert!(w.snapshots.is_empty(), "no refused call made a snapshot");
        let fine = [
            ("SnapshotName", "before-rollback"),
            ("Description", "taken before the rollback"),
            ("RetentionDays", "7"),
            ("InstantAccess", "false"),
            ("ClientToken", "t-1"),
        ];
        assert_eq!(code(&mut w, &fine), "OK");
        // The malformed-token row is of the latest edition only.
        let mut w = world();
        assert_eq!(
            code_in(&editions::all()[0], &mut w, &[("ClientToken", "é")]),
            "OK"
        );
        let mut state = None;
        let mut ctx = context(&mut w, &mut state, &SPEC, t0(), Instant::now());
        let e = create_snapshot(&mut ctx, &Params::default()).unwrap_err();
        assert_eq!(e.code, "MissingDiskId");
    }

    #[test]
    fn a_client_token_makes_a_retry_return_the_same_snapshot() {
        let mut w = world();
        w.transitions.snapshot_ms = 0;
        let mut state = None;
        let mut call = |rid: &str, extra: &[(&str, &str)]| {
            Call {
                world: &mut w,
                state: &mut state,
                edition: editions::latest(),
                request_id: rid,
            }
            .run(extra)
        };
        let token = ("ClientToken", "retry-1");
        let first = call("11111111-0000-4000-8000-000000000000", &[token]).unwrap();
        let again = call("22222222-0000-4000-8000-000000000000", &[token]).unwrap();
        assert_eq!(first["SnapshotId"], again["SnapshotId"]);
        let other = call(
            "33333333-0000-4000-8000-000000000000",
            &[token, ("SnapshotName", "another")],
        )
        .unwrap_err();
        assert_eq!(other.code, "IdempotentParameterMismatch");
        assert_eq!(w.snapshots.len(), 1, "one snapshot for the three calls");
    }

    #[test]
    fn both_formats_carry_the_request_id_and_the_snapshot_id() {
        let p: Params = [("DiskId", "d-1")].into_iter().collect();
        for format in [crate::format::Format::Json, crate::format::Format::Xml] {
            let (mut w, mut state) = (world(), None);
            let mut ctx = context(&mut w, &mut state, &SPEC, t0(), Instant::now());
            ctx.format = format;
            ctx.request_id = "8E0B5B3C-2F1B-4F7A-9D3E-5A6B7C8D9E0F".into();
            let body = create_snapshot(&mut ctx, &p).unwrap();
            let want = match format {
                crate::format::Format::Xml => {
                    "<CreateSnapshotResponse><RequestId>8E0B5B3C-2F1B-4F7A-9D3E-5A6B7C8D9E0F\
                     </RequestId><SnapshotId>s-8e0b5b3c2f1b4f7a9d3e</SnapshotId>"
                }
                crate::format::Format::Json => r#""SnapshotId":"s-8e0b5b3c2f1b4f7a9d3e""#,
            };
            assert!(body.contains(want), "{body}");
        }
    }

    #[test]
    fn encrypted_disks_need_the_account_s_kms_authorisation_and_an_enabled_key() {
        let mut w = world();
        w.disks[0].encrypted = true;
        w.disks[0].kms_key_id = Some("k-1".into());
        w.kms_keys.push(KmsKey {
            key_id: "k-1".into(),
            enabled: false,
            ecs_tagged: true,
        });
        assert_eq!(code(&mut w, &[]), "InvalidParameter.KMSKeyId.CMKNotEnabled");
        w.account.kms_authorized = false;
        let e = {
            let mut state = None;
            Call {
                world: &mut w,
                state: &mut state,
                edition: editions::latest(),
                request_id: "R",
            }
            .run(&[])
            .unwrap_err()
        };
        assert_eq!(
            (e.code.as_ref(), e.status),
            ("InvalidParameter.KMSKeyId.KMSUnauthorized", 403)
        );
        // An unencrypted disk needs nothing of KMS.
        w.disks[0].encrypted = false;
        assert_eq!(code(&mut w, &[]), "OK");
    }

    #[test]
    fn every_edition_answers_every_broken_world_from_its_own_rows() {
        let mut broken: Vec<(World, Vec<(&str, &str)>)> = Vec::new();
        let params: &[&[(&str, &str)]] = &[
            &[("ClientToken", "é")],
            &[("RetentionDays", "0")],
            &[("SnapshotName", "x")],
            &[("Description", "x")],
            &[("Category", "x")],
            &[("Category", "Flash"), ("InstantAccess", "true")],
            &[("InstantAccessRetentionDays", "0")],
            &[("Tag.1.Value", "v")],
            &[("Tag.1.Key", "k"), ("Tag.1.Value", "acs:")],
            &[("Tag.1.Key", "k"), ("Tag.2.Key", "k")],
        ];
        for p in params {
            broken.push((world(), p.to_vec()));
        }
        let mut w = world();
        w.account.snapshot_service_opened = false;
        broken.push((w, vec![]));
        let mut w = world();
        w.account.balance_sufficient = false;
        broken.push((w, vec![]));
        let mut w = world();
        w.disks[0].category = "local_ssd_pro".into();
        broken.push((w, vec![]));
        let mut w = world();
        w.disks[0].encrypted = true;
        w.disks[0].kms_key_id = Some("k-none".into());
        broken.push((w, vec![]));
        let mut w = world();
        w.disks[0].status = DiskStatus::Detaching;
        broken.push((w, vec![]));
        let mut w = world();
        w.disks[0].lock_reasons = vec![LockReason::Financial];
        broken.push((w, vec![]));
        for status in InstanceStatus::ALL {
            let mut w = world();
            w.instances[0].status = *status;
            broken.push((w, vec![]));
        }
        let mut w = world();
        w.instances[0].lock_reasons = vec![LockReason::Security];
        broken.push((w, vec![]));
        let mut w = world();
        w.instances.clear();
        broken.push((w, vec![]));
        let mut w = world();
        w.transitions.concurrent_snapshots_per_disk = 2;
        for i in 0..2 {
            w.snapshots.push(Snapshot::new(
                format!("s-{i}"),
                "d-1",
                SnapshotStatus::Progressing,
            ));
        }
        broken.push((w, vec![]));
        for edition in editions::all() {
            for (world, extra) in &broken {
                // A panic here is a code the edition has no row for.
                let answer = code_in(edition, &mut world.clone(), extra);
                assert!(!answer.is_empty(), "{}", edition.name);
            }
        }
    }

    #[test]
    fn every_code_this_action_answers_is_in_its_table() {
        let source = include_str!("create_snapshot.rs");
        let code = source.split("#[cfg(test)]").next().unwrap_or_default();
        // The codes refused by name, and every dotted code the checks name.
        let literals: Vec<&str> = code.split('"').skip(1).step_by(2).collect();
        let codes: Vec<&str> = ["refuse(\"", "refuse_status(\"", "refuse_with(\""]
            .iter()
            .flat_map(|p| code.split(p).skip(1))
            .filter_map(|rest| rest.split_once('"').map(|(c, _)| c))
            .chain(literals.into_iter().filter(|l| {
                l.contains('.')
                    && l.starts_with(char::is_uppercase)
                    && l.split('.').all(|part| {
                        !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric())
                    })
            }))
            .collect();
        assert!(codes.len() >= 25, "{codes:?}");
        for code in codes {
            assert_eq!(SPEC.refuse(code).code, code);
        }
        assert_eq!(
            Catalogue::common().error("InvalidTagCount").code,
            "InvalidTagCount"
        );
    }
}
