//! ResetDisk's own steps: resetting a disk in every wire form and format, concurrently, and what a
//! reset must have done.

use cucumber::{given, then, when};

use super::{FormatParam, WireFormParam};
use crate::client::{Call, WireForm};
use crate::contract::reset_disk::ACTION;
use crate::evidence::ids;
use crate::format::Format;
use crate::suite::check::{self, ExpectedRow};
use crate::suite::verdict::Findings;
use crate::suite::world::SuiteWorld;

fn reset(disk: &str, snapshot: &str, form: WireForm, format: Option<Format>) -> Call {
    Call::new(ACTION.name, form, format)
        .param("DiskId", disk)
        .param("SnapshotId", snapshot)
}

#[given(expr = "the snapshot {string} does not support ResetDisk")]
fn snapshot_not_resettable(w: &mut SuiteWorld, id: String) -> Result<(), String> {
    w.snapshot_mut(&id)?.supports_reset = false;
    Ok(())
}

#[given(expr = "a reset takes {int} seconds")]
fn reset_duration(w: &mut SuiteWorld, seconds: u64) -> Result<(), String> {
    w.world_mut()?.reset_duration_ms = seconds * 1000;
    Ok(())
}

#[given(expr = "a reset of disk {string} to snapshot {string} has started")]
async fn reset_started(w: &mut SuiteWorld, disk: String, snapshot: String) -> Result<(), String> {
    let call = reset(&disk, &snapshot, WireForm::V1Get, Some(Format::Json));
    w.send_setup(&call, "the first reset").await
}

#[when(expr = "I reset disk {string} to snapshot {string} in {format}")]
async fn reset_in(
    w: &mut SuiteWorld,
    disk: String,
    snapshot: String,
    f: FormatParam,
) -> Result<(), String> {
    w.send(&reset(&disk, &snapshot, WireForm::V1Get, Some(f.0)), None)
        .await
}

/// One more parameter: `RegionId`, `DryRun`, or any other (which an edition may not know).
#[when(expr = "I reset disk {string} to snapshot {string} in {format} with {word} {string}")]
async fn reset_with(
    w: &mut SuiteWorld,
    disk: String,
    snapshot: String,
    f: FormatParam,
    name: String,
    value: String,
) -> Result<(), String> {
    let call = reset(&disk, &snapshot, WireForm::V1Get, Some(f.0)).param(&name, value);
    w.send(&call, None).await
}

#[when(expr = "I reset disk {string} to snapshot {string} as {wire_form} in {format}")]
async fn reset_as(
    w: &mut SuiteWorld,
    disk: String,
    snapshot: String,
    form: WireFormParam,
    f: FormatParam,
) -> Result<(), String> {
    w.send(&reset(&disk, &snapshot, form.0, Some(f.0)), None)
        .await
}

#[when(
    expr = "I reset disk {string} to snapshot {string} as {wire_form} without a Format parameter"
)]
async fn reset_default_format(
    w: &mut SuiteWorld,
    disk: String,
    snapshot: String,
    form: WireFormParam,
) -> Result<(), String> {
    w.send(&reset(&disk, &snapshot, form.0, None), None).await
}

#[when(expr = "I reset disk {string} to snapshot {string} in XML and in JSON")]
async fn reset_both(w: &mut SuiteWorld, disk: String, snapshot: String) -> Result<(), String> {
    for f in Format::BOTH {
        w.send(&reset(&disk, &snapshot, WireForm::V1Get, Some(f)), None)
            .await?;
    }
    Ok(())
}

#[when(expr = "{int} resets of disk {string} to snapshot {string} run at once in {format}")]
async fn resets_at_once(
    w: &mut SuiteWorld,
    n: usize,
    disk: String,
    snapshot: String,
    f: FormatParam,
) -> Result<(), String> {
    w.send_concurrently(&reset(&disk, &snapshot, WireForm::V1Get, Some(f.0)), n)
        .await
}

#[then(expr = "the reset succeeds")]
fn reset_succeeds(w: &mut SuiteWorld) -> Result<(), String> {
    let findings = check::success(w.answer()?, ACTION.name, ACTION.answer_fields);
    w.judge(findings)
}

#[then(expr = "disk {string} was rolled back to snapshot {string}")]
async fn rolled_back(w: &mut SuiteWorld, disk: String, snapshot: String) -> Result<(), String> {
    if !w.observes()? {
        return w.not_checked(&format!(
            "{}: disk {disk:?} was rolled back to snapshot {snapshot:?}",
            ids::ROLLED_BACK
        ));
    }
    let world = w.target_world().await?;
    let got = world.disk(&disk).map(|d| d.last_reset_snapshot_id.clone());
    let mut findings = Findings::default();
    match got {
        None => findings.fail(
            ids::ROLLED_BACK,
            format!("the target's world has no disk {disk:?}"),
        ),
        Some(got) => findings.check(
            ids::ROLLED_BACK,
            got.as_deref() == Some(snapshot.as_str()),
            || format!("disk {disk:?} records its last reset as {got:?}, expected {snapshot:?}"),
        ),
    }
    w.judge(findings)
}

/// A dry run changed nothing: the target's disk records no reset at all.
#[then(expr = "disk {string} was not rolled back")]
async fn not_rolled_back(w: &mut SuiteWorld, disk: String) -> Result<(), String> {
    if !w.observes()? {
        return w.not_checked(&format!(
            "{}: disk {disk:?} was not rolled back",
            ids::DRY_RUN_CHANGES_NOTHING
        ));
    }
    let world = w.target_world().await?;
    let mut findings = Findings::default();
    match world.disk(&disk) {
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

/// Each answer is checked whole: the success as a success, the others against the contract's row
/// for `code`.
#[then(expr = "exactly one reset succeeds and the other {int} are {string}")]
fn exactly_one_wins(w: &mut SuiteWorld, others: usize, code: String) -> Result<(), String> {
    let row = ACTION
        .catalogue()
        .and_then(|c| c.by_code(&code))
        .ok_or_else(|| format!("{code} is not in ResetDisk's error table"))?;
    let expected = ExpectedRow::new(row.answer.clone(), row);
    let f = check::one_wins(
        &w.answers,
        ACTION.name,
        ACTION.answer_fields,
        others,
        &expected,
    );
    w.judge(f)
}
