//! DescribeInstances: the world's instances in one region, with the `InstanceIds` filter, paging,
//! and `OperationLocks` listed under `LockReason` (not `OperationLock`, as for disks).

use serde::Serialize;

use super::common::{
    Lock, Page, Tags, id_filter, locks, matches, minutes, region, tag_filter, tags, tags_match,
};
use super::{Action, Context};
use crate::api_error::ApiError;
use crate::params::Params;

pub const ACTION: Action = Action {
    spec: &crate::contract::describe::DESCRIBE_INSTANCES,
    handle: describe_instances,
};

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
    pub tags: Tags,
}

/// For instances the inner list is `LockReason`, not `OperationLock` (docs/wire.md §8.3).
#[derive(Debug, Serialize)]
pub struct InstanceLocks {
    #[serde(rename = "LockReason")]
    pub lock_reason: Vec<Lock>,
}

fn describe_instances(ctx: &mut Context<'_>, params: &Params) -> Result<String, ApiError> {
    let region = region(ctx, params)?;
    let ids = id_filter(params, "InstanceIds")?;
    let page = Page::from_params(params)?;
    let tag_filters = tag_filter(params)?;
    let far_future = time::macros::datetime!(2099-12-31 15:59 UTC);
    // Filtered, counted, then only the page is built: a large world costs a page, not all of it.
    let matched: Vec<_> = ctx
        .world
        .instances
        .iter()
        .filter(|x| x.region_id == region && matches(&ids, &x.instance_id))
        .filter(|x| tags_match(&tag_filters, &x.tags))
        .collect();
    let total_count = matched.len();
    let found: Vec<InstanceItem> = page
        .take(matched)
        .into_iter()
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
            tags: tags(&x.tags),
        })
        .collect();
    Ok(ctx.reply(&DescribeInstancesResponse {
        request_id: ctx.request_id.clone(),
        total_count,
        page_number: page.number,
        page_size: page.size,
        instances: Instances { instance: found },
    }))
}
