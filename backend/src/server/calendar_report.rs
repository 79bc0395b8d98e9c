//! A calendar job's reports: JSON (`{job, items}`: the job as the page
//! shows it and every item with its outcome, reason and losses) and CSV
//! (one row per item). A job still running has no items yet.

use super::jobs_api::csv_download;
use super::{ApiError, AppState};
use axum::Json;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use ferry_shared::api::{ItemResult, JobView};
use serde::Serialize;

#[derive(Serialize)]
struct Report {
    job: JobView,
    items: Vec<ItemResult>,
}

/// Every item of job `id` (`owner`'s) with its outcome.
async fn items(state: &AppState, id: &str, owner: &str) -> Result<Vec<ItemResult>, ApiError> {
    let report = state
        .store
        .job_report(id, owner)
        .await
        .map_err(|e| ApiError::internal(&e))?;
    match report {
        Some(text) => serde_json::from_str(&text).map_err(|e| ApiError::internal(&e)),
        None => Ok(Vec::new()),
    }
}

pub(super) async fn json(
    state: &AppState,
    job: JobView,
    owner: &str,
) -> Result<Response, ApiError> {
    let items = items(state, &job.id, owner).await?;
    Ok((
        [(
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"ferry-report.json\"",
        )],
        Json(Report { job, items }),
    )
        .into_response())
}

pub(super) async fn csv(
    state: &AppState,
    job: &JobView,
    owner: &str,
) -> Result<Response, ApiError> {
    let items = items(state, &job.id, owner).await?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header_row = [
        "file", "line", "kind", "title", "outcome", "reason", "losses",
    ];
    writer
        .write_record(header_row)
        .map_err(|e| ApiError::internal(&e))?;
    for item in items {
        writer
            .write_record([
                item.file,
                item.line.to_string(),
                item.kind,
                item.summary,
                item.outcome,
                item.reason.unwrap_or_default(),
                item.losses.join("; "),
            ])
            .map_err(|e| ApiError::internal(&e))?;
    }
    csv_download(writer)
}
