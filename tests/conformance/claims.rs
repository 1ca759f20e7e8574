//! What the vendor claims (`run --actions`): a target that implements ResetDisk and
//! DescribeRegions only — a proxy answering ECS's unknown-action error for every other action —
//! passes a run that claims just those two: no scenario of another action passes or fails (each
//! is not run, saying it is not claimed), each unclaimed action's probe passes, and the depth map
//! shows them not claimed. The other direction: the same run against the plain mock, which does
//! answer those actions, fails every probe — a target that serves what it says it does not is told.

use std::collections::BTreeSet;

use ecs_conformance::results::{Depth, Outcome, Results};
use ecs_conformance::suite;

use super::proxy::{Exchange, Rewritten};

const CLAIMED: [&str; 2] = ["ResetDisk", "DescribeRegions"];
/// Unclaimed actions the selection covers: a read, a change that takes a resource, one without.
const TAGS: &str = "@shape and (@action:ResetDisk or @action:DescribeRegions or \
                    @action:DescribeZones or @action:RebootInstance or @action:CreateDisk)";
const UNCLAIMED: [&str; 3] = ["CreateDisk", "DescribeZones", "RebootInstance"];
const PROBES: &str = "Not claimed: an unknown action's answer";

/// Answers ECS's unknown-action error (in the format asked for) for any action but the two.
fn serves_two(ex: &Exchange) -> Option<Rewritten> {
    if CLAIMED.contains(&ex.action.as_str()) {
        return None;
    }
    let (code, message) = (
        "InvalidAction.NotFound",
        "Specified api is not found, please check your url and method.",
    );
    let id = "0B8E2A1C-0000-4000-8000-000000000001";
    let recommend = format!("https://api.aliyun.com/troubleshoot?q={code}");
    let (content_type, body) = if ex.param("Format").eq_ignore_ascii_case("json") {
        (
            "application/json;charset=utf-8",
            format!(
                r#"{{"RequestId":"{id}","HostId":"ecs.aliyuncs.com","Code":"{code}","Message":"{message}","Recommend":"{recommend}"}}"#
            ),
        )
    } else {
        (
            "text/xml;charset=utf-8",
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><RequestId>{id}</RequestId>\
                 <HostId>ecs.aliyuncs.com</HostId><Code>{code}</Code><Message>{message}</Message><Recommend>{recommend}</Recommend></Error>"
            ),
        )
    };
    Some(Rewritten {
        status: 404,
        content_type: content_type.into(),
        body,
        retry_after: None,
    })
}

pub async fn unclaimed_actions_are_probed_not_judged(tally: &mut super::Tally) {
    let mock = match ecs_conformance::MockServer::start().await {
        Ok(m) => m,
        Err(e) => return tally.fail(format!("--actions: the mock did not start: {e}")),
    };
    let (url, _proxy, _stop) = super::proxy::start_intercepting(mock.url(), serves_two).await;
    let config = |url: String| suite::SuiteConfig {
        tags: Some(TAGS.into()),
        actions: Some(CLAIMED.iter().map(|a| a.to_string()).collect()),
        ..super::proxy::through(url)
    };
    match suite::run(config(url)).await {
        Ok(out) => tally.check(claims_honoured(&out.results)),
        Err(e) => tally.fail(format!("--actions: the run could not run: {e:#}")),
    }
    match suite::run(config(mock.url().to_owned())).await {
        Ok(out) => tally.check(served_anyway_is_told(&out.results)),
        Err(e) => tally.fail(format!("--actions against the mock could not run: {e:#}")),
    }
}

fn action_of(s: &ecs_conformance::results::Scenario) -> Option<&str> {
    s.tags.iter().find_map(|t| t.strip_prefix("action:"))
}

fn claims_honoured(r: &Results) -> Result<(), String> {
    let mut probed = BTreeSet::new();
    let mut claimed_passed = 0;
    for s in &r.scenarios {
        let action = action_of(s).unwrap_or_default();
        let label = s.label();
        if s.feature == PROBES {
            if s.outcome != Outcome::Passed {
                return Err(format!("--actions: the probe {label} did not pass: {s:?}"));
            }
            let format = if s.name.ends_with("(XML)") {
                "XML"
            } else {
                "JSON"
            };
            probed.insert((action.to_owned(), format));
        } else if CLAIMED.contains(&action) {
            if s.outcome != Outcome::Passed {
                return Err(format!(
                    "--actions: {label}, of a claimed action, did not pass"
                ));
            }
            claimed_passed += 1;
        } else {
            let why = s.reason.as_deref().unwrap_or_default();
            let expected =
                format!("not claimed: the target does not implement {action} (--actions)");
            if s.outcome != Outcome::NotRun || why != expected {
                return Err(format!(
                    "--actions: {label}, of an unclaimed action, is {:?} ({why:?}), not \"{expected}\"",
                    s.outcome
                ));
            }
        }
    }
    if claimed_passed == 0 {
        return Err("--actions: no scenario of a claimed action ran".into());
    }
    let each_in_both: BTreeSet<(String, &str)> = (UNCLAIMED.iter())
        .flat_map(|a| ["XML", "JSON"].map(|f| (a.to_string(), f)))
        .collect();
    if probed != each_in_both {
        return Err(format!(
            "--actions: probed {probed:?}, not each of {UNCLAIMED:?} once in each format"
        ));
    }
    if r.failed() > 0 {
        return Err(format!("--actions: {} scenarios failed", r.failed()));
    }
    let map = r.run.actions.as_deref().unwrap_or_default();
    let depth = |a: &str| map.iter().find(|l| l.action == a).map(|l| l.depth);
    for a in UNCLAIMED {
        let line = map.iter().find(|l| l.action == a);
        if line.map(|l| (l.depth, l.passed, l.failed())) != Some((Depth::NotClaimed, 2, 0)) {
            return Err(format!(
                "--actions: the depth map's line of {a} is {line:?}"
            ));
        }
    }
    if CLAIMED.iter().any(|a| depth(a) != Some(Depth::Shape)) {
        return Err("--actions: a claimed action is not mapped at the depth it ran".into());
    }
    Ok(())
}

fn served_anyway_is_told(r: &Results) -> Result<(), String> {
    let probes: Vec<_> = r.scenarios.iter().filter(|s| s.feature == PROBES).collect();
    if probes.len() != 2 * UNCLAIMED.len() {
        return Err(format!(
            "--actions against the mock: {} probes",
            probes.len()
        ));
    }
    match probes.iter().find(|s| s.outcome != Outcome::Failed) {
        Some(s) => Err(format!(
            "--actions against the mock, which serves {}: its probe is {:?}, not failed",
            action_of(s).unwrap_or_default(),
            s.outcome
        )),
        None => Ok(()),
    }
}
