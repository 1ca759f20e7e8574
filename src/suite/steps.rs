//! Step definitions. Each parses its captures (typed, through the parameters below), calls one
//! method of [`SuiteWorld`] or one check, and keeps the result. The feature files are the data.

use cucumber::gherkin::Step;
use cucumber::{Parameter, given, then, when};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::check::{self, ExpectedRow};
use super::recorded;
use super::verdict::Findings;
use super::world::SuiteWorld;
use crate::catalogue::{self, Catalogue};
use crate::client::{Call, WireForm};
use crate::evidence::ids;
use crate::format::Format;
use crate::world::{
    ChargeType, Disk, DiskStatus, Fault, Instance, InstanceStatus, LockReason, Snapshot,
    SnapshotStatus,
};

/// Declares a cucumber parameter that parses into one of the crate's types.
macro_rules! parameter {
    ($name:ident($inner:ty), $param:literal, $regex:literal) => {
        #[derive(Debug, Clone, Copy, Parameter)]
        #[param(name = $param, regex = $regex)]
        pub struct $name(pub $inner);

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                s.parse().map(Self)
            }
        }
    };
}

parameter!(FormatParam(Format), "format", "XML|JSON");
parameter!(
    WireFormParam(WireForm),
    "wire_form",
    "V1 GET|V1 POST query|V1 POST form|V3"
);
parameter!(DiskStatusParam(DiskStatus), "disk_status", "[A-Za-z_]+");
parameter!(
    InstanceStatusParam(InstanceStatus),
    "instance_status",
    "[A-Za-z_]+"
);
parameter!(
    SnapshotStatusParam(SnapshotStatus),
    "snapshot_status",
    "[A-Za-z_]+"
);
parameter!(LockReasonParam(LockReason), "lock_reason", "[A-Za-z_]+");

fn reset(disk: &str, snapshot: &str, form: WireForm, format: Option<Format>) -> Call {
    Call::new("ResetDisk", form, format)
        .param("DiskId", disk)
        .param("SnapshotId", snapshot)
}

/// The sample request, for scenarios about the request rather than the resources.
fn sample(format: Format) -> Call {
    sample_as(WireForm::V1Get, format)
}

fn sample_as(form: WireForm, format: Format) -> Call {
    reset("d-diskid1", "s-snapshotid1", form, Some(format))
}

fn parse_time(s: &str) -> Result<OffsetDateTime, String> {
    OffsetDateTime::parse(s, &Rfc3339).map_err(|e| format!("{s:?} is not an RFC 3339 time: {e}"))
}

// --- Given: the world, in domain words ---------------------------------------------------------

#[given(expr = "an instance {string} that is {instance_status}")]
fn instance(w: &mut SuiteWorld, id: String, status: InstanceStatusParam) -> Result<(), String> {
    w.add_instance(Instance::new(id, status.0))
}

#[given(expr = "a disk {string} that is {disk_status} on instance {string}")]
fn attached_disk(
    w: &mut SuiteWorld,
    id: String,
    status: DiskStatusParam,
    instance: String,
) -> Result<(), String> {
    w.add_disk(Disk::new(id, status.0, Some(instance)))
}

#[given(expr = "a disk {string} that is {disk_status}")]
fn detached_disk(w: &mut SuiteWorld, id: String, status: DiskStatusParam) -> Result<(), String> {
    w.add_disk(Disk::new(id, status.0, None))
}

#[given(expr = "a snapshot {string} of disk {string} that is {snapshot_status}")]
fn snapshot_of(
    w: &mut SuiteWorld,
    id: String,
    disk: String,
    status: SnapshotStatusParam,
) -> Result<(), String> {
    w.add_snapshot(Snapshot::new(id, disk, status.0))
}

#[given(expr = "the disk {string} is {disk_status}")]
fn disk_status(w: &mut SuiteWorld, id: String, status: DiskStatusParam) -> Result<(), String> {
    let d = w.disk_mut(&id)?;
    d.status = status.0;
    if status.0 == DiskStatus::Available {
        d.instance_id = None;
    }
    Ok(())
}

#[given(expr = "the instance {string} is {instance_status}")]
fn instance_status(
    w: &mut SuiteWorld,
    id: String,
    status: InstanceStatusParam,
) -> Result<(), String> {
    w.instance_mut(&id)?.status = status.0;
    Ok(())
}

