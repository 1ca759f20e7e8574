//! The depth map: per action of the API metadata, how deeply the run judged it — `behaviour`
//! (hand-written scenarios of its preconditions and rows), `shape` (the generated scenarios
//! only) — and how its scenarios fared at each level. Computed once, when the run is concluded,
//! from the scenarios' `@action:{Name}` tags (a feature's own tag counts for its scenarios) and
//! written to `results.json` as `run.actions`; every report reads it from there.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use super::scenario::{Outcome, Scenario};
use crate::evidence::Level;

/// How deeply a run judged an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Depth {
    /// Hand-written scenarios of its preconditions and rows (besides any generated ones).
    Behaviour,
    /// The scenarios generated from the API metadata only.
    Shape,
    /// Not claimed by the target (`run --actions`): its scenarios are not run, and one probe
    /// checks that it is refused as an action ECS does not have.
    NotClaimed,
}

impl Depth {
    pub const ALL: [Depth; 3] = [Depth::Behaviour, Depth::Shape, Depth::NotClaimed];

    pub fn word(self) -> &'static str {
        match self {
            Self::Behaviour => "behaviour",
            Self::Shape => "shape",
            Self::NotClaimed => "not-claimed",
        }
    }
}

/// One action's line of the depth map.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionDepth {
    pub action: String,
    /// The metadata's directory it is listed in.
    pub directory: String,
    pub depth: Depth,
    /// Its scenarios the run selected, of the gated edition.
    pub scenarios: usize,
    pub passed: usize,
    /// Failed, by the strongest level each fails at.
    pub failed_documented: usize,
    pub failed_observed: usize,
    pub failed_chosen: usize,
    /// Not run (with their reasons, in the scenarios), no answer, or stalled.
    pub not_run: usize,
}

impl ActionDepth {
    pub fn failed(&self) -> usize {
        self.failed_documented + self.failed_observed + self.failed_chosen
    }

    pub fn ran(&self) -> usize {
        self.passed + self.failed()
    }
}

/// The action a tag names (`action:{Name}`).
fn action_of(tag: &str) -> Option<&str> {
    tag.strip_prefix("action:")
}

/// The depth map of a run: every action of the metadata, in the metadata's directory order.
/// `feature_actions` names the actions a feature's own tags name, by the feature's name;
/// `claimed`, the actions the target claims (`run --actions`), if it says: any other is
/// [`Depth::NotClaimed`].
pub fn map(
    scenarios: &[Scenario],
    feature_actions: &HashMap<String, Vec<String>>,
    claimed: Option<&BTreeSet<String>>,
) -> Vec<ActionDepth> {
    let mut lines: BTreeMap<String, ActionDepth> = BTreeMap::new();
    for d in &crate::metadata::header().directories {
        for a in &d.actions {
            lines.entry(a.clone()).or_insert_with(|| ActionDepth {
                action: a.clone(),
                directory: d.title.clone(),
                depth: Depth::Shape,
                scenarios: 0,
                passed: 0,
                failed_documented: 0,
                failed_observed: 0,
                failed_chosen: 0,
                not_run: 0,
            });
        }
    }
    for s in scenarios.iter().filter(|s| !s.of_other_editions()) {
        let generated = s.generated();
        let own = s.tags.iter().filter_map(|t| action_of(t));
        let inherited = (feature_actions.get(&s.feature).into_iter().flatten()).map(String::as_str);
        let mut actions: Vec<&str> = own.chain(inherited).collect();
        actions.sort_unstable();
        actions.dedup();
        for a in actions {
            let Some(line) = lines.get_mut(a) else {
                continue;
            };
            if !generated {
                line.depth = Depth::Behaviour;
            }
            line.scenarios += 1;
            match (s.outcome, s.failed_at) {
                (Outcome::Passed, _) => line.passed += 1,
                (Outcome::Failed, Some(Level::Documented)) => line.failed_documented += 1,
                (Outcome::Failed, Some(Level::Observed)) => line.failed_observed += 1,
                (Outcome::Failed, _) => line.failed_chosen += 1,
                _ => line.not_run += 1,
            }
        }
    }
    let order: Vec<&str> = (crate::metadata::header().directories.iter())
        .flat_map(|d| d.actions.iter().map(String::as_str))
        .collect();
    let mut out: Vec<ActionDepth> = lines.into_values().collect();
    for line in &mut out {
        if claimed.is_some_and(|c| !c.contains(&line.action)) {
            line.depth = Depth::NotClaimed;
        }
    }
    out.sort_by_key(|l| order.iter().position(|a| *a == l.action));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::editions::Range;
    use crate::results::ScenarioId;

    #[test]
    fn every_action_is_mapped_and_hand_written_scenarios_make_behaviour() {
        let mut generated = Scenario::not_run(
            &ScenarioId::new("Shape: Instances", "RebootInstance as a dry run (JSON)"),
            vec!["action:RebootInstance".into(), "changes".into()],
            Range::ALL,
            "could change the account".into(),
        );
        generated.outcome = Outcome::Passed;
        let hand = Scenario::not_run(
            &ScenarioId::new("ResetDisk dry runs", "A dry run (XML)"),
            vec![],
            Range::ALL,
            "needs a world".into(),
        );
        let features = HashMap::from([(
            "ResetDisk dry runs".to_owned(),
            vec!["ResetDisk".to_owned()],
        )]);
        let scenarios = [generated, hand];
        let map = map(&scenarios, &features, None);
        assert_eq!(map.len(), 358);
        let line = |a: &str| map.iter().find(|l| l.action == a).unwrap().clone();
        let reboot = line("RebootInstance");
        assert_eq!(
            (reboot.depth, reboot.passed, reboot.scenarios),
            (Depth::Shape, 1, 1)
        );
        let reset = line("ResetDisk");
        assert_eq!(
            (reset.depth, reset.not_run, reset.ran()),
            (Depth::Behaviour, 1, 0)
        );
        assert_eq!(map[0].directory, "Regions");
        // Claiming ResetDisk alone: every other action is not claimed, whatever it ran.
        let claimed = BTreeSet::from(["ResetDisk".to_owned()]);
        let claims = super::map(&scenarios, &features, Some(&claimed));
        let depth = |a: &str| claims.iter().find(|l| l.action == a).unwrap().depth;
        assert_eq!(depth("ResetDisk"), Depth::Behaviour);
        assert_eq!(depth("RebootInstance"), Depth::NotClaimed);
        assert_eq!(depth("DescribeZones"), Depth::NotClaimed);
    }
}
