//! StartInstance: which error each world state answers, in which order, and the start it
//! begins. Statuses and messages come from the table (`features/StartInstance.errors.tsv`),
//! the parameters of each edition from `features/StartInstance.contract.tsv`; this file names
//! codes only, and checks what a row names only in editions that list the row.
//!
//! The checks run in this order; the first that fails answers (docs/choices.md, "The rollback
//! actions", says why):
//! 1. the request: `MissingInstanceId`, then `InitLocalDisk` and, where the edition takes it,
//!    `DryRun`, each `true` or `false`;
//! 2. `InvalidInstanceId.NotFound`;
//! 3. `InstanceLockedForSecurity`; `InstanceExpired` (a subscription past its expiry, or an
//!    instance locked for arrears); `InsufficientBalance` (a pay-as-you-go instance, and the
//!    account's balance is not enough);
//! 4. the status: `InstanceNotReady` (`Pending`: still being created), `IncorrectInstanceStatus`
//!    (anything else but `Stopped`: a `Starting` or `Running` instance is not started again);
//! 5. its disks: `InvalidInstance.NotFoundSystemDisk`, `DiskInArrears`, `DiskError`;
//! 6. KMS, for its encrypted disks: `…KMSUnauthorized`, then each disk's key: `…KMSKeyId.NotFound`,
//!    `…CMKNotEnabled`, `…CMKUnauthorized`;
//! 7. a dry run that passed all of these: `DryRunOperation`, and nothing changes.
//!
//! On success the instance is `Starting` until `transitions.start_ms` has passed, then `Running`
//! (`World::settle`); with 0, `Running` at once.

use serde::Serialize;

use super::common::{begin_transition, boolean, check_kms, dry_run, required, unlocked_instance};
use super::handler::{Context, Handler};
use crate::api_error::ApiError;
use crate::contract::start_instance::ACTION as SPEC;
use crate::contract::stop_instance::disk_in_transition;
use crate::params::Params;
use crate::world::{ChargeType, DiskType, InstanceStatus, LockReason};

pub const ACTION: Handler = Handler {
    spec: &SPEC,
    handle: start_instance,
};

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct StartInstanceResponse {
    request_id: String,
}

/// What a call asks, read and checked as a whole before anything is looked up (the one place a
/// validator of the API metadata's parameter types would take over).
struct Request<'p> {
    instance_id: &'p str,
    dry_run: bool,
}

impl<'p> Request<'p> {
    fn read(ctx: &Context<'_>, params: &'p Params) -> Result<Self, ApiError> {
        let instance_id = required(params, "InstanceId")?;
        boolean(params, "InitLocalDisk")?;
        Ok(Self {
            instance_id,
            dry_run: dry_run(ctx, params)?,
        })
    }
}

fn start_instance(ctx: &mut Context<'_>, params: &Params) -> Result<String, ApiError> {
    let request = Request::read(ctx, params)?;
    let world = &*ctx.world;
    let instance = unlocked_instance(ctx, world, request.instance_id)?;
    if instance.expired(ctx.now) {
        return Err(expired(ctx, "prePaid"));
    }
    if instance.lock_reasons.contains(&LockReason::Financial) {
        return Err(expired(ctx, "postPaid"));
    }
    if instance.charge_type == ChargeType::PostPaid && !world.account.balance_sufficient {
        return Err(ctx.refuse("InsufficientBalance"));
    }
    match instance.status {
        InstanceStatus::Stopped => {}
        InstanceStatus::Pending => return Err(ctx.refuse_status("InstanceNotReady", 403)),
        _ => return Err(ctx.refuse("IncorrectInstanceStatus")),
    }
    let disks: Vec<_> = (world.disks.iter())
        .filter(|d| d.instance_id.as_deref() == Some(request.instance_id))
        .collect();
    if !disks.iter().any(|d| d.disk_type == DiskType::System)
        && ctx.lists("InvalidInstance.NotFoundSystemDisk")
    {
        return Err(ctx.refuse("InvalidInstance.NotFoundSystemDisk"));
    }
    if disks
        .iter()
        .any(|d| d.lock_reasons.contains(&LockReason::Financial))
    {
        return Err(ctx.refuse("DiskInArrears"));
    }
    if disks.iter().any(|d| disk_in_transition(d)) {
        return Err(ctx.refuse("DiskError"));
    }
    let keys: Vec<Option<&str>> = (disks.iter())
        .filter(|d| d.encrypted)
        .map(|d| d.kms_key_id.as_deref())
        .collect();
    check_kms(ctx, world, &keys)?;
    if request.dry_run {
        return Err(ctx.refuse("DryRunOperation"));
    }

    let ms = world.transitions.start_ms;
    let (through, to) = (InstanceStatus::Starting, InstanceStatus::Running);
    begin_transition(ctx, request.instance_id, through, to, ms);
    Ok(ctx.reply(&StartInstanceResponse {
        request_id: ctx.request_id.clone(),
    }))
}

