//! The world document: the account, its instances, disks, snapshots, KMS keys, released disk
//! ids and scheduled faults, with their defaults; what a world may hold in an edition, and the
//! control API's optional features it needs.

use serde::{Deserialize, Serialize, de::DeserializeOwned};
use time::OffsetDateTime;

use crate::api_error::ApiError;
use crate::catalogue::{Catalogue, CatalogueRow, Status};
use crate::contract::editions::Edition;

use super::reading::{WorldError, from_json};
use super::transitions::Transitions;
use super::values::{ChargeType, DiskStatus, DiskType, InstanceStatus, LockReason, SnapshotStatus};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct World {
    #[serde(default)]
    pub account: Account,
    #[serde(default)]
    pub instances: Vec<Instance>,
    #[serde(default)]
    pub disks: Vec<Disk>,
    #[serde(default)]
    pub snapshots: Vec<Snapshot>,
    /// Ids of disks that existed and were released: ResetDisk on one is `Disk.NotFound`.
    #[serde(default)]
    pub released_disk_ids: Vec<String>,
    /// Errors to answer instead of running an action, consumed in order.
    #[serde(default)]
    pub faults: Vec<Fault>,
    /// How long a successful reset keeps the disk busy (a second ResetDisk meanwhile is
    /// `Operation.Conflict`). Default 0: resets are instant.
    #[serde(default)]
    pub reset_duration_ms: u64,
    /// The account's KMS keys (control API feature `encryption`). Left out of documents when
    /// empty, as every field of that feature at its default: a world that does not use it reads
    /// as it did before the feature.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kms_keys: Vec<KmsKey>,
    /// How long the transitions that StopInstance, StartInstance and CreateSnapshot start last
    /// (control API feature `transitions`). Left out of documents at its defaults.
    #[serde(default, skip_serializing_if = "Transitions::is_default")]
    pub transitions: Transitions,
}

/// A KMS key (a CMK) that encrypted disks and snapshots name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KmsKey {
    pub key_id: String,
    /// `false`: ResetDisk answers `InvalidParameter.KMSKeyId.CMKNotEnabled` (editions that list it).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// `false`: the key lacks the tag that lets ECS use it, `…CMKUnauthorized`.
    #[serde(default = "yes")]
    pub ecs_tagged: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// `false`: `UserNotInTheWhiteList`.
    #[serde(default = "yes")]
    pub in_disk_white_list: bool,
    /// `false`: `InvalidAccountStatus.SnapshotServiceUnavailable`.
    #[serde(default = "yes")]
    pub snapshot_service_opened: bool,
    /// `false`: `InvalidAccountStatus.NotEnoughBalance`.
    #[serde(default = "yes")]
    pub balance_sufficient: bool,
    /// `false`: the account has not authorised ECS to use KMS,
    /// `InvalidParameter.KMSKeyId.KMSUnauthorized` for an encrypted disk or snapshot.
    #[serde(default = "yes", skip_serializing_if = "is_yes")]
    pub kms_authorized: bool,
}

