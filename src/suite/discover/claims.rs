//! A scenario's hold on existing resources: claimed one scenario at a time (locks in id order),
//! bound only while as discovered, and settled after a scenario that may have changed them.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use tokio::sync::OwnedMutexGuard;

use super::assign;
use super::listing::{ListError, describe};
use super::seam::{Discover, Pool};
use crate::contract::Resource;
use crate::suite::target::{Hold, Unbound};
use crate::world::World;

/// Resources claimed by one scenario, and what it did with them.
#[derive(Debug)]
pub struct Claim {
    pub(super) pool: usize,
    /// The bound resources as discovered: what settling waits for.
    pub(super) expected: World,
    /// A call named a bound disk: the resources may have changed.
    pub(super) touched: AtomicBool,
    pub(super) salt: String,
    pub(super) _guards: Vec<OwnedMutexGuard<()>>,
}

impl Claim {
    /// The ids of the claimed resources.
    fn ids(&self) -> impl Iterator<Item = &String> {
        let w = &self.expected;
        (w.instances.iter().map(|x| &x.instance_id))
            .chain(w.disks.iter().map(|x| &x.disk_id))
            .chain(w.snapshots.iter().map(|x| &x.snapshot_id))
    }

    pub(super) fn holds(&self, id: &str) -> bool {
        self.ids().any(|x| x == id)
    }

    /// The kind of the claimed resource `id`, if it is one.
    pub(super) fn kind_of(&self, id: &str) -> Option<Resource> {
        let w = &self.expected;
        if w.disk(id).is_some() {
            Some(Resource::Disk)
        } else if w.snapshot(id).is_some() {
            Some(Resource::Snapshot)
        } else if w.instance(id).is_some() {
            Some(Resource::Instance)
        } else {
            None
        }
    }
}

