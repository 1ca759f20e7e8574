//! Safe on real accounts (docs/choices.md): the generated scenarios run without a control API
//! (`--world none`) through a proxy that records every ECS request the mock receives. No action
//! the metadata says changes state is sent a complete request (every required parameter given)
//! without `DryRun=true`; the probes that could change the account are reported not run, saying
//! so; and the same selection against the control API runs them all, so the rule is the seam's,
//! not scenarios lost. The predicate here is the property itself, read from the metadata, not
//! the runner's rule.

use std::sync::Mutex;

use ecs_conformance::Params;
use ecs_conformance::metadata;
use ecs_conformance::results::Outcome;
use ecs_conformance::suite::{self, WorldMode};

use super::proxy::{Exchange, Rewritten};

/// The common parameters of a V1 request, left out of what a failure shows.
const COMMON: [&str; 9] = [
    "AccessKeyId",
    "Action",
    "Format",
    "Signature",
    "SignatureMethod",
    "SignatureNonce",
    "SignatureVersion",
    "Timestamp",
    "Version",
];

/// Every ECS request the recording proxy forwarded: action and parameters.
static SEEN: Mutex<Vec<(String, Params)>> = Mutex::new(Vec::new());

fn record(ex: &Exchange) -> Option<Rewritten> {
    (SEEN.lock().unwrap_or_else(|p| p.into_inner())).push((ex.action.clone(), ex.params.clone()));
    None
}

/// Whether `params` is a complete request of an action that changes state, without a dry run.
fn complete_change(action: &str, params: &Params) -> bool {
    let Some(a) = metadata::action(action) else {
        return false;
    };
    let reads = match a.operation_type.as_deref() {
        Some("get" | "list") => true,
        Some("none") => a.name.starts_with("Describe"),
        _ => false,
    };
    let given = |name: &str| {
        params.get(name).is_some_and(|v| !v.is_empty())
            || params.under(name).any(|(_, v)| !v.is_empty())
    };
    let dry_run = params
        .get("DryRun")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    !reads
        && !dry_run
        && a.parameters
            .iter()
            .all(|p| !p.schema.required || given(&p.name))
}

pub async fn no_generated_probe_changes_an_account(tally: &mut super::Tally) {
    tally.check(checks().await);
}

async fn checks() -> Result<(), String> {
    let mock = ecs_conformance::MockServer::start()
        .await
        .map_err(|e| format!("the mock did not start: {e}"))?;
    let (url, _proxy, _stop) = super::proxy::start_intercepting(mock.url(), record).await;
    let shape = |world| suite::SuiteConfig {
        tags: Some("@shape".into()),
        world,
        ..super::proxy::through(url.clone())
    };
    SEEN.lock().unwrap_or_else(|p| p.into_inner()).clear();
    let none = suite::run(shape(WorldMode::None))
        .await
        .map_err(|e| format!("the run without a control API could not run: {e:#}"))?;
    let seen = std::mem::take(&mut *SEEN.lock().unwrap_or_else(|p| p.into_inner()));
    let sent: Vec<String> = (seen.iter())
        .filter(|(a, p)| complete_change(a, p))
        // The action and the names it was given: no signature in a message.
        .map(|(a, p)| {
            let names: Vec<&str> = (p.iter().map(|(k, _)| k))
                .filter(|k| !COMMON.contains(k))
                .collect();
            format!("{a} with {}", names.join(", "))
        })
        .collect();
    if !sent.is_empty() {
        return Err(format!(
            "without a control API, {} complete requests of actions that change state were sent \
             without DryRun=true, e.g. {:.300}",
            sent.len(),
            sent[0]
        ));
    }
    let changes_sent = (seen.iter())
        .filter(|(a, _)| metadata::action(a).is_some_and(|m| !metadata::probe::reads(m)))
        .count();
    let could_change: Vec<_> = (none.results.scenarios.iter())
        .filter(|s| s.tags.iter().any(|t| t == "could-change"))
        .collect();
    let unsaid = (could_change.iter())
        .filter(|s| {
            s.outcome != Outcome::NotRun
                || !s
                    .reason
                    .as_deref()
                    .is_some_and(|r| r.contains("could change the account"))
        })
        .count();
    if could_change.len() < 100 || unsaid > 0 || changes_sent < 100 {
        return Err(format!(
            "without a control API: {} scenarios tagged could-change, {unsaid} of them not \
             reported \"not run: could change the account\"; {changes_sent} safe calls of actions \
             that change state were sent (dry runs, a resource omitted)",
            could_change.len()
        ));
    }
    let control = suite::run(shape(WorldMode::Control))
        .await
        .map_err(|e| format!("the run with the control API could not run: {e:#}"))?;
    let not_run = (control.results.scenarios.iter())
        .filter(|s| s.outcome != Outcome::Passed)
        .count();
    if not_run > 0 || control.results.scenarios.len() != none.results.scenarios.len() {
        return Err(format!(
            "with the control API, {not_run} of the generated scenarios did not pass"
        ));
    }
    println!(
        "safe without a control API: {} generated scenarios, {} not run as could-change, {} \
         calls of actions that change state sent (each a dry run or without its resource), none \
         complete",
        none.results.scenarios.len(),
        could_change.len(),
        changes_sent
    );
    Ok(())
}