#[given(expr = "the instance {string} is locked for {lock_reason}")]
fn instance_locked(w: &mut SuiteWorld, id: String, reason: LockReasonParam) -> Result<(), String> {
    w.instance_mut(&id)?.lock_reasons.push(reason.0);
    Ok(())
}

#[given(expr = "the disk {string} is locked for {lock_reason}")]
fn disk_locked(w: &mut SuiteWorld, id: String, reason: LockReasonParam) -> Result<(), String> {
    w.disk_mut(&id)?.lock_reasons.push(reason.0);
    Ok(())
}

#[given(expr = "the instance {string} is a subscription that expired at {string}")]
fn instance_expired(w: &mut SuiteWorld, id: String, at: String) -> Result<(), String> {
    let at = parse_time(&at)?;
    let x = w.instance_mut(&id)?;
    x.charge_type = ChargeType::PrePaid;
    x.expired_time = Some(at);
    Ok(())
}

#[given(expr = "the disk {string} is of category {string}")]
fn disk_category(w: &mut SuiteWorld, id: String, category: String) -> Result<(), String> {
    w.disk_mut(&id)?.category = category;
    Ok(())
}

#[given(expr = "the snapshot {string} was created at {string}")]
fn snapshot_created(w: &mut SuiteWorld, id: String, at: String) -> Result<(), String> {
    let at = parse_time(&at)?;
    w.snapshot_mut(&id)?.creation_time = at;
    Ok(())
}

#[given(expr = "the snapshot {string} does not support ResetDisk")]
fn snapshot_not_resettable(w: &mut SuiteWorld, id: String) -> Result<(), String> {
    w.snapshot_mut(&id)?.supports_reset = false;
    Ok(())
}

#[given(expr = "the disk {string} was released")]
fn disk_released(w: &mut SuiteWorld, id: String) -> Result<(), String> {
    if w.world_mut()?.release_disk(&id) {
        Ok(())
    } else {
        Err(format!("no disk {id:?} to release"))
    }
}

#[given(expr = "the instance {string} was released")]
fn instance_released(w: &mut SuiteWorld, id: String) -> Result<(), String> {
    if w.world_mut()?.release_instance(&id) {
        Ok(())
    } else {
        Err(format!("no instance {id:?} to release"))
    }
}

#[given(expr = "an account with no resources")]
fn empty_account(w: &mut SuiteWorld) -> Result<(), String> {
    let world = w.world_mut()?;
    *world = crate::world::World::default();
    w.empty_account = true;
    Ok(())
}

#[given(expr = "the account is not in the disk white list")]
fn not_white_listed(w: &mut SuiteWorld) -> Result<(), String> {
    w.world_mut()?.account.in_disk_white_list = false;
    Ok(())
}

#[given(expr = "the account has not opened the snapshot service")]
fn no_snapshot_service(w: &mut SuiteWorld) -> Result<(), String> {
    w.world_mut()?.account.snapshot_service_opened = false;
    Ok(())
}

#[given(expr = "the account does not have enough balance")]
fn no_balance(w: &mut SuiteWorld) -> Result<(), String> {
    w.world_mut()?.account.balance_sufficient = false;
    Ok(())
}

