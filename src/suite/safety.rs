//! The runner's rule for a target without a control API (a real account, a vendor's endpoint with
//! resources of its own), where no generated probe may change anything (docs/choices.md, "Safe on
//! real accounts"). Two lines: the generated scenarios that could change the account are not
//! run, by their tags ([`not_run`], before any call); and every call a seam without a control
//! API sends passes [`could_change`] (a call of an action the metadata says changes state, that
//! no declaration of `crate::contract` covers, goes out only as a dry run or without the resource
//! to act on). Hand-written scenarios of declared actions keep their own rules (the discover
//! seam's guard).

use crate::client::Call;
use crate::metadata::{self, probe};
use crate::suite::generated::{COULD_CHANGE, NAMES_UNHELD};

/// Why a generated scenario with `tags` is not run on a target without a control API.
pub fn not_run(tags: &[String]) -> Option<String> {
    if tags.iter().any(|t| t == COULD_CHANGE) {
        return Some(
            "could change the account: a probe of an action that changes state which neither \
             asks for a dry run nor omits the resource to act on runs only against a control API"
                .into(),
        );
    }
    tags.iter().any(|t| t == NAMES_UNHELD).then(|| {
        "it names a resource of a kind no world states (its answer on this account would be \
         that resource's not-found error): run only against a control API"
            .into()
    })
}

/// Why `call` must not be sent to a target without a control API: it is a complete request,
/// without `DryRun=true`, of an action the metadata says changes state and no declaration covers.
pub fn could_change(call: &Call) -> Option<String> {
    if crate::contract::find(&call.action).is_some() {
        return None;
    }
    let action = metadata::action(&call.action)?;
    if probe::reads(action) {
        return None;
    }
    let given = |name: &str| {
        let under = format!("{name}.");
        (call.params.iter()).any(|(k, v)| (k == name || k.starts_with(&under)) && !v.is_empty())
    };
    let dry_run =
        (call.params.iter()).any(|(k, v)| k == probe::DRY_RUN && v.eq_ignore_ascii_case("true"));
    if dry_run && probe::takes_dry_run(action) {
        return None;
    }
    let omits_resource = (probe::parameters(action).iter())
        .any(|p| p.required && probe::names_resource(p.name) && !given(p.name));
    if omits_resource {
        return None;
    }
    Some(format!(
        "refused: {} changes state, and this call neither asks for a dry run nor omits the \
         resource to act on; without a control API it could change the account",
        call.action
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::WireForm;

    fn call(action: &str, params: &[(&str, &str)]) -> Call {
        (params.iter()).fold(Call::new(action, WireForm::V1Get, None), |c, (k, v)| {
            c.param(*k, *v)
        })
    }

    #[test]
    fn only_a_dry_run_or_a_call_without_its_resource_of_a_change_goes_out() {
        let region = ("RegionId", "cn-hangzhou");
        // RebootInstance changes state, takes DryRun and requires InstanceId.
        let complete = call("RebootInstance", &[region, ("InstanceId", "i-1")]);
        assert!(could_change(&complete).is_some());
        let dry = call(
            "RebootInstance",
            &[region, ("InstanceId", "i-1"), ("DryRun", "TRUE")],
        );
        assert_eq!(could_change(&dry), None);
        let false_dry = call(
            "RebootInstance",
            &[region, ("InstanceId", "i-1"), ("DryRun", "false")],
        );
        assert!(could_change(&false_dry).is_some());
        assert_eq!(could_change(&call("RebootInstance", &[region])), None);
        // A read, an action of no metadata, a declared action: not this rule's.
        assert_eq!(could_change(&call("DescribeZones", &[region])), None);
        assert_eq!(could_change(&call("NoSuchAction", &[])), None);
        assert_eq!(could_change(&call("ResetDisk", &[("DiskId", "d-1")])), None);
        // A change without any resource-naming parameter: only its dry run.
        assert!(could_change(&call("CreateDisk", &[region, ("Size", "20")])).is_some());
    }

    #[test]
    fn generated_scenarios_that_could_change_or_name_unheld_resources_are_not_run() {
        assert!(not_run(&["shape".into(), COULD_CHANGE.into()]).is_some());
        assert!(not_run(&[NAMES_UNHELD.into()]).is_some());
        assert_eq!(not_run(&["shape".into(), "reads".into()]), None);
    }
}
