//! ResetDisk's own steps: resetting a disk in every wire form and format, concurrently, and what a
//! reset must have done.

use super::create_snapshot::new_snapshot;
use super::step::{Args, Calls, Step};
use crate::client::{Call, WireForm};
use crate::contract::reset_disk::ACTION;
use crate::evidence::ids;
use crate::format::Format;
use crate::suite::check;
use crate::suite::expected::ExpectedRow;
use crate::suite::verdict::Findings;
use crate::suite::world::SuiteWorld;

fn reset(disk: &str, snapshot: &str, form: WireForm, format: Option<Format>) -> Call {
    Call::new(ACTION.name, form, format)
        .param("DiskId", disk)
        .param("SnapshotId", snapshot)
}

/// The reset of the step's disk (argument 0) to its snapshot (argument 1).
fn reset_of(a: &Args, form: WireForm, format: Option<Format>) -> Result<Call, String> {
    Ok(reset(a.text(0)?, a.text(1)?, form, format))
}

pub const STEPS: &[Step] = &[
    Step::given(
        "the snapshot {string} does not support ResetDisk",
        |w, a| {
            w.snapshot_mut(a.text(0)?)?.supports_reset = false;
            Ok(())
        },
    ),
    Step::given("a reset takes {int} seconds", |w, a| {
        let seconds: u64 = a.get(0)?;
        w.world_mut()?.reset_duration_ms = seconds * 1000;
        Ok(())
    }),
    Step::given_by_calls(
        "a reset of disk {string} to snapshot {string} has started",
        |w, a| {
            Box::pin(async move {
                let call = reset_of(a, WireForm::V1Get, Some(Format::Json))?;
                w.send_setup(&call, "the first reset").await
            })
        },
    ),
    Step::when(
        "I reset disk {string} to snapshot {string} in {format}",
        Calls::Fixed(1),
        |w, a| {
            Box::pin(async move {
                let call = reset_of(a, WireForm::V1Get, Some(a.format(2)?))?;
                w.send(&call, None).await
            })
        },
    ),
    // One more parameter: `RegionId`, `DryRun`, or any other (which an edition may not know).
    Step::when(
        "I reset disk {string} to snapshot {string} in {format} with {word} {string}",
        Calls::Fixed(1),
        |w, a| {
            Box::pin(async move {
                let call = reset_of(a, WireForm::V1Get, Some(a.format(2)?))?;
                w.send(&call.param(a.text(3)?, a.text(4)?), None).await
            })
        },
    ),
    Step::when(
        "I reset disk {string} to snapshot {string} as {wire_form} in {format}",
        Calls::Fixed(1),
        |w, a| {
            Box::pin(async move {
                let call = reset_of(a, a.wire_form(2)?, Some(a.format(3)?))?;
                w.send(&call, None).await
            })
        },
    ),
    Step::when(
        "I reset disk {string} to snapshot {string} as {wire_form} without a Format parameter",
        Calls::Fixed(1),
        |w, a| {
            Box::pin(async move {
                let call = reset_of(a, a.wire_form(2)?, None)?;
                w.send(&call, None).await
            })
        },
    ),
    // The snapshot the scenario's CreateSnapshot named: the rollback procedure's.
    Step::when(
        "I reset disk {string} to the new snapshot in {format}",
        Calls::Fixed(1),
        |w, a| {
            Box::pin(async move {
                let snapshot = new_snapshot(w)?;
                let call = reset(a.text(0)?, &snapshot, WireForm::V1Get, Some(a.format(1)?));
                w.send(&call, None).await
            })
        },
    ),
    Step::when(
        "I reset disk {string} to snapshot {string} in XML and in JSON",
        Calls::Fixed(2),
        |w, a| {
            Box::pin(async move {
                for f in Format::BOTH {
                    w.send(&reset_of(a, WireForm::V1Get, Some(f))?, None)
                        .await?;
                }
                Ok(())
            })
        },
    ),
    Step::when(
        "{int} resets of disk {string} to snapshot {string} run at once in {format}",
        Calls::Counted(0),
        |w, a| {
            Box::pin(async move {
                let call = reset(a.text(1)?, a.text(2)?, WireForm::V1Get, Some(a.format(3)?));
                w.send_concurrently(&call, a.int(0)?).await
            })
        },
    ),
    Step::then("the reset succeeds", |j, _| {
        Ok(check::success(j.last()?, ACTION.name, ACTION.answer_fields))
    }),
    Step::observe(
        "disk {string} was rolled back to snapshot {string}",
        ids::ROLLED_BACK,
        |w, a| Box::pin(rolled_back(w, a)),
    ),
    Step::observe(
        "disk {string} was rolled back to the new snapshot",
        ids::ROLLED_BACK,
        |w, a| {
            Box::pin(async move {
                let snapshot = new_snapshot(w)?;
                rolled_back_to(w, a.text(0)?, &snapshot).await
            })
        },
    ),
    // A dry run changed nothing: the target's disk records no reset at all.
    Step::observe(
        "disk {string} was not rolled back",
        ids::DRY_RUN_CHANGES_NOTHING,
        |w, a| Box::pin(not_rolled_back(w, a)),
    ),
    // Each answer is checked whole: the success as a success, the others against the contract's
    // row for the code.
    Step::then(
        "exactly one reset succeeds and the other {int} are {string}",
        |j, a| {
            let code = a.text(1)?;
            let row = ACTION
                .catalogue()
                .and_then(|c| c.by_code(code))
                .ok_or_else(|| format!("{code} is not in ResetDisk's error table"))?;
            let expected = ExpectedRow::new(row.answer.clone(), row);
            Ok(check::one_wins(
                j.answers,
                ACTION.name,
                ACTION.answer_fields,
                a.int(0)?,
                &expected,
            ))
        },
    ),
];

