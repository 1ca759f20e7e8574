//! A world indexed once, so that what a resource's marks or a match need is a look-up.

use std::collections::HashMap;

use super::document::{Disk, Instance, Snapshot, World};

/// A world with its resources found by id and by what they belong to: the disks on an instance,
/// the snapshots of a disk. Built once, in time linear in the world, so that what a resource's
/// marks or a match need is a look-up rather than a scan of the account. Where an id is listed
/// twice, its first resource is the one found, as [`World::disk`] finds it.
#[derive(Debug, Clone, Default)]
pub struct Indexed {
    world: World,
    instances: HashMap<String, usize>,
    disks: HashMap<String, usize>,
    snapshots: HashMap<String, usize>,
    /// Positions of the disks attached to each instance, in the world's order.
    disks_on: HashMap<String, Vec<usize>>,
    /// Positions of the snapshots of each source disk, in the world's order.
    snapshots_of: HashMap<String, Vec<usize>>,
}

impl Indexed {
    pub fn new(world: World) -> Self {
        fn first<'a>(ids: impl Iterator<Item = &'a String>) -> HashMap<String, usize> {
            let mut out = HashMap::new();
            for (i, id) in ids.enumerate() {
                out.entry(id.clone()).or_insert(i);
            }
            out
        }
        let mut disks_on: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, d) in world.disks.iter().enumerate() {
            if let Some(x) = &d.instance_id {
                disks_on.entry(x.clone()).or_default().push(i);
            }
        }
        let mut snapshots_of: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, s) in world.snapshots.iter().enumerate() {
            (snapshots_of.entry(s.source_disk_id.clone()).or_default()).push(i);
        }
        Self {
            instances: first(world.instances.iter().map(|x| &x.instance_id)),
            disks: first(world.disks.iter().map(|d| &d.disk_id)),
            snapshots: first(world.snapshots.iter().map(|s| &s.snapshot_id)),
            disks_on,
            snapshots_of,
            world,
        }
    }

    pub fn world(&self) -> &World {
        &self.world
    }

    pub fn instance(&self, id: &str) -> Option<&Instance> {
        self.instances.get(id).map(|&i| &self.world.instances[i])
    }

    pub fn disk(&self, id: &str) -> Option<&Disk> {
        self.disks.get(id).map(|&i| &self.world.disks[i])
    }

    pub fn snapshot(&self, id: &str) -> Option<&Snapshot> {
        self.snapshots.get(id).map(|&i| &self.world.snapshots[i])
    }

    /// The disks attached to instance `id`.
    pub fn disks_on<'w>(&'w self, id: &str) -> impl Iterator<Item = &'w Disk> + use<'w> {
        let at = self.disks_on.get(id).map_or(&[][..], Vec::as_slice);
        at.iter().map(|&i| &self.world.disks[i])
    }

    /// The snapshots whose source is disk `id`.
    pub fn snapshots_of<'w>(&'w self, id: &str) -> impl Iterator<Item = &'w Snapshot> + use<'w> {
        let at = self.snapshots_of.get(id).map_or(&[][..], Vec::as_slice);
        at.iter().map(|&i| &self.world.snapshots[i])
    }
}