#[given(expr = "the next ResetDisk fails with InternalError {string}")]
fn fault(w: &mut SuiteWorld, message: String) -> Result<(), String> {
    w.world_mut()?.faults.push(Fault {
        action: "ResetDisk".into(),
        code: "InternalError".into(),
        message,
        count: 1,
    });
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

// --- When: one call -----------------------------------------------------------------------------

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

#[when(expr = "I reset disk {string} to snapshot {string} in {format} with RegionId {string}")]
async fn reset_with_region(
    w: &mut SuiteWorld,
    disk: String,
    snapshot: String,
    f: FormatParam,
    region: String,
) -> Result<(), String> {
    let call = reset(&disk, &snapshot, WireForm::V1Get, Some(f.0)).param("RegionId", region);
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

#[when(expr = "I send ResetDisk without {string} in {format}")]
async fn without_param(w: &mut SuiteWorld, name: String, f: FormatParam) -> Result<(), String> {
    let mut call = sample(f.0);
    call.params.retain(|(k, _)| *k != name);
    w.send(&call, None).await
}

#[when(expr = "I send ResetDisk without the common parameter {string} in {format}")]
async fn without_common(w: &mut SuiteWorld, name: String, f: FormatParam) -> Result<(), String> {
    let mut call = sample(f.0);
    call.tamper.omit.push(name);
    w.send(&call, None).await
}

/// A signature probe: the action under certification on resources that do not exist, whose
/// answer signed right is known (a not-found error) on any target and any account. The step
/// "the same call signed right gets another answer" proves the signature was checked: an
/// endpoint that skips the check answers both alike.
fn probe(w: &mut SuiteWorld, form: WireForm, format: Format) -> Call {
    let call = reset("d-never-existed", "s-never-existed", form, Some(format));
    w.signed_right = Some(call.clone());
    call
}

#[when(expr = "I send ResetDisk signed with a wrong secret as {wire_form} in {format}")]
async fn wrong_secret(
    w: &mut SuiteWorld,
    form: WireFormParam,
    f: FormatParam,
) -> Result<(), String> {
    let mut call = probe(w, form.0, f.0);
    call.tamper.wrong_secret = Some("not-the-secret".into());
    w.send(&call, None).await
}

#[when(expr = "I send ResetDisk as V3 in {format} with a body that was not signed")]
async fn unsigned_body(w: &mut SuiteWorld, f: FormatParam) -> Result<(), String> {
    let mut call = probe(w, WireForm::V3, f.0);
    call.tamper.unsigned_body = Some("Extra=1".into());
    w.send(&call, None).await
}

/// The probe's answer against the same call signed right: the two must differ in status or code.
/// The probe's answer stays the one the next steps check.
#[then("the same call signed right gets another answer")]
async fn signature_checked(w: &mut SuiteWorld) -> Result<(), String> {
    let call = w
        .signed_right
        .clone()
        .ok_or("no signature probe was sent before this step")?;
    let (status, code) = {
        let a = w.answer()?;
        (a.raw.status, a.code())
    };
    let right = w.send_aside(&call).await?;
    let (right_status, right_code) = (right.raw.status, right.code());
    let mut f = Findings::default();
    f.check(
        ids::SIGNATURE_CHECKED,
        (status, &code) != (right_status, &right_code),
        || {
            format!(
                "the wrongly signed call and the same call signed right were both answered \
                 {status} {code:?}: the signature was not checked"
            )
        },
    );
    // Recorded, and the scenario fails on it; the step itself goes on, so that the probe's own
    // answer is still checked and a red scenario says all that is wrong with it at once.
    let _ = w.judge(f);
    Ok(())
}

#[when(expr = "I send ResetDisk signed with an unknown AccessKeyId in {format}")]
async fn unknown_key(w: &mut SuiteWorld, f: FormatParam) -> Result<(), String> {
    let mut call = sample(f.0);
    call.tamper.access_key_id = Some(format!("ecsc-unknown-{}", uuid::Uuid::new_v4().simple()));
    w.send(&call, None).await
}

#[when(
    expr = "I send ResetDisk with a timestamp from {int} minutes ago as {wire_form} in {format}"
)]
async fn old_timestamp(
    w: &mut SuiteWorld,
    minutes: i64,
    form: WireFormParam,
    f: FormatParam,
) -> Result<(), String> {
    let at = OffsetDateTime::now_utc() - time::Duration::minutes(minutes);
    let mut call = sample_as(form.0, f.0);
    call.tamper.timestamp = Some(
        at.replace_nanosecond(0)
            .map_err(|e| e.to_string())?
            .format(&Rfc3339)
            .map_err(|e| e.to_string())?,
    );
    w.send(&call, None).await
}

#[when(expr = "I send ResetDisk with the timestamp {string} in {format}")]
async fn bad_timestamp(
    w: &mut SuiteWorld,
    timestamp: String,
    f: FormatParam,
) -> Result<(), String> {
    let mut call = sample(f.0);
    call.tamper.timestamp = Some(timestamp);
    w.send(&call, None).await
}

#[when(expr = "I send ResetDisk with API version {string} in {format}")]
async fn bad_version(w: &mut SuiteWorld, version: String, f: FormatParam) -> Result<(), String> {
    let mut call = sample(f.0);
    call.tamper.version = Some(version);
    w.send(&call, None).await
}

