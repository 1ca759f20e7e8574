//! Given: the scenario's world, in domain words. Each step changes the world the scenario states;
//! the seam installs or finds it before the first call.

use super::args::{declared, parse_time};
use super::step::{Args, Step};
use crate::suite::world::SuiteWorld;
use crate::world::{
    ChargeType, Disk, DiskStatus, DiskType, Fault, Instance, InstanceStatus, KmsKey, LockReason,
    Snapshot, SnapshotStatus,
};

pub const STEPS: &[Step] = &[
    Step::given("an instance {string} that is {instance_status}", |w, a| {
        w.add_instance(Instance::new(a.text(0)?, a.get::<InstanceStatus>(1)?))
    }),
    Step::given(
        "a disk {string} that is {disk_status} on instance {string}",
        |w, a| {
            let instance = Some(a.text(2)?.to_owned());
            w.add_disk(Disk::new(a.text(0)?, a.get::<DiskStatus>(1)?, instance))
        },
    ),
    Step::given("a disk {string} that is {disk_status}", |w, a| {
        w.add_disk(Disk::new(a.text(0)?, a.get::<DiskStatus>(1)?, None))
    }),
    Step::given(
        "a snapshot {string} of disk {string} that is {snapshot_status}",
        |w, a| {
            let status = a.get::<SnapshotStatus>(2)?;
            w.add_snapshot(Snapshot::new(a.text(0)?, a.text(1)?, status))
        },
    ),
    Step::given("the disk {string} is {disk_status}", |w, a| {
        let status = a.get::<DiskStatus>(1)?;
        let d = w.disk_mut(a.text(0)?)?;
        d.status = status;
        if status == DiskStatus::Available {
            d.instance_id = None;
        }
        Ok(())
    }),
    Step::given("the instance {string} is {instance_status}", |w, a| {
        let status = a.get::<InstanceStatus>(1)?;
        w.instance_mut(a.text(0)?)?.status = status;
        Ok(())
    }),
    Step::given(
        "the instance {string} is locked for {lock_reason}",
        |w, a| {
            let reason = a.get::<LockReason>(1)?;
            w.instance_mut(a.text(0)?)?.lock_reasons.push(reason);
            Ok(())
        },
    ),
    Step::given("the disk {string} is locked for {lock_reason}", |w, a| {
        let reason = a.get::<LockReason>(1)?;
        w.disk_mut(a.text(0)?)?.lock_reasons.push(reason);
        Ok(())
    }),
    Step::given(
        "the instance {string} is a subscription that expired at {string}",
        |w, a| {
            let at = parse_time(a.text(1)?)?;
            let x = w.instance_mut(a.text(0)?)?;
            x.charge_type = ChargeType::PrePaid;
            x.expired_time = Some(at);
            Ok(())
        },
    ),
    Step::given("the disk {string} is a data disk", |w, a| {
        w.disk_mut(a.text(0)?)?.disk_type = DiskType::Data;
        Ok(())
    }),
    Step::given("the disk {string} is of category {string}", |w, a| {
        w.disk_mut(a.text(0)?)?.category = a.text(1)?.to_owned();
        Ok(())
    }),
    Step::given("the snapshot {string} was created at {string}", |w, a| {
        let at = parse_time(a.text(1)?)?;
        w.snapshot_mut(a.text(0)?)?.creation_time = at;
        Ok(())
    }),
    Step::given("the disk {string} was released", |w, a| {
        let id = a.text(0)?;
        if w.world_mut()?.release_disk(id) {
            Ok(())
        } else {
            Err(format!("no disk {id:?} to release"))
        }
    }),
    Step::given("the instance {string} was released", |w, a| {
        let id = a.text(0)?;
        if w.world_mut()?.release_instance(id) {
            Ok(())
        } else {
            Err(format!("no instance {id:?} to release"))
        }
    }),
    Step::given("an account with no resources", |w, _| {
        *w.world_mut()? = crate::world::World::default();
        w.empty_account = true;
        Ok(())
    }),
    Step::given("the account is not in the disk white list", |w, _| {
        w.world_mut()?.account.in_disk_white_list = false;
        Ok(())
    }),
    Step::given("the account has not opened the snapshot service", |w, _| {
        w.world_mut()?.account.snapshot_service_opened = false;
        Ok(())
    }),
    Step::given("the account has not authorised ECS to use KMS", |w, _| {
        w.world_mut()?.account.kms_authorized = false;
        Ok(())
    }),
    Step::given("a KMS key {string}", |w, a| {
        let key_id = a.text(0)?.to_owned();
        w.world_mut()?.kms_keys.push(KmsKey {
            key_id,
            enabled: true,
            ecs_tagged: true,
        });
        Ok(())
    }),
    Step::given("the KMS key {string} is disabled", |w, a| {
        kms_key_mut(w, a)?.enabled = false;
        Ok(())
    }),
    Step::given(
        "the KMS key {string} lacks the tag that lets ECS use it",
        |w, a| {
            kms_key_mut(w, a)?.ecs_tagged = false;
            Ok(())
        },
    ),
    Step::given(
        "the disk {string} is encrypted with KMS key {string}",
        |w, a| {
            let key = a.text(1)?.to_owned();
            let d = w.disk_mut(a.text(0)?)?;
            d.encrypted = true;
            d.kms_key_id = Some(key);
            Ok(())
        },
    ),
    Step::given(
        "the snapshot {string} is encrypted with KMS key {string}",
        |w, a| {
            let key = a.text(1)?.to_owned();
            let s = w.snapshot_mut(a.text(0)?)?;
            s.encrypted = true;
            s.kms_key_id = Some(key);
            Ok(())
        },
    ),
    Step::given("the account does not have enough balance", |w, _| {
        w.world_mut()?.account.balance_sufficient = false;
        Ok(())
    }),
    // A fault of the control API: the next call of the action is answered with this error (a
    // 5xx row of its table, or another row of the same code: `Fault::injectable`).
    Step::given("the next {word} fails with {word} {string}", |w, a| {
        let action = declared(a.text(0)?)?.name.to_owned();
        let code = a.text(1)?.to_owned();
        let message = a.text(2)?.to_owned();
        w.world_mut()?.faults.push(Fault {
            action,
            code,
            message,
            count: 1,
        });
        Ok(())
    }),
];

/// The KMS key the step's first argument names.
fn kms_key_mut<'w>(w: &'w mut SuiteWorld, a: &Args) -> Result<&'w mut KmsKey, String> {
    let id = a.text(0)?;
    w.world_mut()?
        .kms_keys
        .iter_mut()
        .find(|k| k.key_id == id)
        .ok_or_else(|| format!("the scenario states no KMS key {id:?}"))
}
