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
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
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
    /// The world of `access_key_id`.
    pub world: World,
    /// Serve the control API.
    pub control: bool,
    /// Log one line per request to stderr.
    pub log: bool,
}

/// The credentials the mock accepts when none are given: those of the SDK wire captures.
pub const DEFAULT_ACCESS_KEY_ID: &str = "testid";
pub const DEFAULT_ACCESS_KEY_SECRET: &str = "testsecret";

impl Default for MockConfig {
    fn default() -> Self {
        Self {
            access_key_id: DEFAULT_ACCESS_KEY_ID.into(),
            access_key_secret: DEFAULT_ACCESS_KEY_SECRET.into(),
            world: World::sample(),
            control: true,
            log: false,
        }
    }
}

/// State shared by every request: the tenants (one world per access key) and the nonces seen.
pub struct Shared {
    tenants: Mutex<HashMap<String, Tenant>>,
    nonces: Mutex<Nonces>,
    log: bool,
}

impl Shared {
    fn new(config: MockConfig) -> Self {
        let tenant = Tenant::new(config.access_key_secret, config.world);
        Self {
            tenants: Mutex::new(HashMap::from([(config.access_key_id, tenant)])),
            nonces: Mutex::new(Nonces::default()),
            log: config.log,
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
            Err(ApiError::NONCE_USED)
        } else {
            match self.tenants().get_mut(&call.access_key_id) {
                Some(t) => t.call(
                    call.action,
                    &call.params,
                    call.format,
                    request_id.to_owned(),
                    now,
                ),
                None => Err(ApiError::ACCESS_KEY_NOT_FOUND),
            }
        };
        (call.format, Some(call.action.name.to_owned()), result)
    }
}

/// The mock's router over `shared`.
pub fn app(shared: Arc<Shared>, control: bool) -> Router {
    let router = Router::new();
    let router = if control {
        router
            .route(CONTROL_PREFIX, axum::routing::any(control_handler))
            .route(
                &format!("{CONTROL_PREFIX}/{{*rest}}"),
                axum::routing::any(control_handler),
            )
    } else {
        router
    };
    router.fallback(ecs_handler).with_state(shared)
}

/// Serves the mock on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    config: MockConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let control = config.control;
    let shared = Arc::new(Shared::new(config));
    axum::serve(listener, app(shared, control))
        .with_graceful_shutdown(shutdown)
        .await
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
    let response = match axum::body::to_bytes(body, MAX_CONTROL_DOCUMENT_BYTES).await {
        Ok(body) => control::handle(&shared, &parts.method, &rest, &body),
        Err(_) => (
            StatusCode::PAYLOAD_TOO_LARGE,
            [(header::CONTENT_TYPE, "application/json")],
            format!(
                r#"{{"error":{{"field":null,"message":"the document is larger than {} bytes"}}}}"#,
                MAX_CONTROL_DOCUMENT_BYTES
            ),
        )
            .into_response(),
    };
    if shared.log {
        eprintln!(
            "control {} {}{} {} {:.2}ms",
            parts.method,
            CONTROL_PREFIX,
            rest,
            response.status().as_u16(),
            started.elapsed().as_secs_f64() * 1e3
        );
    }
    response
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
    let body = axum::body::to_bytes(body, MAX_BODY_BYTES).await;
    let incoming = Incoming {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query().unwrap_or_default(),
        headers: &headers,
        body: body.as_deref().unwrap_or_default(),
    };
    let (format, action, result) = match body {
        Ok(_) => shared.answer(&incoming, &request_id),
        Err(_) => (
            incoming.default_format(),
            None,
            Err(ApiError::request_too_large("body", MAX_BODY_BYTES)),
        ),
    };
    let host = incoming.header("host").unwrap_or("ecs.aliyuncs.com");
    let (status, code, text) = match &result {
        Ok(body) => (200, "-", body.clone()),
        Err(e) => (
            e.status,
            e.code.as_ref(),
            render_error(e, format, &request_id, host),
        ),
    };
    if shared.log {
        eprintln!(
            "{} {status} {code} {:.2}ms",
            action.as_deref().unwrap_or("-"),
            started.elapsed().as_secs_f64() * 1e3
        );
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
            url: format!("http://{addr}"),
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
