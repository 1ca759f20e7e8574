//! What the actions share: required parameters, RegionId, paging, and the id and tag filters of
//! the Describe actions. Nothing here belongs to one action; the Describe answers' shapes are in
//! `crate::contract::describe_model`, shared with discovery.

use super::handler::Context;
use crate::api_error::ApiError;
use crate::catalogue::Catalogue;
use crate::params::Params;
use crate::world::{Instance, InstanceStatus, LockReason, Tag, Transitions, World};

/// A required parameter's value; absent or empty is `Missing{name}`.
pub fn required<'p>(params: &'p Params, name: &str) -> Result<&'p str, ApiError> {
    params
        .get(name)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::missing(name))
}

/// A boolean parameter: `true` or `false` in any letter case, as the SDKs print booleans;
/// `None` when absent. Anything else is `InvalidParameter` (docs/choices.md, "Editions").
pub fn boolean(params: &Params, name: &str) -> Result<Option<bool>, ApiError> {
    match params.get(name) {
        None => Ok(None),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(_) => Err(ApiError::invalid_parameter(
            name,
            "it must be true or false",
        )),
    }
}

/// `DryRun` in editions where the calling action takes it (its `features/{Action}.contract.tsv`);
/// absent is `false`. In other editions it is an unknown parameter, ignored like any other.
pub fn dry_run(ctx: &Context<'_>, params: &Params) -> Result<bool, ApiError> {
    if !ctx.takes("DryRun") {
        return Ok(false);
    }
    Ok(boolean(params, "DryRun")?.unwrap_or(false))
}

/// KMS, for a call that touches encrypted disks or snapshots: `keys` holds the KMS key of each
/// encrypted one it touches (`None`: no key named). The account must let ECS use KMS, then each
/// key named must exist, be enabled and carry ECS's tag; each check only where the edition lists
/// its row. Nothing encrypted, nothing to check.
pub fn check_kms(ctx: &Context<'_>, world: &World, keys: &[Option<&str>]) -> Result<(), ApiError> {
    if keys.is_empty() {
        return Ok(());
    }
    let refuse_if = |broken: bool, code: &str| {
        if broken && ctx.lists(code) {
            Err(ctx.refuse(code))
        } else {
            Ok(())
        }
    };
    refuse_if(
        !world.account.kms_authorized,
        "InvalidParameter.KMSKeyId.KMSUnauthorized",
    )?;
    for key_id in keys.iter().flatten() {
        let key = world.kms_keys.iter().find(|k| k.key_id == *key_id);
        refuse_if(key.is_none(), "InvalidParameter.KMSKeyId.NotFound")?;
        let Some(key) = key else { continue };
        refuse_if(!key.enabled, "InvalidParameter.KMSKeyId.CMKNotEnabled")?;
        refuse_if(!key.ecs_tagged, "InvalidParameter.KMSKeyId.CMKUnauthorized")?;
    }
    Ok(())
}

/// The instance `id` names, when the world holds it and no security lock forbids every operation
/// on it: `InvalidInstanceId.NotFound`, `InstanceLockedForSecurity` otherwise.
pub fn unlocked_instance<'w>(
    ctx: &Context<'_>,
    world: &'w World,
    id: &str,
) -> Result<&'w Instance, ApiError> {
    let instance = world
        .instance(id)
        .ok_or_else(|| ctx.refuse("InvalidInstanceId.NotFound"))?;
    if instance.lock_reasons.contains(&LockReason::Security) {
        return Err(ctx.refuse("InstanceLockedForSecurity"));
    }
    Ok(instance)
}

/// Puts instance `id` in `through` for `ms` milliseconds from the call, after which it is `to`
/// (`World::settle`); with 0, in `to` at once.
pub fn begin_transition(
    ctx: &mut Context<'_>,
    id: &str,
    through: InstanceStatus,
    to: InstanceStatus,
    ms: u64,
) {
    let until = Transitions::end(ctx.now, ms);
    if let Some(x) = ctx.world.instance_mut(id) {
        x.status = if until.is_some() { through } else { to };
        x.status_until = until;
    }
}

/// A RegionId is lowercase words joined by hyphens, at least two: `cn-hangzhou`,
/// `ap-southeast-1`. Anything else is `InvalidRegionId.MalFormed`, in the calling action's words
/// (its catalogue's row, else the common one).
pub fn check_region_id(ctx: &Context<'_>, region: &str) -> Result<(), ApiError> {
    if well_formed_region_id(region) {
        Ok(())
    } else {
        Err(ctx.refuse("InvalidRegionId.MalFormed"))
    }
}

