//! Throughput of the standalone mock over loopback: signed ResetDisk calls per second, side by
//! side with the same server answering a fixed 200 (`GET /ecs-conformance/v1`, the ceiling).
//!
//! Run: `cargo bench --bench throughput` (optionally `-- SECONDS CONCURRENCY`, default 5 and 32).
//! The load generator runs on the same machine as the server, so both share its cores; the ratio
//! between the two numbers is the meaningful figure. So that it measures the server, the load
//! generator signs and builds every request before the clock starts (each with its own nonce):
//! signing a ResetDisk call costs the client more than the mock spends answering it, and on
//! shared cores that cost was counted against the mock (docs/build.md, "The mock's request
//! path").

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use ecs_conformance::{Call, Credentials, Format, WireForm};
use tokio::io::{AsyncBufReadExt, BufReader};

struct Mock {
    child: Child,
    addr: String,
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start_mock() -> Mock {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ecs-conformance"))
        .args(["mock", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the ecs-conformance binary starts");
    let stdout = tokio::process::ChildStdout::from_std(child.stdout.take().expect("piped stdout"))
        .expect("stdout is a pipe");
    let mut lines = BufReader::new(stdout).lines();
    let mut addr = None;
    while let Ok(Some(line)) = lines.next_line().await {
        if let Some(a) = line.strip_prefix("ecs-conformance mock listening on http://") {
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

struct Outcome {
    requests: usize,
    failures: usize,
    latencies: Vec<Duration>,
    elapsed: Duration,
}

/// Requests ready per second of the run, over all workers: above the fastest rate seen here
/// (about 25,000 per second). A worker that runs out stops early and the bench fails, rather than
/// measure a pause.
const READY_PER_SECOND: usize = 40_000;

/// The longest run: every request is signed before it starts, and the mock refuses a timestamp
/// older than 15 minutes; memory grows with the run too.
const MAX_SECONDS: u64 = 60;

/// Runs `concurrency` workers for `seconds`, each sending `make()`'s requests back to back. Every
/// request is built (and signed) before the clock starts.
async fn load<F>(addr: &str, seconds: u64, concurrency: usize, make: F) -> Outcome
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

fn report(name: &str, o: &Outcome) -> f64 {
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
fn resident_memory(pid: u32) -> Option<String> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .map(|v| v.trim().to_owned())
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let seconds = args.first().and_then(|s| s.parse().ok()).unwrap_or(5);
    if !(1..=MAX_SECONDS).contains(&seconds) {
        eprintln!("error: a run lasts 1 to {MAX_SECONDS} seconds");
        std::process::exit(2);
    }
    let concurrency = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(32);
    let rt = tokio::runtime::Runtime::new().expect("runtime starts");
    rt.block_on(async {
        let mock = start_mock().await;
        println!(
            "standalone mock at {}; {seconds} s per run, {concurrency} concurrent keep-alive connections, {} cores shared by client and server",
            mock.addr,
            std::thread::available_parallelism().map_or(0, |n| n.get())
        );
        let credentials = Credentials::new("testid", "testsecret");
        let reset = |addr: &str| {
            let call = Call::new("ResetDisk", WireForm::V1Get, Some(Format::Xml))
                .param("DiskId", "d-diskid1")
                .param("SnapshotId", "s-snapshotid1");
            let nonce = uuid::Uuid::new_v4().to_string();
            let p = call.prepare(&credentials, addr, time::OffsetDateTime::now_utc(), &nonce);
            (format!("http://{addr}{}", p.path_and_query), reqwest::Method::GET)
        };
        let fixed = |addr: &str| (format!("http://{addr}/ecs-conformance/v1"), reqwest::Method::GET);

        // Warm up both paths, then measure each.
        load(&mock.addr, 1, concurrency, fixed).await;
        load(&mock.addr, 1, concurrency, &reset).await;
        let ceiling_run = load(&mock.addr, seconds, concurrency, fixed).await;
        let ceiling = report("fixed 200 (ceiling)", &ceiling_run);
        let reset_run = load(&mock.addr, seconds, concurrency, &reset).await;
        let resets = report("ResetDisk (signed, V1 GET)", &reset_run);
        // A figure made of failed requests measures nothing: say so and fail the bench.
        if ceiling_run.failures + reset_run.failures > 0 || ceiling_run.requests == 0 || reset_run.requests == 0 {
            eprintln!("error: requests failed; these figures are not a measurement");
            std::process::exit(1);
        }
        println!("ResetDisk runs at {:.0}% of the ceiling", 100.0 * resets / ceiling);
        println!(
            "mock resident memory after the runs: {}",
            resident_memory(mock.child.id()).unwrap_or_else(|| "unknown".into())
        );
    });
}
