//! Building requests: a [`Call`] in any of the four wire forms official SDKs use, signed with
//! [`crate::signing`] (the code the mock verifies with). Pure: the clock and the nonce are passed
//! in, so tests pin exact wire bytes; sending is [`super::Client`]'s.

use time::OffsetDateTime;
use time::macros::format_description;

use crate::format::Format;
use crate::params::Params;
use crate::protocol::API_VERSION;
use crate::signing::{self, Authorization};

/// An access key pair. `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub access_key_id: String,
    access_key_secret: String,
    /// An STS token: the key pair is temporary, and every call carries the token (signed as
    /// `SecurityToken` in V1, `x-acs-security-token` in V3).
    security_token: Option<String>,
}

impl Credentials {
    pub fn new(access_key_id: impl Into<String>, access_key_secret: impl Into<String>) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            access_key_secret: access_key_secret.into(),
            security_token: None,
        }
    }

    /// The same key pair with an STS token.
    pub fn with_security_token(mut self, token: impl Into<String>) -> Self {
        self.security_token = Some(token.into());
        self
    }

    pub(crate) fn secret(&self) -> &str {
        &self.access_key_secret
    }

    pub(crate) fn security_token(&self) -> Option<&str> {
        self.security_token.as_deref()
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &"<redacted>")
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// How a call travels, as the official SDKs send it (docs/wire.md). `results.json` names it by
/// its variant (`V1Get`, `V1PostQuery`, `V1PostForm`, `V3`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum WireForm {
    /// V1, GET, everything in the query (pop-core's default).
    V1Get,
    /// V1, POST, everything in the query, empty body (legacy Python SDK).
    V1PostQuery,
    /// V1, POST, everything in a form body (pop-core with `method: 'POST'`).
    V1PostForm,
    /// V3 `ACS3-HMAC-SHA256`, POST, action parameters in the query (the new SDKs).
    V3,
}

impl WireForm {
    pub const ALL: [Self; 4] = [Self::V1Get, Self::V1PostQuery, Self::V1PostForm, Self::V3];

    /// The HTTP method it travels by.
    pub fn method(self) -> Method {
        match self {
            Self::V1Get => Method::Get,
            Self::V1PostQuery | Self::V1PostForm | Self::V3 => Method::Post,
        }
    }
}

/// An HTTP method a wire form travels by: `GET` or `POST` in `results.json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Post,
}

impl std::str::FromStr for WireForm {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "V1 GET" => Ok(Self::V1Get),
            "V1 POST query" => Ok(Self::V1PostQuery),
            "V1 POST form" => Ok(Self::V1PostForm),
            "V3" => Ok(Self::V3),
            _ => Err(format!(
                "unknown wire form {s:?}: expected V1 GET, V1 POST query, V1 POST form or V3"
            )),
        }
    }
}

/// Deliberate defects, for the scenarios that check how the endpoint rejects them.
#[derive(Debug, Clone, Default)]
pub struct Tamper {
    /// Common parameters to leave out, by their V1 name (`Timestamp`, `SignatureNonce`, …).
    pub omit: Vec<String>,
    /// Sign with this secret instead of the right one.
    pub wrong_secret: Option<String>,
    /// Send this timestamp instead of the clock's.
    pub timestamp: Option<String>,
    /// Send this `Version` instead of the API's.
    pub version: Option<String>,
    /// Sign as this AccessKeyId (with the right secret of another key).
    pub access_key_id: Option<String>,
    /// V3: send this form body, although the signed `x-acs-content-sha256` is the empty body's.
    pub unsigned_body: Option<String>,
}

/// One API call to make.
#[derive(Debug, Clone)]
pub struct Call {
    pub action: String,
    /// Action parameters (plus any extra ones, sent as given).
    pub params: Vec<(String, String)>,
    pub form: WireForm,
    /// The `Format` parameter; `None` sends none (the endpoint's default applies).
    pub format: Option<Format>,
    pub tamper: Tamper,
}

impl Call {
    pub fn new(action: impl Into<String>, form: WireForm, format: Option<Format>) -> Self {
        Self {
            action: action.into(),
            params: Vec::new(),
            form,
            format,
            tamper: Tamper::default(),
        }
    }

