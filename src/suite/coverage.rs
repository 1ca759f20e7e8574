//! The catalogue check: the feature files against the error catalogues.
//!
//! It fails when a row of the contract's table (status, Code, Message) is no scenario's expected
//! answer, when a scenario expects an answer that no catalogue lists (so it would have no evidence
//! level or source), or when two scenarios of a feature share a name (their recorded answers would
//! collide).

use std::collections::HashSet;

use cucumber::gherkin;

use super::expected::answers_in_table;
use super::outline::{example_rows, expanded_names, fill, scenarios};
use crate::catalogue::{Catalogue, ErrorAnswer};
use crate::contract::editions::{Edition, Range};

/// An expected error found in a feature file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expectation {
    pub scenario: String,
    pub answer: ErrorAnswer,
    /// The scenario's own pick (the first row), rather than an answer it also allows.
    pub primary: bool,
    /// The editions the scenario judges.
    pub editions: Range,
    /// The action its `@action:{Name}` tag names: whose error table in the API metadata may
    /// state what it expects.
    pub action: Option<String>,
}

/// The errors the features expect, from every `status` / `Code` / `Message` table.
pub fn expectations(features: &[gherkin::Feature]) -> Vec<Expectation> {
    let mut out = Vec::new();
    for f in features {
        for s in scenarios(f) {
            let editions = super::editions::range_of(&s.tags).unwrap_or(Range::ALL);
            let action = (s.tags.iter().chain(&f.tags))
                .find_map(|t| t.strip_prefix("action:"))
                .map(str::to_owned);
            for example in example_rows(s) {
                for step in &s.steps {
                    let Some(table) = &step.table else { continue };
                    let rows: Vec<Vec<String>> = table
                        .rows
                        .iter()
                        .map(|r| r.iter().map(|cell| fill(cell, &example)).collect())
                        .collect();
                    // Tables that are not error expectations are not this check's business.
                    let Ok(answers) = answers_in_table(&rows) else {
                        continue;
                    };
                    for (i, answer) in answers.into_iter().enumerate() {
                        out.push(Expectation {
                            scenario: format!("{} / {}", f.name, fill(&s.name, &example)),
                            answer,
                            primary: i == 0,
                            editions,
                            action: action.clone(),
                        });
                    }
                }
            }
        }
    }
    out
}

/// The problems with `features` against the catalogues; empty when the coverage is complete.
pub fn problems(features: &[gherkin::Feature]) -> Vec<String> {
    let expected = expectations(features);
    let mut problems = Vec::new();
    if let Err(e) = super::editions::scenario_ranges(features) {
        problems.push(e);
    }
    for catalogue in Catalogue::all().iter().filter(|c| c.action().is_some()) {
        for row in catalogue.rows() {
            for edition in row.editions.editions() {
                let covered = expected
                    .iter()
                    .any(|e| e.primary && e.editions.contains(edition) && row.states(&e.answer));
                if !covered {
                    problems.push(format!(
                        "{} error {} has no scenario in edition {} (features/{})",
                        row.level, row.answer, edition.name, catalogue.name
                    ));
                }
            }
        }
    }
    for e in &expected {
        let in_metadata = (e.action.as_deref())
            .is_some_and(|a| super::expected::metadata_row(a, &e.answer).is_some());
        let listed = |edition: &Edition| {
            in_metadata
                || Catalogue::all()
                    .iter()
                    .any(|c| c.rows_in(edition).any(|r| r.states(&e.answer)))
        };
        // Its own pick must be an answer of every edition it judges; an answer it also allows,
        // of one of them.
        let missing: Vec<&str> = e
            .editions
            .editions()
            .filter(|ed| !listed(ed))
            .map(|ed| ed.name)
            .collect();
        let judged = e.editions.editions().count();
        if (e.primary && !missing.is_empty()) || missing.len() == judged {
            problems.push(format!(
                "{} expects {}, which no catalogue lists in edition {} (so it has no evidence \
                 level or source there)",
                e.scenario,
                e.answer,
                missing.join(", ")
            ));
        }
    }
    for f in features {
        let mut seen = HashSet::new();
        for s in scenarios(f) {
            for name in expanded_names(s) {
                if !seen.insert(name.clone()) {
                    problems.push(format!(
                        "{}: two scenarios are named {name:?}; snapshot names must be unique",
                        f.name
                    ));
                }
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Vec<gherkin::Feature> {
        vec![gherkin::Feature::parse(text, gherkin::GherkinEnv::default()).unwrap()]
    }

    #[test]
    fn the_committed_features_cover_every_catalogue() {
        let features = crate::suite::SuiteFiles::Embedded.features().unwrap();
        assert_eq!(problems(&features), Vec::<String>::new());
    }

    #[test]
    fn an_uncovered_row_and_an_undocumented_code_are_reported() {
        let f = parse(
            "Feature: F\n  Scenario: S\n    Then the answer is\n      | status  | 404 |\n      | Code    | Nope.NotFound |\n      | Message | gone |\n",
        );
        let p = problems(&f);
        assert_eq!(
            p.iter()
                .filter(|p| p.contains("has no scenario in edition 2019-07-12 (features/ResetDisk"))
                .count(),
            20
        );
        let latest = p
            .iter()
            .filter(|p| p.contains("has no scenario in edition 2025-03-21 (features/ResetDisk"))
            .count();
        assert_eq!(latest, 29);
        let before = p
            .iter()
            .filter(|p| p.contains("has no scenario in edition 2024-12-02 (features/ResetDisk"))
            .count();
        assert_eq!(
            before, 28,
            "the 400 InternalError is not a row of 2024-12-02"
        );
        assert!(
            p.iter()
                .any(|p| p.contains("F / S expects 404 Nope.NotFound")
                    && p.contains("no evidence level")),
            "{p:?}"
        );
    }

    #[test]
    fn a_documented_code_with_the_wrong_message_is_undocumented() {
        let f = parse(
            "Feature: F\n  Scenario: S\n    Then the answer is\n      | status  | 403 |\n      | Code    | OperationDenied |\n      | Message | The specified snapshot does not support ResetDisk. |\n",
        );
        assert!(
            problems(&f)
                .iter()
                .any(|p| p.contains("OperationDenied") && p.contains("no catalogue lists"))
        );
    }

    #[test]
    fn duplicate_expanded_names_are_reported() {
        let f = parse(
            "Feature: F\n  Scenario Outline: S <x>\n    Then the reset succeeds\n    Examples:\n      | x |\n      | a |\n      | a |\n",
        );
        assert!(
            problems(&f)
                .iter()
                .any(|p| p.contains("two scenarios are named \"S a\""))
        );
    }
}
