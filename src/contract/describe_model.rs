//! The one model of the Describe answers: an item of each list (instance, disk, snapshot) and the
//! page around it, as ECS writes them. The mock renders its answers from these types, in XML and
//! JSON (`Format::render`); discovery reads JSON answers back into them, so that the answers the
//! mock gives and the answers discovery expects cannot drift apart.
//!
//! Field names, order and spellings are the wire's (docs/wire.md §8). Reading is tolerant where
//! ECS answers vary or discovery has no use for a field: a field left out takes its default. A
//! status or lock reason this crate does not know makes the item unreadable, and so does a
//! snapshot's unreadable creation time: discovery never binds such a resource, since it would not
//! behave as any scenario states.
//!
//! The conversions sit beside the types: from the world for the mock ([`InstanceItem::of`]…), and
//! back to the world for discovery ([`InstanceItem::into_instance`]…). Discovery reads back only
//! what it matches on; the rest keeps the world's defaults.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use time::OffsetDateTime;
use time::macros::format_description;

use crate::world::{
    ChargeType, Disk, DiskStatus, Instance, InstanceStatus, LockReason, Snapshot, SnapshotStatus,
    Tag,
};

/// The expiry ECS shows for a pay-as-you-go instance, which never expires.
const FAR_FUTURE: OffsetDateTime = time::macros::datetime!(2099-12-31 15:59 UTC);

// --- Pages --------------------------------------------------------------------------------------

/// One page of a Describe list: `RequestId`, `TotalCount`, `PageNumber`, `PageSize`, then the
/// list (`Disks.Disk[]`), in that order. `T` is the item: discovery reads the page with each item
/// left a JSON value, so that an item it cannot read costs that item only; it reads back only the
/// list and its count.
macro_rules! page {
    ($(#[$doc:meta])* $page:ident { $list_field:ident: $list:ident { $item_field:ident = $item_name:literal: $item:ty } }) => {
        $(#[$doc])*
        #[derive(Debug, Serialize, Deserialize)]
        #[serde(rename_all = "PascalCase")]
        pub struct $page<T = $item> {
            #[serde(skip_deserializing)]
            pub request_id: String,
            #[serde(default, deserialize_with = "count")]
            pub total_count: Option<usize>,
            #[serde(skip_deserializing)]
            pub page_number: usize,
            #[serde(skip_deserializing)]
            pub page_size: usize,
            pub $list_field: $list<T>,
        }

        #[derive(Debug, Serialize, Deserialize)]
        pub struct $list<T = $item> {
            #[serde(rename = $item_name)]
            pub $item_field: Vec<T>,
        }
    };
}

page!(
    /// One page of DescribeInstances.
    InstancesPage { instances: Instances { instance = "Instance": InstanceItem } }
);
page!(
    /// One page of DescribeDisks.
    DisksPage { disks: Disks { disk = "Disk": DiskItem } }
);
page!(
    /// One page of DescribeSnapshots.
    SnapshotsPage { snapshots: Snapshots { snapshot = "Snapshot": SnapshotItem } }
);

/// `TotalCount`: the mock always sends a number. Read back, a string of digits counts too, and
/// anything else is no count: discovery then ends the list at its first short page.
fn count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
    let value = Value::deserialize(d)?;
    Ok(match value {
        Value::Number(n) => n.as_u64().and_then(|n| usize::try_from(n).ok()),
        Value::String(s) => s.parse().ok(),
        _ => None,
    })
}

/// A text field discovery reads as it comes or not at all: a string as it is, a number or a
/// boolean as its text, anything else (`null` included) as empty. ECS sends strings; a field a
/// vendor types otherwise must not make the whole resource unreadable.
fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => s,
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    })
}

/// An optional text field, as [`lenient`]; empty is none.
fn lenient_option<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    lenient(d).map(|s| Some(s).filter(|s| !s.is_empty()))
}

/// A size: a number, or a string of digits; anything else is 0.
fn lenient_size<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    Ok(lenient(d)?.parse().unwrap_or(0))
}

// --- Items --------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InstanceItem {
    pub instance_id: String,
    #[serde(default, deserialize_with = "lenient")]
    pub region_id: String,
    pub status: InstanceStatus,
    /// Pay-as-you-go when left out.
    #[serde(default)]
    pub instance_charge_type: ChargeType,
    /// `yyyy-MM-ddTHH:mmZ`; pay-as-you-go instances carry the far-future date ECS shows. One that
    /// cannot be read is no expiry.
    #[serde(default, deserialize_with = "lenient")]
    pub expired_time: String,
    #[serde(default, deserialize_with = "lenient")]
    pub creation_time: String,
    #[serde(default)]
    pub operation_locks: InstanceLocks,
    #[serde(default)]
    pub tags: Tags,
}