impl Default for Account {
    fn default() -> Self {
        Self {
            in_disk_white_list: true,
            snapshot_service_opened: true,
            balance_sufficient: true,
            kms_authorized: true,
        }
    }
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instance {
    pub instance_id: String,
    #[serde(default = "default_region")]
    pub region_id: String,
    pub status: InstanceStatus,
    #[serde(default)]
    pub lock_reasons: Vec<LockReason>,
    #[serde(default)]
    pub charge_type: ChargeType,
    /// Subscription (`PrePaid`) expiry; in the past means expired.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub expired_time: Option<OffsetDateTime>,
    #[serde(default = "default_creation_time", with = "time::serde::rfc3339")]
    pub creation_time: OffsetDateTime,
    #[serde(default)]
    pub tags: Vec<Tag>,
    /// When a `Starting` or `Stopping` status ends (`Running`, `Stopped`): set by StartInstance
    /// and StopInstance (control API feature `transitions`). `null`: it lasts until a call ends it.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub status_until: Option<OffsetDateTime>,
}

/// A resource tag, as DescribeInstances, DescribeDisks and DescribeSnapshots show and filter by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tag {
    pub key: String,
    #[serde(default)]
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Disk {
    pub disk_id: String,
    #[serde(default = "default_region")]
    pub region_id: String,
    pub status: DiskStatus,
    /// Attachment. May name an instance the world does not hold (one released under it), which
    /// ResetDisk reports as `InvalidInstanceId.NotFound`.
    #[serde(default)]
    pub instance_id: Option<String>,
    #[serde(default = "default_category")]
    pub category: String,
    #[serde(default, rename = "type")]
    pub disk_type: DiskType,
    #[serde(default = "default_size")]
    pub size_gib: u32,
    /// Disk-level operation locks; a `financial` one means the disk is in arrears.
    #[serde(default)]
    pub lock_reasons: Vec<LockReason>,
    #[serde(default)]
    pub source_snapshot_id: Option<String>,
    /// The snapshot the last successful ResetDisk rolled this disk back to.
    #[serde(default)]
    pub last_reset_snapshot_id: Option<String>,
    /// Encrypted, with the KMS key `kms_key_id` (control API feature `encryption`).
    #[serde(default, skip_serializing_if = "is_no")]
    pub encrypted: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    #[serde(default = "default_creation_time", with = "time::serde::rfc3339")]
    pub creation_time: OffsetDateTime,
    #[serde(default)]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    pub snapshot_id: String,
    /// The disk it was taken from; kept after that disk is released, as ECS does.
    pub source_disk_id: String,
    #[serde(default = "default_region")]
    pub region_id: String,
    pub status: SnapshotStatus,
    #[serde(default = "default_creation_time", with = "time::serde::rfc3339")]
    pub creation_time: OffsetDateTime,
    /// `false`: ResetDisk answers `OperationDenied`.
    #[serde(default = "yes")]
    pub supports_reset: bool,
    /// Encrypted, with the KMS key `kms_key_id` (control API feature `encryption`).
    #[serde(default, skip_serializing_if = "is_no")]
    pub encrypted: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    #[serde(default)]
    pub tags: Vec<Tag>,
    /// When a `progressing` snapshot is `accomplished`; its `Progress` is the share of the time
    /// from `creation_time` to this that has passed. Set by CreateSnapshot (control API feature
    /// `transitions`). `null`: it stays progressing, at `0%`.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub status_until: Option<OffsetDateTime>,
}

/// A scheduled error: the next `count` calls of `action` answer it instead of running.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    pub action: String,
    pub code: String,
    pub message: String,
    #[serde(default = "one")]
    pub count: u32,
}

fn is_yes(b: &bool) -> bool {
    *b
}

fn is_no(b: &bool) -> bool {
    !*b
}

fn one() -> u32 {
    1
}

impl Fault {
    /// Faults may inject an action catalogue's 5xx rows and the other rows of their codes
    /// (ResetDisk's three `InternalError`s, one of them a 400), `Throttling` or
    /// `ServiceUnavailable`: of every edition.
    pub fn injectable() -> Vec<ApiError> {
        Self::injectable_where(|_| true)
    }

    /// Those of `edition`: a mock serving it schedules no other.
    pub fn injectable_in(edition: &Edition) -> Vec<ApiError> {
        Self::injectable_where(|r| r.editions.contains(edition))
    }

    fn injectable_where(keep: impl Fn(&CatalogueRow) -> bool) -> Vec<ApiError> {
        let server_side =
            |r: &CatalogueRow| matches!(r.answer.status, Status::Exact(s) if s >= 500);
        let mut all: Vec<ApiError> = Catalogue::all()
            .iter()
            .filter(|c| c.action().is_some())
            .flat_map(|c| {
                c.rows().iter().filter(|r| {
                    c.rows()
                        .iter()
                        .any(|o| server_side(o) && o.answer.code == r.answer.code)
                })
            })
            .filter(|r| keep(r))
            .filter_map(CatalogueRow::api_error)
            .chain(ApiError::injectable_common())
            .collect();
        // A fault is a 5xx row first: where a 4xx row of the same code has the same words
        // (StartInstance's 403 and 500 `InstanceNotReady`), the fault answers the 5xx one.
        all.sort_by_key(|e| e.status < 500);
        all
    }