async fn rolled_back(w: &mut SuiteWorld, a: &Args) -> Result<(), String> {
    rolled_back_to(w, a.text(0)?, a.text(1)?).await
}

/// Whether the target's world records `disk`'s last reset as to `snapshot`: ECS shows it in no
/// answer, so only the control API can tell (else "not checked on this target").
async fn rolled_back_to(w: &mut SuiteWorld, disk: &str, snapshot: &str) -> Result<(), String> {
    if !w.observes()? {
        return w.not_checked(&format!(
            "{}: disk {disk:?} was rolled back to snapshot {snapshot:?}",
            ids::ROLLED_BACK
        ));
    }
    let world = w.target_world().await?;
    let got = world.disk(disk).map(|d| d.last_reset_snapshot_id.clone());
    let mut findings = Findings::default();
    match got {
        None => findings.fail(
            ids::ROLLED_BACK,
            format!("the target's world has no disk {disk:?}"),
        ),
        Some(got) => findings.check(ids::ROLLED_BACK, got.as_deref() == Some(snapshot), || {
            format!("disk {disk:?} records its last reset as {got:?}, expected {snapshot:?}")
        }),
    }
    w.judge(findings)
}

async fn not_rolled_back(w: &mut SuiteWorld, a: &Args) -> Result<(), String> {
    let disk = a.text(0)?;
    if !w.observes()? {
        return w.not_checked(&format!(
            "{}: disk {disk:?} was not rolled back",
            ids::DRY_RUN_CHANGES_NOTHING
        ));
    }
    let world = w.target_world().await?;
    let mut findings = Findings::default();
    match world.disk(disk) {
        None => findings.fail(
            ids::DRY_RUN_CHANGES_NOTHING,
            format!("the target's world has no disk {disk:?}"),
        ),
        Some(d) => findings.check(
            ids::DRY_RUN_CHANGES_NOTHING,
            d.last_reset_snapshot_id.is_none(),
            || {
                format!(
                    "disk {disk:?} records a reset to {:?}: the dry run changed it",
                    d.last_reset_snapshot_id
                )
            },
        ),
    }
    w.judge(findings)
}
