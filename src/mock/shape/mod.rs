//! The generic handler: every action of the API metadata (`crate::metadata`) that has no handler
//! of its own in `actions/` is answered here, from its metadata alone, at "shape" depth. It names
//! no action: what it does for one follows from that action's line of the extract.
//!
//! A call runs, in this order (docs/choices.md, "Every action of the metadata"):
//! 1. the parameters, as documented ([`Shape::validate`], `validate.rs`): each required one
//!    present, then each value of the type, enum and bounds its schema gives;
//! 2. the resources it names by a required `InstanceId`, `DiskId` or `SnapshotId`, which the world
//!    must hold, else the action's documented not-found row (`resources.rs`);
//! 3. `DryRun=true`, on an action that takes it: `DryRunOperation`, and nothing changes;
//! 4. a read (`operationType` `get` or `list`) answers a document of its success schema, built
//!    from the request and the world where it can be and from the schema's examples otherwise
//!    (`document.rs`); an action that changes state answers `InvalidOperation.NotModelled`: the
//!    mock models no effect of it, so it never says it did one.
//!
//! An action's metadata is compiled into a [`Shape`] the first time the action is called, once
//! per process: a request parses no JSON of the extract.

mod document;
mod resources;
mod validate;

use std::sync::OnceLock;

use time::OffsetDateTime;

use crate::api_error::ApiError;
use crate::format::Format;
use crate::metadata;
use crate::params::Params;
use crate::world::World;
use resources::table_row;

pub use validate::Checked;

/// The parameter that asks for a dry run, on the actions whose metadata takes it.
const DRY_RUN: &str = "DryRun";

/// What a valid call of an action does, as the mock answers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// It reads: it answers a document of its success schema.
    Reads,
    /// It changes state the mock does not model: it answers `InvalidOperation.NotModelled`.
    Changes,
}

impl Effect {
    /// From the metadata's `operationType`: `get` and `list` read; `create`, `update` and
    /// `delete` change. `none` (six actions) reads when the action's name begins with
    /// `Describe`, the API's verb for reading (every other read but four begins so, and no
    /// action that changes state does); anything else changes (docs/choices.md).
    fn of(action: &metadata::Action) -> Self {
        match action.operation_type.as_deref() {
            Some("get" | "list") => Self::Reads,
            Some("none") if action.name.starts_with("Describe") => Self::Reads,
            _ => Self::Changes,
        }
    }
}

/// One action of the metadata, compiled for the mock: its parameters as a validator, the
/// resources it names, its success document's template, and the errors it answers with.
#[derive(Debug)]
pub struct Shape {
    pub name: &'static str,
    pub effect: Effect,
    /// `{Action}Response`, the XML root of its success.
    root: String,
    params: validate::Parameters,
    /// Whether it takes `DryRun`.
    dry_run: bool,
    named: Vec<resources::Named>,
    template: document::Node,
    /// Its `DryRunOperation`: its table's row, else the common one.
    dry_run_operation: ApiError,
}

impl Shape {
    fn compile(action: &'static metadata::Action) -> Self {
        let dry_run = action
            .parameter(DRY_RUN)
            .is_some_and(|p| p.schema.kind.as_deref() == Some("boolean"));
        let dry_run_operation =
            table_row(action, "DryRunOperation").unwrap_or_else(ApiError::dry_run_operation);
        Self {
            name: &action.name,
            effect: Effect::of(action),
            root: format!("{}Response", action.name),
            params: validate::Parameters::compile(action),
            dry_run,
            named: resources::Named::compile(action),
            template: action
                .success
                .as_ref()
                .map_or_else(document::Node::empty, |s| document::template(&s.schema)),
            dry_run_operation,
        }
    }

    /// Checks `params` as the action's metadata documents them: every required parameter
    /// present (absent or empty is `Missing{Name}`), then every value given of its type, in its
    /// enum and within its bounds (`InvalidParameter`, at the status the action's table gives
    /// that code). A hand-written handler of an action that changes state calls this first.
    pub fn validate(&self, params: &Params) -> Result<Checked, ApiError> {
        let mut checked = self.params.check(params)?;
        checked.dry_run = self.dry_run
            && params
                .get(DRY_RUN)
                .is_some_and(|v| v.eq_ignore_ascii_case("true"));
        Ok(checked)
    }

    /// The generic handler: a call of this action against `world` at `now`, answered in
    /// `format`.
    pub fn answer(
        &self,
        world: &World,
        params: &Params,
        request_id: &str,
        format: Format,
        now: OffsetDateTime,
    ) -> Result<String, ApiError> {
        let checked = self.validate(params)?;
        let facts = resources::look_up(&self.named, world, params, now)?;
        if checked.dry_run {
            return Err(self.dry_run_operation.clone());
        }
        match self.effect {
            Effect::Reads => {
                let doc = document::fill(&self.template, request_id, params, facts.as_ref());
                Ok(format.render(&self.root, &doc))
            }
            Effect::Changes => Err(ApiError::not_modelled(self.name)),
        }
    }
}

/// Every action of the metadata, each compiled the first time it is asked for.
fn shapes() -> &'static [(&'static str, OnceLock<Shape>)] {
    static SHAPES: OnceLock<Vec<(&'static str, OnceLock<Shape>)>> = OnceLock::new();
    SHAPES.get_or_init(|| metadata::names().map(|n| (n, OnceLock::new())).collect())
}

/// The action `name` of the metadata, compiled; `None` for a name the metadata does not have.
pub fn find(name: &str) -> Option<&'static Shape> {
    let all = shapes();
    let i = all.binary_search_by(|(n, _)| (*n).cmp(name)).ok()?;
    let (_, shape) = &all[i];
    Some(shape.get_or_init(|| {
        let action = metadata::action(name).expect("every name of the extract has its action");
        Shape::compile(action)
    }))
}

/// The names of every action of the metadata, sorted.
#[cfg(test)]
pub fn names() -> impl Iterator<Item = &'static str> {
    shapes().iter().map(|(n, _)| *n)
}

#[cfg(test)]
mod tests;