    /// The documented error this fault answers with, if its code and message name one.
    pub fn api_error(&self) -> Option<ApiError> {
        self.named_in(Self::injectable())
    }

    /// Whether a mock serving `edition` answers this fault as any mock does: it names an error
    /// of that edition, the same one (StartInstance's 500 `InstanceNotReady` of 2023-08-25 has
    /// the words of a 403 row of the first edition, which a fault does not answer).
    pub fn answered_in(&self, edition: &Edition) -> bool {
        let answer = self.api_error();
        answer.is_some() && self.named_in(Self::injectable_in(edition)) == answer
    }

    /// The error of `valid` this fault names by its code and message.
    fn named_in(&self, valid: Vec<ApiError>) -> Option<ApiError> {
        valid
            .into_iter()
            .find(|e| e.code == self.code && e.message == self.message)
    }
}

/// Removes from the object `doc` every field equal to its value in `default`, but those in
/// `keep`; an object field that differs is pruned the same way, field by field.
fn prune(doc: &mut serde_json::Value, default: &serde_json::Value, keep: &[&str]) {
    let (Some(fields), Some(defaults)) = (doc.as_object_mut(), default.as_object()) else {
        return;
    };
    fields.retain(|k, v| keep.contains(&k.as_str()) || defaults.get(k) != Some(v));
    for (k, v) in fields.iter_mut() {
        if v.is_object()
            && let Some(d) = defaults.get(k)
        {
            prune(v, d, &[]);
        }
    }
}

impl Instance {
    /// A subscription whose expiry has passed at `now`.
    pub fn expired(&self, now: OffsetDateTime) -> bool {
        self.charge_type == ChargeType::PrePaid && self.expired_time.is_some_and(|t| t <= now)
    }

    /// An instance with every default: `cn-hangzhou`, pay-as-you-go, no locks.
    pub fn new(id: impl Into<String>, status: InstanceStatus) -> Self {
        Self {
            instance_id: id.into(),
            region_id: default_region(),
            status,
            lock_reasons: vec![],
            charge_type: ChargeType::default(),
            expired_time: None,
            creation_time: default_creation_time(),
            tags: vec![],
            status_until: None,
        }
    }
}

impl Disk {
    /// A disk with every default (`cloud_essd`, a 40 GiB system disk), attached to `instance`
    /// if given.
    pub fn new(id: impl Into<String>, status: DiskStatus, instance: Option<String>) -> Self {
        Self {
            disk_id: id.into(),
            region_id: default_region(),
            status,
            instance_id: instance,
            category: default_category(),
            disk_type: DiskType::default(),
            size_gib: default_size(),
            lock_reasons: vec![],
            source_snapshot_id: None,
            last_reset_snapshot_id: None,
            encrypted: false,
            kms_key_id: None,
            creation_time: default_creation_time(),
            tags: vec![],
        }
    }
}

impl Snapshot {
    /// A snapshot of `disk` with every default: it supports ResetDisk.
    pub fn new(id: impl Into<String>, disk: impl Into<String>, status: SnapshotStatus) -> Self {
        Self {
            snapshot_id: id.into(),
            source_disk_id: disk.into(),
            region_id: default_region(),
            status,
            creation_time: default_creation_time(),
            supports_reset: true,
            encrypted: false,
            kms_key_id: None,
            tags: vec![],
            status_until: None,
        }
    }

