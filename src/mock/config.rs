//! How a mock starts: [`MockConfig`], its time [`Limits`], its TLS certificate ([`TlsPem`]), and
//! the defaults (the sample world, the key pair of the SDK wire captures).

use std::time::Duration;

use crate::contract::editions::{self, Edition};
use crate::world::World;

/// How a mock starts.
#[derive(Debug, Clone)]
pub struct MockConfig {
    pub access_key_id: String,
    pub access_key_secret: String,
    /// An STS token: the starting key pair is a temporary one, and calls must carry the token.
    pub security_token: Option<String>,
    /// The world of `access_key_id`.
    pub world: World,
    /// Serve the control API.
    pub control: bool,
    /// Log one line per request to stderr.
    pub log: bool,
    /// How long a slow client may take, and how long a shutdown waits.
    pub limits: Limits,
    /// Serve HTTPS with this certificate chain and key (PEM), as real endpoints do.
    pub tls: Option<TlsPem>,
    /// The edition of the contract it serves (default the newest).
    pub edition: &'static Edition,
}

/// A certificate chain and its private key, PEM-encoded.
#[derive(Clone)]
pub struct TlsPem {
    pub cert_chain: Vec<u8>,
    pub key: Vec<u8>,
}

impl std::fmt::Debug for TlsPem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TlsPem { <certificate and key> }")
    }
}

impl TlsPem {
    /// The rustls acceptor for this certificate and key.
    pub(super) fn acceptor(&self) -> std::io::Result<tokio_rustls::TlsAcceptor> {
        use rustls_pki_types::pem::PemObject;
        use rustls_pki_types::{CertificateDer, PrivateKeyDer};
        let invalid = |what: &str, e: &dyn std::fmt::Display| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("{what}: {e}"))
        };
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&self.cert_chain)
            .collect::<Result<_, _>>()
            .map_err(|e| invalid("the TLS certificate is not PEM", &e))?;
        if certs.is_empty() {
            return Err(invalid("the TLS certificate file", &"holds no certificate"));
        }
        let key = PrivateKeyDer::from_pem_slice(&self.key)
            .map_err(|e| invalid("the TLS key is not a PEM private key", &e))?;
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| invalid("TLS", &e))?
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .map_err(|e| invalid("the TLS certificate and key", &e))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config)))
    }
}

/// Time limits against slow or stuck clients (docs/choices.md, "Abuse").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// A request's headers must arrive within this time, or the connection is closed. It also
    /// bounds how long an idle keep-alive connection waits for its next request.
    pub header_read: Duration,
    /// A request's body must arrive within this time, or the answer is `RequestTimeout`.
    pub body_read: Duration,
    /// On shutdown, requests in flight get this long to finish before the server exits anyway.
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_read: Duration::from_secs(10),
            body_read: Duration::from_secs(10),
            shutdown_grace: Duration::from_secs(5),
        }
    }
}

/// The credentials the mock accepts when none are given: those of the SDK wire captures.
pub const DEFAULT_ACCESS_KEY_ID: &str = "testid";
pub const DEFAULT_ACCESS_KEY_SECRET: &str = "testsecret";

impl Default for MockConfig {
    fn default() -> Self {
        Self {
            access_key_id: DEFAULT_ACCESS_KEY_ID.into(),
            access_key_secret: DEFAULT_ACCESS_KEY_SECRET.into(),
            security_token: None,
            world: World::sample(),
            control: true,
            log: false,
            limits: Limits::default(),
            tls: None,
            edition: editions::latest(),
        }
    }
}
