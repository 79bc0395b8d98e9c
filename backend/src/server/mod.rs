//! The web application: a JSON API under `/api` and the Trunk-built page.
//!
//! [`app`] builds the whole router from an [`AppState`], so tests drive it
//! with `Router::oneshot` and no socket; [`serve`] binds it to an address.
//!
//! * [`api`] — health and the page's settings.
//! * [`auth`] — the site's servers, signing in, sessions, the cross-site
//!   guard and the attempt limits.
//! * [`admin`] — admin mode: service accounts moving a list of users
//!   in groups.
//! * [`jobs_api`] — starting, watching (server-sent events), cancelling
//!   and re-running jobs, and their reports.
//! * [`calendar_api`] — calendar jobs and the address check, for a
//!   session with a calendar target; its upload route has its own body
//!   limit (`[jobs] max_upload_bytes`) instead of `max_body_bytes`.

pub mod admin;
mod api;
pub mod auth;
mod calendar_api;
mod calendar_report;
mod error;
mod jobs_api;
mod static_files;

pub use error::ApiError;

use crate::config::ServeConfig;
use crate::error::BackendError;
use crate::jobs::Jobs;
use crate::jobs::reconnect::ReconnectPolicy;
use crate::jobs::sealed::{CredentialKey, Reopening};
use crate::jobs::slots::ServerSlots;
use crate::store::Store;
use auth::oauth_pending::PendingSignIns;
use auth::sessions::Sessions;
use auth::throttle::SignInThrottle;
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
    pub sessions: Sessions,
    pub sign_in_throttle: SignInThrottle,
    pub jobs: Jobs,
    /// OAuth2 sign-ins under way.
    pub oauth_pending: PendingSignIns,
}

impl AppState {
    /// The state for `config` over `store`: no session yet.
    pub fn new(config: ServeConfig, store: Store) -> Self {
        let site = &config.site;
        let sessions = Sessions::new(
            std::time::Duration::from_secs(site.sessions.idle_minutes * 60),
            site.sessions.secure_cookie,
        );
        let sign_in_throttle = SignInThrottle::new(
            site.login.attempts_per_address_per_minute,
            site.login.failures_per_account_per_hour,
        );
        let caps = site
            .servers
            .iter()
            .filter_map(|server| {
                let host = server.host.as_ref()?;
                let port = server.imap_port();
                Some((format!("{host}:{port}"), server.max_connections))
            })
            .collect();
        let slots = ServerSlots::new(site.jobs.max_connections_per_server, caps);
        let jobs = Jobs::new(store.clone(), site.jobs.max_running, slots)
            .with_limits(config.limits)
            .with_reconnect(ReconnectPolicy::from(&site.jobs));
        let oauth_pending = PendingSignIns::new(
            std::time::Duration::from_secs(site.login.oauth_pending_minutes.saturating_mul(60)),
            site.login.oauth_pending_max,
        );
        Self {
            config: Arc::new(config),
            store,
            sessions,
            sign_in_throttle,
            jobs,
            oauth_pending,
        }
    }

    /// Keeps job credentials in the store too, encrypted with `key` (the
    /// site's `[store] credentials_key_env`), so jobs go on after a
    /// restart by themselves.
    pub fn with_credential_key(mut self, key: CredentialKey) -> Self {
        let reopening = Reopening::for_site(&self.config.site);
        self.jobs = self.jobs.with_sealing(key, reopening);
        self
    }
}

/// Builds the application router.
pub fn app(state: AppState) -> Router {
    let config = state.config.clone();
    let limited = Router::new()
        .nest(
            "/api",
            api::router()
                .merge(auth::router())
                .merge(jobs_api::router())
                .merge(admin::router())
                .layer(axum::middleware::from_fn(auth::guard::same_site_only)),
        )
        .fallback_service(static_files::service(&config.static_dir))
        .layer(RequestBodyLimitLayer::new(config.max_body_bytes));
    let uploads = Router::new().nest(
        "/api",
        calendar_api::router(config.site.jobs.max_upload_bytes)
            .merge(admin::upload_router(config.site.jobs.max_upload_bytes))
            .layer(axum::middleware::from_fn(auth::guard::same_site_only)),
    );
    limited
        .merge(uploads)
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
    let key = match &config.site.store.credentials_key_env {
        Some(name) => Some(CredentialKey::from_env(name)?),
        None => None,
    };
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
    let mut state = AppState::new(config, store.clone());
    if let Some(key) = key {
        state = state.with_credential_key(key);
    }
    let (resumed, waiting) = state.jobs.recover().await?;
    if resumed > 0 {
        tracing::info!(resumed, "jobs go on with the credentials kept for them");
    }
    if waiting > 0 {
        tracing::info!(waiting, "jobs wait for their users to sign in again");
    }
    on_ready(addr);
    let service = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service)
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