#[when(expr = "I send the same ResetDisk twice as {wire_form} in {format}")]
async fn replay(w: &mut SuiteWorld, form: WireFormParam, f: FormatParam) -> Result<(), String> {
    let nonce = uuid::Uuid::new_v4().to_string();
    let call = sample_as(form.0, f.0);
    w.send(&call, Some(&nonce)).await?;
    w.send(&call, Some(&nonce)).await
}

/// Any action, with the parameters of a `| name | value |` table.
#[when(expr = "I call {string} in {format} with")]
async fn call_action_with(
    w: &mut SuiteWorld,
    step: &Step,
    action: String,
    f: FormatParam,
) -> Result<(), String> {
    call_action(w, step, action, f).await
}

/// Any action, without parameters.
#[when(expr = "I call {string} in {format}")]
async fn call_action(
    w: &mut SuiteWorld,
    step: &Step,
    action: String,
    f: FormatParam,
) -> Result<(), String> {
    let call = with_table(Call::new(action, WireForm::V1Get, Some(f.0)), step)?;
    w.send(&call, None).await
}

#[when(expr = "I call {string} in XML and in JSON")]
async fn call_both(w: &mut SuiteWorld, step: &Step, action: String) -> Result<(), String> {
    for f in Format::BOTH {
        let call = with_table(Call::new(action.clone(), WireForm::V1Get, Some(f)), step)?;
        w.send(&call, None).await?;
    }
    Ok(())
}

/// `call` with the parameters of the step's `| name | value |` table, if it has one.
fn with_table(mut call: Call, step: &Step) -> Result<Call, String> {
    for row in step.table.iter().flat_map(|t| &t.rows) {
        match row.as_slice() {
            [name, value] => call = call.param(name, value),
            other => {
                return Err(format!(
                    "row {other:?}: expected a parameter name and its value"
                ));
            }
        }
    }
    Ok(call)
}

// --- Then: checks -------------------------------------------------------------------------------

#[then(expr = "the reset succeeds")]
fn reset_succeeds(w: &mut SuiteWorld) -> Result<(), String> {
    let findings = check::success(w.answer()?, "ResetDisk", &["RequestId"]);
    w.judge(findings)
}

/// The first cell of each row of the step's table.
fn column(step: &Step) -> Vec<&str> {
    step.table
        .iter()
        .flat_map(|t| &t.rows)
        .filter_map(|r| r.first().map(String::as_str))
        .collect()
}

/// The last call succeeded with exactly the documented fields of a one-column table.
#[then(expr = "the call succeeds with the fields")]
fn call_succeeds(w: &mut SuiteWorld, step: &Step) -> Result<(), String> {
    let fields = column(step);
    let answer = w.answer()?;
    let findings = check::success(answer, &answer.action, &fields);
    w.judge(findings)
}

/// `Then the answer is` with a vertical table of `status`, `Code` and `Message`.
#[then(expr = "the answer is")]
fn the_answer_is(w: &mut SuiteWorld, step: &Step) -> Result<(), String> {
    let rows = expected_rows(step)?;
    let findings = check::error(w.answer()?, &rows);
    w.judge(findings)
}

/// `Then the answer is one of` with a `status | Code | Message` table: every row is an answer the
/// contract allows; the first is the mock's pick.
#[then(expr = "the answer is one of")]
fn the_answer_is_one_of(w: &mut SuiteWorld, step: &Step) -> Result<(), String> {
    the_answer_is(w, step)
}

/// The rows of a Then step's table, each with the evidence of the catalogue row that states it.
fn expected_rows(step: &Step) -> Result<Vec<ExpectedRow>, String> {
    let table = step
        .table
        .as_ref()
        .ok_or("this step needs a table of status, Code and Message")?;
    check::answers_in_table(&table.rows)?
        .into_iter()
        .map(|answer| {
            let row = catalogue::find(&answer).ok_or_else(|| {
                format!("{answer} is in no catalogue: add it there with its level and source")
            })?;
            Ok(ExpectedRow::new(answer, row))
        })
        .collect()
}

