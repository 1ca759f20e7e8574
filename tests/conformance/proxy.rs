//! A response-rewriting proxy in front of the mock: the mock's own code has no fault switches, so
//! the faulty and the permitted variants of an endpoint are made here, by rewriting its answers.
//!
//! The proxy forwards every request, remembers the world each key pair was given (from the
//! control API's PUTs, parsed and as sent), and hands each ECS answer, with what it knows of the
//! request, to the variant's rewrite; control API answers may be rewritten too. It records which
//! calls (key pair and nonce) got a changed answer.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use ecs_conformance::{Params, World};

/// What the proxy knows of one ECS request.
pub struct Exchange {
    /// `GET` or `POST`.
    pub method: String,
    /// V3 (`Authorization: ACS3-…`) rather than V1.
    pub v3: bool,
    /// The action called (`Action`, or V3's `x-acs-action`).
    pub action: String,
    /// Query and form parameters together.
    pub params: Params,
    /// The world of the key pair that signed it, as last installed.
    pub world: Option<World>,
    /// The key pair that signed it.
    pub access_key_id: String,
}

impl Exchange {
    pub fn param(&self, name: &str) -> &str {
        self.params.get(name).unwrap_or_default()
    }
}

/// An ECS answer on its way back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rewritten {
    pub status: u16,
    pub content_type: String,
    pub body: String,
    /// An `x-acs-retry-after` header to send.
    pub retry_after: Option<String>,
}

pub type Rewrite = fn(&Exchange, &mut Rewritten);

/// Answers a request in the mock's stead, before it reaches the mock (as a gateway that throttles
/// does), or `None` to forward it.
pub type Intercept = fn(&Exchange) -> Option<Rewritten>;

/// Answers a control API request (method, path below the host, body) in the mock's stead, as a
/// control API of another revision would, or `None` to forward it.
pub type ControlIntercept = fn(&str, &str, &[u8]) -> Option<Rewritten>;

/// Rewrites a control API answer (method, path below the host, the answer) on its way back.
pub type ControlRewrite = fn(&str, &str, &mut Rewritten);

/// What a proxy does besides forwarding.
#[derive(Default, Clone, Copy)]
pub struct Options {
    pub rewrite: Option<Rewrite>,
    pub intercept: Option<Intercept>,
    pub control: Option<ControlIntercept>,
    pub control_rewrite: Option<ControlRewrite>,
    /// After this many ECS calls, the endpoint stops answering anything (every request, the
    /// control API's too, hangs), as a target killed mid-run does.
    pub answers: Option<usize>,
    /// Keep every ECS call and its answer as the upstream gave it (`Proxy::recorded`).
    pub record: bool,
}

/// An ECS call the proxy forwarded, with the upstream's answer before any rewrite.
pub struct Recorded {
    pub nonce: String,
    pub exchange: Exchange,
    pub answer: Rewritten,
}

pub struct Proxy {
    upstream: String,
    http: reqwest::Client,
    rewrite: Rewrite,
    intercept: Option<Intercept>,
    control: Option<ControlIntercept>,
    control_rewrite: Option<ControlRewrite>,
    answers: Option<usize>,
    record: bool,
    /// With `Options::record`: every ECS call forwarded, in the order answered.
    pub recorded: Mutex<Vec<Recorded>>,
    ecs_calls: AtomicUsize,
    worlds: Mutex<HashMap<String, World>>,
    /// The world document of each key pair's last accepted PUT, as sent.
    pub documents: Mutex<HashMap<String, serde_json::Value>>,
    /// `(access key id, nonce)` of every call whose answer the rewrite changed.
    pub changed: Mutex<HashSet<(String, String)>>,
    /// Worlds created (a PUT the upstream accepted) and removed (DELETE) through the control API.
    pub created: AtomicUsize,
    pub removed: AtomicUsize,
}

/// The key pair and nonce of a request: V3 from its headers, V1 from its parameters.
fn caller(headers: &axum::http::HeaderMap, params: &Params) -> (bool, String, String) {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let auth = header("authorization");
    if auth.starts_with("ACS3-") {
        let key = auth
            .split_once("Credential=")
            .and_then(|(_, rest)| rest.split(',').next())
            .unwrap_or_default()
            .to_owned();
        return (true, key, header("x-acs-signature-nonce"));
    }
    let get = |n: &str| params.get(n).unwrap_or_default().to_owned();
    (false, get("AccessKeyId"), get("SignatureNonce"))
}

