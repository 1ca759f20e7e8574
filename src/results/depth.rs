//! The depth map: per action of the API metadata, how deeply the run judged it — `behaviour`
//! (hand-written scenarios of its preconditions and rows), `shape` (the generated scenarios
//! only) — and how its scenarios fared at each level. Computed once, when the run is concluded,
//! from the scenarios' `@action:{Name}` tags (a feature's own tag counts for its scenarios) and
//! written to `results.json` as `run.actions`; every report reads it from there. An action's
//! line also lists the error rows of its metadata the mock does not model, each with the reason
//! (`features/<Action>.metadata.tsv`, read by [`crate::metadata::drift`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use super::scenario::{Outcome, Scenario};
use crate::contract::editions::Edition;
use crate::evidence::Level;

/// How deeply a run judged an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Depth {
    /// Hand-written scenarios of its preconditions and rows (besides any generated ones).
    Behaviour,
    /// The scenarios generated from the API metadata only.
    Shape,
    /// Not claimed by the target (`run --actions`): its scenarios are not run, and a probe in each
    /// format checks that it is refused as an action ECS does not have.
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
    /// The error rows of its API metadata the mock does not model in the gated edition, so no
    /// scenario judges them, each with the reason. Absent when there is none, and in a report
    /// written before it (docs/reports.md, change log).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_modelled: Vec<NotModelled>,
}

/// An error row of an action's API metadata that the mock does not model, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotModelled {
    pub status: u16,
    pub code: String,
    pub message: String,
    /// Why, with its source (`features/<Action>.metadata.tsv`).
    pub reason: String,
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
/// [`Depth::NotClaimed`]; the rows not modelled are those of the gated `edition`.
pub fn map(
    scenarios: &[Scenario],
    feature_actions: &HashMap<String, Vec<String>>,
    claimed: Option<&BTreeSet<String>>,
    edition: &Edition,
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
                not_modelled: not_modelled(a, edition),
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

/// The rows of `action` the mock does not model in `edition`.
fn not_modelled(action: &str, edition: &Edition) -> Vec<NotModelled> {
    crate::metadata::drift::not_modelled(action, edition)
        .map(|k| NotModelled {
            status: k.status.parse().unwrap_or_default(),
            code: k.code.to_owned(),
            message: k.message.to_owned(),
            reason: k.reason.to_owned(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::editions::{self, Range};
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
        let map = map(&scenarios, &features, None, editions::latest());
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
        let claims = super::map(&scenarios, &features, Some(&claimed), editions::latest());
        let depth = |a: &str| claims.iter().find(|l| l.action == a).unwrap().depth;
        assert_eq!(depth("ResetDisk"), Depth::Behaviour);
        assert_eq!(depth("RebootInstance"), Depth::NotClaimed);
        assert_eq!(depth("DescribeZones"), Depth::NotClaimed);
    }

    /// Every row of the rollback actions' metadata tables (`features/<Action>.metadata.tsv`), in
    /// every edition that lists it, is either a row of the action's error table — which the
    /// catalogue check (`suite::coverage`, `the_committed_features_cover_every_catalogue`) holds
    /// to a scenario expecting it, and every scenario runs in both formats — or in the depth map's
    /// list of rows not modelled, with a reason that says so; and the list holds nothing else.
    #[test]
    fn every_row_of_the_rollback_actions_is_judged_or_listed_as_not_modelled() {
        use crate::catalogue::Catalogue;
        use crate::metadata::drift::{Side, known_of};
        for action in ["StopInstance", "StartInstance", "CreateSnapshot"] {
            let catalogue = Catalogue::of(action).expect("a rollback action has an error table");
            for edition in editions::all() {
                let map = map(&[], &HashMap::new(), None, edition);
                let line = map.iter().find(|l| l.action == action).unwrap();
                let listed = |status: &str, code: &str| {
                    line.not_modelled
                        .iter()
                        .find(|n| n.status.to_string() == status && n.code == code)
                };
                let in_table = |status: &str, code: &str| {
                    catalogue
                        .rows_in(edition)
                        .any(|r| r.answer.status.to_string() == status && r.answer.code == code)
                };
                let rows: Vec<_> = known_of(action)
                    .filter(|k| k.editions.contains(edition))
                    .collect();
                for k in &rows {
                    let what = format!("{action} {} {} in {}", k.status, k.code, edition.name);
                    match (in_table(k.status, k.code), listed(k.status, k.code)) {
                        (true, None) => {}
                        (false, Some(n)) => assert!(
                            k.only_in == Side::Metadata && n.reason.contains("not modelled"),
                            "{what}: listed as not modelled without saying why: {:?}",
                            n.reason
                        ),
                        (true, Some(_)) => panic!("{what}: judged, yet listed as not modelled"),
                        (false, None) => {
                            panic!("{what}: neither judged nor listed as not modelled")
                        }
                    }
                }
                for n in &line.not_modelled {
                    assert!(
                        rows.iter().any(|k| k.status == n.status.to_string()
                            && k.code == n.code
                            && k.message == n.message),
                        "{action} {} {}: listed as not modelled in {}, but no row of \
                         features/{action}.metadata.tsv",
                        n.status,
                        n.code,
                        edition.name
                    );
                }
            }
        }
    }
}
