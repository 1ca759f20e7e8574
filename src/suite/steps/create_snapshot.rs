//! CreateSnapshot's own steps: taking a snapshot of a disk, with one or two more parameters, a
//! snapshot taken before with a client token, how long a snapshot takes and how many of a disk
//! may be made at once, what a snapshot taken must have left on the target, and its transition
//! polled through DescribeSnapshots.

use super::observing::{described, poll_through};
use super::step::{Args, Calls, Step};
use crate::client::{Call, WireForm};
use crate::contract::create_snapshot::ACTION;
use crate::contract::describe::DESCRIBE_SNAPSHOTS;
use crate::evidence::ids;
use crate::format::Format;
use crate::suite::check;
use crate::suite::verdict::Findings;
use crate::suite::world::SuiteWorld;
use crate::world::{Snapshot, SnapshotStatus};

/// A snapshot of the step's disk (argument 0), in `format`.
fn snapshot_of(a: &Args, format: Format) -> Result<Call, String> {
    Ok(Call::new(ACTION.name, WireForm::V1Get, Some(format)).param("DiskId", a.text(0)?))
}

pub const STEPS: &[Step] = &[
    Step::given("a snapshot takes {int} ms", |w, a| {
        w.world_mut()?.transitions.snapshot_ms = a.get(0)?;
        Ok(())
    }),
    Step::given(
        "at most {int} snapshots of a disk are created at once",
        |w, a| {
            w.world_mut()?.transitions.concurrent_snapshots_per_disk = a.get(0)?;
            Ok(())
        },
    ),
    // `s-{disk}-{n}`, accomplished.
    Step::given("the disk {string} has {int} snapshots already", |w, a| {
        let disk = a.text(0)?;
        for n in 0..a.int(1)? {
            let id = format!("s-{disk}-{n}");
            w.add_snapshot(Snapshot::new(id, disk, SnapshotStatus::Accomplished))?;
        }
        Ok(())
    }),
    Step::given_by_calls(
        "a snapshot of disk {string} was created with ClientToken {string}",
        |w, a| {
            Box::pin(async move {
                let call = snapshot_of(a, Format::Json)?.param("ClientToken", a.text(1)?);
                w.send_setup(&call, "the first CreateSnapshot").await
            })
        },
    ),
    Step::when(
        "I create a snapshot of disk {string} in {format}",
        Calls::Fixed(1),
        |w, a| {
            Box::pin(async move {
                let call = snapshot_of(a, a.format(1)?)?;
                w.send(&call, None).await
            })
        },
    ),
    Step::when(
        "I create a snapshot of disk {string} in {format} with {word} {string}",
        Calls::Fixed(1),
        |w, a| {
            Box::pin(async move {
                let call = snapshot_of(a, a.format(1)?)?.param(a.text(2)?, a.text(3)?);
                w.send(&call, None).await
            })
        },
    ),
    Step::when(
        "I create a snapshot of disk {string} in {format} with {word} {string} and {word} {string}",
        Calls::Fixed(1),
        |w, a| {
            Box::pin(async move {
                let call = (snapshot_of(a, a.format(1)?)?)
                    .param(a.text(2)?, a.text(3)?)
                    .param(a.text(4)?, a.text(5)?);
                w.send(&call, None).await
            })
        },
    ),
    Step::then("the snapshot is created", |j, _| {
        Ok(check::success(j.last()?, ACTION.name, ACTION.answer_fields))
    }),
    // Polled through the API, as a client waits for its snapshot.
    Step::observe(
        "DescribeSnapshots shows the new snapshot progressing, then accomplished, within {int} seconds",
        ids::TRANSITION_POLLED,
        |w, a| Box::pin(snapshot_through(w, a)),
    ),
    Step::observe(
        "the target holds the new snapshot of disk {string}",
        ids::SNAPSHOT_CREATED,
        |w, a| Box::pin(created(w, a)),
    ),
];

