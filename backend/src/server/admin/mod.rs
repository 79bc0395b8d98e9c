//! Admin mode under `/api/admin`, when the site enables it (`[admin]
//! enabled = true`; otherwise every address here but the session answers
//! `404`). An admin
//! signs in with a service account on each side and moves the users of a
//! list, group by group; the jobs are the admin's own, run by the same
//! machinery, limits and store as users' moves.
//!
//! * `POST /api/admin/sign-in` — `{side, server, user, password,
//!   act_as?}`: a service account, checked ([`sign_in`]); a listed EWS
//!   server on the new side signs in the calendar service account
//!   ([`calendars`]).
//! * `GET /api/admin/session` — whether admin mode is on, and the
//!   service accounts signed in (`calendar`: the EWS one).
//! * `POST /api/admin/users` — `{csv}`: the user list, replacing the last
//!   one ([`users`]).
//! * `GET /api/admin/users` — every listed user with group and status.
//! * `POST /api/admin/calendar-files` — each user's calendar export
//!   files, matched by name ([`calendars`]).
//! * `POST /api/admin/groups/{group}/start` — move the group's users (again:
//!   only what is new is copied), mail and calendars ([`groups`]).
//! * `POST /api/admin/groups/{group}/cancel` — stop them.
//!
//! Signing out is the common `POST /api/sign-out`. A user's session
//! gets `403` here; an admin's session is no user's ([`Role`]).
//!
//! * [`service_account`] — what a service account signs in with, and how
//!   it acts for a listed user.
//! * [`calendars`] — the EWS service account, each user's calendar
//!   files and the calendar jobs of a group.

mod calendars;
mod groups;
mod service_account;
mod sign_in;
mod users;

use super::auth::calendar_target::SignedInCalendar;
use super::auth::sessions::{Role, SessionData, SignedIn};
use super::{ApiError, AppState};
use crate::jobs::owner_of;
use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::routing::{get, post};

pub use calendars::{not_allowed_to_act_for, upload_router};
pub use service_account::impersonation_denied;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/sign-in", post(sign_in::sign_in))
        .route("/admin/session", get(sign_in::session))
        .route("/admin/users", post(users::save).get(users::list))
        .route("/admin/groups/{group}/start", post(groups::start))
        .route("/admin/groups/{group}/cancel", post(groups::cancel))
}

/// Admin mode is on; else the request gets `404`, as if nothing were here.
pub(super) struct AdminEnabled;

impl FromRequestParts<AppState> for AdminEnabled {
    type Rejection = ApiError;

    async fn from_request_parts(_: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if state.config.site.admin.enabled {
            Ok(Self)
        } else {
            Err(ApiError::not_found())
        }
    }
}

/// The request's admin session. Without one: `401`; a user's session:
/// `403`; admin mode off: `404`.
pub(super) struct AdminSession {
    data: SessionData,
}

impl FromRequestParts<AppState> for AdminSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        AdminEnabled::from_request_parts(parts, state).await?;
        let data = state
            .sessions
            .id_in(&parts.headers)
            .and_then(|id| state.sessions.get(&id))
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "not_signed_in",
                    "Please sign in with the service accounts first.",
                )
            })?;
        if data.role != Role::Admin {
            return Err(ApiError::forbidden(
                "not_admin",
                "This is for admins: sign in with a service account.",
            ));
        }
        Ok(Self { data })
    }
}

impl AdminSession {
    /// The key owning the admin's list and jobs: the source service
    /// account's, marked as an admin's so it is never a user's.
    fn owner(&self) -> Result<String, ApiError> {
        self.data.source.as_ref().map(admin_owner).ok_or_else(|| {
            ApiError::bad_request(
                "not_signed_in",
                "Please sign in with the old server's service account first.",
            )
        })
    }

    /// The new server's EWS service account, for calendars (if signed in).
    fn calendar(&self) -> Option<SignedInCalendar> {
        self.data.calendar.clone()
    }

    /// Both service accounts, which must be signed in.
    fn service_accounts(&self) -> Result<(SignedIn, SignedIn), ApiError> {
        match (&self.data.source, &self.data.target) {
            (Some(source), Some(target)) => Ok((source.clone(), target.clone())),
            _ => Err(ApiError::bad_request(
                "not_signed_in",
                "Please sign in with the service accounts of both servers first.",
            )),
        }
    }
}

/// The owner key of the admin signed in with `source`.
fn admin_owner(source: &SignedIn) -> String {
    format!("admin:{}", owner_of(source))
}

/// `409 list_busy` while any of `owner`'s listed users is being moved.
async fn ensure_idle(state: &AppState, owner: &str) -> Result<(), ApiError> {
    if state
        .store
        .admin_busy(owner)
        .await
        .map_err(|e| store_failed(&e))?
    {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "list_busy",
            "Users of the current list are being moved. Wait for them or cancel their group, then change the list or the files.",
        ));
    }
    Ok(())
}

fn store_failed(error: &crate::error::BackendError) -> ApiError {
    ApiError::internal(error)
}
