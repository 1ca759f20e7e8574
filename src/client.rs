//! The signing client: builds a request in any of the four wire forms official SDKs use, signs it
//! with [`crate::signing`] (the code the mock verifies with), and sends it with reqwest. It also
//! speaks the control API.
//!
//! Building a request ([`Call::prepare`]) is pure — clock and nonce are passed in — so tests can
//! pin exact wire bytes; only [`Client`] does I/O. Errors never carry a URL: a signed URL is a
//! secret.

use std::time::Duration;

use time::OffsetDateTime;
use time::macros::format_description;

use crate::format::Format;
use crate::mock::{CONTROL_PREFIX, ControlDescribe, GetWorld, PROTOCOL, PutWorld, VERSION};
use crate::params::Params;
use crate::signing::{self, Authorization};
use crate::world::World;

/// An access key pair. `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub access_key_id: String,
    access_key_secret: String,
}

impl Credentials {
    pub fn new(access_key_id: impl Into<String>, access_key_secret: impl Into<String>) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            access_key_secret: access_key_secret.into(),
        }
    }

    pub(crate) fn secret(&self) -> &str {
        &self.access_key_secret
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &"<redacted>")
            .finish()
    }
}

/// How a call travels, as the official SDKs send it (alibaba-rpc.md §1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
        let secret = self
            .tamper
            .wrong_secret
            .as_deref()
            .unwrap_or(credentials.secret());
        let timestamp = self.tamper.timestamp.clone().unwrap_or_else(|| {
            now.format(format_description!(
                "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
            ))
            .unwrap_or_default()
        });
        let version = self.tamper.version.as_deref().unwrap_or(VERSION);
        let keep = |name: &str| !self.tamper.omit.iter().any(|o| o == name);
        let credentials = &match &self.tamper.access_key_id {
            Some(id) => Credentials::new(id.clone(), credentials.secret()),
            None => credentials.clone(),
        };
        match self.form {
            WireForm::V3 => {
                self.prepare_v3(credentials, secret, host, &timestamp, version, nonce, keep)
            }
            v1 => {
                let mut params: Params = self.params.iter().cloned().collect();
                let common = [
                    ("Action", self.action.as_str()),
                    ("Version", version),
                    ("AccessKeyId", credentials.access_key_id.as_str()),
                    ("SignatureMethod", "HMAC-SHA1"),
                    ("SignatureVersion", "1.0"),
                    ("SignatureNonce", nonce),
                    ("Timestamp", timestamp.as_str()),
                ];
                for (name, value) in common.into_iter().filter(|(n, _)| keep(n)) {
                    params.insert(name, value);
                }
                if let Some(format) = self.format {
                    params.insert("Format", format.as_param());
                }
                let method = if v1 == WireForm::V1Get { "GET" } else { "POST" };
                let sts = signing::v1_string_to_sign(method, params.iter());
                if keep("Signature") {
                    params.insert("Signature", signing::v1_signature(secret, &sts));
                }
                let encoded = params.encode();
                let (query, body, headers) = if v1 == WireForm::V1PostForm {
                    let ct = (
                        "content-type".to_owned(),
                        "application/x-www-form-urlencoded".to_owned(),
                    );
                    (String::new(), encoded, vec![ct])
                } else {
                    (encoded, String::new(), vec![])
                };
                Prepared {
                    method,
                    path_and_query: if query.is_empty() {
                        "/".into()
                    } else {
                        format!("/?{query}")
                    },
                    headers,
                    body,
                    string_to_sign: Some(sts),
                    canonical_request: None,
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn prepare_v3(
        &self,
        credentials: &Credentials,
        secret: &str,
        host: &str,
        timestamp: &str,
        version: &str,
        nonce: &str,
        keep: impl Fn(&str) -> bool,
    ) -> Prepared {
        let mut query: Params = self.params.iter().cloned().collect();
        if let Some(format) = self.format {
            query.insert("Format", format.as_param());
        }
        let payload_hash = signing::sha256_hex(b"");
        let mut headers: Vec<(String, String)> = [
            ("Action", "x-acs-action", self.action.as_str()),
            ("Version", "x-acs-version", version),
            ("Timestamp", "x-acs-date", timestamp),
            ("SignatureNonce", "x-acs-signature-nonce", nonce),
            (
                "ContentSha256",
                "x-acs-content-sha256",
                payload_hash.as_str(),
            ),
        ]
        .into_iter()
        .filter(|(logical, _, _)| keep(logical))
        .map(|(_, h, v)| (h.to_owned(), v.to_owned()))
        .collect();
        headers.push(("host".into(), host.into()));
        let signed: Vec<String> = headers.iter().map(|(k, _)| k.clone()).collect();
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
        let signature = signing::v3_signature(secret, &string_to_sign);
        headers.retain(|(k, _)| k != "host");
        headers.push(("accept".into(), "application/json".into()));
        if keep("Signature") {
            let mut signed = signed;
            signed.sort();
            let auth = Authorization {
                access_key_id: credentials.access_key_id.clone(),
                signed_headers: signed,
                signature,
            };
            headers.push(("authorization".into(), auth.to_string()));
        }
        let body = match &self.tamper.unsigned_body {
            Some(body) => {
                headers.push((
                    "content-type".into(),
                    "application/x-www-form-urlencoded".into(),
                ));
                body.clone()
            }
            None => String::new(),
        };
        let query = query.encode();
        Prepared {
            method: "POST",
            path_and_query: if query.is_empty() {
                "/".into()
            } else {
                format!("/?{query}")
            },
            headers,
            body,
            string_to_sign: Some(string_to_sign),
            canonical_request: Some(canonical),
        }
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

/// What came back: status, `Content-Type` (empty when absent) and the body as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawResponse {
    pub status: u16,
    pub content_type: String,
    pub body: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("invalid endpoint {endpoint:?}: {reason}")]
    InvalidEndpoint { endpoint: String, reason: String },
    #[error("{context}: {}", causes(source))]
    Http {
        context: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("{context}: {message}")]
    Control { context: String, message: String },
    #[error("{context}: the answer exceeds {limit} bytes")]
    TooLarge { context: String, limit: usize },
}

/// An error and its causes, `a: b: c` (reqwest's own text stops at "error sending request").
fn causes(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(&format!(": {s}"));
        source = s.source();
    }
    text
}

/// A client for one endpoint and one key pair.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    endpoint: reqwest::Url,
    host: String,
    credentials: Credentials,
    max_body: usize,
}

