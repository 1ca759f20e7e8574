//! What README.md and docs/ state as counts is what the run derives: each module that derives a
//! number asserts the sentence that states it, so that a variant deleted, a scenario added or a
//! catalogue row moved fails `cargo test` until the documentation says so.

use ecs_conformance::Catalogue;
use ecs_conformance::contract::editions;
use ecs_conformance::results::Results;

/// The text of `doc` (relative to the repository).
fn read(doc: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(doc))
        .unwrap_or_default()
}

/// `Ok` when `doc`, its lines joined (a sentence may break anywhere), holds `text`.
pub fn states(doc: &str, text: &str) -> Result<(), String> {
    let joined = read(doc).split_whitespace().collect::<Vec<_>>().join(" ");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if joined.contains(&text) {
        Ok(())
    } else {
        Err(format!(
            "{doc} must state what the run derives: {text:?} (fix the text, or the count)"
        ))
    }
}

/// The counts of the main run and of the proof both ways, as README.md states them.
pub fn main_counts(report: &Results, faulty: usize, permitted: usize) -> Vec<Result<(), String>> {
    let (first, latest) = (&editions::all()[0], editions::latest());
    let rows = |e| {
        Catalogue::of("ResetDisk")
            .map(|c| c.rows_in(e).count())
            .unwrap_or_default()
    };
    vec![
        states(
            "README.md",
            &format!(
                "faulty variants caught: {}/{}** ({faulty} variants, each proven at the first \
                 edition and the latest)",
                2 * faulty,
                2 * faulty
            ),
        ),
        states(
            "README.md",
            &format!(
                "permitted variants passed: {}/{}** ({permitted} variants, each proven at the \
                 first edition and the latest)",
                2 * permitted,
                2 * permitted
            ),
        ),
        states(
            "README.md",
            &format!(
                "{} scenarios ({} judge the latest edition, {} the first)",
                report.scenarios.len(),
                report.judging(latest).count(),
                report.judging(first).count()
            ),
        ),
        states(
            "README.md",
            &format!(
                "({} rows in {}, {} in the latest)",
                rows(first),
                first.name,
                rows(latest)
            ),
        ),
        states(
            "README.md",
            &format!(
                "the {} scenarios of the latest edition run as follows (the {} of older editions only are counted apart)",
                report.judging(latest).count(),
                report.scenarios.len() - report.judging(latest).count()
            ),
        ),
        states(
            "README.md",
            &format!("`control`: {} passed;", report.judging(latest).count()),
        ),
    ]
}