    pub fn param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.params.push((name.into(), value.into()));
        self
    }

    /// The exact request to send to `host` (`127.0.0.1:8080`), signed with `credentials` at
    /// `now` with `nonce`.
    pub fn prepare(
        &self,
        credentials: &Credentials,
        host: &str,
        now: OffsetDateTime,
        nonce: &str,
    ) -> Prepared {
        let t = &self.tamper;
        let signer = Signer {
            access_key_id: t
                .access_key_id
                .clone()
                .unwrap_or_else(|| credentials.access_key_id.clone()),
            secret: t
                .wrong_secret
                .clone()
                .unwrap_or_else(|| credentials.secret().to_owned()),
            security_token: credentials.security_token().map(str::to_owned),
            host: host.to_owned(),
            timestamp: t.timestamp.clone().unwrap_or_else(|| {
                now.format(format_description!(
                    "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
                ))
                .unwrap_or_default()
            }),
            version: t.version.clone().unwrap_or_else(|| API_VERSION.to_owned()),
            nonce: nonce.to_owned(),
        };
        match self.form {
            WireForm::V3 => self.prepare_v3(&signer),
            _ => self.prepare_v1(&signer),
        }
    }

    /// Whether the common parameter `name` (by its V1 name) is sent.
    fn keeps(&self, name: &str) -> bool {
        !self.tamper.omit.iter().any(|o| o == name)
    }

    /// V1: every parameter (common ones included) in the query, or in a form body, signed with
    /// HMAC-SHA1 over their canonical form.
    fn prepare_v1(&self, s: &Signer) -> Prepared {
        let mut params: Params = self.params.iter().cloned().collect();
        let common = [
            ("Action", self.action.as_str()),
            ("Version", s.version.as_str()),
            ("AccessKeyId", s.access_key_id.as_str()),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureVersion", "1.0"),
            ("SignatureNonce", s.nonce.as_str()),
            ("Timestamp", s.timestamp.as_str()),
        ];
        for (name, value) in common.into_iter().filter(|(n, _)| self.keeps(n)) {
            params.insert(name, value);
        }
        if let Some(token) = &s.security_token {
            params.insert("SecurityToken", token.as_str());
        }
        if let Some(format) = self.format {
            params.insert("Format", format.as_param());
        }
        let method = if self.form == WireForm::V1Get {
            "GET"
        } else {
            "POST"
        };
        let string_to_sign = signing::v1_string_to_sign(method, params.iter());
        if self.keeps("Signature") {
            params.insert(
                "Signature",
                signing::v1_signature(&s.secret, &string_to_sign),
            );
        }
        let encoded = params.encode();
        let (query, body, headers) = if self.form == WireForm::V1PostForm {
            (String::new(), encoded, vec![form_content_type()])
        } else {
            (encoded, String::new(), vec![])
        };
        Prepared {
            method,
            path_and_query: path_and_query(&query),
            headers,
            body,
            string_to_sign: Some(string_to_sign),
            canonical_request: None,
        }
    }

    /// V3: action parameters in the query, common ones in `x-acs-*` headers, signed with
    /// ACS3-HMAC-SHA256 over the canonical request (host and every `x-acs-*` header signed).
    fn prepare_v3(&self, s: &Signer) -> Prepared {
        let mut query: Params = self.params.iter().cloned().collect();
        if let Some(format) = self.format {
            query.insert("Format", format.as_param());
        }
        let payload_hash = signing::sha256_hex(b"");
        let mut headers: Vec<(String, String)> = [
            ("Action", "x-acs-action", self.action.as_str()),
            ("Version", "x-acs-version", s.version.as_str()),
            ("Timestamp", "x-acs-date", s.timestamp.as_str()),
            ("SignatureNonce", "x-acs-signature-nonce", s.nonce.as_str()),
            (
                "ContentSha256",
                "x-acs-content-sha256",
                payload_hash.as_str(),
            ),
        ]
        .into_iter()
        .filter(|(logical, _, _)| self.keeps(logical))
        .map(|(_, h, v)| (h.to_owned(), v.to_owned()))
        .collect();
        if let Some(token) = &s.security_token {
            headers.push(("x-acs-accesskey-id".into(), s.access_key_id.clone()));
            headers.push(("x-acs-security-token".into(), token.clone()));
        }
        headers.push(("host".into(), s.host.clone()));
        let mut signed: Vec<String> = headers.iter().map(|(k, _)| k.clone()).collect();
        signed.sort();
        let pairs = query.to_pairs();
        let canonical = signing::v3_canonical_request(&signing::V3Input {
            method: "POST",
            path: "/",
            query: &pairs,
            headers: &headers,
            signed_headers: &signed,
            payload_hash: &payload_hash,
        });
        let string_to_sign = signing::v3_string_to_sign(&canonical);
        // The HTTP client sets host from the endpoint; it is in the headers only to be signed.
        headers.retain(|(k, _)| k != "host");
        headers.push(("accept".into(), "application/json".into()));
        if self.keeps("Signature") {
            let auth = Authorization {
                access_key_id: s.access_key_id.clone(),
                signed_headers: signed,
                signature: signing::v3_signature(&s.secret, &string_to_sign),
            };
            headers.push(("authorization".into(), auth.to_string()));
        }
        let body = match &self.tamper.unsigned_body {
            Some(body) => {
                headers.push(form_content_type());
                body.clone()
            }
            None => String::new(),
        };
        Prepared {
            method: "POST",
            path_and_query: path_and_query(&query.encode()),
            headers,
            body,
            string_to_sign: Some(string_to_sign),
            canonical_request: Some(canonical),
        }
    }
}

/// Who signs, where, when: what both wire forms sign with.
struct Signer {
    access_key_id: String,
    secret: String,
    security_token: Option<String>,
    host: String,
    timestamp: String,
    version: String,
    nonce: String,
}

