//! StopInstance's own steps: stopping an instance, with or without one more parameter, how long
//! a stop takes, and what a stop must have done to the instance.

use super::observing::instance_status;
use super::step::{Args, Calls, Step};
use crate::client::{Call, WireForm};
use crate::contract::stop_instance::ACTION;
use crate::evidence::ids;
use crate::suite::check;
use crate::world::InstanceStatus;

/// The stop of the step's instance (argument 0), in the format of argument 1.
fn stop_of(a: &Args) -> Result<Call, String> {
    Ok(Call::new(ACTION.name, WireForm::V1Get, Some(a.format(1)?)).param("InstanceId", a.text(0)?))
}

pub const STEPS: &[Step] = &[
    Step::given("a stop takes {int} ms", |w, a| {
        w.world_mut()?.transitions.stop_ms = a.get(0)?;
        Ok(())
    }),
    Step::when(
        "I stop instance {string} in {format}",
        Calls::Fixed(1),
        |w, a| {
            Box::pin(async move {
                let call = stop_of(a)?;
                w.send(&call, None).await
            })
        },
    ),
    // One more parameter: `ConfirmStop`, `Hibernate`, `DryRun`, or any other.
    Step::when(
        "I stop instance {string} in {format} with {word} {string}",
        Calls::Fixed(1),
        |w, a| {
            Box::pin(async move {
                let call = stop_of(a)?.param(a.text(2)?, a.text(3)?);
                w.send(&call, None).await
            })
        },
    ),
    Step::then("the stop succeeds", |j, _| {
        Ok(check::success(j.last()?, ACTION.name, ACTION.answer_fields))
    }),
    Step::observe("instance {string} was stopped", ids::STOPPED, |w, a| {
        Box::pin(instance_status(
            w,
            a,
            ids::STOPPED,
            &[InstanceStatus::Stopping, InstanceStatus::Stopped],
            "was stopped",
        ))
    }),
    // A refused stop or a dry run changed nothing: the instance is still running.
    Step::observe(
        "instance {string} was not stopped",
        ids::DRY_RUN_CHANGES_NOTHING,
        |w, a| {
            Box::pin(instance_status(
                w,
                a,
                ids::DRY_RUN_CHANGES_NOTHING,
                &[InstanceStatus::Running],
                "was not stopped",
            ))
        },
    ),
];
