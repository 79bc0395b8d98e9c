//! Admin mode's calls, typed with `ferry_shared::admin::api`: signing in
//! with service accounts, the user list, each user's calendar files,
//! starting and cancelling groups.
//! `GET /api/admin/session` says whether the site has admin mode on, so
//! the page knows whether to offer it.

use crate::http;
use ferry_shared::admin::api::{
    AdminCalendarFiles, AdminSessionView, AdminUserView, CalendarFilesMatched, UserListSaved,
    UserListText,
};
use ferry_shared::api::{ExportFile, ServerChoice, Side};
use serde::Serialize;

/// The body of `POST /api/admin/sign-in`. The password leaves the page
/// only here.
#[derive(Debug, Clone, Serialize)]
pub struct AdminSignInRequest {
    pub side: Side,
    pub server: ServerChoice,
    pub user: String,
    pub password: String,
    /// A user the service account may act for, to check it with.
    pub act_as: Option<String>,
}

/// Whether admin mode is on, and the service accounts signed in.
pub async fn session() -> Result<AdminSessionView, String> {
    http::get("/api/admin/session").await
}

pub async fn sign_in(request: AdminSignInRequest) -> Result<AdminSessionView, String> {
    http::post("/api/admin/sign-in", &request).await
}

/// Saves the user list (CSV text), replacing the last one.
pub async fn save_users(csv: String) -> Result<UserListSaved, String> {
    http::post("/api/admin/users", &UserListText { csv }).await
}

/// Every listed user with group and status.
pub async fn users() -> Result<Vec<AdminUserView>, String> {
    http::get("/api/admin/users").await
}

/// Gives the listed users their calendar files, matched by name.
pub async fn save_calendar_files(files: Vec<ExportFile>) -> Result<CalendarFilesMatched, String> {
    http::post("/api/admin/calendar-files", &AdminCalendarFiles { files }).await
}

/// Moves the users of `group` (again: only what is new is copied).
pub async fn start_group(group: String) -> Result<(), String> {
    http::post_only(&group_url(&group, "/start")).await
}

pub async fn cancel_group(group: String) -> Result<(), String> {
    http::post_only(&group_url(&group, "/cancel")).await
}

fn group_url(group: &str, action: &str) -> String {
    let group: String = js_sys::encode_uri_component(group).into();
    format!("/api/admin/groups/{group}{action}")
}
