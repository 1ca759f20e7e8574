//! What the benches share: the standalone mock as a child process that ends with the bench
//! whichever way the bench ends, workers that send requests back to back (the same one again, or
//! requests signed before the clock starts), and how a run is reported. A folder without
//! `main.rs`, so not a bench of its own.

#![allow(dead_code, reason = "each bench uses what it needs of these")]

use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ecs_conformance::{Call, Credentials};
use tokio::io::{AsyncBufReadExt, BufReader};

/// The line the mock prints when it listens, before its URL.
pub const LISTENING: &str = "ecs-conformance mock listening on http://";

/// The standalone mock: killed and reaped when dropped, or when a signal ends the bench.
pub struct Mock {
    pub child: Arc<Mutex<Option<Child>>>,
    pub addr: String,
    pub pid: u32,
}

pub fn end(child: &Mutex<Option<Child>>) {
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
pub fn mock_command() -> Command {
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

pub async fn start_mock() -> Result<Mock, String> {
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
        if let Some(a) = line.strip_prefix(LISTENING) {
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
pub fn end_on_signals(child: Arc<Mutex<Option<Child>>>) -> Result<(), String> {
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

pub struct Outcome {
    pub requests: usize,
    pub failures: usize,
    pub latencies: Vec<Duration>,
    pub elapsed: Duration,
    /// The run stopped early: a worker's signed requests ran out.
    pub ran_out: bool,
}

/// What a worker sends: the same request again and again, or requests signed before the run.
pub enum Requests {
    Again(Box<reqwest::Request>),
    Ready(Vec<reqwest::Request>),
}

impl Requests {
    pub fn next(&mut self) -> Option<reqwest::Request> {
        match self {
            Self::Again(r) => r.try_clone(),
            Self::Ready(list) => list.pop(),
        }
    }
}

/// Runs a worker per entry of `sources` for `seconds`, each sending its requests back to back.
pub async fn load(http: &reqwest::Client, seconds: f64, sources: Vec<Requests>) -> Outcome {
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

pub fn report(name: &str, o: &Outcome) -> f64 {
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
pub fn resident_memory(pid: u32) -> Option<String> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .map(|v| v.trim().to_owned())
}

/// The longest run: every ResetDisk is signed before it starts, and the mock refuses a
/// timestamp older than 15 minutes; memory grows with the run too.
pub const MAX_SECONDS: u64 = 60;

/// `concurrency` lists of `n` requests in all, each `call` signed anew (its own nonce) for the mock
/// at `addr`, before any clock starts.
pub fn signed(
    http: &reqwest::Client,
    credentials: &Credentials,
    addr: &str,
    call: &Call,
    n: usize,
    concurrency: usize,
) -> Result<Vec<Requests>, String> {
    let per_worker = n.div_ceil(concurrency).max(1);
    (0..concurrency)
        .map(|_| {
            (0..per_worker)
                .map(|_| {
                    let nonce = uuid::Uuid::new_v4().to_string();
                    let p =
                        call.prepare(credentials, addr, time::OffsetDateTime::now_utc(), &nonce);
                    http.get(format!("http://{addr}{}", p.path_and_query))
                        .build()
                        .map_err(|e| e.to_string())
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Requests::Ready)
        })
        .collect()
}

/// `concurrency` workers each sending `request` again and again.
pub fn again(request: &reqwest::Request, concurrency: usize) -> Result<Vec<Requests>, String> {
    (0..concurrency)
        .map(|_| {
            request
                .try_clone()
                .map(|r| Requests::Again(Box::new(r)))
                .ok_or_else(|| "the request cannot be sent again".to_owned())
        })
        .collect()
}

/// The bench's arguments after `--`: the seconds of each run (1 to [`MAX_SECONDS`]), the
/// concurrency (1 to 1,024), then the rest; `Err` says which is wrong (the bench exits 2).
pub fn arguments(default_seconds: u64) -> Result<(u64, usize, Vec<String>), String> {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let seconds = match args.first().map(|s| s.parse::<u64>()) {
        None => default_seconds,
        Some(Ok(s)) if (1..=MAX_SECONDS).contains(&s) => s,
        Some(_) => return Err(format!("SECONDS: a run lasts 1 to {MAX_SECONDS} seconds")),
    };
    let concurrency = match args.get(1).map(|s| s.parse::<usize>()) {
        None => 32,
        Some(Ok(c)) if (1..=1024).contains(&c) => c,
        Some(_) => return Err("CONCURRENCY: 1 to 1024 connections".into()),
    };
    Ok((seconds, concurrency, args.into_iter().skip(2).collect()))
}
