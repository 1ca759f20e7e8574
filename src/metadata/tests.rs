//! The committed extract: fresh, whole, and read back as written.

use super::*;
use committed::EXTRACT;

const SNAPSHOT: &str = "2025-12-19";

fn snapshot_file(date: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!(
        "tests/metadata/ecs-2014-05-26.api-docs.{date}.json"
    ));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every committed snapshot's date, oldest first.
fn snapshot_dates() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/metadata");
    let mut dates: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| {
            let date = n
                .strip_prefix("ecs-2014-05-26.api-docs.")?
                .strip_suffix(".json")?;
            Some(date.to_owned())
        })
        .collect();
    dates.sort();
    dates
}

/// Regenerate with `cargo run -- metadata extract
/// tests/metadata/ecs-2014-05-26.api-docs.DATE.json --snapshot DATE >
/// data/ecs-2014-05-26.metadata.jsonl`, DATE the extract's own (its header's `snapshot`).
#[test]
fn the_committed_extract_is_what_the_command_makes_of_the_committed_snapshot() {
    let date = &header().snapshot;
    assert!(
        snapshot_dates().contains(date),
        "tests/metadata holds no snapshot of {date}"
    );
    let made = extract(&snapshot_file(date), date).unwrap();
    assert!(
        made == EXTRACT,
        "data/ecs-2014-05-26.metadata.jsonl is stale ({} bytes committed, {} made): run `cargo run \
         -- metadata extract tests/metadata/ecs-2014-05-26.api-docs.{date}.json --snapshot \
         {date} > data/ecs-2014-05-26.metadata.jsonl`",
        EXTRACT.len(),
        made.len()
    );
    assert_eq!(
        snapshot_dates().last(),
        Some(date),
        "cut from the newest snapshot"
    );
}

#[test]
fn every_line_of_the_extract_reads_back_as_it_was_written() {
    let h = header();
    assert_eq!(
        (h.product.as_str(), h.version.as_str(), h.snapshot.as_str()),
        ("Ecs", "2014-05-26", SNAPSHOT)
    );
    assert_eq!(h.source, SOURCE_URL);
    let names: Vec<&str> = names().collect();
    assert_eq!(names.len(), h.actions);
    assert_eq!(h.actions, 358);
    assert!(names.windows(2).all(|w| w[0] < w[1]), "sorted by name");
    for (line, name) in EXTRACT.lines().skip(1).zip(&names) {
        let a = action(name).unwrap();
        let again = serde_json::to_string(a).unwrap();
        assert_eq!(again, line, "{name} does not read back as written");
    }
    let listed: usize = h.directories.iter().map(|d| d.actions.len()).sum();
    assert_eq!(listed, 358, "every action is in one directory");
    assert_eq!(directory_of("DescribeRegions"), Some("Regions"));
    assert!(action("NoSuchAction").is_none());
}

#[test]
fn an_action_keeps_what_the_harness_and_the_mock_read() {
    let a = action("ResetDisk").unwrap();
    assert!(!a.deprecated);
    assert_eq!(a.operation_type.as_deref(), Some("update"));
    assert_eq!(a.risk_type.as_deref(), Some("high"));
    let dry_run = a.parameter("DryRun").unwrap();
    assert_eq!(
        (dry_run.location.as_str(), dry_run.shape()),
        ("query", "boolean, optional".to_owned())
    );
    assert_eq!(a.parameter("DiskId").unwrap().shape(), "string, required");
    assert_eq!(a.errors().count(), 27);
    assert!(a.errors().any(|e| e
        == (
            "400",
            "InternalError",
            "The requested services is not available now. Please try again later."
        )));
    let success = a.success.as_ref().unwrap();
    assert_eq!(success.status, "200");
    let fields = success.schema.properties.as_ref().unwrap();
    assert!(fields.get("RequestId").is_some());
    assert!(
        a.response_demo
            .get("xml")
            .unwrap()
            .starts_with("<ResetDiskResponse>")
    );
    assert!(a.response_demo.get("json").is_some());

    // A list of objects, its XML wrapper, and the order of its fields as the metadata gives it.
    let regions = action("DescribeRegions").unwrap();
    let schema = &regions.success.as_ref().unwrap().schema;
    let wrapper = schema.properties.as_ref().unwrap().get("Regions").unwrap();
    assert!(wrapper.item_node);
    let list = wrapper.properties.as_ref().unwrap().get("Region").unwrap();
    assert_eq!(list.type_words(), "array of object");
    let item: Vec<&str> = list
        .items
        .as_ref()
        .unwrap()
        .properties
        .as_ref()
        .unwrap()
        .0
        .iter()
        .map(|(k, _)| k.as_str())
        .collect();
    assert_eq!(item, ["Status", "RegionEndpoint", "LocalName", "RegionId"]);
}

