//! The errors the gateway answers with itself: the platform's common errors, each with its HTTP
//! status and exact message. Their words are written once, as rows of
//! `features/common.errors.tsv` (where the suite also reads their levels and sources); here they
//! are named, and their placeholders filled. An action's own errors are its catalogue's rows
//! (`features/{Action}.errors.tsv`).
//!
//! The row the mock answers with is the first with the code and an exact status (the others are
//! documented alternatives a target may answer instead). Where no documented string exists the
//! choice is a `chosen` row, recorded in `docs/choices.md`.

pub use crate::catalogue::ApiError;
use crate::catalogue::Catalogue;

/// The common error `code` with `fill`'s placeholders: the first row of the common catalogue
/// with that code (a pattern such as `Missing{name}`), an exact status, and every placeholder of
/// `fill` in its message. `{any}` placeholders take the `any` values in order.
///
/// # Panics
/// When no row fits: the catalogue is compiled in, and the tests below name every error.
fn common(code: &str, fill: &[(&str, &str)]) -> ApiError {
    Catalogue::common()
        .fill(code, fill)
        .unwrap_or_else(|| panic!("features/common.errors.tsv has no row for {code} {fill:?}"))
}

impl ApiError {
    /// A required parameter (or its V3 header) is absent: gateway style, `MissingDiskId`.
    pub fn missing(name: &str) -> Self {
        common("Missing{name}", &[("name", name)])
    }

    /// A parameter is present but not acceptable; `why` says what is wrong with it. The name is
    /// the client's: a character XML cannot carry (a control character, U+FFFE, U+FFFF) is shown
    /// percent-encoded, so the answer stays well-formed in both formats alike.
    pub fn invalid_parameter(name: &str, why: &str) -> Self {
        let name = xml_safe(name);
        common("InvalidParameter", &[("name", &name), ("any", why)])
    }

    /// A request body that did not arrive in time.
    pub fn request_timeout(limit: std::time::Duration) -> Self {
        let seconds = limit.as_secs_f64().to_string();
        common("RequestTimeout", &[("any", &seconds)])
    }

    /// A V3 common header is absent: the code names the parameter it stands for
    /// (`MissingTimestamp`), the message the header (`x-acs-date is mandatory…`).
    pub fn missing_header(logical: &str, header: &str) -> Self {
        Self {
            message: Self::missing(header).message,
            ..Self::missing(logical)
        }
    }

    pub fn v3_signature_does_not_match(string_to_sign: &str, canonical_request: &str) -> Self {
        common(
            "SignatureDoesNotMatch",
            &[
                ("string-to-sign", string_to_sign),
                ("canonical-request", canonical_request),
            ],
        )
    }

    pub fn signature_does_not_match(server_string_to_sign: &str) -> Self {
        common(
            "SignatureDoesNotMatch",
            &[("string-to-sign", server_string_to_sign)],
        )
    }

    pub fn request_too_large(part: &str, limit: usize) -> Self {
        common(
            "RequestTooLarge",
            &[("any", part), ("any", &limit.to_string())],
        )
    }

    pub fn incomplete_signature() -> Self {
        common("IncompleteSignature", &[])
    }

    pub fn timestamp_expired() -> Self {
        common("InvalidTimeStamp.Expired", &[])
    }

    pub fn timestamp_format() -> Self {
        common("InvalidTimeStamp.Format", &[])
    }

    pub fn nonce_used() -> Self {
        common("SignatureNonceUsed", &[])
    }

    pub fn access_key_not_found() -> Self {
        common("InvalidAccessKeyId.NotFound", &[])
    }

    pub fn action_not_found() -> Self {
        common("InvalidAction.NotFound", &[])
    }

    pub fn invalid_version() -> Self {
        common("InvalidVersion", &[])
    }

    pub fn unsupported_method() -> Self {
        common("UnsupportedHTTPMethod", &[])
    }

    pub fn throttling() -> Self {
        common("Throttling", &[])
    }

    pub fn service_unavailable() -> Self {
        common("ServiceUnavailable", &[])
    }

    /// A dry run whose every check passed, for an action whose table lists no row of its own.
    pub fn dry_run_operation() -> Self {
        common("DryRunOperation", &[])
    }

