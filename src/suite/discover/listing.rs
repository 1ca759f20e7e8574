//! Listing an account's resources through the Describe actions: paged, retried while throttled,
//! parsed as ECS writes them; what is tagged apart from what is not.

use std::collections::HashSet;

use serde::Deserialize;
use serde_json::Value;

use super::tag::{TAG_KEY, TAG_VALUE};
use crate::client::{Call, Client, ClientError, RawResponse, WireForm};
use crate::contract;
use crate::contract::describe_model::{
    DiskItem, DisksPage, InstanceItem, InstancesPage, SnapshotItem, SnapshotsPage,
};
use crate::format::Format;
use crate::world::{Disk, Instance, Snapshot, Tag, World};

/// The most pages read of one list: 1,000 pages of 100.
const MAX_PAGES: usize = 1000;

/// One kind of resource as the Describe* calls list it. Its answer's shape is the shared model's
/// (`contract::describe_model`): a page is read with its items left as JSON values, then each item
/// alone, so that an item discovery cannot read is only that item counted among the others.
struct Kind<T> {
    action: &'static str,
    /// The id field: `DiskId` (and `DiskIds`, the filter by id).
    id: &'static str,
    page: fn(Value) -> serde_json::Result<Page>,
    parse: fn(&Value) -> Option<T>,
    tags: fn(&T) -> &[Tag],
}

/// A page's items, unread, and its `TotalCount`.
type Page = (Vec<Value>, Option<usize>);

const INSTANCES: Kind<Instance> = Kind {
    action: contract::describe::DESCRIBE_INSTANCES.name,
    id: InstanceItem::ID,
    page: |body| {
        serde_json::from_value::<InstancesPage<Value>>(body)
            .map(|p| (p.instances.instance, p.total_count))
    },
    parse: parse_instance,
    tags: |x| &x.tags,
};
const DISKS: Kind<Disk> = Kind {
    action: contract::describe::DESCRIBE_DISKS.name,
    id: DiskItem::ID,
    page: |body| {
        serde_json::from_value::<DisksPage<Value>>(body).map(|p| (p.disks.disk, p.total_count))
    },
    parse: parse_disk,
    tags: |x| &x.tags,
};
const SNAPSHOTS: Kind<Snapshot> = Kind {
    action: contract::describe::DESCRIBE_SNAPSHOTS.name,
    id: SnapshotItem::ID,
    page: |body| {
        serde_json::from_value::<SnapshotsPage<Value>>(body)
            .map(|p| (p.snapshots.snapshot, p.total_count))
    },
    parse: parse_snapshot,
    tags: |x| &x.tags,
};

/// One kind's resources (those of `ids` only, when given): those tagged disposable, the others
/// discovery could read, and the ids of every resource not tagged (read or not).
struct Fetched<T> {
    tagged: Vec<T>,
    untagged: Vec<T>,
    others: Vec<String>,
}

async fn fetch<T>(
    client: &Client,
    region: &str,
    kind: &Kind<T>,
    ids: Option<&[&String]>,
) -> Result<Fetched<T>, ListError> {
    let filter = ids.map(|ids| (format!("{}s", kind.id), serde_json::json!(ids).to_string()));
    let filter = filter.as_ref().map(|(k, v)| (k.as_str(), v.as_str()));
    let mut out = Fetched {
        tagged: Vec::new(),
        untagged: Vec::new(),
        others: Vec::new(),
    };
    pages(client, region, kind, filter, |item| {
        match (kind.parse)(&item) {
            Some(x) if disposable((kind.tags)(&x)) => out.tagged.push(x),
            read => {
                out.others.extend(id_of(&item, kind.id));
                out.untagged.extend(read);
            }
        }
    })
    .await?;
    Ok(out)
}

/// Why a listing failed: the endpoint gave no answer at all, answered what cannot be listed, or
/// a call timed out while the runner itself stalled (for how long).
#[derive(Debug)]
pub(super) enum ListError {
    NoAnswer(String),
    Answer(String),
    Stalled(String, std::time::Duration),
}

impl std::fmt::Display for ListError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoAnswer(e) | Self::Answer(e) | Self::Stalled(e, _) => f.write_str(e),
        }
    }
}

impl From<String> for ListError {
    fn from(e: String) -> Self {
        Self::Answer(e)
    }
}

