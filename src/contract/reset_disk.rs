//! ResetDisk, declared: it rolls a disk back to one of its snapshots, so it changes the disk it
//! names and only reads the snapshot. Its rules that other parts of the crate must agree on live
//! here: which disk categories it refuses, the snapshot age it refuses, and what only the control
//! API can arrange for its scenarios. Its error table is `features/ResetDisk.errors.tsv`.

use time::OffsetDateTime;

use super::action::{Action, Mark, Resource, Role, unmarked};
use crate::world::{Disk, Indexed, Snapshot, SnapshotStatus, World};

pub const ACTION: Action = Action {
    name: "ResetDisk",
    role: Role::Contract,
    names: &[
        ("DiskId", Resource::Disk),
        ("SnapshotId", Resource::Snapshot),
    ],
    sample: &[("DiskId", "d-diskid1"), ("SnapshotId", "s-snapshotid1")],
    answer_fields: &["RequestId"],
    changes: &[Resource::Disk],
    disk_marks,
    snapshot_marks,
    control_only,
};

/// Snapshots created before this instant are too old to reset from (read in UTC: docs/choices.md).
pub const SNAPSHOT_TOO_OLD_BEFORE: OffsetDateTime =
    time::macros::datetime!(2013-07-15 00:00:00 UTC);

/// Created before [`SNAPSHOT_TOO_OLD_BEFORE`]: ResetDisk refuses it.
pub fn too_old(snapshot: &Snapshot) -> bool {
    snapshot.creation_time < SNAPSHOT_TOO_OLD_BEFORE
}

/// Disk categories whose disks cannot be reset: local disks have no snapshots.
pub fn category_supports_reset(category: &str) -> bool {
    !(category.starts_with("ephemeral") || category.starts_with("local_"))
}

fn disk_marks(disk: &Disk, around: &Indexed) -> Vec<Mark> {
    let mut marks = unmarked(disk);
    if !category_supports_reset(&disk.category) {
        marks.push(Mark {
            key: "category refused",
            words: format!("of a category ResetDisk refuses ({})", disk.category),
        });
    }
    if has_unfinished_snapshot(disk, around.snapshots_of(&disk.disk_id)) {
        marks.push(Mark {
            key: "unfinished snapshot",
            words: "with a snapshot still being made".into(),
        });
    }
    marks
}

/// A snapshot of `disk`, among `snapshots` (the world's, or only the disk's own when an index
/// gives them), is still being made: editions that list `IncorrectDiskStatus.HasUnfinishedSnapshot`
/// refuse to reset it.
pub fn has_unfinished_snapshot<'a>(
    disk: &Disk,
    snapshots: impl IntoIterator<Item = &'a Snapshot>,
) -> bool {
    snapshots
        .into_iter()
        .any(|s| s.source_disk_id == disk.disk_id && s.status == SnapshotStatus::Progressing)
}

fn snapshot_marks(snapshot: &Snapshot) -> Vec<Mark> {
    if !too_old(snapshot) {
        return unmarked(snapshot);
    }
    vec![Mark {
        key: "too old",
        words: "created before 2013-07-15".into(),
    }]
}

fn control_only(world: &World) -> Option<String> {
    const ONLY: &str = "which only the control API can arrange";
    if world.reset_duration_ms > 0 {
        return Some(format!(
            "needs a reset that lasts {} s, {ONLY}",
            world.reset_duration_ms / 1000
        ));
    }
    if world.features().contains(&crate::world::FEATURE_ENCRYPTION) {
        return Some(format!(
            "needs encrypted disks or snapshots, KMS keys or the account's KMS authorisation \
             as stated, {ONLY}"
        ));
    }
    if world.snapshots.iter().any(|s| !s.supports_reset) {
        return Some(format!(
            "needs a snapshot that does not support ResetDisk, {ONLY}"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::Level;
    use crate::world::SnapshotStatus;

    #[test]
    fn local_categories_cannot_be_reset() {
        assert!(!category_supports_reset("ephemeral_ssd"));
        assert!(!category_supports_reset("local_ssd_pro"));
        assert!(category_supports_reset("cloud_essd"));
    }

    #[test]
    fn marks_set_apart_what_resetdisk_refuses() {
        let mut s = Snapshot::new("s-1", "d-1", SnapshotStatus::Accomplished);
        assert!(snapshot_marks(&s).is_empty());
        s.creation_time = time::macros::datetime!(2013-07-14 23:59:59 UTC);
        assert_eq!(snapshot_marks(&s)[0].key, "too old");
        let mut d = Disk::new("d-1", crate::world::DiskStatus::InUse, None);
        let mut w = World::default();
        assert!(disk_marks(&d, &Indexed::new(w.clone())).is_empty());
        d.category = "local_ssd_pro".into();
        assert!(
            disk_marks(&d, &Indexed::new(w.clone()))[0]
                .words
                .contains("local_ssd_pro")
        );
        w.snapshots
            .push(Snapshot::new("s-9", "d-1", SnapshotStatus::Progressing));
        assert_eq!(
            disk_marks(&d, &Indexed::new(w))[1].key,
            "unfinished snapshot"
        );
    }

    #[test]
    fn reset_disk_has_20_rows_in_its_first_edition_and_29_in_the_latest() {
        use crate::contract::editions;
        let c = ACTION
            .catalogue()
            .expect("features/ResetDisk.errors.tsv is compiled in");
        assert!(c.rows().iter().all(|r| r.level == Level::Documented));
        let counts = [
            ("2019-07-12", 20, 19),
            ("2020-09-10", 21, 20),
            ("2022-04-13", 22, 21),
            ("2023-08-25", 26, 25),
            ("2024-11-23", 27, 26),
            ("2024-12-02", 28, 26),
            ("2025-03-21", 29, 26),
        ];
        assert_eq!(counts.len(), editions::all().len());
        for (name, rows, distinct) in counts {
            let edition = editions::named(name).unwrap();
            let mut codes: Vec<_> = c.rows_in(edition).map(|r| r.answer.code.as_str()).collect();
            assert_eq!(codes.len(), rows, "{}", edition.name);
            codes.sort_unstable();
            codes.dedup();
            assert_eq!(codes.len(), distinct, "{}", edition.name);
        }
        let denied = c
            .by_code("OperationDenied")
            .map(|r| r.answer.message.as_str());
        assert!(
            denied.is_some_and(|m| m.contains(" dees ")),
            "the typo is kept: {denied:?}"
        );
    }
}
