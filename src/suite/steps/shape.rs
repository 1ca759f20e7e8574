//! Then: what a valid call of an action at shape depth must answer, judged against its success
//! schema in the API metadata (`suite::schema`), for the generated scenarios
//! (`suite::generated`). Their other steps are the generic ones (`I call … with`, `the answer is
//! one of`).

use super::step::Step;
use crate::suite::schema;
use crate::suite::verdict::Findings;

pub const STEPS: &[Step] = &[
    Step::then(
        "each answer is a success of its documented fields",
        |j, _| {
            if j.answers.is_empty() {
                return Err("no call was made before this step".into());
            }
            let mut f = Findings::default();
            for a in j.answers {
                f.extend(schema::documented_success(a));
            }
            Ok(f)
        },
    )
    .going_on(),
    Step::then("both answers carry the same documented fields", |j, _| {
        let [xml, json] = j.answers else {
            return Err(format!("expected two answers, got {}", j.answers.len()));
        };
        Ok(schema::parity(xml, json))
    }),
];
