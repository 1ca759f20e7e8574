//! What the vendor claims (`run --actions`): the actions the target implements. A scenario of an
//! action not claimed is not run, saying so, before any call; and each unclaimed action the run
//! selects is sent a probe instead, in each format the run selects — a valid-looking call with only
//! `RegionId` — whose answer must be ECS's own for an action it does not have. That expectation is not restated here: the
//! probe takes the table of the suite's scenario tagged `@unknown-action` (the common
//! catalogue's rows for an unknown action, with their levels).

use std::collections::BTreeSet;

use cucumber::feature::Ext as _;
use cucumber::gherkin;

use crate::format::Format;

/// The tag of the scenario whose expectation the probes reuse.
pub const UNKNOWN_ACTION: &str = "unknown-action";
/// The tag of the probes' feature.
pub const NOT_CLAIMED: &str = "not-claimed";
/// The probes' feature.
pub const FEATURE: &str = "Not claimed: an unknown action's answer";

/// The claimed actions from `--actions`: a path to a file of one name a line (`#` starts a
/// comment), or a comma-separated list. An error names what is not an action of the metadata.
pub fn parse(spec: &str) -> Result<BTreeSet<String>, String> {
    let path = std::path::Path::new(spec);
    let text = if path.is_file() {
        std::fs::read_to_string(path).map_err(|e| format!("--actions {spec}: {e}"))?
    } else {
        spec.replace(',', "\n")
    };
    let names: BTreeSet<String> = (text.lines())
        .map(|l| l.split('#').next().unwrap_or_default().trim())
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    if names.is_empty() {
        return Err(format!("--actions {spec:?} names no action"));
    }
    let known: BTreeSet<&str> = crate::metadata::names().collect();
    let unknown: Vec<&str> = (names.iter().map(String::as_str))
        .filter(|n| !known.contains(n))
        .collect();
    if !unknown.is_empty() {
        return Err(format!(
            "--actions names {} not an action of ECS 2014-05-26 (the API metadata): {}",
            if unknown.len() == 1 { "one" } else { "some" },
            unknown.join(", ")
        ));
    }
    Ok(names)
}

/// The actions `tags` name (`@action:{Name}`).
pub fn actions<'a>(tags: impl IntoIterator<Item = &'a String>) -> impl Iterator<Item = &'a str> {
    tags.into_iter().filter_map(|t| t.strip_prefix("action:"))
}

/// Why a scenario with these tags (its feature's, its rule's and its own) is not run: it is of an
/// action the target does not claim.
pub fn not_run<'a>(
    claimed: &BTreeSet<String>,
    tags: impl IntoIterator<Item = &'a String>,
) -> Option<String> {
    let unclaimed: BTreeSet<&str> = actions(tags).filter(|a| !claimed.contains(*a)).collect();
    (!unclaimed.is_empty()).then(|| {
        let names: Vec<&str> = unclaimed.into_iter().collect();
        format!(
            "not claimed: the target does not implement {} (--actions)",
            names.join(", ")
        )
    })
}

/// The probes' feature: one scenario per action of `unclaimed` and format of `formats`, expecting
/// the table of the scenario tagged `@unknown-action` among `features`.
pub fn probes(
    features: &[gherkin::Feature],
    unclaimed: &BTreeSet<String>,
    formats: &[Format],
) -> Result<gherkin::Feature, String> {
    let expectation = (features.iter())
        .flat_map(|f| f.scenarios.iter().chain(f.rules.iter().flat_map(|r| &r.scenarios)))
        .find(|s| s.tags.iter().any(|t| t == UNKNOWN_ACTION))
        .and_then(|s| s.steps.iter().find_map(|st| st.table.as_ref()))
        .ok_or_else(|| {
            format!("no scenario tagged @{UNKNOWN_ACTION} with a table: the probes of --actions have no expectation")
        })?;
    let table: String = (expectation.rows.iter())
        .map(|r| format!("      | {} |\n", r.join(" | ")))
        .collect();
    let mut text = format!(
        "@{NOT_CLAIMED}\nFeature: {FEATURE}\n  Each action the target does not claim (--actions) \
         must be refused as ECS refuses an action it does not have.\n"
    );
    for (a, format) in unclaimed
        .iter()
        .flat_map(|a| formats.iter().map(move |f| (a, f)))
    {
        let format = format.as_param();
        text.push_str(&format!(
            "\n  @action:{a}\n  Scenario: {a} is refused as unknown ({format})\n    \
             When I call \"{a}\" in {format} with\n      | RegionId | cn-hangzhou |\n    \
             Then the answer is one of\n{table}"
        ));
    }
    gherkin::Feature::parse(text, gherkin::GherkinEnv::default())
        .map_err(|e| format!("the probes of --actions: {e}"))
}

