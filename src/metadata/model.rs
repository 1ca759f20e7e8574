//! The extract's data model (`source.rs` reads a full `api-docs.json` into it). One action per line of
//! the extract, serialized from these types in their field order, so the same input always gives
//! the same bytes. Names follow the metadata's own (`operationType`, `errorCodes`, …) so the
//! extract reads side by side with its source; what the extract leaves out is prose (descriptions,
//! titles), SDK and console bookkeeping (`abilityTreeNodes`, `chargeType`, `docRequired`), the
//! endpoints and the response headers.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

/// A JSON object read and written in its document order (serde_json's own map sorts its keys;
/// the order of a response's fields is part of what the metadata says).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ordered<T>(pub Vec<(String, T)>);

impl<T> Default for Ordered<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<T> Ordered<T> {
    pub fn get(&self, key: &str) -> Option<&T> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<T: Serialize> Serialize for Ordered<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Ordered<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Ordered<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry()? {
                    out.push((k, v));
                }
                Ok(Ordered(out))
            }
        }
        d.deserialize_map(V(PhantomData))
    }
}

/// A scalar the metadata writes as a string, a number or a boolean: kept as its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string, a number or a boolean")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
                Ok(Text(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// `enumValueTitles`: an object of value → title in the metadata, the values alone (in its
/// order) in the extract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Values(pub Vec<String>);

impl<'de> Deserialize<'de> for Values {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Values;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of values and their titles, or a list of values")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Values, A::Error> {
                let mut out = Vec::new();
                while let Some((k, _)) = map.next_entry::<String, de::IgnoredAny>()? {
                    out.push(k);
                }
                Ok(Values(out))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Values, A::Error> {
                let mut out = Vec::new();
                while let Some(Text(v)) = seq.next_element()? {
                    out.push(v);
                }
                Ok(Values(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// A count the metadata writes as a number (or, leniently, as a numeric string).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Count(pub u64);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let Text(t) = Text::deserialize(d)?;
        t.parse()
            .map(Count)
            .map_err(|_| de::Error::custom(format!("{t:?} is not a count")))
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A parameter's or a response field's schema: what the extract keeps of the metadata's.
/// `required`, `deprecated`, `itemNode`, `exclusiveMaximum` and `exclusiveMinimum` are written
/// only when true.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Schema {
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    #[serde(
        default,
        deserialize_with = "or_default",
        skip_serializing_if = "is_false"
    )]
    pub required: bool,
    #[serde(
        default,
        deserialize_with = "or_default",
        skip_serializing_if = "is_false"
    )]
    pub deprecated: bool,
    #[serde(rename = "enum", default, skip_serializing_if = "Option::is_none")]
    pub enumeration: Option<Values>,
    /// The values `enumValueTitles` names (without their titles).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enum_value_titles: Option<Values>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<Text>,
    #[serde(
        default,
        deserialize_with = "or_default",
        skip_serializing_if = "is_false"
    )]
    pub exclusive_minimum: bool,
    #[serde(
        default,
        deserialize_with = "or_default",
        skip_serializing_if = "is_false"
    )]
    pub exclusive_maximum: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<Count>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<Count>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_items: Option<Count>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_items: Option<Count>,
    /// A list's wrapper element in XML (`<Regions><Region/>…</Regions>`).
    #[serde(
        default,
        deserialize_with = "or_default",
        skip_serializing_if = "is_false"
    )]
    pub item_node: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<Schema>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<Ordered<Schema>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_properties: Option<Box<Schema>>,
}

impl Schema {
    /// `string`, `integer/int64`, `array of string`, `object`: what a change of type changes.
    pub fn type_words(&self) -> String {
        let mut out = self.kind.clone().unwrap_or_else(|| "(no type)".into());
        if let Some(f) = &self.format {
            out = format!("{out}/{f}");
        }
        if let Some(items) = &self.items {
            out = format!("{out} of {}", items.type_words());
        }
        out
    }
}

