//! The validator: an action's parameters, compiled once from its metadata, and the checks a call
//! gets against them. What it enforces, and in which order, is written in docs/choices.md ("Every
//! action of the metadata"):
//! - every required parameter present, in the metadata's order (absent or empty is
//!   `Missing{Name}`, the gateway's form);
//! - then each value given, in the metadata's order: its type (a string; an integer within its
//!   format's range, `int32` or `int64`; a number; `true` or `false` in any letter case), its
//!   `enum`, then `minimum`/`maximum` (exclusive where it says), `minLength`/`maxLength`,
//!   `pattern`, and for lists `minItems`/`maxItems` — `InvalidParameter` with what is wrong;
//! - lists and objects as the SDKs spell them: `repeatList` and `flat` as `Name.1`, `Name.2`, …
//!   (each item typed; `Name.N.Field` for objects) and `Name.Key` for objects, each part checked
//!   as a parameter of its own; `json` as one JSON text of the schema's shape.
//!
//! Unknown parameters, and names under a list that are not numbered, are ignored, as the gateway
//! ignores every unknown parameter.

use std::collections::BTreeSet;

use regex::Regex;

use crate::api_error::ApiError;
use crate::metadata::{Action, Schema};
use crate::params::Params;

/// What a call's parameters ask for, once they are valid.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Checked {
    /// `DryRun=true`, on an action that takes it.
    pub dry_run: bool,
}

/// An action's parameters, compiled.
#[derive(Debug)]
pub struct Parameters {
    fields: Vec<Field>,
    /// The status of `InvalidParameter`: the one the action's table gives it, else 400.
    invalid_status: u16,
}

/// How a parameter travels: a value of its own, flattened into numbered or named parts, or one
/// JSON text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Scalar,
    Flat,
    Json,
}

#[derive(Debug)]
struct Field {
    name: String,
    required: bool,
    style: Style,
    value: Value,
}

/// A value's type and the limits its schema gives.
#[derive(Debug)]
struct Value {
    kind: Kind,
    /// `enum`; empty when it lists none.
    one_of: Vec<String>,
    lower: Option<Limit>,
    upper: Option<Limit>,
    min_length: Option<usize>,
    max_length: Option<usize>,
    pattern: Option<Regex>,
    min_items: Option<usize>,
    max_items: Option<usize>,
}

#[derive(Debug)]
enum Kind {
    Text,
    /// An integer between these two, its format's range.
    Integer(i64, i64),
    Number,
    Boolean,
    List(Box<Value>),
    Object(Vec<Property>),
}

#[derive(Debug)]
struct Property {
    name: String,
    required: bool,
    value: Value,
}

/// A `minimum` or `maximum`.
#[derive(Debug, Clone, Copy)]
struct Limit {
    at: f64,
    exclusive: bool,
}

impl Parameters {
    /// `action`'s parameters. A parameter the metadata lists twice (RegionId, in 87 actions) is
    /// one: the first listing's schema, required only when every listing requires it.
    pub fn compile(action: &Action) -> Self {
        let mut fields: Vec<Field> = Vec::new();
        for p in &action.parameters {
            if let Some(seen) = fields.iter_mut().find(|f| f.name == p.name) {
                seen.required &= p.schema.required;
                continue;
            }
            let value = Value::compile(&p.schema);
            let style = match (&value.kind, p.style.as_deref()) {
                (Kind::List(_) | Kind::Object(_), Some("json")) => Style::Json,
                (Kind::List(_) | Kind::Object(_), _) => Style::Flat,
                _ => Style::Scalar,
            };
            fields.push(Field {
                name: p.name.clone(),
                required: p.schema.required,
                style,
                value,
            });
        }
        Self {
            fields,
            invalid_status: crate::metadata::probe::invalid_parameter_status(action).0,
        }
    }

    /// Every required parameter present, then every value given valid; the first failure
    /// answers.
    pub fn check(&self, params: &Params) -> Result<Checked, ApiError> {
        let at = Checker {
            params,
            invalid_status: self.invalid_status,
        };
        for f in &self.fields {
            if f.required && !at.present(&f.name, f.style) {
                return Err(ApiError::missing(&f.name));
            }
        }
        for f in &self.fields {
            match f.style {
                Style::Scalar | Style::Flat => at.flat(&f.name, &f.value)?,
                Style::Json => {
                    if let Some(raw) = given(params.get(&f.name)) {
                        let json: serde_json::Value = serde_json::from_str(raw)
                            .map_err(|_| at.invalid(&f.name, "it must be a JSON text"))?;
                        json_value(&f.value, &json, "")
                            .map_err(|why| at.invalid(&f.name, &format!("in its JSON, {why}")))?;
                    }
                }
            }
        }
        Ok(Checked::default())
    }

    /// The names of its parameters, in order (each once).
    #[cfg(test)]
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().map(|f| f.name.as_str())
    }
}

/// A value that counts as given: present and not empty (an empty value counts as absent).
fn given(value: Option<&str>) -> Option<&str> {
    value.filter(|v| !v.is_empty())
}

