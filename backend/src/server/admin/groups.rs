//! Groups move in phases: starting one queues a mail job per user of the
//! group (the admin's jobs, acting for each user), and a calendar job per
//! user with calendar files ([`super::calendars`]), under the site's
//! limits on jobs at once and connections per server. Starting it again
//! — the cut-over — runs the same jobs again, copying only what is new.

use super::service_account::acting_for;
use super::{AdminSession, calendars, store_failed};
use crate::server::auth::sessions::SignedIn;
use crate::server::{ApiError, AppState};
use crate::store::admin_users::{AdminJobOf, GroupMember};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use ferry_shared::admin::api::GroupStarted;

/// Moves every user of `group` (again).
pub(super) async fn start(
    State(state): State<AppState>,
    admin: AdminSession,
    Path(group): Path<String>,
) -> Result<(StatusCode, Json<GroupStarted>), ApiError> {
    let owner = admin.owner()?;
    let (source, target) = admin.service_accounts()?;
    let members = members(&state, &owner, &group).await?;
    let calendars = calendars::of_members(&state, &owner, &members).await?;
    let calendar_service = match (admin.calendar(), calendars.is_empty()) {
        (Some(service), _) => Some(service),
        (None, true) => None,
        (None, false) => {
            return Err(ApiError::bad_request(
                "not_signed_in",
                "Calendar files were given for users of this group: please sign in with the new server's calendar service account (EWS) first.",
            ));
        }
    };
    for member in &members {
        let (from, to) = (
            acting_for(&source, &member.source_user),
            acting_for(&target, &member.target_user),
        );
        let again = match &member.job_id {
            Some(id) => state
                .jobs
                .rerun(id, &owner, from.clone(), to.clone())
                .await
                .map_err(|e| store_failed(&e))?,
            None => false,
        };
        if !again {
            let id = state
                .jobs
                .start_owned(owner.clone(), from, to, None)
                .await
                .map_err(|e| store_failed(&e))?;
            state
                .store
                .set_admin_job(
                    &owner,
                    AdminJobOf::Mail {
                        position: member.position,
                    },
                    &id,
                )
                .await
                .map_err(|e| store_failed(&e))?;
        }
    }
    let calendars = match &calendar_service {
        Some(service) => calendars::start(&state, &owner, service, calendars).await?,
        None => 0,
    };
    Ok((
        StatusCode::ACCEPTED,
        Json(GroupStarted {
            queued: members.len(),
            calendars,
        }),
    ))
}

/// Stops every move of `group`, mail and calendar.
pub(super) async fn cancel(
    State(state): State<AppState>,
    admin: AdminSession,
    Path(group): Path<String>,
) -> Result<StatusCode, ApiError> {
    let owner = admin.owner()?;
    let members = members(&state, &owner, &group).await?;
    calendars::cancel(&state, &owner, &members).await?;
    for member in members {
        if let Some(id) = &member.job_id {
            state
                .jobs
                .cancel(id, &owner)
                .await
                .map_err(|e| store_failed(&e))?;
        }
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The users of `group`; `404` when the list has no such group.
async fn members(state: &AppState, owner: &str, group: &str) -> Result<Vec<GroupMember>, ApiError> {
    let members = state
        .store
        .admin_group(owner, group)
        .await
        .map_err(|e| store_failed(&e))?;
    if members.is_empty() {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_group",
            format!("The list has no group “{group}”."),
        ));
    }
    Ok(members)
}

/// After a restart the admin's moves wait for the service accounts; now
/// signed in again, they go on.
pub(super) async fn resume_waiting(
    state: &AppState,
    owner: &str,
    source: &SignedIn,
    target: &SignedIn,
) -> Result<(), ApiError> {
    let waiting = state
        .store
        .admin_waiting(owner)
        .await
        .map_err(|e| store_failed(&e))?;
    for member in waiting {
        let Some(id) = member.job_id else { continue };
        state
            .jobs
            .resume(
                id,
                acting_for(source, &member.source_user),
                acting_for(target, &member.target_user),
            )
            .await
            .map_err(|e| store_failed(&e))?;
    }
    Ok(())
}
