//! CreateSnapshot, declared: it takes a snapshot of a cloud disk, `progressing` (its `Progress`
//! rising) until `accomplished` over the time the world sets (`transitions.snapshot_ms`). It
//! names a disk, and changes it in the sense discovery guards: while the snapshot is made the
//! disk has an unfinished snapshot, which other calls on it answer (ResetDisk, another
//! CreateSnapshot). Its rules on names, descriptions, tags and quotas are the reference's and
//! live here. Its error table is `features/CreateSnapshot.errors.tsv` (docs/contract.md, "The
//! rollback actions").

use super::action::{Action, Resource, Role, transitions_control_only, unmarked, unmarked_in};

pub const ACTION: Action = Action {
    name: "CreateSnapshot",
    role: Role::Contract,
    names: &[("DiskId", Resource::Disk)],
    sample: &[("DiskId", "d-diskid1")],
    answer_fields: &["RequestId", "SnapshotId"],
    changes: &[Resource::Disk],
    disk_marks: unmarked_in,
    snapshot_marks: unmarked,
    control_only: transitions_control_only,
};

/// A disk keeps at most this many manual snapshots; one more is `QuotaExceed.Snapshot` (the
/// reference: "The number of manual snapshots of the disk has reached 256").
pub const MANUAL_SNAPSHOTS_PER_DISK: usize = 256;

/// `Category` takes these values (the reference: `Standard`, `Flash`).
pub const CATEGORIES: &[&str] = &["Standard", "Flash"];

/// `RetentionDays`: 1 to 65536 (the reference).
pub const RETENTION_DAYS: std::ops::RangeInclusive<i64> = 1..=65_536;

/// `InstantAccessRetentionDays`: 1 to 65535 (the reference).
pub const INSTANT_ACCESS_RETENTION_DAYS: std::ops::RangeInclusive<i64> = 1..=65_535;

fn web_address(text: &str) -> bool {
    text.starts_with("http://") || text.starts_with("https://")
}

/// `SnapshotName`: 2 to 128 characters, beginning with a letter (Chinese ones included), then
/// letters, digits, colons, underscores or hyphens; not beginning with `auto` (automatic
/// snapshots' names) nor `http://` / `https://` (the reference).
pub fn valid_snapshot_name(name: &str) -> bool {
    let count = name.chars().count();
    (2..=128).contains(&count)
        && name.chars().next().is_some_and(char::is_alphabetic)
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ':' | '_' | '-'))
        && !name.starts_with("auto")
        && !web_address(name)
}

/// `Description`: 2 to 256 characters, not beginning with `http://` or `https://`.
pub fn valid_description(text: &str) -> bool {
    (2..=256).contains(&text.chars().count()) && !web_address(text)
}

/// `Tag.N.Key`: 1 to 128 characters, not beginning with `aliyun` or `acs:`, without `http://`
/// or `https://`.
pub fn valid_tag_key(key: &str) -> bool {
    (1..=128).contains(&key.chars().count())
        && !key.starts_with("aliyun")
        && !key.starts_with("acs:")
        && !key.contains("http://")
        && !key.contains("https://")
}

/// `Tag.N.Value`: at most 128 characters (empty allowed), not beginning with `acs:`, without
/// `http://` or `https://`.
pub fn valid_tag_value(value: &str) -> bool {
    value.chars().count() <= 128
        && !value.starts_with("acs:")
        && !value.contains("http://")
        && !value.contains("https://")
}

/// `ClientToken`: ASCII, at most 64 characters (the reference, "How to ensure idempotence").
pub fn valid_client_token(token: &str) -> bool {
    token.is_ascii() && token.len() <= 64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_descriptions_tags_and_tokens_follow_the_reference() {
        for good in ["ab", "before-rollback", "快照:1_a", "S1"] {
            assert!(valid_snapshot_name(good), "{good}");
        }
        let long = "a".repeat(129);
        for bad in [
            "a",
            "1abc",
            "auto-x",
            "http://x",
            "a b",
            "a.b",
            long.as_str(),
        ] {
            assert!(!valid_snapshot_name(bad), "{bad}");
        }
        assert!(valid_description("ok") && !valid_description("x"));
        assert!(!valid_description("https://example.com"));
        assert!(valid_tag_key("ecs-conformance") && !valid_tag_key(""));
        assert!(!valid_tag_key("aliyun-x") && !valid_tag_key("acs:x"));
        assert!(valid_tag_value("") && !valid_tag_value("acs:x"));
        assert!(!valid_tag_value("see http://x"));
        assert!(valid_client_token(&"t".repeat(64)) && !valid_client_token(&"t".repeat(65)));
        assert!(!valid_client_token("tökén"));
    }
}