#[test]
fn a_file_that_is_not_ecs_metadata_is_refused_with_what_it_is() {
    let err = |text: &str| Metadata::read(text, "2025-01-01").unwrap_err().to_string();
    assert!(err("{").starts_with("not JSON"), "{}", err("{"));
    assert!(err("[1, 2]").starts_with("not Alibaba Cloud API metadata"));
    assert!(
        err("{\"a\": 1}").contains("`info`"),
        "{}",
        err("{\"a\": 1}")
    );
    let other = r#"{"info": {"product": "Vpc", "version": "2016-04-28"}, "apis": {}}"#;
    assert_eq!(
        err(other),
        "the metadata of Vpc 2016-04-28, not of Ecs 2014-05-26"
    );
    let bad = r#"{"info": {"product": "Ecs", "version": "2014-05-26"}, "apis": {"X": {"parameters": 3}}}"#;
    assert!(err(bad).contains("apis.X.parameters"), "{}", err(bad));
}

/// A row the metadata lists too names it among its sources; a row it does not, not.
#[test]
fn a_row_the_metadata_confirms_names_it_among_its_sources() {
    let c = Catalogue::of("ResetDisk").unwrap();
    let row = |message: &str| {
        c.rows()
            .iter()
            .find(|r| r.answer.message == message)
            .unwrap()
    };
    let current =
        row("The operation is not supported to the specified disk due to its disk category.");
    assert_eq!(sources(current), [current.source.clone(), citation()]);
    assert!(citation().contains("snapshot 2025-12-19"));
    for only_the_page in [
        "The operation is not supported to the specified disk due to its disk category",
        "Non-encrypted disk can not be reset by encrypted snapshot.",
    ] {
        assert_eq!(sources(row(only_the_page)).len(), 1, "{only_the_page}");
    }
    let confirmed = c.rows().iter().filter(|r| confirms(r)).count();
    assert_eq!(confirmed, 27, "every row the metadata lists for ResetDisk");
    // A row that is no catalogue's own is confirmed by nothing.
    assert!(!confirms(&current.clone()));
}

mod cross_check {
    use super::super::drift::{self, Change, Side};
    use super::*;
    use crate::contract::editions;

    /// The latest edition of every action the suite judges, held against the committed metadata:
    /// each row (status, code, message) and parameter in both, or in one with a written reason.
    #[test]
    fn the_latest_edition_agrees_with_the_metadata_or_says_why_not() {
        let diffs = drift::compare(action, editions::latest());
        let lines: Vec<String> = diffs.iter().map(ToString::to_string).collect();
        assert!(
            diffs.is_empty(),
            "edition {} and the metadata of {} differ, with no reason written in \
             features/<Action>.metadata.tsv:\n{}",
            editions::latest().name,
            header().snapshot,
            lines.join("\n")
        );
    }

