//! Throughput of the standalone mock over loopback: signed ResetDisk calls per second, side by
//! side with the same server answering a fixed 200 (`GET /ecs-conformance/v1`, the ceiling).
//!
//! Run: `cargo bench --bench throughput` (optionally `-- SECONDS CONCURRENCY`, default 5 and 32).
//! The load generator runs on the same machine as the server, so both share its cores; the ratio
//! between the two numbers is the meaningful figure.
//!
//! Sized by time, on any machine: the ceiling's request carries no nonce, so each worker sends the
//! same one again and again. A signed ResetDisk cannot be sent twice (the mock refuses a replayed
//! nonce), and signing costs the client more than the mock spends answering, which on shared cores
//! would be counted against the mock (docs/build.md, "The mock's request path"); so every ResetDisk
//! is signed before its clock starts, as many as the ceiling's measured rate could send in the
//! run — a signed call is more work for the same server than the fixed 200, so they last. Should
//! a worker still run out, every worker stops there and the rate is taken over the time measured:
//! no pause is measured, and nothing is counted as failed that was not sent.
//!
//! A request that fails (an error, or any status but 2xx) makes the bench exit 1 without a ratio:
//! a figure made of errors is not a measurement. The standalone mock it starts ends with it,
//! whichever way the bench ends: normally, failing, panicking, or interrupted (SIGINT, SIGTERM,
//! SIGHUP); on Linux, where `setpriv` is found, also when the bench is killed outright.

use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ecs_conformance::{Call, Credentials, Format, WireForm};
use tokio::io::{AsyncBufReadExt, BufReader};

/// The standalone mock: killed and reaped when dropped, or when a signal ends the bench.
struct Mock {
    child: Arc<Mutex<Option<Child>>>,
    addr: String,
    pid: u32,
}

fn end(child: &Mutex<Option<Child>>) {
    let mut child = child.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(mut c) = child.take() {
        let _ = c.kill();
        let _ = c.wait();
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        end(&self.child);
    }
}

/// The mock's command: under `setpriv --pdeathsig KILL` where it exists (Linux), so that the
/// kernel ends the mock if the bench dies without a chance to (SIGKILL).
fn mock_command() -> Command {
    let binary = env!("CARGO_BIN_EXE_ecs-conformance");
    let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists());
    let mut command = match setpriv {
        Some(setpriv) => {
            let mut c = Command::new(setpriv);
            c.args(["--pdeathsig", "KILL", "--", binary]);
            c
        }
        None => Command::new(binary),
    };
    command.args(["mock", "--listen", "127.0.0.1:0"]);
    command
}

async fn start_mock() -> Result<Mock, String> {
    let mut child = mock_command()
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("the ecs-conformance binary did not start: {e}"))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let pid = child.id();
    // Owned before anything can fail, so that every path below ends it.
    let mut mock = Mock {
        child: Arc::new(Mutex::new(Some(child))),
        addr: String::new(),
        pid,
    };
    let stdout = tokio::process::ChildStdout::from_std(stdout).map_err(|e| e.to_string())?;
    let mut lines = BufReader::new(stdout).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        if let Some(a) = line.strip_prefix("ecs-conformance mock listening on http://") {
            mock.addr = a.to_owned();
            break;
        }
    }
    if mock.addr.is_empty() {
        return Err("the mock exited before it listened".into());
    }
    Ok(mock)
}

/// Ends the mock and the bench on SIGINT, SIGTERM or SIGHUP.
fn end_on_signals(child: Arc<Mutex<Option<Child>>>) -> Result<(), String> {
    use tokio::signal::unix::{SignalKind, signal};
    let kinds = [
        (SignalKind::interrupt(), 130),
        (SignalKind::terminate(), 143),
        (SignalKind::hangup(), 129),
    ];
    for (kind, status) in kinds {
        let mut stream = signal(kind).map_err(|e| format!("cannot listen for signals: {e}"))?;
        let child = child.clone();
        tokio::spawn(async move {
            if stream.recv().await.is_some() {
                end(&child);
                eprintln!("interrupted: the standalone mock was ended");
                std::process::exit(status);
            }
        });
    }
    Ok(())
}

struct Outcome {
    requests: usize,
    failures: usize,
    latencies: Vec<Duration>,
    elapsed: Duration,
    /// The run stopped early: a worker's signed requests ran out.
    ran_out: bool,
}

/// What a worker sends: the same request again and again, or requests signed before the run.
enum Requests {
    Again(Box<reqwest::Request>),
    Ready(Vec<reqwest::Request>),
}

impl Requests {
    fn next(&mut self) -> Option<reqwest::Request> {
        match self {
            Self::Again(r) => r.try_clone(),
            Self::Ready(list) => list.pop(),
        }
    }
}

