//! Then: what any answer must be — a success with its documented fields, an error row of a
//! catalogue, its recorded answer, the same in XML and JSON.

use super::args::expected_rows;
use super::judging::Judging;
use super::step::Step;
use crate::evidence::ids;
use crate::suite::check;
use crate::suite::recorded;
use crate::suite::verdict::Findings;

/// `Then the answer is` (a vertical table of `status`, `Code` and `Message`) or `Then the answer
/// is one of` (a `status | Code | Message` table: every row an answer the contract allows, the
/// first the mock's pick).
fn the_answer_is(j: &Judging, a: &super::step::Args) -> Result<Findings, String> {
    let last = j.last()?;
    Ok(check::error(last, &expected_rows(&last.action, &a.table)?))
}

pub const STEPS: &[Step] = &[
    // The last call succeeded with exactly the documented fields of a one-column table.
    Step::then("the call succeeds with the fields", |j, a| {
        let answer = j.last()?;
        Ok(check::success(answer, &answer.action, &a.column()))
    }),
    Step::then("the answer is", the_answer_is),
    Step::then("the answer is one of", the_answer_is),
    Step::then("the answer matches its recorded answer", |j, _| {
        let answer = j.last()?;
        let content = recorded::canonical(answer.format(), &answer.raw);
        let name = recorded::snapshot_name(&j.scenario.feature, &j.scenario.scenario);
        let stored = j.files.recorded_answer(&name);
        let mut findings = Findings::default();
        if let Err(e) = recorded::check(&name, &content, stored.as_deref(), j.snapshot_mode) {
            findings.fail(ids::RECORDED_ANSWER, e);
        }
        Ok(findings)
    }),
    // A success's documented fields are the step's one-column table (none for an error).
    Step::then("both answers carry the same fields and values", |j, a| {
        let [xml, json] = j.answers else {
            return Err(format!("expected two answers, got {}", j.answers.len()));
        };
        Ok(check::parity(xml, json, &a.column()))
    }),
];
