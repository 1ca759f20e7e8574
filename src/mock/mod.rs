//! The mock ECS endpoint: `app(shared) -> Router` plus [`serve`], and [`MockServer`], which runs
//! it in-process on `127.0.0.1:0` and stops on drop.
//!
//! Requests to `/ecs-conformance/v1/…` go to the control API (unless it is turned off); every
//! other request goes through the gateway to the actions of the world its access key selects.

mod actions;
mod control;
mod gateway;
mod nonces;
mod tenant;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::Serialize;
use time::OffsetDateTime;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub use gateway::{MAX_BODY_BYTES, MAX_QUERY_BYTES};

use crate::api_error::ApiError;
use crate::format::Format;
use crate::protocol::{CONTROL_PREFIX, MAX_CONTROL_DOCUMENT_BYTES};
use crate::world::World;
use gateway::Incoming;
use nonces::Nonces;
use tenant::Tenant;

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
    fn acceptor(&self) -> std::io::Result<tokio_rustls::TlsAcceptor> {
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
        }
    }
}

/// State shared by every request: the tenants (one world per access key) and the nonces seen.
pub struct Shared {
    tenants: Mutex<HashMap<String, Tenant>>,
    nonces: Mutex<Nonces>,
    log: bool,
    limits: Limits,
}

impl Shared {
    fn new(config: MockConfig) -> Self {
        let mut tenant = Tenant::new(config.access_key_secret, config.world);
        tenant.security_token = config.security_token;
        Self {
            tenants: Mutex::new(HashMap::from([(config.access_key_id, tenant)])),
            nonces: Mutex::new(Nonces::default()),
            log: config.log,
            limits: config.limits,
        }
    }

    /// A poisoned lock only means another request panicked; the map itself is still whole.
    fn tenants(&self) -> MutexGuard<'_, HashMap<String, Tenant>> {
        self.tenants.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn answer(
        &self,
        incoming: &Incoming<'_>,
        request_id: &str,
    ) -> (Format, Option<String>, Result<String, ApiError>) {
        let now = OffsetDateTime::now_utc();
        let instant = Instant::now();
        let secret_of = |id: &str| self.tenants().get(id).map(|t| t.secret.clone());
        let call = match gateway::authenticate(incoming, secret_of, Some(now)) {
            Ok(call) => call,
            Err(r) => return (r.format, r.action, Err(r.error)),
        };
        let fresh = self
            .nonces
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(&call.access_key_id, &call.nonce, instant);
        let result = if !fresh {
            Err(ApiError::nonce_used())
        } else {
            match self.tenants().get_mut(&call.access_key_id) {
                Some(t) => t
                    .check_token(call.security_token.as_deref())
                    .and_then(|()| {
                        t.call(
                            call.action,
                            &call.params,
                            call.format,
                            request_id.to_owned(),
                            now,
                        )
                    }),
                None => Err(ApiError::access_key_not_found()),
            }
        };
        (call.format, Some(call.action.name().to_owned()), result)
    }
}

/// A whole ECS answer, before it becomes an HTTP response.
pub(crate) struct EcsAnswer {
    pub status: u16,
    pub format: Format,
    /// The error's `Code`; `None` for a success.
    pub code: Option<String>,
    pub action: Option<String>,
    pub text: String,
}

impl Shared {
    /// The answer to an ECS request whose body was read (or could not be): synchronous, no I/O.
    fn respond(
        &self,
        incoming: &Incoming<'_>,
        body: Result<(), BodyError>,
        request_id: &str,
    ) -> EcsAnswer {
        let (format, action, result) = match body {
            Ok(()) => self.answer(incoming, request_id),
            Err(e) => (
                incoming.default_format(),
                None,
                Err(match e {
                    BodyError::TooLarge => ApiError::request_too_large("body", MAX_BODY_BYTES),
                    BodyError::Broken => ApiError::invalid_parameter(
                        "body",
                        "it could not be read whole (cut short, or broken chunked framing)",
                    ),
                    BodyError::TimedOut => ApiError::request_timeout(self.limits.body_read),
                }),
            ),
        };
        let host = incoming.header("host").unwrap_or("ecs.aliyuncs.com");
        match result {
            Ok(text) => EcsAnswer {
                status: 200,
                format,
                code: None,
                action,
                text,
            },
            Err(e) => EcsAnswer {
                status: e.status,
                format,
                code: Some(e.code.to_string()),
                action,
                text: render_error(&e, format, request_id, host),
            },
        }
    }
}

