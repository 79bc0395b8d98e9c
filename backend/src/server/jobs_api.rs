//! Jobs under `/api`, each only for the user who signed in to its old
//! mailbox (anyone else gets `404`, as if it did not exist):
//!
//! * `GET /api/folders` — the old mailbox's folders with their message
//!   counts and sizes, to choose what to move.
//! * `POST /api/jobs` — `{folders}` (none: all): start moving the mail of
//!   the two mailboxes signed in.
//! * `GET /api/jobs` — the user's jobs, newest first.
//! * `GET /api/jobs/{id}` — one job with its folders' progress.
//! * `GET /api/jobs/{id}/events` — the same, pushed as it changes
//!   (server-sent events), until the job ends.
//! * `POST /api/jobs/{id}/cancel` — stop it.
//! * `POST /api/jobs/{id}/run` — run it again (after a failure or a
//!   cancel, or for the cut-over: only what is new is copied).
//! * `GET /api/jobs/{id}/report.json`, `/report.csv` — the final report.
//!
//! Calendar jobs (started by `POST /api/calendar-jobs`,
//! [`super::calendar_api`]) are listed, watched, cancelled and re-run by
//! the same routes; their reports list every item
//! ([`super::calendar_report`]).

use super::auth::sessions::{Role, SessionData, SignedIn};
use super::{ApiError, AppState};
use crate::jobs::calendar::calendar_owner;
use crate::jobs::owner_of;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use ferry_mail::imap::{ImapError, Session, SessionOptions};
use ferry_mail::sync::stats::folder_stats;
use ferry_shared::api::{FolderSummary, JobCreated, JobView, StartJob};
use futures_util::stream::{self, Stream};
use std::convert::Infallible;
use std::time::Duration;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/folders", get(folders))
        .route("/jobs", post(start).get(list))
        .route("/jobs/{id}", get(one))
        .route("/jobs/{id}/events", get(events))
        .route("/jobs/{id}/cancel", post(cancel))
        .route("/jobs/{id}/run", post(run_again))
        .route("/jobs/{id}/report.json", get(report_json))
        .route("/jobs/{id}/report.csv", get(report_csv))
}

fn not_signed_in() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "not_signed_in",
        "Please sign in to your old mailbox first.",
    )
}

/// The request's session, which must have the old mailbox (or else a
/// calendar target) signed in, and the owner key of its jobs. Without
/// one, the handler is never run: the answer is `401 not_signed_in`.
pub(super) struct SignedInUser {
    pub(super) data: SessionData,
    pub(super) owner: String,
}

impl FromRequestParts<AppState> for SignedInUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let data = state
            .sessions
            .id_in(&parts.headers)
            .and_then(|id| state.sessions.get(&id))
            .filter(|data| data.role == Role::User)
            .ok_or_else(not_signed_in)?;
        let owner = data
            .source
            .as_ref()
            .map(owner_of)
            .or_else(|| data.calendar.as_ref().map(calendar_owner))
            .ok_or_else(not_signed_in)?;
        Ok(Self { data, owner })
    }
}

fn store_failed(error: &crate::error::BackendError) -> ApiError {
    ApiError::internal(error)
}

/// Both mailboxes of the session, which must be signed in.
fn both_sides(data: SessionData) -> Result<(SignedIn, SignedIn), ApiError> {
    match (data.source, data.target) {
        (Some(source), Some(target)) => Ok((source, target)),
        _ => Err(ApiError::bad_request(
            "not_signed_in",
            "Please sign in to both the old and the new mailbox first.",
        )),
    }
}

/// `status` when the job was found and acted on, else `404`.
fn acted_on(
    result: Result<bool, crate::error::BackendError>,
    status: StatusCode,
) -> Result<StatusCode, ApiError> {
    match result {
        Ok(true) => Ok(status),
        Ok(false) => Err(ApiError::not_found()),
        Err(error) => Err(store_failed(&error)),
    }
}

async fn folders(user: SignedInUser) -> Result<Json<Vec<FolderSummary>>, ApiError> {
    let source = user.data.source.ok_or_else(not_signed_in)?;
    let unreachable = |error: ImapError| {
        tracing::warn!(%error, "listing the old mailbox's folders failed");
        ApiError::new(
            StatusCode::BAD_GATEWAY,
            "server_unreachable",
            "The old mailbox's folders could not be read. Please try again.",
        )
    };
    let mut session = Session::connect(&source.endpoint, SessionOptions::default())
        .await
        .map_err(unreachable)?;
    session
        .authenticate(&source.credentials)
        .await
        .map_err(unreachable)?;
    let stats = folder_stats(&mut session).await.map_err(unreachable)?;
    session.logout().await;
    Ok(Json(
        stats
            .into_iter()
            .map(|stat| FolderSummary {
                name: stat.name,
                messages: stat.messages,
                bytes: stat.bytes,
            })
            .collect(),
    ))
}

