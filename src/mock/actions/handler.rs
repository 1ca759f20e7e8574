//! What a handler is and what it is given: the [`Context`] of a call (its world, the clocks, its
//! own state between calls, its catalogue), the per-action [`State`], and [`Handler`], an
//! action's declaration with the function that answers it.

use std::any::Any;
use std::time::Instant;

use serde::Serialize;
use time::OffsetDateTime;

use crate::api_error::ApiError;
use crate::contract;
use crate::contract::editions::Edition;
use crate::format::Format;
use crate::mock::shape;
use crate::params::Params;
use crate::world::World;

/// What an action may read and change.
pub struct Context<'a> {
    pub world: &'a mut World,
    /// The wall clock, for expiry and timestamps.
    pub now: OffsetDateTime,
    /// The monotonic clock, for how long a reset lasts.
    pub instant: Instant,
    /// The action's own state between calls (ResetDisk: the resets in progress); see [`state`].
    pub state: &'a mut State,
    pub request_id: String,
    pub(super) format: Format,
    pub(super) action: &'static contract::Action,
    /// The edition of the contract served: which rows it answers, which parameters it takes.
    pub edition: &'static Edition,
}

impl Context<'_> {
    /// `body` rendered as the action's success answer: `<{Action}Response>` in XML.
    pub fn reply<T: Serialize>(&self, body: &T) -> String {
        self.format
            .render(&format!("{}Response", self.action.name), body)
    }

    /// The calling action's answer for `code` in the edition served: its catalogue's row,
    /// else the common one.
    pub fn refuse(&self, code: &str) -> ApiError {
        self.action.refuse_in(code, self.edition)
    }

    /// The calling action's row of the edition served with `code` and a message containing
    /// `words`, for a code with several rows; `None` when the edition has no such row.
    pub fn refusal_saying(&self, code: &str, words: &str) -> Option<ApiError> {
        let row = self
            .action
            .catalogue()?
            .rows_in(self.edition)
            .find(|r| r.answer.code == code && r.answer.message.contains(words))?;
        row.api_error()
    }

    /// The calling action's row of the edition served with `code`, its `{any}` placeholders
    /// filled in order with `values` (what the answer names: a disk, a quota).
    pub fn refuse_with(&self, code: &str, values: &[&str]) -> ApiError {
        let fill: Vec<(&str, &str)> = values.iter().map(|v| ("any", *v)).collect();
        (self.action.catalogue())
            .and_then(|c| c.rows_in(self.edition).find(|r| r.answer.code == code))
            .and_then(|r| r.filled(&fill))
            .unwrap_or_else(|| self.refuse(code))
    }

    /// The calling action's row of the edition served with `code` and `status`, for a code its
    /// table lists under two statuses; the first row with `code` when the edition has no such
    /// row.
    pub fn refuse_status(&self, code: &str, status: u16) -> ApiError {
        (self.action.catalogue())
            .and_then(|c| {
                c.rows_in(self.edition).find(|r| {
                    r.answer.code == code
                        && r.answer.status == crate::catalogue::Status::Exact(status)
                })
            })
            .and_then(crate::catalogue::CatalogueRow::api_error)
            .unwrap_or_else(|| self.refuse(code))
    }

    /// Whether the edition served lists `code` among the calling action's errors: an action
    /// checks what an edition's row names only in editions that have the row.
    pub fn lists(&self, code: &str) -> bool {
        self.action
            .catalogue()
            .is_some_and(|c| c.rows_in(self.edition).any(|r| r.answer.code == code))
    }

    /// Whether the calling action takes parameter `name` in the edition served.
    pub fn takes(&self, name: &str) -> bool {
        self.action.takes(name, self.edition)
    }

    /// Whether precondition `name` admits the call in the edition served.
    pub fn admits(&self, name: &str) -> bool {
        self.action.admits(name, self.edition)
    }

    /// For a handler of its own that only reads: the metadata's validation, then a dry run
    /// answered as the generic handler answers it (`DryRunOperation`: there is nothing to change).
    pub fn validate_read(&self, params: &Params) -> Result<(), ApiError> {
        let Some(shape) = shape::find(self.action.name) else {
            return Ok(());
        };
        if shape.validate(params)?.dry_run {
            return Err(shape.dry_run_operation());
        }
        Ok(())
    }
}

/// Runtime state an action keeps between calls, beside the world: the tenant holds one per action
/// and forgets it when the world is loaded or reset. Its type is the action's own.
pub type State = Option<Box<dyn Any + Send>>;

/// The action's state in `slot`, created empty on first use.
///
/// # Panics
/// When one action reads its slot as two types: a bug its tests catch.
pub fn state<T: Default + Send + 'static>(slot: &mut State) -> &mut T {
    slot.get_or_insert_with(|| Box::new(T::default()))
        .downcast_mut()
        .expect("an action keeps one type of state")
}

/// One action: its declaration and what the mock does for it.
#[derive(Debug)]
pub struct Handler {
    pub spec: &'static contract::Action,
    pub handle: fn(&mut Context<'_>, &Params) -> Result<String, ApiError>,
}

impl Handler {
    pub fn name(&self) -> &'static str {
        self.spec.name
    }
}
