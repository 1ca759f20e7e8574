//! DescribeSnapshots: the world's snapshots in one region, with the `SnapshotIds` and `DiskId`
//! filters and paging.

use std::collections::HashMap;

use super::common::{Page, id_filter, matches, region, tag_filter, tags_match};
use super::handler::{Context, Handler, state};
use crate::api_error::ApiError;
use crate::contract::describe_model::{SnapshotItem, Snapshots, SnapshotsPage};
use crate::params::Params;
use crate::world::{Disk, Snapshot};

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
    // Its own checks first (their rows are documented for it), then the metadata's.
    ctx.validate_read(params)?;
    // Filtered, counted, then only the page is built: a large world costs a page, not all of it.
    let matched = (ctx.world.snapshots.iter())
        .filter(|s| s.region_id == region && matches(&ids, &s.snapshot_id))
        .filter(|s| disk.is_none_or(|d| s.source_disk_id == d))
        .filter(|s| tags_match(&tag_filters, &s.tags));
    let (shown, total_count) = page.select(matched);
    let sources = state::<DiskPositions>(ctx.state).sources(&ctx.world.disks, &shown);
    let found: Vec<SnapshotItem> = (shown.into_iter().zip(sources))
        .map(|(s, source)| SnapshotItem::of(s, source, ctx.now))
        .collect();
    Ok(ctx.reply(&SnapshotsPage {
        request_id: ctx.request_id.clone(),
        total_count: Some(total_count),
        page_number: page.number,
        page_size: page.size,
        snapshots: Snapshots { snapshot: found },
    }))
}

/// Where each disk of the world was when last looked for: this action's own state, so that a page
/// finds its snapshots' source disks without a pass over the world. A position counts only while
/// the disk there still has that id.
#[derive(Default)]
struct DiskPositions(HashMap<String, usize>);

impl DiskPositions {
    fn at<'w>(&self, disks: &'w [Disk], id: &str) -> Option<&'w Disk> {
        let d = disks.get(*self.0.get(id)?)?;
        (d.disk_id == id).then_some(d)
    }

    /// The source disk of each of `shown`: looked up, or, when one is not where it was (the world
    /// changed, or the disk is gone), after reading every position again in one pass. A page
    /// costs the page, or one pass over the disks; never the page size times the world.
    fn sources<'w>(&mut self, disks: &'w [Disk], shown: &[&Snapshot]) -> Vec<Option<&'w Disk>> {
        if shown
            .iter()
            .any(|s| self.at(disks, &s.source_disk_id).is_none())
        {
            self.0.clear();
            for (i, d) in disks.iter().enumerate() {
                self.0.entry(d.disk_id.clone()).or_insert(i);
            }
        }
        (shown.iter())
            .map(|s| self.at(disks, &s.source_disk_id))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::{DiskStatus, SnapshotStatus};

    #[test]
    fn source_disks_are_found_however_the_world_changes() {
        let disk = |id: &str, size| {
            let mut d = Disk::new(id, DiskStatus::Available, None);
            d.size_gib = size;
            d
        };
        let s1 = Snapshot::new("s-1", "d-1", SnapshotStatus::Accomplished);
        let s2 = Snapshot::new("s-2", "d-2", SnapshotStatus::Accomplished);
        let mut positions = DiskPositions::default();
        let mut sizes = |disks: &[Disk]| -> Vec<Option<_>> {
            let found = positions.sources(disks, &[&s1, &s2]);
            found.iter().map(|d| d.map(|d| d.size_gib)).collect()
        };
        let mut disks = vec![disk("d-1", 10), disk("d-2", 20)];
        assert_eq!(sizes(&disks), [Some(10), Some(20)]);
        disks.swap(0, 1);
        assert_eq!(sizes(&disks), [Some(10), Some(20)], "reordered");
        disks.remove(0);
        assert_eq!(sizes(&disks), [Some(10), None], "d-2 released");
        disks.insert(0, disk("d-2", 30));
        assert_eq!(sizes(&disks), [Some(10), Some(30)], "another world");
    }
}