impl Value {
    fn compile(schema: &Schema) -> Self {
        let kind = match schema.kind.as_deref() {
            Some("integer") if schema.format.as_deref() == Some("int32") => {
                Kind::Integer(i32::MIN.into(), i32::MAX.into())
            }
            Some("integer") => Kind::Integer(i64::MIN, i64::MAX),
            Some("number") => Kind::Number,
            Some("boolean") => Kind::Boolean,
            Some("array") => {
                Kind::List(Box::new(schema.items.as_deref().map_or_else(
                    || Value::compile(&Schema::default()),
                    Value::compile,
                )))
            }
            Some("object") => Kind::Object(
                schema
                    .properties
                    .iter()
                    .flat_map(|p| &p.0)
                    .map(|(name, s)| Property {
                        name: name.clone(),
                        required: s.required,
                        value: Value::compile(s),
                    })
                    .collect(),
            ),
            // A string, or a value the metadata gives no type: any text.
            _ => Kind::Text,
        };
        let limit = |text: &Option<crate::metadata::Text>, exclusive: bool| {
            let at: f64 = text.as_ref()?.0.parse().ok()?;
            Some(Limit { at, exclusive })
        };
        let count = |c: &Option<crate::metadata::Count>| c.and_then(|c| usize::try_from(c.0).ok());
        Self {
            kind,
            one_of: schema
                .enumeration
                .as_ref()
                .map(|v| v.0.clone())
                .unwrap_or_default(),
            lower: limit(&schema.minimum, schema.exclusive_minimum),
            upper: limit(&schema.maximum, schema.exclusive_maximum),
            min_length: count(&schema.min_length),
            max_length: count(&schema.max_length),
            pattern: schema.pattern.as_deref().and_then(|p| Regex::new(p).ok()),
            min_items: count(&schema.min_items),
            max_items: count(&schema.max_items),
        }
    }

    /// Whether a parameter of this value travels as one text of its own (not flattened).
    fn is_scalar(&self) -> bool {
        !matches!(self.kind, Kind::List(_) | Kind::Object(_))
    }
}

/// The checks of one call.
struct Checker<'a> {
    params: &'a Params,
    invalid_status: u16,
}

impl Checker<'_> {
    fn invalid(&self, name: &str, why: &str) -> ApiError {
        ApiError {
            status: self.invalid_status,
            ..ApiError::invalid_parameter(name, why)
        }
    }

    /// Whether the parameter `name` is given: its own value, or (flattened) any part of it.
    fn present(&self, name: &str, style: Style) -> bool {
        given(self.params.get(name)).is_some()
            || (style == Style::Flat && self.params.under(name).any(|(_, v)| !v.is_empty()))
    }

    /// Checks the value at `path`, spelled as the `flat` and `repeatList` styles spell it: a
    /// scalar is the parameter `path`; a list's items are `path.1`, `path.2`, …; an object's
    /// fields `path.Field`.
    fn flat(&self, path: &str, value: &Value) -> Result<(), ApiError> {
        match &value.kind {
            Kind::List(items) => self.list(path, value, items),
            Kind::Object(properties) => {
                for p in properties {
                    let at = format!("{path}.{}", p.name);
                    let style = if p.value.is_scalar() {
                        Style::Scalar
                    } else {
                        Style::Flat
                    };
                    if !self.present(&at, style) {
                        if p.required {
                            return Err(ApiError::missing(&at));
                        }
                        continue;
                    }
                    self.flat(&at, &p.value)?;
                }
                Ok(())
            }
            _ => match given(self.params.get(path)) {
                Some(raw) => scalar(value, raw).map_err(|why| self.invalid(path, &why)),
                None => Ok(()),
            },
        }
    }

    /// A flattened list at `path`: its items numbered from 1 (gaps allowed), at most
    /// `maxItems` of them, each checked in number order.
    fn list(&self, path: &str, list: &Value, items: &Value) -> Result<(), ApiError> {
        let mut numbers = BTreeSet::new();
        for (rest, v) in self.params.under(path) {
            let segment = rest.split('.').next().unwrap_or_default();
            if v.is_empty() || segment.is_empty() || !segment.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            let at = format!("{path}.{segment}");
            let n = segment
                .parse::<usize>()
                .ok()
                .filter(|n| *n >= 1 && !segment.starts_with('0'))
                .ok_or_else(|| {
                    self.invalid(
                        &at,
                        "a list's items are numbered from 1, without leading zeros",
                    )
                })?;
            if let Some(max) = list.max_items
                && n > max
            {
                return Err(self.invalid(&at, &format!("{path} takes at most {max} items")));
            }
            numbers.insert(n);
        }
        if let Some(min) = list.min_items
            && !numbers.is_empty()
            && numbers.len() < min
        {
            return Err(self.invalid(path, &format!("it takes at least {min} items")));
        }
        for n in numbers {
            self.flat(&format!("{path}.{n}"), items)?;
        }
        Ok(())
    }
}