/// One request parameter: its name, where it goes (`in`: `query` for every ECS action), how a
/// list or object is spelled (`style`: `repeatList` is `Name.1=…&Name.2=…`, `flat` is
/// `Name.Key=…`, `json` a JSON text), and its schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Parameter {
    pub name: String,
    #[serde(rename = "in")]
    pub location: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<String>,
    #[serde(
        default,
        deserialize_with = "or_default",
        skip_serializing_if = "is_false"
    )]
    pub allow_empty_value: bool,
    pub schema: Schema,
}

impl Parameter {
    /// `boolean, optional`; with the style when there is one: what `editions check` compares.
    pub fn shape(&self) -> String {
        let style = self
            .style
            .as_deref()
            .map_or(String::new(), |s| format!(" ({s})"));
        let required = if self.schema.required {
            "required"
        } else {
            "optional"
        };
        format!("{}{style}, {required}", self.schema.type_words())
    }
}

/// One documented error: `[code, message]` in the extract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "(String, String)", into = "(String, String)")]
pub struct ErrorCode {
    pub code: String,
    pub message: String,
}

impl From<(String, String)> for ErrorCode {
    fn from((code, message): (String, String)) -> Self {
        Self { code, message }
    }
}

impl From<ErrorCode> for (String, String) {
    fn from(e: ErrorCode) -> Self {
        (e.code, e.message)
    }
}

/// The answer of a call that succeeds: its HTTP status and schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Success {
    pub status: String,
    pub schema: Schema,
}

/// Examples in each format the metadata gives them in, by format (`json`, `xml`).
pub type Demos = Ordered<String>;

/// One action, as the extract keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Action {
    pub name: String,
    pub deprecated: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub summary: String,
    /// `systemTags.operationType`: `get`, `list`, `create`, `update`, `delete` or `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation_type: Option<String>,
    /// `systemTags.riskType`: `none` or `high`, where the metadata says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk_type: Option<String>,
    /// The HTTP methods it may be called with.
    pub methods: Vec<String>,
    pub parameters: Vec<Parameter>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success: Option<Success>,
    /// By HTTP status, in the metadata's order.
    #[serde(default, skip_serializing_if = "Ordered::is_empty")]
    pub error_codes: Ordered<Vec<ErrorCode>>,
    /// A successful answer in each format.
    #[serde(default, skip_serializing_if = "Ordered::is_empty")]
    pub response_demo: Demos,
    /// An error answer in each format, where the metadata gives one.
    #[serde(default, skip_serializing_if = "Ordered::is_empty")]
    pub error_demo: Demos,
}

impl Action {
    /// Every documented error as `(status, code, message)`, in the metadata's order.
    pub fn errors(&self) -> impl Iterator<Item = (&str, &str, &str)> {
        self.error_codes.0.iter().flat_map(|(status, list)| {
            list.iter()
                .map(move |e| (status.as_str(), e.code.as_str(), e.message.as_str()))
        })
    }

    pub fn parameter(&self, name: &str) -> Option<&Parameter> {
        self.parameters.iter().find(|p| p.name == name)
    }
}

/// A group of actions as the metadata's `directories` list them (the API reference's sections:
/// "Regions", "Instances", …), in its order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Directory {
    pub title: String,
    pub actions: Vec<String>,
}

/// The extract's first line: what it is, where it came from, and the metadata's grouping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Header {
    /// `source::FORMAT`.
    pub extract: String,
    /// The URL the metadata is published at.
    pub source: String,
    /// Where the snapshot was taken from.
    pub archive: String,
    /// The snapshot's date, `YYYY-MM-DD`.
    pub snapshot: String,
    pub product: String,
    pub version: String,
    pub style: String,
    /// How many actions follow, one per line, sorted by name.
    pub actions: usize,
    pub directories: Vec<Directory>,
}

/// A field the metadata may leave out or write as `null`: its default then.
pub(super) fn or_default<'de, D: Deserializer<'de>, T: Deserialize<'de> + Default>(
    d: D,
) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}
