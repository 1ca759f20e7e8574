//! What both sides of the wire agree on, kept apart from either: the API version, and the control
//! API's paths and documents. The client (used against any vendor) and the mock both import this;
//! neither imports the other.

use serde::{Deserialize, Serialize};

use crate::world::World;

/// The ECS API version the harness speaks.
pub const API_VERSION: &str = "2014-05-26";

/// Where the control API lives, beside the ECS API on the same host and port.
pub const CONTROL_PREFIX: &str = "/ecs-conformance/v1";
/// The name in the control API's description, which a client checks to detect it.
pub const CONTROL_PROTOCOL: &str = "ecs-conformance-control";
/// The largest control document accepted, in bytes.
pub const MAX_CONTROL_DOCUMENT_BYTES: usize = 16 * 1024 * 1024;

/// `PUT /worlds/{access_key_id}`: the world, and the secret that signs calls against it.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PutWorld {
    /// Required for a new access key; kept when absent for an existing one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_key_secret: Option<String>,
    /// Makes the key pair a temporary (STS) one: calls must carry this token. Never returned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_token: Option<String>,
    pub world: World,
}

/// `GET /worlds/{access_key_id}`: never carries the secret.
#[derive(Debug, Serialize, Deserialize)]
pub struct GetWorld {
    pub access_key_id: String,
    pub world: World,
}

/// The optional features of version 1 a server may offer, in the order they arrived
/// (`docs/control-api.md`, change log). A server that lists none offers the first published set.
pub const FEATURES: &[&str] = &[
    crate::world::FEATURE_TAGS,
    FEATURE_SECURITY_TOKEN,
    crate::world::FEATURE_ENCRYPTION,
    crate::world::FEATURE_EDITION_FAULTS,
    crate::world::FEATURE_TRANSITIONS,
];

/// `security_token` in `PUT /worlds/{access_key_id}`: a temporary (STS) key pair.
pub const FEATURE_SECURITY_TOKEN: &str = "security_token";

/// Protocol description at `GET /ecs-conformance/v1`.
#[derive(Debug, Serialize, Deserialize)]
pub struct ControlDescribe {
    pub protocol: String,
    pub version: u32,
    /// The optional features the server supports; absent means none (the first published set).
    #[serde(default)]
    pub features: Vec<String>,
}
