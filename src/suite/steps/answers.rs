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
    let mut f = Findings::default();
    // The kind of answer first: parity between two refusals says nothing of a success, nor
    // parity between two successes of an error.
    for a in [xml, json] {
        if documented.is_empty() {
            f.check(ids::PARITY, a.raw.status >= 400, || {
                format!(
                    "expected an error in both formats, got status {} in {}",
                    a.raw.status,
                    a.format()
                )
            });
        } else {
            f.expect(
                ids::SUCCESS_STATUS,
                &format!("status ({})", a.format()),
                200,
                a.raw.status,
            );
        }
        f.extend(check::envelope(a, &documented));
    }
    f.expect(
        ids::PARITY,
        "status (XML vs JSON)",
        xml.raw.status,
        json.raw.status,
    );
    // Values are compared only where they are the same from call to call: an error's Code and
    // Message, a success's documented fields but its RequestId. Every other field (RequestId,
    // HostId, Recommend, a field the contract does not list, such as a task id) differs between
    // two calls by nature: both formats must carry it, as often, and no more is asked.
    const VOLATILE: [&str; 3] = ["RequestId", "HostId", "Recommend"];
    let stable: Vec<&str> = if documented.is_empty() {
        vec!["Code", "Message"]
    } else {
        documented
            .iter()
            .copied()
            .filter(|f| !VOLATILE.contains(f))
            .collect()
    };
    // JSON's key order is not significant: compare both sides with fields sorted by name.
    if let (Ok(x), Ok(j)) = (xml.document(), json.document()) {
        let (x, j) = (x.body.sorted(), j.body.sorted());
        let (mut xn, mut jn) = (x.names(), j.names());
        xn.sort_unstable();
        jn.sort_unstable();
        f.expect(ids::PARITY, "field names (XML vs JSON)", &xn, &jn);
        xn.extend(jn);
        xn.sort_unstable();
        xn.dedup();
        for name in xn {
            if stable.contains(&name) {
                f.expect(
                    ids::PARITY,
                    &format!("{name} (XML vs JSON)"),
                    x.all(name),
                    j.all(name),
                );
            } else {
                f.expect(
                    ids::PARITY,
                    &format!("how often {name} occurs (XML vs JSON)"),
                    x.all(name).len(),
                    j.all(name).len(),
                );
            }
        }
    }
    w.judge(f)
}