/// Checks one text against a scalar value's type, enum and limits; what is wrong, if anything.
fn scalar(value: &Value, raw: &str) -> Result<(), String> {
    match value.kind {
        Kind::Integer(min, max) => {
            let n = raw
                .parse::<i64>()
                .ok()
                .filter(|n| (min..=max).contains(n))
                .ok_or_else(|| format!("it must be an integer from {min} to {max}"))?;
            one_of(value, |e| e.parse::<i64>() == Ok(n))?;
            bounds(value, n as f64)
        }
        Kind::Number => {
            let x = raw
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite() && raw.bytes().all(|b| b"0123456789+-.eE".contains(&b)))
                .ok_or_else(|| "it must be a number".to_owned())?;
            one_of(value, |e| e.parse::<f64>() == Ok(x))?;
            bounds(value, x)
        }
        Kind::Boolean => {
            if raw.eq_ignore_ascii_case("true") || raw.eq_ignore_ascii_case("false") {
                Ok(())
            } else {
                Err("it must be true or false".to_owned())
            }
        }
        _ => text(value, raw),
    }
}

/// A string's enum, lengths and pattern.
fn text(value: &Value, raw: &str) -> Result<(), String> {
    one_of(value, |e| e == raw)?;
    let chars = raw.chars().count();
    if let Some(min) = value.min_length
        && chars < min
    {
        return Err(format!("it must be at least {min} characters long"));
    }
    if let Some(max) = value.max_length
        && chars > max
    {
        return Err(format!("it must be at most {max} characters long"));
    }
    if let Some(p) = &value.pattern
        && !p.is_match(raw)
    {
        return Err(format!("it must match the pattern {}", p.as_str()));
    }
    Ok(())
}

fn one_of(value: &Value, is: impl Fn(&str) -> bool) -> Result<(), String> {
    if value.one_of.is_empty() || value.one_of.iter().any(|e| is(e)) {
        Ok(())
    } else {
        Err(format!("it must be one of {}", value.one_of.join(", ")))
    }
}

fn bounds(value: &Value, x: f64) -> Result<(), String> {
    if let Some(Limit { at, exclusive }) = value.lower {
        if exclusive && x <= at {
            return Err(format!("it must be greater than {at}"));
        }
        if x < at {
            return Err(format!("it must be at least {at}"));
        }
    }
    if let Some(Limit { at, exclusive }) = value.upper {
        if exclusive && x >= at {
            return Err(format!("it must be less than {at}"));
        }
        if x > at {
            return Err(format!("it must be at most {at}"));
        }
    }
    Ok(())
}

/// Checks a JSON value (of a `json`-style parameter) against `value`: JSON's own types must be
/// the schema's (a string where it says string, a whole number where it says integer); `at` is
/// where in the text, for the message.
fn json_value(value: &Value, json: &serde_json::Value, at: &str) -> Result<(), String> {
    let here = |why: String| {
        if at.is_empty() {
            why
        } else {
            format!("{at}: {why}")
        }
    };
    match &value.kind {
        Kind::Text => match json.as_str() {
            Some(s) => text(value, s).map_err(here),
            None => Err(here("it must be a string".into())),
        },
        Kind::Integer(min, max) => match json.as_i64().filter(|n| (*min..=*max).contains(n)) {
            Some(n) => scalar(value, &n.to_string()).map_err(here),
            None => Err(here(format!("it must be an integer from {min} to {max}"))),
        },
        Kind::Number => match json.as_f64() {
            Some(x) => {
                one_of(value, |e| e.parse::<f64>() == Ok(x)).map_err(here)?;
                bounds(value, x).map_err(here)
            }
            None => Err(here("it must be a number".into())),
        },
        Kind::Boolean => match json.is_boolean() {
            true => Ok(()),
            false => Err(here("it must be true or false".into())),
        },
        Kind::List(items) => {
            let list = json
                .as_array()
                .ok_or_else(|| here("it must be a list".into()))?;
            if let Some(max) = value.max_items
                && list.len() > max
            {
                return Err(here(format!("it takes at most {max} items")));
            }
            if let Some(min) = value.min_items
                && list.len() < min
            {
                return Err(here(format!("it takes at least {min} items")));
            }
            for (i, item) in list.iter().enumerate() {
                json_value(items, item, &format!("{}[{i}]", name_or_item(at)))?;
            }
            Ok(())
        }
        Kind::Object(properties) => {
            let object = json
                .as_object()
                .ok_or_else(|| here("it must be an object".into()))?;
            for p in properties {
                let inner = if at.is_empty() {
                    p.name.clone()
                } else {
                    format!("{at}.{}", p.name)
                };
                match object.get(&p.name).filter(|v| !v.is_null()) {
                    Some(v) => json_value(&p.value, v, &inner)?,
                    None if p.required => return Err(format!("{inner} is missing")),
                    None => {}
                }
            }
            Ok(())
        }
    }
}

/// How a list at `at` is named in a message: `at`, or "the list" at the top.
fn name_or_item(at: &str) -> &str {
    if at.is_empty() { "the list" } else { at }
}
