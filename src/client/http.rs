//! The HTTP side of the client: [`Client`] sends a [`Call`] signed, reads the answer up to a cap,
//! follows no redirect, and tells the endpoint's silence (`ClientError::Http`) from the runner's
//! own stall (`ClientError::Stalled`). Its errors never carry a URL.

use std::time::{Duration, Instant};

use time::OffsetDateTime;

use super::pulse::Pulse;
use super::request::{Call, Credentials, Prepared};

/// What came back: status, `Content-Type` (empty when absent) and the body as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawResponse {
    pub status: u16,
    pub content_type: String,
    pub body: String,
    /// The `x-acs-retry-after` header, when it is a positive integer (read as milliseconds:
    /// its unit is unconfirmed, docs/choices.md).
    pub retry_after: Option<u64>,
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
    /// The timeout elapsed while the runner itself was stalled (its runtime did not run its
    /// tasks): the answer may have come unheard. The harness's fault, not the endpoint's silence.
    #[error(
        "{context}: the harness stalled for {:.1} s while the call waited (--timeout {} s): the \
         runner itself did not run, so an answer would have gone unheard; not the endpoint's \
         silence",
        stalled.as_secs_f64(),
        timeout.as_secs_f64()
    )]
    Stalled {
        context: String,
        stalled: Duration,
        timeout: Duration,
    },
}

/// An error and its causes, `a: b: c` (reqwest's own text stops at "error sending request").
pub(crate) fn causes(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(&format!(": {s}"));
        source = s.source();
    }
    text
}

/// Whether `url` names this machine (loopback, or `localhost`).
pub(crate) fn is_local_url(url: &str) -> bool {
    reqwest::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(|h| h.trim_matches(['[', ']']).to_owned()))
        .is_some_and(|h| {
            h == "localhost"
                || h.parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback())
        })
}

/// Why a call got no answer at all, in words: its kind and its causes.
pub(crate) fn unreachable_cause(e: &reqwest::Error) -> String {
    format!("{} ({})", no_answer_kind(e), causes(e))
}

/// What kind of "no answer" `e` is: the key causes are grouped by.
fn no_answer_kind(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "no answer before the timeout"
    } else if e.is_connect() {
        "the connection failed"
    } else {
        "the request failed"
    }
}

/// A client for one endpoint and one key pair.
#[derive(Debug, Clone)]
pub struct Client {
    pub(super) http: reqwest::Client,
    endpoint: reqwest::Url,
    host: String,
    credentials: Credentials,
    max_body: usize,
    timeout: Duration,
    /// A private CA trusted besides the system's roots.
    ca: Option<reqwest::Certificate>,
    /// The runner's pulse, when it has one: a timeout during its stall is not the endpoint's.
    pulse: Option<Pulse>,
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
            http: Self::http(DEFAULT_TIMEOUT, None),
            endpoint: url,
            host,
            credentials,
            max_body: DEFAULT_MAX_BODY,
            timeout: DEFAULT_TIMEOUT,
            ca: None,
            pulse: None,
        })
    }

    /// Redirects are never followed: a signed call answered 3xx has its answer, and a request
    /// elsewhere would be another, unsigned one.
    fn http(timeout: Duration, ca: Option<&reqwest::Certificate>) -> reqwest::Client {
        let mut builder = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::none());
        if let Some(ca) = ca {
            builder = builder.add_root_certificate(ca.clone());
        }
        builder
            .build()
            .expect("a reqwest client with timeouts, no redirects and a CA builds")
    }

    /// Trusts the CA (or self-signed certificate) in `pem` for HTTPS endpoints, besides the
    /// system's roots.
    pub fn with_ca_cert(mut self, pem: &[u8]) -> Result<Self, ClientError> {
        let ca = reqwest::Certificate::from_pem(pem).map_err(|e| ClientError::InvalidEndpoint {
            endpoint: self.endpoint().to_owned(),
            reason: format!("the CA certificate is not PEM: {}", causes(&e)),
        })?;
        self.http = Self::http(self.timeout, Some(&ca));
        self.ca = Some(ca);
        Ok(self)
    }

    /// Answers larger than `bytes` fail as soon as they are known to be, without reading on.
    pub fn with_max_body(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.http = Self::http(timeout, self.ca.as_ref());
        self.timeout = timeout;
        self
    }

    /// Tells a timeout during the runner's own stall (measured by `pulse`) from the endpoint's
    /// silence: such a call fails with [`ClientError::Stalled`].
    pub fn with_pulse(mut self, pulse: Pulse) -> Self {
        self.pulse = Some(pulse);
        self
    }

    /// The runner's pulse, if it has one.
    pub fn pulse(&self) -> Option<&Pulse> {
        self.pulse.as_ref()
    }

    /// A call sent at `sent` failed in transport with `e`: no answer, unless its timeout elapsed
    /// while the runner itself stalled (by the pulse, or by how late the call's own task ran
    /// after its timeout was due).
    pub(super) fn transport_error(
        &self,
        context: &str,
        e: reqwest::Error,
        sent: Instant,
    ) -> ClientError {
        if let (true, Some(pulse)) = (e.is_timeout(), &self.pulse) {
            let now = Instant::now();
            let late = now.saturating_duration_since(sent + self.timeout);
            let stalled = pulse.stalled(sent, now).max(late);
            if super::pulse::is_harness_stall(stalled, self.timeout) {
                return ClientError::Stalled {
                    context: context.to_owned(),
                    stalled,
                    timeout: self.timeout,
                };
            }
        }
        ClientError::Http {
            context: context.to_owned(),
            source: e.without_url(),
        }
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
        let sent = Instant::now();
        let resp = (req.body(p.body.clone()).send().await)
            .map_err(|e| self.transport_error(&context, e, sent))?;
        let status = resp.status().as_u16();
        let content_type = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let retry_after = resp
            .headers()
            .get("x-acs-retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|n| *n > 0);
        let bytes = self.read_capped(resp, &context, sent).await?;
        Ok(RawResponse {
            status,
            content_type,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            retry_after,
        })
    }

    /// The body, at most `max_body` bytes: a larger announced length fails before any byte is
    /// read, a longer stream as soon as it passes the cap.
    pub(super) async fn read_capped(
        &self,
        mut resp: reqwest::Response,
        context: &str,
        sent: Instant,
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
        while let Some(chunk) =
            (resp.chunk().await).map_err(|e| self.transport_error(context, e, sent))?
        {
            if body.len() + chunk.len() > self.max_body {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds() -> Credentials {
        Credentials::new("testid", "testsecret")
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
