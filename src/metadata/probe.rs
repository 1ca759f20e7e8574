//! What the suite's generated scenarios send an action, from its metadata alone
//! (docs/choices.md, "The generated shape scenarios"): whether a valid call of it only reads, which
//! of its parameters name the resource it acts on, a valid value of each parameter as the wire
//! spells it, and the probes it gets — each required parameter missing, a value of the wrong type
//! for each class of typed parameter it has, a value outside an enum, a dry run, a valid call.
//! It names no action: everything follows from the action's line of the extract.

use regex::Regex;
use serde_json::{Map, Value};

use super::model::{Action, Schema};
use crate::api_error::ApiError;

/// The parameter that asks for a dry run.
pub const DRY_RUN: &str = "DryRun";

/// Whether a valid call of `action` only reads: its `operationType` is `get` or `list`, or
/// `none` on an action whose name begins with `Describe`, the API's verb for reading. Every other
/// action may change state (docs/choices.md, "Every action of the metadata").
pub fn reads(action: &Action) -> bool {
    match action.operation_type.as_deref() {
        Some("get" | "list") => true,
        Some("none") => action.name.starts_with("Describe"),
        _ => false,
    }
}

/// Whether a parameter called `name` names a resource to act on: its name ends in `Id` or `Ids`
/// (in any letter case), and it is not a region or a zone, which say where rather than what
/// (docs/choices.md, "Safe on real accounts").
pub fn names_resource(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    (lower.ends_with("id") || lower.ends_with("ids"))
        && !lower.ends_with("regionid")
        && !lower.ends_with("zoneid")
}

/// Whether `action` takes `DryRun` (a boolean parameter of that name).
pub fn takes_dry_run(action: &Action) -> bool {
    action
        .parameter(DRY_RUN)
        .is_some_and(|p| p.schema.kind.as_deref() == Some("boolean"))
}

/// The rows of `action`'s own table with a 4xx status (the mock answers 5xx only for a scheduled
/// fault) whose code `keep` keeps, in the table's order, as answers.
pub fn table_rows<'a>(
    action: &'a Action,
    keep: impl Fn(&str) -> bool + 'a,
) -> impl Iterator<Item = ApiError> + 'a {
    action.errors().filter_map(move |(status, code, message)| {
        let status: u16 = status.parse().ok()?;
        ((400..500).contains(&status) && keep(code)).then(|| ApiError {
            status,
            code: code.to_owned().into(),
            message: message.to_owned().into(),
        })
    })
}

/// The status of `action`'s `InvalidParameter`, with every 4xx status its table gives that code:
/// 400 where the table lists it, else the first it lists, else (a code of the common table) 400.
pub fn invalid_parameter_status(action: &Action) -> (u16, Vec<u16>) {
    let statuses: Vec<u16> = table_rows(action, |code| code == "InvalidParameter")
        .map(|row| row.status)
        .collect();
    let status = if statuses.contains(&400) {
        400
    } else {
        statuses.first().copied().unwrap_or(400)
    };
    (status, statuses)
}

/// One parameter of an action, once: a parameter the metadata lists twice is its first listing,
/// required only when every listing requires it (as the mock's validator reads it).
#[derive(Debug, Clone, Copy)]
pub struct Param<'a> {
    pub name: &'a str,
    pub required: bool,
    pub json: bool,
    pub schema: &'a Schema,
}

/// Every parameter of `action`, each once, in the metadata's order.
pub fn parameters(action: &Action) -> Vec<Param<'_>> {
    let mut out: Vec<Param<'_>> = Vec::new();
    for p in &action.parameters {
        if let Some(seen) = out.iter_mut().find(|s| s.name == p.name) {
            seen.required &= p.schema.required;
            continue;
        }
        out.push(Param {
            name: &p.name,
            required: p.schema.required,
            json: p.style.as_deref() == Some("json"),
            schema: &p.schema,
        });
    }
    out
}

/// The wire parameters of a request.
pub type Pairs = Vec<(String, String)>;

/// The kinds of resource a world can hold, by the parameter that names one, with the alias the
/// generated scenarios give it: a required one of these must name a resource the world holds.
pub const HELD: [(&str, &str); 3] = [
    ("InstanceId", "i-1"),
    ("DiskId", "d-1"),
    ("SnapshotId", "s-1"),
];

/// A valid value of `p` as wire parameters: `RegionId` the region a world's resources are in;
/// `Name=v`; a list's one item `Name.1=…` (an object's
/// fields `Name.1.Field=…`); an object's fields `Name.Field=…`; a `json` one as one JSON text. A
/// parameter naming a kind of resource the world holds names the alias of [`HELD`].
pub fn valid(p: &Param) -> Pairs {
    if p.json {
        return vec![(p.name.to_owned(), json(p.schema).to_string())];
    }
    if p.name == "RegionId" && p.schema.enumeration.is_none() {
        return vec![(p.name.to_owned(), crate::world::DEFAULT_REGION.to_owned())];
    }
    let mut out = Vec::new();
    flat(p.name, p.schema, &mut out);
    if let Some((_, alias)) = HELD.iter().find(|(n, _)| *n == p.name) {
        for (_, v) in &mut out {
            *v = (*alias).to_owned();
        }
    }
    out
}

