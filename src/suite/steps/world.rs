//! Given: the scenario's world, in domain words. Each step changes the world the scenario states;
//! the seam installs or finds it before the first call.

use cucumber::given;

use super::{
    DiskStatusParam, InstanceStatusParam, LockReasonParam, SnapshotStatusParam, declared,
    parse_time,
};
use crate::suite::world::SuiteWorld;
use crate::world::{ChargeType, Disk, DiskStatus, Fault, Instance, KmsKey, Snapshot};

#[given(expr = "an instance {string} that is {instance_status}")]
fn instance(w: &mut SuiteWorld, id: String, status: InstanceStatusParam) -> Result<(), String> {
    w.add_instance(Instance::new(id, status.0))
}

#[given(expr = "a disk {string} that is {disk_status} on instance {string}")]
fn attached_disk(
    w: &mut SuiteWorld,
    id: String,
    status: DiskStatusParam,
    instance: String,
) -> Result<(), String> {
    w.add_disk(Disk::new(id, status.0, Some(instance)))
}

#[given(expr = "a disk {string} that is {disk_status}")]
fn detached_disk(w: &mut SuiteWorld, id: String, status: DiskStatusParam) -> Result<(), String> {
    w.add_disk(Disk::new(id, status.0, None))
}

#[given(expr = "a snapshot {string} of disk {string} that is {snapshot_status}")]
fn snapshot_of(
    w: &mut SuiteWorld,
    id: String,
    disk: String,
    status: SnapshotStatusParam,
) -> Result<(), String> {
    w.add_snapshot(Snapshot::new(id, disk, status.0))
}

#[given(expr = "the disk {string} is {disk_status}")]
fn disk_status(w: &mut SuiteWorld, id: String, status: DiskStatusParam) -> Result<(), String> {
    let d = w.disk_mut(&id)?;
    d.status = status.0;
    if status.0 == DiskStatus::Available {
        d.instance_id = None;
    }
    Ok(())
}

#[given(expr = "the instance {string} is {instance_status}")]
fn instance_status(
    w: &mut SuiteWorld,
    id: String,
    status: InstanceStatusParam,
) -> Result<(), String> {
    w.instance_mut(&id)?.status = status.0;
    Ok(())
}

#[given(expr = "the instance {string} is locked for {lock_reason}")]
fn instance_locked(w: &mut SuiteWorld, id: String, reason: LockReasonParam) -> Result<(), String> {
    w.instance_mut(&id)?.lock_reasons.push(reason.0);
    Ok(())
}

#[given(expr = "the disk {string} is locked for {lock_reason}")]
fn disk_locked(w: &mut SuiteWorld, id: String, reason: LockReasonParam) -> Result<(), String> {
    w.disk_mut(&id)?.lock_reasons.push(reason.0);
    Ok(())
}

#[given(expr = "the instance {string} is a subscription that expired at {string}")]
fn instance_expired(w: &mut SuiteWorld, id: String, at: String) -> Result<(), String> {
    let at = parse_time(&at)?;
    let x = w.instance_mut(&id)?;
    x.charge_type = ChargeType::PrePaid;
    x.expired_time = Some(at);
    Ok(())
}

#[given(expr = "the disk {string} is of category {string}")]
fn disk_category(w: &mut SuiteWorld, id: String, category: String) -> Result<(), String> {
    w.disk_mut(&id)?.category = category;
    Ok(())
}

#[given(expr = "the snapshot {string} was created at {string}")]
fn snapshot_created(w: &mut SuiteWorld, id: String, at: String) -> Result<(), String> {
    let at = parse_time(&at)?;
    w.snapshot_mut(&id)?.creation_time = at;
    Ok(())
}

#[given(expr = "the disk {string} was released")]
fn disk_released(w: &mut SuiteWorld, id: String) -> Result<(), String> {
    if w.world_mut()?.release_disk(&id) {
        Ok(())
    } else {
        Err(format!("no disk {id:?} to release"))
    }
}

#[given(expr = "the instance {string} was released")]
fn instance_released(w: &mut SuiteWorld, id: String) -> Result<(), String> {
    if w.world_mut()?.release_instance(&id) {
        Ok(())
    } else {
        Err(format!("no instance {id:?} to release"))
    }
}

#[given(expr = "an account with no resources")]
fn empty_account(w: &mut SuiteWorld) -> Result<(), String> {
    let world = w.world_mut()?;
    *world = crate::world::World::default();
    w.empty_account = true;
    Ok(())
}

#[given(expr = "the account is not in the disk white list")]
fn not_white_listed(w: &mut SuiteWorld) -> Result<(), String> {
    w.world_mut()?.account.in_disk_white_list = false;
    Ok(())
}

#[given(expr = "the account has not opened the snapshot service")]
fn no_snapshot_service(w: &mut SuiteWorld) -> Result<(), String> {
    w.world_mut()?.account.snapshot_service_opened = false;
    Ok(())
}

#[given(expr = "the account has not authorised ECS to use KMS")]
fn kms_unauthorised(w: &mut SuiteWorld) -> Result<(), String> {
    w.world_mut()?.account.kms_authorized = false;
    Ok(())
}

#[given(expr = "a KMS key {string}")]
fn kms_key(w: &mut SuiteWorld, id: String) -> Result<(), String> {
    w.world_mut()?.kms_keys.push(KmsKey {
        key_id: id,
        enabled: true,
        ecs_tagged: true,
    });
    Ok(())
}

#[given(expr = "the KMS key {string} is disabled")]
fn kms_key_disabled(w: &mut SuiteWorld, id: String) -> Result<(), String> {
    kms_key_mut(w, &id)?.enabled = false;
    Ok(())
}

#[given(expr = "the KMS key {string} lacks the tag that lets ECS use it")]
fn kms_key_untagged(w: &mut SuiteWorld, id: String) -> Result<(), String> {
    kms_key_mut(w, &id)?.ecs_tagged = false;
    Ok(())
}

fn kms_key_mut<'w>(w: &'w mut SuiteWorld, id: &str) -> Result<&'w mut KmsKey, String> {
    w.world_mut()?
        .kms_keys
        .iter_mut()
        .find(|k| k.key_id == id)
        .ok_or_else(|| format!("the scenario states no KMS key {id:?}"))
}

#[given(expr = "the disk {string} is encrypted with KMS key {string}")]
fn disk_encrypted(w: &mut SuiteWorld, id: String, key: String) -> Result<(), String> {
    let d = w.disk_mut(&id)?;
    d.encrypted = true;
    d.kms_key_id = Some(key);
    Ok(())
}

#[given(expr = "the snapshot {string} is encrypted with KMS key {string}")]
fn snapshot_encrypted(w: &mut SuiteWorld, id: String, key: String) -> Result<(), String> {
    let s = w.snapshot_mut(&id)?;
    s.encrypted = true;
    s.kms_key_id = Some(key);
    Ok(())
}

#[given(expr = "the account does not have enough balance")]
fn no_balance(w: &mut SuiteWorld) -> Result<(), String> {
    w.world_mut()?.account.balance_sufficient = false;
    Ok(())
}

/// A fault of the control API: the next call of the action is answered with this error.
#[given(expr = "the next {word} fails with InternalError {string}")]
fn fault(w: &mut SuiteWorld, action: String, message: String) -> Result<(), String> {
    let action = declared(&action)?.name.to_owned();
    w.world_mut()?.faults.push(Fault {
        action,
        code: "InternalError".into(),
        message,
        count: 1,
    });
    Ok(())
}