/// `InstanceExpired` in the words for the instance's way of paying (`prePaid`, `postPaid`) where
/// the edition has a row in them, else its one row.
fn expired(ctx: &Context<'_>, paid: &str) -> ApiError {
    ctx.refusal_saying("InstanceExpired", paid)
        .unwrap_or_else(|| ctx.refuse("InstanceExpired"))
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use time::OffsetDateTime;

    use super::*;
    use crate::contract::editions::{self, Edition};
    use crate::mock::actions::context;
    use crate::world::{Disk, DiskStatus, Instance, KmsKey, World};

    /// A stopped instance `i-1` with a system disk `d-1` In_use on it.
    fn stopped() -> World {
        let mut w = World::default();
        w.instances
            .push(Instance::new("i-1", InstanceStatus::Stopped));
        w.disks
            .push(Disk::new("d-1", DiskStatus::InUse, Some("i-1".into())));
        w
    }

    fn t0() -> OffsetDateTime {
        time::macros::datetime!(2026-01-01 00:00:00 UTC)
    }

    fn start_in(edition: &'static Edition, w: &mut World, extra: &[(&str, &str)]) -> ApiResult {
        let mut state = None;
        let mut ctx = context(w, &mut state, &SPEC, t0(), Instant::now());
        ctx.edition = edition;
        let mut p: Params = [("InstanceId", "i-1")].into_iter().collect();
        for (k, v) in extra {
            p.insert(*k, *v);
        }
        start_instance(&mut ctx, &p)
    }

    type ApiResult = Result<String, ApiError>;

    fn code(r: ApiResult) -> String {
        r.map_or_else(|e| e.code.into_owned(), |_| "OK".into())
    }

    fn start(w: &mut World) -> String {
        code(start_in(editions::latest(), w, &[]))
    }

    #[test]
    fn a_stopped_instance_starts_through_starting_over_the_world_s_time() {
        let mut w = stopped();
        assert_eq!(start(&mut w), "OK");
        assert_eq!(w.instances[0].status, InstanceStatus::Starting);
        let until = t0() + time::Duration::milliseconds(2_000);
        assert_eq!(w.instances[0].status_until, Some(until), "the 2 s default");
        w.settle(until - time::Duration::MILLISECOND);
        assert_eq!(w.instances[0].status, InstanceStatus::Starting);
        w.settle(until);
        assert_eq!(w.instances[0].status, InstanceStatus::Running);
        let mut w = stopped();
        w.transitions.start_ms = 0;
        assert_eq!(start(&mut w), "OK");
        assert_eq!(w.instances[0].status, InstanceStatus::Running);
    }

    #[test]
    fn only_a_stopped_instance_is_started_and_a_pending_one_is_not_ready() {
        for status in InstanceStatus::ALL {
            let mut w = stopped();
            w.instances[0].status = *status;
            let want = match status {
                InstanceStatus::Stopped => "OK",
                InstanceStatus::Pending => "InstanceNotReady",
                _ => "IncorrectInstanceStatus",
            };
            assert_eq!(start(&mut w), want, "{status}");
        }
        let mut w = stopped();
        w.instances[0].status = InstanceStatus::Pending;
        let e = start_in(editions::latest(), &mut w, &[]).unwrap_err();
        assert_eq!(e.status, 403, "the 403 row; the 500 one is a fault's");
        let mut w = stopped();
        assert_eq!(start(&mut w), "OK");
        assert_eq!(start(&mut w), "IncorrectInstanceStatus", "Starting");
    }

    #[test]
    fn locks_expiry_arrears_and_balance() {
        let mut w = stopped();
        w.account.balance_sufficient = false;
        assert_eq!(start(&mut w), "InsufficientBalance");
        w.instances[0].charge_type = ChargeType::PrePaid;
        assert_eq!(start(&mut w), "OK", "a subscription is paid for");
        let mut w = stopped();
        w.instances[0].charge_type = ChargeType::PrePaid;
        w.instances[0].expired_time = Some(t0());
        let e = start_in(editions::latest(), &mut w, &[]).unwrap_err();
        assert_eq!(e.code, "InstanceExpired");
        // The first edition has a row in a subscription's words; the latest only the other.
        let e = start_in(&editions::all()[0], &mut w, &[]).unwrap_err();
        assert!(e.message.contains("prePaid"), "{e}");
        let mut w = stopped();
        w.instances[0].lock_reasons = vec![LockReason::Financial];
        let e = start_in(editions::latest(), &mut w, &[]).unwrap_err();
        assert!(e.message.contains("postPaid"), "{e}");
        w.instances[0].lock_reasons.push(LockReason::Security);
        assert_eq!(start(&mut w), "InstanceLockedForSecurity");
    }

    #[test]
    fn its_disks_must_include_a_system_disk_be_paid_for_and_be_still() {
        let mut w = stopped();
        w.disks[0].disk_type = DiskType::Data;
        assert_eq!(start(&mut w), "InvalidInstance.NotFoundSystemDisk");
        assert_eq!(
            code(start_in(&editions::all()[0], &mut w, &[])),
            "OK",
            "a row of 2023-08-25 on"
        );
        let mut w = stopped();
        w.disks[0].lock_reasons = vec![LockReason::Financial];
        assert_eq!(start(&mut w), "DiskInArrears");
        let mut w = stopped();
        w.disks[0].status = DiskStatus::Detaching;
        assert_eq!(start(&mut w), "DiskError");
        // A disk of another instance is not this one's.
        let mut w = stopped();
        w.disks
            .push(Disk::new("d-2", DiskStatus::Attaching, Some("i-2".into())));
        assert_eq!(start(&mut w), "OK");
    }

    #[test]
    fn encrypted_disks_need_kms_and_their_keys() {
        let mut w = stopped();
        w.disks[0].encrypted = true;
        w.disks[0].kms_key_id = Some("k-1".into());
        assert_eq!(start(&mut w), "InvalidParameter.KMSKeyId.NotFound");
        w.kms_keys.push(KmsKey {
            key_id: "k-1".into(),
            enabled: false,
            ecs_tagged: false,
        });
        assert_eq!(start(&mut w), "InvalidParameter.KMSKeyId.CMKNotEnabled");
        w.kms_keys[0].enabled = true;
        assert_eq!(start(&mut w), "InvalidParameter.KMSKeyId.CMKUnauthorized");
        w.kms_keys[0].ecs_tagged = true;
        w.account.kms_authorized = false;
        assert_eq!(start(&mut w), "InvalidParameter.KMSKeyId.KMSUnauthorized");
        w.account.kms_authorized = true;
        assert_eq!(start(&mut w), "OK");
    }

    #[test]
    fn a_dry_run_checks_everything_and_changes_nothing() {
        let mut w = stopped();
        let dry = [("DryRun", "true")];
        assert_eq!(
            code(start_in(editions::latest(), &mut w, &dry)),
            "DryRunOperation"
        );
        assert_eq!(w.instances[0].status, InstanceStatus::Stopped);
        w.instances[0].status = InstanceStatus::Running;
        assert_eq!(
            code(start_in(editions::latest(), &mut w, &dry)),
            "IncorrectInstanceStatus"
        );
        let bad = [("DryRun", "maybe")];
        assert_eq!(
            code(start_in(editions::latest(), &mut w, &bad)),
            "InvalidParameter"
        );
        let mut w = stopped();
        assert_eq!(code(start_in(&editions::all()[0], &mut w, &dry)), "OK");
        assert_eq!(w.instances[0].status, InstanceStatus::Starting);
    }

    #[test]
    fn unknown_instances_and_missing_parameters() {
        let mut w = stopped();
        w.instances[0].instance_id = "i-9".into();
        assert_eq!(start(&mut w), "InvalidInstanceId.NotFound");
        let mut state = None;
        let mut ctx = context(&mut w, &mut state, &SPEC, t0(), Instant::now());
        assert_eq!(
            code(start_instance(&mut ctx, &Params::default())),
            "MissingInstanceId"
        );
        let mut w = stopped();
        let bad = [("InitLocalDisk", "1")];
        assert_eq!(
            code(start_in(editions::latest(), &mut w, &bad)),
            "InvalidParameter"
        );
    }

    #[test]
    fn both_formats_carry_the_request_id() {
        let p: Params = [("InstanceId", "i-1")].into_iter().collect();
        for format in [crate::format::Format::Json, crate::format::Format::Xml] {
            let (mut w, mut state) = (stopped(), None);
            let mut ctx = context(&mut w, &mut state, &SPEC, t0(), Instant::now());
            ctx.format = format;
            let body = start_instance(&mut ctx, &p).unwrap();
            let want = match format {
                crate::format::Format::Xml => "<StartInstanceResponse><RequestId>R</RequestId>",
                crate::format::Format::Json => r#"{"RequestId":"R"}"#,
            };
            assert!(body.contains(want), "{body}");
        }
    }

    #[test]
    fn every_edition_answers_every_broken_world_from_its_own_rows() {
        let mut broken: Vec<World> = Vec::new();
        let mut w = stopped();
        w.instances[0].instance_id = "i-2".into();
        broken.push(w);
        for lock in [LockReason::Security, LockReason::Financial] {
            let mut w = stopped();
            w.instances[0].lock_reasons = vec![lock];
            broken.push(w.clone());
            w.instances[0].lock_reasons.clear();
            w.disks[0].lock_reasons = vec![lock];
            broken.push(w);
        }
        let mut w = stopped();
        w.instances[0].charge_type = ChargeType::PrePaid;
        w.instances[0].expired_time = Some(t0());
        broken.push(w);
        let mut w = stopped();
        w.account.balance_sufficient = false;
        broken.push(w);
        for status in InstanceStatus::ALL {
            let mut w = stopped();
            w.instances[0].status = *status;
            broken.push(w);
        }
        let mut w = stopped();
        w.disks[0].disk_type = DiskType::Data;
        w.disks[0].status = DiskStatus::Attaching;
        broken.push(w);
        let mut w = stopped();
        w.disks[0].encrypted = true;
        w.disks[0].kms_key_id = Some("k-none".into());
        w.account.kms_authorized = false;
        broken.push(w);
        for edition in editions::all() {
            for world in &broken {
                // A panic here is a code the edition has no row for.
                let answer = code(start_in(edition, &mut world.clone(), &[("DryRun", "true")]));
                assert!(!answer.is_empty(), "{}", edition.name);
            }
        }
    }

    #[test]
    fn every_code_this_action_answers_is_in_its_table() {
        let codes = crate::mock::actions::common::codes_refused(include_str!("start_instance.rs"));
        assert!(codes.len() >= 8, "{codes:?}");
        for code in codes {
            assert_eq!(SPEC.refuse(code).code, code);
        }
    }
}