/// Every required parameter of `action` with a valid value, in order.
pub fn required(action: &Action) -> Pairs {
    (parameters(action).iter())
        .filter(|p| p.required)
        .flat_map(valid)
        .collect()
}

/// The kinds of [`HELD`] resource `action` requires, by parameter.
pub fn held(action: &Action) -> Vec<&'static str> {
    HELD.iter()
        .filter(|(n, _)| {
            parameters(action)
                .iter()
                .any(|p| p.required && p.name == *n)
        })
        .map(|(n, _)| *n)
        .collect()
}

fn kind(schema: &Schema) -> &str {
    schema.kind.as_deref().unwrap_or("string")
}

/// The properties a valid object gives: the required ones, or the first when none is.
fn chosen_properties(schema: &Schema) -> Vec<(&str, &Schema)> {
    let all: Vec<(&str, &Schema)> = (schema.properties.iter().flat_map(|p| &p.0))
        .map(|(n, s)| (n.as_str(), s))
        .collect();
    let required: Vec<(&str, &Schema)> = all.iter().copied().filter(|(_, s)| s.required).collect();
    if required.is_empty() {
        all.into_iter().take(1).collect()
    } else {
        required
    }
}

fn flat(path: &str, schema: &Schema, out: &mut Pairs) {
    match kind(schema) {
        "array" => {
            let n = (schema.min_items.map_or(1, |c| c.0).max(1)) as usize;
            let default = Schema::default();
            let items = schema.items.as_deref().unwrap_or(&default);
            for i in 1..=n {
                flat(&format!("{path}.{i}"), items, out);
            }
        }
        "object" => {
            for (name, s) in chosen_properties(schema) {
                flat(&format!("{path}.{name}"), s, out);
            }
        }
        _ => out.push((path.to_owned(), scalar(schema))),
    }
}

fn json(schema: &Schema) -> Value {
    match kind(schema) {
        "array" => {
            let default = Schema::default();
            Value::Array(vec![json(schema.items.as_deref().unwrap_or(&default))])
        }
        "object" => Value::Object(
            chosen_properties(schema)
                .into_iter()
                .map(|(n, s)| (n.to_owned(), json(s)))
                .collect::<Map<String, Value>>(),
        ),
        "integer" => scalar(schema)
            .parse::<i64>()
            .map_or(Value::Null, Value::from),
        "number" => scalar(schema)
            .parse::<f64>()
            .map_or(Value::Null, Value::from),
        "boolean" => Value::Bool(false),
        _ => Value::String(scalar(schema)),
    }
}

/// A valid scalar: the enum's first value; else the example when it fits; else a value of the
/// type within its bounds.
fn scalar(schema: &Schema) -> String {
    if let Some(first) = schema.enumeration.as_ref().and_then(|e| e.0.first()) {
        return first.clone();
    }
    let example = schema.example.as_ref().map(|t| t.0.clone());
    match kind(schema) {
        "integer" | "number" => {
            let bound = |t: &Option<super::model::Text>, exclusive: bool, step: f64| {
                let at: f64 = t.as_ref()?.0.parse().ok()?;
                Some(if exclusive { at + step } else { at })
            };
            let low = bound(&schema.minimum, schema.exclusive_minimum, 1.0);
            let high = bound(&schema.maximum, schema.exclusive_maximum, -1.0);
            let fits = |x: f64| low.is_none_or(|l| x >= l) && high.is_none_or(|h| x <= h);
            let integer = kind(schema) == "integer";
            let candidates = example
                .iter()
                .filter_map(|e| e.parse::<f64>().ok())
                .chain(low)
                .chain([1.0, 0.0])
                .chain(high);
            for x in candidates {
                if fits(x) && (!integer || x.fract() == 0.0) && x.abs() < 2e9 {
                    return if integer {
                        format!("{}", x as i64)
                    } else {
                        format!("{x}")
                    };
                }
            }
            "1".into()
        }
        "boolean" => "false".into(),
        _ => {
            let fits = |s: &str| {
                let n = s.chars().count();
                schema.min_length.is_none_or(|m| n as u64 >= m.0)
                    && schema.max_length.is_none_or(|m| n as u64 <= m.0)
                    && (schema.pattern.as_deref())
                        .and_then(|p| Regex::new(p).ok())
                        .is_none_or(|re| re.is_match(s))
            };
            if let Some(e) =
                example.filter(|e| !e.is_empty() && !e.contains(char::is_control) && fits(e))
            {
                return e;
            }
            let n = schema.min_length.map_or(1, |m| m.0.max(1)) as usize;
            "x".repeat(n)
        }
    }
}

/// A class of typed parameter, for the wrong-type probes: each action gets one probe of each
/// class it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Integer,
    Number,
    Boolean,
    ListItems,
    ObjectFields,
    Json,
}

