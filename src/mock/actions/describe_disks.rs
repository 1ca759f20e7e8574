//! DescribeDisks: the world's disks in one region, with the `DiskIds` and `InstanceId` filters,
//! paging, and the documented nesting (`{"Disks":{"Disk":[…]}}`, `<Disks><Disk>…</Disk></Disks>`).

use super::common::{Page, id_filter, matches, region, tag_filter, tags_match};
use super::handler::{Context, Handler};
use crate::api_error::ApiError;
use crate::contract::describe_model::{DiskItem, Disks, DisksPage};
use crate::params::Params;

pub const ACTION: Handler = Handler {
    spec: &crate::contract::describe::DESCRIBE_DISKS,
    handle: describe_disks,
};

fn describe_disks(ctx: &mut Context<'_>, params: &Params) -> Result<String, ApiError> {
    let region = region(ctx, params)?;
    let ids = id_filter(params, "DiskIds")?;
    let instance = params.get("InstanceId");
    let page = Page::from_params(params)?;
    let tag_filters = tag_filter(params)?;
    // Its own checks first (their rows are documented for it), then the metadata's.
    ctx.validate_read(params)?;
    // Filtered, counted, then only the page is built: a large world costs a page, not all of it.
    let matched = (ctx.world.disks.iter())
        .filter(|d| d.region_id == region && matches(&ids, &d.disk_id))
        .filter(|d| instance.is_none_or(|i| d.instance_id.as_deref() == Some(i)))
        .filter(|d| tags_match(&tag_filters, &d.tags));
    let (shown, total_count) = page.select(matched);
    let found: Vec<DiskItem> = shown.into_iter().map(DiskItem::of).collect();
    Ok(ctx.reply(&DisksPage {
        request_id: ctx.request_id.clone(),
        total_count: Some(total_count),
        page_number: page.number,
        page_size: page.size,
        disks: Disks { disk: found },
    }))
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;
    use crate::contract::describe::DESCRIBE_DISKS as ACTION_SPEC;
    use crate::mock::actions::context;
    use crate::world::World;

    /// DescribeDisks on the sample world; the JSON answer, or the error's code.
    fn call(p: &[(&str, &str)]) -> Result<serde_json::Value, String> {
        let (mut world, mut state) = (World::sample(), None);
        let now = time::OffsetDateTime::now_utc();
        let mut ctx = context(&mut world, &mut state, &ACTION_SPEC, now, Instant::now());
        let params: Params = p.iter().copied().collect();
        describe_disks(&mut ctx, &params)
            .map(|body| serde_json::from_str(&body).unwrap_or_default())
            .map_err(|e| e.code.into_owned())
    }

    #[test]
    fn filters_and_paging_apply() {
        let all = call(&[("RegionId", "cn-hangzhou")]).unwrap();
        assert_eq!(all["TotalCount"], 1);
        assert_eq!(all["Disks"]["Disk"][0]["DiskId"], "d-diskid1");
        assert_eq!(
            all["Disks"]["Disk"][0]["OperationLocks"]["OperationLock"],
            serde_json::json!([])
        );
        let none = call(&[("RegionId", "cn-hangzhou"), ("DiskIds", "[]")]).unwrap();
        assert_eq!(none["TotalCount"], 0);
        let elsewhere = call(&[("RegionId", "cn-beijing")]).unwrap();
        assert_eq!(elsewhere["TotalCount"], 0);
        let page2 = call(&[("RegionId", "cn-hangzhou"), ("PageNumber", "2")]).unwrap();
        assert_eq!(
            (
                page2["TotalCount"].as_u64(),
                page2["Disks"]["Disk"].as_array().map(Vec::len)
            ),
            (Some(1), Some(0))
        );
    }

    #[test]
    fn tags_are_shown_and_filter() {
        let mut world = World::sample();
        let mut twin = world.disks[0].clone();
        twin.disk_id = "d-twin".into();
        twin.instance_id = None;
        twin.status = crate::world::DiskStatus::Available;
        world.disks[0].tags = vec![crate::world::Tag {
            key: "ecs-conformance".into(),
            value: "disposable".into(),
        }];
        world.disks.push(twin);
        let call = |p: &[(&str, &str)]| {
            let mut state = None;
            let now = time::OffsetDateTime::now_utc();
            let mut w = world.clone();
            let mut ctx = context(&mut w, &mut state, &ACTION_SPEC, now, Instant::now());
            let params: Params = p.iter().copied().collect();
            describe_disks(&mut ctx, &params)
                .map(|body| serde_json::from_str::<serde_json::Value>(&body).unwrap_or_default())
                .map_err(|e| e.code.into_owned())
        };
        let region = ("RegionId", "cn-hangzhou");
        let all = call(&[region]).unwrap();
        assert_eq!(all["TotalCount"], 2);
        assert_eq!(
            all["Disks"]["Disk"][0]["Tags"]["Tag"][0]["TagValue"],
            "disposable"
        );
        assert_eq!(
            all["Disks"]["Disk"][1]["Tags"]["Tag"],
            serde_json::json!([])
        );
        let tagged = call(&[
            region,
            ("Tag.1.Key", "ecs-conformance"),
            ("Tag.1.Value", "disposable"),
        ])
        .unwrap();
        assert_eq!(
            (
                tagged["TotalCount"].as_u64(),
                tagged["Disks"]["Disk"][0]["DiskId"].as_str()
            ),
            (Some(1), Some("d-diskid1"))
        );
        let any_value = call(&[region, ("Tag.1.key", "ecs-conformance")]).unwrap();
        assert_eq!(any_value["TotalCount"], 1);
        let other = call(&[
            region,
            ("Tag.1.Key", "ecs-conformance"),
            ("Tag.1.Value", "keep"),
        ])
        .unwrap();
        assert_eq!(other["TotalCount"], 0);
        assert_eq!(
            call(&[region, ("Tag.1.Value", "x")]).unwrap_err(),
            "InvalidTag.Mismatch"
        );
        assert_eq!(
            call(&[region, ("Tag.21.Key", "x")]).unwrap_err(),
            "InvalidTagCount"
        );
    }

    #[test]
    fn bad_filters_and_regions_are_errors() {
        assert_eq!(call(&[]).unwrap_err(), "MissingRegionId");
        assert_eq!(
            call(&[("RegionId", "Hangzhou")]).unwrap_err(),
            "InvalidRegionId.MalFormed"
        );
        assert_eq!(
            call(&[("RegionId", "cn-hangzhou"), ("DiskIds", "d-1")]).unwrap_err(),
            "InvalidParameter"
        );
        assert_eq!(
            call(&[("RegionId", "cn-hangzhou"), ("PageSize", "101")]).unwrap_err(),
            "InvalidParameter"
        );
    }
}
