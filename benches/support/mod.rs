//! What the benches share: the standalone mock as a child process, a load of requests prepared
//! before the clock starts, and how a run is reported. A folder without `main.rs`, so not a bench
//! of its own.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, BufReader};

pub struct Mock {
    pub child: Child,
    pub addr: String,
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The line the mock prints when it listens, before its URL.
pub const LISTENING: &str = "ecs-conformance mock listening on http://";

/// `ecs-conformance mock` on a free loopback port, its stdout piped.
pub fn spawn_mock() -> Child {
    Command::new(env!("CARGO_BIN_EXE_ecs-conformance"))
        .args(["mock", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the ecs-conformance binary starts")
}

/// Starts `ecs-conformance mock` on a free loopback port and waits for its listening line.
pub async fn start_mock() -> Mock {
    let mut child = spawn_mock();
    let stdout = tokio::process::ChildStdout::from_std(child.stdout.take().expect("piped stdout"))
        .expect("stdout is a pipe");
    let mut lines = BufReader::new(stdout).lines();
    let mut addr = None;
    while let Ok(Some(line)) = lines.next_line().await {
        if let Some(a) = line.strip_prefix(LISTENING) {
            addr = Some(a.to_owned());
            break;
        }
    }
    // Built before the check so that Drop reaps the child on the failure path too.
    let mock = Mock {
        child,
        addr: addr.unwrap_or_default(),
    };
    assert!(!mock.addr.is_empty(), "the mock exited before it listened");
    mock
}

/// The bench's arguments after `--`: the seconds of each run (1 to [`MAX_SECONDS`], else exit 2),
/// the concurrency, then the rest.
pub fn arguments(default_seconds: u64) -> (u64, usize, Vec<String>) {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let seconds = args
        .first()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default_seconds);
    if !(1..=MAX_SECONDS).contains(&seconds) {
        eprintln!("error: a run lasts 1 to {MAX_SECONDS} seconds");
        std::process::exit(2);
    }
    let concurrency = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(32);
    (seconds, concurrency, args.into_iter().skip(2).collect())
}

pub struct Outcome {
    pub requests: usize,
    pub failures: usize,
    pub latencies: Vec<Duration>,
    pub elapsed: Duration,
}

/// Requests ready per second of the run, over all workers: above the fastest rate seen here
/// (about 25,000 per second). A worker that runs out stops early and the bench fails, rather than
/// measure a pause.
pub const READY_PER_SECOND: usize = 40_000;

/// The longest run: every request is signed before it starts, and the mock refuses a timestamp
/// older than 15 minutes; memory grows with the run too.
pub const MAX_SECONDS: u64 = 60;

/// Runs `concurrency` workers for `seconds`, each sending `make()`'s requests back to back. Every
/// request is built (and signed) before the clock starts.
pub async fn load<F>(addr: &str, seconds: u64, concurrency: usize, make: F) -> Outcome
where
    F: Fn(&str) -> (String, reqwest::Method),
{
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()
        .expect("client builds");
    let per_worker = (READY_PER_SECOND * seconds as usize).div_ceil(concurrency);
    let ready: Vec<Vec<reqwest::Request>> = (0..concurrency)
        .map(|_| {
            (0..per_worker)
                .map(|_| {
                    let (target, method) = make(addr);
                    http.request(method, target)
                        .build()
                        .expect("the request builds")
                })
                .collect()
        })
        .collect();
    let start = Instant::now();
    let deadline = start + Duration::from_secs(seconds);
    let workers: Vec<_> = ready
        .into_iter()
        .map(|mut requests| {
            let http = http.clone();
            tokio::spawn(async move {
                let (mut ok, mut failed, mut latencies) = (0usize, 0usize, Vec::new());
                while Instant::now() < deadline {
                    let Some(request) = requests.pop() else {
                        // Ran out of ready requests: counted as a failure, so the bench fails.
                        failed += 1;
                        break;
                    };
                    let sent = Instant::now();
                    match http.execute(request).await {
                        Ok(r) if r.status().is_success() => {
                            let _ = r.bytes().await;
                            ok += 1;
                        }
                        _ => failed += 1,
                    }
                    latencies.push(sent.elapsed());
                }
                (ok, failed, latencies)
            })
        })
        .collect();
    let mut outcome = Outcome {
        requests: 0,
        failures: 0,
        latencies: Vec::new(),
        elapsed: Duration::ZERO,
    };
    for w in workers {
        let (ok, failed, latencies) = w.await.expect("worker finishes");
        outcome.requests += ok;
        outcome.failures += failed;
        outcome.latencies.extend(latencies);
    }
    outcome.elapsed = start.elapsed();
    outcome.latencies.sort_unstable();
    outcome
}

pub fn report(name: &str, o: &Outcome) -> f64 {
    let rps = o.requests as f64 / o.elapsed.as_secs_f64();
    let pct = |p: f64| {
        o.latencies
            .get(((o.latencies.len() as f64 * p) as usize).min(o.latencies.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1e3)
    };
    println!(
        "{name:<28} {rps:>10.0} req/s   p50 {:.2} ms   p99 {:.2} ms   ({} ok, {} failed, {:.1} s)",
        pct(0.50),
        pct(0.99),
        o.requests,
        o.failures,
        o.elapsed.as_secs_f64()
    );
    rps
}

/// `VmRSS` of a process, from /proc (Linux).
pub fn resident_memory(pid: u32) -> Option<String> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .map(|v| v.trim().to_owned())
}