/// How long any one call may take before it fails, unless [`Client::with_timeout`] says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest answer read, unless [`Client::with_max_body`] says otherwise: 1 MiB.
pub const DEFAULT_MAX_BODY: usize = 1024 * 1024;

impl Client {
    /// `endpoint` is `http://host:port` or `https://host`; a path other than `/` is refused.
    pub fn new(endpoint: &str, credentials: Credentials) -> Result<Self, ClientError> {
        let invalid = |reason: &str| ClientError::InvalidEndpoint {
            endpoint: endpoint.to_owned(),
            reason: reason.to_owned(),
        };
        let url = reqwest::Url::parse(endpoint).map_err(|e| invalid(&e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid("the scheme must be http or https"));
        }
        if url.path() != "/" || url.query().is_some() {
            return Err(invalid("give the endpoint's root, with no path or query"));
        }
        let host = match (url.host_str(), url.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_owned(),
            (None, _) => return Err(invalid("it has no host")),
        };
        Ok(Self {
            http: Self::http(DEFAULT_TIMEOUT),
            endpoint: url,
            host,
            credentials,
            max_body: DEFAULT_MAX_BODY,
        })
    }

    /// Redirects are never followed: a signed call answered 3xx has its answer, and a request
    /// elsewhere would be another, unsigned one.
    fn http(timeout: Duration) -> reqwest::Client {
        reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a reqwest client with timeouts and no redirects builds")
    }

    /// Answers larger than `bytes` fail as soon as they are known to be, without reading on.
    pub fn with_max_body(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.http = Self::http(timeout);
        self
    }

    /// The same endpoint with other credentials.
    pub fn with_credentials(&self, credentials: Credentials) -> Self {
        Self {
            credentials,
            ..self.clone()
        }
    }

    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    pub fn endpoint(&self) -> &str {
        self.endpoint.as_str().trim_end_matches('/')
    }

    /// The request for `call`, signed now with `nonce`.
    pub fn prepare(&self, call: &Call, nonce: &str) -> Prepared {
        call.prepare(
            &self.credentials,
            &self.host,
            OffsetDateTime::now_utc(),
            nonce,
        )
    }

    /// Signs and sends `call` with the clock and a fresh nonce.
    pub async fn send(&self, call: &Call) -> Result<RawResponse, ClientError> {
        let nonce = uuid::Uuid::new_v4().to_string();
        self.send_with_nonce(call, &nonce).await
    }

    /// Signs and sends `call` with `nonce` (a replay sends the same nonce twice).
    pub async fn send_with_nonce(
        &self,
        call: &Call,
        nonce: &str,
    ) -> Result<RawResponse, ClientError> {
        let prepared = call.prepare(
            &self.credentials,
            &self.host,
            OffsetDateTime::now_utc(),
            nonce,
        );
        self.send_prepared(&prepared, &call.action).await
    }

