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
#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::BoxFuture;

use assign::Found;
pub use claims::Claim;
pub use fixtures::Fixtures;
use fixtures::account_words;
use listing::list;

use super::target::{Binding, Seam, Unbound};
use crate::client::{Call, Client, Credentials};
use crate::world::{Account, World};

/// The tag that marks a resource the harness may use, and may wipe.
pub const TAG_KEY: &str = "ecs-conformance";
pub const TAG_VALUE: &str = "disposable";

/// The region the feature files name (`RegionId` `cn-hangzhou`): it stands for the run's.
const SUITE_REGION: &str = "cn-hangzhou";

/// How a discover run is set up.
#[derive(Debug, Clone)]
pub struct Options {
    pub region: String,
    pub fixtures: Fixtures,
    /// The key pairs of [`Fixtures::accounts`], read already.
    pub accounts: Vec<(Account, Credentials)>,
    pub allow_destructive: bool,
    pub settle_timeout: Duration,
}

/// How long settling waits before its first look, against an endpoint on another machine: a real
/// endpoint's Describe answers may lag a change for a moment (docs/choices.md).
const SETTLE_FIRST_LOOK: Duration = Duration::from_secs(5);

/// One account: its client, what discovery found in it, and the ids of all its resources that are
/// not tagged.
#[derive(Debug)]
struct Pool {
    account: Account,
    client: Client,
    /// Shared with the searches that run off the runtime's threads.
    found: Arc<Found>,
    untagged: HashSet<String>,
}

impl Pool {
    fn new(account: Account, client: Client, found: Found, untagged: HashSet<String>) -> Self {
        Self {
            account,
            client,
            found: Arc::new(found),
            untagged,
        }
    }

    /// Whether `id` is one of its tagged resources.
    fn holds(&self, id: &str) -> bool {
        self.found.holds(id)
    }

    /// Holds nothing at all in the region.
    fn empty(&self) -> bool {
        self.untagged.is_empty() && self.found.tagged_counts() == (0, 0, 0)
    }
}

/// The discover seam.
#[derive(Debug)]
pub struct Discover {
    pools: Vec<Pool>,
    options: Options,
    /// Waited before settling's first look (zero against this machine).
    first_look: Duration,
    locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Resources that did not return to their discovered state: never bound again.
    unsettled: Mutex<HashSet<String>>,
}

impl Discover {
    /// Lists the resources of the run's account and of each fixture account.
    pub async fn new(base: &Client, options: Options) -> Result<Self, String> {
        let mut accounts = vec![(Account::default(), base.credentials().clone())];
        accounts.extend(options.accounts.iter().cloned());
        let mut pools = Vec::new();
        for (account, credentials) in accounts {
            let client = base.with_credentials(credentials);
            let listed = list(&client, &options.region).await.map_err(|e| {
                let words = account_words(&account);
                if words.is_empty() {
                    format!("discovery failed: {e}")
                } else {
                    format!("discovery in the account that {words} failed: {e}")
                }
            })?;
            // Indexing an account of 100,000 resources takes tens of milliseconds: not on the
            // threads that poll the runner's calls.
            let found =
                tokio::task::spawn_blocking(move || Found::new(listed.tagged, listed.untagged))
                    .await
                    .map_err(|e| format!("indexing what discovery found failed: {e}"))?;
            pools.push(Pool::new(account, client, found, listed.others));
        }
        for p in &pools {
            for id in &options.fixtures.released_disk_ids {
                if p.untagged.contains(id) || p.holds(id) {
                    return Err(format!(
                        "the fixtures name {id} as a released disk, but the account holds it"
                    ));
                }
            }
        }
        Ok(Self {
            pools,
            options,
            first_look: if super::is_local_url(base.endpoint()) {
                Duration::ZERO
            } else {
                SETTLE_FIRST_LOOK
            },
            locks: Mutex::new(HashMap::new()),
            unsettled: Mutex::new(HashSet::new()),
        })
    }

    /// What discovery found, per account: `(tagged instances, disks, snapshots, untagged)`.
    pub fn found(&self) -> Vec<(usize, usize, usize, usize)> {
        self.pools
            .iter()
            .map(|p| {
                let (instances, disks, snapshots) = p.found.tagged_counts();
                (instances, disks, snapshots, p.untagged.len())
            })
            .collect()
    }

    /// Whether any account holds a tagged resource.
    pub fn has_tagged(&self) -> bool {
        (self.pools.iter()).any(|p| p.found.tagged_counts() != (0, 0, 0))
    }

    fn unsettled(&self) -> HashSet<String> {
        self.unsettled
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

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

    fn admit(&self, binding: &Binding, call: &Call) -> Result<(), String> {
        if binding.claim.is_none() {
            return Ok(());
        }
        // A hold this seam did not make is refused: the guard never fails open.
        let Some(claim) = claim_of(binding) else {
            return Err("the scenario's binding holds no claim of this seam: refused".into());
        };
        guard::admit(
            &self.pools[claim.pool],
            claim,
            call,
            self.options.allow_destructive,
        )
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
