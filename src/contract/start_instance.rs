//! StartInstance, declared: it starts a stopped instance, which passes through `Starting` to
//! `Running` over the time the world sets (`transitions.start_ms`). It names and changes one
//! instance. Its error table is `features/StartInstance.pending-errors.tsv` (pending: the mock
//! answers from it, no scenario judges it yet; docs/contract.md, "The rollback actions").

use super::action::{Action, Resource, Role, transitions_control_only, unmarked, unmarked_in};

pub const ACTION: Action = Action {
    name: "StartInstance",
    role: Role::Contract,
    names: &[("InstanceId", Resource::Instance)],
    sample: &[("InstanceId", "i-instance1")],
    answer_fields: &["RequestId"],
    changes: &[Resource::Instance],
    disk_marks: unmarked_in,
    snapshot_marks: unmarked,
    control_only: transitions_control_only,
};
