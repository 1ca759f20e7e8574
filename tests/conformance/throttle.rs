//! Throttling the scenario did not ask for is infrastructure, not conformance: retried with
//! back-off (honouring `x-acs-retry-after`), then reported "not run: throttled" — never failed,
//! never passed. Proven through the proxy, on the mock behind it:
//! - each key pair's first ResetDisk throttled once: every scenario still passes (retried), but
//!   those whose first ResetDisk cannot be sent again unchanged (a replay, calls at once);
//! - every ResetDisk throttled (the preconditions, all ResetDisk), with an `x-acs-retry-after`
//!   shorter than the runner's own back-off: all not run, saying "throttled"; none fails.
//!
//! Scenarios that inject faults expect what they inject and are left alone by both rewrites.

use std::collections::HashSet;
use std::sync::Mutex;

use ecs_conformance::MockServer;
use ecs_conformance::results::Outcome;
use ecs_conformance::suite;

use super::proxy::{self, Exchange, Intercept, Rewritten};

/// Key pairs whose first ResetDisk was already throttled.
static SEEN: Mutex<Option<HashSet<String>>> = Mutex::new(None);

/// The gateway's answer: the request never reaches the service.
fn throttling(retry_after: Option<&str>) -> Rewritten {
    Rewritten {
        status: 400,
        content_type: "application/json;charset=utf-8".into(),
        body: r#"{"RequestId":"7A1B4A8E-0000-4000-8000-000000000000","HostId":"ecs.aliyuncs.com","Code":"Throttling.User","Message":"Request was denied due to user flow control."}"#.into(),
        retry_after: retry_after.map(str::to_owned),
    }
}

/// A ResetDisk in a world that injects no fault.
fn in_scope(ex: &Exchange) -> bool {
    ex.action == "ResetDisk" && ex.world.as_ref().is_none_or(|w| w.faults.is_empty())
}

fn once(ex: &Exchange) -> Option<Rewritten> {
    if !in_scope(ex) {
        return None;
    }
    let mut seen = SEEN.lock().unwrap_or_else(|p| p.into_inner());
    let first = seen
        .get_or_insert_with(HashSet::new)
        .insert(ex.access_key_id.clone());
    first.then(|| throttling(None))
}

fn always(ex: &Exchange) -> Option<Rewritten> {
    in_scope(ex).then(|| throttling(Some("10")))
}

async fn run_through(
    mock: &MockServer,
    intercept: Intercept,
    tags: Option<&str>,
) -> Result<suite::RunOutput, String> {
    let (url, _proxy, _stop) = proxy::start_intercepting(mock.url(), intercept).await;
    let mut config = proxy::through(url);
    config.tags = tags.map(str::to_owned);
    suite::run(config).await.map_err(|e| e.to_string())
}

/// Every scenario not run is one whose throttled call could not be sent again unchanged: a
/// replay (its nonce is given) or calls at once.
fn only_unretryable(out: &suite::RunOutput) -> bool {
    out.results
        .scenarios
        .iter()
        .all(|r| match (r.outcome, r.cause) {
            (Outcome::NotRun, None) => (r.reason.as_deref())
                .is_some_and(|why| why.contains("after 0 retries") || why.contains("at once")),
            _ => true,
        })
}

fn reasons_all_throttled(out: &suite::RunOutput) -> bool {
    out.results
        .scenarios
        .iter()
        .all(|r| match (r.outcome, r.cause) {
            (Outcome::NotRun, None) => {
                (r.reason.as_deref()).is_some_and(|why| why.starts_with("throttled"))
            }
            _ => true,
        })
}

pub async fn throttling_is_not_conformance() -> super::Tally {
    let mut tally = super::Tally::default();
    let Ok(mock) = MockServer::start().await else {
        tally.fail("throttle: the mock did not start".into());
        return tally;
    };
    // Throttling is the gateway's, alike for every action: the hand-written scenarios prove it
    // (the generated thousand add only time, and load that made the proxy's preflight time out).
    match run_through(&mock, once, Some("not @shape")).await {
        Ok(out) => {
            let r = &out.results;
            let throttled = SEEN
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .as_ref()
                .map_or(0, HashSet::len);
            let line = format!(
                "throttled once per key pair ({throttled} key pairs): {} passed, {} failed, {} not run",
                r.passed(),
                r.failed(),
                r.not_run()
            );
            if r.failed() == 0
                && throttled > 50
                && reasons_all_throttled(&out)
                && only_unretryable(&out)
            {
                println!("throttle: {line}");
                tally.pass();
            } else {
                tally.fail(format!(
                    "throttle: {line}\n{}",
                    ecs_conformance::report::summary(r)
                ));
            }
        }
        Err(e) => tally.fail(format!("throttle: the run through the proxy failed: {e}")),
    }
    // Each throttled scenario waits 1 + 2 + 4 + 8 s: the preconditions are enough to show it.
    match run_through(&mock, always, Some("@preconditions")).await {
        Ok(out) => {
            let r = &out.results;
            let line = format!(
                "always throttled: {} passed, {} failed, {} not run",
                r.passed(),
                r.failed(),
                r.not_run()
            );
            if r.failed() == 0
                && r.passed() == 0
                && r.not_run() + r.of_other_editions() == r.scenarios.len()
                && reasons_all_throttled(&out)
            {
                println!("throttle: {line}");
                tally.pass();
            } else {
                tally.fail(format!(
                    "throttle: {line}\n{}",
                    ecs_conformance::report::summary(r)
                ));
            }
        }
        Err(e) => tally.fail(format!("throttle: the run through the proxy failed: {e}")),
    }
    tally
}
