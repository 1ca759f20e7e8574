//! StartInstance's own steps: starting an instance, with or without one more parameter, how long
//! a start takes, and what a start must have done to the instance.

use super::observing::instance_status;
use super::step::{Args, Calls, Step};
use crate::client::{Call, WireForm};
use crate::contract::start_instance::ACTION;
use crate::evidence::ids;
use crate::suite::check;
use crate::world::InstanceStatus;

/// The start of the step's instance (argument 0), in the format of argument 1.
fn start_of(a: &Args) -> Result<Call, String> {
    Ok(Call::new(ACTION.name, WireForm::V1Get, Some(a.format(1)?)).param("InstanceId", a.text(0)?))
}

pub const STEPS: &[Step] = &[
    Step::given("a start takes {int} ms", |w, a| {
        w.world_mut()?.transitions.start_ms = a.get(0)?;
        Ok(())
    }),
    Step::when(
        "I start instance {string} in {format}",
        Calls::Fixed(1),
        |w, a| {
            Box::pin(async move {
                let call = start_of(a)?;
                w.send(&call, None).await
            })
        },
    ),
    // One more parameter: `InitLocalDisk`, `DryRun`, or any other.
    Step::when(
        "I start instance {string} in {format} with {word} {string}",
        Calls::Fixed(1),
        |w, a| {
            Box::pin(async move {
                let call = start_of(a)?.param(a.text(2)?, a.text(3)?);
                w.send(&call, None).await
            })
        },
    ),
    Step::then("the start succeeds", |j, _| {
        Ok(check::success(j.last()?, ACTION.name, ACTION.answer_fields))
    }),
    Step::observe("instance {string} was started", ids::STARTED, |w, a| {
        Box::pin(instance_status(
            w,
            a,
            ids::STARTED,
            &[InstanceStatus::Starting, InstanceStatus::Running],
            "was started",
        ))
    }),
    // A refused start or a dry run changed nothing: the instance is still stopped.
    Step::observe(
        "instance {string} was not started",
        ids::DRY_RUN_CHANGES_NOTHING,
        |w, a| {
            Box::pin(instance_status(
                w,
                a,
                ids::DRY_RUN_CHANGES_NOTHING,
                &[InstanceStatus::Stopped],
                "was not started",
            ))
        },
    ),
];
