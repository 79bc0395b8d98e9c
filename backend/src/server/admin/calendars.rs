//! Admin mode's calendars: an EWS service account on the new server
//! puts each listed user's calendar and contacts export files into the
//! user's own mailbox, acting for them by impersonation
//! ([`super::service_account`]).
//!
//! * Sign-in: `POST /api/admin/sign-in` with a listed `kind = "ews"`
//!   server on the new side ([`sign_in`]): the account is checked like a
//!   user's calendar sign-in, and, when the admin names a user
//!   (`act_as`), by acting for that user once.
//! * `POST /api/admin/calendar-files` — `{files: [{name, text}]}`: each
//!   file named after a listed user (its name without the extension is
//!   the source or target user, case aside; see
//!   [`ferry_shared::admin::calendar_files`]) becomes that user's,
//!   replacing the files given for them before; the answer names which
//!   file went to whom and which went to nobody. The request may be at
//!   most `[jobs] max_upload_bytes` (default 20 MiB), else `413`.
//! * Starting a group ([`start`]) runs, for each of its users with
//!   files, a calendar job into their mailbox — a new one after new
//!   files, else the last one again (creating nothing twice); cancelling
//!   it stops them ([`cancel`]). After a restart they go on by
//!   themselves when the site names a key (their targets are sealed,
//!   [`crate::jobs::sealed_calendar`]); otherwise they wait for the
//!   service account to sign in again ([`resume_waiting`]).

use super::service_account::{calendar_acting_for, impersonation_denied};
use super::sign_in::AdminSignInForm;
use super::{AdminSession, ensure_idle, store_failed};
use crate::config::site::ServerConfig;
use crate::server::auth::calendar_sign_in::CALENDAR_SIGN_IN_TIMEOUT;
use crate::server::auth::calendar_target::{CalendarKind, SignedInCalendar};
use crate::server::auth::sessions::{Role, SessionData};
use crate::server::auth::verified_calendar;
use crate::server::calendar_api::upload_refused;
use crate::server::{ApiError, AppState};
use crate::store::admin_calendars::AdminCalendar;
use crate::store::admin_users::{AdminJobOf, GroupMember};
use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use ferry_shared::admin::api::{AdminCalendarFiles, CalendarFilesMatched, MatchedFile};
use ferry_shared::admin::calendar_files::match_files;
use ferry_shared::api::{Account, ExportFile, Side};
use ferry_shared::mapping::MappingRules;
use ferry_targets::ews::Resolution;
use std::collections::BTreeMap;
use std::net::IpAddr;

/// The upload route; `max_upload_bytes` bounds its request.
pub fn upload_router(max_upload_bytes: usize) -> Router<AppState> {
    Router::new().route(
        "/admin/calendar-files",
        post(save_files).layer(DefaultBodyLimit::max(max_upload_bytes)),
    )
}

/// The EWS service account signing in: checked, then kept in the
/// admin's session. The new session's id and what it holds.
pub(super) async fn sign_in(
    state: &AppState,
    address: IpAddr,
    headers: &HeaderMap,
    server: &ServerConfig,
    form: AdminSignInForm,
) -> Result<(String, SessionData), ApiError> {
    if CalendarKind::of(server.kind) != Some(CalendarKind::Ews) {
        return Err(ApiError::bad_request(
            "not_for_admin",
            "Admin mode moves calendars into Exchange (EWS) only.",
        ));
    }
    if form.side != Side::Target {
        return Err(ApiError::bad_request(
            "wrong_side",
            format!("{} can only be the new server.", server.label),
        ));
    }
    let act_as = form.act_as()?.map(str::to_string);
    let service = verified_calendar(state, address, server, form.user, form.password).await?;
    if let Some(user) = &act_as {
        check_acting_for(&service, user).await?;
    }
    let old = state.sessions.id_in(headers);
    let id = state
        .sessions
        .sign_in_calendar_as(old.as_deref(), Role::Admin, service);
    let data = state.sessions.get(&id).unwrap_or_default();
    Ok((id, data))
}

/// Acts for `user` once (a ResolveNames of their own address): refused
/// plainly when Exchange denies the impersonation.
async fn check_acting_for(service: &SignedInCalendar, user: &str) -> Result<(), ApiError> {
    let acting = calendar_acting_for(service, user);
    let unreachable = |error: &dyn std::fmt::Display| {
        tracing::warn!(%error, "acting for a user at sign-in failed");
        ApiError::new(
            StatusCode::BAD_GATEWAY,
            "server_unreachable",
            "The new server did not answer when the service account acted for the user. Please try again.",
        )
    };
    let client = acting.ews().map_err(|e| unreachable(&e))?;
    let asked = tokio::time::timeout(
        CALENDAR_SIGN_IN_TIMEOUT,
        client.resolve_names(&[user.to_string()]),
    )
    .await
    .map_err(|e| unreachable(&e))?
    .map_err(|e| unreachable(&e))?;
    match asked.first() {
        Some((_, Resolution::Failed { reason })) if impersonation_denied(reason) => Err(
            ApiError::bad_request("may_not_act", not_allowed_to_act_for(user)),
        ),
        _ => Ok(()),
    }
}