    /// A call that names, by parameter `name`, a resource the world does not hold, for an action
    /// whose table lists no not-found row for it: `InvalidInstanceId.NotFound`.
    pub fn not_found(name: &str) -> Self {
        common("Invalid{name}.NotFound", &[("name", name)])
    }

    /// A valid call of `action`, which changes state the mock does not model: nothing changed.
    pub fn not_modelled(action: &str) -> Self {
        common("InvalidOperation.NotModelled", &[("any", action)])
    }

    /// Errors that a scheduled fault may inject besides an action's own table.
    pub fn injectable_common() -> [Self; 2] {
        [Self::throttling(), Self::service_unavailable()]
    }
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

    /// The words the mock answered before they moved to `features/common.errors.tsv`, kept here
    /// so that the move is proven to change no answer.
    #[test]
    fn every_common_error_keeps_its_words() {
        let cases = [
            (
                ApiError::incomplete_signature(),
                400,
                "IncompleteSignature",
                "The request signature does not conform to Aliyun standards.",
            ),
            (
                ApiError::timestamp_expired(),
                400,
                "InvalidTimeStamp.Expired",
                "Specified time stamp or date value is expired.",
            ),
            (
                ApiError::timestamp_format(),
                400,
                "InvalidTimeStamp.Format",
                "Specified time stamp or date value is not well formatted.",
            ),
            (
                ApiError::nonce_used(),
                400,
                "SignatureNonceUsed",
                "Specified signature nonce was used already.",
            ),
            (
                ApiError::access_key_not_found(),
                404,
                "InvalidAccessKeyId.NotFound",
                "Specified access key is not found.",
            ),
            (
                ApiError::action_not_found(),
                404,
                "InvalidAction.NotFound",
                "Specified api is not found, please check your url and method.",
            ),
            (
                ApiError::invalid_version(),
                400,
                "InvalidVersion",
                "Specified parameter Version is not valid.",
            ),
            (
                ApiError::unsupported_method(),
                403,
                "UnsupportedHTTPMethod",
                "This http method is not supported.",
            ),
            (
                ApiError::throttling(),
                400,
                "Throttling",
                "Request was denied due to request throttling.",
            ),
            (
                ApiError::service_unavailable(),
                503,
                "ServiceUnavailable",
                "The request has failed due to a temporary failure of the server.",
            ),
            (
                ApiError::invalid_parameter("DiskId", "too long"),
                400,
                "InvalidParameter",
                "The specified parameter \"DiskId\" is not valid: too long.",
            ),
            (
                ApiError::request_timeout(std::time::Duration::from_secs(10)),
                408,
                "RequestTimeout",
                "The request body was not received within 10 seconds.",
            ),
            (
                ApiError::request_too_large("body", 1048576),
                413,
                "RequestTooLarge",
                "The request body is larger than the limit of 1048576 bytes.",
            ),
            (
                ApiError::dry_run_operation(),
                400,
                "DryRunOperation",
                "Request validation has been passed with DryRun flag set.",
            ),
            (
                ApiError::not_found("InstanceId"),
                404,
                "InvalidInstanceId.NotFound",
                "The specified InstanceId does not exist.",
            ),
            (
                ApiError::not_modelled("StopInstance"),
                403,
                "InvalidOperation.NotModelled",
                "The ecs-conformance mock does not model what StopInstance changes: the request passed validation, and nothing was changed.",
            ),
            (
                ApiError::missing_header("Timestamp", "x-acs-date"),
                400,
                "MissingTimestamp",
                "x-acs-date is mandatory for this action.",
            ),
            (
                ApiError::signature_does_not_match("GET&%2F&x"),
                400,
                "SignatureDoesNotMatch",
                "Specified signature is not matched with our calculation. server string to sign is:GET&%2F&x",
            ),
            (
                ApiError::v3_signature_does_not_match("S", "C"),
                400,
                "SignatureDoesNotMatch",
                "Specified signature does not match our calculation. server StringToSign is [S] server CanonicalRequest is [C]",
            ),
        ];
        for (e, status, code, message) in cases {
            assert_eq!(
                (e.status, e.code.as_ref(), e.message.as_ref()),
                (status, code, message)
            );
        }
    }

    #[test]
    fn a_value_that_reads_like_a_placeholder_is_kept_as_sent() {
        let e = ApiError::invalid_parameter("{any}", "{name}");
        assert_eq!(
            e.message,
            "The specified parameter \"{any}\" is not valid: {name}."
        );
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
