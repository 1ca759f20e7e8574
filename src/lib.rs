//! `ecs-conformance`: a conformance harness for the Alibaba Cloud ECS API (starting with
//! `ResetDisk`) and the mock endpoint it certifies against.
//!
//! The public surface is small: the mock ([`MockServer`], [`MockConfig`], [`serve`]), the signing
//! client ([`Client`]), the world document ([`World`]), and the suite runner.

mod api_error;
#[cfg(test)]
mod architecture;
mod catalogue;
mod client;
pub mod container;
pub mod contract;
pub mod control_check;
pub mod credentials;
mod embedded;
pub mod evidence;
mod format;
pub mod metadata;
mod mock;
mod params;
mod protocol;
pub mod report;
pub mod results;
pub mod signing;
pub mod suite;
mod world;

pub use api_error::ApiError;
pub use catalogue::{Catalogue, CatalogueRow, ErrorAnswer, Status};
pub use client::{
    Call, Client, ClientError, Credentials, DEFAULT_MAX_BODY, DEFAULT_TIMEOUT, Prepared,
    RawResponse, Tamper, WireForm,
};
pub use format::{Format, JSON_CONTENT_TYPE, XML_CONTENT_TYPE};
pub use mock::{
    DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Limits, MAX_BODY_BYTES, MAX_QUERY_BYTES,
    MockConfig, MockServer, TlsPem, serve,
};
pub use params::Params;
pub use protocol::{
    API_VERSION, CONTROL_PREFIX, CONTROL_PROTOCOL, ControlDescribe, GetWorld, PutWorld,
};
pub use world::{
    Account, ChargeType, Disk, DiskStatus, DiskType, Fault, Indexed, Instance, InstanceStatus,
    LockReason, Snapshot, SnapshotStatus, Tag, World, WorldError,
};
