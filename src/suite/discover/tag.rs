//! The tag that marks a resource the harness may use, and may wipe: only resources that carry it
//! are ever bound, and an untagged one is never named.

/// The tag's key and value.
pub const TAG_KEY: &str = "ecs-conformance";
pub const TAG_VALUE: &str = "disposable";