/// Whether `feature` is the probes' own.
pub fn is_probe(feature: &gherkin::Feature) -> bool {
    feature.tags.iter().any(|t| t == NOT_CLAIMED)
}

/// The actions not in `claimed` of which `selects` keeps at least one scenario.
pub fn unclaimed_selected(
    features: &[gherkin::Feature],
    claimed: &BTreeSet<String>,
    selects: impl Fn(&gherkin::Feature, Option<&gherkin::Rule>, &gherkin::Scenario) -> bool,
) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for f in features
        .iter()
        .filter_map(|f| f.clone().expand_examples().ok())
    {
        let plain = f.scenarios.iter().map(|s| (None, s));
        let ruled = (f.rules.iter()).flat_map(|r| r.scenarios.iter().map(move |s| (Some(r), s)));
        for (r, s) in plain.chain(ruled).filter(|(r, s)| selects(&f, *r, s)) {
            let tags = f
                .tags
                .iter()
                .chain(r.iter().flat_map(|r| &r.tags))
                .chain(&s.tags);
            out.extend(
                actions(tags)
                    .filter(|a| !claimed.contains(*a))
                    .map(str::to_owned),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_or_a_file_of_known_actions_is_read_and_an_unknown_one_is_refused() {
        let list = parse(" ResetDisk ,DescribeRegions").unwrap();
        assert_eq!(
            list.into_iter().collect::<Vec<_>>(),
            ["DescribeRegions", "ResetDisk"]
        );
        let file = std::env::temp_dir().join(format!("claims-{}.txt", std::process::id()));
        std::fs::write(&file, "# ours\nResetDisk\n\nDescribeRegions # read only\n").unwrap();
        let read = parse(file.to_str().unwrap()).unwrap();
        std::fs::remove_file(&file).unwrap();
        assert_eq!(read.len(), 2);
        let e = parse("ResetDisk,DeleteEverything").unwrap_err();
        assert!(
            e.contains("DeleteEverything") && !e.contains("ResetDisk"),
            "{e}"
        );
        assert!(parse(" , ").is_err());
    }

    #[test]
    fn a_scenario_of_an_unclaimed_action_is_not_run_and_its_probe_expects_the_unknown_answer() {
        let claimed = BTreeSet::from(["ResetDisk".to_owned()]);
        let tags = |t: &[&str]| t.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            not_run(&claimed, &tags(&["action:ResetDisk", "shape"])),
            None
        );
        let why = not_run(&claimed, &tags(&["action:StartInstance"])).unwrap();
        assert!(
            why.contains("does not implement StartInstance (--actions)"),
            "{why}"
        );
        assert_eq!(not_run(&claimed, &tags(&["errors"])), None);
        let features = crate::suite::SuiteFiles::Embedded.features().unwrap();
        let unclaimed = BTreeSet::from(["StartInstance".to_owned()]);
        let probes = probes(&features, &unclaimed, &Format::BOTH).unwrap();
        assert!(is_probe(&probes));
        let names: Vec<&str> = probes.scenarios.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "StartInstance is refused as unknown (XML)",
                "StartInstance is refused as unknown (JSON)"
            ]
        );
        let json_only = super::probes(&features, &unclaimed, &[Format::Json]).unwrap();
        assert_eq!(json_only.scenarios.len(), 1);
        let step = &probes.scenarios[0].steps[1];
        let rows = &step.table.as_ref().unwrap().rows;
        assert!(
            rows.iter().any(|r| r[1] == "InvalidAction.NotFound"),
            "{rows:?}"
        );
        assert_eq!(probes.scenarios[0].tags, ["action:StartInstance"]);
    }
}
