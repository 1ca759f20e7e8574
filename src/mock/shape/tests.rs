//! The generic handler: each class of parameter on actions of the extract and on small actions
//! written here, and walks over the whole extract — a valid call of every action, every required
//! parameter left out, every typed parameter given a wrong value, every dry run, every read's
//! document against its schema in both formats, no state-changing action ever answering 200.

use serde_json::{Value, json};

use super::*;
use crate::metadata::{Action, Parameter, Schema};
use crate::suite::document::{Document, Node as Read};

/// The time a call is answered at: any will do for a world with no transition under way.
fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

/// The sample world's resources, named by the parameters that name their kinds.
const SAMPLE_IDS: [(&str, &str); 3] = [
    ("InstanceId", "i-instance1"),
    ("DiskId", "d-diskid1"),
    ("SnapshotId", "s-snapshotid1"),
];

fn params(pairs: &[(&str, &str)]) -> Params {
    pairs.iter().copied().collect()
}

fn shape(name: &str) -> &'static Shape {
    find(name).unwrap_or_else(|| panic!("{name} is in the extract"))
}

fn call(shape: &Shape, params: &Params, format: Format) -> Result<String, ApiError> {
    shape.answer(&World::sample(), params, "R-1", format, now())
}

fn code(r: Result<String, ApiError>) -> (u16, String) {
    match r {
        Ok(doc) => (200, doc),
        Err(e) => (e.status, e.code.into_owned()),
    }
}

/// An action of our own, from one line in the extract's format (`json!` sorts an object's keys:
/// a test of the order of fields writes its line as text).
fn synthetic(line: Value) -> &'static Shape {
    synthetic_line(&line.to_string())
}

fn synthetic_line(line: &str) -> &'static Shape {
    let action: Action = serde_json::from_str(line).expect("an action line");
    Box::leak(Box::new(Shape::compile(Box::leak(Box::new(action)))))
}

/// The parameters of `action`, each once, in order.
fn parameters(action: &Action) -> Vec<&Parameter> {
    let mut out: Vec<&Parameter> = Vec::new();
    for p in &action.parameters {
        if !out.iter().any(|q| q.name == p.name) {
            out.push(p);
        }
    }
    out
}

fn required(action: &Action, name: &str) -> bool {
    action
        .parameters
        .iter()
        .filter(|p| p.name == name)
        .all(|p| p.schema.required)
}

// --- A valid value of a schema, as a client would send it ---------------------------------------

/// A scalar value the schema accepts: its first enum value, else one within its bounds.
fn valid_scalar(schema: &Schema) -> String {
    if let Some(first) = schema.enumeration.as_ref().and_then(|e| e.0.first()) {
        return first.clone();
    }
    let bound =
        |t: &Option<crate::metadata::Text>| t.as_ref().and_then(|t| t.0.parse::<f64>().ok());
    match schema.kind.as_deref() {
        Some("integer") | Some("number") => {
            let mut x = bound(&schema.minimum).map_or(1.0, |m| {
                if schema.exclusive_minimum {
                    m.floor() + 1.0
                } else {
                    m.ceil()
                }
            });
            if let Some(max) = bound(&schema.maximum) {
                x = x.min(max);
            }
            format!("{x}")
        }
        Some("boolean") => "false".into(),
        _ if schema.pattern.is_some() => "1".into(),
        _ => "x".into(),
    }
}

/// `schema`'s valid value at `path`, flattened as `flat` and `repeatList` send it.
fn flatten(path: &str, schema: &Schema, out: &mut Vec<(String, String)>) {
    match schema.kind.as_deref() {
        Some("array") => {
            let items = schema.items.as_deref().cloned().unwrap_or_default();
            flatten(&format!("{path}.1"), &items, out);
        }
        Some("object") => {
            let props: Vec<_> = schema.properties.iter().flat_map(|p| &p.0).collect();
            let mut chosen: Vec<_> = props.iter().filter(|(_, s)| s.required).collect();
            if chosen.is_empty() {
                chosen = props.iter().take(1).collect();
            }
            for (name, s) in chosen {
                flatten(&format!("{path}.{name}"), s, out);
            }
        }
        _ => out.push((path.to_owned(), valid_scalar(schema))),
    }
}

/// `schema`'s valid value as JSON.
fn json_of(schema: &Schema) -> Value {
    match schema.kind.as_deref() {
        Some("array") => json!([json_of(
            &schema.items.as_deref().cloned().unwrap_or_default()
        )]),
        Some("object") => Value::Object(
            schema
                .properties
                .iter()
                .flat_map(|p| &p.0)
                .map(|(k, s)| (k.clone(), json_of(s)))
                .collect(),
        ),
        Some("integer") => json!(valid_scalar(schema).parse::<i64>().unwrap()),
        Some("number") => json!(valid_scalar(schema).parse::<f64>().unwrap()),
        Some("boolean") => json!(false),
        _ => json!(valid_scalar(schema)),
    }
}