    /// Its `Progress` at `now`, in percent: 100 once accomplished; while progressing towards a
    /// `status_until`, the share of its creation time to then that has passed (at most 99);
    /// else 0.
    pub fn progress_at(&self, now: OffsetDateTime) -> u8 {
        match (self.status, self.status_until) {
            (SnapshotStatus::Accomplished, _) => 100,
            (SnapshotStatus::Progressing, Some(until)) if until > self.creation_time => {
                let whole = (until - self.creation_time).as_seconds_f64();
                let done = (now - self.creation_time).as_seconds_f64();
                // Truncated, and short of 100 until the status says so.
                (100.0 * done / whole).clamp(0.0, 99.0) as u8
            }
            _ => 0,
        }
    }
}

/// The region of a resource that states none.
pub const DEFAULT_REGION: &str = "cn-hangzhou";

fn default_region() -> String {
    DEFAULT_REGION.to_owned()
}

fn default_category() -> String {
    "cloud_essd".to_owned()
}

fn default_size() -> u32 {
    40
}

fn default_creation_time() -> OffsetDateTime {
    time::macros::datetime!(2020-08-20 14:52:28 UTC)
}

/// The control API's optional features of version 1 (`docs/control-api.md`, change log) that
/// a world document uses: `tags` when a resource carries one.
pub const FEATURE_TAGS: &str = "tags";

/// The optional feature for encrypted disks and snapshots, KMS keys and the account's KMS
/// authorisation (`docs/control-api.md`, change log).
pub const FEATURE_ENCRYPTION: &str = "encryption";

/// The optional feature for faults that name an error added by a later edition of the contract
/// than the first (the 400 `InternalError` of 2025-03-21): a server of the first published set
/// schedules only the first edition's.
pub const FEATURE_EDITION_FAULTS: &str = "edition_faults";

/// The optional feature for transitions over time: `transitions` (how long each lasts) and
/// `status_until` on instances and snapshots (docs/control-api.md, change log).
pub const FEATURE_TRANSITIONS: &str = "transitions";

impl World {
    /// The document a scenario states: every field at its documented default left out (empty
    /// lists, `null`s, the default region, times and flags), so that a control API written
    /// against an earlier revision of version 1 understands every world that needs nothing newer.
    pub fn stated(&self) -> serde_json::Value {
        use serde_json::Value;
        let mut doc = serde_json::to_value(self).unwrap_or(Value::Null);
        let default = serde_json::to_value(World::default()).unwrap_or(Value::Null);
        prune(&mut doc, &default, &[]);
        fn items<T: Serialize + DeserializeOwned>(doc: &mut Value, list: &str, required: &[&str]) {
            let Some(items) = doc.get_mut(list).and_then(Value::as_array_mut) else {
                return;
            };
            for item in items {
                let minimal: serde_json::Map<String, Value> = required
                    .iter()
                    .filter_map(|k| Some(((*k).to_owned(), item.get(*k)?.clone())))
                    .collect();
                let default = serde_json::from_value::<T>(Value::Object(minimal))
                    .ok()
                    .and_then(|t| serde_json::to_value(t).ok());
                if let Some(default) = default {
                    prune(item, &default, required);
                }
            }
        }
        items::<Instance>(&mut doc, "instances", &["instance_id", "status"]);
        items::<Disk>(&mut doc, "disks", &["disk_id", "status"]);
        items::<Snapshot>(
            &mut doc,
            "snapshots",
            &["snapshot_id", "source_disk_id", "status"],
        );
        items::<Fault>(&mut doc, "faults", &["action", "code", "message"]);
        if let Some(t) = doc.get_mut("transitions") {
            let default = serde_json::to_value(Transitions::default()).unwrap_or(Value::Null);
            prune(t, &default, &[]);
        }
        doc
    }

