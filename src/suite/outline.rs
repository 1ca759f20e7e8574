//! The scenarios of a feature, outlines expanded: each Examples row is a scenario of its own,
//! with its name, its steps and their tables' placeholders filled. What every reader of the
//! features walks (the catalogue check, the editions, rejudge).

use cucumber::gherkin::{self, StepType};

/// The Examples rows of a scenario as `(column, value)` pairs; one empty row for a plain scenario.
pub(crate) fn example_rows(scenario: &gherkin::Scenario) -> Vec<Vec<(String, String)>> {
    let mut rows = Vec::new();
    for ex in &scenario.examples {
        if let Some((header, values)) = ex.table.as_ref().and_then(|t| t.rows.split_first()) {
            for row in values {
                rows.push(header.iter().cloned().zip(row.iter().cloned()).collect());
            }
        }
    }
    if rows.is_empty() {
        rows.push(Vec::new());
    }
    rows
}

/// `text` with an outline row's `<placeholders>` filled in.
pub(crate) fn fill(text: &str, row: &[(String, String)]) -> String {
    row.iter()
        .fold(text.to_owned(), |t, (k, v)| t.replace(&format!("<{k}>"), v))
}

/// A scenario's names after outline expansion (one per Examples row).
pub fn expanded_names(scenario: &gherkin::Scenario) -> Vec<String> {
    example_rows(scenario)
        .iter()
        .map(|row| fill(&scenario.name, row))
        .collect()
}

/// Every scenario of `feature`, its rules' included.
pub(crate) fn scenarios(feature: &gherkin::Feature) -> impl Iterator<Item = &gherkin::Scenario> {
    feature
        .scenarios
        .iter()
        .chain(feature.rules.iter().flat_map(|r| r.scenarios.iter()))
}

/// One scenario of a feature, an outline's row expanded: its steps (background first) with their
/// tables, placeholders filled, and its own tags.
#[derive(Debug, Clone)]
pub struct Expanded {
    pub feature: String,
    pub name: String,
    pub tags: Vec<String>,
    pub steps: Vec<(StepType, String, Vec<Vec<String>>)>,
}

/// Every scenario of `feature`, outlines expanded.
pub fn expand(feature: &gherkin::Feature) -> Vec<Expanded> {
    let mut out = Vec::new();
    for s in scenarios(feature) {
        for row in example_rows(s) {
            let steps = feature
                .background
                .iter()
                .flat_map(|b| &b.steps)
                .chain(&s.steps)
                .map(|step: &gherkin::Step| {
                    let rows = step.table.iter().flat_map(|t| &t.rows);
                    let rows = rows
                        .map(|r| r.iter().map(|c| fill(c, &row)).collect())
                        .collect();
                    (step.ty, fill(&step.value, &row), rows)
                })
                .collect();
            out.push(Expanded {
                feature: feature.name.clone(),
                name: fill(&s.name, &row),
                tags: s.tags.clone(),
                steps,
            });
        }
    }
    out
}
