//! Discovery at scale: `run --world discover --allow-destructive` against the mock holding an
//! account of N instances, each with a disk and a snapshot, every other trio tagged disposable,
//! half of the instances Running, and an Available disk with its snapshot per four instances
//! (`tests/discover/large_account.rs`).
//!
//! Run: `cargo bench --bench discover` measures two accounts in one run, 2,000 and 20,000
//! instances (7,000 and 70,000 resources), and prints the ratio of their times beside the ratio of
//! their sizes: discovery must grow with the account, not its square. `-- INSTANCES…` measures the
//! sizes given instead (`-- 20000`: that one alone).
//!
//! It exits 1 when a figure is not a measurement or the growth is too steep: a run that failed, a
//! scenario that failed, none passed, any call of any run that got no answer (from the endpoint,
//! or unheard while the harness itself stalled), fewer passed at a larger size than at a smaller one, or times
//! growing more than 1.5 times faster than the sizes.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use ecs_conformance::suite::{self, SuiteConfig, Target, WorldMode};
use ecs_conformance::{Credentials, MockConfig, MockServer};

#[path = "../tests/discover/large_account.rs"]
mod large_account;
use large_account::account;

/// The sizes measured when none is given.
const SIZES: [usize; 2] = [2_000, 20_000];

/// How much faster than the account the time may grow: ratio of times ≤ 1.5 × ratio of sizes.
const STEEPEST: f64 = 1.5;

/// One size's run.
struct Measured {
    instances: usize,
    elapsed: Duration,
    passed: usize,
    failed: usize,
    /// Scenarios with a call that got no answer: left unjudged by the endpoint, or not run because
    /// the harness itself stalled while it waited.
    unanswered: usize,
}

/// The peak resident memory of this process so far (mock included), where Linux tells it.
fn peak_rss() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(format!(", peak {} MB so far", kib / 1024))
}

async fn measure(instances: usize) -> Result<Measured, String> {
    let world = account(instances);
    let resources = world.instances.len() + world.disks.len() + world.snapshots.len();
    let mock = MockServer::start_with(MockConfig {
        world,
        ..MockConfig::default()
    })
    .await
    .map_err(|e| format!("the mock did not start: {e}"))?;
    let mut config = SuiteConfig {
        target: Target::Endpoint {
            url: mock.url().to_owned(),
            credentials: Credentials::new("testid", "testsecret"),
        },
        progress: false,
        world: WorldMode::Discover,
        ..SuiteConfig::default()
    };
    config.discover.allow_destructive = true;
    let started = Instant::now();
    let out = suite::run(config)
        .await
        .map_err(|e| format!("the run over {instances} instances failed: {e}"))?;
    let elapsed = started.elapsed();
    let r = &out.results;
    // Either way a call timed out, and the time is no measurement.
    let unanswered = r.unanswered() + r.harness_stalled().0;
    println!(
        "discover over {resources} resources ({instances} instances): {:.2} s for {} scenarios: {} passed, {} failed, {} not run, {unanswered} with a call that got no answer; the runner stalled at most {} ms{}",
        elapsed.as_secs_f64(),
        r.scenarios.len(),
        r.passed(),
        r.failed(),
        r.not_run(),
        out.longest_stall.as_millis(),
        peak_rss().unwrap_or_default()
    );
    if r.failed() > 0 || r.passed() == 0 || unanswered > 0 {
        eprint!("{}", ecs_conformance::report::summary(r));
    }
    Ok(Measured {
        instances,
        elapsed,
        passed: r.passed(),
        failed: r.failed(),
        unanswered,
    })
}

fn main() -> ExitCode {
    let given: Vec<usize> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if given.is_empty() {
        SIZES.to_vec()
    } else {
        given
    };
    let runtime = tokio::runtime::Runtime::new().expect("the async runtime starts");
    let mut runs = Vec::new();
    for &n in &sizes {
        match runtime.block_on(measure(n)) {
            Ok(m) => runs.push(m),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let mut problems = Vec::new();
    for m in &runs {
        if m.failed > 0 || m.passed == 0 {
            problems.push(format!(
                "{} instances: {} failed, {} passed",
                m.instances, m.failed, m.passed
            ));
        }
        if m.unanswered > 0 {
            problems.push(format!(
                "{} instances: {} scenarios had a call that got no answer",
                m.instances, m.unanswered
            ));
        }
    }
    for pair in runs.windows(2) {
        let (small, large) = (&pair[0], &pair[1]);
        let sizes = large.instances as f64 / small.instances as f64;
        let times = large.elapsed.as_secs_f64() / small.elapsed.as_secs_f64().max(1e-3);
        println!(
            "{} → {} instances: sizes ×{sizes:.1}, times ×{times:.1} (at most ×{:.1}); passed {} → {}",
            small.instances,
            large.instances,
            STEEPEST * sizes,
            small.passed,
            large.passed
        );
        if sizes > 1.0 && times > STEEPEST * sizes {
            problems.push(format!(
                "the time grew ×{times:.1} for an account ×{sizes:.1}: more than ×{:.1}",
                STEEPEST * sizes
            ));
        }
        if sizes > 1.0 && large.passed < small.passed {
            problems.push(format!(
                "{} passed at {} instances, fewer than {} at {}",
                large.passed, large.instances, small.passed, small.instances
            ));
        }
    }
    for p in &problems {
        eprintln!("✘ {p}");
    }
    if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
