//! The actions the mock serves: one module each, listed once in [`ACTIONS`]. Adding an action is
//! one file here and one line in that list (`ARCHITECTURE.md`, "Adding an action").
//!
//! An action gets a narrow [`Context`] — its world, the clocks, the resets in progress — never
//! the tenant or its secret, and answers with its response already rendered in the format asked.

mod common;
mod describe_disks;
mod describe_instances;
mod describe_regions;
mod describe_snapshots;
mod reset_disk;

use std::collections::HashMap;
use std::time::Instant;

use serde::Serialize;
use time::OffsetDateTime;

use crate::api_error::ApiError;
use crate::format::Format;
use crate::params::Params;
use crate::world::World;

/// What an action may read and change.
pub struct Context<'a> {
    pub world: &'a mut World,
    /// The wall clock, for expiry and timestamps.
    pub now: OffsetDateTime,
    /// The monotonic clock, for how long a reset lasts.
    pub instant: Instant,
    /// Disks with a reset in progress, and when each ends.
    pub resetting: &'a mut HashMap<String, Instant>,
    pub request_id: String,
    format: Format,
    action: &'static str,
}

impl Context<'_> {
    /// `body` rendered as the action's success answer: `<{Action}Response>` in XML.
    pub fn reply<T: Serialize>(&self, body: &T) -> String {
        self.format
            .render(&format!("{}Response", self.action), body)
    }
}

/// One action: its name and what it does.
#[derive(Debug)]
pub struct Action {
    pub name: &'static str,
    pub handle: fn(&mut Context<'_>, &Params) -> Result<String, ApiError>,
}

/// Every action the mock serves; any other is `InvalidAction.NotFound`.
pub const ACTIONS: &[Action] = &[
    reset_disk::ACTION,
    describe_disks::ACTION,
    describe_snapshots::ACTION,
    describe_instances::ACTION,
    describe_regions::ACTION,
];

pub fn find(name: &str) -> Option<&'static Action> {
    ACTIONS.iter().find(|a| a.name == name)
}

/// The state a call runs against, borrowed from its tenant.
pub struct Call<'a> {
    pub world: &'a mut World,
    pub resetting: &'a mut HashMap<String, Instant>,
    pub now: OffsetDateTime,
    pub request_id: String,
    pub format: Format,
}

/// Runs `action` on `call`; the monotonic clock is read here, once the caller holds the tenant
/// (an instant read before could be older than a reset another request recorded meanwhile).
pub fn run(action: &'static Action, call: Call<'_>, params: &Params) -> Result<String, ApiError> {
    let mut ctx = Context {
        world: call.world,
        now: call.now,
        instant: Instant::now(),
        resetting: call.resetting,
        request_id: call.request_id,
        format: call.format,
        action: action.name,
    };
    (action.handle)(&mut ctx, params)
}

#[cfg(test)]
pub(crate) fn context<'a>(
    world: &'a mut World,
    resetting: &'a mut HashMap<String, Instant>,
    now: OffsetDateTime,
    instant: Instant,
) -> Context<'a> {
    Context {
        world,
        now,
        instant,
        resetting,
        request_id: "R".into(),
        format: Format::Json,
        action: "Test",
    }
}
