//! The step definitions: thin, each turning a Gherkin sentence into a call, a world change or a
//! check through [`SuiteWorld`]. By what they are about: [`world`] (Given: the state, in domain
//! words), [`gateway`] (the request itself: signatures, timestamps, versions, replays, missing
//! parameters — for any declared action), [`answers`] (Then: what any answer must be), and one
//! module per action under certification ([`reset_disk`]).

mod answers;
mod gateway;
mod reset_disk;
mod world;

use cucumber::Parameter;
use cucumber::gherkin::Step;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::check::{self, ExpectedRow};
use crate::client::{Call, WireForm};
use crate::format::Format;
use crate::world::{DiskStatus, InstanceStatus, LockReason, SnapshotStatus};

/// Declares a cucumber parameter that parses into one of the crate's types.
macro_rules! parameter {
    ($name:ident($inner:ty), $param:literal, $regex:literal) => {
        #[derive(Debug, Clone, Copy, Parameter)]
        #[param(name = $param, regex = $regex)]
        pub struct $name(pub $inner);

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                s.parse().map(Self)
            }
        }
    };
}

parameter!(FormatParam(Format), "format", "XML|JSON");
parameter!(
    WireFormParam(WireForm),
    "wire_form",
    "V1 GET|V1 POST query|V1 POST form|V3"
);
parameter!(DiskStatusParam(DiskStatus), "disk_status", "[A-Za-z_]+");
parameter!(
    InstanceStatusParam(InstanceStatus),
    "instance_status",
    "[A-Za-z_]+"
);
parameter!(
    SnapshotStatusParam(SnapshotStatus),
    "snapshot_status",
    "[A-Za-z_]+"
);
parameter!(LockReasonParam(LockReason), "lock_reason", "[A-Za-z_]+");

/// The declared action called `name`, or why a step cannot use it.
fn declared(name: &str) -> Result<&'static crate::contract::Action, String> {
    crate::contract::find(name)
        .ok_or_else(|| format!("{name} is not a declared action (src/contract)"))
}

fn parse_time(s: &str) -> Result<OffsetDateTime, String> {
    OffsetDateTime::parse(s, &Rfc3339).map_err(|e| format!("{s:?} is not an RFC 3339 time: {e}"))
}

/// `call` with the parameters of the step's `| name | value |` table, if it has one.
fn with_table(mut call: Call, step: &Step) -> Result<Call, String> {
    for row in step.table.iter().flat_map(|t| &t.rows) {
        match row.as_slice() {
            [name, value] => call = call.param(name, value),
            other => {
                return Err(format!(
                    "row {other:?}: expected a parameter name and its value"
                ));
            }
        }
    }
    Ok(call)
}

/// The first cell of each row of the step's table.
fn column(step: &Step) -> Vec<&str> {
    step.table
        .iter()
        .flat_map(|t| &t.rows)
        .filter_map(|r| r.first().map(String::as_str))
        .collect()
}

/// The rows of a Then step's table, each with the evidence of the catalogue row that states it.
fn expected_rows(step: &Step) -> Result<Vec<ExpectedRow>, String> {
    let table = step
        .table
        .as_ref()
        .ok_or("this step needs a table of status, Code and Message")?;
    check::expected_rows(&table.rows)
}