/// For instances the inner list is `LockReason`, not `OperationLock` (docs/wire.md §8.4).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct InstanceLocks {
    #[serde(rename = "LockReason", default)]
    pub lock_reason: Vec<Lock>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DiskItem {
    pub disk_id: String,
    #[serde(default, deserialize_with = "lenient")]
    pub region_id: String,
    pub status: DiskStatus,
    #[serde(rename = "Type", default, deserialize_with = "lenient")]
    pub disk_type: String,
    /// Always sent by the mock; an answer without it leaves the world's default category.
    #[serde(default, deserialize_with = "lenient_option")]
    pub category: Option<String>,
    #[serde(default, deserialize_with = "lenient_size")]
    pub size: u32,
    /// Empty unless the disk is attached.
    #[serde(default, deserialize_with = "lenient")]
    pub instance_id: String,
    #[serde(default, deserialize_with = "lenient")]
    pub source_snapshot_id: String,
    #[serde(default, deserialize_with = "lenient")]
    pub creation_time: String,
    #[serde(default)]
    pub operation_locks: DiskLocks,
    #[serde(default)]
    pub tags: Tags,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DiskLocks {
    #[serde(rename = "OperationLock", default)]
    pub operation_lock: Vec<Lock>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SnapshotItem {
    pub snapshot_id: String,
    #[serde(default)]
    pub source_disk_id: String,
    /// `system` or `data`; absent when the source disk is no longer in the world.
    #[serde(
        skip_serializing_if = "Option::is_none",
        default,
        deserialize_with = "lenient_option"
    )]
    pub source_disk_type: Option<String>,
    /// A string, as ECS sends it (`"40"`); absent when the source disk is gone.
    #[serde(
        skip_serializing_if = "Option::is_none",
        default,
        deserialize_with = "lenient_option"
    )]
    pub source_disk_size: Option<String>,
    pub status: SnapshotStatus,
    #[serde(default, deserialize_with = "lenient")]
    pub progress: String,
    #[serde(default, deserialize_with = "lenient")]
    pub snapshot_type: String,
    /// Required, and must read as a time: ResetDisk treats old snapshots apart, so discovery must
    /// know a snapshot's age to bind it.
    pub creation_time: String,
    #[serde(default)]
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Lock {
    pub lock_reason: LockReason,
}

/// `"Tags": {"Tag": [{"TagKey", "TagValue"}]}`, the same in every Describe answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Tags {
    #[serde(rename = "Tag", default)]
    pub tag: Vec<TagItem>,
}

/// A tag left without a key is no tag: it is dropped when read back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagItem {
    #[serde(default)]
    pub tag_key: String,
    #[serde(default)]
    pub tag_value: String,
}

// --- From the world (the mock) ------------------------------------------------------------------

impl InstanceItem {
    /// The field that names an instance: read alone from an item that cannot be read whole.
    pub const ID: &'static str = "InstanceId";

    pub fn of(x: &Instance) -> Self {
        Self {
            instance_id: x.instance_id.clone(),
            region_id: x.region_id.clone(),
            status: x.status,
            instance_charge_type: x.charge_type,
            expired_time: minutes(x.expired_time.unwrap_or(FAR_FUTURE)),
            creation_time: minutes(x.creation_time),
            operation_locks: InstanceLocks {
                lock_reason: locks(&x.lock_reasons),
            },
            tags: Tags::of(&x.tags),
        }
    }
}

impl DiskItem {
    /// The field that names a disk: read alone from an item that cannot be read whole.
    pub const ID: &'static str = "DiskId";

    pub fn of(d: &Disk) -> Self {
        Self {
            disk_id: d.disk_id.clone(),
            region_id: d.region_id.clone(),
            status: d.status,
            disk_type: d.disk_type.as_str().to_owned(),
            category: Some(d.category.clone()),
            size: d.size_gib,
            instance_id: d.instance_id.clone().unwrap_or_default(),
            source_snapshot_id: d.source_snapshot_id.clone().unwrap_or_default(),
            creation_time: seconds(d.creation_time),
            operation_locks: DiskLocks {
                operation_lock: locks(&d.lock_reasons),
            },
            tags: Tags::of(&d.tags),
        }
    }
}

impl SnapshotItem {
    /// The field that names a snapshot: read alone from an item that cannot be read whole.
    pub const ID: &'static str = "SnapshotId";

    /// `source` is the disk it was taken from, when the world still holds it; `now`, when it is
    /// described (a progressing snapshot's `Progress` rises with time).
    pub fn of(s: &Snapshot, source: Option<&Disk>, now: OffsetDateTime) -> Self {
        let progress = format!("{}%", s.progress_at(now));
        Self {
            snapshot_id: s.snapshot_id.clone(),
            source_disk_id: s.source_disk_id.clone(),
            source_disk_type: source.map(|d| d.disk_type.as_str().to_owned()),
            source_disk_size: source.map(|d| d.size_gib.to_string()),
            status: s.status,
            progress,
            snapshot_type: "user".to_owned(),
            creation_time: seconds(s.creation_time),
            tags: Tags::of(&s.tags),
        }
    }
}