/// Runs a worker per entry of `sources` for `seconds`, each sending its requests back to back.
async fn load(http: &reqwest::Client, seconds: f64, sources: Vec<Requests>) -> Outcome {
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(seconds);
    let stop = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = sources
        .into_iter()
        .map(|mut requests| {
            let (http, stop) = (http.clone(), stop.clone());
            tokio::spawn(async move {
                let (mut ok, mut failed, mut latencies) = (0usize, 0usize, Vec::new());
                let mut ran_out = false;
                while Instant::now() < deadline && !stop.load(Ordering::Relaxed) {
                    let Some(request) = requests.next() else {
                        // Out of signed requests: every worker stops here, and the rate is
                        // taken over the time measured.
                        stop.store(true, Ordering::Relaxed);
                        ran_out = true;
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
                (ok, failed, latencies, ran_out, Instant::now())
            })
        })
        .collect();
    let mut outcome = Outcome {
        requests: 0,
        failures: 0,
        latencies: Vec::new(),
        elapsed: Duration::ZERO,
        ran_out: false,
    };
    let mut last = start;
    for w in workers {
        let Ok((ok, failed, latencies, ran_out, ended)) = w.await else {
            outcome.failures += 1;
            continue;
        };
        outcome.requests += ok;
        outcome.failures += failed;
        outcome.latencies.extend(latencies);
        outcome.ran_out |= ran_out;
        last = last.max(ended);
    }
    outcome.elapsed = last - start;
    outcome.latencies.sort_unstable();
    outcome
}

fn report(name: &str, o: &Outcome) -> f64 {
    let rps = o.requests as f64 / o.elapsed.as_secs_f64().max(1e-9);
    let pct = |p: f64| {
        o.latencies
            .get(((o.latencies.len() as f64 * p) as usize).min(o.latencies.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1e3)
    };
    println!(
        "{name:<28} {rps:>10.0} req/s   p50 {:.2} ms   p99 {:.2} ms   ({} ok, {} failed, {:.1} s{})",
        pct(0.50),
        pct(0.99),
        o.requests,
        o.failures,
        o.elapsed.as_secs_f64(),
        if o.ran_out {
            ": its signed requests ran out, the rate is over the time measured"
        } else {
            ""
        }
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

/// The longest run: every ResetDisk is signed before it starts, and the mock refuses a
/// timestamp older than 15 minutes; memory grows with the run too.
const MAX_SECONDS: u64 = 60;

/// The run; `Err` when it measured nothing (a request failed, or none succeeded).
async fn bench(seconds: u64, concurrency: usize) -> Result<(), String> {
    let mock = start_mock().await?;
    end_on_signals(mock.child.clone())?;
    println!(
        "standalone mock at {} (pid {}); {seconds} s per run, {concurrency} concurrent keep-alive connections, {} cores shared by client and server",
        mock.addr,
        mock.pid,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()
        .map_err(|e| e.to_string())?;
    let fixed = http
        .get(format!("http://{}/ecs-conformance/v1", mock.addr))
        .build()
        .map_err(|e| e.to_string())?;
    let credentials = Credentials::new("testid", "testsecret");
    let signed = |n: usize| -> Result<Vec<Requests>, String> {
        let per_worker = n.div_ceil(concurrency).max(1);
        (0..concurrency)
            .map(|_| {
                (0..per_worker)
                    .map(|_| {
                        let call = Call::new("ResetDisk", WireForm::V1Get, Some(Format::Xml))
                            .param("DiskId", "d-diskid1")
                            .param("SnapshotId", "s-snapshotid1");
                        let nonce = uuid::Uuid::new_v4().to_string();
                        let p = call.prepare(
                            &credentials,
                            &mock.addr,
                            time::OffsetDateTime::now_utc(),
                            &nonce,
                        );
                        http.get(format!("http://{}{}", mock.addr, p.path_and_query))
                            .build()
                            .map_err(|e| e.to_string())
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map(Requests::Ready)
            })
            .collect()
    };
    let again = || -> Result<Vec<Requests>, String> {
        (0..concurrency)
            .map(|_| {
                fixed
                    .try_clone()
                    .map(|r| Requests::Again(Box::new(r)))
                    .ok_or_else(|| "the fixed request cannot be sent again".to_owned())
            })
            .collect()
    };

    // Warm up both paths, then measure each: the ceiling first, whose rate sizes the ResetDisk
    // runs (a signed call costs the server more than the fixed 200).
    let warm = load(&http, 1.0, again()?).await;
    let per_second = warm.requests.max(1) as f64 / warm.elapsed.as_secs_f64().max(1e-3);
    load(&http, 1.0, signed(per_second.ceil() as usize)?).await;
    let ceiling_run = load(&http, seconds as f64, again()?).await;
    let ceiling = report("fixed 200 (ceiling)", &ceiling_run);
    let ready = (ceiling * seconds as f64).ceil() as usize;
    let reset_run = load(&http, seconds as f64, signed(ready)?).await;
    let resets = report("ResetDisk (signed, V1 GET)", &reset_run);
    // A figure made of failed requests measures nothing: say so and fail the bench.
    let failed = ceiling_run.failures + reset_run.failures;
    if failed > 0 || ceiling_run.requests == 0 || reset_run.requests == 0 {
        return Err(format!(
            "{failed} requests failed; these figures are not a measurement"
        ));
    }
    println!(
        "ResetDisk runs at {:.0}% of the ceiling",
        100.0 * resets / ceiling
    );
    println!(
        "mock resident memory after the runs: {}",
        resident_memory(mock.pid).unwrap_or_else(|| "unknown".into())
    );
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let seconds = match args.first().map(|s| s.parse::<u64>()) {
        None => 5,
        Some(Ok(s)) if (1..=MAX_SECONDS).contains(&s) => s,
        Some(_) => {
            eprintln!("error: SECONDS: a run lasts 1 to {MAX_SECONDS} seconds");
            return ExitCode::from(2);
        }
    };
    let concurrency = match args.get(1).map(|s| s.parse::<usize>()) {
        None => 32,
        Some(Ok(c)) if (1..=1024).contains(&c) => c,
        Some(_) => {
            eprintln!("error: CONCURRENCY: 1 to 1024 connections");
            return ExitCode::from(2);
        }
    };
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: the async runtime did not start: {e}");
            return ExitCode::FAILURE;
        }
    };
    // The mock is dropped (and ended) inside `bench`, before this returns, whichever way it ends.
    match rt.block_on(bench(seconds, concurrency)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
