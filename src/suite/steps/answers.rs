//! Then: what any answer must be — a success with its documented fields, an error row of a
//! catalogue, its recorded answer, the same in XML and JSON.

use cucumber::gherkin::Step;
use cucumber::then;

use super::{column, expected_rows};
use crate::evidence::ids;
use crate::suite::check;
use crate::suite::recorded;
use crate::suite::verdict::Findings;
use crate::suite::world::SuiteWorld;

/// The last call succeeded with exactly the documented fields of a one-column table.
#[then(expr = "the call succeeds with the fields")]
fn call_succeeds(w: &mut SuiteWorld, step: &Step) -> Result<(), String> {
    let fields = column(step);
    let answer = w.answer()?;
    let findings = check::success(answer, &answer.action, &fields);
    w.judge(findings)
}

/// `Then the answer is` with a vertical table of `status`, `Code` and `Message`.
#[then(expr = "the answer is")]
fn the_answer_is(w: &mut SuiteWorld, step: &Step) -> Result<(), String> {
    let rows = expected_rows(step)?;
    let findings = check::error(w.answer()?, &rows);
    w.judge(findings)
}

/// `Then the answer is one of` with a `status | Code | Message` table: every row is an answer the
/// contract allows; the first is the mock's pick.
#[then(expr = "the answer is one of")]
fn the_answer_is_one_of(w: &mut SuiteWorld, step: &Step) -> Result<(), String> {
    the_answer_is(w, step)
}

#[then(expr = "the answer matches its recorded answer")]
fn matches_recorded_answer(w: &mut SuiteWorld) -> Result<(), String> {
    let answer = w.answer()?;
    let content = recorded::canonical(answer.format(), &answer.raw);
    let name = w.recorded_answer_name();
    let stored = w.stored_answer(&name)?;
    let mut findings = Findings::default();
    if let Err(e) = recorded::check(&name, &content, stored.as_deref(), w.snapshot_mode()?) {
        findings.fail(ids::RECORDED_ANSWER, e);
    }
    w.judge(findings)
}

/// A success's documented fields are the step's one-column table (none for an error).
#[then(expr = "both answers carry the same fields and values")]
fn parity(w: &mut SuiteWorld, step: &Step) -> Result<(), String> {
    let documented = column(step);
    let [xml, json] = w.answers.as_slice() else {
        return Err(format!("expected two answers, got {}", w.answers.len()));
    };
    let findings = check::parity(xml, json, &documented);
    w.judge(findings)
}
