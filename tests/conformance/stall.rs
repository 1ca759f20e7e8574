//! The runner's own stalls (issue 27): its CPU work never starves its calls, and when the runner
//! does stall, a call whose timeout elapsed meanwhile is the harness's stall — not run, with its
//! length — never "the endpoint stopped answering".
//!
//! 1. A large account (`tests/discover/large_account.rs`, 5,000 instances: 17,500 resources)
//!    discovered and matched with a 2 s `--timeout`: every call is answered, and as many scenarios
//!    pass as on a small account.
//! 2. A runner blocked on purpose for longer than `--timeout` while a call waits (a relay in front
//!    of the mock holds the first ECS call back and has the runner's only thread put to sleep): the
//!    call is not run for the harness's stall of about that length; the endpoint is not said to
//!    have stopped answering, and the run does not fail.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use ecs_conformance::suite::{self, SuiteConfig, Target, WorldMode};
use ecs_conformance::{Credentials, MockConfig, MockServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::Tally;
use crate::large_account::account;

fn endpoint(url: &str) -> Target {
    Target::Endpoint {
        url: url.to_owned(),
        credentials: Credentials::new("testid", "testsecret"),
    }
}

/// A discover run over an account of `instances`, with a 2 s timeout.
async fn discover(instances: usize) -> Result<suite::RunOutput, String> {
    let mock = MockServer::start_with(MockConfig {
        world: account(instances),
        ..MockConfig::default()
    })
    .await
    .map_err(|e| format!("the mock did not start: {e}"))?;
    let mut config = SuiteConfig {
        target: endpoint(mock.url()),
        progress: false,
        world: WorldMode::Discover,
        timeout: Duration::from_secs(2),
        ..SuiteConfig::default()
    };
    config.discover.allow_destructive = true;
    suite::run(config)
        .await
        .map_err(|e| format!("the run over {instances} instances: {e}"))
}

/// 1. No call of a run over a large account times out while the endpoint answers.
pub async fn a_large_account_gets_every_answer(tally: &mut Tally) {
    let (small, large) = match (discover(200).await, discover(5_000).await) {
        (Ok(small), Ok(large)) => (small, large),
        (Err(e), _) | (_, Err(e)) => return tally.fail(e),
    };
    let r = &large.results;
    let (stalled, longest) = r.harness_stalled();
    if r.unanswered() == 0
        && stalled == 0
        && r.failed() == 0
        && r.passed() >= small.results.passed()
        && r.passed() > 0
    {
        tally.pass();
        println!(
            "stall: 17,500 resources, --timeout 2 s: every call answered; {} passed (as on 700), {} not run in {:.1} s; the runner stalled at most {} ms",
            r.passed(),
            r.not_run(),
            r.run.duration_ms as f64 / 1e3,
            large.longest_stall.as_millis()
        );
    } else {
        tally.fail(format!(
            "on a large account every call must be answered and as many scenarios pass as on a small one ({}); got {} passed, {} failed, {} unjudged, {stalled} not run for the harness's stall (longest {longest:?}):\n{}",
            small.results.passed(),
            r.passed(),
            r.failed(),
            r.unanswered(),
            ecs_conformance::report::summary(r)
        ));
    }
}

/// How long the runner is blocked: well over the run's `--timeout`.
const BLOCK: Duration = Duration::from_millis(3_000);
const TIMEOUT: Duration = Duration::from_secs(1);

/// A relay to `upstream` on loopback that, at the first ECS call (`Action=`, or V3's
/// `x-acs-action`), tells `stall` and holds the call back a moment, so that the runner is blocked
/// while the call waits; everything else passes through untouched.
async fn relay(upstream: String, stall: Arc<tokio::sync::Notify>) -> std::io::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let upstream = upstream.trim_start_matches("http://").to_owned();
    let fired = Arc::new(AtomicBool::new(false));
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let Ok(server) = tokio::net::TcpStream::connect(&upstream).await else {
                continue;
            };
            let (stall, fired) = (stall.clone(), fired.clone());
            tokio::spawn(async move {
                let (mut from_client, mut to_client) = client.into_split();
                let (mut from_server, mut to_server) = server.into_split();
                tokio::spawn(async move {
                    let _ = tokio::io::copy(&mut from_server, &mut to_client).await;
                });
                let mut buf = vec![0; 64 * 1024];
                while let Ok(n @ 1..) = from_client.read(&mut buf).await {
                    let chunk = &buf[..n];
                    let ecs = |needle: &[u8]| chunk.windows(needle.len()).any(|w| w == needle);
                    if (ecs(b"Action=") || ecs(b"x-acs-action"))
                        && !fired.swap(true, Ordering::SeqCst)
                    {
                        stall.notify_one();
                        tokio::time::sleep(Duration::from_millis(300)).await;
                    }
                    if to_server.write_all(chunk).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    Ok(url)
}

/// 2. A runner blocked for longer than `--timeout` while a call waits.
pub async fn a_stalled_runner_is_not_the_endpoint_s_silence(tally: &mut Tally) {
    let mock = match MockServer::start().await {
        Ok(mock) => mock,
        Err(e) => return tally.fail(format!("the mock did not start: {e}")),
    };
    let stall = Arc::new(tokio::sync::Notify::new());
    let url = match relay(mock.url().to_owned(), stall.clone()).await {
        Ok(url) => url,
        Err(e) => return tally.fail(format!("the relay did not start: {e}")),
    };
    // The runner on a runtime of its own, one thread, which the relay's signal puts to sleep: the
    // mock and the relay go on answering on this runtime's threads.
    let config = SuiteConfig {
        target: endpoint(&url),
        progress: false,
        tags: Some("@wire-forms".into()),
        concurrency: Some(1),
        timeout: TIMEOUT,
        ..SuiteConfig::default()
    };
    let ran = tokio::task::spawn_blocking(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        runtime.block_on(async move {
            tokio::spawn(async move {
                stall.notified().await;
                // Blocks the runner's only thread, as CPU work on it would.
                std::thread::sleep(BLOCK);
            });
            suite::run(config).await.map_err(|e| e.to_string())
        })
    })
    .await;
    let out = match ran {
        Ok(Ok(out)) => out,
        Ok(Err(e)) => return tally.fail(format!("the stalled run: {e}")),
        Err(e) => return tally.fail(format!("the stalled run panicked: {e}")),
    };
    let r = &out.results;
    let summary = ecs_conformance::report::summary(r);
    let (stalled, longest) = r.harness_stalled();
    let figure = format!("{:.1} s", longest.as_secs_f64());
    let mut wrong = Vec::new();
    if stalled == 0 || longest < BLOCK - Duration::from_millis(100) {
        wrong.push(format!(
            "a call that waited through the {BLOCK:?} block must be not run for the harness's stall of about that length; {stalled} were, longest {longest:?}"
        ));
    }
    if !summary.contains("Harness stalled (") || !summary.contains(&figure) {
        wrong.push(format!(
            "the summary must name the stall and its length ({figure})"
        ));
    }
    if summary.contains("stopped answering") || r.unanswered() > 0 || r.no_answer() > 0 {
        wrong.push("the endpoint must not be said to have stopped answering".into());
    }
    if r.failed() > 0 || r.passed() == 0 || r.exit_status() != 0 {
        wrong.push(format!(
            "the run must not fail against the target: {} passed, {} failed, exit {}",
            r.passed(),
            r.failed(),
            r.exit_status()
        ));
    }
    if let Err(e) = crate::rejudge::follows(&out, "a stalled runner") {
        wrong.push(e);
    }
    let results = out.results.clone();
    let recorded = results.scenarios.iter().find(|s| s.stalled_ms.is_some());
    if !recorded.is_some_and(|s| {
        s.outcome == ecs_conformance::results::Outcome::NotRun
            && s.cause == Some(ecs_conformance::results::Cause::HarnessStall)
    }) {
        wrong.push("results.json must say not-run, cause harness-stall, with stalled_ms".into());
    }
    if wrong.is_empty() {
        tally.pass();
        println!(
            "stall: the runner blocked {:.1} s (--timeout {} s): {stalled} not run for the harness's stall of {figure}, {} passed, exit 0; {}",
            BLOCK.as_secs_f64(),
            TIMEOUT.as_secs(),
            r.passed(),
            summary
                .lines()
                .find(|l| l.contains(" scenarios: "))
                .unwrap_or_default()
        );
    } else {
        tally.fail(format!("a stalled runner: {}\n{summary}", wrong.join("; ")));
    }
}
