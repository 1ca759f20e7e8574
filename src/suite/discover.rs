//! Existing resources as the scenarios' state (`run --world discover`), for endpoints without the
//! control API: Alibaba Cloud itself, or a vendor's product as shipped.
//!
//! At the start of a run the account's instances, disks and snapshots are listed (paged, in the
//! run's region). Only those tagged `ecs-conformance` = `disposable` may be bound; every other id
//! is remembered so that no call ever names it. Each scenario's world, as its Given steps describe
//! it, is then matched against the tagged resources ([`assign`]): a scenario with no match is not
//! run, and the reason says what resource would let it run.
//!
//! Safety is a rule of this seam, not of the feature files (`docs/discover.md`):
//! - an alias the scenario's world does not hold becomes an id that names no resource;
//! - before every call, an id of a resource that is not tagged is refused, and a bound disk is
//!   named only with `--allow-destructive`;
//! - a resource is claimed by one scenario at a time;
//! - after a scenario that named a bound disk, the resources are described until they are back in
//!   the state they were discovered in (bounded by `--settle-timeout`); one that does not return
//!   is not bound again.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::BoxFuture;
use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use tokio::sync::OwnedMutexGuard;

use super::target::{Binding, Seam, Unbound};
use crate::client::{Call, Client, ClientError, Credentials, RawResponse, WireForm};
use crate::format::Format;
use crate::world::{
    Account, ChargeType, Disk, DiskStatus, Instance, InstanceStatus, LockReason, Snapshot,
    SnapshotStatus, Tag, World,
};

/// The tag that marks a resource the harness may use, and may wipe.
pub const TAG_KEY: &str = "ecs-conformance";
pub const TAG_VALUE: &str = "disposable";

/// The region the feature files name (`RegionId` `cn-hangzhou`): it stands for the run's.
const SUITE_REGION: &str = "cn-hangzhou";

/// What discovery cannot find, from `--fixtures FILE` (TOML, `docs/discover.md`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixtures {
    /// Ids of disks that existed in the account and were released.
    #[serde(default)]
    pub released_disk_ids: Vec<String>,
    /// Key pairs of accounts in an account condition, named by environment variables.
    #[serde(default)]
    pub accounts: Vec<AccountFixture>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountFixture {
    pub condition: AccountCondition,
    /// The environment variable holding the account's AccessKeyId.
    pub access_key_id_env: String,
    /// The environment variable holding its secret (never the secret itself).
    pub access_key_secret_env: String,
    /// The environment variable holding an STS token, for a temporary key pair.
    #[serde(default)]
    pub security_token_env: Option<String>,
}

/// The account conditions ResetDisk's error table names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccountCondition {
    NotInDiskWhiteList,
    SnapshotServiceNotOpened,
    NotEnoughBalance,
    /// An account that holds no instance, disk or snapshot in the region.
    NoResources,
}

impl AccountCondition {
    fn account(self) -> Account {
        let mut a = Account::default();
        match self {
            Self::NotInDiskWhiteList => a.in_disk_white_list = false,
            Self::SnapshotServiceNotOpened => a.snapshot_service_opened = false,
            Self::NotEnoughBalance => a.balance_sufficient = false,
            Self::NoResources => {}
        }
        a
    }
}

/// How an account stands, in words: "" for one in good standing.
fn account_words(a: &Account) -> String {
    let mut parts = Vec::new();
    if !a.in_disk_white_list {
        parts.push("is not in the disk white list (condition = \"not-in-disk-white-list\")");
    }
    if !a.snapshot_service_opened {
        parts.push(
            "has not opened the snapshot service (condition = \"snapshot-service-not-opened\")",
        );
    }
    if !a.balance_sufficient {
        parts.push("does not have enough balance (condition = \"not-enough-balance\")");
    }
    parts.join(" and ")
}

impl Fixtures {
    /// Reads a fixtures file. A secret written in the file is refused (unknown field).
    pub fn parse(text: &str) -> Result<Self, String> {
        toml::from_str(text).map_err(|e| e.message().to_owned())
    }

    /// Each account fixture's condition and key pair, read from the environment (at the edge:
    /// the command line, or a test).
    pub fn accounts(
        &self,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Vec<(Account, Credentials)>, String> {
        self.accounts
            .iter()
            .map(|a| {
                let var = |name: &str| {
                    env(name).filter(|v| !v.is_empty()).ok_or_else(|| {
                        format!(
                            "the fixtures name the environment variable {name}, which is not set"
                        )
                    })
                };
                let mut c =
                    Credentials::new(var(&a.access_key_id_env)?, var(&a.access_key_secret_env)?);
                if let Some(t) = &a.security_token_env {
                    c = c.with_security_token(var(t)?);
                }
                Ok((a.condition.account(), c))
            })
            .collect()
    }
}

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

/// One account: its client, its tagged resources, and the ids of all its others.
#[derive(Debug)]
struct Pool {
    account: Account,
    client: Client,
    tagged: World,
    /// The ids of `tagged`, for the guard's lookups.
    tagged_ids: HashSet<String>,
    untagged: HashSet<String>,
}

impl Pool {
    fn new(account: Account, client: Client, tagged: World, untagged: HashSet<String>) -> Self {
        let tagged_ids = (tagged.instances.iter().map(|x| &x.instance_id))
            .chain(tagged.disks.iter().map(|x| &x.disk_id))
            .chain(tagged.snapshots.iter().map(|x| &x.snapshot_id))
            .cloned()
            .collect();
        Self {
            account,
            client,
            tagged,
            tagged_ids,
            untagged,
        }
    }