/// The mock's router over `shared`.
pub fn app(shared: Arc<Shared>, control: bool) -> Router {
    let router = Router::new();
    let router = if control {
        router
            .route(CONTROL_PREFIX, axum::routing::any(control_handler))
            .route(
                &format!("{CONTROL_PREFIX}/"),
                axum::routing::any(control_handler),
            )
            .route(
                &format!("{CONTROL_PREFIX}/{{*rest}}"),
                axum::routing::any(control_handler),
            )
    } else {
        router
    };
    router.fallback(ecs_handler).with_state(shared)
}

/// Serves the mock on `listener` until `shutdown` resolves: then it stops accepting, lets the
/// requests in flight finish for at most the shutdown grace period, and returns. A client that
/// sends its headers too slowly is cut off ([`Limits`]).
pub async fn serve(
    listener: TcpListener,
    config: MockConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let control = config.control;
    let limits = config.limits;
    let tls = config.tls.as_ref().map(TlsPem::acceptor).transpose()?;
    let router = app(Arc::new(Shared::new(config)), control);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(limits.header_read);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    // Out of file descriptors, a reset before accept: the next one may work.
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    }
                };
                let service = hyper_util::service::TowerToHyperService::new(router.clone());
                match &tls {
                    None => {
                        let conn = http.serve_connection(hyper_util::rt::TokioIo::new(stream), service);
                        let conn = graceful.watch(conn);
                        tokio::spawn(async move {
                            let _ = conn.await;
                        });
                    }
                    Some(acceptor) => {
                        // The handshake gets the header timeout too, then the connection is
                        // served as any other (and watched for shutdown).
                        let (acceptor, http, watcher) = (acceptor.clone(), http.clone(), graceful.watcher());
                        tokio::spawn(async move {
                            let handshake = tokio::time::timeout(limits.header_read, acceptor.accept(stream)).await;
                            if let Ok(Ok(stream)) = handshake {
                                let conn = http.serve_connection(hyper_util::rt::TokioIo::new(stream), service);
                                let _ = watcher.watch(conn).await;
                            }
                        });
                    }
                }
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    let _ = tokio::time::timeout(limits.shutdown_grace, graceful.shutdown()).await;
    Ok(())
}

/// Why a request body could not be had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodyError {
    TooLarge,
    /// Cut short, or broken chunked framing.
    Broken,
    TimedOut,
}

/// Reads a body of at most `limit` bytes within `limits.body_read`.
async fn read_body(
    body: Body,
    limit: usize,
    limits: Limits,
) -> Result<axum::body::Bytes, BodyError> {
    match tokio::time::timeout(limits.body_read, axum::body::to_bytes(body, limit)).await {
        Err(_) => Err(BodyError::TimedOut),
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(e)) => {
            let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
            while let Some(s) = source {
                if s.is::<http_body_util::LengthLimitError>() {
                    return Err(BodyError::TooLarge);
                }
                source = s.source();
            }
            Err(BodyError::Broken)
        }
    }
}

