//! Which scenarios a run selects (formats and tags), and what a scenario needs of its target.

use std::collections::BTreeSet;

use cucumber::feature::Ext as _;
use cucumber::gherkin::{self, StepType, tagexpr::TagOperation};
use cucumber::tag::Ext as _;

use super::config::{RunError, SuiteConfig};
use crate::format::Format;
use crate::results::ScenarioId;

/// Whether a scenario states a world with Given steps (its own or its feature's Background):
/// such a scenario needs the control API.
pub(super) fn needs_world(
    feature: &gherkin::Feature,
    rule: Option<&gherkin::Rule>,
    scenario: &gherkin::Scenario,
) -> bool {
    let given = |steps: &[gherkin::Step]| steps.iter().any(|s| s.ty == StepType::Given);
    feature.background.as_ref().is_some_and(|b| given(&b.steps))
        || rule
            .and_then(|r| r.background.as_ref())
            .is_some_and(|b| given(&b.steps))
        || given(&scenario.steps)
}

/// The `format` column of an expanded outline, if it has one.
fn scenario_format(scenario: &gherkin::Scenario) -> Option<Format> {
    let table = scenario.examples.first()?.table.as_ref()?;
    let (header, row) = (table.rows.first()?, table.rows.get(1)?);
    let i = header.iter().position(|h| h == "format")?;
    row.get(i)?.parse().ok()
}

/// Every tag of the features, their rules and scenarios, sorted.
fn all_tags(features: &[gherkin::Feature]) -> Vec<String> {
    let mut tags = BTreeSet::new();
    for f in features {
        tags.extend(f.tags.iter().cloned());
        for r in &f.rules {
            tags.extend(r.tags.iter().cloned());
            tags.extend(r.scenarios.iter().flat_map(|s| s.tags.iter().cloned()));
        }
        tags.extend(f.scenarios.iter().flat_map(|s| s.tags.iter().cloned()));
    }
    tags.into_iter().map(|t| format!("@{t}")).collect()
}

/// The scenario selection of a run: formats, tags and names.
#[derive(Clone)]
pub(super) struct Selection {
    formats: Vec<Format>,
    tags: Option<TagOperation>,
    names: Option<BTreeSet<String>>,
}

impl Selection {
    /// `config`'s selection; an error names a bad tag expression.
    fn of(config: &SuiteConfig) -> Result<Self, String> {
        let tags = match &config.tags {
            Some(t) => Some(
                (t.parse::<TagOperation>())
                    .map_err(|e| format!("invalid tag expression {t:?}: {e}"))?,
            ),
            None => None,
        };
        Ok(Self {
            formats: config.formats.clone(),
            tags,
            names: config.scenarios.clone(),
        })
    }

    pub(super) fn selects(
        &self,
        f: &gherkin::Feature,
        r: Option<&gherkin::Rule>,
        s: &gherkin::Scenario,
    ) -> bool {
        if scenario_format(s).is_some_and(|fmt| !self.formats.contains(&fmt)) {
            return false;
        }
        if (self.names.as_ref())
            .is_some_and(|n| !n.contains(&ScenarioId::new(&f.name, &s.name).name()))
        {
            return false;
        }
        self.tags.as_ref().is_none_or(|op| {
            op.eval(
                f.tags
                    .iter()
                    .chain(r.iter().flat_map(|r| &r.tags))
                    .chain(&s.tags),
            )
        })
    }

    /// How many expanded scenarios of `features` this selects.
    fn count(&self, features: &[gherkin::Feature]) -> usize {
        features
            .iter()
            .filter_map(|f| f.clone().expand_examples().ok())
            .map(|f| {
                let plain = f
                    .scenarios
                    .iter()
                    .filter(|s| self.selects(&f, None, s))
                    .count();
                let ruled: usize = f
                    .rules
                    .iter()
                    .map(|r| {
                        r.scenarios
                            .iter()
                            .filter(|s| self.selects(&f, Some(r), s))
                            .count()
                    })
                    .sum();
                plain + ruled
            })
            .sum()
    }
}

/// How many scenarios `config` selects from its suite (formats and tags), whatever becomes of
/// them: what a run's results must number.
pub fn selected_scenarios(config: &SuiteConfig) -> Result<usize, String> {
    let features = config.files.features().map_err(|e| e.to_string())?;
    Ok(Selection::of(config)?.count(&features))
}

/// What a run will run: its features (parsed once, handed to cucumber's parser as they are),
/// and the selection.
pub(super) struct Chosen {
    pub features: Vec<gherkin::Feature>,
    pub selection: Selection,
}

/// The run's selection from `config`; an error when the tag expression is bad, the features
/// cannot be read, or nothing is selected (naming the tags there are).
pub(super) fn choose(config: &SuiteConfig) -> Result<Chosen, RunError> {
    let selection = Selection::of(config).map_err(anyhow::Error::msg)?;
    let features = config.files.features().map_err(anyhow::Error::msg)?;
    if selection.count(&features) == 0 {
        let formats: Vec<String> = config.formats.iter().map(Format::to_string).collect();
        let names = (config.scenarios.as_ref())
            .map(|n| format!(" among {} named scenarios", n.len()))
            .unwrap_or_default();
        return Err(RunError::EmptySelection {
            selection: format!(
                "the tag expression {:?} with --format {}{names}",
                config.tags.as_deref().unwrap_or(""),
                formats.join(",")
            ),
            tags: all_tags(&features),
        });
    }
    Ok(Chosen {
        features,
        selection,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suite::SuiteFiles;

    #[test]
    fn a_selection_by_name_selects_those_scenarios_and_no_other() {
        let features = SuiteFiles::Embedded.features().unwrap();
        let feature = (features.iter())
            .filter_map(|f| f.clone().expand_examples().ok())
            .find(|f| f.scenarios.len() > 2)
            .unwrap();
        let label = |s: &gherkin::Scenario| ScenarioId::new(&feature.name, &s.name).name();
        let names: BTreeSet<String> = feature.scenarios.iter().take(2).map(label).collect();
        let named = |names: BTreeSet<String>| SuiteConfig {
            scenarios: Some(names),
            ..SuiteConfig::default()
        };
        let expected = (feature.scenarios.iter())
            .filter(|s| names.contains(&label(s)))
            .count();
        assert!(expected >= 2 && expected < feature.scenarios.len());
        assert_eq!(selected_scenarios(&named(names)), Ok(expected));
        // A name the suite does not have selects nothing, and a run says why.
        let none = named(BTreeSet::from(["No such / scenario".to_owned()]));
        assert_eq!(selected_scenarios(&none), Ok(0));
        let Err(e) = choose(&none) else {
            panic!("an empty selection must be refused")
        };
        assert!(e.to_string().contains("among 1 named scenarios"), "{e}");
    }
}