/// What a listing of the region found.
#[derive(Debug, Default)]
pub(super) struct Listed {
    /// The resources tagged disposable: what may be bound.
    pub tagged: World,
    /// The others discovery could read: never bound, but what sets a tagged one apart may lie
    /// there (a disk's snapshot still being made, tagged or not).
    pub untagged: World,
    /// The ids of every resource not tagged, read or not: no call may name them.
    pub others: HashSet<String>,
}

/// The region's instances, disks and snapshots, tagged disposable or not: the three lists at
/// once (each paged in order), so that a large account costs the longest list's round trips, not
/// all three's.
pub(super) async fn list(client: &Client, region: &str) -> Result<Listed, ListError> {
    let (instances, disks, snapshots) = futures::try_join!(
        fetch(client, region, &INSTANCES, None),
        fetch(client, region, &DISKS, None),
        fetch(client, region, &SNAPSHOTS, None),
    )?;
    let others = (instances.others.into_iter())
        .chain(disks.others)
        .chain(snapshots.others)
        .collect();
    Ok(Listed {
        tagged: World {
            instances: instances.tagged,
            disks: disks.tagged,
            snapshots: snapshots.tagged,
            ..World::default()
        },
        untagged: World {
            instances: instances.untagged,
            disks: disks.untagged,
            snapshots: snapshots.untagged,
            ..World::default()
        },
        others,
    })
}

/// The resources of `these` as the account shows them now, asked for by id (a call per kind,
/// whatever the account's size); one no longer tagged disposable is left out, as if gone.
pub(super) async fn describe(
    client: &Client,
    region: &str,
    these: &World,
) -> Result<World, ListError> {
    async fn by_id<T>(
        client: &Client,
        region: &str,
        kind: &Kind<T>,
        ids: Vec<&String>,
    ) -> Result<Vec<T>, ListError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(fetch(client, region, kind, Some(&ids)).await?.tagged)
    }
    Ok(World {
        instances: by_id(
            client,
            region,
            &INSTANCES,
            these.instances.iter().map(|x| &x.instance_id).collect(),
        )
        .await?,
        disks: by_id(
            client,
            region,
            &DISKS,
            these.disks.iter().map(|x| &x.disk_id).collect(),
        )
        .await?,
        snapshots: by_id(
            client,
            region,
            &SNAPSHOTS,
            these.snapshots.iter().map(|x| &x.snapshot_id).collect(),
        )
        .await?,
        ..World::default()
    })
}

pub(super) fn disposable(tags: &[Tag]) -> bool {
    tags.iter()
        .any(|t| t.key == TAG_KEY && t.value == TAG_VALUE)
}

fn id_of(item: &Value, field: &str) -> Option<String> {
    item.get(field)?.as_str().map(str::to_owned)
}

/// Every item of a paged Describe* list (`{"Disks":{"Disk":[…]}}`), handed to `each` unread as
/// its page arrives: only one page is held as JSON at a time.
async fn pages<T>(
    client: &Client,
    region: &str,
    kind: &Kind<T>,
    filter: Option<(&str, &str)>,
    mut each: impl FnMut(Value),
) -> Result<(), ListError> {
    let action = kind.action;
    let mut listed = 0;
    for number in 1..=MAX_PAGES {
        let mut call = Call::new(action, WireForm::V1Get, Some(Format::Json))
            .param("RegionId", region)
            .param("PageSize", "100")
            .param("PageNumber", number.to_string());
        if let Some((name, value)) = filter {
            call = call.param(name, value);
        }
        let raw = crate::suite::throttle::send_retrying(client, &call)
            .await
            .map_err(|e| match e {
                ClientError::Http { .. } => ListError::NoAnswer(e.to_string()),
                ClientError::Stalled { stalled, .. } => ListError::Stalled(e.to_string(), stalled),
                other => ListError::Answer(other.to_string()),
            })?;
        if raw.status != 200 {
            return Err(ListError::Answer(format!(
                "{action} answered {}: {}",
                raw.status,
                excerpt(&raw)
            )));
        }
        let body: Value = serde_json::from_str(&raw.body).map_err(|e| {
            ListError::Answer(format!(
                "{action} answered 200 with a body that is not JSON ({e})"
            ))
        })?;
        let (page, total) = (kind.page)(body)
            .map_err(|e| ListError::Answer(format!("{action}'s answer has no list ({e})")))?;
        // TotalCount may be missing or a string: a short page ends the list as surely.
        let last = page.len() < 100;
        listed += page.len();
        page.into_iter().for_each(&mut each);
        if last || total.is_some_and(|t| listed >= t) {
            return Ok(());
        }
    }
    Err(ListError::Answer(format!(
        "{action} lists more than {} items in {region}; discovery stops there",
        MAX_PAGES * 100
    )))
}

