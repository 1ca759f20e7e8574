//! The actions the mock serves with a handler of their own: one module each, listed once in
//! [`ACTIONS`]. Adding an action is one file here and one line in that list (`ARCHITECTURE.md`,
//! "Adding an action"). Every other action of the API metadata is served by the generic handler
//! (`super::shape`), from its metadata alone; [`find`] picks: a handler of its own wins.
//!
//! An action is declared in [`crate::contract`] (what it is); here is what the mock does for it.
//! It gets a narrow [`Context`] — its world, the clocks, its own state between calls, its
//! catalogue — never the tenant or its secret, and answers with its response already rendered in
//! the format asked.

mod common;
mod create_snapshot;
mod describe_disks;
mod describe_instances;
mod describe_regions;
mod describe_snapshots;
mod handler;
mod reset_disk;
mod start_instance;
mod stop_instance;

use std::time::Instant;

use time::OffsetDateTime;

use super::shape::{self, Shape};
use crate::api_error::ApiError;
use crate::contract::editions::Edition;
use crate::format::Format;
use crate::params::Params;
use crate::world::World;

pub use handler::{Context, Handler, State};

/// Every action the mock serves with a handler of its own.
pub const ACTIONS: &[Handler] = &[
    reset_disk::ACTION,
    stop_instance::ACTION,
    start_instance::ACTION,
    create_snapshot::ACTION,
    describe_disks::ACTION,
    describe_snapshots::ACTION,
    describe_instances::ACTION,
    describe_regions::ACTION,
];

/// How the mock answers an action.
#[derive(Debug, Clone, Copy)]
pub enum Served {
    /// A handler of its own: its full behaviour.
    Handler(&'static Handler),
    /// The generic handler, from the action's metadata (`super::shape`).
    Shape(&'static Shape),
}

impl Served {
    pub fn name(self) -> &'static str {
        match self {
            Self::Handler(h) => h.name(),
            Self::Shape(s) => s.name,
        }
    }
}

/// The action called `name`: its own handler, else the generic one for an action of the API
/// metadata; `None` (`InvalidAction.NotFound`) for any other name.
pub fn find(name: &str) -> Option<Served> {
    ACTIONS
        .iter()
        .find(|a| a.spec.name == name)
        .map(Served::Handler)
        .or_else(|| shape::find(name).map(Served::Shape))
}

/// The state a call runs against, borrowed from its tenant.
pub struct Invocation<'a> {
    pub world: &'a mut World,
    /// The action's own state (see [`State`]).
    pub state: &'a mut State,
    pub now: OffsetDateTime,
    pub request_id: String,
    pub format: Format,
    pub edition: &'static Edition,
}

/// Runs `action` on `call`; the monotonic clock is read here, once the caller holds the tenant
/// (an instant read before could be older than a reset another request recorded meanwhile).
pub fn run(action: Served, call: Invocation<'_>, params: &Params) -> Result<String, ApiError> {
    let action = match action {
        Served::Handler(h) => h,
        Served::Shape(s) => {
            return s.answer(call.world, params, &call.request_id, call.format, call.now);
        }
    };
    let mut ctx = Context {
        world: call.world,
        now: call.now,
        instant: Instant::now(),
        state: call.state,
        request_id: call.request_id,
        format: call.format,
        action: action.spec,
        edition: call.edition,
    };
    (action.handle)(&mut ctx, params)
}

#[cfg(test)]
pub(crate) fn context<'a>(
    world: &'a mut World,
    state: &'a mut State,
    action: &'static crate::contract::Action,
    now: OffsetDateTime,
    instant: Instant,
) -> Context<'a> {
    Context {
        world,
        now,
        instant,
        state,
        request_id: "R".into(),
        format: Format::Json,
        action,
        edition: crate::contract::editions::latest(),
    }
}
