//! Matching a scenario's world, alias by alias, to distinct tagged resources that every action
//! under certification treats alike: the shared state (status, locks, attachment, an expired
//! subscription) and each action's declared marks ([`crate::contract::Mark`]).
//!
//! The account is made ready once per listing ([`Found`]): indexed, and its tagged resources
//! classed by what "alike" compares. A match then costs what it tries, not the account's size
//! (docs/discover.md, "What it costs").

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use time::OffsetDateTime;

use super::fixtures::account_words;
use super::tag::{TAG_KEY, TAG_VALUE};
use crate::contract::{self, Mark};
use crate::world::{
    Account, Disk, DiskStatus, Indexed, Instance, InstanceStatus, LockReason, Snapshot,
    SnapshotStatus, World,
};

/// Why a world cannot be found among existing resources at all, if it cannot: an injected fault,
/// a disk of a released instance, or what an action under certification declares.
pub fn control_only(world: &World) -> Option<String> {
    const ONLY: &str = "which only the control API can arrange";
    if !world.faults.is_empty() {
        return Some(format!("needs an injected fault, {ONLY}"));
    }
    if let Some(why) = contract::control_only(world) {
        return Some(why);
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

/// The keys of `marks`: what "alike" compares.
fn keys(marks: Vec<Mark>) -> BTreeSet<&'static str> {
    marks.into_iter().map(|m| m.key).collect()
}

/// Lock reasons as a set: what "alike" compares.
fn locks(l: &[LockReason]) -> BTreeSet<&'static str> {
    l.iter().map(|l| l.as_str()).collect()
}

fn same_locks(a: &[LockReason], b: &[LockReason]) -> bool {
    locks(a) == locks(b)
}

