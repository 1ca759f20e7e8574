//! Matching a scenario's world, alias by alias, to distinct tagged resources that every action
//! under certification treats alike: the shared state (status, locks, attachment, an expired
//! subscription) and each action's declared marks ([`crate::contract::Mark`]).

use std::collections::{BTreeMap, HashSet};

use time::OffsetDateTime;

use super::fixtures::account_words;
use super::{TAG_KEY, TAG_VALUE};
use crate::contract::{self, Mark};
use crate::world::{Account, Disk, Instance, LockReason, Snapshot, World};

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

/// The keys of `marks`, as a set: what "alike" compares.
fn keys(marks: Vec<Mark>) -> HashSet<&'static str> {
    marks.into_iter().map(|m| m.key).collect()
}

fn same_locks(a: &[LockReason], b: &[LockReason]) -> bool {
    let set = |l: &[LockReason]| l.iter().copied().collect::<HashSet<_>>();
    set(a) == set(b)
}

/// Two instances alike: status, locks, and whether a subscription expired.
fn instance_like(stated: &Instance, found: &Instance, now: OffsetDateTime) -> bool {
    stated.status == found.status
        && same_locks(&stated.lock_reasons, &found.lock_reasons)
        && stated.expired(now) == found.expired(now)
}

/// A disk alike in itself: status, locks, attached or not, and the actions' marks.
fn disk_like(stated: (&Disk, &World), found: (&Disk, &World)) -> bool {
    let (s, f) = (stated.0, found.0);
    s.status == f.status
        && same_locks(&s.lock_reasons, &f.lock_reasons)
        && s.instance_id.is_some() == f.instance_id.is_some()
        && keys(contract::disk_marks(s, stated.1)) == keys(contract::disk_marks(f, found.1))
}

/// Attached to the instance bound to the stated one.
fn disk_tied(stated: &Disk, found: &Disk, bound: &BTreeMap<String, String>) -> bool {
    stated
        .instance_id
        .as_ref()
        .is_none_or(|i| bound.get(i) == found.instance_id.as_ref())
}

/// A snapshot alike in itself: status, and the actions' marks.
fn snapshot_like(stated: &Snapshot, found: &Snapshot) -> bool {
    stated.status == found.status
        && keys(contract::snapshot_marks(stated)) == keys(contract::snapshot_marks(found))
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
/// `excluded`, each resource alike to the one the world states.
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
            c.filter(|f| free(&f.disk_id) && disk_like((s, world), (f, found)))
                .collect(),
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
        for mark in contract::disk_marks(d, world) {
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
