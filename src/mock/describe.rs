//! The read actions that let a client observe a world through the public API: DescribeDisks,
//! DescribeSnapshots and DescribeInstances, with their id filters, paging, and the documented
//! nested list shapes (`{"Disks":{"Disk":[…]}}`, `<Disks><Disk>…</Disk></Disks>`).

use serde::Serialize;
use time::OffsetDateTime;
use time::macros::format_description;

use super::reset_disk::{check_region_id, required};
use crate::api_error::ApiError;
use crate::params::Params;
use crate::world::{LockReason, World};

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeDisksResponse {
    pub request_id: String,
    pub total_count: usize,
    pub page_number: usize,
    pub page_size: usize,
    pub disks: Disks,
}

#[derive(Debug, Serialize)]
pub struct Disks {
    #[serde(rename = "Disk")]
    pub disk: Vec<DiskItem>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DiskItem {
    pub disk_id: String,
    pub region_id: String,
    pub status: &'static str,
    #[serde(rename = "Type")]
    pub disk_type: &'static str,
    pub category: String,
    pub size: u32,
    /// Empty unless the disk is attached.
    pub instance_id: String,
    pub source_snapshot_id: String,
    pub creation_time: String,
    pub operation_locks: DiskLocks,
}

#[derive(Debug, Serialize)]
pub struct DiskLocks {
    #[serde(rename = "OperationLock")]
    pub operation_lock: Vec<Lock>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Lock {
    pub lock_reason: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeSnapshotsResponse {
    pub request_id: String,
    pub total_count: usize,
    pub page_number: usize,
    pub page_size: usize,
    pub snapshots: Snapshots,
}

#[derive(Debug, Serialize)]
pub struct Snapshots {
    #[serde(rename = "Snapshot")]
    pub snapshot: Vec<SnapshotItem>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SnapshotItem {
    pub snapshot_id: String,
    pub source_disk_id: String,
    /// `system` or `data`; absent when the source disk is no longer in the world.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_disk_type: Option<&'static str>,
    /// A string, as ECS sends it (`"40"`); absent when the source disk is gone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_disk_size: Option<String>,
    pub status: &'static str,
    pub progress: &'static str,
    pub snapshot_type: &'static str,
    pub creation_time: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeInstancesResponse {
    pub request_id: String,
    pub total_count: usize,
    pub page_number: usize,
    pub page_size: usize,
    pub instances: Instances,
}

#[derive(Debug, Serialize)]
pub struct Instances {
    #[serde(rename = "Instance")]
    pub instance: Vec<InstanceItem>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InstanceItem {
    pub instance_id: String,
    pub region_id: String,
    pub status: &'static str,
    pub instance_charge_type: &'static str,
    /// `yyyy-MM-ddTHH:mmZ`; pay-as-you-go instances carry the far-future date ECS shows.
    pub expired_time: String,
    pub creation_time: String,
    pub operation_locks: InstanceLocks,
}

/// For instances the inner list is `LockReason`, not `OperationLock` (alibaba-rpc.md §7.3).
#[derive(Debug, Serialize)]
pub struct InstanceLocks {
    #[serde(rename = "LockReason")]
    pub lock_reason: Vec<Lock>,
}

/// A page of a filtered list, from `PageNumber` (default 1) and `PageSize` (default 10, max 100).
struct Page {
    number: usize,
    size: usize,
}

impl Page {
    fn from_params(params: &Params) -> Result<Self, ApiError> {
        let read = |name: &str, default: usize, max: usize| match params.get(name) {
            None => Ok(default),
            Some(v) => v
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| {
                    ApiError::invalid_parameter(
                        name,
                        &format!("expected an integer from 1 to {max}"),
                    )
                }),
        };
        Ok(Self {
            number: read("PageNumber", 1, usize::MAX)?,
            size: read("PageSize", 10, 100)?,
        })
    }

    fn take<T>(&self, items: Vec<T>) -> Vec<T> {
        let skip = (self.number - 1).saturating_mul(self.size);
        items.into_iter().skip(skip).take(self.size).collect()
    }
}

/// Every Describe action requires a well-formed RegionId and lists only that region.
fn region(params: &Params) -> Result<&str, ApiError> {
    let region = required(params, "RegionId")?;
    check_region_id(region)?;
    Ok(region)
}

/// An id filter: a JSON array string of at most 100 ids. `None` when the parameter is absent.
fn id_filter(params: &Params, name: &str) -> Result<Option<Vec<String>>, ApiError> {
    let Some(raw) = params.get(name) else {
        return Ok(None);
    };
    serde_json::from_str::<Vec<String>>(raw)
        .ok()
        .filter(|ids| ids.len() <= 100)
        .map(Some)
        .ok_or_else(|| {
            ApiError::invalid_parameter(name, "expected a JSON array of at most 100 ids")
        })
}

fn matches(filter: &Option<Vec<String>>, id: &str) -> bool {
    filter
        .as_ref()
        .is_none_or(|ids| ids.iter().any(|i| i == id))
}

fn seconds(t: OffsetDateTime) -> String {
    t.format(format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
    ))
    .unwrap_or_default()
}

fn minutes(t: OffsetDateTime) -> String {
    t.format(format_description!("[year]-[month]-[day]T[hour]:[minute]Z"))
        .unwrap_or_default()
}

fn locks(reasons: &[LockReason]) -> Vec<Lock> {
    reasons
        .iter()
        .map(|r| Lock {
            lock_reason: r.as_str(),
        })
        .collect()
}

pub fn describe_disks(
    world: &World,
    params: &Params,
    request_id: String,
) -> Result<DescribeDisksResponse, ApiError> {
    let region = region(params)?;
    let ids = id_filter(params, "DiskIds")?;
    let instance = params.get("InstanceId");
    let page = Page::from_params(params)?;
    let found: Vec<DiskItem> = world
        .disks
        .iter()
        .filter(|d| d.region_id == region && matches(&ids, &d.disk_id))
        .filter(|d| instance.is_none_or(|i| d.instance_id.as_deref() == Some(i)))
        .map(|d| DiskItem {
            disk_id: d.disk_id.clone(),
            region_id: d.region_id.clone(),
            status: d.status.as_str(),
            disk_type: d.disk_type.as_str(),
            category: d.category.clone(),
            size: d.size_gib,
            instance_id: d.instance_id.clone().unwrap_or_default(),
            source_snapshot_id: d.source_snapshot_id.clone().unwrap_or_default(),
            creation_time: seconds(d.creation_time),
            operation_locks: DiskLocks {
                operation_lock: locks(&d.lock_reasons),
            },
        })
        .collect();
    Ok(DescribeDisksResponse {
        request_id,
        total_count: found.len(),
        page_number: page.number,
        page_size: page.size,
        disks: Disks {
            disk: page.take(found),
        },
    })
}

pub fn describe_snapshots(
    world: &World,
    params: &Params,
    request_id: String,
) -> Result<DescribeSnapshotsResponse, ApiError> {
    let region = region(params)?;
    let ids = id_filter(params, "SnapshotIds")?;
    let disk = params.get("DiskId");
    let page = Page::from_params(params)?;
    let found: Vec<SnapshotItem> = world
        .snapshots
        .iter()
        .filter(|s| s.region_id == region && matches(&ids, &s.snapshot_id))
        .filter(|s| disk.is_none_or(|d| s.source_disk_id == d))
        .map(|s| {
            let source = world.disk(&s.source_disk_id);
            SnapshotItem {
                snapshot_id: s.snapshot_id.clone(),
                source_disk_id: s.source_disk_id.clone(),
                source_disk_type: source.map(|d| d.disk_type.as_str()),
                source_disk_size: source.map(|d| d.size_gib.to_string()),
                status: s.status.as_str(),
                progress: match s.status {
                    crate::world::SnapshotStatus::Accomplished => "100%",
                    _ => "0%",
                },
                snapshot_type: "user",
                creation_time: seconds(s.creation_time),
            }
        })
        .collect();
    Ok(DescribeSnapshotsResponse {
        request_id,
        total_count: found.len(),
        page_number: page.number,
        page_size: page.size,
        snapshots: Snapshots {
            snapshot: page.take(found),
        },
    })
}

pub fn describe_instances(
    world: &World,
    params: &Params,
    request_id: String,
) -> Result<DescribeInstancesResponse, ApiError> {
    let region = region(params)?;
    let ids = id_filter(params, "InstanceIds")?;
    let page = Page::from_params(params)?;
    let far_future = time::macros::datetime!(2099-12-31 15:59 UTC);
    let found: Vec<InstanceItem> = world
        .instances
        .iter()
        .filter(|x| x.region_id == region && matches(&ids, &x.instance_id))
        .map(|x| InstanceItem {
            instance_id: x.instance_id.clone(),
            region_id: x.region_id.clone(),
            status: x.status.as_str(),
            instance_charge_type: x.charge_type.as_str(),
            expired_time: minutes(x.expired_time.unwrap_or(far_future)),
            creation_time: minutes(x.creation_time),
            operation_locks: InstanceLocks {
                lock_reason: locks(&x.lock_reasons),
            },
        })
        .collect();
    Ok(DescribeInstancesResponse {
        request_id,
        total_count: found.len(),
        page_number: page.number,
        page_size: page.size,
        instances: Instances {
            instance: page.take(found),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::Format;

    fn params(list: &[(&str, &str)]) -> Params {
        list.iter().copied().collect()
    }

    #[test]
    fn describe_disks_has_the_documented_nested_shape_in_both_formats() {
        let r = describe_disks(
            &World::sample(),
            &params(&[("RegionId", "cn-hangzhou"), ("DiskIds", r#"["d-diskid1"]"#)]),
            "R".into(),
        )
        .unwrap();
        let json = Format::Json.render("DescribeDisksResponse", &r);
        assert!(
            json.contains(r#""Disks":{"Disk":[{"DiskId":"d-diskid1""#),
            "{json}"
        );
        assert!(
            json.contains(r#""OperationLocks":{"OperationLock":[]}"#),
            "{json}"
        );
        let xml = Format::Xml.render("DescribeDisksResponse", &r);
        assert!(
            xml.contains("<Disks><Disk><DiskId>d-diskid1</DiskId>"),
            "{xml}"
        );
        assert!(xml.contains("<Status>In_use</Status>"), "{xml}");
    }

    #[test]
    fn describe_instances_lists_lock_reasons_under_lock_reason() {
        let mut world = World::sample();
        world.instances[0].lock_reasons = vec![LockReason::Security];
        let r = describe_instances(&world, &params(&[("RegionId", "cn-hangzhou")]), "R".into())
            .unwrap();
        let json = Format::Json.render("DescribeInstancesResponse", &r);
        assert!(
            json.contains(r#""OperationLocks":{"LockReason":[{"LockReason":"security"}]}"#),
            "{json}"
        );
    }

    #[test]
    fn filters_and_paging_apply() {
        let w = World::sample();
        let none = describe_snapshots(
            &w,
            &params(&[("RegionId", "cn-hangzhou"), ("SnapshotIds", "[]")]),
            "R".into(),
        )
        .unwrap();
        assert_eq!(none.total_count, 0);
        let other_region =
            describe_disks(&w, &params(&[("RegionId", "cn-beijing")]), "R".into()).unwrap();
        assert_eq!(other_region.total_count, 0);
        let page2 = describe_disks(
            &w,
            &params(&[("RegionId", "cn-hangzhou"), ("PageNumber", "2")]),
            "R".into(),
        )
        .unwrap();
        assert_eq!((page2.total_count, page2.disks.disk.len()), (1, 0));
    }

    #[test]
    fn bad_filters_and_regions_are_errors() {
        let w = World::sample();
        let code = |p: &[(&str, &str)]| {
            describe_disks(&w, &params(p), "R".into())
                .unwrap_err()
                .code
                .into_owned()
        };
        assert_eq!(code(&[]), "MissingRegionId");
        assert_eq!(
            code(&[("RegionId", "Hangzhou")]),
            "InvalidRegionId.MalFormed"
        );
        assert_eq!(
            code(&[("RegionId", "cn-hangzhou"), ("DiskIds", "d-1")]),
            "InvalidParameter"
        );
        assert_eq!(
            code(&[("RegionId", "cn-hangzhou"), ("PageSize", "101")]),
            "InvalidParameter"
        );
    }
}