/// What two instances must share to be alike, but whether a subscription expired (which moves
/// with the clock, so it is checked as the search goes).
#[derive(Debug, PartialEq, Eq, Hash)]
struct InstanceClass(InstanceStatus, BTreeSet<&'static str>);

impl InstanceClass {
    fn of(x: &Instance) -> Self {
        Self(x.status, locks(&x.lock_reasons))
    }
}

/// What two disks must share to be alike in themselves: status, locks, attached or not, and the
/// actions' marks (what they are attached to is checked as the search goes).
#[derive(Debug, PartialEq, Eq, Hash)]
struct DiskClass(
    DiskStatus,
    BTreeSet<&'static str>,
    bool,
    BTreeSet<&'static str>,
);

impl DiskClass {
    fn of(d: &Disk, around: &Indexed) -> Self {
        Self(
            d.status,
            locks(&d.lock_reasons),
            d.instance_id.is_some(),
            keys(contract::disk_marks(d, around)),
        )
    }
}

/// What two snapshots must share to be alike in themselves: status, and the actions' marks.
#[derive(Debug, PartialEq, Eq, Hash)]
struct SnapshotClass(SnapshotStatus, BTreeSet<&'static str>);

impl SnapshotClass {
    fn of(s: &Snapshot) -> Self {
        Self(s.status, keys(contract::snapshot_marks(s)))
    }
}

/// Tagged resources by class: each class's members in listing order, and each member's class.
#[derive(Debug)]
struct Classes<K> {
    of: HashMap<String, usize>,
    ids: HashMap<K, usize>,
    members: Vec<Vec<usize>>,
}

impl<K: std::hash::Hash + Eq> Classes<K> {
    fn new() -> Self {
        Self {
            of: HashMap::new(),
            ids: HashMap::new(),
            members: Vec::new(),
        }
    }

    fn add(&mut self, id: &str, position: usize, class: K) {
        if self.of.contains_key(id) {
            return;
        }
        let next = self.members.len();
        let c = *self.ids.entry(class).or_insert(next);
        if c == next {
            self.members.push(Vec::new());
        }
        self.members[c].push(position);
        self.of.insert(id.to_owned(), c);
    }

    /// The class `key` names among the tagged resources, if any is of it.
    fn find(&self, key: &K) -> Option<usize> {
        self.ids.get(key).copied()
    }

    /// The members of class `c`, in listing order.
    fn members(&self, c: usize) -> &[usize] {
        &self.members[c]
    }

    /// Whether tagged resource `id` is of class `c` (an untagged one is of none).
    fn holds(&self, c: usize, id: &str) -> bool {
        self.of.get(id) == Some(&c)
    }
}

/// An account as discovery listed it, made ready for matching once per listing: every resource
/// it could read, tagged or not, indexed (a tagged disk's marks may depend on an untagged
/// snapshot of it); and the tagged ones, those that may be bound, classed by what "alike"
/// compares. Building it takes time linear in the account; a match then looks up a class, or
/// what is attached to a bound resource, instead of scanning the account.
#[derive(Debug)]
pub struct Found {
    listed: Indexed,
    /// How many of `listed`'s instances, disks and snapshots (the first ones) are tagged.
    tagged: (usize, usize, usize),
    instances: Classes<InstanceClass>,
    disks: Classes<DiskClass>,
    snapshots: Classes<SnapshotClass>,
}

impl Found {
    /// The tagged resources and the others discovery could read.
    pub fn new(tagged: World, untagged: World) -> Self {
        let counts = (
            tagged.instances.len(),
            tagged.disks.len(),
            tagged.snapshots.len(),
        );
        let mut all = tagged;
        all.instances.extend(untagged.instances);
        all.disks.extend(untagged.disks);
        all.snapshots.extend(untagged.snapshots);
        let listed = Indexed::new(all);
        let w = listed.world();
        let mut instances = Classes::new();
        for (i, x) in w.instances.iter().take(counts.0).enumerate() {
            instances.add(&x.instance_id, i, InstanceClass::of(x));
        }
        let mut disks = Classes::new();
        for (i, d) in w.disks.iter().take(counts.1).enumerate() {
            disks.add(&d.disk_id, i, DiskClass::of(d, &listed));
        }
        let mut snapshots = Classes::new();
        for (i, s) in w.snapshots.iter().take(counts.2).enumerate() {
            snapshots.add(&s.snapshot_id, i, SnapshotClass::of(s));
        }
        Self {
            tagged: counts,
            instances,
            disks,
            snapshots,
            listed,
        }
    }

    /// How many instances, disks and snapshots are tagged.
    pub fn tagged_counts(&self) -> (usize, usize, usize) {
        self.tagged
    }

    /// Whether `id` is a tagged resource.
    pub fn holds(&self, id: &str) -> bool {
        self.instances.of.contains_key(id)
            || self.disks.of.contains_key(id)
            || self.snapshots.of.contains_key(id)
    }

    /// The tagged resources among `ids`, as discovered.
    pub fn expected(&self, ids: &HashSet<String>) -> World {
        let mut ids: Vec<&String> = ids.iter().filter(|id| self.holds(id)).collect();
        ids.sort_unstable();
        let l = &self.listed;
        World {
            instances: ids
                .iter()
                .filter_map(|id| l.instance(id))
                .cloned()
                .collect(),
            disks: ids.iter().filter_map(|id| l.disk(id)).cloned().collect(),
            snapshots: ids
                .iter()
                .filter_map(|id| l.snapshot(id))
                .cloned()
                .collect(),
            ..World::default()
        }
    }
}

/// One alias to bind, and the class of tagged resources alike to the one the world states (what
/// they are tied to is checked as the search goes).
enum Slot<'a> {
    Instance(&'a Instance, usize),
    Disk(&'a Disk, usize),
    Snapshot(&'a Snapshot, usize),
}

/// Up to `limit` assignments of the world's aliases to distinct tagged resources of `found`, none
/// in `excluded`, each alike to the one the world states.
pub fn solve(
    world: &World,
    found: &Found,
    excluded: &HashSet<String>,
    now: OffsetDateTime,
    limit: usize,
) -> Vec<BTreeMap<String, String>> {
    search(world, found, excluded, now, limit).out
}

/// [`solve`], and how many candidates it looked at.
#[cfg(test)]
pub fn solve_counted(
    world: &World,
    found: &Found,
    excluded: &HashSet<String>,
    now: OffsetDateTime,
    limit: usize,
) -> (Vec<BTreeMap<String, String>>, usize) {
    let s = search(world, found, excluded, now, limit);
    (s.out, s.examined)
}

/// The search behind [`solve`], with what it cost.
fn search<'a>(
    world: &'a World,
    found: &'a Found,
    excluded: &'a HashSet<String>,
    now: OffsetDateTime,
    limit: usize,
) -> Search<'a> {
    let stated = Indexed::new(world.clone());
    let mut slots = Vec::new();
    let mut alike = true;
    for s in &world.instances {
        let c = found.instances.find(&InstanceClass::of(s));
        alike &= c.is_some();
        slots.extend(c.map(|c| Slot::Instance(s, c)));
    }
    for s in &world.disks {
        let c = found.disks.find(&DiskClass::of(s, &stated));
        alike &= c.is_some();
        slots.extend(c.map(|c| Slot::Disk(s, c)));
    }
    for s in &world.snapshots {
        let c = found.snapshots.find(&SnapshotClass::of(s));
        alike &= c.is_some();
        slots.extend(c.map(|c| Slot::Snapshot(s, c)));
    }
    let mut search = Search {
        world,
        found,
        excluded,
        now,
        slots,
        limit,
        budget: SEARCH_BUDGET,
        examined: 0,
        out: Vec::new(),
    };
    // An alias nothing is alike to: no search.
    if alike {
        search.step(0, &mut BTreeMap::new());
    }
    search
}

/// How many candidates one search may examine: a bound on the time it takes on an account with
/// thousands of resources; past it, what was found is what there is.
const SEARCH_BUDGET: usize = 100_000;

struct Search<'a> {
    world: &'a World,
    found: &'a Found,
    excluded: &'a HashSet<String>,
    now: OffsetDateTime,
    slots: Vec<Slot<'a>>,
    limit: usize,
    budget: usize,
    /// Candidates looked at: what the search cost.
    examined: usize,
    out: Vec<BTreeMap<String, String>>,
}

impl<'a> Search<'a> {
    /// Binds the alias of `slot` (instances, then disks, then snapshots) to each resource that
    /// fits, and goes on to the next. Candidates come from the slot's class, or from what is
    /// attached to the resource bound before (a disk on the bound instance, a snapshot of the
    /// bound disk): never from a scan of the account.
    fn step(&mut self, slot: usize, bound: &mut BTreeMap<String, String>) {
        let (found, world) = (self.found, self.world);
        let l = &found.listed;
        let w = l.world();
        let (alias, candidates): (&String, Box<dyn Iterator<Item = &'a String> + 'a>) = match self
            .slots
            .get(slot)
        {
            None => {
                self.out.push(bound.clone());
                return;
            }
            Some(Slot::Instance(s, c)) => {
                let (s, now) = (*s, self.now);
                let members = found.instances.members(*c).iter();
                let alike = members
                    .map(|&i| &w.instances[i])
                    .filter(move |f| f.expired(now) == s.expired(now));
                (&s.instance_id, Box::new(alike.map(|f| &f.instance_id)))
            }
            Some(Slot::Disk(s, c)) => {
                let (s, c) = (*s, *c);
                let ids: Box<dyn Iterator<Item = &String>> = match &s.instance_id {
                    // On the instance bound to the stated one.
                    Some(i) => match bound.get(i) {
                        Some(on) => Box::new(
                            l.disks_on(on)
                                .map(|f| &f.disk_id)
                                .filter(move |id| found.disks.holds(c, id)),
                        ),
                        None => Box::new(std::iter::empty()),
                    },
                    None => Box::new(found.disks.members(c).iter().map(|&i| &w.disks[i].disk_id)),
                };
                (&s.disk_id, ids)
            }
            Some(Slot::Snapshot(s, c)) => {
                let (s, c) = (*s, *c);
                let ids: Box<dyn Iterator<Item = &String>> =
                    if world.disk(&s.source_disk_id).is_some() {
                        // Of the disk bound to its stated source.
                        match bound.get(&s.source_disk_id) {
                            Some(of) => Box::new(
                                l.snapshots_of(of)
                                    .map(|f| &f.snapshot_id)
                                    .filter(move |id| found.snapshots.holds(c, id)),
                            ),
                            None => Box::new(std::iter::empty()),
                        }
                    } else {
                        // Of a disk the scenario does not hold: of none of the bound disks.
                        let bound_disks: HashSet<String> = (world.disks.iter())
                            .filter_map(|d| bound.get(&d.disk_id).cloned())
                            .collect();
                        Box::new(
                            (found.snapshots.members(c).iter())
                                .map(|&i| &w.snapshots[i])
                                .filter(move |f| !bound_disks.contains(&f.source_disk_id))
                                .map(|f| &f.snapshot_id),
                        )
                    };
                (&s.snapshot_id, ids)
            }
        };
        for id in candidates {
            if self.out.len() >= self.limit || self.budget == 0 {
                return;
            }
            self.budget -= 1;
            self.examined += 1;
            if self.excluded.contains(id) || bound.values().any(|b| b == id) {
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
    let around = Indexed::new(world.clone());
    for d in &world.disks {
        let mut s = format!("a disk {} {}", d.disk_id, d.status);
        if let Some(i) = &d.instance_id {
            s += &format!(" on {i}");
        }
        for mark in contract::disk_marks(d, &around) {
            s += &format!(" {}", mark.words);
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
        for mark in contract::snapshot_marks(s) {
            t += &format!(" {}", mark.words);
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
            Some(n) if n.status == x.status && same_locks(&n.lock_reasons, &x.lock_reasons) => {}
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
