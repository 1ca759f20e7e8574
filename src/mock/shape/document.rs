//! A read's success document: a tree of the action's success schema, fields in the schema's order,
//! each typed as the schema says (an integer is a JSON number, a boolean a JSON boolean), rendered
//! by `Format::render` in XML (lists as repeated elements inside their `itemNode` wrapper, as ECS
//! writes `<Regions><Region>…</Region></Regions>`) and in JSON (`{"Regions":{"Region":[…]}}`)
//! from the same tree, so the two formats carry the same fields and values.
//!
//! The template is built once per action: every list empty (the mock holds none of what it would
//! list, or lists it only through a handler of its own), `TotalCount` 0 and `NextToken` empty to
//! match, every other scalar from the schema's example (typed; an example that is not of the
//! field's type gives the type's zero). A call then fills its top-level fields: `RequestId`; what
//! the world shows of the one resource the call names; else the value the call sent for a
//! parameter of the same name (`PageSize`, `InstanceId`, …).

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::{Map, Value};

use crate::metadata::Schema;
use crate::params::Params;

/// A field's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Text(String),
    Int(i64),
    Num(f64),
    Bool(bool),
    Object(Vec<(&'static str, Node)>),
    List(Vec<Node>),
}

impl Node {
    pub fn empty() -> Self {
        Self::Object(Vec::new())
    }

    /// `text` as a value of this node's type, if it is one.
    fn typed(&self, text: &str) -> Option<Self> {
        match self {
            Self::Text(_) => Some(Self::Text(text.to_owned())),
            Self::Int(_) => text.parse().ok().map(Self::Int),
            Self::Num(_) => text
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .map(Self::Num),
            Self::Bool(_) => match text {
                t if t.eq_ignore_ascii_case("true") => Some(Self::Bool(true)),
                t if t.eq_ignore_ascii_case("false") => Some(Self::Bool(false)),
                _ => None,
            },
            Self::Object(_) | Self::List(_) => None,
        }
    }

    /// A scalar of JSON as a value of this node's type, if it is one.
    fn typed_json(&self, json: &Value) -> Option<Self> {
        match json {
            Value::String(s) => self.typed(s),
            Value::Number(n) => self.typed(&n.to_string()),
            Value::Bool(b) => self.typed(&b.to_string()),
            _ => None,
        }
    }
}

/// The largest integer an `f64` holds exactly.
const EXACT: f64 = 9_007_199_254_740_992.0;

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Text(t) => s.serialize_str(t),
            Self::Int(n) => s.serialize_i64(*n),
            // A whole number is written as one, so that XML (which prints `1`) and JSON (which
            // would print `1.0`) read the same.
            Self::Num(x) if x.fract() == 0.0 && x.abs() < EXACT => s.serialize_i64(*x as i64),
            Self::Num(x) => s.serialize_f64(*x),
            Self::Bool(b) => s.serialize_bool(*b),
            Self::Object(fields) => {
                let mut map = s.serialize_map(Some(fields.len()))?;
                for (k, v) in fields {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
            Self::List(items) => s.collect_seq(items),
        }
    }
}

/// The fields that count what a list holds, and where the next page starts: the lists are empty.
const TOTAL_COUNT: &str = "TotalCount";
const NEXT_TOKEN: &str = "NextToken";
const REQUEST_ID: &str = "RequestId";

/// The document of `schema` before any call: lists empty, scalars from the examples.
pub fn template(schema: &'static Schema) -> Node {
    let mut doc = node(schema);
    if let Node::Object(fields) = &mut doc {
        for (name, v) in fields.iter_mut() {
            match (*name, &*v) {
                (TOTAL_COUNT, Node::Int(_)) => *v = Node::Int(0),
                (TOTAL_COUNT, Node::Text(_)) => *v = Node::Text("0".into()),
                (NEXT_TOKEN, Node::Text(_)) => *v = Node::Text(String::new()),
                _ => {}
            }
        }
    }
    doc
}

fn node(schema: &'static Schema) -> Node {
    let example = schema.example.as_ref().map(|e| e.0.as_str());
    match schema.kind.as_deref() {
        Some("object") => Node::Object(
            schema
                .properties
                .iter()
                .flat_map(|p| &p.0)
                .map(|(name, s)| (name.as_str(), node(s)))
                .collect(),
        ),
        Some("array") => Node::List(Vec::new()),
        Some("integer") => Node::Int(
            example
                .and_then(|e| e.parse().ok())
                .or_else(|| schema.minimum.as_ref().and_then(|m| m.0.parse().ok()))
                .unwrap_or(0),
        ),
        Some("number") => Node::Num(
            example
                .and_then(|e| e.parse::<f64>().ok())
                .filter(|x| x.is_finite())
                .unwrap_or(0.0),
        ),
        Some("boolean") => Node::Bool(example.is_some_and(|e| e.eq_ignore_ascii_case("true"))),
        _ => Node::Text(
            example
                .or_else(|| schema.enumeration.as_ref()?.0.first().map(String::as_str))
                .unwrap_or_default()
                .to_owned(),
        ),
    }
}

/// The document of one call: `template` with its top-level fields filled from the call.
/// `shown` is what the world shows of the one resource the call names.
pub fn fill(
    template: &Node,
    request_id: &str,
    params: &Params,
    shown: Option<&Map<String, Value>>,
) -> Node {
    let mut doc = template.clone();
    if let Node::Object(fields) = &mut doc {
        for (name, v) in fields.iter_mut() {
            let filled = if *name == REQUEST_ID {
                Some(Node::Text(request_id.to_owned()))
            } else {
                shown
                    .and_then(|m| m.get(*name))
                    .and_then(|fact| v.typed_json(fact))
                    .or_else(|| {
                        // A page token sent back would page a client forever.
                        if *name == NEXT_TOKEN || *name == TOTAL_COUNT {
                            return None;
                        }
                        let sent = params.get(name).filter(|s| !s.is_empty())?;
                        v.typed(sent)
                    })
            };
            if let Some(filled) = filled {
                *v = filled;
            }
        }
    }
    doc
}