    /// Sends an already built request.
    pub async fn send_prepared(
        &self,
        p: &Prepared,
        what: &str,
    ) -> Result<RawResponse, ClientError> {
        let url = format!("{}{}", self.endpoint(), p.path_and_query);
        let method = reqwest::Method::from_bytes(p.method.as_bytes())
            .expect("prepared methods are GET or POST");
        let mut req = self.http.request(method, url);
        for (k, v) in &p.headers {
            req = req.header(k, v);
        }
        let context = format!("{what} on {}", self.endpoint());
        let http = |e: reqwest::Error| ClientError::Http {
            context: context.clone(),
            source: e.without_url(),
        };
        let resp = req.body(p.body.clone()).send().await.map_err(http)?;
        let status = resp.status().as_u16();
        let content_type = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let bytes = self.read_capped(resp, &context).await?;
        Ok(RawResponse {
            status,
            content_type,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        })
    }

    /// The body, at most `max_body` bytes: a larger announced length fails before any byte is
    /// read, a longer stream as soon as it passes the cap.
    async fn read_capped(
        &self,
        mut resp: reqwest::Response,
        context: &str,
    ) -> Result<Vec<u8>, ClientError> {
        let too_large = || ClientError::TooLarge {
            context: context.to_owned(),
            limit: self.max_body,
        };
        if resp
            .content_length()
            .is_some_and(|n| n > self.max_body as u64)
        {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| ClientError::Http {
            context: context.to_owned(),
            source: e.without_url(),
        })? {
            if body.len() + chunk.len() > self.max_body {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    async fn control_request(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<String>,
    ) -> Result<(u16, String), ClientError> {
        let context = format!(
            "control API {method} {CONTROL_PREFIX}{path} on {}",
            self.endpoint()
        );
        let mut req = self
            .http
            .request(method, format!("{}{CONTROL_PREFIX}{path}", self.endpoint()));
        if let Some(body) = body {
            req = req.header("content-type", "application/json").body(body);
        }
        let http = |e: reqwest::Error| ClientError::Http {
            context: context.clone(),
            source: e.without_url(),
        };
        let resp = req.send().await.map_err(http)?;
        let status = resp.status().as_u16();
        let body = self.read_capped(resp, &context).await?;
        Ok((status, String::from_utf8_lossy(&body).into_owned()))
    }

    /// Whether the endpoint speaks the control API, version 1. A transport failure is an error;
    /// any answer that is not the protocol description is `false`.
    pub async fn has_control_api(&self) -> Result<bool, ClientError> {
        let (status, body) = self.control_request(reqwest::Method::GET, "", None).await?;
        Ok(status == 200
            && serde_json::from_str::<ControlDescribe>(&body)
                .is_ok_and(|d| d.protocol == PROTOCOL && d.version == 1))
    }

    /// Creates or replaces the world of `credentials` (its key pair becomes valid for calls).
    pub async fn put_world(
        &self,
        credentials: &Credentials,
        world: &World,
    ) -> Result<(), ClientError> {
        let doc = PutWorld {
            access_key_secret: Some(credentials.secret().to_owned()),
            world: world.clone(),
        };
        let body = serde_json::to_string(&doc).expect("worlds serialize");
        let path = format!("/worlds/{}", credentials.access_key_id);
        let (status, text) = self
            .control_request(reqwest::Method::PUT, &path, Some(body))
            .await?;
        if (200..300).contains(&status) {
            Ok(())
        } else {
            Err(ClientError::Control {
                context: format!("PUT {CONTROL_PREFIX}{path}"),
                message: format!("status {status}: {text}"),
            })
        }
    }

    /// Reads the world of `access_key_id`.
    pub async fn get_world(&self, access_key_id: &str) -> Result<World, ClientError> {
        let path = format!("/worlds/{access_key_id}");
        let (status, text) = self
            .control_request(reqwest::Method::GET, &path, None)
            .await?;
        let fail = |message: String| ClientError::Control {
            context: format!("GET {CONTROL_PREFIX}{path}"),
            message,
        };
        if status != 200 {
            return Err(fail(format!("status {status}: {text}")));
        }
        serde_json::from_str::<GetWorld>(&text)
            .map(|g| g.world)
            .map_err(|e| fail(format!("not a world document: {e}")))
    }

    /// Removes the world of `access_key_id`; a missing world is not an error.
    pub async fn delete_world(&self, access_key_id: &str) -> Result<(), ClientError> {
        let path = format!("/worlds/{access_key_id}");
        self.control_request(reqwest::Method::DELETE, &path, None)
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> Credentials {
        Credentials::new("testid", "testsecret")
    }

    fn at() -> OffsetDateTime {
        time::macros::datetime!(2026-11-26 05:43:56 UTC)
    }

    #[test]
    fn debug_never_shows_the_secret() {
        assert!(!format!("{:?}", creds()).contains("testsecret"));
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

    #[test]
    fn endpoints_must_be_a_root_url() {
        assert!(Client::new("http://127.0.0.1:1", creds()).is_ok());
        assert!(Client::new("127.0.0.1:1", creds()).is_err());
        assert!(Client::new("http://h/x", creds()).is_err());
        assert!(Client::new("ftp://h", creds()).is_err());
        assert_eq!(Client::new("http://h:80/", creds()).unwrap().host, "h");
    }
}
