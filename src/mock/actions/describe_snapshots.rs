//! DescribeSnapshots: the world's snapshots in one region, with the `SnapshotIds` and `DiskId`
//! filters and paging.

use super::common::{Page, id_filter, matches, region, tag_filter, tags_match};
use super::{Context, Handler};
use crate::api_error::ApiError;
use crate::contract::describe_model::{SnapshotItem, Snapshots, SnapshotsPage};
use crate::params::Params;

pub const ACTION: Handler = Handler {
    spec: &crate::contract::describe::DESCRIBE_SNAPSHOTS,
    handle: describe_snapshots,
};

fn describe_snapshots(ctx: &mut Context<'_>, params: &Params) -> Result<String, ApiError> {
    let region = region(ctx, params)?;
    let ids = id_filter(params, "SnapshotIds")?;
    let disk = params.get("DiskId");
    let page = Page::from_params(params)?;
    let tag_filters = tag_filter(params)?;
    // Filtered, counted, then only the page is built: a large world costs a page, not all of it.
    let matched: Vec<_> = ctx
        .world
        .snapshots
        .iter()
        .filter(|s| s.region_id == region && matches(&ids, &s.snapshot_id))
        .filter(|s| disk.is_none_or(|d| s.source_disk_id == d))
        .filter(|s| tags_match(&tag_filters, &s.tags))
        .collect();
    let total_count = matched.len();
    let found: Vec<SnapshotItem> = page
        .take(matched)
        .into_iter()
        .map(|s| SnapshotItem::of(s, ctx.world.disk(&s.source_disk_id)))
        .collect();
    Ok(ctx.reply(&SnapshotsPage {
        request_id: ctx.request_id.clone(),
        total_count: Some(total_count),
        page_number: page.number,
        page_size: page.size,
        snapshots: Snapshots { snapshot: found },
    }))
}