fn form_content_type() -> (String, String) {
    (
        "content-type".into(),
        "application/x-www-form-urlencoded".into(),
    )
}

fn path_and_query(query: &str) -> String {
    if query.is_empty() {
        "/".into()
    } else {
        format!("/?{query}")
    }
}

/// A request ready to send. `host` is set by the HTTP client from the endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub method: &'static str,
    pub path_and_query: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// The string-to-sign (V1 or V3), to compare with an endpoint's `SignatureDoesNotMatch`
    /// message. It holds no secret.
    pub string_to_sign: Option<String>,
    /// The V3 canonical request, for the same purpose; `None` for V1.
    pub canonical_request: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signing::Authorization;

    fn creds() -> Credentials {
        Credentials::new("testid", "testsecret")
    }

    fn at() -> OffsetDateTime {
        time::macros::datetime!(2026-11-26 05:43:56 UTC)
    }

    #[test]
    fn debug_never_shows_the_secret() {
        assert!(!format!("{:?}", creds()).contains("testsecret"));
        let sts = creds().with_security_token("tok+/=123");
        assert!(!format!("{sts:?}").contains("tok+"));
    }

    #[test]
    fn an_sts_token_is_signed_in_both_schemes() {
        let sts = creds().with_security_token("tok+/=123");
        let v1 = Call::new("ResetDisk", WireForm::V1Get, None).prepare(&sts, "h", at(), "n");
        assert!(
            v1.path_and_query.contains("SecurityToken=tok%2B%2F%3D123"),
            "{}",
            v1.path_and_query
        );
        assert!(
            v1.string_to_sign
                .unwrap_or_default()
                .contains("SecurityToken%3Dtok%252B")
        );
        let v3 = Call::new("ResetDisk", WireForm::V3, None).prepare(&sts, "h", at(), "n");
        let header = |name: &str| {
            v3.headers
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(header("x-acs-security-token").as_deref(), Some("tok+/=123"));
        assert_eq!(header("x-acs-accesskey-id").as_deref(), Some("testid"));
        let auth = Authorization::parse(&header("authorization").unwrap_or_default()).unwrap();
        assert!(
            auth.signed_headers
                .iter()
                .any(|h| h == "x-acs-security-token")
        );
        assert!(
            auth.signed_headers
                .iter()
                .any(|h| h == "x-acs-accesskey-id")
        );
    }

    #[test]
    fn v1_get_reproduces_the_captured_pop_core_request() {
        // pop-core's captured GET, with the same nonce and time, signs to the same value.
        let call = Call::new("ResetDisk", WireForm::V1Get, Some(Format::Json))
            .param("DiskId", "d-diskid1")
            .param("SnapshotId", "s-snapshotid1")
            .param("RegionId", "cn-hangzhou");
        let p = call.prepare(
            &creds(),
            "127.0.0.1:18081",
            at(),
            "08e1ba3bc05fcd3756b082a07b5b093b",
        );
        assert_eq!(p.method, "GET");
        assert!(p.body.is_empty());
        assert!(
            p.path_and_query.ends_with("&Signature=bPTlX1yGw485FKstyOn94xSX%2BH0%3D&SignatureMethod=HMAC-SHA1&SignatureNonce=08e1ba3bc05fcd3756b082a07b5b093b&SignatureVersion=1.0&SnapshotId=s-snapshotid1&Timestamp=2026-11-26T05%3A43%3A56Z&Version=2014-05-26"),
            "{}",
            p.path_and_query
        );
    }

    #[test]
    fn v1_post_form_puts_everything_in_the_body() {
        let call =
            Call::new("ResetDisk", WireForm::V1PostForm, Some(Format::Xml)).param("DiskId", "d-1");
        let p = call.prepare(&creds(), "h", at(), "n");
        assert_eq!((p.method, p.path_and_query.as_str()), ("POST", "/"));
        assert!(p.body.contains("DiskId=d-1") && p.body.contains("Signature="));
        assert_eq!(p.headers[0].1, "application/x-www-form-urlencoded");
    }

    #[test]
    fn v3_signs_host_and_every_acs_header() {
        let call = Call::new("ResetDisk", WireForm::V3, None).param("DiskId", "d-1");
        let p = call.prepare(&creds(), "127.0.0.1:1", at(), "n");
        assert_eq!(p.path_and_query, "/?DiskId=d-1");
        let auth = &p
            .headers
            .iter()
            .find(|(k, _)| k == "authorization")
            .unwrap()
            .1;
        let auth = Authorization::parse(auth).unwrap();
        assert_eq!(
            auth.signed_headers.join(";"),
            "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version"
        );
    }

    #[test]
    fn tampering_omits_and_replaces_common_parameters() {
        let mut call = Call::new("ResetDisk", WireForm::V1Get, None);
        call.tamper.omit = vec!["Timestamp".into()];
        call.tamper.version = Some("2099-01-01".into());
        let p = call.prepare(&creds(), "h", at(), "n");
        assert!(!p.path_and_query.contains("Timestamp="));
        assert!(p.path_and_query.contains("Version=2099-01-01"));
    }
}