impl Tags {
    pub fn of(tags: &[Tag]) -> Self {
        Self {
            tag: tags
                .iter()
                .map(|t| TagItem {
                    tag_key: t.key.clone(),
                    tag_value: t.value.clone(),
                })
                .collect(),
        }
    }
}

fn locks(reasons: &[LockReason]) -> Vec<Lock> {
    reasons
        .iter()
        .map(|&lock_reason| Lock { lock_reason })
        .collect()
}

/// Disks' and snapshots' times: `2024-01-01T00:00:00Z`.
fn seconds(t: OffsetDateTime) -> String {
    t.format(format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
    ))
    .unwrap_or_default()
}

/// Instances' times: `2024-01-01T00:00Z`.
fn minutes(t: OffsetDateTime) -> String {
    t.format(format_description!("[year]-[month]-[day]T[hour]:[minute]Z"))
        .unwrap_or_default()
}

// --- Back to the world (discovery) --------------------------------------------------------------

impl InstanceItem {
    /// The instance as discovery sees it: id, status, locks, charge type, expiry and tags.
    pub fn into_instance(self) -> Instance {
        let mut x = Instance::new(self.instance_id, self.status);
        x.lock_reasons = reasons(self.operation_locks.lock_reason);
        x.charge_type = self.instance_charge_type;
        x.expired_time = parse_time(&self.expired_time);
        x.tags = self.tags.into_tags();
        x
    }
}

impl DiskItem {
    /// The disk as discovery sees it: id, status, attachment, category, locks and tags.
    pub fn into_disk(self) -> Disk {
        let instance = Some(self.instance_id).filter(|i| !i.is_empty());
        let mut d = Disk::new(self.disk_id, self.status, instance);
        if let Some(category) = self.category {
            d.category = category;
        }
        d.lock_reasons = reasons(self.operation_locks.operation_lock);
        d.tags = self.tags.into_tags();
        d
    }
}

impl SnapshotItem {
    /// The snapshot as discovery sees it: id, source disk, status, creation time and tags; `None`
    /// when its creation time cannot be read.
    pub fn into_snapshot(self) -> Option<Snapshot> {
        let mut s = Snapshot::new(self.snapshot_id, self.source_disk_id, self.status);
        s.creation_time = parse_time(&self.creation_time)?;
        s.tags = self.tags.into_tags();
        Some(s)
    }
}

impl Tags {
    pub fn into_tags(self) -> Vec<Tag> {
        self.tag
            .into_iter()
            .filter(|t| !t.tag_key.is_empty())
            .map(|t| Tag {
                key: t.tag_key,
                value: t.tag_value,
            })
            .collect()
    }
}

fn reasons(locks: Vec<Lock>) -> Vec<LockReason> {
    locks.into_iter().map(|l| l.lock_reason).collect()
}

/// Either of ECS's time forms ([`seconds`], [`minutes`]), or any RFC 3339 time.
fn parse_time(s: &str) -> Option<OffsetDateTime> {
    use time::format_description::well_known::Rfc3339;
    OffsetDateTime::parse(s, &Rfc3339).ok().or_else(|| {
        let with_seconds = s.strip_suffix('Z').map(|t| format!("{t}:00Z"))?;
        OffsetDateTime::parse(&with_seconds, &Rfc3339).ok()
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::world::World;

    #[test]
    fn each_item_names_its_resource_by_its_id_field() {
        let world = World::sample();
        let x = serde_json::to_value(InstanceItem::of(&world.instances[0])).unwrap();
        assert_eq!(x[InstanceItem::ID], "i-instance1");
        let d = serde_json::to_value(DiskItem::of(&world.disks[0])).unwrap();
        assert_eq!(d[DiskItem::ID], "d-diskid1");
        let s = serde_json::to_value(SnapshotItem::of(
            &world.snapshots[0],
            None,
            OffsetDateTime::now_utc(),
        ))
        .unwrap();
        assert_eq!(s[SnapshotItem::ID], "s-snapshotid1");
    }

    #[test]
    fn a_page_s_count_is_a_number_or_a_string_of_one() {
        let count = |total: Value| {
            let page = json!({"TotalCount": total, "Disks": {"Disk": []}});
            serde_json::from_value::<DisksPage<Value>>(page).map(|p| p.total_count)
        };
        assert_eq!(count(json!(150)).ok(), Some(Some(150)));
        assert_eq!(count(json!("150")).ok(), Some(Some(150)));
        assert_eq!(count(json!(null)).ok(), Some(None));
        assert_eq!(count(json!(-1)).ok(), Some(None));
        let without = json!({"Disks": {"Disk": [{"DiskId": "d-1"}]}});
        let page = serde_json::from_value::<DisksPage<Value>>(without).unwrap();
        assert_eq!((page.total_count, page.disks.disk.len()), (None, 1));
        let no_list = json!({"TotalCount": 1, "Disks": {}});
        assert!(serde_json::from_value::<DisksPage<Value>>(no_list).is_err());
    }
}
