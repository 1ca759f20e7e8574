//! The mock ECS endpoint: `app(shared) -> Router` plus [`serve`], and [`MockServer`], which runs
//! it in-process on `127.0.0.1:0` and stops on drop.
//!
//! Requests to `/ecs-conformance/v1/…` go to the control API (unless it is turned off); every
//! other request goes through the gateway to the actions of the world its access key selects.
//!
//! By concern: `config` (how a mock starts), `server` (the router, `serve`, `MockServer`),
//! `handlers` (the HTTP handlers: bodies, error envelopes, the log), `shared` (the tenants and
//! nonces every request shares, and the answer to a call), `gateway`, `tenant`, `nonces`,
//! `actions` (the handlers of their own), `shape` (the generic handler of every other action of
//! the API metadata), `control`.

mod actions;
mod config;
mod control;
mod gateway;
mod handlers;
mod nonces;
mod server;
mod shape;
mod shared;
mod tenant;

pub use config::{DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, Limits, MockConfig, TlsPem};
pub use gateway::{MAX_BODY_BYTES, MAX_QUERY_BYTES};
pub use server::{MockServer, serve};

#[cfg(test)]
mod tests;