#[then(expr = "the answer matches its recorded answer")]
fn matches_recorded_answer(w: &mut SuiteWorld) -> Result<(), String> {
    let answer = w.answer()?;
    let content = recorded::canonical(answer.format(), &answer.raw);
    let name = w.recorded_answer_name();
    let stored = w.stored_answer(&name)?;
    let mut findings = Findings::default();
    if let Err(e) = recorded::check(&name, &content, stored.as_deref(), w.snapshot_mode()?) {
        findings.fail(ids::RECORDED_ANSWER, e);
    }
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

/// A success's documented fields are the step's one-column table (none for an error).
#[then(expr = "both answers carry the same fields and values")]
fn parity(w: &mut SuiteWorld, step: &Step) -> Result<(), String> {
    let documented = column(step);
    let [xml, json] = w.answers.as_slice() else {
        return Err(format!("expected two answers, got {}", w.answers.len()));
    };
    let mut f = Findings::default();
    // The kind of answer first: parity between two refusals says nothing of a success, nor
    // parity between two successes of an error.
    for a in [xml, json] {
        if documented.is_empty() {
            f.check(ids::PARITY, a.raw.status >= 400, || {
                format!(
                    "expected an error in both formats, got status {} in {}",
                    a.raw.status,
                    a.format()
                )
            });
        } else {
            f.expect(
                ids::SUCCESS_STATUS,
                &format!("status ({})", a.format()),
                200,
                a.raw.status,
            );
        }
        f.extend(check::envelope(a, &documented));
    }
    f.expect(
        ids::PARITY,
        "status (XML vs JSON)",
        xml.raw.status,
        json.raw.status,
    );
    // Values are compared only where they are the same from call to call: an error's Code and
    // Message, a success's documented fields but its RequestId. Every other field (RequestId,
    // HostId, Recommend, a field the contract does not list, such as a task id) differs between
    // two calls by nature: both formats must carry it, as often, and no more is asked.
    const VOLATILE: [&str; 3] = ["RequestId", "HostId", "Recommend"];
    let stable: Vec<&str> = if documented.is_empty() {
        vec!["Code", "Message"]
    } else {
        documented
            .iter()
            .copied()
            .filter(|f| !VOLATILE.contains(f))
            .collect()
    };
    // JSON's key order is not significant: compare both sides with fields sorted by name.
    if let (Ok(x), Ok(j)) = (xml.document(), json.document()) {
        let (x, j) = (x.body.sorted(), j.body.sorted());
        let (mut xn, mut jn) = (x.names(), j.names());
        xn.sort_unstable();
        jn.sort_unstable();
        f.expect(ids::PARITY, "field names (XML vs JSON)", &xn, &jn);
        xn.extend(jn);
        xn.sort_unstable();
        xn.dedup();
        for name in xn {
            if stable.contains(&name) {
                f.expect(
                    ids::PARITY,
                    &format!("{name} (XML vs JSON)"),
                    x.all(name),
                    j.all(name),
                );
            } else {
                f.expect(
                    ids::PARITY,
                    &format!("how often {name} occurs (XML vs JSON)"),
                    x.all(name).len(),
                    j.all(name).len(),
                );
            }
        }
    }
    w.judge(f)
}

/// Each answer is checked whole: the success as a success, the others against the contract's row
/// for `code`.
#[then(expr = "exactly one reset succeeds and the other {int} are {string}")]
fn exactly_one_wins(w: &mut SuiteWorld, others: usize, code: String) -> Result<(), String> {
    let row = Catalogue::reset_disk()
        .by_code(&code)
        .ok_or_else(|| format!("{code} is not in ResetDisk's error table"))?;
    let expected = [ExpectedRow::new(row.answer.clone(), row)];
    let mut f = Findings::default();
    let (succeeded, refused): (Vec<_>, Vec<_>) =
        w.answers.iter().partition(|a| a.raw.status == 200);
    f.expect(ids::ONE_RESET_WINS, "successful resets", 1, succeeded.len());
    f.expect(
        ids::ONE_RESET_WINS,
        &format!("answers refused with {code}"),
        others,
        refused.len(),
    );
    for a in succeeded {
        f.extend(check::success(a, "ResetDisk", &["RequestId"]));
    }
    for a in refused {
        f.extend(check::error(a, &expected));
    }
    w.judge(f)
}