/// A parameter's valid value, as pairs of the request.
fn valid(p: &Parameter) -> Vec<(String, String)> {
    if let Some((_, id)) = SAMPLE_IDS.iter().find(|(n, _)| *n == p.name) {
        return match p.schema.kind.as_deref() {
            Some("array") => vec![(format!("{}.1", p.name), (*id).into())],
            _ => vec![(p.name.clone(), (*id).into())],
        };
    }
    if p.name == "RegionId" {
        return vec![(p.name.clone(), "cn-hangzhou".into())];
    }
    if p.style.as_deref() == Some("json") {
        return vec![(p.name.clone(), json_of(&p.schema).to_string())];
    }
    let mut out = Vec::new();
    flatten(&p.name, &p.schema, &mut out);
    out
}

/// A valid call of `action`: every parameter it requires, with a valid value.
fn valid_call(action: &Action) -> Params {
    parameters(action)
        .into_iter()
        .filter(|p| required(action, &p.name))
        .flat_map(valid)
        .collect()
}

fn actions() -> impl Iterator<Item = &'static Action> {
    names().map(|n| crate::metadata::action(n).unwrap())
}

// --- A document against its schema --------------------------------------------------------------

/// Where `json` departs from `schema`: every field present, each of its JSON type.
fn json_against(schema: &Schema, json: &Value, at: &str, out: &mut Vec<String>) {
    let ok = match schema.kind.as_deref() {
        Some("object") => {
            let Some(fields) = json.as_object() else {
                out.push(format!("{at}: not an object: {json}"));
                return;
            };
            for (name, s) in schema.properties.iter().flat_map(|p| &p.0) {
                match fields.get(name) {
                    Some(v) => json_against(s, v, &format!("{at}.{name}"), out),
                    None => out.push(format!("{at}.{name}: missing")),
                }
            }
            true
        }
        Some("array") => {
            let items = schema.items.as_deref().cloned().unwrap_or_default();
            match json.as_array() {
                Some(list) => {
                    for (i, v) in list.iter().enumerate() {
                        json_against(&items, v, &format!("{at}[{i}]"), out);
                    }
                    true
                }
                None => false,
            }
        }
        Some("integer") => json.is_i64() || json.is_u64(),
        Some("number") => json.is_number(),
        Some("boolean") => json.is_boolean(),
        _ => json.is_string(),
    };
    if !ok {
        out.push(format!("{at}: {json} is not a {:?}", schema.kind));
    }
}

/// Where the XML `node` departs from `schema`: every field present (a list as its repeated
/// name), each scalar's text of its type.
fn xml_against(schema: &Schema, node: &Read, at: &str, out: &mut Vec<String>) {
    let text = node.text();
    match schema.kind.as_deref() {
        Some("object") => {
            if !matches!(node, Read::Object(_)) && text != Some("") {
                out.push(format!("{at}: not an element with children: {node:?}"));
                return;
            }
            for (name, s) in schema.properties.iter().flat_map(|p| &p.0) {
                let found = node.all(name);
                if s.kind.as_deref() == Some("array") {
                    let items = s.items.as_deref().cloned().unwrap_or_default();
                    for (i, v) in found.iter().enumerate() {
                        xml_against(&items, v, &format!("{at}.{name}[{i}]"), out);
                    }
                } else if found.len() == 1 {
                    xml_against(s, found[0], &format!("{at}.{name}"), out);
                } else {
                    out.push(format!("{at}.{name}: {} times", found.len()));
                }
            }
        }
        kind => {
            let ok = match (kind, text) {
                (_, None) => false,
                (Some("integer"), Some(t)) => t.parse::<i64>().is_ok(),
                (Some("number"), Some(t)) => t.parse::<f64>().is_ok(),
                (Some("boolean"), Some(t)) => t == "true" || t == "false",
                _ => true,
            };
            if !ok {
                out.push(format!("{at}: {node:?} is not a {kind:?}"));
            }
        }
    }
}

/// An empty element reads as an empty object or an empty text, as either format writes it.
fn normal(node: &Read) -> Read {
    match node {
        Read::Object(f) if f.is_empty() => Read::Text(String::new()),
        Read::Object(f) => Read::Object(f.iter().map(|(k, v)| (k.clone(), normal(v))).collect()),
        t => t.clone(),
    }
}

