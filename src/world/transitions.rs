//! The world's transitions over time (control API feature `transitions`): how long each lasts,
//! with their defaults (`settle.rs` ends them).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// How long a transition lasts, from the call that starts it (control API feature
/// `transitions`, docs/control-api.md). The defaults are short enough for tests and long enough
/// that a client must poll: a program that does not wait for `Stopped` or `accomplished` sees
/// `Stopping` or `progressing` (docs/choices.md, "Transitions"). 0 makes a transition instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transitions {
    /// `Stopping`, then `Stopped`.
    #[serde(default = "default_stop_ms")]
    pub stop_ms: u64,
    /// `Starting`, then `Running`.
    #[serde(default = "default_start_ms")]
    pub start_ms: u64,
    /// A new snapshot `progressing` (its `Progress` rising), then `accomplished`.
    #[serde(default = "default_snapshot_ms")]
    pub snapshot_ms: u64,
    /// How many snapshots of one disk may be `progressing` at once: one more is refused.
    #[serde(default = "default_concurrent")]
    pub concurrent_snapshots_per_disk: u32,
}

fn default_stop_ms() -> u64 {
    2_000
}

fn default_start_ms() -> u64 {
    2_000
}

fn default_snapshot_ms() -> u64 {
    3_000
}

fn default_concurrent() -> u32 {
    1
}

impl Default for Transitions {
    fn default() -> Self {
        Self {
            stop_ms: default_stop_ms(),
            start_ms: default_start_ms(),
            snapshot_ms: default_snapshot_ms(),
            concurrent_snapshots_per_disk: default_concurrent(),
        }
    }
}

impl Transitions {
    /// The longest a transition may last: a day.
    pub const MAX_MS: u64 = 86_400_000;

    pub(super) fn is_default(&self) -> bool {
        *self == Self::default()
    }

    /// When a transition of `ms` milliseconds begun at `now` ends; `None` when it is instant.
    pub fn end(now: OffsetDateTime, ms: u64) -> Option<OffsetDateTime> {
        let ms = i64::try_from(ms.min(Self::MAX_MS)).unwrap_or(0);
        (ms > 0).then(|| now + time::Duration::milliseconds(ms))
    }
}

/// The optional feature for transitions over time: `transitions` (how long each lasts) and
/// `status_until` on instances and snapshots (docs/control-api.md, change log).
pub const FEATURE_TRANSITIONS: &str = "transitions";
