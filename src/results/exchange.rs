//! One call a scenario made and what came back, as `results.json` holds it and the run records
//! it. It holds no secret: the action's own parameters only (never a signature or a common
//! parameter), and the answer's body capped at [`EXCHANGE_BODY_BYTES`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::client::{Method, WireForm};
use crate::format::Format;

/// How much of an answer's body a report keeps.
pub const EXCHANGE_BODY_BYTES: usize = 64 * 1024;

/// One call and its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exchange {
    pub action: String,
    pub wire_form: WireForm,
    /// The HTTP method of its wire form.
    pub method: Method,
    /// The `Format` parameter sent, if any.
    pub format_asked: Option<Format>,
    /// The action's parameters as sent (aliases resolved).
    pub params: BTreeMap<String, String>,
    /// The call prepared the scenario's state rather than being what it checks.
    pub setup: bool,
    pub status: u16,
    pub content_type: String,
    /// The format the answer came in.
    pub format: Format,
    /// The body as received, at most [`EXCHANGE_BODY_BYTES`] of it.
    pub body: String,
    /// The client's own string-to-sign and (V3) canonical request, kept only when the answer's
    /// `Message` already carries them (a `SignatureDoesNotMatch` that echoes them): what lets
    /// `verify --rejudge` match `{string-to-sign}` in an expected message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub string_to_sign: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canonical_request: Option<String>,
    /// The run's own, not in `results.json`: the key pair and nonce the call was signed with,
    /// which together name the call (a proof through a proxy matches calls by them).
    #[serde(skip)]
    pub access_key_id: String,
    #[serde(skip)]
    pub nonce: String,
}

/// `s` cut to at most `max` bytes, on a character boundary, marked when cut.
pub fn capped(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… [{} more bytes]", &s[..end], s.len() - end)
}

/// Whether a body was cut by [`capped`]: what is missing is not the target's to answer for.
pub fn was_capped(body: &str) -> bool {
    body.ends_with(" more bytes]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_capped_on_a_character_boundary() {
        assert_eq!(capped("abc", 5), "abc");
        assert_eq!(capped("ééé", 3), "é… [4 more bytes]");
        assert!(was_capped(&capped("ééé", 3)) && !was_capped("abc"));
    }

    #[test]
    fn wire_forms_and_methods_are_written_as_before() {
        assert_eq!(
            serde_json::to_string(&WireForm::V1PostForm).unwrap(),
            "\"V1PostForm\""
        );
        assert_eq!(serde_json::to_string(&Method::Get).unwrap(), "\"GET\"");
        assert_eq!(serde_json::to_string(&Format::Json).unwrap(), "\"json\"");
        assert_eq!(
            serde_json::from_str::<WireForm>("\"V3\"").unwrap(),
            WireForm::V3
        );
    }
}