    /// A copy of the committed metadata's `name`, changed by `edit`.
    fn changed(name: &str, edit: impl Fn(&mut Action)) -> Vec<String> {
        let mut copy = action(name).unwrap().clone();
        edit(&mut copy);
        let lookup = |n: &str| if n == name { Some(&copy) } else { action(n) };
        // Every table held to the metadata: the judged ones and the pending ones.
        let actions = drift::judged_actions().chain(drift::pending_actions());
        drift::compare_actions(actions, lookup, editions::latest())
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    fn add_row(a: &mut Action, status: &str, code: &str, message: &str) {
        let list = match a.error_codes.0.iter_mut().find(|(s, _)| s == status) {
            Some((_, list)) => list,
            None => {
                a.error_codes.0.push((status.to_owned(), Vec::new()));
                &mut a.error_codes.0.last_mut().unwrap().1
            }
        };
        list.push(ErrorCode {
            code: code.into(),
            message: message.into(),
        });
    }

    #[test]
    fn every_kind_of_change_is_named() {
        assert_eq!(
            changed("ResetDisk", |a| add_row(
                a,
                "409",
                "New.Code",
                "New message."
            )),
            ["ResetDisk: row added: 409 New.Code \"New message.\""]
        );
        assert_eq!(
            changed("ResetDisk", |a| a.parameters.retain(|p| p.name != "DryRun")),
            ["ResetDisk: parameter removed: DryRun"]
        );
        assert_eq!(
            changed("ResetDisk", |a| {
                a.parameters[0].name = "DiskIds".into();
            }),
            [
                "ResetDisk: parameter removed: DiskId",
                "ResetDisk: parameter added: DiskIds (string, required)"
            ]
        );
        assert_eq!(
            changed("ResetDisk", |a| {
                let p = a
                    .parameters
                    .iter_mut()
                    .find(|p| p.name == "DryRun")
                    .unwrap();
                p.schema.kind = Some("string".into());
                p.schema.required = true;
            }),
            ["ResetDisk: parameter retyped: DryRun: boolean, optional -> string, required"]
        );
        let reworded = changed("ResetDisk", |a| {
            for (_, list) in &mut a.error_codes.0 {
                for e in list.iter_mut().filter(|e| e.code == "OperationDenied") {
                    e.message = "The specified snapshot does not support ResetDisk.".into();
                }
            }
        });
        assert_eq!(
            reworded,
            [
                "ResetDisk: row reworded: 403 OperationDenied: \"The specified snapshot dees not \
              support ResetDisk.\" -> \"The specified snapshot does not support ResetDisk.\""
            ]
        );
        let status_moved = changed("ResetDisk", |a| {
            for (_, list) in &mut a.error_codes.0 {
                list.retain(|e| e.code != "InvalidParameter.KMSKeyId.CMKNotEnabled");
            }
            add_row(
                a,
                "400",
                "InvalidParameter.KMSKeyId.CMKNotEnabled",
                "The CMK needs to be enabled.",
            );
        });
        assert_eq!(status_moved.len(), 2, "{status_moved:?}");
        assert!(
            status_moved[0].contains("row removed: 403 InvalidParameter.KMSKeyId.CMKNotEnabled")
        );
        assert!(status_moved[1].contains("row added: 400 InvalidParameter.KMSKeyId.CMKNotEnabled"));
        let gone = changed("DescribeRegions", |a| a.error_codes.0.clear());
        assert!(
            !gone.is_empty() && gone.iter().all(|l| l.contains("row removed")),
            "{gone:?}"
        );
        let missing = drift::compare(
            |n| (n != "ResetDisk").then(|| action(n)).flatten(),
            editions::latest(),
        );
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].change, Change::ActionMissing);
    }

    /// The pending edition's lines read as the editions data once PENDING is a date: here the
    /// latest edition's, the only one a test can name.
    #[test]
    fn a_pending_edition_pastes_into_the_editions_data() {
        let mut copy = action("ResetDisk").unwrap().clone();
        add_row(&mut copy, "409", "New.Code", "New message.");
        copy.parameters.retain(|p| p.name != "DryRun");
        copy.parameters.push(Parameter {
            name: "Force".into(),
            location: "query".into(),
            style: None,
            allow_empty_value: false,
            schema: Schema {
                kind: Some("boolean".into()),
                ..Schema::default()
            },
        });
        for (_, list) in &mut copy.error_codes.0 {
            list.retain(|e| e.code != "OperationDenied");
        }
        let lookup = |n: &str| {
            if n == "ResetDisk" {
                Some(&copy)
            } else {
                action(n)
            }
        };
        let diffs = drift::compare(lookup, editions::latest());
        let files = drift::pending(&diffs, "api-docs.json");
        let names: Vec<&str> = files.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            names,
            [
                "features/editions.tsv",
                "features/ResetDisk.errors.tsv",
                "features/ResetDisk.contract.tsv"
            ]
        );
        let latest = editions::latest().name;
        let as_data = |lines: &[String]| lines.join("\n").replace(drift::PENDING, latest);
        let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
        let (_, edition) = &files[0];
        assert!(
            edition[0].contains("ResetDisk adds 409 New.Code"),
            "{edition:?}"
        );
        let one = leak(as_data(edition).replace(latest, "2099-01-01"));
        assert_eq!(editions::parse(one).unwrap().len(), 1);
        let rows = crate::catalogue::Catalogue::parse("x", &as_data(&files[1].1)).unwrap();
        assert_eq!(
            rows.rows().len(),
            2,
            "the removed row ended, the added one begun"
        );
        let facts = editions::parse_facts(leak(as_data(&files[2].1))).unwrap();
        assert_eq!(facts.len(), 2, "DryRun ended, Force begun: {facts:?}");
    }

    #[test]
    fn a_written_reason_that_no_longer_holds_is_a_difference_too() {
        for k in drift::known()
            .iter()
            .filter(|k| k.only_in == Side::Reference && k.editions.contains(editions::latest()))
        {
            let both = changed(k.action, |a| add_row(a, k.status, k.code, k.message));
            assert_eq!(both.len(), 1, "{both:?}");
            assert!(both[0].contains("known difference gone"), "{both:?}");
        }
        assert!(drift::known().iter().all(|k| !k.reason.trim().is_empty()));
        assert!(
            drift::known().iter().any(|k| k.only_in == Side::Reference),
            "the reference's second messages are written down"
        );
    }
}

