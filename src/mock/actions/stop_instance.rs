//! StopInstance: which error each world state answers, in which order, and the stop it starts.
//! Statuses and messages come from the table (`features/StopInstance.errors.tsv`), the
//! parameters of each edition from `features/StopInstance.contract.tsv`; this file names codes
//! only, and checks what a row names only in editions that list the row.
//!
//! The checks run in this order; the first that fails answers (docs/choices.md, "The rollback
//! actions", says why):
//! 1. the request: `MissingInstanceId`, then each boolean (`ConfirmStop`, `ForceStop`,
//!    `Hibernate`, `DryRun` where the edition takes them) `true` or `false`;
//! 2. `InvalidInstanceId.NotFound`;
//! 3. `InstanceLockedForSecurity`, `InstanceExpiredOrInArrears`, `IncorrectInstanceStatus` (not
//!    `Running`: a `Stopping` or `Stopped` instance is not stopped again);
//! 4. `HibernationConfigured.NotEnabled` for `Hibernate=true`: no instance of the mock is
//!    configured for hibernation;
//! 5. its disks: `DiskError` (one is being attached, detached, created or re-initialised), then
//!    `InstanceType.ParameterMismatch` (a local disk, and `ConfirmStop` not `true`);
//! 6. a dry run that passed all of these: `DryRunOperation`, and nothing changes.
//!
//! On success the instance is `Stopping` until `transitions.stop_ms` has passed, then `Stopped`
//! (`World::settle`); with 0, `Stopped` at once.

use serde::Serialize;

use super::common::{begin_transition, boolean, dry_run, required, unlocked_instance};
use super::handler::{Context, Handler};
use crate::api_error::ApiError;
use crate::contract::stop_instance::{ACTION as SPEC, disk_in_transition, disk_is_local};
use crate::params::Params;
use crate::world::{InstanceStatus, LockReason};

pub const ACTION: Handler = Handler {
    spec: &SPEC,
    handle: stop_instance,
};

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct StopInstanceResponse {
    request_id: String,
}

/// What a call asks, read and checked as a whole before anything is looked up (the one place a
/// validator of the API metadata's parameter types would take over).
struct Request<'p> {
    instance_id: &'p str,
    confirm_stop: bool,
    hibernate: bool,
    dry_run: bool,
}

impl<'p> Request<'p> {
    fn read(ctx: &Context<'_>, params: &'p Params) -> Result<Self, ApiError> {
        let instance_id = required(params, "InstanceId")?;
        let confirm_stop = boolean(params, "ConfirmStop")?.unwrap_or(false);
        boolean(params, "ForceStop")?;
        let hibernate = if ctx.takes("Hibernate") {
            boolean(params, "Hibernate")?.unwrap_or(false)
        } else {
            false
        };
        Ok(Self {
            instance_id,
            confirm_stop,
            hibernate,
            dry_run: dry_run(ctx, params)?,
        })
    }
}

