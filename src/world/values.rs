//! ECS's own spellings of the world's closed sets of values (`In_use`, `Stopped`,
//! `accomplished`), once: each an enum that reads and writes exactly that text.

use serde::{Deserialize, Serialize};

/// Declares a closed set of ECS values with their exact wire spelling.
macro_rules! ecs_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $(#[serde(rename = $wire)] $variant),+ }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $wire),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s).ok_or_else(|| {
                    let valid: Vec<_> = Self::ALL.iter().map(|v| v.as_str()).collect();
                    format!("unknown {} {s:?}: expected one of {}", stringify!($name), valid.join(", "))
                })
            }
        }
    };
}

ecs_enum!(
    /// DescribeDisks `Status`, exact casing (`In_use`, lowercase u).
    DiskStatus { InUse = "In_use", Available = "Available", Attaching = "Attaching",
        Detaching = "Detaching", Creating = "Creating", ReIniting = "ReIniting" }
);
ecs_enum!(
    /// DescribeInstances `Status`.
    InstanceStatus { Pending = "Pending", Running = "Running", Starting = "Starting",
        Stopping = "Stopping", Stopped = "Stopped" }
);
ecs_enum!(
    /// DescribeSnapshots `Status`, lowercase.
    SnapshotStatus { Progressing = "progressing", Accomplished = "accomplished", Failed = "failed" }
);
ecs_enum!(
    /// `OperationLocks` reasons.
    LockReason { Financial = "financial", Security = "security", Recycling = "recycling",
        DedicatedHostFinancial = "dedicatedhostfinancial", Refunded = "refunded" }
);
ecs_enum!(
    /// `InstanceChargeType`.
    ChargeType { PrePaid = "PrePaid", PostPaid = "PostPaid" }
);
ecs_enum!(
    /// Disk `Type`.
    DiskType { System = "system", Data = "data" }
);

// Declared through `ecs_enum!`, which cannot carry `#[default]` on one variant.
#[allow(clippy::derivable_impls)]
impl Default for ChargeType {
    fn default() -> Self {
        Self::PostPaid
    }
}

#[allow(clippy::derivable_impls)]
impl Default for DiskType {
    fn default() -> Self {
        Self::System
    }
}
