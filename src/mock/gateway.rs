//! The API gateway in front of the actions: reads the parameters (query and form body), picks the
//! response format, checks the common parameters and the signature (V1 or V3), and hands the
//! action an authenticated call — or answers with a common error.
//!
//! This is synchronous and does no I/O: the clock is passed in, [`check`] does everything but the
//! signature comparison, which [`Unverified::verify`] does with the secret the caller looked up,
//! and the nonce is returned for the caller to check against its store. The order of the checks
//! is documented in docs/choices.md.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::actions::{self, Served};
use crate::api_error::ApiError;
use crate::format::Format;
use crate::params::{ParamError, Params};
use crate::protocol::API_VERSION;
use crate::signing::{self, Authorization, V3_ALGORITHM};

/// The longest query string accepted, in bytes.
pub const MAX_QUERY_BYTES: usize = 32 * 1024;
/// The largest body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// How far `Timestamp` / `x-acs-date` may be from the server's clock, either way.
pub const CLOCK_SKEW: time::Duration = time::Duration::minutes(15);

/// A request as it reached the server. Header names are lowercase.
#[derive(Debug, Clone, Copy)]
pub struct Incoming<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a str,
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
}

impl Incoming<'_> {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn is_v3(&self) -> bool {
        self.header("authorization")
            .is_some_and(|a| a.starts_with(V3_ALGORITHM))
    }

    /// The format to answer in before the parameters are known: JSON for V3 or when the client
    /// accepts JSON, XML otherwise.
    pub fn default_format(&self) -> Format {
        let accepts_json = self
            .header("accept")
            .is_some_and(|a| a.contains("application/json"));
        if self.is_v3() || accepts_json {
            Format::Json
        } else {
            Format::Xml
        }
    }
}

/// A call that passed the gateway.
#[derive(Debug, Clone)]
pub struct Call {
    pub action: Served,
    pub access_key_id: String,
    /// The STS token the call carried (signed: V1's `SecurityToken`, V3's
    /// `x-acs-security-token`), for the tenant to match against its own.
    pub security_token: Option<String>,
    pub nonce: String,
    pub params: Params,
    pub format: Format,
}

/// A request the gateway answered itself, with the format to answer in and the action if known.
#[derive(Debug, Clone)]
pub struct Rejection {
    pub error: ApiError,
    pub format: Format,
    pub action: Option<String>,
}

/// A request that passed every check the secret is not needed for. What the signature is
/// compared with is computed already, so that the caller holds the secret (and its lock) only
/// for the comparison.
pub struct Unverified {
    call: Call,
    proof: Proof,
}

/// What a signature is compared with, and the signature the request carried.
enum Proof {
    V1 {
        string_to_sign: String,
        signature: String,
    },
    V3 {
        string_to_sign: String,
        canonical: String,
        body_matches: bool,
        signature: String,
    },
}

impl Unverified {
    /// The access key the request names: the one whose secret [`Unverified::verify`] needs.
    pub fn access_key_id(&self) -> &str {
        &self.call.access_key_id
    }

    /// Checks the signature with the access key's secret (`None`: the key is unknown).
    pub fn verify(self, secret: Option<&str>) -> Result<Call, Rejection> {
        let Self { call, proof } = self;
        let reject = |error: ApiError| Rejection {
            error,
            format: call.format,
            action: Some(call.action.name().to_owned()),
        };
        let Some(secret) = secret else {
            return Err(reject(ApiError::access_key_not_found()));
        };
        match proof {
            Proof::V1 {
                string_to_sign,
                signature,
            } => {
                if !signing::v1_verify(secret, &string_to_sign, &signature) {
                    return Err(reject(ApiError::signature_does_not_match(&string_to_sign)));
                }
            }
            Proof::V3 {
                string_to_sign,
                canonical,
                body_matches,
                signature,
            } => {
                if !body_matches || !signing::v3_verify(secret, &string_to_sign, &signature) {
                    return Err(reject(ApiError::v3_signature_does_not_match(
                        &string_to_sign,
                        &canonical,
                    )));
                }
            }
        }
        Ok(call)
    }
}

