//! DescribeSnapshots: the world's snapshots in one region, with the `SnapshotIds` and `DiskId`
//! filters and paging.

use serde::Serialize;

use super::common::{
    Page, Tags, id_filter, matches, region, seconds, tag_filter, tags, tags_match,
};
use super::{Action, Context};
use crate::api_error::ApiError;
use crate::params::Params;

pub const ACTION: Action = Action {
    spec: &crate::contract::describe::DESCRIBE_SNAPSHOTS,
    handle: describe_snapshots,
};

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
    pub tags: Tags,
}

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
        .map(|s| {
            let source = ctx.world.disk(&s.source_disk_id);
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
                tags: tags(&s.tags),
            }
        })
        .collect();
    Ok(ctx.reply(&DescribeSnapshotsResponse {
        request_id: ctx.request_id.clone(),
        total_count,
        page_number: page.number,
        page_size: page.size,
        snapshots: Snapshots { snapshot: found },
    }))
}
