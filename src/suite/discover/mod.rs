//! Existing resources as the scenarios' state (`run --world discover`), for endpoints without the
//! control API: Alibaba Cloud itself, or a vendor's product as shipped.
//!
//! At the start of a run the account's instances, disks and snapshots are listed (paged, in the
//! run's region). Only those tagged `ecs-conformance` = `disposable` may be bound; every other id
//! is remembered so that no call ever names it. Each scenario's world, as its Given steps describe
//! it, is then matched against the tagged resources ([`assign`]): a scenario with no match is not
//! run, and the reason says what resource would let it run.
//!
//! The rooms: [`fixtures`] (what discovery cannot find, `--fixtures`), [`listing`] (paging and
//! parsing the Describe answers), [`assign`] (matching a world to resources), [`claims`] (a
//! scenario's hold on resources, and settling them after), [`guard`] (what a call may name and
//! change, by the actions' declarations in [`crate::contract`]).
//!
//! Safety is a rule of this seam, not of the feature files (`docs/discover.md`):
//! - an alias the scenario's world does not hold becomes an id that names no resource;
//! - before every call, an id of a resource that is not tagged is refused, and a bound disk is
//!   named only with `--allow-destructive`;
//! - a resource is claimed by one scenario at a time;
//! - after a scenario that named a bound disk, the resources are described until they are back in
//!   the state they were discovered in (bounded by `--settle-timeout`); one that does not return
//!   is not bound again.

mod assign;
mod claims;
mod fixtures;
mod guard;
mod listing;
mod seam;
mod tag;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use futures::future::BoxFuture;

use claims::Claim;
pub use fixtures::Fixtures;
use fixtures::account_words;
pub use seam::{Discover, Options};
use seam::{Pool, SUITE_REGION};
pub use tag::{TAG_KEY, TAG_VALUE};

use super::target::{Binding, Seam, Unbound};
use crate::client::{Call, Client};
use crate::world::World;

impl Seam for Discover {
    fn name(&self) -> &'static str {
        "discover"
    }

    fn bind<'a>(
        &'a self,
        _: &'a Client,
        world: &'a World,
        empty_account: bool,
    ) -> BoxFuture<'a, Result<Binding, Unbound>> {
        Box::pin(async move {
            if let Some(why) = assign::control_only(world) {
                return Err(Unbound::NotRun(why));
            }
            if empty_account && !self.pools.iter().any(Pool::empty) {
                return Err(Unbound::NotRun(format!(
                    "needs a key pair of an account that holds no resources in {} (condition = \
                     \"no-resources\"): name its environment variables in --fixtures \
                     (docs/discover.md)",
                    self.options.region
                )));
            }
            let pool = self
                .pools
                .iter()
                .position(|p| p.account == world.account && (!empty_account || p.empty()))
                .ok_or_else(|| {
                    Unbound::NotRun(format!(
                        "needs a key pair of an account that {}: name its environment variables \
                         in --fixtures (docs/discover.md)",
                        account_words(&world.account)
                    ))
                })?;
            let released = &self.options.fixtures.released_disk_ids;
            if world.released_disk_ids.len() > released.len() {
                return Err(Unbound::NotRun(
                    "needs the id of a disk that was released: released_disk_ids in --fixtures \
                     (docs/discover.md)"
                        .into(),
                ));
            }
            let (assignment, guards) = self.claim(pool, world).await?;
            let mut aliases: HashMap<String, String> = assignment.clone().into_iter().collect();
            for (alias, id) in world.released_disk_ids.iter().zip(released) {
                aliases.insert(alias.clone(), id.clone());
            }
            if self.options.region != SUITE_REGION {
                aliases.insert(SUITE_REGION.into(), self.options.region.clone());
            }
            let bound: HashSet<String> = assignment.values().cloned().collect();
            let expected = self.pools[pool].found.expected(&bound);
            let claim = Claim {
                pool,
                expected,
                touched: AtomicBool::new(false),
                salt: uuid::Uuid::new_v4().simple().to_string(),
                _guards: guards,
            };
            Ok(Binding {
                client: self.pools[pool].client.clone(),
                aliases,
                claim: Some(Arc::new(claim)),
            })
        })
    }

    /// The guard of existing resources, then the rule of a target without a control API
    /// (`suite::safety`): no complete call of an undeclared action that changes state.
    fn admit(&self, binding: &Binding, call: &Call) -> Result<(), String> {
        if binding.claim.is_some() {
            // A hold this seam did not make is refused: the guard never fails open.
            let Some(claim) = claim_of(binding) else {
                return Err("the scenario's binding holds no claim of this seam: refused".into());
            };
            guard::admit(
                &self.pools[claim.pool],
                claim,
                call,
                self.options.allow_destructive,
            )?;
        }
        crate::suite::safety::could_change(call).map_or(Ok(()), Err)
    }

    fn observes(&self) -> bool {
        false
    }

    fn observe<'a>(
        &'a self,
        _: &'a Client,
        _: &'a Binding,
    ) -> BoxFuture<'a, Result<World, Unbound>> {
        Box::pin(async {
            Err(Unbound::NotRun(
                "existing resources show no disk's last reset through the public API".into(),
            ))
        })
    }

    fn release<'a>(&'a self, _: &'a Client, binding: &'a Binding) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            let Some(claim) = claim_of(binding) else {
                return;
            };
            if !claim.touched.load(Ordering::Relaxed) {
                return;
            }
            if let Err(moved) = self.settle(claim).await {
                self.mark_unsettled(moved);
            }
        })
    }
}

/// The resources this seam claimed for `binding`, if it claimed any.
fn claim_of(binding: &Binding) -> Option<&Claim> {
    binding.claim.as_ref()?.as_any().downcast_ref()
}