async fn forward(State(proxy): State<Arc<Proxy>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let path = parts
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    let control = path.starts_with("/ecs-conformance/");
    if let Some(limit) = proxy.answers {
        let dead = if control {
            proxy.ecs_calls.load(Ordering::Relaxed) >= limit
        } else {
            proxy.ecs_calls.fetch_add(1, Ordering::Relaxed) >= limit
        };
        if dead {
            return std::future::pending().await;
        }
    }
    if let Some(intercept) = proxy.control.filter(|_| control)
        && let Some(answer) = intercept(parts.method.as_str(), &path, &body)
    {
        return respond(answer);
    }
    let mut put_document = None;
    if let Some(key) = path.strip_prefix("/ecs-conformance/v1/worlds/") {
        match parts.method.as_str() {
            "PUT" => {
                let doc: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
                put_document = Some((key.to_owned(), doc["world"].clone()));
                if let Ok(world) = World::from_json(doc["world"].to_string().as_bytes()) {
                    let mut worlds = proxy.worlds.lock().expect("the proxy lock is whole");
                    worlds.insert(key.to_owned(), world);
                }
            }
            "DELETE" => {
                proxy.removed.fetch_add(1, Ordering::Relaxed);
            }
            _ => {}
        }
    }
    let mut params = Params::parse(parts.uri.query().unwrap_or_default()).unwrap_or_default();
    if let Ok(text) = std::str::from_utf8(&body) {
        let _ = params.extend_from_encoded(text);
    }
    let (v3, key, nonce) = caller(&parts.headers, &params);
    let action = match parts
        .headers
        .get("x-acs-action")
        .and_then(|v| v.to_str().ok())
    {
        Some(a) if v3 => a.to_owned(),
        _ => params.get("Action").unwrap_or_default().to_owned(),
    };

    let exchange = (!control).then(|| Exchange {
        access_key_id: key.clone(),
        method: parts.method.to_string(),
        v3,
        action,
        params,
        world: proxy
            .worlds
            .lock()
            .expect("the proxy lock is whole")
            .get(&key)
            .cloned(),
    });
    if let (Some(intercept), Some(exchange)) = (proxy.intercept, &exchange)
        && let Some(answer) = intercept(exchange)
    {
        proxy
            .changed
            .lock()
            .expect("the proxy lock is whole")
            .insert((key, nonce));
        return respond(answer);
    }
    let mut upstream = proxy
        .http
        .request(parts.method.clone(), format!("{}{path}", proxy.upstream))
        .body(body);
    for (k, v) in &parts.headers {
        if !matches!(
            k.as_str(),
            "content-length" | "connection" | "transfer-encoding"
        ) {
            upstream = upstream.header(k, v);
        }
    }
    let mut answer = match upstream.send().await {
        Ok(r) => {
            let ct = r
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            Rewritten {
                status: r.status().as_u16(),
                content_type: ct,
                body: r.text().await.unwrap_or_default(),
                retry_after: None,
            }
        }
        Err(e) => Rewritten {
            status: 502,
            content_type: "text/plain".into(),
            body: e.to_string(),
            retry_after: None,
        },
    };
    if control && parts.method.as_str() == "PUT" && (200..300).contains(&answer.status) {
        proxy.created.fetch_add(1, Ordering::Relaxed);
        if let Some((key, doc)) = put_document {
            proxy
                .documents
                .lock()
                .expect("the proxy lock is whole")
                .insert(key, doc);
        }
    }
    if let Some(rewrite) = proxy.control_rewrite.filter(|_| control) {
        rewrite(parts.method.as_str(), &path, &mut answer);
    }
    if let Some(exchange) = exchange {
        let before = answer.clone();
        (proxy.rewrite)(&exchange, &mut answer);
        if answer != before {
            (proxy.changed.lock().expect("the proxy lock is whole")).insert((key, nonce.clone()));
        }
        if proxy.record {
            (proxy.recorded.lock().expect("the proxy lock is whole")).push(Recorded {
                nonce,
                exchange,
                answer: before,
            });
        }
    }
    respond(answer)
}

fn respond(answer: Rewritten) -> Response {
    let mut response = Response::builder()
        .status(answer.status)
        .header("content-type", answer.content_type);
    if let Some(after) = answer.retry_after {
        response = response.header("x-acs-retry-after", after);
    }
    response.body(Body::from(answer.body)).unwrap_or_default()
}

/// A quiet run of the whole suite through the proxy at `url`, every level counted.
pub fn through(url: String) -> ecs_conformance::suite::SuiteConfig {
    ecs_conformance::suite::SuiteConfig {
        target: ecs_conformance::suite::Target::Endpoint {
            url,
            credentials: ecs_conformance::Credentials::new("testid", "testsecret"),
        },
        progress: false,
        fail_on: ecs_conformance::evidence::Level::Chosen,
        ..Default::default()
    }
}

/// Starts a proxy to `upstream`; it stops when the returned sender is dropped.
pub async fn start(
    upstream: &str,
    rewrite: Rewrite,
) -> (String, Arc<Proxy>, tokio::sync::oneshot::Sender<()>) {
    start_with(
        upstream,
        Options {
            rewrite: Some(rewrite),
            ..Options::default()
        },
    )
    .await
}

/// Starts a proxy that answers what `intercept` takes in the mock's stead.
pub async fn start_intercepting(
    upstream: &str,
    intercept: Intercept,
) -> (String, Arc<Proxy>, tokio::sync::oneshot::Sender<()>) {
    start_with(
        upstream,
        Options {
            intercept: Some(intercept),
            ..Options::default()
        },
    )
    .await
}

pub async fn start_with(
    upstream: &str,
    options: Options,
) -> (String, Arc<Proxy>, tokio::sync::oneshot::Sender<()>) {
    let proxy = Arc::new(Proxy {
        upstream: upstream.to_owned(),
        http: reqwest::Client::new(),
        rewrite: options.rewrite.unwrap_or(|_, _| {}),
        intercept: options.intercept,
        control: options.control,
        control_rewrite: options.control_rewrite,
        answers: options.answers,
        record: options.record,
        recorded: Mutex::new(Vec::new()),
        ecs_calls: AtomicUsize::new(0),
        worlds: Mutex::new(HashMap::new()),
        documents: Mutex::new(HashMap::new()),
        changed: Mutex::new(HashSet::new()),
        created: AtomicUsize::new(0),
        removed: AtomicUsize::new(0),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("loopback binds");
    let url = format!("http://{}", listener.local_addr().expect("bound"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let app = axum::Router::new()
        .fallback(forward)
        .with_state(proxy.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
    });
    (url, proxy, stop)
}
