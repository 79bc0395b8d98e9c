//! The admin's user list: saved from CSV text (checked line by line,
//! at most `[admin] max_users`), and read back with each user's status.

use super::{AdminSession, store_failed};
use crate::server::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
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
    if state
        .store
        .admin_busy(&owner)
        .await
        .map_err(|e| store_failed(&e))?
    {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "list_busy",
            "Users of the current list are being moved. Wait for them or cancel their group, then replace the list.",
        ));
    }
    state
        .store
        .replace_admin_users(&owner, &users)
        .await
        .map_err(|e| store_failed(&e))?;
    Ok(Json(UserListSaved {
        users: users.len(),
        groups: groups(&users),
    }))
}

/// Every listed user with group and status, in list order.
pub(super) async fn list(
    State(state): State<AppState>,
    admin: AdminSession,
) -> Result<Json<Vec<AdminUserView>>, ApiError> {
    let owner = admin.owner()?;
    let users = state
        .store
        .admin_users(&owner)
        .await
        .map_err(|e| store_failed(&e))?;
    Ok(Json(users))
}