impl Class {
    pub fn words(self) -> &'static str {
        match self {
            Self::Integer => "an integer",
            Self::Number => "a number",
            Self::Boolean => "a boolean",
            Self::ListItems => "a list's item",
            Self::ObjectFields => "an object's field",
            Self::Json => "a JSON parameter",
        }
    }
}

/// A probe of a value that breaks the parameter's schema: the parameter it is under, the path
/// the wire names (`Name`, `Name.1`, `Name.1.Field`), and the bad value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bad {
    pub param: String,
    pub path: String,
    pub value: String,
    pub class: Option<Class>,
}

/// The wrong value of a scalar of `kind`, if it has a type to break.
fn wrong(kind: &str) -> Option<(&'static str, Class)> {
    match kind {
        "integer" => Some(("not-an-integer", Class::Integer)),
        "number" => Some(("not-a-number", Class::Number)),
        "boolean" => Some(("not-a-boolean", Class::Boolean)),
        _ => None,
    }
}

/// The first typed leaf under `schema` at `path`, flattened: its path and wrong value.
fn typed_leaf(path: &str, schema: &Schema) -> Option<(String, &'static str)> {
    match kind(schema) {
        "array" => typed_leaf(&format!("{path}.1"), schema.items.as_deref()?),
        "object" => (schema.properties.iter().flat_map(|p| &p.0))
            .find_map(|(n, s)| typed_leaf(&format!("{path}.{n}"), s)),
        k => wrong(k).map(|(v, _)| (path.to_owned(), v)),
    }
}

/// The wrong-type probes of `action`: one per class of typed parameter it has, each on the first
/// parameter of that class (`DryRun` aside: its probe is the dry run's).
pub fn wrong_types(action: &Action) -> Vec<Bad> {
    let mut out: Vec<Bad> = Vec::new();
    for p in parameters(action) {
        if p.name == DRY_RUN {
            continue;
        }
        let bad = if p.json {
            let value = if kind(p.schema) == "array" {
                "{}"
            } else {
                "[]"
            };
            Some((Class::Json, p.name.to_owned(), value.to_owned()))
        } else {
            match kind(p.schema) {
                "array" => typed_leaf(p.name, p.schema)
                    .map(|(path, v)| (Class::ListItems, path, v.to_owned())),
                "object" => typed_leaf(p.name, p.schema)
                    .map(|(path, v)| (Class::ObjectFields, path, v.to_owned())),
                k => wrong(k).map(|(v, c)| (c, p.name.to_owned(), v.to_owned())),
            }
        };
        if let Some((class, path, value)) = bad
            && !out.iter().any(|b| b.class == Some(class))
        {
            out.push(Bad {
                param: p.name.to_owned(),
                path,
                value,
                class: Some(class),
            });
        }
    }
    out
}

/// The enum probe of `action`: its first scalar parameter with an enum, given a value outside it.
pub fn enum_violation(action: &Action) -> Option<Bad> {
    parameters(action).into_iter().find_map(|p| {
        let values = p.schema.enumeration.as_ref()?;
        if p.json || values.0.is_empty() || matches!(kind(p.schema), "array" | "object") {
            return None;
        }
        let value = match kind(p.schema) {
            "integer" | "number" => "987654321",
            _ => "NotOneOfTheValues",
        };
        (!values.0.iter().any(|v| v == value)).then(|| Bad {
            param: p.name.to_owned(),
            path: p.name.to_owned(),
            value: value.to_owned(),
            class: None,
        })
    })
}

/// The request of a probe with `bad`: every required parameter valid, the probed parameter's
/// valid value (for an object's siblings), then the bad value in place.
pub fn with_bad(action: &Action, bad: &Bad) -> Pairs {
    let mut out: Pairs = Vec::new();
    for p in parameters(action) {
        if (p.required || p.name == bad.param) && !(p.json && p.name == bad.param) {
            out.extend(valid(&p));
        }
    }
    out.retain(|(k, _)| *k != bad.path);
    out.push((bad.path.clone(), bad.value.clone()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resource_is_named_by_an_id_that_is_not_a_place() {
        assert!(names_resource("InstanceId"));
        assert!(names_resource("diskIds"));
        assert!(!names_resource("RegionId"));
        assert!(!names_resource("DestinationRegionId"));
        assert!(!names_resource("ZoneId"));
        assert!(!names_resource("ClientToken"));
    }

    #[test]
    fn every_action_is_read_or_change_and_its_probes_are_requests() {
        let (mut reads_n, mut changes) = (0, 0);
        for name in crate::metadata::names() {
            let a = crate::metadata::action(name).unwrap();
            if reads(a) {
                reads_n += 1;
            } else {
                changes += 1;
            }
            for bad in wrong_types(a).iter().chain(&enum_violation(a)) {
                let pairs = with_bad(a, bad);
                assert_eq!(
                    pairs.iter().filter(|(k, _)| *k == bad.path).count(),
                    1,
                    "{name}: {bad:?} in {pairs:?}"
                );
            }
        }
        assert_eq!(reads_n + changes, 358);
        assert!(reads_n > 100 && changes > 200, "{reads_n} reads, {changes}");
    }
}
