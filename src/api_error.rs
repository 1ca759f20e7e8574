//! The errors the gateway answers with itself: the platform's common errors (docs/wire.md), each
//! with its HTTP status and exact message. An action's own errors are not here: they are its
//! catalogue's rows (`features/{Action}.errors.tsv`, read by `crate::catalogue`).
//!
//! Messages are the documented strings. Where no documented string exists the choice is recorded
//! in `docs/choices.md`.

use std::borrow::Cow;

/// One error answer: HTTP status, `Code` and `Message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub code: Cow<'static, str>,
    pub message: Cow<'static, str>,
}

impl ApiError {
    const fn fixed(status: u16, code: &'static str, message: &'static str) -> Self {
        Self {
            status,
            code: Cow::Borrowed(code),
            message: Cow::Borrowed(message),
        }
    }

    /// A required parameter (or its V3 header) is absent: gateway style, `MissingDiskId`.
    pub fn missing(name: &str) -> Self {
        Self {
            status: 400,
            code: format!("Missing{name}").into(),
            message: format!("{name} is mandatory for this action.").into(),
        }
    }

    /// A parameter is present but not acceptable; `why` says what is wrong with it. The name is
    /// the client's: a character XML cannot carry (a control character, U+FFFE, U+FFFF) is shown
    /// percent-encoded, so the answer stays well-formed in both formats alike.
    pub fn invalid_parameter(name: &str, why: &str) -> Self {
        let name = xml_safe(name);
        Self {
            status: 400,
            code: "InvalidParameter".into(),
            message: format!("The specified parameter \"{name}\" is not valid: {why}.").into(),
        }
    }

    /// A request body that did not arrive in time.
    pub fn request_timeout(limit: std::time::Duration) -> Self {
        Self {
            status: 408,
            code: "RequestTimeout".into(),
            message: format!(
                "The request body was not received within {} seconds.",
                limit.as_secs_f64()
            )
            .into(),
        }
    }

    /// A V3 common header is absent: the code names the parameter it stands for
    /// (`MissingTimestamp`), the message the header (`x-acs-date is mandatory…`).
    pub fn missing_header(logical: &str, header: &str) -> Self {
        Self {
            status: 400,
            code: format!("Missing{logical}").into(),
            message: format!("{header} is mandatory for this action.").into(),
        }
    }

    pub fn v3_signature_does_not_match(string_to_sign: &str, canonical_request: &str) -> Self {
        Self {
            status: 400,
            code: "SignatureDoesNotMatch".into(),
            message: format!(
                "Specified signature does not match our calculation. server StringToSign is [{string_to_sign}] server CanonicalRequest is [{canonical_request}]"
            )
            .into(),
        }
    }

    pub fn signature_does_not_match(server_string_to_sign: &str) -> Self {
        Self {
            status: 400,
            code: "SignatureDoesNotMatch".into(),
            message: format!(
                "Specified signature is not matched with our calculation. server string to sign is:{server_string_to_sign}"
            )
            .into(),
        }
    }

    pub fn request_too_large(part: &str, limit: usize) -> Self {
        Self {
            status: 413,
            code: "RequestTooLarge".into(),
            message: format!("The request {part} is larger than the limit of {limit} bytes.")
                .into(),
        }
    }

    pub const INCOMPLETE_SIGNATURE: Self = Self::fixed(
        400,
        "IncompleteSignature",
        "The request signature does not conform to Aliyun standards.",
    );
    pub const TIMESTAMP_EXPIRED: Self = Self::fixed(
        400,
        "InvalidTimeStamp.Expired",
        "Specified time stamp or date value is expired.",
    );
    pub const TIMESTAMP_FORMAT: Self = Self::fixed(
        400,
        "InvalidTimeStamp.Format",
        "Specified time stamp or date value is not well formatted.",
    );
    pub const NONCE_USED: Self = Self::fixed(
        400,
        "SignatureNonceUsed",
        "Specified signature nonce was used already.",
    );
    pub const ACCESS_KEY_NOT_FOUND: Self = Self::fixed(
        404,
        "InvalidAccessKeyId.NotFound",
        "Specified access key is not found.",
    );
    pub const ACTION_NOT_FOUND: Self = Self::fixed(
        404,
        "InvalidAction.NotFound",
        "Specified api is not found, please check your url and method.",
    );
    pub const INVALID_VERSION: Self = Self::fixed(
        400,
        "InvalidVersion",
        "Specified parameter Version is not valid.",
    );
    pub const UNSUPPORTED_METHOD: Self = Self::fixed(
        403,
        "UnsupportedHTTPMethod",
        "This http method is not supported.",
    );
    pub const THROTTLING: Self = Self::fixed(
        400,
        "Throttling",
        "Request was denied due to request throttling.",
    );
    pub const SERVICE_UNAVAILABLE: Self = Self::fixed(
        503,
        "ServiceUnavailable",
        "The request has failed due to a temporary failure of the server.",
    );

    /// Errors that a scheduled fault may inject besides ResetDisk's own table.
    pub const INJECTABLE_COMMON: [Self; 2] = [Self::THROTTLING, Self::SERVICE_UNAVAILABLE];
}

/// `text` with every character XML 1.0 cannot carry percent-encoded (UTF-8, `%XY`).
pub fn xml_safe(text: &str) -> String {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r')
            || (('\u{20}'..='\u{D7FF}').contains(&c) && c != '\u{7F}')
            || ('\u{E000}'..='\u{FFFD}').contains(&c)
            || c >= '\u{10000}'
    };
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if allowed(c) {
            out.push(c);
        } else {
            let mut buf = [0; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status, self.code, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_xml_cannot_carry_are_percent_encoded() {
        let e = ApiError::invalid_parameter("a\u{1}b\u{FFFF}c\u{7F}", "why");
        assert_eq!(
            e.message,
            "The specified parameter \"a%01b%EF%BF%BFc%7F\" is not valid: why."
        );
        assert_eq!(xml_safe("DiskId 中"), "DiskId 中");
    }

    #[test]
    fn missing_parameter_errors_use_the_gateway_form() {
        let e = ApiError::missing("DiskId");
        assert_eq!(
            (e.status, e.code.as_ref(), e.message.as_ref()),
            (400, "MissingDiskId", "DiskId is mandatory for this action.")
        );
    }
}
