//! The resources a call names, where the world holds their kind: an action that requires an
//! `InstanceId`, `DiskId` or `SnapshotId` (one id, or a `repeatList` of them) acts on those
//! resources, so each must be in the world — and in the call's `RegionId`, when it gives one —
//! or the call answers the action's documented not-found row for that parameter
//! (`Invalid{Parameter}.NotFound`, else `Invalid{Kind}.NotFound`), or the common chosen one when
//! its table lists neither. A read that names one resource shows what the world knows of it, as
//! the Describe answers show it (`crate::contract::describe_model`).

use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::api_error::ApiError;
use crate::contract::Resource;
use crate::contract::describe_model::{DiskItem, InstanceItem, SnapshotItem};
use crate::metadata::Action;
use crate::params::Params;
use crate::world::World;

/// The parameters that name a resource of a kind the world holds, with the kind: each is the
/// field that names the resource in the Describe answers.
const NAMING: [(&str, Resource); 3] = [
    (InstanceItem::ID, Resource::Instance),
    (DiskItem::ID, Resource::Disk),
    (SnapshotItem::ID, Resource::Snapshot),
];

/// A required parameter that names resources the world must hold.
#[derive(Debug)]
pub struct Named {
    param: &'static str,
    kind: Resource,
    /// A `repeatList` of ids (`InstanceId.1`, …) rather than one.
    list: bool,
    not_found: ApiError,
}

impl Named {
    /// The parameters of `action` that name resources: those of [`NAMING`] it requires (in
    /// every listing), as a string or a list of strings.
    pub fn compile(action: &Action) -> Vec<Self> {
        NAMING
            .iter()
            .filter_map(|&(param, kind)| {
                let mut listings = action.parameters.iter().filter(|p| p.name == param);
                let first = listings.next()?;
                let required = first.schema.required && listings.all(|p| p.schema.required);
                let list = match first.schema.kind.as_deref() {
                    Some("string") => false,
                    Some("array")
                        if first.schema.items.as_ref().and_then(|i| i.kind.as_deref())
                            == Some("string") =>
                    {
                        true
                    }
                    _ => return None,
                };
                required.then(|| Self {
                    param,
                    kind,
                    list,
                    not_found: not_found_row(action, param),
                })
            })
            .collect()
    }
}

/// The action's not-found row for `param`: `Invalid{param}.NotFound`, else
/// `Invalid{Kind}.NotFound` (`InvalidInstance.NotFound`), else the common chosen row.
fn not_found_row(action: &Action, param: &str) -> ApiError {
    let kind = param.strip_suffix("Id").unwrap_or(param);
    table_row(action, &format!("Invalid{param}.NotFound"))
        .or_else(|| table_row(action, &format!("Invalid{kind}.NotFound")))
        .unwrap_or_else(|| ApiError::not_found(param))
}

/// Every resource the call names, looked up: what the world shows of the one resource a call
/// names (`None` when it names several, or none), or the not-found row of the first missing;
/// shown as at `now` (a progressing snapshot's `Progress` rises with time).
pub fn look_up(
    named: &[Named],
    world: &World,
    params: &Params,
    now: OffsetDateTime,
) -> Result<Option<Map<String, Value>>, ApiError> {
    let region = params.get("RegionId").filter(|r| !r.is_empty());
    let mut shown = Vec::new();
    for n in named {
        let ids: Vec<&str> = if n.list {
            params
                .under(n.param)
                .filter(|(rest, v)| !v.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()))
                .map(|(_, v)| v)
                .collect()
        } else {
            params.get(n.param).into_iter().collect()
        };
        for id in ids {
            let (_, item) = show(world, n.kind, id, now)
                .filter(|(in_region, _)| region.is_none_or(|r| r == *in_region))
                .ok_or_else(|| n.not_found.clone())?;
            shown.push(item);
        }
    }
    Ok(match <[_; 1]>::try_from(shown) {
        Ok([one]) => Some(one),
        Err(_) => None,
    })
}

/// The resource `id` of `kind`, if the world holds it: its region, and what the Describe
/// answers show of it.
fn show<'w>(
    world: &'w World,
    kind: Resource,
    id: &str,
    now: OffsetDateTime,
) -> Option<(&'w str, Map<String, Value>)> {
    let (region, item) = match kind {
        Resource::Instance => {
            let x = world.instance(id)?;
            (&x.region_id, serde_json::to_value(InstanceItem::of(x)))
        }
        Resource::Disk => {
            let d = world.disk(id)?;
            (&d.region_id, serde_json::to_value(DiskItem::of(d)))
        }
        Resource::Snapshot => {
            let s = world.snapshot(id)?;
            let item = SnapshotItem::of(s, world.disk(&s.source_disk_id), now);
            (&s.region_id, serde_json::to_value(item))
        }
    };
    match item {
        Ok(Value::Object(fields)) => Some((region, fields)),
        _ => None,
    }
}

/// The row of `action`'s own table with `code`, the first in its order with a 4xx status (the
/// mock answers 5xx only for a scheduled fault), as an answer.
pub(super) fn table_row(action: &Action, code: &str) -> Option<ApiError> {
    crate::metadata::probe::table_rows(action, |c| c == code).next()
}