async fn control_handler(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let started = Instant::now();
    let (parts, body) = req.into_parts();
    let rest = parts
        .uri
        .path()
        .strip_prefix(CONTROL_PREFIX)
        .unwrap_or_default()
        .to_owned();
    let response = match read_body(body, MAX_CONTROL_DOCUMENT_BYTES, shared.limits).await {
        Ok(body) => control::handle(&shared, &parts.method, &rest, &body),
        Err(e) => {
            let (status, message) = match e {
                BodyError::TooLarge => (
                    StatusCode::PAYLOAD_TOO_LARGE,
                    format!("the document is larger than {MAX_CONTROL_DOCUMENT_BYTES} bytes"),
                ),
                BodyError::Broken => (
                    StatusCode::BAD_REQUEST,
                    "the document could not be read whole: cut short, or broken chunked framing"
                        .to_owned(),
                ),
                BodyError::TimedOut => (
                    StatusCode::REQUEST_TIMEOUT,
                    format!(
                        "the document did not arrive within {} s",
                        shared.limits.body_read.as_secs_f64()
                    ),
                ),
            };
            control::error(status, None, &message)
        }
    };
    if shared.log {
        log_line(format_args!(
            "control {} {}{} {} {:.2}ms",
            parts.method,
            CONTROL_PREFIX,
            rest,
            response.status().as_u16(),
            started.elapsed().as_secs_f64() * 1e3
        ));
    }
    response
}

/// One line of the request log on stderr. A log nobody reads any more (stderr closed, a pipe
/// whose reader left) must not stop the mock answering: `eprintln!` would panic in the handler.
fn log_line(line: std::fmt::Arguments<'_>) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

async fn ecs_handler(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    let started = Instant::now();
    let request_id = uuid::Uuid::new_v4().to_string().to_uppercase();
    let (parts, body) = req.into_parts();
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_owned(), v.to_str().ok()?.to_owned())))
        .collect();
    let body = read_body(body, MAX_BODY_BYTES, shared.limits).await;
    let incoming = Incoming {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query().unwrap_or_default(),
        headers: &headers,
        body: body.as_deref().unwrap_or_default(),
    };
    let EcsAnswer {
        status,
        format,
        code,
        action,
        text,
    } = shared.respond(
        &incoming,
        body.as_ref().map(|_| ()).map_err(|e| *e),
        &request_id,
    );
    if shared.log {
        log_line(format_args!(
            "{} {status} {} {:.2}ms",
            action.as_deref().unwrap_or("-"),
            code.as_deref().unwrap_or("-"),
            started.elapsed().as_secs_f64() * 1e3
        ));
    }
    let mut response = Response::new(Body::from(text));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if let Ok(id) = HeaderValue::from_str(&request_id) {
        headers.insert("x-acs-request-id", id);
    }
    if status == 408 {
        // The rest of a body that timed out would be read as the next request: close.
        headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// The error envelope, children in the documented order.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ErrorBody<'a> {
    request_id: &'a str,
    host_id: &'a str,
    code: &'a str,
    message: &'a str,
    recommend: String,
}

fn render_error(e: &ApiError, format: Format, request_id: &str, host: &str) -> String {
    let body = ErrorBody {
        request_id,
        host_id: host,
        code: &e.code,
        message: &e.message,
        recommend: format!(
            "https://api.aliyun.com/troubleshoot?q={}&product=Ecs&requestId={request_id}",
            e.code
        ),
    };
    format.render("Error", &body)
}

/// A mock running in-process on loopback; it stops when dropped.
pub struct MockServer {
    addr: SocketAddr,
    url: String,
    stop: Option<oneshot::Sender<()>>,
}

impl MockServer {
    /// Starts a mock with the default config (the sample world, `testid` / `testsecret`).
    pub async fn start() -> std::io::Result<Self> {
        Self::start_with(MockConfig::default()).await
    }

    /// Starts a mock with `config` on `127.0.0.1:0`.
    pub async fn start_with(config: MockConfig) -> std::io::Result<Self> {
        let scheme = if config.tls.is_some() {
            "https"
        } else {
            "http"
        };
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            if let Err(e) = serve(listener, config, shutdown).await {
                eprintln!("mock server on {addr} stopped: {e}");
            }
        });
        Ok(Self {
            addr,
            url: format!("{scheme}://{addr}"),
            stop: Some(stop),
        })
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

#[cfg(test)]
mod tests;