/// The editions are dated by the metadata: each archived snapshot agrees with the edition in
/// force on its date (the reference's rows that the metadata cannot hold aside, with their
/// reasons).
#[test]
fn each_snapshot_agrees_with_the_edition_in_force_on_its_date() {
    let dates = snapshot_dates();
    assert_eq!(dates, ["2024-09-23", "2025-12-19"]);
    for date in &dates {
        let m = Metadata::read(&snapshot_file(date), date).unwrap();
        let edition = crate::contract::editions::in_force_on(date).unwrap();
        let diffs: Vec<String> = drift::compare(|n| m.action(n), edition)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert!(
            diffs.is_empty(),
            "the metadata of {date} and edition {}, in force that day, differ:\n{}",
            edition.name,
            diffs.join("\n")
        );
    }
}

/// The tables the mock answers from before scenarios judge them (`*.pending-errors.tsv`) are held
/// to the metadata as the judged ones are: the committed extract against the latest edition, and
/// each committed snapshot against the edition in force on its date, with every row only one side
/// lists written down, in the editions it holds (`features/<Action>.metadata.tsv`).
#[test]
fn each_pending_table_agrees_with_each_snapshot_or_says_why_not() {
    // Each rollback action has a table, pending until its scenarios judge every row; a judged
    // one is held by `each_snapshot_agrees_with_the_edition_in_force_on_its_date`.
    let pending: Vec<&str> = drift::pending_actions().collect();
    let judged: Vec<&str> = drift::judged_actions().collect();
    for action in ["StopInstance", "StartInstance", "CreateSnapshot"] {
        assert!(
            pending.contains(&action) || judged.contains(&action),
            "{action} has no table: {pending:?} {judged:?}"
        );
    }
    let mut checks = vec![(header().snapshot.clone(), None)];
    for date in snapshot_dates() {
        checks.push((
            date.clone(),
            Some(Metadata::read(&snapshot_file(&date), &date).unwrap()),
        ));
    }
    for (date, snapshot) in &checks {
        let edition = match snapshot {
            None => crate::contract::editions::latest(),
            Some(_) => crate::contract::editions::in_force_on(date).unwrap(),
        };
        let diffs: Vec<String> = match snapshot {
            None => drift::compare_actions(pending.iter().copied(), action, edition),
            Some(m) => drift::compare_actions(pending.iter().copied(), |n| m.action(n), edition),
        }
        .iter()
        .map(ToString::to_string)
        .collect();
        assert!(
            diffs.is_empty(),
            "the pending tables and the metadata of {date} (edition {}) differ:\n{}",
            edition.name,
            diffs.join("\n")
        );
    }
}
