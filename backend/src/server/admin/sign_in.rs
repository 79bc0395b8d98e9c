//! An admin signs in with a service account per side: checked like a
//! user's sign-in (attempt limits, the site's servers and networks, the
//! account opening), in a session of its own role.

use super::service_account::{checking, kept};
use super::{AdminEnabled, admin_owner, groups};
use crate::server::auth::sessions::{Role, SessionData};
use crate::server::auth::{ClientAddress, plain_name, verified_sign_in};
use crate::server::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use ferry_shared::admin::api::AdminSessionView;
use ferry_shared::api::{ServerChoice, Side};
use secrecy::SecretString;
use serde::Deserialize;

/// The service account's sign-in form. The password goes straight into
/// a secret.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AdminSignInForm {
    side: Side,
    server: ServerChoice,
    /// The service account.
    user: String,
    password: SecretString,
    /// A user the account may act for, to check it with (a master user
    /// may not sign in alone).
    #[serde(default)]
    act_as: Option<String>,
}

pub(super) async fn sign_in(
    _: AdminEnabled,
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Json(form): Json<AdminSignInForm>,
) -> Result<Response, ApiError> {
    if let ServerChoice::Listed { id } = &form.server
        && !state.config.site.admin.allows(id)
    {
        return Err(ApiError::bad_request(
            "not_for_admin",
            "Admin mode cannot use this server.",
        ));
    }
    let act_as = form
        .act_as
        .as_deref()
        .map(str::trim)
        .filter(|user| !user.is_empty());
    if act_as.is_some_and(|user| !plain_name(user)) {
        return Err(ApiError::bad_request(
            "invalid_input",
            "The user to check with is too long or holds a line break.",
        ));
    }
    let credentials = checking(&form.user, form.password, act_as);
    let (side, server, user) = (form.side, form.server, form.user);
    let mut signed_in = verified_sign_in(&state, address, side, &server, user, credentials).await?;
    signed_in.credentials = kept(signed_in.credentials);
    let (id, data) = state
        .sessions
        .sign_in_request(&headers, Role::Admin, side, signed_in);
    if let (Some(source), Some(target)) = (&data.source, &data.target) {
        // Moves that lost their credentials in a restart go on.
        groups::resume_waiting(&state, &admin_owner(source), source, target).await?;
    }
    Ok((
        [(header::SET_COOKIE, state.sessions.cookie(&id))],
        Json(view(&state, &data)),
    )
        .into_response())
}

/// Whether admin mode is on, and the service accounts signed in (none
/// in a user's session). The one address here that answers with admin
/// mode off, so the page can ask without an error.
pub(super) async fn session(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Json<AdminSessionView> {
    let data = state
        .sessions
        .id_in(&headers)
        .and_then(|id| state.sessions.get(&id))
        .unwrap_or_default();
    Json(view(&state, &data))
}

fn view(state: &AppState, data: &SessionData) -> AdminSessionView {
    let enabled = state.config.site.admin.enabled;
    if !enabled || data.role != Role::Admin {
        return AdminSessionView {
            enabled,
            ..AdminSessionView::default()
        };
    }
    AdminSessionView {
        enabled,
        source: data.source.as_ref().map(|s| s.account.clone()),
        target: data.target.as_ref().map(|s| s.account.clone()),
    }
}