/// Checks `req`. `secret_of` looks up an access key's secret; `now` is `None` to skip the clock
/// check (used to verify old captured requests).
#[cfg(test)]
pub fn authenticate(
    req: &Incoming<'_>,
    secret_of: impl Fn(&str) -> Option<String>,
    now: Option<OffsetDateTime>,
) -> Result<Call, Rejection> {
    let unverified = check(req, now)?;
    let secret = secret_of(unverified.access_key_id());
    unverified.verify(secret.as_deref())
}

/// Checks `req` up to its signature, which needs the secret: [`Unverified::verify`] then
/// compares it. `now` is `None` to skip the clock check (used to verify old captured requests).
/// Each part of the request is read once: the query and the body are parsed here, and the
/// signature checks reuse what was parsed.
pub fn check(req: &Incoming<'_>, now: Option<OffsetDateTime>) -> Result<Unverified, Rejection> {
    let mut format = req.default_format();
    let reject = |error: ApiError, format: Format, action: Option<&str>| Rejection {
        error,
        format,
        action: action.map(str::to_owned),
    };

    if req.method != "GET" && req.method != "POST" {
        return Err(reject(ApiError::unsupported_method(), format, None));
    }
    if req.path != "/" {
        return Err(reject(ApiError::action_not_found(), format, None));
    }
    if req.query.len() > MAX_QUERY_BYTES {
        return Err(reject(
            ApiError::request_too_large("query string", MAX_QUERY_BYTES),
            format,
            None,
        ));
    }
    let v3 = req.is_v3();
    let (params, query_only) = read_params(req, v3).map_err(|e| reject(e, format, None))?;
    if let Some(f) = params.get("Format") {
        format = f.parse().map_err(|_| {
            reject(
                ApiError::invalid_parameter("Format", "expected XML or JSON"),
                format,
                None,
            )
        })?;
    }

    let checked = if v3 {
        check_v3(req, query_only.as_ref().unwrap_or(&params), now)
    } else {
        check_v1(req, &params, now)
    };
    match checked {
        Ok((action, access_key_id, nonce, proof)) => Ok(Unverified {
            call: Call {
                action,
                access_key_id,
                security_token: if v3 {
                    req.header("x-acs-security-token").map(str::to_owned)
                } else {
                    params.get("SecurityToken").map(str::to_owned)
                },
                nonce,
                params,
                format,
            },
            proof,
        }),
        Err((error, action)) => Err(reject(error, format, action.as_deref())),
    }
}

/// Query parameters, merged with a form body's on POST. When `keep_query` and there is a form
/// body, the query's own parameters come back too (V3 signs the query alone).
fn read_params(req: &Incoming<'_>, keep_query: bool) -> Result<(Params, Option<Params>), ApiError> {
    let invalid = |e: ParamError| {
        let why = match e {
            ParamError::BadPercentEncoding(_) => "malformed percent-encoding",
            ParamError::NotUtf8(_) => "not valid UTF-8",
            ParamError::Repeated(_) => "it is specified more than once",
            ParamError::EmptyName => "a parameter name is empty",
        };
        ApiError::invalid_parameter(e.parameter(), why)
    };
    let mut params = Params::parse(req.query).map_err(invalid)?;
    let is_form = req
        .header("content-type")
        .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
    let mut query_only = None;
    if req.method == "POST" && is_form && !req.body.is_empty() {
        let body = std::str::from_utf8(req.body)
            .map_err(|_| ApiError::invalid_parameter("body", "not valid UTF-8"))?;
        if keep_query {
            query_only = Some(params.clone());
        }
        params.extend_from_encoded(body).map_err(invalid)?;
    }
    Ok((params, query_only))
}

type Checked = Result<(Served, String, String, Proof), (ApiError, Option<String>)>;