/// The first 200 characters of an answer, for an error message.
fn excerpt(raw: &RawResponse) -> String {
    raw.body.chars().take(200).collect()
}

pub(super) fn parse_instance(item: &Value) -> Option<Instance> {
    InstanceItem::deserialize(item)
        .ok()
        .map(InstanceItem::into_instance)
}

pub(super) fn parse_disk(item: &Value) -> Option<Disk> {
    DiskItem::deserialize(item).ok().map(DiskItem::into_disk)
}

fn parse_snapshot(item: &Value) -> Option<Snapshot> {
    SnapshotItem::deserialize(item).ok()?.into_snapshot()
}

#[cfg(test)]
mod tests {
    //! What discovery reads of an item, and what it forgives: fields left out, unknown values.
    use serde_json::json;
    use time::macros::datetime;

    use super::*;
    use crate::world::{
        ChargeType, DiskStatus, DiskType, InstanceStatus, LockReason, SnapshotStatus,
    };

    #[test]
    fn an_instance_needs_its_id_and_a_known_status_only() {
        let x = parse_instance(&json!({"InstanceId": "i-1", "Status": "Running"}));
        assert_eq!(x, Some(Instance::new("i-1", InstanceStatus::Running)));
        assert_eq!(parse_instance(&json!({"InstanceId": "i-1"})), None);
        assert_eq!(parse_instance(&json!({"Status": "Running"})), None);
        let odd = json!({"InstanceId": "i-1", "Status": "Hibernating"});
        assert_eq!(parse_instance(&odd), None);
        let odd = json!({"InstanceId": "i-1", "Status": "Running", "InstanceChargeType": "Spot"});
        assert_eq!(parse_instance(&odd), None);
    }

    #[test]
    fn an_instance_s_expiry_reads_either_time_form_and_forgives_others() {
        let with = |t: &str| {
            parse_instance(&json!({"InstanceId": "i-1", "Status": "Stopped", "ExpiredTime": t}))
                .map(|x| x.expired_time)
        };
        assert_eq!(
            with("2030-01-02T03:04Z"),
            Some(Some(datetime!(2030-01-02 03:04 UTC)))
        );
        assert_eq!(
            with("2030-01-02T03:04:05Z"),
            Some(Some(datetime!(2030-01-02 03:04:05 UTC)))
        );
        assert_eq!(with("soon"), Some(None));
        assert_eq!(with(""), Some(None));
    }

    #[test]
    fn what_discovery_does_not_read_keeps_the_world_s_defaults() {
        let x = parse_instance(&json!({
            "InstanceId": "i-1", "Status": "Stopped", "RegionId": "cn-beijing",
            "CreationTime": "2024-01-01T00:00Z"
        }));
        assert_eq!(x, Some(Instance::new("i-1", InstanceStatus::Stopped)));
        let d = parse_disk(&json!({
            "DiskId": "d-1", "Status": "Available", "RegionId": "cn-beijing", "Type": "data",
            "Size": 100, "SourceSnapshotId": "s-1", "CreationTime": "2024-01-01T00:00:00Z"
        }));
        assert_eq!(d, Some(Disk::new("d-1", DiskStatus::Available, None)));
    }

    #[test]
    fn a_disk_is_unattached_when_its_instance_id_is_empty_or_absent() {
        let d = |v: Value| parse_disk(&v).map(|d| d.instance_id);
        assert_eq!(
            d(json!({"DiskId": "d-1", "Status": "Available"})),
            Some(None)
        );
        let empty = json!({"DiskId": "d-1", "Status": "Available", "InstanceId": ""});
        assert_eq!(d(empty), Some(None));
        let on = json!({"DiskId": "d-1", "Status": "In_use", "InstanceId": "i-1"});
        assert_eq!(d(on), Some(Some("i-1".to_owned())));
        let category = |v: Value| parse_disk(&v).map(|d| d.category);
        let bare = json!({"DiskId": "d-1", "Status": "Available"});
        assert_eq!(category(bare).as_deref(), Some("cloud_essd"));
        let local = json!({"DiskId": "d-1", "Status": "Available", "Category": "local_ssd_pro"});
        assert_eq!(category(local).as_deref(), Some("local_ssd_pro"));
    }