/// The snapshot the last answer names is on the target: of the step's disk, progressing or
/// accomplished.
async fn created(w: &mut SuiteWorld, a: &Args) -> Result<(), String> {
    let disk = a.text(0)?;
    let named = (w.answers.last())
        .and_then(|answer| answer.document().ok())
        .and_then(|d| d.field("SnapshotId").map(str::to_owned));
    let Some(id) = named else {
        return Err("the last answer names no SnapshotId".into());
    };
    if !w.observes()? {
        return w.not_checked(&format!(
            "{}: snapshot {id:?} of disk {disk:?} is on the target",
            ids::SNAPSHOT_CREATED
        ));
    }
    let world = w.target_world().await?;
    let mut findings = Findings::default();
    match world.snapshot(&id) {
        None => findings.fail(
            ids::SNAPSHOT_CREATED,
            format!("the target's world has no snapshot {id:?}, which the answer named"),
        ),
        Some(s) => findings.check(
            ids::SNAPSHOT_CREATED,
            s.source_disk_id == disk && s.status != SnapshotStatus::Failed,
            || {
                format!(
                    "snapshot {id:?} is of disk {:?} and {}, expected of {disk:?}, progressing \
                     or accomplished",
                    s.source_disk_id,
                    s.status.as_str()
                )
            },
        ),
    }
    w.judge(findings)
}

/// The snapshot the scenario's last successful CreateSnapshot named (its `SnapshotId`).
pub fn new_snapshot(w: &SuiteWorld) -> Result<String, String> {
    (w.answers.iter().rev())
        .filter(|a| a.action == ACTION.name && a.raw.status == 200)
        .find_map(|a| a.document().ok()?.field("SnapshotId").map(str::to_owned))
        .ok_or_else(|| "no CreateSnapshot of this scenario named a new snapshot".into())
}

/// Polls DescribeSnapshots for the new snapshot: `progressing` with its `Progress` rising, then
/// `accomplished` at `100%`.
async fn snapshot_through(w: &mut SuiteWorld, a: &Args) -> Result<(), String> {
    let id = new_snapshot(w)?;
    let region = (w.world.disks.first())
        .map(|d| d.region_id.clone())
        .ok_or("the scenario states no disk")?;
    let call = Call::new(DESCRIBE_SNAPSHOTS.name, WireForm::V1Get, Some(Format::Json))
        .param("RegionId", &region)
        .param("SnapshotIds", format!("[\"{id}\"]"));
    let within = std::time::Duration::from_secs(a.get(0)?);
    let (through, to) = (SnapshotStatus::Progressing, SnapshotStatus::Accomplished);
    poll_through(
        w,
        ids::TRANSITION_POLLED,
        &format!("the new snapshot {id:?} in DescribeSnapshots"),
        (through.as_str(), to.as_str()),
        std::time::Duration::from_millis(w.world.transitions.snapshot_ms),
        within,
        async move |w: &mut SuiteWorld| {
            let answer = w.poll(&call).await?;
            let status = described(&answer, "Snapshots", "Snapshot", "Status")?;
            let progress = described(&answer, "Snapshots", "Snapshot", "Progress")?;
            Ok((status, Some(progress)))
        },
        rising,
    )
    .await
}

/// What is wrong with the `Progress` a poll read, if anything: a percentage, never falling,
/// `100%` once accomplished and only then.
fn rising(seen: &[(String, Option<String>)]) -> Option<String> {
    let mut last = 0;
    for (status, progress) in seen {
        let text = progress.as_deref().unwrap_or_default();
        let Some(n) = text.strip_suffix('%').and_then(|n| n.parse::<u32>().ok()) else {
            return Some(format!("Progress {text:?} is not a percentage"));
        };
        if n < last {
            return Some(format!("Progress fell from {last}% to {n}%"));
        }
        let accomplished = status == SnapshotStatus::Accomplished.as_str();
        if accomplished != (n == 100) {
            return Some(format!("Progress {n}% while the snapshot is {status}"));
        }
        last = n;
    }
    None
}