/// Whether the read `action` answers `params` with a document of its schema in both formats,
/// the same fields and values in each; what is wrong otherwise.
fn document_problems(action: &Action, params: &Params) -> Vec<String> {
    let shape = shape(&action.name);
    let schema = &action.success.as_ref().unwrap().schema;
    let mut out = Vec::new();
    let json = match call(shape, params, Format::Json) {
        Ok(j) => j,
        Err(e) => return vec![format!("JSON: {e}")],
    };
    let xml = match call(shape, params, Format::Xml) {
        Ok(x) => x,
        Err(e) => return vec![format!("XML: {e}")],
    };
    let value: Value = serde_json::from_str(&json).unwrap();
    json_against(schema, &value, "json", &mut out);
    let read_xml = Document::parse_xml(&xml).unwrap();
    if read_xml.root.as_deref() != Some(&format!("{}Response", action.name)) {
        out.push(format!("XML root {:?}", read_xml.root));
    }
    xml_against(schema, &read_xml.body, "xml", &mut out);
    let read_json = Document::parse_json(&json).unwrap();
    if normal(&read_json.body).sorted() != normal(&read_xml.body).sorted() {
        out.push(format!("XML and JSON differ:\n{xml}\n{json}"));
    }
    if value["RequestId"] != "R-1" {
        out.push(format!("RequestId {}", value["RequestId"]));
    }
    out
}

// --- Walks over the whole extract ---------------------------------------------------------------

#[test]
fn every_action_of_the_metadata_is_served_and_a_handler_of_its_own_wins() {
    use crate::mock::actions::{self, Served};
    let mut own = 0;
    let mut generic = 0;
    for name in names() {
        match actions::find(name) {
            Some(Served::Handler(h)) => {
                assert_eq!(h.name(), name);
                own += 1;
            }
            Some(Served::Shape(s)) => {
                assert_eq!(s.name, name);
                generic += 1;
            }
            None => panic!("{name} is not served"),
        }
    }
    assert_eq!((own, generic), (actions::ACTIONS.len(), 358 - own));
    for unknown in ["DeleteEverything", "resetdisk", "", "Describe"] {
        assert!(actions::find(unknown).is_none(), "{unknown}");
    }
}

#[test]
fn a_valid_call_of_every_action_passes_validation() {
    for action in actions() {
        let params = valid_call(action);
        assert_eq!(
            shape(&action.name).validate(&params),
            Ok(Checked::default()),
            "{}: {params:?}",
            action.name
        );
    }
}