fn stop_instance(ctx: &mut Context<'_>, params: &Params) -> Result<String, ApiError> {
    let request = Request::read(ctx, params)?;
    let world = &*ctx.world;
    let instance = unlocked_instance(ctx, world, request.instance_id)?;
    if instance.expired(ctx.now) || instance.lock_reasons.contains(&LockReason::Financial) {
        return Err(ctx.refuse("InstanceExpiredOrInArrears"));
    }
    if instance.status != InstanceStatus::Running {
        return Err(ctx.refuse("IncorrectInstanceStatus"));
    }
    if request.hibernate {
        return Err(ctx.refuse("HibernationConfigured.NotEnabled"));
    }
    let mut disks =
        (world.disks.iter()).filter(|d| d.instance_id.as_deref() == Some(request.instance_id));
    if disks.clone().any(disk_in_transition) {
        return Err(ctx.refuse("DiskError"));
    }
    if !request.confirm_stop && disks.any(disk_is_local) {
        return Err(ctx.refuse("InstanceType.ParameterMismatch"));
    }
    if request.dry_run {
        return Err(ctx.refuse("DryRunOperation"));
    }

    let ms = world.transitions.stop_ms;
    let (through, to) = (InstanceStatus::Stopping, InstanceStatus::Stopped);
    begin_transition(ctx, request.instance_id, through, to, ms);
    Ok(ctx.reply(&StopInstanceResponse {
        request_id: ctx.request_id.clone(),
    }))
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use time::OffsetDateTime;

    use super::*;
    use crate::contract::editions::{self, Edition};
    use crate::mock::actions::context;
    use crate::world::{Disk, DiskStatus, World};

    /// A running instance `i-1` with a system disk `d-1` In_use on it.
    fn running() -> World {
        let mut w = World::default();
        w.instances
            .push(crate::world::Instance::new("i-1", InstanceStatus::Running));
        w.disks
            .push(Disk::new("d-1", DiskStatus::InUse, Some("i-1".into())));
        w
    }

    fn t0() -> OffsetDateTime {
        time::macros::datetime!(2026-01-01 00:00:00 UTC)
    }

    /// StopInstance at `now` in `edition`, with `extra` parameters: `OK` or the error's code.
    fn stop_in(
        edition: &'static Edition,
        w: &mut World,
        now: OffsetDateTime,
        extra: &[(&str, &str)],
    ) -> String {
        let mut state = None;
        let mut ctx = context(w, &mut state, &SPEC, now, Instant::now());
        ctx.edition = edition;
        let mut p: Params = [("InstanceId", "i-1")].into_iter().collect();
        for (k, v) in extra {
            p.insert(*k, *v);
        }
        code_of(stop_instance(&mut ctx, &p))
    }

    fn code_of(r: Result<String, ApiError>) -> String {
        r.map_or_else(|e| e.code.into_owned(), |_| "OK".into())
    }

    fn stop(w: &mut World, extra: &[(&str, &str)]) -> String {
        stop_in(editions::latest(), w, t0(), extra)
    }

    #[test]
    fn a_running_instance_stops_through_stopping_over_the_world_s_time() {
        let mut w = running();
        assert_eq!(stop(&mut w, &[]), "OK");
        assert_eq!(w.instances[0].status, InstanceStatus::Stopping);
        let until = t0() + time::Duration::milliseconds(2_000);
        assert_eq!(w.instances[0].status_until, Some(until), "the 2 s default");
        w.settle(until - time::Duration::MILLISECOND);
        assert_eq!(w.instances[0].status, InstanceStatus::Stopping);
        w.settle(until);
        assert_eq!(w.instances[0].status, InstanceStatus::Stopped);
        // With 0 the stop is instant.
        let mut w = running();
        w.transitions.stop_ms = 0;
        assert_eq!(stop(&mut w, &[]), "OK");
        assert_eq!(
            (w.instances[0].status, w.instances[0].status_until),
            (InstanceStatus::Stopped, None)
        );
    }

    #[test]
    fn only_a_running_instance_is_stopped() {
        for status in InstanceStatus::ALL {
            let mut w = running();
            w.instances[0].status = *status;
            let want = if *status == InstanceStatus::Running {
                "OK"
            } else {
                "IncorrectInstanceStatus"
            };
            assert_eq!(stop(&mut w, &[]), want, "{status}");
        }
        // A stop in progress: the instance is Stopping, and a second stop is refused.
        let mut w = running();
        assert_eq!(stop(&mut w, &[]), "OK");
        assert_eq!(stop(&mut w, &[]), "IncorrectInstanceStatus");
    }

    #[test]
    fn locks_expiry_and_arrears_refuse_before_the_status() {
        let mut w = running();
        w.instances[0].status = InstanceStatus::Stopped;
        w.instances[0].lock_reasons = vec![LockReason::Financial];
        assert_eq!(stop(&mut w, &[]), "InstanceExpiredOrInArrears");
        w.instances[0].lock_reasons.push(LockReason::Security);
        assert_eq!(stop(&mut w, &[]), "InstanceLockedForSecurity");
        let mut w = running();
        w.instances[0].charge_type = crate::world::ChargeType::PrePaid;
        w.instances[0].expired_time = Some(t0());
        assert_eq!(stop(&mut w, &[]), "InstanceExpiredOrInArrears");
        w.instances[0].expired_time = Some(t0() + time::Duration::DAY);
        assert_eq!(stop(&mut w, &[]), "OK");
    }

    #[test]
    fn unknown_instances_and_missing_or_malformed_parameters() {
        let mut w = running();
        w.instances[0].instance_id = "i-other".into();
        assert_eq!(stop(&mut w, &[]), "InvalidInstanceId.NotFound");
        let mut state = None;
        let mut ctx = context(&mut w, &mut state, &SPEC, t0(), Instant::now());
        assert_eq!(
            code_of(stop_instance(&mut ctx, &Params::default())),
            "MissingInstanceId"
        );
        let mut w = running();
        for name in ["ConfirmStop", "ForceStop", "Hibernate", "DryRun"] {
            assert_eq!(stop(&mut w, &[(name, "yes")]), "InvalidParameter", "{name}");
        }
        assert_eq!(w.instances[0].status, InstanceStatus::Running);
    }

    #[test]
    fn disks_in_an_operation_and_unconfirmed_local_disks_refuse_the_stop() {
        let mut w = running();
        w.disks[0].status = DiskStatus::Attaching;
        assert_eq!(stop(&mut w, &[]), "DiskError");
        let first = &editions::all()[0];
        let old = {
            let mut state = None;
            let mut ctx = context(&mut w, &mut state, &SPEC, t0(), Instant::now());
            ctx.edition = first;
            let p: Params = [("InstanceId", "i-1")].into_iter().collect();
            stop_instance(&mut ctx, &p).unwrap_err()
        };
        let new = SPEC.refuse("DiskError");
        assert_eq!(
            (old.status, new.status),
            (403, 400),
            "the row changed status"
        );
        let mut w = running();
        w.disks[0].category = "local_ssd_pro".into();
        assert_eq!(stop(&mut w, &[]), "InstanceType.ParameterMismatch");
        assert_eq!(
            stop(&mut w, &[("ConfirmStop", "false")]),
            "InstanceType.ParameterMismatch"
        );
        assert_eq!(stop(&mut w, &[("ConfirmStop", "true")]), "OK");
    }

    #[test]
    fn hibernation_is_never_configured_where_the_edition_takes_it() {
        let mut w = running();
        assert_eq!(
            stop(&mut w, &[("Hibernate", "true")]),
            "HibernationConfigured.NotEnabled"
        );
        assert_eq!(stop(&mut w, &[("Hibernate", "false")]), "OK");
        let mut w = running();
        let first = &editions::all()[0];
        assert_eq!(
            stop_in(first, &mut w, t0(), &[("Hibernate", "true")]),
            "OK",
            "an unknown parameter before the edition that lists it"
        );
    }

    #[test]
    fn a_dry_run_checks_everything_and_changes_nothing() {
        let mut w = running();
        assert_eq!(stop(&mut w, &[("DryRun", "true")]), "DryRunOperation");
        assert_eq!(w.instances[0].status, InstanceStatus::Running);
        w.instances[0].status = InstanceStatus::Stopped;
        assert_eq!(
            stop(&mut w, &[("DryRun", "true")]),
            "IncorrectInstanceStatus"
        );
        // Before 2022, DryRun is an unknown parameter: the call stops the instance.
        let mut w = running();
        let first = &editions::all()[0];
        assert_eq!(stop_in(first, &mut w, t0(), &[("DryRun", "true")]), "OK");
        assert_eq!(w.instances[0].status, InstanceStatus::Stopping);
    }

    #[test]
    fn both_formats_carry_the_request_id() {
        let w = running();
        let mut state = None;
        let p: Params = [("InstanceId", "i-1")].into_iter().collect();
        for format in [crate::format::Format::Json, crate::format::Format::Xml] {
            let mut w = w.clone();
            let mut ctx = context(&mut w, &mut state, &SPEC, t0(), Instant::now());
            ctx.format = format;
            let body = stop_instance(&mut ctx, &p).unwrap();
            assert!(body.contains("RequestId") && body.contains('R'), "{body}");
            if format == crate::format::Format::Xml {
                assert!(body.contains("<StopInstanceResponse>"), "{body}");
            }
        }
    }

    #[test]
    fn every_edition_answers_every_broken_world_from_its_own_rows() {
        let mut broken: Vec<(World, Vec<(&str, &str)>)> = Vec::new();
        let mut w = running();
        w.instances[0].instance_id = "i-2".into();
        broken.push((w, vec![]));
        for lock in [LockReason::Security, LockReason::Financial] {
            let mut w = running();
            w.instances[0].lock_reasons = vec![lock];
            broken.push((w, vec![]));
        }
        let mut w = running();
        w.instances[0].status = InstanceStatus::Stopped;
        broken.push((w, vec![("DryRun", "true")]));
        let mut w = running();
        w.disks[0].status = DiskStatus::Creating;
        broken.push((w, vec![("Hibernate", "true")]));
        let mut w = running();
        w.disks[0].category = "ephemeral_ssd".into();
        broken.push((w, vec![("DryRun", "true")]));
        broken.push((running(), vec![("DryRun", "true"), ("Hibernate", "true")]));
        for edition in editions::all() {
            for (world, extra) in &broken {
                // A panic here is a code the edition has no row for.
                let answer = stop_in(edition, &mut world.clone(), t0(), extra);
                assert!(!answer.is_empty(), "{}", edition.name);
            }
        }
    }

    #[test]
    fn every_code_this_action_answers_is_in_its_table() {
        let codes = crate::mock::actions::common::codes_refused(include_str!("stop_instance.rs"));
        assert!(codes.len() >= 8, "{codes:?}");
        for code in codes {
            assert_eq!(SPEC.refuse(code).code, code);
        }
    }
}