fn check_action_and_version(
    action: Option<&str>,
    version: Option<&str>,
) -> Result<Served, ApiError> {
    let name = action
        .filter(|a| !a.is_empty())
        .ok_or_else(|| ApiError::missing("Action"))?;
    let action = actions::find(name).ok_or(ApiError::action_not_found())?;
    match version {
        None | Some("") => Err(ApiError::missing("Version")),
        Some(API_VERSION) => Ok(action),
        Some(_) => Err(ApiError::invalid_version()),
    }
}

fn check_timestamp(value: &str, now: Option<OffsetDateTime>) -> Result<(), ApiError> {
    let at = OffsetDateTime::parse(value, &Rfc3339).map_err(|_| ApiError::timestamp_format())?;
    match now {
        Some(now) if (now - at).abs() > CLOCK_SKEW => Err(ApiError::timestamp_expired()),
        _ => Ok(()),
    }
}

fn check_v1(req: &Incoming<'_>, params: &Params, now: Option<OffsetDateTime>) -> Checked {
    let action = check_action_and_version(params.get("Action"), params.get("Version"))
        .map_err(|e| (e, None))?;
    let fail = |e: ApiError| (e, Some(action.name().to_owned()));
    let get = |name: &str| {
        params
            .get(name)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| fail(ApiError::missing(name)))
    };
    let access_key_id = get("AccessKeyId")?;
    if get("SignatureMethod")? != "HMAC-SHA1" {
        return Err(fail(ApiError::invalid_parameter(
            "SignatureMethod",
            "expected HMAC-SHA1",
        )));
    }
    if get("SignatureVersion")? != "1.0" {
        return Err(fail(ApiError::invalid_parameter(
            "SignatureVersion",
            "expected 1.0",
        )));
    }
    let timestamp = get("Timestamp")?;
    let nonce = get("SignatureNonce")?;
    let signature = get("Signature")?;
    check_timestamp(timestamp, now).map_err(fail)?;
    let proof = Proof::V1 {
        string_to_sign: signing::v1_string_to_sign(req.method, params.iter()),
        signature: signature.to_owned(),
    };
    Ok((action, access_key_id.to_owned(), nonce.to_owned(), proof))
}

/// The V3 common headers, with the logical parameter each stands for in error codes.
const V3_HEADERS: [(&str, &str); 3] = [
    ("x-acs-date", "Timestamp"),
    ("x-acs-signature-nonce", "SignatureNonce"),
    ("x-acs-content-sha256", "ContentSha256"),
];

