//! Request parameters as they arrive on the wire: a query string, a form body, or both.
//!
//! Decoding is strict where a lenient decoder would silently change what was signed: a `%` must be
//! followed by two hex digits, the decoded bytes must be UTF-8, and a name may appear only once
//! across the query and the body together. `+` decodes to a space, as in any form encoding.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

/// Why a parameter list could not be read. Each variant names the parameter (raw, as sent).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamError {
    #[error("parameter {0:?} has malformed percent-encoding")]
    BadPercentEncoding(String),
    #[error("parameter {0:?} is not valid UTF-8 once decoded")]
    NotUtf8(String),
    #[error("parameter {0:?} appears more than once")]
    Repeated(String),
    #[error("a parameter has an empty name")]
    EmptyName,
}

impl ParamError {
    /// The parameter the error is about, for the `InvalidParameter` message.
    pub fn parameter(&self) -> &str {
        match self {
            Self::BadPercentEncoding(name) | Self::NotUtf8(name) | Self::Repeated(name) => name,
            Self::EmptyName => "",
        }
    }
}

/// Decoded parameters keyed by name, each present once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params(BTreeMap<String, String>);

impl Params {
    /// Parses `a=1&b=2` into `params`, rejecting a name that is already present.
    pub fn extend_from_encoded(&mut self, encoded: &str) -> Result<(), ParamError> {
        for pair in encoded.split('&').filter(|p| !p.is_empty()) {
            let (raw_name, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
            let name = decode(raw_name).map_err(|e| e.for_name(raw_name))?;
            let value = decode(raw_value).map_err(|e| e.for_name(&name))?;
            if name.is_empty() {
                return Err(ParamError::EmptyName);
            }
            match self.0.entry(name) {
                Entry::Occupied(taken) => return Err(ParamError::Repeated(taken.key().clone())),
                Entry::Vacant(slot) => {
                    slot.insert(value);
                }
            }
        }
        Ok(())
    }

    pub fn parse(encoded: &str) -> Result<Self, ParamError> {
        let mut params = Self::default();
        params.extend_from_encoded(encoded)?;
        Ok(params)
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.insert(name.into(), value.into());
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The parameters whose names begin with `prefix` followed by a dot (`Tag.1.Key` and `Tag.2`
    /// under `Tag`), in name order, with the rest of the name after that dot: how a flattened
    /// list or object arrives.
    pub fn under<'a>(&'a self, prefix: &str) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        // Every name that starts with `prefix.` sorts from `prefix.` up to, not including,
        // `prefix/` (the character after the dot).
        let from = format!("{prefix}.");
        let to = format!("{prefix}/");
        let skip = from.len();
        self.0
            .range::<str, _>((
                std::ops::Bound::Included(from.as_str()),
                std::ops::Bound::Excluded(to.as_str()),
            ))
            .map(move |(k, v)| (&k[skip..], v.as_str()))
    }

    /// The decoded pairs, as the V3 canonical query takes them.
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        self.0.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }

    /// Encodes the parameters as a query string or form body, sorted by name.
    pub fn encode(&self) -> String {
        self.iter()
            .map(|(k, v)| {
                format!(
                    "{}={}",
                    crate::signing::percent_encode(k),
                    crate::signing::percent_encode(v)
                )
            })
            .collect::<Vec<_>>()
            .join("&")
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Params {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Self(
            iter.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}

enum DecodeError {
    Percent,
    Utf8,
}

impl DecodeError {
    fn for_name(self, name: &str) -> ParamError {
        match self {
            Self::Percent => ParamError::BadPercentEncoding(name.to_owned()),
            Self::Utf8 => ParamError::NotUtf8(name.to_owned()),
        }
    }
}

/// Decodes one name or value: `+` is a space, `%XY` a byte, the result UTF-8.
fn decode(raw: &str) -> Result<String, DecodeError> {
    if !raw.bytes().any(|b| b == b'%' || b == b'+') {
        // Nothing to decode, and `raw` is UTF-8 already: most names and values.
        return Ok(raw.to_owned());
    }
    // percent-encoding decodes leniently (a stray `%` passes through), which would let a request
    // mean something other than what was signed; so a `%` must start a two-digit hex escape.
    let bytes = raw.as_bytes();
    let well_formed = bytes.iter().enumerate().all(|(i, &b)| {
        b != b'%'
            || bytes
                .get(i + 1..i + 3)
                .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit))
    });
    if !well_formed {
        return Err(DecodeError::Percent);
    }
    percent_encoding::percent_decode_str(&raw.replace('+', " "))
        .decode_utf8()
        .map(std::borrow::Cow::into_owned)
        .map_err(|_| DecodeError::Utf8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_percent_plus_and_empty_values() {
        let p = Params::parse("a=%20b+c&SignatureType=&flag&Timestamp=2026-11-26T05%3A43%3A55Z")
            .unwrap();
        assert_eq!(p.get("a"), Some(" b c"));
        assert_eq!(p.get("SignatureType"), Some(""));
        assert_eq!(p.get("flag"), Some(""));
        assert_eq!(p.get("Timestamp"), Some("2026-11-26T05:43:55Z"));
    }

    #[test]
    fn rejects_malformed_percent_encoding_naming_the_parameter() {
        assert_eq!(
            Params::parse("DiskId=d-%zz"),
            Err(ParamError::BadPercentEncoding("DiskId".into()))
        );
        assert_eq!(
            Params::parse("DiskId=d-%4"),
            Err(ParamError::BadPercentEncoding("DiskId".into()))
        );
    }

    #[test]
    fn rejects_invalid_utf8() {
        assert_eq!(
            Params::parse("DiskId=%FF%FE"),
            Err(ParamError::NotUtf8("DiskId".into()))
        );
    }

    #[test]
    fn rejects_a_name_repeated_across_query_and_body() {
        let mut p = Params::parse("DiskId=a").unwrap();
        assert_eq!(
            p.extend_from_encoded("DiskId=b"),
            Err(ParamError::Repeated("DiskId".into()))
        );
        assert_eq!(
            Params::parse("x=1&x=1"),
            Err(ParamError::Repeated("x".into()))
        );
    }

    #[test]
    fn under_a_prefix_are_its_dotted_names_only() {
        let p = Params::parse("Tag.1.Key=a&Tag.2=b&Tags=c&Tag=d&Tag.=e&TagX.1=f&Tag/x=g").unwrap();
        let got: Vec<_> = p.under("Tag").collect();
        assert_eq!(got, [("", "e"), ("1.Key", "a"), ("2", "b")]);
        assert_eq!(p.under("Nothing").count(), 0);
    }

    #[test]
    fn encode_round_trips() {
        let p: Params = [("b", "x y/z"), ("a", "中")].into_iter().collect();
        assert_eq!(p.encode(), "a=%E4%B8%AD&b=x%20y%2Fz");
        assert_eq!(Params::parse(&p.encode()).unwrap(), p);
    }
}
