//! The steps of the test-only action `TestOnlyWipeDisk` (`contract::testing`): what a new
//! action's steps are — one module, one line in the registry's list — and, in the rejudge's
//! tests, the proof that its Then steps are judged again from recorded exchanges with no edit
//! anywhere else.

use super::step::{Calls, Step};
use crate::client::{Call, WireForm};
use crate::contract::testing::WIPE_DISK;
use crate::suite::check;

pub const STEPS: &[Step] = &[
    Step::when(
        "I wipe disk {string} in {format}",
        Calls::Fixed(1),
        |w, a| {
            Box::pin(async move {
                let call = Call::new(WIPE_DISK.name, WireForm::V1Get, Some(a.format(1)?))
                    .param("DiskId", a.text(0)?);
                w.send(&call, None).await
            })
        },
    ),
    Step::then("the wipe succeeds", |j, _| {
        Ok(check::success(
            j.last()?,
            WIPE_DISK.name,
            WIPE_DISK.answer_fields,
        ))
    }),
];
