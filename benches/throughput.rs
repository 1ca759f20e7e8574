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

mod support;

use std::process::ExitCode;

use ecs_conformance::{Call, Credentials, Format, WireForm};
use support::{end_on_signals, load, report, resident_memory, start_mock};

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
    let reset = Call::new("ResetDisk", WireForm::V1Get, Some(Format::Xml))
        .param("DiskId", "d-diskid1")
        .param("SnapshotId", "s-snapshotid1");
    let signed =
        |n: usize| support::signed(&http, &credentials, &mock.addr, &reset, n, concurrency);
    let again = || support::again(&fixed, concurrency);

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
    let (seconds, concurrency) = match support::arguments(5) {
        Ok((seconds, concurrency, _)) => (seconds, concurrency),
        Err(e) => {
            eprintln!("error: {e}");
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
