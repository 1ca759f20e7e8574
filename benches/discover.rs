//! Discovery at scale: `run --world discover --allow-destructive` against the mock holding an
//! account of N instances, each with a disk and a snapshot, every other trio tagged disposable,
//! half of the instances Running, and an Available disk with its snapshot per four instances.
//!
//! Run: `cargo bench --bench discover` (optionally `-- INSTANCES`, default 2000: 7,000
//! resources). It prints the run's wall time and what it found and ran, and exits 1 if a scenario
//! failed or none passed: a figure made of failures is not a measurement.

use std::process::ExitCode;
use std::time::Instant;

use ecs_conformance::suite::{self, SuiteConfig, Target, WorldMode};
use ecs_conformance::{
    Credentials, Disk, DiskStatus, Instance, InstanceStatus, MockConfig, MockServer, Snapshot,
    SnapshotStatus, Tag, World,
};

fn account(instances: usize) -> World {
    let mut w = World::default();
    for n in 0..instances {
        let tags = if n % 2 == 0 {
            vec![Tag {
                key: suite::TAG_KEY.into(),
                value: suite::TAG_VALUE.into(),
            }]
        } else {
            Vec::new()
        };
        let status = if n % 4 < 2 {
            InstanceStatus::Stopped
        } else {
            InstanceStatus::Running
        };
        let (i, d, s) = (
            format!("i-big{n:06}"),
            format!("d-big{n:06}"),
            format!("s-big{n:06}"),
        );
        let mut x = Instance::new(&i, status);
        x.tags = tags.clone();
        let mut disk = Disk::new(&d, DiskStatus::InUse, Some(i));
        disk.tags = tags.clone();
        let mut snap = Snapshot::new(s, &d, SnapshotStatus::Accomplished);
        snap.tags = tags.clone();
        w.instances.push(x);
        w.disks.push(disk);
        w.snapshots.push(snap);
        if n % 4 == 0 {
            let spare = format!("d-spare{n:06}");
            let mut disk = Disk::new(&spare, DiskStatus::Available, None);
            disk.tags = tags.clone();
            let mut snap = Snapshot::new(
                format!("s-spare{n:06}"),
                spare,
                SnapshotStatus::Accomplished,
            );
            snap.tags = tags;
            w.disks.push(disk);
            w.snapshots.push(snap);
        }
    }
    w
}

fn main() -> ExitCode {
    let instances: usize = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .and_then(|a| a.parse().ok())
        .unwrap_or(2000);
    let world = account(instances);
    let resources = world.instances.len() + world.disks.len() + world.snapshots.len();
    let runtime = tokio::runtime::Runtime::new().expect("the async runtime starts");
    runtime.block_on(async {
        let mock = MockServer::start_with(MockConfig {
            world,
            ..MockConfig::default()
        })
        .await
        .expect("the mock starts");
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
        let out = match suite::run(config).await {
            Ok(out) => out,
            Err(e) => {
                eprintln!("the run failed: {e}");
                return ExitCode::FAILURE;
            }
        };
        let r = &out.report;
        println!(
            "discover over {resources} resources ({instances} instances): {:.2} s for {} scenarios: {} passed, {} failed, {} not run",
            started.elapsed().as_secs_f64(),
            r.results.len(),
            r.passed(),
            r.failed(),
            r.not_run()
        );
        if r.failed() > 0 || r.passed() == 0 {
            eprint!("{}", r.summary());
            return ExitCode::FAILURE;
        }
        ExitCode::SUCCESS
    })
}
