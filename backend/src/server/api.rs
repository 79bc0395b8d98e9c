//! JSON API handlers under `/api`.
//!
//! * `GET /api/health` — the server and its store answer.
//! * `GET /api/config` — what the page needs to know: version and the limits
//!   for reading exports, so the browser enforces the site's settings.

use super::{AppState, error::ApiError};
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use ferry_shared::ParseLimits;
use serde::Serialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/config", get(config))
        .fallback(not_found)
}

#[derive(Debug, Serialize)]
struct Health {
    status: &'static str,
    schema_version: i64,
}

async fn health(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    state
        .store
        .health()
        .await
        .map_err(|e| ApiError::unavailable(&e))?;
    let schema_version = state
        .store
        .schema_version()
        .await
        .map_err(|e| ApiError::internal(&e))?;
    Ok(Json(Health {
        status: "ok",
        schema_version,
    }))
}

#[derive(Debug, Serialize)]
struct PageConfig {
    version: &'static str,
    limits: ParseLimits,
}

async fn config(State(state): State<AppState>) -> Json<PageConfig> {
    Json(PageConfig {
        version: env!("CARGO_PKG_VERSION"),
        limits: state.config.limits,
    })
}

async fn not_found() -> ApiError {
    ApiError::not_found()
}