async fn start(
    State(state): State<AppState>,
    user: SignedInUser,
    Json(request): Json<StartJob>,
) -> Result<Response, ApiError> {
    let data = user.data;
    let (source, target) = both_sides(data)?;
    if request.folders.as_ref().is_some_and(Vec::is_empty) {
        return Err(ApiError::bad_request(
            "nothing_chosen",
            "Please choose at least one folder to move.",
        ));
    }
    let id = state
        .jobs
        .start(source, target, request.folders)
        .await
        .map_err(|e| store_failed(&e))?;
    Ok((StatusCode::CREATED, Json(JobCreated { id })).into_response())
}

async fn list(
    State(state): State<AppState>,
    user: SignedInUser,
) -> Result<Json<Vec<JobView>>, ApiError> {
    let owner = user.owner;
    let jobs = state
        .store
        .jobs_of(&owner)
        .await
        .map_err(|e| store_failed(&e))?;
    Ok(Json(jobs))
}

async fn find(state: &AppState, id: &str, owner: &str) -> Result<JobView, ApiError> {
    state
        .store
        .job(id, owner)
        .await
        .map_err(|e| store_failed(&e))?
        .ok_or_else(ApiError::not_found)
}

async fn one(
    State(state): State<AppState>,
    user: SignedInUser,
    Path(id): Path<String>,
) -> Result<Json<JobView>, ApiError> {
    let owner = user.owner;
    Ok(Json(find(&state, &id, &owner).await?))
}

async fn cancel(
    State(state): State<AppState>,
    user: SignedInUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let owner = user.owner;
    acted_on(state.jobs.cancel(&id, &owner).await, StatusCode::NO_CONTENT)
}

async fn run_again(
    State(state): State<AppState>,
    user: SignedInUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let SignedInUser { data, owner } = user;
    if find(&state, &id, &owner).await?.kind == "calendar" {
        let target = data.calendar.ok_or_else(|| {
            ApiError::bad_request(
                "not_signed_in",
                "Please sign in to the new calendar server first.",
            )
        })?;
        return acted_on(
            state.jobs.rerun_calendar(&id, &owner, target).await,
            StatusCode::ACCEPTED,
        );
    }
    let (source, target) = both_sides(data)?;
    acted_on(
        state.jobs.rerun(&id, &owner, source, target).await,
        StatusCode::ACCEPTED,
    )
}

/// The job's view now, then after every change, until it ends.
async fn events(
    State(state): State<AppState>,
    user: SignedInUser,
    Path(id): Path<String>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let owner = user.owner;
    // Listening before the first read: a change in between is not lost.
    let changes = state.jobs.changes();
    let first = find(&state, &id, &owner).await?;
    let stream = stream::unfold(
        (state, id, owner, changes, Some(first), false),
        |(state, id, owner, mut changes, pending, ended)| async move {
            if ended {
                return None;
            }
            let view = match pending {
                Some(view) => view,
                None => loop {
                    match changes.recv().await {
                        Ok(changed) if changed != id => continue,
                        Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                            match state.store.job(&id, &owner).await {
                                Ok(Some(view)) => break view,
                                _ => return None,
                            }
                        }
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                    }
                },
            };
            let ended = view.state.is_final();
            let event = Event::default()
                .event("job")
                .json_data(&view)
                .unwrap_or_else(|_| Event::default().comment("unwritable"));
            Some((Ok(event), (state, id, owner, changes, None, ended)))
        },
    );
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

async fn report_json(
    State(state): State<AppState>,
    user: SignedInUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let owner = user.owner;
    let view = find(&state, &id, &owner).await?;
    if view.kind == "calendar" {
        return super::calendar_report::json(&state, view, &owner).await;
    }
    Ok((
        [(
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"ferry-report.json\"",
        )],
        Json(view),
    )
        .into_response())
}

async fn report_csv(
    State(state): State<AppState>,
    user: SignedInUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let owner = user.owner;
    let view = find(&state, &id, &owner).await?;
    if view.kind == "calendar" {
        return super::calendar_report::csv(&state, &view, &owner).await;
    }
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header_row = [
        "source folder",
        "target folder",
        "to copy",
        "copied",
        "failed",
        "bytes",
        "bytes copied",
        "done",
    ];
    let mut rows = vec![header_row.map(str::to_string).to_vec()];
    for folder in &view.folders {
        rows.push(vec![
            folder.source.clone(),
            folder.target.clone(),
            folder.to_copy.to_string(),
            folder.copied.to_string(),
            folder.failed.to_string(),
            folder.bytes.to_string(),
            folder.bytes_done.to_string(),
            if folder.done { "yes" } else { "no" }.to_string(),
        ]);
    }
    for row in rows {
        writer
            .write_record(&row)
            .map_err(|e| ApiError::internal(&e))?;
    }
    csv_download(writer)
}

/// The CSV `writer` wrote, as a download.
pub(super) fn csv_download(writer: csv::Writer<Vec<u8>>) -> Result<Response, ApiError> {
    let body = writer.into_inner().map_err(|e| ApiError::internal(&e))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"ferry-report.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}
