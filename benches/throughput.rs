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

mod support;

use ecs_conformance::{Call, Credentials, Format, WireForm};
use support::{arguments, load, report, resident_memory, start_mock};

fn main() {
    let (seconds, concurrency, _) = arguments(5);
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