    /// The optional features of the control API this world needs (see [`FEATURE_TAGS`]).
    pub fn features(&self) -> Vec<&'static str> {
        let tagged = self.instances.iter().any(|i| !i.tags.is_empty())
            || self.disks.iter().any(|d| !d.tags.is_empty())
            || self.snapshots.iter().any(|s| !s.tags.is_empty());
        let encrypted = !self.kms_keys.is_empty()
            || !self.account.kms_authorized
            || self
                .disks
                .iter()
                .any(|d| d.encrypted || d.kms_key_id.is_some())
            || self
                .snapshots
                .iter()
                .any(|s| s.encrypted || s.kms_key_id.is_some());
        let mut out = Vec::new();
        if tagged {
            out.push(FEATURE_TAGS);
        }
        if encrypted {
            out.push(FEATURE_ENCRYPTION);
        }
        let first = &crate::contract::editions::all()[0];
        if (self.faults.iter()).any(|f| !f.answered_in(first)) {
            out.push(FEATURE_EDITION_FAULTS);
        }
        let timed = !self.transitions.is_default()
            || self.instances.iter().any(|x| x.status_until.is_some())
            || self.snapshots.iter().any(|s| s.status_until.is_some());
        if timed {
            out.push(FEATURE_TRANSITIONS);
        }
        out
    }

    /// Whether a mock serving `edition` can hold this world: every fault is an error of that
    /// edition.
    pub fn check_edition(&self, edition: &Edition) -> Result<(), WorldError> {
        for (i, f) in self.faults.iter().enumerate() {
            if !f.answered_in(edition) {
                return Err(WorldError::new(
                    format!("faults[{i}]"),
                    format!(
                        "{} {:?} is not an error of the edition this mock serves ({})",
                        f.code, f.message, edition.name
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Parses and validates a world document.
    pub fn from_json(json: &[u8]) -> Result<Self, WorldError> {
        let world: Self = from_json(json)?;
        world.validate()?;
        Ok(world)
    }

    /// The reference's sample resources: `ResetDisk DiskId=d-diskid1 SnapshotId=s-snapshotid1`
    /// succeeds — the disk is In_use on a Stopped instance and the snapshot is its own.
    pub fn sample() -> Self {
        Self {
            instances: vec![Instance::new("i-instance1", InstanceStatus::Stopped)],
            disks: vec![Disk::new(
                "d-diskid1",
                DiskStatus::InUse,
                Some("i-instance1".into()),
            )],
            snapshots: vec![Snapshot::new(
                "s-snapshotid1",
                "d-diskid1",
                SnapshotStatus::Accomplished,
            )],
            ..Self::default()
        }
    }

    pub fn instance(&self, id: &str) -> Option<&Instance> {
        self.instances.iter().find(|x| x.instance_id == id)
    }

    pub fn disk(&self, id: &str) -> Option<&Disk> {
        self.disks.iter().find(|d| d.disk_id == id)
    }

    pub fn snapshot(&self, id: &str) -> Option<&Snapshot> {
        self.snapshots.iter().find(|s| s.snapshot_id == id)
    }

    pub fn instance_mut(&mut self, id: &str) -> Option<&mut Instance> {
        self.instances.iter_mut().find(|x| x.instance_id == id)
    }

    pub fn disk_mut(&mut self, id: &str) -> Option<&mut Disk> {
        self.disks.iter_mut().find(|d| d.disk_id == id)
    }

    pub fn snapshot_mut(&mut self, id: &str) -> Option<&mut Snapshot> {
        self.snapshots.iter_mut().find(|s| s.snapshot_id == id)
    }

    /// Releases a disk: it leaves the world and its id is remembered (`Disk.NotFound`); its
    /// snapshots keep their `source_disk_id`. `false` if there was no such disk.
    pub fn release_disk(&mut self, id: &str) -> bool {
        let before = self.disks.len();
        self.disks.retain(|d| d.disk_id != id);
        let released = self.disks.len() < before;
        if released {
            self.released_disk_ids.push(id.to_owned());
        }
        released
    }

    /// Releases an instance; disks attached to it keep naming it. `false` if there was none.
    pub fn release_instance(&mut self, id: &str) -> bool {
        let before = self.instances.len();
        self.instances.retain(|x| x.instance_id != id);
        self.instances.len() < before
    }

    /// Takes the next scheduled fault for `action`, if any.
    pub fn take_fault(&mut self, action: &str) -> Option<ApiError> {
        let i = self.faults.iter().position(|f| f.action == action)?;
        let error = self.faults[i].api_error();
        self.faults[i].count -= 1;
        if self.faults[i].count == 0 {
            self.faults.remove(i);
        }
        error
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stated_world_leaves_out_every_default_and_reads_back_the_same() {
        let sample = World::sample();
        assert_eq!(
            sample.stated(),
            serde_json::json!({
                "instances": [{"instance_id": "i-instance1", "status": "Stopped"}],
                "disks": [{"disk_id": "d-diskid1", "status": "In_use", "instance_id": "i-instance1"}],
                "snapshots": [{"snapshot_id": "s-snapshotid1", "source_disk_id": "d-diskid1",
                               "status": "accomplished"}]
            })
        );
        let mut w = sample.clone();
        w.account.balance_sufficient = false;
        w.disks[0].category = "cloud_ssd".into();
        w.snapshots[0].tags.push(Tag {
            key: "k".into(),
            value: String::new(),
        });
        let stated = w.stated();
        assert_eq!(
            stated["account"],
            serde_json::json!({"balance_sufficient": false})
        );
        assert_eq!(stated["disks"][0]["category"], "cloud_ssd");
        assert!(stated["disks"][0].get("region_id").is_none());
        assert_eq!(w.features(), [FEATURE_TAGS]);
        assert!(sample.features().is_empty());
        for world in [sample, w] {
            let back = World::from_json(world.stated().to_string().as_bytes()).unwrap();
            assert_eq!(back, world);
        }
    }

    #[test]
    fn a_world_needs_a_newer_feature_only_when_it_uses_it() {
        let mut w = World::sample();
        let doc = serde_json::to_value(&w).unwrap();
        for absent in ["kms_keys", "kms_authorized", "encrypted", "kms_key_id"] {
            assert!(!doc.to_string().contains(absent), "{absent} in {doc}");
        }
        w.faults.push(Fault {
            action: "ResetDisk".into(),
            code: "InternalError".into(),
            message: "The request processing has failed due to some unknown error.".into(),
            count: 1,
        });
        assert!(
            w.features().is_empty(),
            "a first-edition fault needs no feature"
        );
        w.faults[0].message =
            "The requested services is not available now. Please try again later.".into();
        assert_eq!(w.features(), [FEATURE_EDITION_FAULTS]);
        w.disks[0].encrypted = true;
        assert_eq!(w.features(), [FEATURE_ENCRYPTION, FEATURE_EDITION_FAULTS]);
        let first = &crate::contract::editions::all()[0];
        assert!(w.check_edition(first).is_err());
        assert!(w.check_edition(crate::contract::editions::latest()).is_ok());
    }

    #[test]
    fn transitions_end_at_their_time_and_only_then() {
        let t0 = time::macros::datetime!(2026-01-01 00:00:00 UTC);
        let second = time::Duration::SECOND;
        let mut w = World::sample();
        w.instances[0].status = InstanceStatus::Stopping;
        w.instances[0].status_until = Some(t0 + 2 * second);
        let mut starting = Instance::new("i-2", InstanceStatus::Starting);
        starting.status_until = Some(t0 + second);
        w.instances.push(starting);
        let mut s = Snapshot::new("s-2", "d-diskid1", SnapshotStatus::Progressing);
        s.creation_time = t0;
        s.status_until = Some(t0 + 4 * second);
        w.snapshots.push(s);
        // A stated progressing snapshot without an end stays so.
        w.snapshots.push(Snapshot::new(
            "s-3",
            "d-diskid1",
            SnapshotStatus::Progressing,
        ));
        assert!(w.validate().is_ok());

        w.settle(t0 + second - time::Duration::MILLISECOND);
        assert_eq!(w.instances[1].status, InstanceStatus::Starting);
        assert_eq!(w.snapshots[1].progress_at(t0 + second), 25);
        w.settle(t0 + second);
        assert_eq!(w.instances[1].status, InstanceStatus::Running);
        assert_eq!(w.instances[1].status_until, None);
        assert_eq!(w.instances[0].status, InstanceStatus::Stopping);
        w.settle(t0 + 2 * second);
        assert_eq!(w.instances[0].status, InstanceStatus::Stopped);
        assert_eq!(w.snapshots[1].status, SnapshotStatus::Progressing);
        assert_eq!(
            w.snapshots[1].progress_at(t0 + 3999 * time::Duration::MILLISECOND),
            99
        );
        w.settle(t0 + 4 * second);
        assert_eq!(w.snapshots[1].status, SnapshotStatus::Accomplished);
        assert_eq!(w.snapshots[1].progress_at(t0), 100);
        assert_eq!(w.snapshots[2].status, SnapshotStatus::Progressing);
        assert_eq!(w.snapshots[2].progress_at(t0 + 9 * second), 0);
        // Settling again changes nothing, however late.
        let settled = w.clone();
        w.settle(t0 + 3600 * second);
        assert_eq!(w, settled);
    }

    #[test]
    fn a_status_that_ends_must_be_a_transitional_one() {
        let e = World::from_json(
            br#"{"instances":[{"instance_id":"i-1","status":"Running",
                 "status_until":"2026-01-01T00:00:00Z"}]}"#,
        )
        .unwrap_err();
        assert_eq!(e.field, "instances[0].status_until");
        let e = World::from_json(
            br#"{"snapshots":[{"snapshot_id":"s-1","source_disk_id":"d-1","status":"accomplished",
                 "status_until":"2026-01-01T00:00:00Z"}]}"#,
        )
        .unwrap_err();
        assert_eq!(e.field, "snapshots[0].status_until");
        let e = World::from_json(br#"{"transitions":{"concurrent_snapshots_per_disk":0}}"#)
            .unwrap_err();
        assert_eq!(e.field, "transitions.concurrent_snapshots_per_disk");
        let e = World::from_json(br#"{"transitions":{"stop":1}}"#).unwrap_err();
        assert_eq!(e.field, "transitions.stop");
        let e = World::from_json(br#"{"transitions":{"snapshot_ms":86400001}}"#).unwrap_err();
        assert_eq!(e.field, "transitions.snapshot_ms");
    }

    #[test]
    fn transitions_are_a_feature_stated_only_where_they_differ() {
        let mut w = World::sample();
        assert_eq!(w.transitions.stop_ms, 2_000, "the documented default");
        assert!(!serde_json::to_string(&w).unwrap().contains("transitions"));
        w.transitions.stop_ms = 0;
        assert_eq!(w.features(), [FEATURE_TRANSITIONS]);
        assert_eq!(w.stated()["transitions"], serde_json::json!({"stop_ms": 0}));
        let back = World::from_json(w.stated().to_string().as_bytes()).unwrap();
        assert_eq!(back, w);
        let mut w = World::sample();
        w.instances[0].status = InstanceStatus::Starting;
        w.instances[0].status_until = Some(default_creation_time());
        assert_eq!(w.features(), [FEATURE_TRANSITIONS]);
        assert_eq!(
            w.stated()["instances"][0]["status_until"],
            "2020-08-20T14:52:28Z"
        );
        assert!(w.stated().get("transitions").is_none());
    }

    #[test]
    fn the_sample_world_round_trips_through_json() {
        let json = serde_json::to_vec(&World::sample()).unwrap();
        assert_eq!(World::from_json(&json).unwrap(), World::sample());
    }

    #[test]
    fn a_minimal_document_takes_the_defaults() {
        let w = World::from_json(
            br#"{"disks":[{"disk_id":"d-1","status":"Available"}],
                 "snapshots":[{"snapshot_id":"s-1","source_disk_id":"d-1","status":"accomplished"}]}"#,
        )
        .unwrap();
        assert_eq!(w.disks[0].category, "cloud_essd");
        assert!(w.account.balance_sufficient);
        assert!(w.snapshots[0].supports_reset);
    }

    #[test]
    fn a_bad_enum_value_names_its_field_and_the_valid_values() {
        let e =
            World::from_json(br#"{"disks":[{"disk_id":"d-1","status":"In_Use"}]}"#).unwrap_err();
        assert_eq!(e.field, "disks[0].status");
        assert!(e.message.contains("In_use"), "{}", e.message);
    }

    #[test]
    fn unknown_fields_and_missing_fields_are_named() {
        let e =
            World::from_json(br#"{"disks":[{"disk_id":"d-1","status":"Available","colour":1}]}"#)
                .unwrap_err();
        assert_eq!(e.field, "disks[0].colour");
        let e = World::from_json(br#"{"instances":[{"instance_id":"i-1"}]}"#).unwrap_err();
        assert_eq!(e.field, "instances[0]");
        assert!(e.message.contains("status"), "{}", e.message);
        let e = World::from_json(b"{not json").unwrap_err();
        assert_eq!(e.field, "(document)");
    }

    #[test]
    fn a_key_given_twice_is_refused() {
        let e = World::from_json(br#"{"reset_duration_ms":1,"reset_duration_ms":2}"#).unwrap_err();
        assert!(e.message.contains("duplicate"), "{e:?}");
    }

    #[test]
    fn trailing_data_and_lists_in_place_of_objects_are_refused() {
        let e = World::from_json(br#"{"disks":[]} junk"#).unwrap_err();
        assert_eq!(e.field, "(document)");
        assert!(e.message.contains("trailing"), "{}", e.message);
        let e = World::from_json(b"[]").unwrap_err();
        assert_eq!(e.field, "(document)");
        let e = World::from_json(br#"{"account":[true]}"#).unwrap_err();
        assert_eq!(e.field, "account");
        let e = World::from_json(br#"{"instances":[["i-1","Stopped"]]}"#).unwrap_err();
        assert_eq!(e.field, "instances[0]");
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Put {
            secret: Option<String>,
            world: World,
        }
        assert_eq!(
            from_json::<Put>(br#"["s2",[]]"#).unwrap_err().field,
            "(document)"
        );
        assert_eq!(
            from_json::<Put>(br#"{"world":[]}"#).unwrap_err().field,
            "world"
        );
    }

    #[test]
    fn validation_names_duplicate_ids_and_dangling_in_use_disks() {
        let e = World::from_json(
            br#"{"disks":[{"disk_id":"d-1","status":"Available"},{"disk_id":"d-1","status":"Available"}]}"#,
        )
        .unwrap_err();
        assert_eq!(e.field, "disks[1].disk_id");
        let e =
            World::from_json(br#"{"disks":[{"disk_id":"d-1","status":"In_use"}]}"#).unwrap_err();
        assert_eq!(e.field, "disks[0].instance_id");
    }

    #[test]
    fn faults_must_be_documented_errors_and_are_consumed() {
        let e = World::from_json(
            br#"{"faults":[{"action":"ResetDisk","code":"InternalError","message":"oops"}]}"#,
        )
        .unwrap_err();
        assert_eq!(e.field, "faults[0]");
        let mut w = World::from_json(
            br#"{"faults":[{"action":"ResetDisk","code":"InternalError","count":2,
                 "message":"The request processing has failed due to some unknown error."}]}"#,
        )
        .unwrap();
        assert_eq!(w.take_fault("DescribeDisks"), None);
        assert_eq!(w.take_fault("ResetDisk").unwrap().status, 500);
        assert!(w.take_fault("ResetDisk").is_some());
        assert_eq!(w.take_fault("ResetDisk"), None);
    }

    #[test]
    fn releasing_removes_the_resource_and_remembers_a_disk() {
        let mut w = World::sample();
        assert!(w.release_disk("d-diskid1"));
        assert!(!w.release_disk("d-diskid1"));
        assert_eq!(w.released_disk_ids, ["d-diskid1"]);
        assert_eq!(w.snapshots[0].source_disk_id, "d-diskid1");
        assert!(w.release_instance("i-instance1"));
        assert!(w.instance("i-instance1").is_none());
        assert!(!w.release_instance("i-instance1"));
    }
}