#[test]
fn every_read_answers_a_document_of_its_schema_in_both_formats() {
    let mut reads = 0;
    let mut problems = Vec::new();
    for action in actions().filter(|a| shape(&a.name).effect == Effect::Reads) {
        reads += 1;
        for p in document_problems(action, &valid_call(action)) {
            problems.push(format!("{}: {p}", action.name));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // 107 `get`, 12 `list`, and the three `none` that describe.
    assert_eq!(reads, 122);
}

#[test]
fn no_action_that_changes_state_answers_200_and_each_says_nothing_changed() {
    let mut changes = 0;
    for action in actions().filter(|a| shape(&a.name).effect == Effect::Changes) {
        changes += 1;
        for format in Format::BOTH {
            let e = call(shape(&action.name), &valid_call(action), format).expect_err(&action.name);
            assert_eq!(
                (e.status, e.code.as_ref()),
                (403, "InvalidOperation.NotModelled"),
                "{}",
                action.name
            );
            assert!(e.message.contains(&action.name), "{}", e.message);
        }
    }
    assert_eq!(changes, 358 - 122);
}

#[test]
fn every_required_parameter_left_out_or_empty_is_missing_in_the_gateway_form() {
    let mut checked = 0;
    for action in actions() {
        let call = valid_call(action);
        for p in parameters(action)
            .into_iter()
            .filter(|p| required(action, &p.name))
        {
            let prefix = format!("{}.", p.name);
            for empty in [false, true] {
                let without: Params = call
                    .iter()
                    .filter_map(|(k, v)| {
                        let mine = k == p.name || k.starts_with(&prefix);
                        match (mine, empty) {
                            (false, _) => Some((k, v)),
                            (true, true) => Some((k, "")),
                            (true, false) => None,
                        }
                    })
                    .collect();
                let e = shape(&action.name).validate(&without).unwrap_err();
                assert_eq!(
                    (e.status, e.code.as_ref(), e.message.as_ref()),
                    (
                        400,
                        format!("Missing{}", p.name).as_str(),
                        format!("{} is mandatory for this action.", p.name).as_str()
                    ),
                    "{} without {}",
                    action.name,
                    p.name
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 1000, "{checked}");
}

/// A value of the wrong type for each typed parameter, as its style sends it: `(name sent,
/// value)`.
fn wrong(p: &Parameter) -> Option<(String, String)> {
    let bad = |s: &Schema| match s.kind.as_deref() {
        Some("integer") => Some("1.5"),
        Some("number") => Some("one"),
        Some("boolean") => Some("yes"),
        _ if s.enumeration.as_ref().is_some_and(|e| !e.0.is_empty()) => Some("NotOneOfThem"),
        _ => None,
    };
    match (p.schema.kind.as_deref(), p.style.as_deref()) {
        (Some("array"), Some("repeatList" | "flat")) => {
            let items = p.schema.items.as_deref()?;
            bad(items).map(|v| (format!("{}.1", p.name), v.to_owned()))
        }
        (Some("array" | "object"), Some("json")) => Some((p.name.clone(), "{not json".into())),
        (Some("object"), _) => {
            let (name, s) = p
                .schema
                .properties
                .as_ref()?
                .0
                .iter()
                .find(|(_, s)| bad(s).is_some())?;
            Some((format!("{}.{name}", p.name), bad(s)?.to_owned()))
        }
        _ => bad(&p.schema).map(|v| (p.name.clone(), v.to_owned())),
    }
}

#[test]
fn every_typed_parameter_given_a_wrong_value_is_an_invalid_parameter() {
    let mut checked = std::collections::BTreeMap::<String, usize>::new();
    for action in actions() {
        let shape = shape(&action.name);
        let base = valid_call(action);
        for p in parameters(action) {
            let Some((name, value)) = wrong(p) else {
                continue;
            };
            let mut call = base.clone();
            call.insert(name.clone(), value);
            let e = shape.validate(&call).unwrap_err();
            assert_eq!(e.code, "InvalidParameter", "{} {name}: {e}", action.name);
            assert!(
                e.message.contains(&format!("\"{name}\"")),
                "{} {name}: {}",
                action.name,
                e.message
            );
            assert!((400..500).contains(&e.status), "{}", action.name);
            let class = format!("{:?} {:?}", p.schema.kind, p.style);
            *checked.entry(class).or_default() += 1;
        }
    }
    // Every class of parameter the extract has is reached.
    let classes: Vec<_> = checked.keys().map(String::as_str).collect();
    for class in [
        "Some(\"integer\") None",
        "Some(\"number\") None",
        "Some(\"boolean\") None",
        "Some(\"string\") None",
        "Some(\"array\") Some(\"repeatList\")",
        "Some(\"object\") Some(\"flat\")",
        "Some(\"object\") Some(\"json\")",
    ] {
        assert!(classes.contains(&class), "{class} not reached: {checked:?}");
    }
}

#[test]
fn every_dry_run_runs_the_checks_then_answers_dry_run_operation() {
    let mut taken = 0;
    for action in actions().filter(|a| shape(&a.name).dry_run) {
        taken += 1;
        let shape = shape(&action.name);
        let mut call = valid_call(action);
        for value in ["true", "TRUE", "True"] {
            call.insert("DryRun", value);
            let e = super::Shape::answer(shape, &World::sample(), &call, "R", Format::Xml, now())
                .unwrap_err();
            assert_eq!(e.code, "DryRunOperation", "{}", action.name);
            assert_eq!(e.status, 400, "{}", action.name);
        }
        call.insert("DryRun", "maybe");
        let e = shape.validate(&call).unwrap_err();
        assert_eq!(
            e.message,
            "The specified parameter \"DryRun\" is not valid: it must be true or false."
        );
        // A check that fails is answered before the dry run's success.
        if let Some(p) = parameters(action)
            .into_iter()
            .find(|p| required(action, &p.name))
        {
            let mut without = valid_call(action);
            without = without
                .iter()
                .filter(|(k, _)| *k != p.name && !k.starts_with(&format!("{}.", p.name)))
                .collect();
            without.insert("DryRun", "true");
            let e = shape.validate(&without).unwrap_err();
            assert_eq!(e.code, format!("Missing{}", p.name), "{}", action.name);
        }
    }
    assert_eq!(taken, 33);
}

// --- Each class of parameter ---------------------------------------------------------------------

/// One action with a parameter of every kind the extract has.
fn every_kind() -> &'static Shape {
    synthetic(json!({
        "name": "TestOnlyEveryKind",
        "deprecated": false,
        "operationType": "get",
        "methods": ["get", "post"],
        "parameters": [
            {"name": "Name", "in": "query", "schema": {"type": "string", "required": true,
                "maxLength": 5}},
            {"name": "Small", "in": "query", "schema": {"type": "integer", "format": "int32",
                "minimum": "1", "maximum": "100"}},
            {"name": "Big", "in": "query", "schema": {"type": "integer", "format": "int64"}},
            {"name": "Above", "in": "query", "schema": {"type": "number", "format": "float",
                "minimum": "0", "exclusiveMinimum": true}},
            {"name": "Flag", "in": "query", "schema": {"type": "boolean"}},
            {"name": "Period", "in": "query", "schema": {"type": "integer", "format": "int32",
                "enum": ["60", "600"]}},
            {"name": "Mode", "in": "query", "schema": {"type": "string",
                "enum": ["Online", "Offline"]}},
            {"name": "Digits", "in": "query", "schema": {"type": "string", "pattern": "^\\d+$"}},
            {"name": "Id", "in": "query", "style": "repeatList", "schema": {"type": "array",
                "maxItems": 3, "items": {"type": "integer", "format": "int64"}}},
            {"name": "Tag", "in": "query", "style": "repeatList", "schema": {"type": "array",
                "minItems": 2, "items": {"type": "object", "properties": {
                    "Key": {"type": "string", "required": true},
                    "Weight": {"type": "integer", "format": "int32"}}}}},
            {"name": "Disk", "in": "query", "style": "flat", "schema": {"type": "object",
                "properties": {"Size": {"type": "integer", "format": "int32"},
                    "Names": {"type": "array", "items": {"type": "string"}}}}},
            {"name": "Options", "in": "query", "style": "json", "schema": {"type": "object",
                "properties": {"Strategy": {"type": "string", "required": true},
                    "Ids": {"type": "array", "maxItems": 2, "items": {"type": "string"}},
                    "On": {"type": "boolean"}}}},
            {"name": "Name", "in": "query", "schema": {"type": "string"}}
        ],
        "success": {"status": "200", "schema": {"type": "object", "properties": {
            "RequestId": {"type": "string"}}}}
    }))
}

/// The answer to the call `Name=n` plus `extra`: `Ok` or the refusal's parameter and reason.
fn refusal(extra: &[(&str, &str)]) -> Result<(), (u16, String, String)> {
    let mut p = params(&[("Name", "n")]);
    for (k, v) in extra {
        p.insert(*k, *v);
    }
    every_kind().validate(&p).map(|_| ()).map_err(|e| {
        let message = e.message.into_owned();
        (e.status, e.code.into_owned(), message)
    })
}

fn invalid(name: &str, why: &str) -> Result<(), (u16, String, String)> {
    Err((
        400,
        "InvalidParameter".into(),
        format!("The specified parameter \"{name}\" is not valid: {why}."),
    ))
}

#[test]
fn a_parameter_listed_twice_is_one_required_only_where_every_listing_requires_it() {
    let names: Vec<_> = every_kind().params.names().collect();
    assert_eq!(names.iter().filter(|n| **n == "Name").count(), 1);
    // `Name` is required in one listing, not in the other: not required.
    assert_eq!(every_kind().validate(&params(&[])), Ok(Checked::default()));
    // In the extract: RegionId twice, required both times (87 actions); ClientToken once
    // required and once not (2 actions).
    let e = shape("CreateCommand").validate(&params(&[])).unwrap_err();
    assert_eq!(e.code, "MissingRegionId");
    let token = shape("CreatePhysicalConnection");
    let e = token.validate(&params(&[])).unwrap_err();
    assert_ne!(e.code, "MissingClientToken");
}

#[test]
fn strings_keep_their_length_pattern_and_enum() {
    assert_eq!(refusal(&[("Name", "12345")]), Ok(()));
    assert_eq!(
        refusal(&[("Name", "123456")]),
        invalid("Name", "it must be at most 5 characters long")
    );
    assert_eq!(
        refusal(&[("Name", "中文中文中")]),
        Ok(()),
        "characters, not bytes"
    );
    assert_eq!(refusal(&[("Digits", "0042")]), Ok(()));
    assert_eq!(
        refusal(&[("Digits", "42a")]),
        invalid("Digits", "it must match the pattern ^\\d+$")
    );
    assert_eq!(refusal(&[("Mode", "Offline")]), Ok(()));
    assert_eq!(
        refusal(&[("Mode", "offline")]),
        invalid("Mode", "it must be one of Online, Offline")
    );
}

#[test]
fn integers_are_whole_numbers_in_their_format_range_and_bounds() {
    for ok in ["1", "+7", "100", "007"] {
        assert_eq!(refusal(&[("Small", ok)]), Ok(()), "{ok}");
    }
    let bounds = |why: &str| invalid("Small", why);
    assert_eq!(refusal(&[("Small", "0")]), bounds("it must be at least 1"));
    assert_eq!(
        refusal(&[("Small", "101")]),
        bounds("it must be at most 100")
    );
    let int32 = "it must be an integer from -2147483648 to 2147483647";
    for bad in ["1.0", "1e2", " 1", "ten", "2147483648", "0x10"] {
        assert_eq!(refusal(&[("Small", bad)]), invalid("Small", int32), "{bad}");
    }
    assert_eq!(refusal(&[("Big", "2147483648")]), Ok(()));
    assert_eq!(refusal(&[("Big", "-9223372036854775808")]), Ok(()));
    assert_eq!(
        refusal(&[("Big", "9223372036854775808")]),
        invalid(
            "Big",
            "it must be an integer from -9223372036854775808 to 9223372036854775807"
        )
    );
    assert_eq!(refusal(&[("Period", "600")]), Ok(()));
    assert_eq!(
        refusal(&[("Period", "61")]),
        invalid("Period", "it must be one of 60, 600")
    );
}

#[test]
fn numbers_booleans_and_exclusive_bounds() {
    for ok in ["0.5", "3", "1e3", "2.5E-1"] {
        assert_eq!(refusal(&[("Above", ok)]), Ok(()), "{ok}");
    }
    assert_eq!(
        refusal(&[("Above", "0")]),
        invalid("Above", "it must be greater than 0")
    );
    for bad in ["NaN", "inf", "one", "1,5"] {
        assert_eq!(
            refusal(&[("Above", bad)]),
            invalid("Above", "it must be a number"),
            "{bad}"
        );
    }
    for ok in ["true", "false", "TRUE", "False"] {
        assert_eq!(refusal(&[("Flag", ok)]), Ok(()), "{ok}");
    }
    for bad in ["1", "yes", "t"] {
        assert_eq!(
            refusal(&[("Flag", bad)]),
            invalid("Flag", "it must be true or false"),
            "{bad}"
        );
    }
}

#[test]
fn repeated_lists_are_numbered_from_one_typed_item_by_item_and_bounded() {
    assert_eq!(
        refusal(&[("Id.1", "5"), ("Id.3", "7")]),
        Ok(()),
        "gaps are allowed"
    );
    assert_eq!(
        refusal(&[("Id.1", "5"), ("Id.2", "x")]),
        invalid(
            "Id.2",
            "it must be an integer from -9223372036854775808 to 9223372036854775807"
        )
    );
    assert_eq!(
        refusal(&[("Id.4", "5")]),
        invalid("Id.4", "Id takes at most 3 items")
    );
    for bad in ["0", "01"] {
        assert_eq!(
            refusal(&[(format!("Id.{bad}").as_str(), "5")]),
            invalid(
                &format!("Id.{bad}"),
                "a list's items are numbered from 1, without leading zeros"
            )
        );
    }
    // Names under the list that are not numbered are unknown parameters, ignored.
    assert_eq!(refusal(&[("Id.x", "5"), ("Id", "5")]), Ok(()));
    // Objects in a list: each field typed, a required one missing named in full.
    assert_eq!(
        refusal(&[
            ("Tag.1.Key", "a"),
            ("Tag.2.Key", "b"),
            ("Tag.2.Weight", "3")
        ]),
        Ok(())
    );
    assert_eq!(
        refusal(&[("Tag.1.Key", "a"), ("Tag.2.Weight", "3")]),
        Err((
            400,
            "MissingTag.2.Key".into(),
            "Tag.2.Key is mandatory for this action.".into()
        ))
    );
    assert_eq!(
        refusal(&[
            ("Tag.1.Key", "a"),
            ("Tag.2.Key", "b"),
            ("Tag.2.Weight", "heavy")
        ]),
        invalid(
            "Tag.2.Weight",
            "it must be an integer from -2147483648 to 2147483647"
        )
    );
    assert_eq!(
        refusal(&[("Tag.1.Key", "a")]),
        invalid("Tag", "it takes at least 2 items")
    );
}

#[test]
fn flat_objects_are_checked_field_by_field() {
    assert_eq!(
        refusal(&[
            ("Disk.Size", "40"),
            ("Disk.Names.1", "a"),
            ("Disk.Other", "x")
        ]),
        Ok(())
    );
    assert_eq!(
        refusal(&[("Disk.Size", "big")]),
        invalid(
            "Disk.Size",
            "it must be an integer from -2147483648 to 2147483647"
        )
    );
}

#[test]
fn json_parameters_are_one_json_text_of_the_schemas_shape() {
    let ok = r#"{"Strategy":"First","Ids":["a","b"],"On":true,"Extra":1}"#;
    assert_eq!(refusal(&[("Options", ok)]), Ok(()));
    let cases = [
        ("{not json", "it must be a JSON text"),
        ("[1]", "in its JSON, it must be an object"),
        (r#"{"Ids":[]}"#, "in its JSON, Strategy is missing"),
        (
            r#"{"Strategy":1}"#,
            "in its JSON, Strategy: it must be a string",
        ),
        (
            r#"{"Strategy":"s","Ids":["a",2]}"#,
            "in its JSON, Ids[1]: it must be a string",
        ),
        (
            r#"{"Strategy":"s","Ids":["a","b","c"]}"#,
            "in its JSON, Ids: it takes at most 2 items",
        ),
        (
            r#"{"Strategy":"s","On":"true"}"#,
            "in its JSON, On: it must be true or false",
        ),
    ];
    for (text, why) in cases {
        assert_eq!(
            refusal(&[("Options", text)]),
            invalid("Options", why),
            "{text}"
        );
    }
}

#[test]
fn missing_parameters_come_first_then_values_in_the_metadatas_order() {
    let e = every_kind()
        .validate(&params(&[("Small", "x"), ("Tag.1.Weight", "1")]))
        .unwrap_err();
    // `Name` is not required (listed twice); the first value that is wrong answers.
    assert_eq!(e.code, "InvalidParameter");
    assert!(e.message.contains("\"Small\""), "{}", e.message);
    // In the extract: DescribeZones requires RegionId; a wrong Verbose waits behind it.
    let e = shape("DescribeZones")
        .validate(&params(&[("Verbose", "maybe")]))
        .unwrap_err();
    assert_eq!(e.code, "MissingRegionId");
}

#[test]
fn invalid_parameter_takes_the_status_the_actions_table_gives_it() {
    let with_status = |status: &str| {
        synthetic(json!({
            "name": "TestOnlyStatus", "deprecated": false, "operationType": "get",
            "methods": ["get"],
            "parameters": [{"name": "N", "in": "query", "schema": {"type": "integer"}}],
            "errorCodes": {status: [["InvalidParameter", "%s"]], "400": [["Other", "x"]]}
        }))
    };
    for (listed, answered) in [("403", 403), ("404", 404), ("400", 400), ("500", 400)] {
        let e = with_status(listed)
            .validate(&params(&[("N", "x")]))
            .unwrap_err();
        assert_eq!(e.status, answered, "listed at {listed}");
    }
    // In the extract, an action whose table lists it at 403.
    let at_403 = actions()
        .find(|a| {
            a.errors()
                .any(|(s, c, _)| s == "403" && c == "InvalidParameter")
                && !a
                    .errors()
                    .any(|(s, c, _)| s == "400" && c == "InvalidParameter")
                && parameters(a).into_iter().any(|p| wrong(p).is_some())
        })
        .unwrap();
    let p = parameters(at_403).into_iter().find_map(wrong).unwrap();
    let mut call = valid_call(at_403);
    call.insert(p.0, p.1);
    assert_eq!(shape(&at_403.name).validate(&call).unwrap_err().status, 403);
}

#[test]
fn every_bound_and_pattern_of_the_extract_is_understood() {
    fn walk(s: &Schema, at: &str, out: &mut Vec<String>) {
        for t in [&s.minimum, &s.maximum].into_iter().flatten() {
            if t.0.parse::<f64>().is_err() {
                out.push(format!("{at}: bound {}", t.0));
            }
        }
        if let Some(p) = &s.pattern
            && regex::Regex::new(p).is_err()
        {
            out.push(format!("{at}: pattern {p}"));
        }
        for (k, v) in s.properties.iter().flat_map(|p| &p.0) {
            walk(v, &format!("{at}.{k}"), out);
        }
        if let Some(i) = &s.items {
            walk(i, &format!("{at}[]"), out);
        }
    }
    let mut out = Vec::new();
    for a in actions() {
        for p in &a.parameters {
            walk(&p.schema, &format!("{}.{}", a.name, p.name), &mut out);
        }
    }
    assert!(out.is_empty(), "{out:?}");
}

// --- Resources the world holds, and the documents -----------------------------------------------

#[test]
fn a_read_that_names_a_resource_shows_it_from_the_world_or_answers_not_found() {
    let read = shape("DescribeInstanceAttribute");
    let json = call(
        read,
        &params(&[("InstanceId", "i-instance1")]),
        Format::Json,
    )
    .unwrap();
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["InstanceId"], "i-instance1");
    assert_eq!(v["Status"], "Stopped");
    assert_eq!(v["RegionId"], "cn-hangzhou");
    for call_params in [
        params(&[("InstanceId", "i-nowhere")]),
        params(&[("InstanceId", "i-instance1"), ("RegionId", "cn-beijing")]),
    ] {
        let e = call(read, &call_params, Format::Json).unwrap_err();
        assert_eq!(
            (e.status, e.code.as_ref(), e.message.as_ref()),
            (
                404,
                "InvalidInstanceId.NotFound",
                "The specified InstanceId does not exist."
            )
        );
    }
    // A table with no not-found row for it: the common chosen row.
    let e = call(
        shape("GetInstanceScreenshot"),
        &params(&[("RegionId", "cn-hangzhou"), ("InstanceId", "i-nowhere")]),
        Format::Xml,
    )
    .unwrap_err();
    assert_eq!(
        (e.status, e.code.as_ref()),
        (404, "InvalidInstanceId.NotFound")
    );
    // A disk, for a read that names one.
    let disk = call(
        shape("DescribeDiskMonitorData"),
        &params(&[
            ("DiskId", "d-nowhere"),
            ("StartTime", "t"),
            ("EndTime", "t"),
        ]),
        Format::Json,
    );
    assert_eq!(code(disk), (404, "InvalidDiskId.NotFound".into()));
}

#[test]
fn a_state_changing_action_on_a_resource_the_world_lacks_answers_its_not_found_row() {
    let stop = shape("RebootInstance");
    let e = call(stop, &params(&[("InstanceId", "i-nowhere")]), Format::Json).unwrap_err();
    assert_eq!(e.code, "InvalidInstanceId.NotFound");
    // …also in a dry run: the lookup is one of the checks a dry run runs.
    let dry = params(&[("InstanceId", "i-nowhere"), ("DryRun", "true")]);
    assert_eq!(
        code(call(stop, &dry, Format::Json)).1,
        "InvalidInstanceId.NotFound"
    );
    let dry = params(&[("InstanceId", "i-instance1"), ("DryRun", "true")]);
    assert_eq!(
        code(call(stop, &dry, Format::Json)),
        (400, "DryRunOperation".into())
    );
    let real = params(&[("InstanceId", "i-instance1")]);
    assert_eq!(
        code(call(stop, &real, Format::Json)),
        (403, "InvalidOperation.NotModelled".into())
    );
}

#[test]
fn an_actions_own_dry_run_row_is_its_answer() {
    let release = actions()
        .find(|a| {
            a.errors()
                .any(|(_, c, m)| c == "DryRunOperation" && !m.starts_with("Request validation"))
        })
        .unwrap();
    let mut call = valid_call(release);
    call.insert("DryRun", "true");
    let e = shape(&release.name).validate(&call).map(|c| c.dry_run);
    assert_eq!(e, Ok(true));
    let e = shape(&release.name)
        .answer(&World::sample(), &call, "R", Format::Json, now())
        .unwrap_err();
    let (_, _, message) = release
        .errors()
        .find(|(_, c, _)| *c == "DryRunOperation")
        .unwrap();
    assert_eq!(e.message, message);
}

#[test]
fn documents_are_typed_ordered_and_alike_in_both_formats() {
    let zones = shape("DescribeZones");
    let p = params(&[("RegionId", "cn-hangzhou")]);
    let xml = call(zones, &p, Format::Xml).unwrap();
    let json = call(zones, &p, Format::Json).unwrap();
    assert_eq!(
        xml,
        r#"<?xml version="1.0" encoding="UTF-8"?><DescribeZonesResponse><RequestId>R-1</RequestId><Zones/></DescribeZonesResponse>"#
    );
    assert_eq!(json, r#"{"RequestId":"R-1","Zones":{"Zone":[]}}"#);
    // Paging fields: the page asked for is echoed, the count is 0 and no next page.
    let types = shape("DescribeInstanceTypes");
    let json = call(
        types,
        &params(&[("MaxResults", "20"), ("NextToken", "abc")]),
        Format::Json,
    )
    .unwrap();
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["NextToken"], "");
    let page = shape("DescribeAccountAttributes");
    let v: Value = serde_json::from_str(
        &call(page, &params(&[("RegionId", "cn-hangzhou")]), Format::Json).unwrap(),
    )
    .unwrap();
    assert!(v["AccountAttributeItems"].is_object(), "{v}");
    let images = shape("DescribeImages");
    let v: Value = serde_json::from_str(
        &call(
            images,
            &params(&[("RegionId", "cn-hangzhou"), ("PageSize", "7")]),
            Format::Json,
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(
        (v["PageSize"].clone(), v["TotalCount"].clone()),
        (json!(7), json!(0))
    );
}

#[test]
fn examples_that_are_not_of_their_type_give_the_types_zero() {
    let odd = synthetic_line(
        r#"{"name": "TestOnlyOdd", "deprecated": false, "operationType": "list",
        "methods": ["get"], "parameters": [],
        "success": {"status": "200", "schema": {"type": "object", "properties": {
            "RequestId": {"type": "string", "example": "X"},
            "Count": {"type": "integer", "example": "hide"},
            "Ratio": {"type": "number", "example": "2.0"},
            "Half": {"type": "number", "example": "0.5"},
            "On": {"type": "boolean", "example": "TRUE"},
            "Kind": {"type": "string", "enum": ["A", "B"]},
            "Items": {"type": "object", "itemNode": true, "properties": {
                "Item": {"type": "array", "items": {"type": "string"}}}},
            "Plain": {"type": "array", "items": {"type": "object", "properties": {
                "X": {"type": "integer"}}}}}}}}"#,
    );
    let json = call(odd, &params(&[]), Format::Json).unwrap();
    assert_eq!(
        json,
        r#"{"RequestId":"R-1","Count":0,"Ratio":2,"Half":0.5,"On":true,"Kind":"A","Items":{"Item":[]},"Plain":[]}"#
    );
    let xml = call(odd, &params(&[]), Format::Xml).unwrap();
    assert!(
        xml.ends_with(r#"<TestOnlyOddResponse><RequestId>R-1</RequestId><Count>0</Count><Ratio>2</Ratio><Half>0.5</Half><On>true</On><Kind>A</Kind><Items/></TestOnlyOddResponse>"#),
        "{xml}"
    );
}

#[test]
fn none_is_a_read_only_for_an_action_that_describes() {
    let none: Vec<_> = actions()
        .filter(|a| a.operation_type.as_deref() == Some("none"))
        .map(|a| (a.name.as_str(), shape(&a.name).effect))
        .collect();
    assert_eq!(none.len(), 6);
    for (name, effect) in none {
        let reads = name.starts_with("Describe");
        assert_eq!(effect == Effect::Reads, reads, "{name}");
    }
}
