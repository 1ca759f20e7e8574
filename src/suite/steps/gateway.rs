//! The request itself, for any declared action (`I send ResetDisk without …` names the action):
//! missing parameters, wrong signatures, stale or malformed timestamps, unknown versions, replays,
//! and calls of any action with a table of parameters. A probe's parameters come from the
//! action's declaration ([`crate::contract::Action::sample`]), never from a table written here.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::args::{declared, with_table};
use super::step::{Args, Calls, Step};
use crate::client::{Call, WireForm};
use crate::format::Format;
use crate::suite::check;
use crate::suite::world::SuiteWorld;

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

/// Any action, with the parameters of the step's `| name | value |` table, if it has one.
async fn call_action(w: &mut SuiteWorld, a: &Args) -> Result<(), String> {
    let call = Call::new(a.text(0)?, WireForm::V1Get, Some(a.format(1)?));
    w.send(&with_table(call, &a.table)?, None).await
}

pub const STEPS: &[Step] = &[
    Step::when(
        "I send {word} without {string} in {format}",
        Calls::Fixed(1),
        |w, a| {
            Box::pin(async move {
                let mut call = sample(a.text(0)?, a.format(2)?)?;
                let name = a.text(1)?;
                call.params.retain(|(k, _)| k != name);
                w.send(&call, None).await
            })
        },
    ),
    Step::when(
        "I send {word} without the common parameter {string} in {format}",
        Calls::Fixed(1),
        |w, a| {
            Box::pin(async move {
                let mut call = sample(a.text(0)?, a.format(2)?)?;
                call.tamper.omit.push(a.text(1)?.to_owned());
                w.send(&call, None).await
            })
        },
    ),
    Step::when(
        "I send {word} signed with a wrong secret as {wire_form} in {format}",
        Calls::Fixed(1),
        |w, a| {
            Box::pin(async move {
                let mut call = probe(w, a.text(0)?, a.wire_form(1)?, a.format(2)?)?;
                call.tamper.wrong_secret = Some("not-the-secret".into());
                w.send(&call, None).await
            })
        },
    ),
    Step::when(
        "I send {word} as V3 in {format} with a body that was not signed",
        Calls::Fixed(1),
        |w, a| {
            Box::pin(async move {
                let mut call = probe(w, a.text(0)?, WireForm::V3, a.format(1)?)?;
                call.tamper.unsigned_body = Some("Extra=1".into());
                w.send(&call, None).await
            })
        },
    ),
    // The probe's answer against the same call signed right: the two must differ in status or
    // code. Its finding is recorded and the scenario fails on it; the step itself goes on, so
    // that the probe's own answer is still checked and a red scenario says all that is wrong
    // with it at once. The probe's answer stays the one the next steps check.
    Step::then_after(
        "the same call signed right gets another answer",
        Calls::Fixed(1),
        |w, _| {
            Box::pin(async move {
                let call = (w.signed_right.clone())
                    .ok_or("no signature probe was sent before this step")?;
                let right = w.send_aside(&call).await?;
                w.aside.push(right);
                Ok(())
            })
        },
        |j, _| {
            let right = j
                .aside
                .first()
                .ok_or("the call signed right got no answer")?;
            Ok(check::signature_checked(j.last()?, right))
        },
    )
    .going_on(),
    Step::when(
        "I send {word} signed with an unknown AccessKeyId in {format}",
        Calls::Fixed(1),
        |w, a| {
            Box::pin(async move {
                let mut call = sample(a.text(0)?, a.format(1)?)?;
                let key = format!("ecsc-unknown-{}", uuid::Uuid::new_v4().simple());
                call.tamper.access_key_id = Some(key);
                w.send(&call, None).await
            })
        },
    ),
    Step::when(
        "I send {word} with a timestamp from {int} minutes ago as {wire_form} in {format}",
        Calls::Fixed(1),
        |w, a| {
            Box::pin(async move {
                let minutes: i64 = a.get(1)?;
                let at = OffsetDateTime::now_utc() - time::Duration::minutes(minutes);
                let mut call = sample_as(a.text(0)?, a.wire_form(2)?, a.format(3)?)?;
                call.tamper.timestamp = Some(
                    at.replace_nanosecond(0)
                        .map_err(|e| e.to_string())?
                        .format(&Rfc3339)
                        .map_err(|e| e.to_string())?,
                );
                w.send(&call, None).await
            })
        },
    ),
    Step::when(
        "I send {word} with the timestamp {string} in {format}",
        Calls::Fixed(1),
        |w, a| {
            Box::pin(async move {
                let mut call = sample(a.text(0)?, a.format(2)?)?;
                call.tamper.timestamp = Some(a.text(1)?.to_owned());
                w.send(&call, None).await
            })
        },
    ),
    Step::when(
        "I send {word} with API version {string} in {format}",
        Calls::Fixed(1),
        |w, a| {
            Box::pin(async move {
                let mut call = sample(a.text(0)?, a.format(2)?)?;
                call.tamper.version = Some(a.text(1)?.to_owned());
                w.send(&call, None).await
            })
        },
    ),
    Step::when(
        "I send the same {word} twice as {wire_form} in {format}",
        Calls::Fixed(2),
        |w, a| {
            Box::pin(async move {
                let nonce = uuid::Uuid::new_v4().to_string();
                let call = sample_as(a.text(0)?, a.wire_form(1)?, a.format(2)?)?;
                w.send(&call, Some(&nonce)).await?;
                w.send(&call, Some(&nonce)).await
            })
        },
    ),
    // Any action, with the parameters of a `| name | value |` table.
    Step::when(
        "I call {string} in {format} with",
        Calls::Fixed(1),
        |w, a| Box::pin(call_action(w, a)),
    ),
    // Any action, without parameters.
    Step::when("I call {string} in {format}", Calls::Fixed(1), |w, a| {
        Box::pin(call_action(w, a))
    }),
    Step::when(
        "I call {string} in XML and in JSON",
        Calls::Fixed(2),
        |w, a| {
            Box::pin(async move {
                for f in Format::BOTH {
                    let call = Call::new(a.text(0)?, WireForm::V1Get, Some(f));
                    w.send(&with_table(call, &a.table)?, None).await?;
                }
                Ok(())
            })
        },
    ),
];
