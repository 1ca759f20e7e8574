//! What the observing steps of the actions under certification share: an instance's status as
//! the target's world shows it after the calls, checked against the statuses an expectation
//! allows ("not checked on this target" where the target's world cannot be seen); and polling a
//! transition through the API, as a client does, with a bounded wait: the state on the way, then
//! the final one.

use super::step::{Args, Step};
use crate::client::{Call, WireForm};
use crate::contract::describe::DESCRIBE_INSTANCES;
use crate::evidence::ids;
use crate::format::Format;
use crate::suite::answer::Answer;
use crate::suite::verdict::Findings;
use crate::suite::world::SuiteWorld;
use crate::world::InstanceStatus;

/// Records whether the instance the step's first argument names is in one of `allowed` on the
/// target, as `expectation` (`what` says it in the report).
pub async fn instance_status(
    w: &mut SuiteWorld,
    a: &Args,
    expectation: &str,
    allowed: &[InstanceStatus],
    what: &str,
) -> Result<(), String> {
    let id = a.text(0)?;
    if !w.observes()? {
        return w.not_checked(&format!("{expectation}: instance {id:?} {what}"));
    }
    let world = w.target_world().await?;
    let mut findings = Findings::default();
    match world.instance(id) {
        None => findings.fail(
            expectation,
            format!("the target's world has no instance {id:?}"),
        ),
        Some(x) => findings.check(expectation, allowed.contains(&x.status), || {
            let allowed: Vec<&str> = allowed.iter().map(|s| s.as_str()).collect();
            format!(
                "instance {id:?} is {}, expected {}",
                x.status.as_str(),
                allowed.join(" or ")
            )
        }),
    }
    w.judge(findings)
}

/// How often a poll asks.
const POLL_EVERY: std::time::Duration = std::time::Duration::from_millis(100);

/// What one look of a poll read: the status (and, for a snapshot, its progress), or why none.
pub type Look = Result<(String, Option<String>), String>;

/// Polls `look` every [`POLL_EVERY`] until it reads `to` or `within` has passed, and records as
/// `expectation` whether it read `through` first, then `to`, and nothing else; `progress`
/// checks what a look reads besides the status (a snapshot's rising `Progress`). `lasts` is how
/// long the world states the transition takes: when the first look's answer came later than
/// that after the call that began it (the runner or the machine slow), not seeing `through` is
/// "not checked on this target", never a failure.
#[allow(clippy::too_many_arguments)]
pub async fn poll_through<'w>(
    w: &'w mut SuiteWorld,
    expectation: &str,
    what: &str,
    (through, to): (&str, &str),
    lasts: std::time::Duration,
    within: std::time::Duration,
    look: impl AsyncFnMut(&mut SuiteWorld) -> Look,
    progress: impl Fn(&[(String, Option<String>)]) -> Option<String>,
) -> Result<(), String> {
    let mut look = look;
    let began = w.last_sent_at;
    let deadline = std::time::Instant::now() + within;
    let mut seen: Vec<(String, Option<String>)> = Vec::new();
    let mut first_late: Option<std::time::Duration> = None;
    let mut findings = Findings::default();
    loop {
        let read = look(w).await;
        if seen.is_empty() {
            let after = began.map_or(std::time::Duration::MAX, |b| b.elapsed());
            first_late = (after >= lasts).then_some(after);
        }
        match read {
            Ok(read) => {
                let done = read.0 == to;
                if seen.last() != Some(&read) {
                    seen.push(read);
                }
                if done {
                    break;
                }
            }
            Err(why) => {
                findings.fail(expectation, format!("{what}: {why}"));
                return w.judge(findings);
            }
        }
        if std::time::Instant::now() >= deadline {
            break;
        }
        tokio::time::sleep(POLL_EVERY).await;
    }
    let statuses: Vec<&str> = seen.iter().map(|(s, _)| s.as_str()).collect();
    let mut order: Vec<&str> = statuses.clone();
    order.dedup();
    if let (Some(after), [only]) = (first_late, order.as_slice())
        && *only == to
    {
        // Too late to see the state on the way: only the end is judged.
        w.not_checked(&format!(
            "{expectation}: {what} was {through} on the way (the first poll's answer came {} ms \
             after the call, the transition lasts {} ms)",
            after.as_millis(),
            lasts.as_millis()
        ))?;
        return w.judge(findings);
    }
    findings.check(expectation, order == [through, to], || {
        format!(
            "{what}: polled every {} ms for at most {} s, read {}; expected {through}, then {to}",
            POLL_EVERY.as_millis(),
            within.as_secs(),
            order.join(", ")
        )
    });
    if let Some(problem) = progress(&seen) {
        findings.fail(expectation, format!("{what}: {problem}"));
    }
    w.judge(findings)
}

/// The first item's field `field` under `list`/`item` of a Describe answer, in either format.
pub fn described(answer: &Answer, list: &str, item: &str, field: &str) -> Result<String, String> {
    if answer.raw.status != 200 {
        return Err(format!(
            "the Describe call was answered {} {:.200}",
            answer.raw.status, answer.raw.body
        ));
    }
    let doc = answer.document()?;
    let node = (doc.body.get(list))
        .and_then(|l| l.get(item))
        .ok_or_else(|| format!("the answer lists no {list}.{item}"))?;
    (node.get(field).and_then(|f| f.text()))
        .map(str::to_owned)
        .ok_or_else(|| format!("the answer's {item} has no {field}"))
}

pub const STEPS: &[Step] = &[Step::observe(
    "DescribeInstances shows instance {string} {instance_status}, then {instance_status}, within {int} seconds",
    ids::TRANSITION_POLLED,
    |w, a| Box::pin(instance_through(w, a)),
)];

async fn instance_through(w: &mut SuiteWorld, a: &Args) -> Result<(), String> {
    let id = a.text(0)?.to_owned();
    let (through, to) = (a.get::<InstanceStatus>(1)?, a.get::<InstanceStatus>(2)?);
    let region = (w.world.instance(&id))
        .map(|x| x.region_id.clone())
        .ok_or_else(|| format!("the scenario states no instance {id:?}"))?;
    let call = Call::new(DESCRIBE_INSTANCES.name, WireForm::V1Get, Some(Format::Json))
        .param("RegionId", &region)
        .param("InstanceIds", format!("[\"{id}\"]"));
    let within = std::time::Duration::from_secs(a.get(3)?);
    let t = &w.world.transitions;
    let lasts = match through {
        InstanceStatus::Stopping => t.stop_ms,
        InstanceStatus::Starting => t.start_ms,
        _ => 0,
    };
    poll_through(
        w,
        ids::TRANSITION_POLLED,
        &format!("instance {id:?} in DescribeInstances"),
        (through.as_str(), to.as_str()),
        std::time::Duration::from_millis(lasts),
        within,
        async move |w: &mut SuiteWorld| {
            let answer = w.poll(&call).await?;
            Ok((described(&answer, "Instances", "Instance", "Status")?, None))
        },
        |_| None,
    )
    .await
}
