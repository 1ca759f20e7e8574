//! What steps make of their arguments: an action by its name, a call's parameters from a table,
//! the expected answers of a table, a time.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::client::Call;
use crate::contract::Action;
use crate::suite::expected::{self, ExpectedRow};

/// The declared action called `name`, or why a step cannot use it.
pub fn declared(name: &str) -> Result<&'static Action, String> {
    crate::contract::find(name)
        .ok_or_else(|| format!("{name} is not a declared action (src/contract)"))
}

pub fn parse_time(s: &str) -> Result<OffsetDateTime, String> {
    OffsetDateTime::parse(s, &Rfc3339).map_err(|e| format!("{s:?} is not an RFC 3339 time: {e}"))
}

/// `call` with the parameters of a `| name | value |` table.
pub fn with_table(mut call: Call, table: &[Vec<String>]) -> Result<Call, String> {
    for row in table {
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

/// The rows of a Then step's table, each with the evidence of the catalogue row that states it
/// (else of the row of `action`'s table in the API metadata).
pub fn expected_rows(action: &str, table: &[Vec<String>]) -> Result<Vec<ExpectedRow>, String> {
    if table.is_empty() {
        return Err("this step needs a table of status, Code and Message".into());
    }
    expected::expected_rows(Some(action), table)
}
