//! The server: the router over the shared store, [`serve`] (plain or TLS, with the header
//! timeout and a graceful shutdown), and [`MockServer`], which runs it in-process on
//! `127.0.0.1:0` and stops on drop.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use super::config::{MockConfig, TlsPem};
use super::handlers::{control_handler, ecs_handler};
use super::shared::Shared;
use crate::protocol::CONTROL_PREFIX;

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
/// sends its headers too slowly is cut off ([`Limits`](super::config::Limits)).
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
