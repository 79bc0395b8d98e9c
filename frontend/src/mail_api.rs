//! The calls of the mail move, typed with `ferry_shared::api`: the site's
//! servers, signing in and out, the old mailbox's folders, and the jobs (start, list, cancel, run
//! again, the addresses of their live events and reports).

use crate::http;
use ferry_shared::api::{
    FolderSummary, JobCreated, JobView, ServerChoice, SessionView, Side, SiteView, StartJob,
};
use serde::Serialize;

/// The body of `POST /api/sign-in`. The password leaves the page only here.
#[derive(Debug, Clone, Serialize)]
pub struct SignInRequest {
    pub side: Side,
    pub server: ServerChoice,
    pub user: String,
    pub password: String,
}

pub async fn site() -> Result<SiteView, String> {
    http::get("/api/site").await
}

pub async fn session() -> Result<SessionView, String> {
    http::get("/api/session").await
}

pub async fn sign_in(request: SignInRequest) -> Result<SessionView, String> {
    http::post("/api/sign-in", &request).await
}

/// Ends the session: both mailboxes are signed out.
pub async fn sign_out() -> Result<(), String> {
    http::post_only("/api/sign-out").await
}

/// Starts moving the mail of the two mailboxes signed in: only
/// `folders`, when given.
pub async fn start_job(folders: Option<Vec<String>>) -> Result<JobCreated, String> {
    http::post("/api/jobs", &StartJob { folders }).await
}

/// The old mailbox's folders with their counts and sizes.
pub async fn folders() -> Result<Vec<FolderSummary>, String> {
    http::get("/api/folders").await
}

/// The user's jobs, newest first.
pub async fn jobs() -> Result<Vec<JobView>, String> {
    http::get("/api/jobs").await
}

pub async fn cancel(id: String) -> Result<(), String> {
    http::post_only(&job_url(&id, "/cancel")).await
}

/// Runs a job again: only what is new is copied.
pub async fn run_again(id: String) -> Result<(), String> {
    http::post_only(&job_url(&id, "/run")).await
}

/// `/api/jobs/{id}` followed by `rest` (`/events`, `/report.csv`, …).
pub fn job_url(id: &str, rest: &str) -> String {
    let id: String = js_sys::encode_uri_component(id).into();
    format!("/api/jobs/{id}{rest}")
}
