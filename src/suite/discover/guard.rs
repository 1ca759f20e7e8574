//! The runner's safety rule, before every call on existing resources: no word of any parameter may
//! name an untagged resource, or a tagged one the scenario did not claim; and a call that may
//! change a claimed resource runs only with `--allow-destructive`. What a call may change is what
//! its action declares ([`crate::contract::Action::changes`]); an action nobody declared may
//! change anything it names.

use std::sync::atomic::Ordering;

use super::claims::Claim;
use super::seam::Pool;
use super::tag::{TAG_KEY, TAG_VALUE};
use crate::client::Call;
use crate::contract::{self, Resource};

/// Whether `call` may be sent for a scenario holding `claim` in `pool`; `Err` says why not. A call
/// that names a resource it may change marks the claim for settling.
pub(super) fn admit(
    pool: &Pool,
    claim: &Claim,
    call: &Call,
    allow_destructive: bool,
) -> Result<(), String> {
    // Every word of every value, so that an id inside a list (`DiskIds=["d-…"]`) counts too.
    let words: Vec<&str> = call
        .params
        .iter()
        .flat_map(|(_, v)| v.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')))
        .filter(|w| !w.is_empty())
        .collect();
    if let Some(id) = words.iter().find(|w| pool.untagged.contains(**w)) {
        return Err(format!(
            "a call would name {id}, which is not tagged {TAG_KEY}={TAG_VALUE}: refused"
        ));
    }
    if let Some(id) = words.iter().find(|w| pool.holds(w) && !claim.holds(w)) {
        return Err(format!(
            "a call would name {id}, a disposable resource this scenario did not claim: refused"
        ));
    }
    let declared = contract::find(&call.action);
    let changes = |id: &str| match (declared, claim.kind_of(id)) {
        (_, None) => false,
        (Some(action), Some(kind)) => action.may_change(kind),
        (None, Some(_)) => true,
    };
    if let Some(id) = words.iter().find(|w| changes(w)) {
        if !allow_destructive {
            let what = if claim.kind_of(id) == Some(Resource::Disk) {
                "disk"
            } else {
                "resource"
            };
            return Err(format!(
                "it names the disposable {what} {id} in {}, which may change or wipe it: \
                 pass --allow-destructive to run it",
                call.action
            ));
        }
        claim.touched.store(true, Ordering::Relaxed);
    }
    Ok(())
}
