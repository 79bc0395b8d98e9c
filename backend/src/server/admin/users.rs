//! The admin's user list: saved from CSV text (checked line by line,
//! at most `[admin] max_users`), and read back with each user's status.
//! Calendar files of users no longer listed are forgotten with the old
//! list.

use super::{AdminSession, ensure_idle, store_failed};
use crate::server::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use ferry_shared::admin::api::{AdminUserView, UserListSaved, UserListText};
use ferry_shared::admin::user_list::{groups, parse_user_list};

/// Replaces the list; refused while any of its users is being moved.
pub(super) async fn save(
    State(state): State<AppState>,
    admin: AdminSession,
    Json(list): Json<UserListText>,
) -> Result<Json<UserListSaved>, ApiError> {
    let owner = admin.owner()?;
    let users = parse_user_list(&list.csv, state.config.site.admin.max_users)
        .map_err(|error| ApiError::bad_request("invalid_user_list", error.to_string()))?;
    ensure_idle(&state, &owner).await?;
    state
        .store
        .replace_admin_users(&owner, &users)
        .await
        .map_err(|e| store_failed(&e))?;
    state
        .store
        .forget_unlisted_admin_calendars(&owner)
        .await
        .map_err(|e| store_failed(&e))?;
    Ok(Json(UserListSaved {
        users: users.len(),
        groups: groups(&users),
    }))
}

/// Every listed user with group and status (mail, and calendar when
/// files were given), in list order.
pub(super) async fn list(
    State(state): State<AppState>,
    admin: AdminSession,
) -> Result<Json<Vec<AdminUserView>>, ApiError> {
    let owner = admin.owner()?;
    let mut users = state
        .store
        .admin_users(&owner)
        .await
        .map_err(|e| store_failed(&e))?;
    let mut calendars = state
        .store
        .admin_calendar_views(&owner)
        .await
        .map_err(|e| store_failed(&e))?;
    for user in &mut users {
        user.calendar = calendars.remove(&user.source_user);
    }
    Ok(Json(users))
}