/// The plain reason for an impersonation Exchange denied.
pub fn not_allowed_to_act_for(user: &str) -> String {
    format!(
        "The service account may not act for {user}: Exchange refused the impersonation. Give it the ApplicationImpersonation role for this mailbox, then run the group again."
    )
}

/// Keeps each file as the calendar file of the listed user it is named
/// after.
async fn save_files(
    State(state): State<AppState>,
    admin: AdminSession,
    request: Result<Json<AdminCalendarFiles>, JsonRejection>,
) -> Result<Json<CalendarFilesMatched>, ApiError> {
    let Json(request) = request.map_err(|rejection| upload_refused(&state, &rejection))?;
    let owner = admin.owner()?;
    ensure_idle(&state, &owner).await?;
    let users = state
        .store
        .admin_users(&owner)
        .await
        .map_err(|e| store_failed(&e))?;
    if users.is_empty() {
        return Err(ApiError::bad_request(
            "no_user_list",
            "Please save the user list first: files are matched to its users by name.",
        ));
    }
    let pairs: Vec<(&str, &str)> = users
        .iter()
        .map(|u| (u.source_user.as_str(), u.target_user.as_str()))
        .collect();
    let found = match_files(request.files.iter().map(|f| f.name.as_str()), &pairs);
    let mut per_user: BTreeMap<usize, Vec<ExportFile>> = BTreeMap::new();
    let mut answer = CalendarFilesMatched::default();
    for (file, user) in &found.matched {
        let (file, user) = (&request.files[*file], &users[*user]);
        answer.matched.push(MatchedFile {
            file: file.name.clone(),
            source_user: user.source_user.clone(),
            target_user: user.target_user.clone(),
        });
    }
    for (file, user) in found.matched {
        per_user
            .entry(user)
            .or_default()
            .push(request.files[file].clone());
    }
    for (user, files) in per_user {
        let user = &users[user];
        state
            .store
            .set_admin_calendar_files(&owner, &user.source_user, &user.target_user, &files)
            .await
            .map_err(|e| store_failed(&e))?;
    }
    answer.unmatched = found
        .unmatched
        .into_iter()
        .map(|file| request.files[file].name.clone())
        .collect();
    Ok(Json(answer))
}

/// The calendars of `members` that have files (and still the same
/// target user).
pub(super) async fn of_members(
    state: &AppState,
    owner: &str,
    members: &[GroupMember],
) -> Result<Vec<AdminCalendar>, ApiError> {
    let mut calendars = Vec::new();
    for member in members {
        let calendar = state
            .store
            .admin_calendar(owner, &member.source_user)
            .await
            .map_err(|e| store_failed(&e))?;
        if let Some(calendar) = calendar.filter(|c| c.target_user == member.target_user) {
            calendars.push(calendar);
        }
    }
    Ok(calendars)
}

/// Runs each of `calendars` into its user's mailbox through `service`:
/// its job again when it has one, else a new job. How many.
pub(super) async fn start(
    state: &AppState,
    owner: &str,
    service: &SignedInCalendar,
    calendars: Vec<AdminCalendar>,
) -> Result<usize, ApiError> {
    let rules =
        serde_json::to_string(&MappingRules::default()).map_err(|e| ApiError::internal(&e))?;
    let count = calendars.len();
    for calendar in calendars {
        let target = calendar_acting_for(service, &calendar.target_user);
        let again = match &calendar.job_id {
            Some(id) => state
                .jobs
                .rerun_calendar(id, owner, target.clone())
                .await
                .map_err(|e| store_failed(&e))?,
            None => false,
        };
        if again {
            continue;
        }
        let source = Account {
            server: "Export files".to_string(),
            user: calendar.source_user.clone(),
        };
        let id = state
            .jobs
            .start_calendar(
                owner.to_string(),
                source,
                target,
                rules.clone(),
                calendar.files,
            )
            .await
            .map_err(|e| store_failed(&e))?;
        state
            .store
            .set_admin_job(
                owner,
                AdminJobOf::Calendar {
                    source_user: &calendar.source_user,
                },
                &id,
            )
            .await
            .map_err(|e| store_failed(&e))?;
    }
    Ok(count)
}

/// Stops the calendar jobs of `members`.
pub(super) async fn cancel(
    state: &AppState,
    owner: &str,
    members: &[GroupMember],
) -> Result<(), ApiError> {
    for calendar in of_members(state, owner, members).await? {
        if let Some(id) = &calendar.job_id {
            state
                .jobs
                .cancel(id, owner)
                .await
                .map_err(|e| store_failed(&e))?;
        }
    }
    Ok(())
}

/// After a restart the admin's calendar jobs wait for the service
/// account; now signed in again, they go on.
pub(super) async fn resume_waiting(
    state: &AppState,
    owner: &str,
    service: &SignedInCalendar,
) -> Result<(), ApiError> {
    let waiting = state
        .store
        .admin_calendars_waiting(owner)
        .await
        .map_err(|e| store_failed(&e))?;
    for calendar in waiting {
        let Some(id) = &calendar.job_id else { continue };
        let target = calendar_acting_for(service, &calendar.target_user);
        state
            .jobs
            .rerun_calendar(id, owner, target)
            .await
            .map_err(|e| store_failed(&e))?;
    }
    Ok(())
}