    /// As the hand parser did before the shared model: a field discovery does not need, typed
    /// otherwise or `null`, leaves the resource readable; a `null` InstanceId is unattached.
    #[test]
    fn fields_typed_otherwise_or_null_do_not_hide_a_resource() {
        let disk = json!({
            "DiskId": "d-1", "Status": "Available", "InstanceId": null, "Size": "40",
            "SourceSnapshotId": null, "RegionId": 5, "CreationTime": null, "Type": null,
            "Category": null
        });
        let d = parse_disk(&disk).expect("readable");
        assert_eq!((d.instance_id, d.category.as_str()), (None, "cloud_essd"));
        let instance = json!({
            "InstanceId": "i-1", "Status": "Stopped", "ExpiredTime": null, "RegionId": null,
            "CreationTime": 0
        });
        let i = parse_instance(&instance).expect("readable");
        assert_eq!(i.expired_time, None);
        let snapshot = json!({
            "SnapshotId": "s-1", "SourceDiskId": "d-1", "Status": "accomplished",
            "CreationTime": "2020-08-20T14:52:28Z", "SourceDiskSize": 40, "Progress": null,
            "SourceDiskType": null, "SnapshotType": 1
        });
        assert!(parse_snapshot(&snapshot).is_some());
    }

    #[test]
    fn locks_are_read_under_each_kind_s_list_and_an_unknown_one_hides_the_item() {
        let disk = |locks: Value| {
            parse_disk(&json!({"DiskId": "d-1", "Status": "Available", "OperationLocks": locks}))
                .map(|d| d.lock_reasons)
        };
        assert_eq!(
            disk(json!({"OperationLock": [{"LockReason": "financial"}]})),
            Some(vec![LockReason::Financial])
        );
        assert_eq!(disk(json!({})), Some(vec![]));
        assert_eq!(
            disk(json!({"OperationLock": [{"LockReason": "mystery"}]})),
            None
        );
        assert_eq!(disk(json!({"OperationLock": [{}]})), None);
        let instance = json!({
            "InstanceId": "i-1", "Status": "Stopped",
            "OperationLocks": {"LockReason": [{"LockReason": "security"}]}
        });
        let x = parse_instance(&instance).map(|x| x.lock_reasons);
        assert_eq!(x, Some(vec![LockReason::Security]));
    }

    #[test]
    fn a_snapshot_needs_a_creation_time_it_can_read() {
        let s = |v: Value| parse_snapshot(&v);
        let ok = json!({
            "SnapshotId": "s-1", "SourceDiskId": "d-1", "Status": "accomplished",
            "CreationTime": "2013-07-14T23:59:59Z"
        });
        let mut want = Snapshot::new("s-1", "d-1", SnapshotStatus::Accomplished);
        want.creation_time = datetime!(2013-07-14 23:59:59 UTC);
        assert_eq!(s(ok), Some(want));
        let no_disk =
            json!({"SnapshotId": "s-1", "Status": "failed", "CreationTime": "2024-01-01T00:00Z"});
        assert_eq!(s(no_disk).map(|s| s.source_disk_id), Some(String::new()));
        assert_eq!(s(json!({"SnapshotId": "s-1", "Status": "failed"})), None);
        let unreadable = json!({"SnapshotId": "s-1", "Status": "failed", "CreationTime": "then"});
        assert_eq!(s(unreadable), None);
    }

    #[test]
    fn tags_forgive_a_missing_value_and_skip_a_missing_key() {
        let tags = |t: Value| {
            parse_disk(&json!({"DiskId": "d-1", "Status": "Available", "Tags": t})).map(|d| d.tags)
        };
        let got = tags(
            json!({"Tag": [{"TagKey": "k"}, {"TagValue": "v"}, {"TagKey": "a", "TagValue": "b"}]}),
        );
        let want = [("k", ""), ("a", "b")].map(|(key, value)| Tag {
            key: key.into(),
            value: value.into(),
        });
        assert_eq!(got, Some(want.to_vec()));
        assert_eq!(tags(json!({})), Some(vec![]));
    }