/// `query` is the query string's own parameters, as parsed once.
fn check_v3(req: &Incoming<'_>, query: &Params, now: Option<OffsetDateTime>) -> Checked {
    let action = check_action_and_version(req.header("x-acs-action"), req.header("x-acs-version"))
        .map_err(|e| (e, None))?;
    let fail = |e: ApiError| (e, Some(action.name().to_owned()));
    let auth = req
        .header("authorization")
        .and_then(Authorization::parse)
        .ok_or_else(|| fail(ApiError::incomplete_signature()))?;
    let mut values = [""; 3];
    for (slot, (header, logical)) in values.iter_mut().zip(V3_HEADERS) {
        *slot = req
            .header(header)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| fail(ApiError::missing_header(logical, header)))?;
    }
    let [date, nonce, content_sha256] = values;
    // Every common header present, and the host, must be signed.
    let unsigned = req
        .headers
        .iter()
        .map(|(k, _)| k.as_str())
        .filter(|k| k.starts_with("x-acs-") || *k == "host")
        .any(|k| !auth.signed_headers.iter().any(|s| s == k));
    if unsigned {
        return Err(fail(ApiError::incomplete_signature()));
    }
    check_timestamp(date, now).map_err(fail)?;
    let canonical = signing::v3_canonical_request(&signing::V3Input {
        method: req.method,
        path: req.path,
        query: &query.to_pairs(),
        headers: req.headers,
        signed_headers: &auth.signed_headers,
        payload_hash: content_sha256,
    });
    let proof = Proof::V3 {
        string_to_sign: signing::v3_string_to_sign(&canonical),
        canonical,
        body_matches: signing::sha256_hex(req.body) == content_sha256,
        signature: auth.signature,
    };
    Ok((action, auth.access_key_id, nonce.to_owned(), proof))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CAPTURES: &str = include_str!("../../tests/vectors/sdk-wire-captures-resetdisk.json");

    struct Captured {
        client: String,
        method: String,
        path: String,
        query: String,
        headers: Vec<(String, String)>,
        body: String,
    }

    fn captures() -> Vec<Captured> {
        let doc: serde_json::Value = serde_json::from_str(CAPTURES).unwrap();
        doc["requests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let target = r["target"].as_str().unwrap();
                let (path, query) = target.split_once('?').unwrap_or((target, ""));
                Captured {
                    client: r["client"].as_str().unwrap().into(),
                    method: r["method"].as_str().unwrap().into(),
                    path: path.into(),
                    query: query.into(),
                    headers: r["headers"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|h| {
                            (
                                h[0].as_str().unwrap().to_ascii_lowercase(),
                                h[1].as_str().unwrap().to_owned(),
                            )
                        })
                        .collect(),
                    body: r["body"].as_str().unwrap().into(),
                }
            })
            .collect()
    }

    fn check(c: &Captured, secret: &str, now: Option<OffsetDateTime>) -> Result<Call, Rejection> {
        let incoming = Incoming {
            method: &c.method,
            path: &c.path,
            query: &c.query,
            headers: &c.headers,
            body: c.body.as_bytes(),
        };
        authenticate(
            &incoming,
            |id| (id == "testid").then(|| secret.to_owned()),
            now,
        )
    }

    #[test]
    fn all_six_captured_sdk_requests_verify_with_the_clock_check_off() {
        let all = captures();
        assert_eq!(all.len(), 6);
        for c in &all {
            let call = check(c, "testsecret", None)
                .unwrap_or_else(|r| panic!("{} rejected: {}", c.client, r.error));
            assert_eq!(call.action.name(), "ResetDisk", "{}", c.client);
            assert_eq!(call.params.get("DiskId"), Some("d-diskid1"));
            assert_eq!(call.params.get("SnapshotId"), Some("s-snapshotid1"));
            assert_eq!(call.format, Format::Json, "{} asks for JSON", c.client);
        }
    }

    #[test]
    fn captured_requests_fail_with_a_wrong_secret_or_an_old_clock() {
        for c in &captures() {
            let e = check(c, "wrong", None).unwrap_err().error;
            assert_eq!(e.code, "SignatureDoesNotMatch", "{}", c.client);
            let now = OffsetDateTime::now_utc() + time::Duration::days(3650);
            let e = check(c, "testsecret", Some(now)).unwrap_err().error;
            assert_eq!(e.code, "InvalidTimeStamp.Expired", "{}", c.client);
        }
    }

    #[test]
    fn a_v1_mismatch_message_ends_with_the_server_string_to_sign() {
        let c = &captures()[1];
        let e = check(c, "wrong", None).unwrap_err().error;
        let (_, sts) = e.message.split_once("server string to sign is:").unwrap();
        assert!(sts.starts_with("POST&%2F&AccessKeyId%3Dtestid"), "{sts}");
        assert!(sts.contains("SignatureType%3D%26"), "{sts}");
        assert!(!e.message.contains("testsecret"));
    }

    #[test]
    fn a_tampered_v3_body_does_not_verify() {
        let c = &captures()[0];
        let tampered = Captured {
            body: "DiskId=d-other".into(),
            headers: c.headers.clone(),
            client: c.client.clone(),
            method: c.method.clone(),
            path: c.path.clone(),
            query: c.query.clone(),
        };
        assert_eq!(
            check(&tampered, "testsecret", None).unwrap_err().error.code,
            "SignatureDoesNotMatch"
        );
    }
}
