//! `tactful serve`: the local HTTP service (axum on tokio) behind the web
//! playground and the browser extension. Wires the routes, the limits (body
//! size, in-flight requests, timeouts) and the CORS policy; every handler
//! lints text it was sent and never touches the file system.

mod annotated;
mod body;
mod cors;
mod error;
mod languagetool;
mod native;
mod playground;
mod utf16;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use tower::limit::GlobalConcurrencyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use crate::config::Resolved;

pub use cors::EXTENSION_ORIGIN;

/// How the service runs; the CLI fills it from `tactful serve` flags.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub addr: SocketAddr,
    /// Origins allowed to read responses besides the extension's own.
    pub allowed_origins: Vec<String>,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Requests handled at once; more wait for a slot (within the timeout).
    pub max_concurrent: usize,
    /// Longest a request may take, waiting for a slot included.
    pub timeout: Duration,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            addr: SocketAddr::from(([127, 0, 0, 1], 7383)),
            allowed_origins: Vec::new(),
            max_body_bytes: 1024 * 1024,
            max_concurrent: 64,
            timeout: Duration::from_secs(10),
        }
    }
}

/// What every handler shares: the rule set and settings resolved once at start-up.
pub struct AppState {
    pub config: Arc<Resolved>,
}

/// The whole service as a router (tests drive it over a real socket).
pub fn app(config: Arc<Resolved>, opts: &ServeOptions) -> Router {
    let state = Arc::new(AppState { config });
    Router::new()
        .route("/", get(playground::index))
        .route("/playground.js", get(playground::script))
        .route("/playground.css", get(playground::style))
        .route("/api/v1/check", post(native::check))
        .route("/api/v1/rules", get(native::rules))
        .route(
            "/v2/check",
            post(languagetool::check_form).get(languagetool::check_query),
        )
        .route("/v2/languages", get(languagetool::languages))
        .route("/healthz", get(|| async { "ok" }))
        .fallback(error::not_found)
        .with_state(state)
        .layer(DefaultBodyLimit::max(opts.max_body_bytes))
        .layer(GlobalConcurrencyLimitLayer::new(opts.max_concurrent.max(1)))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            opts.timeout,
        ))
        .layer(axum::middleware::map_response(error::json_error_bodies))
        .layer(cors::layer(&opts.allowed_origins))
}

/// Binds `opts.addr` and serves until Ctrl-C / SIGTERM.
///
/// Connections are served by hyper's HTTP/1 server with a header-read timeout
/// (a client that never finishes its request head is disconnected; the
/// per-request timeout covers the body and the answer).
pub async fn run(config: Arc<Resolved>, opts: ServeOptions) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(opts.addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", opts.addr))?;
    let local = listener.local_addr()?;
    eprintln!("tactful serve: listening on http://{local}/ (playground at /, API at /api/v1, LanguageTool API at /v2)");
    if !local.ip().is_loopback() {
        eprintln!("tactful serve: warning: {local} is not a loopback address; other machines can reach this service");
    }
    let router = app(config, &opts);
    let header_timeout = opts.timeout;
    let shutdown = shutdown_signal();
    tokio::pin!(shutdown);
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(conn) => conn,
                // Out of file descriptors and the like: wait a moment, keep serving.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => return Ok(()),
        };
        let service = hyper_util::service::TowerToHyperService::new(router.clone());
        tokio::spawn(async move {
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(header_timeout)
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
