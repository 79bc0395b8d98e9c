//! The web application: a JSON API under `/api` and the Trunk-built page.
//!
//! [`app`] builds the whole router from an [`AppState`], so tests drive it
//! with `Router::oneshot` and no socket; [`serve`] binds it to an address.

mod api;
mod error;
mod static_files;

pub use error::ApiError;

use crate::config::ServeConfig;
use crate::error::BackendError;
use crate::store::Store;
use axum::Router;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use std::sync::Arc;
use tokio::net::TcpListener;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

/// Shared state of every request handler.
#[derive(Debug, Clone)]
pub struct AppState {
    pub config: Arc<ServeConfig>,
    pub store: Store,
}

/// Builds the application router.
pub fn app(state: AppState) -> Router {
    let config = state.config.clone();
    Router::new()
        .nest("/api", api::router())
        .fallback_service(static_files::service(&config.static_dir))
        .layer(RequestBodyLimitLayer::new(config.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            config.request_timeout,
        ))
        .layer(header("x-content-type-options", "nosniff"))
        .layer(header("referrer-policy", "no-referrer"))
        .layer(header("x-frame-options", "DENY"))
        .with_state(state)
}

fn header(name: &'static str, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::overriding(
        HeaderName::from_static(name),
        HeaderValue::from_static(value),
    )
}

/// Opens the store, binds `config.listen` and serves until Ctrl-C or
/// SIGTERM. `on_ready` receives the bound address (useful with port 0).
pub async fn serve(
    config: ServeConfig,
    on_ready: impl FnOnce(std::net::SocketAddr),
) -> Result<(), BackendError> {
    let store = Store::open(&config.data_dir).await?;
    let listener =
        TcpListener::bind(config.listen)
            .await
            .map_err(|source| BackendError::Listen {
                addr: config.listen,
                source,
            })?;
    let addr = listener.local_addr().map_err(BackendError::Serve)?;
    if !config.static_dir.join("index.html").is_file() {
        tracing::warn!(
            static_dir = %config.static_dir.display(),
            "the web page is not built; the API works, the page explains how to build it"
        );
    }
    let state = AppState {
        config: Arc::new(config),
        store: store.clone(),
    };
    on_ready(addr);
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(BackendError::Serve)?;
    store.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
