//! The discover seam's state: each account's pool (its client, what discovery found in it, the
//! ids of its untagged resources), the run's options, the locks of claimed resources and the
//! resources that did not return to their discovered state. Binding, admitting and releasing are
//! the seam's (`super`'s `impl Seam`), claiming and settling `claims.rs`'s.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::assign::Found;
use super::fixtures::{Fixtures, account_words};
use super::listing::list;
use crate::client::{Client, Credentials};
use crate::world::Account;

/// The region the feature files name (`RegionId` `cn-hangzhou`): it stands for the run's.
pub(super) const SUITE_REGION: &str = "cn-hangzhou";

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
pub(super) struct Pool {
    pub(super) account: Account,
    pub(super) client: Client,
    /// Shared with the searches that run off the runtime's threads.
    pub(super) found: Arc<Found>,
    pub(super) untagged: HashSet<String>,
}

impl Pool {
    pub(super) fn new(
        account: Account,
        client: Client,
        found: Found,
        untagged: HashSet<String>,
    ) -> Self {
        Self {
            account,
            client,
            found: Arc::new(found),
            untagged,
        }
    }

    /// Whether `id` is one of its tagged resources.
    pub(super) fn holds(&self, id: &str) -> bool {
        self.found.holds(id)
    }

    /// Holds nothing at all in the region.
    pub(super) fn empty(&self) -> bool {
        self.untagged.is_empty() && self.found.tagged_counts() == (0, 0, 0)
    }
}

/// The discover seam.
#[derive(Debug)]
pub struct Discover {
    pub(super) pools: Vec<Pool>,
    pub(super) options: Options,
    /// Waited before settling's first look (zero against this machine).
    pub(super) first_look: Duration,
    pub(super) locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Resources that did not return to their discovered state: never bound again.
    pub(super) unsettled: Mutex<HashSet<String>>,
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
            first_look: if crate::client::is_local_url(base.endpoint()) {
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

    pub(super) fn unsettled(&self) -> HashSet<String> {
        self.unsettled
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}