fn well_formed_region_id(region: &str) -> bool {
    let parts: Vec<&str> = region.split('-').collect();
    parts.len() >= 2
        && region.len() <= 64
        && parts[0].len() >= 2
        && parts[0].bytes().all(|b| b.is_ascii_lowercase())
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Every Describe action requires a well-formed RegionId and lists only that region.
pub fn region<'p>(ctx: &Context<'_>, params: &'p Params) -> Result<&'p str, ApiError> {
    let region = required(params, "RegionId")?;
    check_region_id(ctx, region)?;
    Ok(region)
}

/// A page of a filtered list, from `PageNumber` (default 1) and `PageSize` (default 10, max 100).
pub struct Page {
    pub number: usize,
    pub size: usize,
}

impl Page {
    pub fn from_params(params: &Params) -> Result<Self, ApiError> {
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

    /// The page's items of `matched`, and how many match in all (`TotalCount`): one pass, and
    /// only the page is kept, so a large world costs a pass over it, not a copy of it.
    pub fn select<T>(&self, matched: impl Iterator<Item = T>) -> (Vec<T>, usize) {
        let skip = (self.number - 1).saturating_mul(self.size);
        let mut page = Vec::new();
        let mut total = 0;
        for item in matched {
            if total >= skip && page.len() < self.size {
                page.push(item);
            }
            total += 1;
        }
        (page, total)
    }
}

/// An id filter: a JSON array string of at most 100 ids. `None` when the parameter is absent.
pub fn id_filter(params: &Params, name: &str) -> Result<Option<Vec<String>>, ApiError> {
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

pub fn matches(filter: &Option<Vec<String>>, id: &str) -> bool {
    filter
        .as_ref()
        .is_none_or(|ids| ids.iter().any(|i| i == id))
}

/// The `Tag.N.Key` / `Tag.N.Value` filters (N from 1 to 20; the deprecated lowercase
/// `Tag.N.key` / `Tag.N.value` too): every one must match (AND). A value without its key is
/// `InvalidTag.Mismatch`; an N beyond 20 is `InvalidTagCount`. A key without a value matches any
/// value (docs/choices.md).
pub fn tag_filter(params: &Params) -> Result<Vec<(String, Option<String>)>, ApiError> {
    let mut filters = Vec::new();
    for (name, _) in params.iter() {
        let Some(rest) = name.strip_prefix("Tag.") else {
            continue;
        };
        let Some((n, field)) = rest.split_once('.') else {
            continue;
        };
        let Ok(n) = n.parse::<u32>() else { continue };
        if !(1..=20).contains(&n) {
            return Err(Catalogue::common().error("InvalidTagCount"));
        }
        let get = |f: &str| {
            params
                .get(&format!("Tag.{n}.{f}"))
                .or_else(|| params.get(&format!("Tag.{n}.{}", f.to_lowercase())))
        };
        match (field, get("Key"), get("Value")) {
            ("Key" | "key", Some(key), value) => {
                filters.push((key.to_owned(), value.map(str::to_owned)));
            }
            ("Value" | "value", None, Some(_)) => {
                return Err(Catalogue::common().error("InvalidTag.Mismatch"));
            }
            _ => {}
        }
    }
    Ok(filters)
}

/// Whether `tags` hold every filter's key (and value, when the filter gives one).
pub fn tags_match(filters: &[(String, Option<String>)], tags: &[Tag]) -> bool {
    filters.iter().all(|(key, value)| {
        tags.iter()
            .any(|t| &t.key == key && value.as_ref().is_none_or(|v| &t.value == v))
    })
}

/// The codes `source` refuses by name (`refuse("…")`, `refuse_status("…"`), and those the
/// shared checks it calls here refuse (`unlocked_instance`, `check_kms`): every one must be a row
/// of the calling action's table.
#[cfg(test)]
pub(super) fn codes_refused(source: &'static str) -> Vec<&'static str> {
    let own = source.split("#[cfg(test)]").next().unwrap_or_default();
    let named = |text: &'static str| -> Vec<&'static str> {
        ["refuse(\"", "refuse_status(\""]
            .iter()
            .flat_map(|p| text.split(p).skip(1))
            .filter_map(|rest| rest.split_once('"').map(|(code, _)| code))
            .collect()
    };
    let common = include_str!("common.rs");
    let shared = |name: &str| {
        let start = common.find(&format!("pub fn {name}")).unwrap_or(0);
        let end = common[start + 1..]
            .find("\npub fn ")
            .map_or(common.len(), |e| start + 1 + e);
        &common[start..end]
    };
    let mut codes = named(own);
    if own.contains("unlocked_instance(") {
        codes.extend(named(shared("unlocked_instance")));
    }
    codes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_ids_are_checked_for_form_only() {
        for good in ["cn-hangzhou", "ap-southeast-1", "us-west-1", "xx-nowhere-9"] {
            assert!(well_formed_region_id(good), "{good}");
        }
        for bad in [
            "",
            "cn",
            "CN-HANGZHOU",
            "cn_hangzhou",
            "cn--x",
            "cn-hangzhou-",
            "-cn",
            "cn hangzhou",
        ] {
            assert!(!well_formed_region_id(bad), "{bad:?}");
        }
    }
}
