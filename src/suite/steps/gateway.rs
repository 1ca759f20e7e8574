//! The request itself, for any declared action (`I send ResetDisk without …` names the action):
//! missing parameters, wrong signatures, stale or malformed timestamps, unknown versions, replays,
//! and calls of any action with a table of parameters. A probe's parameters come from the
//! action's declaration ([`crate::contract::Action::sample`]), never from a table written here.

use cucumber::gherkin::Step;
use cucumber::{then, when};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{FormatParam, WireFormParam, declared, with_table};
use crate::client::{Call, WireForm};
use crate::format::Format;
use crate::suite::check;
use crate::suite::world::SuiteWorld;

/// The sample request, for scenarios about the request rather than the resources.
/// The action's sample request, for scenarios about the request rather than the resources.
fn sample(action: &str, format: Format) -> Result<Call, String> {
    sample_as(action, WireForm::V1Get, format)
}

fn sample_as(action: &str, form: WireForm, format: Format) -> Result<Call, String> {
    let action = declared(action)?;
    let call = Call::new(action.name, form, Some(format));
    Ok(action.sample.iter().fold(call, |c, (k, v)| c.param(*k, *v)))
}

/// A signature probe: the action's sample request with every resource it names replaced by one
/// that never existed, so that its answer signed right is known (a not-found error) on any target
/// and any account. The step "the same call signed right gets another answer" proves the
/// signature was checked: an endpoint that skips the check answers both alike.
fn probe(w: &mut SuiteWorld, action: &str, form: WireForm, format: Format) -> Result<Call, String> {
    let action = declared(action)?;
    let mut call = Call::new(action.name, form, Some(format));
    for (name, value) in action.sample {
        call = match action.names.iter().find(|(n, _)| n == name) {
            Some((_, kind)) => call.param(*name, format!("{}-never-existed", kind.prefix())),
            None => call.param(*name, *value),
        };
    }
    w.signed_right = Some(call.clone());
    Ok(call)
}

#[when(expr = "I send {word} without {string} in {format}")]
async fn without_param(
    w: &mut SuiteWorld,
    action: String,
    name: String,
    f: FormatParam,
) -> Result<(), String> {
    let mut call = sample(&action, f.0)?;
    call.params.retain(|(k, _)| *k != name);
    w.send(&call, None).await
}

#[when(expr = "I send {word} without the common parameter {string} in {format}")]
async fn without_common(
    w: &mut SuiteWorld,
    action: String,
    name: String,
    f: FormatParam,
) -> Result<(), String> {
    let mut call = sample(&action, f.0)?;
    call.tamper.omit.push(name);
    w.send(&call, None).await
}

#[when(expr = "I send {word} signed with a wrong secret as {wire_form} in {format}")]
async fn wrong_secret(
    w: &mut SuiteWorld,
    action: String,
    form: WireFormParam,
    f: FormatParam,
) -> Result<(), String> {
    let mut call = probe(w, &action, form.0, f.0)?;
    call.tamper.wrong_secret = Some("not-the-secret".into());
    w.send(&call, None).await
}

#[when(expr = "I send {word} as V3 in {format} with a body that was not signed")]
async fn unsigned_body(w: &mut SuiteWorld, action: String, f: FormatParam) -> Result<(), String> {
    let mut call = probe(w, &action, WireForm::V3, f.0)?;
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
    let probe = w.answer()?.clone();
    let right = w.send_aside(&call).await?;
    let f = check::signature_checked(&probe, &right);
    // Recorded, and the scenario fails on it; the step itself goes on, so that the probe's own
    // answer is still checked and a red scenario says all that is wrong with it at once.
    let _ = w.judge(f);
    Ok(())
}

#[when(expr = "I send {word} signed with an unknown AccessKeyId in {format}")]
async fn unknown_key(w: &mut SuiteWorld, action: String, f: FormatParam) -> Result<(), String> {
    let mut call = sample(&action, f.0)?;
    call.tamper.access_key_id = Some(format!("ecsc-unknown-{}", uuid::Uuid::new_v4().simple()));
    w.send(&call, None).await
}

#[when(expr = "I send {word} with a timestamp from {int} minutes ago as {wire_form} in {format}")]
async fn old_timestamp(
    w: &mut SuiteWorld,
    action: String,
    minutes: i64,
    form: WireFormParam,
    f: FormatParam,
) -> Result<(), String> {
    let at = OffsetDateTime::now_utc() - time::Duration::minutes(minutes);
    let mut call = sample_as(&action, form.0, f.0)?;
    call.tamper.timestamp = Some(
        at.replace_nanosecond(0)
            .map_err(|e| e.to_string())?
            .format(&Rfc3339)
            .map_err(|e| e.to_string())?,
    );
    w.send(&call, None).await
}

#[when(expr = "I send {word} with the timestamp {string} in {format}")]
async fn bad_timestamp(
    w: &mut SuiteWorld,
    action: String,
    timestamp: String,
    f: FormatParam,
) -> Result<(), String> {
    let mut call = sample(&action, f.0)?;
    call.tamper.timestamp = Some(timestamp);
    w.send(&call, None).await
}

#[when(expr = "I send {word} with API version {string} in {format}")]
async fn bad_version(
    w: &mut SuiteWorld,
    action: String,
    version: String,
    f: FormatParam,
) -> Result<(), String> {
    let mut call = sample(&action, f.0)?;
    call.tamper.version = Some(version);
    w.send(&call, None).await
}

#[when(expr = "I send the same {word} twice as {wire_form} in {format}")]
async fn replay(
    w: &mut SuiteWorld,
    action: String,
    form: WireFormParam,
    f: FormatParam,
) -> Result<(), String> {
    let nonce = uuid::Uuid::new_v4().to_string();
    let call = sample_as(&action, form.0, f.0)?;
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