    /// Whether `id` is one of its tagged resources.
    fn holds(&self, id: &str) -> bool {
        self.tagged_ids.contains(id)
    }

    /// Holds nothing at all in the region.
    fn empty(&self) -> bool {
        self.untagged.is_empty()
            && self.tagged.instances.is_empty()
            && self.tagged.disks.is_empty()
            && self.tagged.snapshots.is_empty()
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

/// Resources claimed by one scenario, and what it did with them.
#[derive(Debug)]
pub struct Claim {
    pool: usize,
    /// The bound resources as discovered: what settling waits for.
    expected: World,
    /// A call named a bound disk: the resources may have changed.
    touched: AtomicBool,
    salt: String,
    _guards: Vec<OwnedMutexGuard<()>>,
}

impl Claim {
    /// The ids of the claimed resources.
    fn ids(&self) -> impl Iterator<Item = &String> {
        let w = &self.expected;
        (w.instances.iter().map(|x| &x.instance_id))
            .chain(w.disks.iter().map(|x| &x.disk_id))
            .chain(w.snapshots.iter().map(|x| &x.snapshot_id))
    }

    fn holds(&self, id: &str) -> bool {
        self.ids().any(|x| x == id)
    }

    fn holds_disk(&self, id: &str) -> bool {
        self.expected.disk(id).is_some()
    }

    /// An id in ECS's shape (prefix, dash, 20 lowercase characters) that names no resource, for
    /// an alias (`d-9`) the scenario's world does not hold; other values are kept.
    pub fn absent_id(&self, alias: &str) -> String {
        match alias.split_once('-') {
            Some((prefix @ ("i" | "d" | "s"), _)) => {
                let digest = hex::encode(Sha256::digest(format!("{}/{alias}", self.salt)));
                format!("{prefix}-ecsc{}", &digest[..16])
            }
            _ => alias.to_owned(),
        }
    }
}

impl Discover {
    /// Lists the resources of the run's account and of each fixture account.
    pub async fn new(base: &Client, options: Options) -> Result<Self, String> {
        let mut accounts = vec![(Account::default(), base.credentials().clone())];
        accounts.extend(options.accounts.iter().cloned());
        let mut pools = Vec::new();
        for (account, credentials) in accounts {
            let client = base.with_credentials(credentials);
            let (tagged, untagged) = list(&client, &options.region).await.map_err(|e| {
                let words = account_words(&account);
                if words.is_empty() {
                    format!("discovery failed: {e}")
                } else {
                    format!("discovery in the account that {words} failed: {e}")
                }
            })?;
            pools.push(Pool::new(account, client, tagged, untagged));
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
                (
                    p.tagged.instances.len(),
                    p.tagged.disks.len(),
                    p.tagged.snapshots.len(),
                    p.untagged.len(),
                )
            })
            .collect()
    }

    /// Whether any account holds a tagged resource.
    pub fn has_tagged(&self) -> bool {
        self.pools.iter().any(|p| {
            !(p.tagged.instances.is_empty()
                && p.tagged.disks.is_empty()
                && p.tagged.snapshots.is_empty())
        })
    }

    fn unsettled(&self) -> HashSet<String> {
        self.unsettled
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

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
    async fn claim(
        &self,
        pool: usize,
        world: &World,
    ) -> Result<(BTreeMap<String, String>, Vec<OwnedMutexGuard<()>>), Unbound> {
        let p = &self.pools[pool];
        let now = OffsetDateTime::now_utc();
        loop {
            let unsettled = self.unsettled();
            let candidates = assign::solve(world, &p.tagged, &unsettled, now, 16);
            if candidates.is_empty() {
                let could = !assign::solve(world, &p.tagged, &HashSet::new(), now, 1).is_empty();
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
            let claimed = expected(&p.tagged, &bound);
            let moved = match describe(&p.client, &self.options.region, &claimed).await {
                Ok(current) => assign::moved(&claimed, &current),
                Err(ListError::NoAnswer(e)) => {
                    return Err(Unbound::NoAnswer(format!("describing its resources: {e}")));
                }
                Err(ListError::Answer(e)) => {
                    return Err(Unbound::Failed(format!("describing its resources: {e}")));
                }
            };
            if moved.is_empty() {
                return Ok((assignment, guards));
            }
            self.mark_unsettled(moved);
        }
    }

    fn mark_unsettled(&self, moved: Vec<(String, String)>) {
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
    async fn settle(&self, claim: &Claim) -> Result<(), Vec<(String, String)>> {
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

impl Seam for Discover {
    fn name(&self) -> &'static str {
        "discover"
    }

    fn cannot_install(&self) -> Option<String> {
        None
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
            let expected = expected(&self.pools[pool].tagged, &bound);
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
        let Some(claim) = &binding.claim else {
            return Ok(());
        };
        let pool = &self.pools[claim.pool];
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
        // What a call may change: nothing for Describe*, the disk for ResetDisk (its snapshot is
        // only read), any claimed resource for any other action.
        let changes = |id: &str| match call.action.as_str() {
            a if a.starts_with("Describe") => false,
            "ResetDisk" => claim.holds_disk(id),
            _ => claim.holds(id),
        };
        if let Some(id) = words.iter().find(|w| changes(w)) {
            if !self.options.allow_destructive {
                let what = if claim.holds_disk(id) {
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
            let Some(claim) = &binding.claim else {
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

/// Every resource of a claim, with the same words.
fn every(claim: &Claim, why: &str) -> Vec<(String, String)> {
    claim
        .ids()
        .map(|id| (id.clone(), format!("{id}: {why}")))
        .collect()
}

/// The resources of `tagged` among `ids`, as discovered.
fn expected(tagged: &World, ids: &HashSet<String>) -> World {
    World {
        instances: keep(&tagged.instances, ids, |x| &x.instance_id),
        disks: keep(&tagged.disks, ids, |x| &x.disk_id),
        snapshots: keep(&tagged.snapshots, ids, |x| &x.snapshot_id),
        ..World::default()
    }
}

fn keep<T: Clone>(items: &[T], ids: &HashSet<String>, id: impl Fn(&T) -> &String) -> Vec<T> {
    items
        .iter()
        .filter(|x| ids.contains(id(x)))
        .cloned()
        .collect()
}

// --- Listing ------------------------------------------------------------------------------------

/// The most pages read of one list: 1,000 pages of 100.
const MAX_PAGES: usize = 1000;

/// One kind of resource as the Describe* calls list it.
struct Kind<T> {
    action: &'static str,
    /// The list's name in the answer: `Disks` (items under `Disks.Disk`).
    plural: &'static str,
    /// The id field: `DiskId` (and `DiskIds`, the filter by id).
    id: &'static str,
    parse: fn(&Value) -> Option<T>,
    tags: fn(&T) -> &[Tag],
}

const INSTANCES: Kind<Instance> = Kind {
    action: "DescribeInstances",
    plural: "Instances",
    id: "InstanceId",
    parse: parse_instance,
    tags: |x| &x.tags,
};
const DISKS: Kind<Disk> = Kind {
    action: "DescribeDisks",
    plural: "Disks",
    id: "DiskId",
    parse: parse_disk,
    tags: |x| &x.tags,
};
const SNAPSHOTS: Kind<Snapshot> = Kind {
    action: "DescribeSnapshots",
    plural: "Snapshots",
    id: "SnapshotId",
    parse: parse_snapshot,
    tags: |x| &x.tags,
};

/// The resources of one kind (those of `ids` only, when given) tagged disposable, and the ids of
/// the others.
async fn fetch<T>(
    client: &Client,
    region: &str,
    kind: &Kind<T>,
    ids: Option<&[&String]>,
) -> Result<(Vec<T>, Vec<String>), ListError> {
    let filter = ids.map(|ids| (format!("{}s", kind.id), serde_json::json!(ids).to_string()));
    let filter = filter.as_ref().map(|(k, v)| (k.as_str(), v.as_str()));
    let (mut tagged, mut others) = (Vec::new(), Vec::new());
    for item in pages(client, region, kind.action, kind.plural, filter).await? {
        match (kind.parse)(&item) {
            Some(x) if disposable((kind.tags)(&x)) => tagged.push(x),
            _ => others.extend(id_of(&item, kind.id)),
        }
    }
    Ok((tagged, others))
}

/// The region's instances, disks and snapshots: those tagged disposable as a world, and the ids of
/// the others.
/// Why a listing failed: the endpoint gave no answer at all, or answered what cannot be listed.
#[derive(Debug)]
enum ListError {
    NoAnswer(String),
    Answer(String),
}

impl std::fmt::Display for ListError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoAnswer(e) | Self::Answer(e) => f.write_str(e),
        }
    }
}

impl From<String> for ListError {
    fn from(e: String) -> Self {
        Self::Answer(e)
    }
}

async fn list(client: &Client, region: &str) -> Result<(World, HashSet<String>), ListError> {
    let (instances, a) = fetch(client, region, &INSTANCES, None).await?;
    let (disks, b) = fetch(client, region, &DISKS, None).await?;
    let (snapshots, c) = fetch(client, region, &SNAPSHOTS, None).await?;
    let world = World {
        instances,
        disks,
        snapshots,
        ..World::default()
    };
    Ok((world, a.into_iter().chain(b).chain(c).collect()))
}

/// The resources of `these` as the account shows them now, asked for by id (a call per kind,
/// whatever the account's size); one no longer tagged disposable is left out, as if gone.
async fn describe(client: &Client, region: &str, these: &World) -> Result<World, ListError> {
    async fn by_id<T>(
        client: &Client,
        region: &str,
        kind: &Kind<T>,
        ids: Vec<&String>,
    ) -> Result<Vec<T>, ListError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(fetch(client, region, kind, Some(&ids)).await?.0)
    }
    Ok(World {
        instances: by_id(
            client,
            region,
            &INSTANCES,
            these.instances.iter().map(|x| &x.instance_id).collect(),
        )
        .await?,
        disks: by_id(
            client,
            region,
            &DISKS,
            these.disks.iter().map(|x| &x.disk_id).collect(),
        )
        .await?,
        snapshots: by_id(
            client,
            region,
            &SNAPSHOTS,
            these.snapshots.iter().map(|x| &x.snapshot_id).collect(),
        )
        .await?,
        ..World::default()
    })
}

fn disposable(tags: &[Tag]) -> bool {
    tags.iter()
        .any(|t| t.key == TAG_KEY && t.value == TAG_VALUE)
}

fn id_of(item: &Value, field: &str) -> Option<String> {
    item.get(field)?.as_str().map(str::to_owned)
}

/// Every item of a paged Describe* list (`{"Disks":{"Disk":[…]}}`).
async fn pages(
    client: &Client,
    region: &str,
    action: &str,
    plural: &str,
    filter: Option<(&str, &str)>,
) -> Result<Vec<Value>, ListError> {
    let singular = plural.trim_end_matches('s');
    let mut items = Vec::new();
    for number in 1..=MAX_PAGES {
        let mut call = Call::new(action, WireForm::V1Get, Some(Format::Json))
            .param("RegionId", region)
            .param("PageSize", "100")
            .param("PageNumber", number.to_string());
        if let Some((name, value)) = filter {
            call = call.param(name, value);
        }
        let raw = super::throttle::send_retrying(client, &call)
            .await
            .map_err(|e| match e {
                ClientError::Http { .. } => ListError::NoAnswer(e.to_string()),
                other => ListError::Answer(other.to_string()),
            })?;
        if raw.status != 200 {
            return Err(ListError::Answer(format!(
                "{action} answered {}: {}",
                raw.status,
                excerpt(&raw)
            )));
        }
        let body: Value = serde_json::from_str(&raw.body).map_err(|e| {
            ListError::Answer(format!(
                "{action} answered 200 with a body that is not JSON ({e})"
            ))
        })?;
        let page = body
            .get(plural)
            .and_then(|p| p.get(singular))
            .and_then(Value::as_array)
            .ok_or_else(|| {
                ListError::Answer(format!("{action}'s answer has no {plural}.{singular} list"))
            })?;
        // TotalCount may be missing or a string: a short page ends the list as surely.
        let total = body.get("TotalCount").and_then(|t| {
            t.as_u64()
                .or_else(|| t.as_str().and_then(|s| s.parse().ok()))
        });
        let last = page.len() < 100;
        items.extend(page.iter().cloned());
        if last || total.is_some_and(|t| items.len() as u64 >= t) {
            return Ok(items);
        }
    }
    Err(ListError::Answer(format!(
        "{action} lists more than {} items in {region}; discovery stops there",
        MAX_PAGES * 100
    )))
}

/// The first 200 characters of an answer, for an error message.
fn excerpt(raw: &RawResponse) -> String {
    raw.body.chars().take(200).collect()
}

fn text<'a>(item: &'a Value, field: &str) -> Option<&'a str> {
    item.get(field)?.as_str()
}

fn parse_tags(item: &Value) -> Vec<Tag> {
    item.get("Tags")
        .and_then(|t| t.get("Tag"))
        .and_then(Value::as_array)
        .map(|tags| {
            tags.iter()
                .filter_map(|t| {
                    Some(Tag {
                        key: text(t, "TagKey")?.to_owned(),
                        value: text(t, "TagValue").unwrap_or_default().to_owned(),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `OperationLocks.<inner>[].LockReason`; `None` when one is a reason this harness does not know
/// (such a resource is never bound: it would not behave as any scenario states).
fn parse_locks(item: &Value, inner: &str) -> Option<Vec<LockReason>> {
    let Some(list) = item
        .get("OperationLocks")
        .and_then(|l| l.get(inner))
        .and_then(Value::as_array)
    else {
        return Some(Vec::new());
    };
    list.iter()
        .map(|l| text(l, "LockReason")?.parse().ok())
        .collect()
}

/// ECS's times: `2024-01-01T00:00:00Z` or, for instances, `2024-01-01T00:00Z`.
fn parse_time(s: &str) -> Option<OffsetDateTime> {
    use time::format_description::well_known::Rfc3339;
    OffsetDateTime::parse(s, &Rfc3339).ok().or_else(|| {
        let with_seconds = s.strip_suffix('Z').map(|t| format!("{t}:00Z"))?;
        OffsetDateTime::parse(&with_seconds, &Rfc3339).ok()
    })
}

fn parse_instance(item: &Value) -> Option<Instance> {
    let status: InstanceStatus = text(item, "Status")?.parse().ok()?;
    let mut x = Instance::new(text(item, "InstanceId")?, status);
    x.lock_reasons = parse_locks(item, "LockReason")?;
    x.charge_type = match text(item, "InstanceChargeType") {
        Some(c) => c.parse::<ChargeType>().ok()?,
        None => ChargeType::default(),
    };
    x.expired_time = text(item, "ExpiredTime").and_then(parse_time);
    x.tags = parse_tags(item);
    Some(x)
}

fn parse_disk(item: &Value) -> Option<Disk> {
    let status: DiskStatus = text(item, "Status")?.parse().ok()?;
    let instance = text(item, "InstanceId")
        .filter(|i| !i.is_empty())
        .map(str::to_owned);
    let mut d = Disk::new(text(item, "DiskId")?, status, instance);
    if let Some(c) = text(item, "Category") {
        d.category = c.to_owned();
    }
    d.lock_reasons = parse_locks(item, "OperationLock")?;
    d.tags = parse_tags(item);
    Some(d)
}

fn parse_snapshot(item: &Value) -> Option<Snapshot> {
    let status: SnapshotStatus = text(item, "Status")?.parse().ok()?;
    let mut s = Snapshot::new(
        text(item, "SnapshotId")?,
        text(item, "SourceDiskId").unwrap_or_default(),
        status,
    );
    s.creation_time = text(item, "CreationTime").and_then(parse_time)?;
    s.tags = parse_tags(item);
    Some(s)
}

// --- Assignment ---------------------------------------------------------------------------------

/// Matching a scenario's world to existing resources: pure functions of both worlds.
pub mod assign {
    use super::*;

    /// Why a world cannot be found among existing resources at all, if it cannot.
    pub fn control_only(world: &World) -> Option<String> {
        const ONLY: &str = "which only the control API can arrange";
        if !world.faults.is_empty() {
            return Some(format!("needs an injected fault, {ONLY}"));
        }
        if world.reset_duration_ms > 0 {
            return Some(format!(
                "needs a reset that lasts {} s, {ONLY}",
                world.reset_duration_ms / 1000
            ));
        }
        if world.snapshots.iter().any(|s| !s.supports_reset) {
            return Some(format!(
                "needs a snapshot that does not support ResetDisk, {ONLY}"
            ));
        }
        let attached_to_gone = world.disks.iter().any(|d| {
            d.instance_id
                .as_deref()
                .is_some_and(|i| world.instance(i).is_none())
        });
        if attached_to_gone {
            return Some(format!(
                "needs a disk attached to an instance that was released, {ONLY}"
            ));
        }
        None
    }

    fn same_locks(a: &[LockReason], b: &[LockReason]) -> bool {
        let set = |l: &[LockReason]| l.iter().copied().collect::<HashSet<_>>();
        set(a) == set(b)
    }

    /// Two instances ResetDisk treats alike: status, locks, and whether a subscription expired.
    fn instance_like(stated: &Instance, found: &Instance, now: OffsetDateTime) -> bool {
        stated.status == found.status
            && same_locks(&stated.lock_reasons, &found.lock_reasons)
            && stated.expired(now) == found.expired(now)
    }

    /// A disk alike in itself: status, locks, category class, attached or not.
    fn disk_like(stated: &Disk, found: &Disk) -> bool {
        stated.status == found.status
            && same_locks(&stated.lock_reasons, &found.lock_reasons)
            && crate::world::category_supports_reset(&stated.category)
                == crate::world::category_supports_reset(&found.category)
            && stated.instance_id.is_some() == found.instance_id.is_some()
    }

    /// Attached to the instance bound to the stated one.
    fn disk_tied(stated: &Disk, found: &Disk, bound: &BTreeMap<String, String>) -> bool {
        stated
            .instance_id
            .as_ref()
            .is_none_or(|i| bound.get(i) == found.instance_id.as_ref())
    }

    fn snapshot_like(stated: &Snapshot, found: &Snapshot) -> bool {
        stated.status == found.status && stated.too_old() == found.too_old()
    }

    /// Of the disk bound to the stated source; or, for a snapshot of a disk the scenario does not
    /// hold, of none of the bound disks.
    fn snapshot_tied(
        stated: &Snapshot,
        found: &Snapshot,
        world: &World,
        bound: &BTreeMap<String, String>,
    ) -> bool {
        if world.disk(&stated.source_disk_id).is_some() {
            bound.get(&stated.source_disk_id) == Some(&found.source_disk_id)
        } else {
            !world
                .disks
                .iter()
                .any(|d| bound.get(&d.disk_id) == Some(&found.source_disk_id))
        }
    }

    /// One alias to bind, and the resources alike in themselves (what they are tied to is checked
    /// as the search goes).
    enum Slot<'a> {
        Instance(&'a Instance, Vec<&'a Instance>),
        Disk(&'a Disk, Vec<&'a Disk>),
        Snapshot(&'a Snapshot, Vec<&'a Snapshot>),
    }

    impl Slot<'_> {
        fn is_empty(&self) -> bool {
            match self {
                Slot::Instance(_, c) => c.is_empty(),
                Slot::Disk(_, c) => c.is_empty(),
                Slot::Snapshot(_, c) => c.is_empty(),
            }
        }
    }

    /// Up to `limit` assignments of the world's aliases to distinct resources of `found`, none in
    /// `excluded`, each resource behaving under ResetDisk as the world states.
    pub fn solve(
        world: &World,
        found: &World,
        excluded: &HashSet<String>,
        now: OffsetDateTime,
        limit: usize,
    ) -> Vec<BTreeMap<String, String>> {
        let free = |id: &String| !excluded.contains(id);
        let mut slots = Vec::new();
        for s in &world.instances {
            let c = found.instances.iter();
            let c = c.filter(|f| free(&f.instance_id) && instance_like(s, f, now));
            slots.push(Slot::Instance(s, c.collect()));
        }
        for s in &world.disks {
            let c = found.disks.iter();
            slots.push(Slot::Disk(
                s,
                c.filter(|f| free(&f.disk_id) && disk_like(s, f)).collect(),
            ));
        }
        for s in &world.snapshots {
            let c = found.snapshots.iter();
            let c = c.filter(|f| free(&f.snapshot_id) && snapshot_like(s, f));
            slots.push(Slot::Snapshot(s, c.collect()));
        }
        // An alias nothing is alike to: no search.
        if slots.iter().any(Slot::is_empty) {
            return Vec::new();
        }
        let mut search = Search {
            world,
            slots,
            limit,
            budget: SEARCH_BUDGET,
            out: Vec::new(),
        };
        search.step(0, &mut BTreeMap::new());
        search.out
    }

    /// How many partial assignments one search may try: a bound on the time it takes on an
    /// account with thousands of resources; past it, what was found is what there is.
    const SEARCH_BUDGET: usize = 100_000;

    struct Search<'a> {
        world: &'a World,
        slots: Vec<Slot<'a>>,
        limit: usize,
        budget: usize,
        out: Vec<BTreeMap<String, String>>,
    }

    impl Search<'_> {
        /// Binds the alias of `slot` (instances, then disks, then snapshots) to each resource
        /// that fits, and goes on to the next.
        fn step(&mut self, slot: usize, bound: &mut BTreeMap<String, String>) {
            if self.out.len() >= self.limit || self.budget == 0 {
                return;
            }
            self.budget -= 1;
            let world = self.world;
            let (alias, candidates): (&String, Vec<&String>) = match self.slots.get(slot) {
                None => {
                    self.out.push(bound.clone());
                    return;
                }
                Some(Slot::Instance(s, c)) => {
                    (&s.instance_id, c.iter().map(|f| &f.instance_id).collect())
                }
                Some(Slot::Disk(s, c)) => {
                    let c = c.iter().filter(|f| disk_tied(s, f, bound));
                    (&s.disk_id, c.map(|f| &f.disk_id).collect())
                }
                Some(Slot::Snapshot(s, c)) => {
                    let c = c.iter().filter(|f| snapshot_tied(s, f, world, bound));
                    (&s.snapshot_id, c.map(|f| &f.snapshot_id).collect())
                }
            };
            for id in candidates {
                if bound.values().any(|b| b == id) {
                    continue;
                }
                bound.insert(alias.clone(), id.clone());
                self.step(slot + 1, bound);
                bound.remove(alias);
            }
        }
    }

    /// What resources would let `world` run, in words.
    pub fn needs(world: &World, region: &str, account: &Account) -> String {
        let mut parts = Vec::new();
        for x in &world.instances {
            let mut s = format!("{} instance {}", a(x.status.as_str()), x.instance_id);
            if !x.lock_reasons.is_empty() {
                s += &format!(" locked for {}", words(&x.lock_reasons));
            }
            if x.expired(OffsetDateTime::now_utc()) {
                s += " whose subscription has expired";
            }
            parts.push(s);
        }
        for d in &world.disks {
            let mut s = format!("a disk {} {}", d.disk_id, d.status);
            if let Some(i) = &d.instance_id {
                s += &format!(" on {i}");
            }
            if !crate::world::category_supports_reset(&d.category) {
                s += &format!(" of a category ResetDisk refuses ({})", d.category);
            }
            if !d.lock_reasons.is_empty() {
                s += &format!(" locked for {}", words(&d.lock_reasons));
            }
            parts.push(s);
        }
        for s in &world.snapshots {
            let of = if world.disk(&s.source_disk_id).is_some() {
                s.source_disk_id.clone()
            } else {
                "another disk".into()
            };
            let mut t = format!(
                "{} snapshot {} of {of}",
                a(s.status.as_str()),
                s.snapshot_id
            );
            if s.too_old() {
                t += " created before 2013-07-15";
            }
            parts.push(t);
        }
        let whose = account_words(account);
        let whose = if whose.is_empty() {
            String::new()
        } else {
            format!(" in the account that {whose}")
        };
        format!(
            "needs, tagged {TAG_KEY}={TAG_VALUE} in {region}{whose}: {}",
            parts.join("; ")
        )
    }

    /// `word` with its indefinite article.
    fn a(word: &str) -> String {
        let vowel = word.starts_with(['a', 'e', 'i', 'o', 'u', 'A', 'E', 'I', 'O', 'U']);
        format!("{} {word}", if vowel { "an" } else { "a" })
    }

    fn words(locks: &[LockReason]) -> String {
        locks
            .iter()
            .map(|l| l.as_str())
            .collect::<Vec<_>>()
            .join(" and ")
    }

    /// The resources of `expected` that `now` shows in another state (or not at all): their ids,
    /// with words.
    pub fn moved(expected: &World, now: &World) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut note = |id: &String, state: Option<String>| {
            let words = state.map_or_else(|| format!("{id} is gone"), |s| format!("{id} is {s}"));
            out.push((id.clone(), words));
        };
        for x in &expected.instances {
            match now.instance(&x.instance_id) {
                Some(n) if n.status == x.status && same_locks(&n.lock_reasons, &x.lock_reasons) => {
                }
                n => note(&x.instance_id, n.map(|n| n.status.to_string())),
            }
        }
        for d in &expected.disks {
            match now.disk(&d.disk_id) {
                Some(n)
                    if n.status == d.status
                        && n.instance_id == d.instance_id
                        && same_locks(&n.lock_reasons, &d.lock_reasons) => {}
                n => note(&d.disk_id, n.map(|n| n.status.to_string())),
            }
        }
        for s in &expected.snapshots {
            match now.snapshot(&s.snapshot_id) {
                Some(n) if n.status == s.status => {}
                n => note(&s.snapshot_id, n.map(|n| n.status.to_string())),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tagged() -> Vec<Tag> {
        vec![Tag {
            key: TAG_KEY.into(),
            value: TAG_VALUE.into(),
        }]
    }

    /// The preconditions' world: i-1 Stopped, d-1 In_use on it, s-1 of d-1 accomplished.
    fn stated() -> World {
        World {
            instances: vec![Instance::new("i-1", InstanceStatus::Stopped)],
            disks: vec![Disk::new("d-1", DiskStatus::InUse, Some("i-1".into()))],
            snapshots: vec![Snapshot::new("s-1", "d-1", SnapshotStatus::Accomplished)],
            ..World::default()
        }
    }

    /// Two such trios on an account: `a` and `b`.
    fn found() -> World {
        let mut w = World::default();
        for p in ["a", "b"] {
            w.instances
                .push(Instance::new(format!("i-{p}"), InstanceStatus::Stopped));
            w.disks.push(Disk::new(
                format!("d-{p}"),
                DiskStatus::InUse,
                Some(format!("i-{p}")),
            ));
            w.snapshots.push(Snapshot::new(
                format!("s-{p}"),
                format!("d-{p}"),
                SnapshotStatus::Accomplished,
            ));
        }
        w
    }

    fn now() -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }

    #[test]
    fn a_world_binds_to_consistent_trios_only() {
        let got = assign::solve(&stated(), &found(), &HashSet::new(), now(), 16);
        assert_eq!(got.len(), 2, "{got:?}");
        for a in &got {
            let p = &a["i-1"][2..];
            assert_eq!(a["d-1"], format!("d-{p}"));
            assert_eq!(a["s-1"], format!("s-{p}"), "a snapshot of the bound disk");
        }
        let excluded: HashSet<String> = ["d-a".to_owned()].into();
        let got = assign::solve(&stated(), &found(), &excluded, now(), 16);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0]["d-1"], "d-b");
    }

    #[test]
    fn what_resetdisk_treats_otherwise_does_not_match() {
        let mut running = found();
        running.instances[0].status = InstanceStatus::Running;
        running.instances[1].lock_reasons = vec![LockReason::Security];
        assert!(assign::solve(&stated(), &running, &HashSet::new(), now(), 16).is_empty());

        let mut expired = found();
        for x in &mut expired.instances {
            x.charge_type = ChargeType::PrePaid;
            x.expired_time = Some(now() - time::Duration::days(1));
        }
        assert!(assign::solve(&stated(), &expired, &HashSet::new(), now(), 16).is_empty());
        // An unexpired subscription is alike a pay-as-you-go instance.
        for x in &mut expired.instances {
            x.expired_time = Some(now() + time::Duration::days(30));
        }
        assert_eq!(
            assign::solve(&stated(), &expired, &HashSet::new(), now(), 16).len(),
            2
        );

        let mut local = found();
        for d in &mut local.disks {
            d.category = "local_ssd_pro".into();
        }
        assert!(assign::solve(&stated(), &local, &HashSet::new(), now(), 16).is_empty());

        let mut old = found();
        for s in &mut old.snapshots {
            s.creation_time = time::macros::datetime!(2013-07-14 23:59:59 UTC);
        }
        assert!(assign::solve(&stated(), &old, &HashSet::new(), now(), 16).is_empty());
    }

    #[test]
    fn a_snapshot_of_a_disk_the_world_does_not_hold_is_of_none_bound() {
        let mut w = stated();
        w.snapshots[0].source_disk_id = "d-9".into();
        let got = assign::solve(&w, &found(), &HashSet::new(), now(), 16);
        assert!(!got.is_empty());
        for a in got {
            let disk = &a["d-1"];
            let snap = &a["s-1"];
            assert_ne!(&snap.replace("s-", "d-"), disk, "{a:?}");
        }
    }

    #[test]
    fn needs_names_every_resource() {
        let mut w = stated();
        w.instances[0].status = InstanceStatus::Running;
        w.snapshots
            .push(Snapshot::new("s-2", "d-1", SnapshotStatus::Progressing));
        assert_eq!(
            assign::needs(&w, "cn-shanghai", &Account::default()),
            "needs, tagged ecs-conformance=disposable in cn-shanghai: a Running instance i-1; a \
             disk d-1 In_use on i-1; an accomplished snapshot s-1 of d-1; a progressing snapshot \
             s-2 of d-1"
        );
    }

    #[test]
    fn control_only_worlds_say_why() {
        let mut w = stated();
        w.reset_duration_ms = 60_000;
        assert!(assign::control_only(&w).is_some_and(|r| r.contains("60 s")));
        let mut w = stated();
        w.release_instance("i-1");
        assert!(assign::control_only(&w).is_some_and(|r| r.contains("released")));
        assert_eq!(assign::control_only(&stated()), None);
    }

    #[test]
    fn settling_sees_a_resource_that_moved() {
        let expected = found();
        assert!(assign::moved(&expected, &found()).is_empty());
        let mut now = found();
        now.disks[1].status = DiskStatus::ReIniting;
        now.snapshots.pop();
        assert_eq!(
            assign::moved(&expected, &now),
            [("d-b", "d-b is ReIniting"), ("s-b", "s-b is gone")]
                .map(|(id, w)| (id.to_owned(), w.to_owned()))
        );
    }

    #[test]
    fn absent_ids_have_ecs_shape_and_stay_put() {
        let claim = Claim {
            pool: 0,
            expected: World::default(),
            touched: AtomicBool::new(false),
            salt: "salt".into(),
            _guards: Vec::new(),
        };
        let id = claim.absent_id("d-9");
        assert_eq!(id.len(), "d-".len() + 20);
        assert!(id.starts_with("d-ecsc"));
        assert_eq!(claim.absent_id("d-9"), id);
        assert_ne!(claim.absent_id("d-8"), id);
        assert_eq!(claim.absent_id("cn-hangzhou"), "cn-hangzhou");
    }

    /// A seam over `found()` with one untagged disk, `d-other`, and a claim of trio `a`.
    fn seam(allow_destructive: bool) -> (Discover, Binding) {
        let client = Client::new("http://127.0.0.1:9", Credentials::new("k", "s"))
            .unwrap_or_else(|e| panic!("{e}"));
        let discover = Discover {
            pools: vec![Pool::new(
                Account::default(),
                client.clone(),
                found(),
                ["d-other".to_owned()].into(),
            )],
            first_look: Duration::ZERO,
            options: Options {
                allow_destructive,
                ..Options::default()
            },
            locks: Mutex::new(HashMap::new()),
            unsettled: Mutex::new(HashSet::new()),
        };
        let claim = Claim {
            pool: 0,
            expected: expected(&found(), &["i-a", "d-a", "s-a"].map(str::to_owned).into()),
            touched: AtomicBool::new(false),
            salt: "salt".into(),
            _guards: Vec::new(),
        };
        let binding = Binding {
            client,
            aliases: [("d-1", "d-a"), ("s-1", "s-a")]
                .map(|(a, b)| (a.to_owned(), b.to_owned()))
                .into(),
            claim: Some(Arc::new(claim)),
        };
        (discover, binding)
    }

    fn reset(disk: &str) -> Call {
        Call::new("ResetDisk", WireForm::V1Get, Some(Format::Json))
            .param("DiskId", disk)
            .param("SnapshotId", "s-a")
    }

    #[test]
    fn no_call_names_an_untagged_resource_or_a_bound_disk_unasked() {
        let (safe, binding) = seam(false);
        let listed = Call::new("DescribeDisks", WireForm::V1Get, Some(Format::Json))
            .param("DiskIds", r#"["d-a","d-other"]"#);
        assert!(
            safe.admit(&binding, &listed)
                .is_err_and(|e| e.contains("d-other"))
        );
        assert!(
            safe.admit(&binding, &reset("d-a"))
                .is_err_and(|e| e.contains("--allow-destructive"))
        );
        let absent = binding.resolve("d-9");
        assert!(safe.admit(&binding, &reset(&absent)).is_ok());

        let snapshot = Call::new("DeleteSnapshot", WireForm::V1Get, Some(Format::Json))
            .param("SnapshotId", "s-a");
        assert!(
            safe.admit(&binding, &snapshot)
                .is_err_and(|e| e.contains("resource s-a in DeleteSnapshot"))
        );
        let unclaimed = reset("d-b");
        assert!(
            safe.admit(&binding, &unclaimed)
                .is_err_and(|e| e.contains("did not claim"))
        );

        let (destructive, binding) = seam(true);
        assert!(destructive.admit(&binding, &reset("d-other")).is_err());
        assert!(destructive.admit(&binding, &unclaimed).is_err());
        assert!(destructive.admit(&binding, &reset("d-a")).is_ok());
        let touched = binding
            .claim
            .as_ref()
            .is_some_and(|c| c.touched.load(Ordering::Relaxed));
        assert!(touched, "naming a bound disk marks the claim for settling");
    }

    #[test]
    fn fixtures_name_variables_never_secrets() {
        let f = Fixtures::parse(
            "released_disk_ids = [\"d-x\"]\n[[accounts]]\ncondition = \"not-enough-balance\"\n\
             access_key_id_env = \"ID\"\naccess_key_secret_env = \"SECRET\"\n",
        )
        .unwrap_or_default();
        assert_eq!(f.released_disk_ids, ["d-x"]);
        let env = |k: &str| (k == "ID" || k == "SECRET").then(|| format!("v-{k}"));
        let creds = f.accounts(&env).unwrap_or_default();
        assert_eq!(creds.len(), 1);
        assert!(!creds[0].0.balance_sufficient);
        assert_eq!(creds[0].1.access_key_id, "v-ID");
        let missing = f.accounts(&|_| None).unwrap_err();
        assert!(
            missing.contains("ID") && missing.contains("not set"),
            "{missing}"
        );

        let with_secret = Fixtures::parse(
            "[[accounts]]\ncondition = \"no-resources\"\naccess_key_id_env = \"I\"\n\
             access_key_secret_env = \"S\"\naccess_key_secret = \"plain\"\n",
        )
        .unwrap_err();
        assert!(with_secret.contains("access_key_secret"), "{with_secret}");
        assert!(!with_secret.contains("plain"), "{with_secret}");
    }

    #[test]
    fn describe_answers_parse_as_ecs_writes_them() {
        let x: Value = serde_json::json!({
            "InstanceId": "i-x", "Status": "Stopped", "InstanceChargeType": "PrePaid",
            "ExpiredTime": "2020-01-01T00:00Z",
            "OperationLocks": {"LockReason": [{"LockReason": "financial"}]},
            "Tags": {"Tag": [{"TagKey": TAG_KEY, "TagValue": TAG_VALUE}]}
        });
        let i = parse_instance(&x).expect("parses");
        assert!(i.expired(now()) && disposable(&i.tags));
        assert_eq!(i.lock_reasons, [LockReason::Financial]);
        let unknown_lock = serde_json::json!({
            "InstanceId": "i-y", "Status": "Stopped",
            "OperationLocks": {"LockReason": [{"LockReason": "mystery"}]}
        });
        assert!(parse_instance(&unknown_lock).is_none());
        let d = parse_disk(&serde_json::json!({
            "DiskId": "d-x", "Status": "Available", "InstanceId": "", "Category": "cloud_essd",
            "Tags": {"Tag": tagged().iter().map(|t| serde_json::json!({"TagKey": t.key, "TagValue": t.value})).collect::<Vec<_>>()}
        }))
        .expect("parses");
        assert_eq!(d.instance_id, None);
        assert!(disposable(&d.tags));
    }
}
