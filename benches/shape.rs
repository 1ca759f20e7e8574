//! The mock with the whole API metadata (issue 30's targets, docs/build.md "The mock with every
//! action"): how long `ecs-conformance mock` takes to print its listening line; how much memory it
//! holds once every action of the metadata was called in both formats (each compiled, every read
//! answered); and what a call of the generic handler costs, beside ResetDisk and the fixed 200:
//! with one parameter (DescribeZones, the size of a ResetDisk call) and with twelve (the
//! gateway's own work — parsing, the string to sign — grows with the request's length).
//!
//! Run: `cargo bench --bench shape` (optionally `-- SECONDS CONCURRENCY STARTS`, default 3, 32
//! and 10), or with the dev binary `cargo bench --profile dev --bench shape`, which is what `cargo
//! run -- mock` starts. It prints the figures beside the targets (0.5 s, 100 MB) and fails only
//! when a request fails: how fast a machine is decides no verdict here.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{ExitCode, Stdio};
use std::time::{Duration, Instant};

use ecs_conformance::{Call, Client, Credentials, Format, WireForm};
use support::{LISTENING, end_on_signals, load, report, resident_memory, start_mock};

/// The time from spawning `ecs-conformance mock` to its listening line.
fn start_up() -> Duration {
    let started = Instant::now();
    let mut child = support::mock_command()
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the ecs-conformance binary starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let listening = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .any(|l| l.starts_with(LISTENING));
    let took = started.elapsed();
    let _ = child.kill();
    let _ = child.wait();
    assert!(listening, "the mock exited before it listened");
    took
}

/// A call of the generic handler with twelve typed parameters: strings, a repeated list, an
/// enum, integers and numbers with bounds. A read, answered from its schema.
fn instance_types() -> Call {
    let mut call = Call::new("DescribeInstanceTypes", WireForm::V1Get, Some(Format::Xml))
        .param("InstanceTypeFamily", "ecs.g6")
        .param("CpuArchitecture", "X86")
        .param("MinimumCpuCoreCount", "2")
        .param("MaximumCpuCoreCount", "64")
        .param("MinimumMemorySize", "4.5")
        .param("MaximumMemorySize", "256")
        .param("MaxResults", "100");
    for (i, t) in [
        "ecs.g6.large",
        "ecs.g6.xlarge",
        "ecs.c6.large",
        "ecs.r6.large",
        "ecs.g7.large",
    ]
    .iter()
    .enumerate()
    {
        call = call.param(format!("InstanceTypes.{}", i + 1), *t);
    }
    call
}

fn main() -> ExitCode {
    let (seconds, concurrency, rest) = match support::arguments(3) {
        Ok(args) => args,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let starts: usize = rest
        .first()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10)
        .max(1);

    let mut times: Vec<Duration> = (0..starts).map(|_| start_up()).collect();
    times.sort_unstable();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "start-up to the listening line, {starts} starts: median {:.1} ms, min {:.1} ms, max {:.1} ms (target: 500 ms)",
        ms(times[times.len() / 2]),
        ms(times[0]),
        ms(times[times.len() - 1])
    );

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

/// Memory with every action called, then the generic handler's cost beside ResetDisk's.
async fn bench(seconds: u64, concurrency: usize) -> Result<(), String> {
    let mock = start_mock().await?;
    end_on_signals(mock.child.clone())?;
    let rss = || resident_memory(mock.pid).unwrap_or_else(|| "unknown".into());
    println!("resident memory when listening: {}", rss());
    let url = format!("http://{}", mock.addr);
    let client = Client::new(&url, Credentials::new("testid", "testsecret"))
        .map_err(|e| format!("a client of the mock: {e}"))?;
    let (mut answered, mut failed) = (0, 0);
    for name in ecs_conformance::metadata::names() {
        for format in Format::BOTH {
            let call = Call::new(name, WireForm::V1Get, Some(format))
                .param("RegionId", "cn-hangzhou")
                .param("InstanceId", "i-instance1");
            match client.send(&call).await {
                Ok(r) if r.status < 500 => answered += 1,
                _ => failed += 1,
            }
        }
    }
    println!(
        "resident memory once all {} actions of the metadata were called in both formats: {} (target: 100 MB)",
        answered / 2,
        rss()
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
    let signed = |call: &Call, n: usize| {
        support::signed(&http, &credentials, &mock.addr, call, n, concurrency)
    };
    let reset = Call::new("ResetDisk", WireForm::V1Get, Some(Format::Xml))
        .param("DiskId", "d-diskid1")
        .param("SnapshotId", "s-snapshotid1");
    let zones = Call::new("DescribeZones", WireForm::V1Get, Some(Format::Xml))
        .param("RegionId", "cn-hangzhou");
    let generic = instance_types();

    // Warm up, then the ceiling first: its rate sizes the signed runs (a signed call costs the
    // server more than the fixed 200, so they last).
    let warm = load(&http, 1.0, support::again(&fixed, concurrency)?).await;
    let per_second = warm.requests.max(1) as f64 / warm.elapsed.as_secs_f64().max(1e-3);
    load(&http, 1.0, signed(&generic, per_second.ceil() as usize)?).await;
    let ceiling = load(&http, seconds as f64, support::again(&fixed, concurrency)?).await;
    let ready = (report("fixed 200 (ceiling)", &ceiling) * seconds as f64).ceil() as usize;
    let runs = [
        ("fixed 200 (ceiling)", ceiling),
        (
            "ResetDisk (2 parameters)",
            load(&http, seconds as f64, signed(&reset, ready)?).await,
        ),
        (
            "generic read (1 parameter)",
            load(&http, seconds as f64, signed(&zones, ready)?).await,
        ),
        (
            "generic read (12 parameters)",
            load(&http, seconds as f64, signed(&generic, ready)?).await,
        ),
    ];
    let rates: Vec<f64> = runs[1..].iter().map(|(name, o)| report(name, o)).collect();
    let ceiling_rate = runs[0].1.requests as f64 / runs[0].1.elapsed.as_secs_f64().max(1e-9);
    if failed > 0 || runs.iter().any(|(_, o)| o.failures > 0 || o.requests == 0) {
        return Err("requests failed; these figures are not a measurement".into());
    }
    println!(
        "per call, beyond the ceiling's: ResetDisk {:.1} µs, the generic read of 1 parameter {:.1} µs, of 12 {:.1} µs (at {concurrency} concurrent, on the cores the load shares)",
        1e6 / rates[0] - 1e6 / ceiling_rate,
        1e6 / rates[1] - 1e6 / ceiling_rate,
        1e6 / rates[2] - 1e6 / ceiling_rate
    );
    println!("resident memory after the runs: {}", rss());
    Ok(())
}