    /// The mock's answers, listed by discovery, give back the world they show: the tagged
    /// resources as discovery sees them, over more than one page, and the others by id.
    #[tokio::test]
    async fn the_mock_s_answers_list_back_as_its_world() {
        let tagged = vec![
            Tag {
                key: TAG_KEY.into(),
                value: TAG_VALUE.into(),
            },
            Tag {
                key: "a<b".into(),
                value: r#""x" & y"#.into(),
            },
        ];
        let mut prepaid = Instance::new("i-prepaid", InstanceStatus::Running);
        prepaid.charge_type = ChargeType::PrePaid;
        prepaid.expired_time = Some(datetime!(2030-01-02 03:04 UTC));
        prepaid.lock_reasons = vec![LockReason::Financial, LockReason::Security];
        prepaid.tags = tagged.clone();
        let mut postpaid = Instance::new("i-postpaid", InstanceStatus::Stopped);
        postpaid.tags = tagged.clone();
        let mut detached = Disk::new("d-detached", DiskStatus::Available, None);
        detached.category = "local_ssd_pro".into();
        detached.lock_reasons = vec![LockReason::Recycling];
        detached.tags = tagged.clone();
        let mut data = Disk::new("d-data", DiskStatus::InUse, Some("i-prepaid".into()));
        data.disk_type = DiskType::Data;
        data.size_gib = 100;
        data.source_snapshot_id = Some("s-old".into());
        data.tags = tagged.clone();
        let mut old = Snapshot::new("s-old", "d-gone", SnapshotStatus::Progressing);
        old.creation_time = datetime!(2013-07-14 23:59:59 UTC);
        old.tags = tagged.clone();

        let mut world = World::sample();
        world.instances.extend([prepaid.clone(), postpaid.clone()]);
        world.disks.extend([detached.clone(), data.clone()]);
        world.snapshots.push(old.clone());
        let many: Vec<String> = (0..150).map(|i| format!("s-many{i}")).collect();
        for id in &many {
            let s = Snapshot::new(id, "d-diskid1", SnapshotStatus::Accomplished);
            world.snapshots.push(s);
        }
        let config = crate::MockConfig {
            world,
            ..crate::MockConfig::default()
        };
        let server = crate::MockServer::start_with(config).await.unwrap();
        let credentials = crate::Credentials::new(
            crate::DEFAULT_ACCESS_KEY_ID,
            crate::DEFAULT_ACCESS_KEY_SECRET,
        );
        let client = Client::new(server.url(), credentials).unwrap();
        let Listed {
            tagged: found,
            untagged: read,
            others: untagged,
        } = list(&client, "cn-hangzhou").await.unwrap();

        // What the answers do not carry, or discovery does not read, comes back as the default:
        // a pay-as-you-go instance shows ECS's far-future expiry; a disk's type, size and source
        // snapshot are not read.
        postpaid.expired_time = Some(datetime!(2099-12-31 15:59 UTC));
        let plain = Disk::new("d-data", DiskStatus::InUse, None);
        data.disk_type = plain.disk_type;
        data.size_gib = plain.size_gib;
        data.source_snapshot_id = None;
        assert_eq!(found.instances, [prepaid, postpaid]);
        assert_eq!(found.disks, [detached, data]);
        assert_eq!(found.snapshots, [old]);
        let mut others: Vec<String> = ["i-instance1", "d-diskid1", "s-snapshotid1"]
            .map(str::to_owned)
            .into();
        others.extend(many);
        // The untagged ones are read too (what sets a tagged one apart may lie there), in order.
        let ids = |w: &World| -> Vec<String> {
            let i = w.instances.iter().map(|x| &x.instance_id);
            let d = w.disks.iter().map(|x| &x.disk_id);
            i.chain(d)
                .chain(w.snapshots.iter().map(|x| &x.snapshot_id))
                .cloned()
                .collect()
        };
        assert_eq!(ids(&read), others);
        assert_eq!(untagged, others.into_iter().collect::<HashSet<_>>());
    }
}
