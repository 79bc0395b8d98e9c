//! An admin signs in with a service account per side: checked like a
//! user's sign-in (attempt limits, the site's servers and networks, the
//! account opening), in a session of its own role. A listed server that
//! is no IMAP server signs in the calendar service account instead
//! ([`calendars::sign_in`], EWS only).

use super::service_account::{checking, kept};
use super::{AdminEnabled, admin_owner, calendars, groups};
use crate::server::auth::calendar_target::SignedInCalendar;
use crate::server::auth::sessions::{Role, SessionData};
use crate::server::auth::{ClientAddress, calendar_server, plain_name, verified_sign_in};
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
    pub(super) side: Side,
    server: ServerChoice,
    /// The service account.
    pub(super) user: String,
    pub(super) password: SecretString,
    /// A user the account may act for, to check it with (a master user
    /// may not sign in alone).
    #[serde(default)]
    act_as: Option<String>,
}

impl AdminSignInForm {
    /// The user to check with, trimmed; none when left empty.
    pub(super) fn act_as(&self) -> Result<Option<&str>, ApiError> {
        let act_as = self
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
        Ok(act_as)
    }
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
    let (id, data) = match calendar_server(&state, &form.server) {
        Some(server) => calendars::sign_in(&state, address, &headers, server, form).await?,
        None => {
            let act_as = form.act_as()?.map(str::to_string);
            let credentials = checking(&form.user, form.password, act_as.as_deref());
            let (side, server, user) = (form.side, form.server, form.user);
            let mut signed_in =
                verified_sign_in(&state, address, side, &server, user, credentials).await?;
            signed_in.credentials = kept(signed_in.credentials);
            state
                .sessions
                .sign_in_request(&headers, Role::Admin, side, signed_in)
        }
    };
    // Moves that lost their credentials in a restart go on.
    if let (Some(source), Some(target)) = (&data.source, &data.target) {
        groups::resume_waiting(&state, &admin_owner(source), source, target).await?;
    }
    if let (Some(source), Some(calendar)) = (&data.source, &data.calendar) {
        calendars::resume_waiting(&state, &admin_owner(source), calendar).await?;
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
        calendar: data.calendar.as_ref().map(SignedInCalendar::view),
    }
}
