//! DescribeRegions: the regions the account can use, answered from the world — every region one of
//! its instances, disks or snapshots is in. `AcceptLanguage`, `ResourceType` and
//! `InstanceChargeType` take their documented values, checked in that order (docs/choices.md); an
//! account with no region is `Unauthorized.EmptyRegion`.

use std::collections::BTreeSet;

use serde::Serialize;

use super::handler::{Context, Handler};
use crate::api_error::ApiError;
use crate::params::Params;

pub const ACTION: Handler = Handler {
    spec: &crate::contract::describe::DESCRIBE_REGIONS,
    handle: describe_regions,
};

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct DescribeRegionsResponse {
    request_id: String,
    regions: Regions,
}

#[derive(Debug, Serialize)]
struct Regions {
    #[serde(rename = "Region")]
    region: Vec<Region>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct Region {
    region_id: String,
    region_endpoint: String,
    /// The region's name in `AcceptLanguage`; the mock knows no names and shows the id.
    local_name: String,
    status: &'static str,
}

const LANGUAGES: [&str; 3] = ["zh-CN", "en-US", "ja"];
const RESOURCE_TYPES: [&str; 4] = ["instance", "disk", "reservedinstance", "scu"];
/// The billing methods the API metadata lists for `InstanceChargeType`.
const CHARGE_TYPES: [&str; 4] = ["PrePaid", "PostPaid", "SpotWithPriceLimit", "SpotAsPriceGo"];

fn refuse(code: &str) -> ApiError {
    crate::contract::describe::DESCRIBE_REGIONS.refuse(code)
}

fn describe_regions(ctx: &mut Context<'_>, params: &Params) -> Result<String, ApiError> {
    if params
        .get("AcceptLanguage")
        .is_some_and(|l| !LANGUAGES.contains(&l))
    {
        return Err(refuse("InvalidAcceptLanguage.NotFound"));
    }
    if params
        .get("ResourceType")
        .is_some_and(|t| !RESOURCE_TYPES.iter().any(|r| r.eq_ignore_ascii_case(t)))
    {
        return Err(refuse("InvalidResourceType.NotFound"));
    }
    if params
        .get("InstanceChargeType")
        .is_some_and(|t| !CHARGE_TYPES.contains(&t))
    {
        return Err(refuse("Invalid.InstanceChargeType"));
    }
    let w = &*ctx.world;
    let ids: BTreeSet<&str> = w
        .instances
        .iter()
        .map(|x| x.region_id.as_str())
        .chain(w.disks.iter().map(|d| d.region_id.as_str()))
        .chain(w.snapshots.iter().map(|s| s.region_id.as_str()))
        .collect();
    if ids.is_empty() {
        return Err(refuse("Unauthorized.EmptyRegion"));
    }
    let region = ids
        .into_iter()
        .map(|id| Region {
            region_id: id.to_owned(),
            region_endpoint: format!("ecs.{id}.aliyuncs.com"),
            local_name: id.to_owned(),
            status: "available",
        })
        .collect();
    Ok(ctx.reply(&DescribeRegionsResponse {
        request_id: ctx.request_id.clone(),
        regions: Regions { region },
    }))
}