impl Hold for Claim {
    /// An id in ECS's shape (prefix, dash, 20 lowercase characters) that names no resource, for
    /// an alias (`d-9`) the scenario's world does not hold; other values are kept.
    fn absent_id(&self, alias: &str) -> String {
        match alias.split_once('-') {
            Some((prefix @ ("i" | "d" | "s"), _)) => {
                let digest = hex::encode(Sha256::digest(format!("{}/{alias}", self.salt)));
                format!("{prefix}-ecsc{}", &digest[..16])
            }
            _ => alias.to_owned(),
        }
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

impl Discover {
    fn lock_of(&self, id: &str) -> Arc<tokio::sync::Mutex<()>> {
        self.locks
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(id.to_owned())
            .or_default()
            .clone()
    }

    /// The resources of one candidate, locked in id order (so two claims never wait on each
    /// other): at once when all are free (`wait` false), else `None`.
    async fn lock_all(
        &self,
        assignment: &BTreeMap<String, String>,
        wait: bool,
    ) -> Option<Vec<OwnedMutexGuard<()>>> {
        let mut ids: Vec<&String> = assignment.values().collect();
        ids.sort_unstable();
        ids.dedup();
        let mut guards = Vec::new();
        for id in ids {
            let lock = self.lock_of(id);
            if wait {
                guards.push(lock.lock_owned().await);
            } else {
                guards.push(lock.try_lock_owned().ok()?);
            }
        }
        Some(guards)
    }

    /// Binds `world` in `pool`: a matching assignment whose resources are free, or the first one
    /// once its resources are.
    pub(super) async fn claim(
        &self,
        pool: usize,
        world: &World,
    ) -> Result<(BTreeMap<String, String>, Vec<OwnedMutexGuard<()>>), Unbound> {
        let p = &self.pools[pool];
        let now = OffsetDateTime::now_utc();
        loop {
            let unsettled = self.unsettled();
            let (candidates, could) = match solve(p, world, unsettled.clone(), now).await {
                Ok(solved) => solved,
                Err(e) => return Err(Unbound::Failed(format!("matching failed: {e}"))),
            };
            if candidates.is_empty() {
                return Err(Unbound::NotRun(if could {
                    let mut ids: Vec<_> = unsettled.into_iter().collect();
                    ids.sort_unstable();
                    format!(
                        "every resource that matches has left its discovered state (after an \
                         earlier scenario, or outside this run): {}",
                        ids.join(", ")
                    )
                } else {
                    assign::needs(world, &self.options.region, &p.account)
                }));
            }
            let mut claimed = None;
            for c in &candidates {
                if let Some(guards) = self.lock_all(c, false).await {
                    claimed = Some((c.clone(), guards));
                    break;
                }
            }
            let (assignment, guards) = match claimed {
                Some(c) => c,
                None => {
                    let c = candidates[0].clone();
                    let guards = self.lock_all(&c, true).await.unwrap_or_default();
                    (c, guards)
                }
            };
            // A scenario that held them meanwhile may have left them unsettled; and the account
            // may have changed since discovery: bound only as they are now.
            let unsettled = self.unsettled();
            if assignment.values().any(|id| unsettled.contains(id)) {
                continue;
            }
            let bound: HashSet<String> = assignment.values().cloned().collect();
            if bound.is_empty() {
                return Ok((assignment, guards));
            }
            let claimed = p.found.expected(&bound);
            let moved = match describe(&p.client, &self.options.region, &claimed).await {
                Ok(current) => assign::moved(&claimed, &current),
                Err(ListError::NoAnswer(e)) => {
                    return Err(Unbound::NoAnswer(format!("describing its resources: {e}")));
                }
                Err(ListError::Answer(e)) => {
                    return Err(Unbound::Failed(format!("describing its resources: {e}")));
                }
                Err(ListError::Stalled(e, stalled)) => {
                    return Err(Unbound::Stalled {
                        reason: format!("describing its resources: {e}"),
                        stalled,
                    });
                }
            };
            if moved.is_empty() {
                return Ok((assignment, guards));
            }
            self.mark_unsettled(moved);
        }
    }

    pub(super) fn mark_unsettled(&self, moved: Vec<(String, String)>) {
        let words: Vec<String> = moved.iter().map(|(_, w)| w.clone()).collect();
        eprintln!(
            "warning: not bound again, not in their discovered state: {}",
            words.join("; ")
        );
        self.unsettled
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend(moved.into_iter().map(|(id, _)| id));
    }

    /// Describes the claim's resources until they are as discovered, or the timeout passes.
    pub(super) async fn settle(&self, claim: &Claim) -> Result<(), Vec<(String, String)>> {
        let client = &self.pools[claim.pool].client;
        let deadline = tokio::time::Instant::now() + self.options.settle_timeout;
        tokio::time::sleep(self.first_look.min(self.options.settle_timeout)).await;
        let mut pause = Duration::from_millis(500);
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let listed = tokio::time::timeout(
                left.max(Duration::from_secs(1)),
                describe(client, &self.options.region, &claim.expected),
            )
            .await;
            let moved = match listed {
                Ok(Ok(now)) => assign::moved(&claim.expected, &now),
                Ok(Err(e)) => every(claim, &format!("describing failed: {e}")),
                Err(_) => every(claim, "describing took longer than --settle-timeout"),
            };
            if moved.is_empty() {
                return Ok(());
            }
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            if left.is_zero() {
                return Err(moved);
            }
            tokio::time::sleep(pause.min(left)).await;
            pause = (pause * 2).min(Duration::from_secs(10));
        }
    }
}

/// Up to 16 assignments of `world` in `pool`, none of `excluded`; when there is none, whether
/// there would be one without `excluded`. Searched on tokio's blocking pool: a search is bounded
/// (docs/discover.md, "What it costs"), but it is CPU work, and never runs on the threads that
/// poll the runner's calls.
async fn solve(
    pool: &Pool,
    world: &World,
    excluded: HashSet<String>,
    now: OffsetDateTime,
) -> Result<(Vec<BTreeMap<String, String>>, bool), tokio::task::JoinError> {
    let (found, world) = (pool.found.clone(), world.clone());
    tokio::task::spawn_blocking(move || {
        let candidates = assign::solve(&world, &found, &excluded, now, 16);
        let could = candidates.is_empty()
            && !assign::solve(&world, &found, &HashSet::new(), now, 1).is_empty();
        (candidates, could)
    })
    .await
}

/// Every resource of a claim, with the same words.
pub(super) fn every(claim: &Claim, why: &str) -> Vec<(String, String)> {
    claim
        .ids()
        .map(|id| (id.clone(), format!("{id}: {why}")))
        .collect()
}
