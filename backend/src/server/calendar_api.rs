//! Calendar and contacts under `/api`, for a session with a calendar
//! target signed in (a listed EWS, CalDAV or Graph server, see
//! [`super::auth::calendar_target`]):
//!
//! * `POST /api/calendar-jobs` — `{files: [{name, text}], rules}`: the
//!   export files the page previewed and the mapping rules it used
//!   (`MappingRules` as JSON); the items are inserted into the calendar
//!   target by a background job (`201 {id}`). The whole request may be
//!   at most `[jobs] max_upload_bytes` (default 20 MiB), else
//!   `413 too_large`. The job is watched, cancelled, re-run and reported
//!   through the same `/api/jobs/…` routes as mail jobs: its `kind` is
//!   `calendar` and its `files` hold each file's progress; its reports
//!   list every item's outcome and losses.
//! * `POST /api/addresses/check` — `{addresses}` (at most `[jobs]
//!   max_addresses_checked`, default 500): each address `resolved` (with
//!   the display name), `not_found`, `ambiguous` or `failed`, from the
//!   EWS directory (ResolveNames) or the Microsoft 365 directory
//!   (Graph's `/users`, one request per address, with an access token
//!   renewed first when needed; a refused renewal is
//!   `401 sign_in_again`). A CalDAV server has no directory: the answer
//!   says so in `unavailable`.

use super::auth::calendar_target::{CalendarKind, SignedInCalendar};
use super::jobs_api::SignedInUser;
use super::{ApiError, AppState};
use crate::oauth::token_source::RenewError;
use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use ferry_shared::api::{
    Account, AddressCheck, AddressCheckResult, AddressStatus, CheckAddresses, JobCreated,
    StartCalendarJob,
};
use ferry_targets::ews::Resolution;

/// The routes; `max_upload_bytes` bounds the calendar job's request.
pub fn router(max_upload_bytes: usize) -> Router<AppState> {
    Router::new()
        .route(
            "/calendar-jobs",
            post(start).layer(DefaultBodyLimit::max(max_upload_bytes)),
        )
        .route("/addresses/check", post(check_addresses))
}

fn no_calendar() -> ApiError {
    ApiError::bad_request(
        "not_signed_in",
        "Please sign in to the new calendar server first.",
    )
}

fn calendar_of(user: &SignedInUser) -> Result<SignedInCalendar, ApiError> {
    user.data.calendar.clone().ok_or_else(no_calendar)
}

async fn start(
    State(state): State<AppState>,
    user: SignedInUser,
    request: Result<Json<StartCalendarJob>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(request) = request.map_err(|rejection| upload_refused(&state, &rejection))?;
    let target = calendar_of(&user)?;
    if request.files.is_empty() {
        return Err(ApiError::bad_request(
            "nothing_chosen",
            "Please choose at least one file to put in.",
        ));
    }
    let source = Account {
        server: "Export files".to_string(),
        user: user
            .data
            .source
            .as_ref()
            .map_or_else(String::new, |source| source.account.user.clone()),
    };
    let rules = serde_json::to_string(&request.rules).map_err(|e| ApiError::internal(&e))?;
    let id = state
        .jobs
        .start_calendar(user.owner, source, target, rules, request.files)
        .await
        .map_err(|e| ApiError::internal(&e))?;
    Ok((StatusCode::CREATED, Json(JobCreated { id })).into_response())
}

/// What a request of files that could not be read answers: `413
/// too_large` past `[jobs] max_upload_bytes`, else `400`.
pub(super) fn upload_refused(state: &AppState, rejection: &JsonRejection) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!(
                "These files are larger than the {} MiB this site takes at once. Please send fewer files at a time.",
                state.config.site.jobs.max_upload_bytes / (1024 * 1024)
            ),
        )
    } else {
        ApiError::bad_request("invalid_input", "The request could not be read.")
    }
}

async fn check_addresses(
    State(state): State<AppState>,
    user: SignedInUser,
    Json(request): Json<CheckAddresses>,
) -> Result<Json<AddressCheckResult>, ApiError> {
    let target = calendar_of(&user)?;
    let limit = state.config.site.jobs.max_addresses_checked;
    if request.addresses.len() > limit {
        return Err(ApiError::bad_request(
            "too_many_addresses",
            format!("Please check at most {limit} addresses at once."),
        ));
    }
    match target.kind {
        CalendarKind::Caldav => Ok(Json(AddressCheckResult {
            addresses: Vec::new(),
            unavailable: Some(
                "A CalDAV server has no directory, so addresses cannot be checked there."
                    .to_string(),
            ),
        })),
        CalendarKind::Ews | CalendarKind::Graph => {
            let resolved = resolve(&target, &request.addresses).await?;
            Ok(Json(AddressCheckResult {
                addresses: resolved
                    .into_iter()
                    .map(|(address, resolution)| AddressCheck {
                        address,
                        status: status_of(resolution),
                    })
                    .collect(),
                unavailable: None,
            }))
        }
    }
}

/// `addresses` looked up in the directory of `target` (EWS or Graph).
async fn resolve(
    target: &SignedInCalendar,
    addresses: &[String],
) -> Result<Vec<(String, Resolution)>, ApiError> {
    let unreachable = |error: &dyn std::fmt::Display| {
        tracing::warn!(%error, "checking addresses failed");
        ApiError::new(
            StatusCode::BAD_GATEWAY,
            "server_unreachable",
            "The new server's directory could not be asked. Please try again.",
        )
    };
    target.check_address().await.map_err(|e| unreachable(&e))?;
    match target.kind {
        CalendarKind::Graph => {
            let credentials = target
                .fresh_credentials()
                .await
                .map_err(|error| match error {
                    RenewError::SignInAgain { .. } => ApiError::new(
                        StatusCode::UNAUTHORIZED,
                        "sign_in_again",
                        "Your sign-in to the new calendar has ended. Please sign in again.",
                    ),
                    RenewError::Unavailable { .. } => unreachable(&error),
                })?;
            let client = target
                .graph_client(credentials)
                .map_err(|e| unreachable(&e))?;
            client.find_users(addresses).await
        }
        _ => {
            let client = target.ews().map_err(|e| unreachable(&e))?;
            client.resolve_names(addresses).await
        }
    }
    .map_err(|e| unreachable(&e))
}

fn status_of(resolution: Resolution) -> AddressStatus {
    match resolution {
        Resolution::Resolved { name, email } => AddressStatus::Resolved { name, email },
        Resolution::NotFound => AddressStatus::NotFound,
        Resolution::Ambiguous { candidates } => AddressStatus::Ambiguous {
            candidates: candidates
                .into_iter()
                .filter_map(|candidate| candidate.email.or(candidate.name))
                .collect(),
        },
        Resolution::Failed { reason } => AddressStatus::Failed { reason },
    }
}
