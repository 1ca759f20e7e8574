//! DescribeInstances: the world's instances in one region, with the `InstanceIds` filter, paging,
//! and `OperationLocks` listed under `LockReason` (not `OperationLock`, as for disks).

use super::common::{Page, id_filter, matches, region, tag_filter, tags_match};
use super::handler::{Context, Handler};
use crate::api_error::ApiError;
use crate::contract::describe_model::{InstanceItem, Instances, InstancesPage};
use crate::params::Params;

pub const ACTION: Handler = Handler {
    spec: &crate::contract::describe::DESCRIBE_INSTANCES,
    handle: describe_instances,
};

fn describe_instances(ctx: &mut Context<'_>, params: &Params) -> Result<String, ApiError> {
    let region = region(ctx, params)?;
    let ids = id_filter(params, "InstanceIds")?;
    let page = Page::from_params(params)?;
    let tag_filters = tag_filter(params)?;
    // Its own checks first (their rows are documented for it), then the metadata's.
    ctx.validate_read(params)?;
    // Filtered, counted, then only the page is built: a large world costs a page, not all of it.
    let matched = (ctx.world.instances.iter())
        .filter(|x| x.region_id == region && matches(&ids, &x.instance_id))
        .filter(|x| tags_match(&tag_filters, &x.tags));
    let (shown, total_count) = page.select(matched);
    let found: Vec<InstanceItem> = shown.into_iter().map(InstanceItem::of).collect();
    Ok(ctx.reply(&InstancesPage {
        request_id: ctx.request_id.clone(),
        total_count: Some(total_count),
        page_number: page.number,
        page_size: page.size,
        instances: Instances { instance: found },
    }))
}
