//! Signing in through the site's OAuth2 provider (authorization code
//! with PKCE), for a listed server with `auth = ["oauth2"]`. Both
//! endpoints are browser navigations, not `fetch` calls, so both answer
//! `303 See Other`:
//!
//! * `GET /api/oauth/{server}/start?side=source|target|calendar[&user=NAME]` —
//!   the page's "Sign in with …" link (`calendar`: a Microsoft Graph
//!   calendar target, finished by [`super::graph_sign_in`]). A random `state` and PKCE
//!   verifier are kept on the server ([`super::oauth_pending`]), a random
//!   value goes to the browser in the `ferry-oauth` cookie (SameSite=Lax,
//!   so it comes back on the provider's redirect, which the Strict
//!   session cookie does not), and the browser is sent to the provider's
//!   authorization URL (with `login_hint=NAME` when the page named the
//!   user).
//! * `GET /api/oauth/callback?code&state` — where the provider sends the
//!   browser back. The `state` must be live, unused and this browser's;
//!   the code is traded for tokens at the token URL (with the verifier
//!   and, for a confidential client, the secret from the environment);
//!   the user is the one the ID token names (`email`,
//!   `preferred_username`, `upn`), else the `user` the page sent at
//!   start. The mailbox is then opened with IMAP `AUTHENTICATE XOAUTH2`
//!   before it counts as signed in, and the session gets a new id, as
//!   with a password. The browser goes back to the page (`/#move`),
//!   which reads `/api/session`.
//!
//! Anything wrong sends the browser to `/?sign_in_error=CODE#move`: a
//! stable code only, which the page says in plain words; details go to
//! the log, tokens and secrets nowhere.

use super::graph_sign_in;
use super::oauth_pending::{Pending, SignInFor};
use super::sessions::{SignedIn, cookie_value};
use super::verify::{self, Refusal};
use super::{ClientAddress, account_key, keep_signed_in, listed_endpoint, plain_name};
use crate::config::site::{AuthMethod, OAuthProvider, ServerConfig};
use crate::oauth::flow::TokenError;
use crate::oauth::token_client::{self, TokenRequestLimits};
use crate::oauth::token_source::TokenSource;
use crate::oauth::{flow, id_token, pkce};
use crate::server::AppState;
use axum::Router;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use ferry_mail::imap::Credentials;
use ferry_shared::api::Account;
use secrecy::ExposeSecret;
use serde::Deserialize;
use std::time::{Duration, Instant};

/// Where the browser goes once signed in.
const PAGE: &str = "/#move";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/oauth/{server}/start", get(start))
        .route("/oauth/callback", get(callback))
}

#[derive(Deserialize)]
struct StartQuery {
    side: SignInFor,
    #[serde(default)]
    user: Option<String>,
}

#[derive(Deserialize)]
struct CallbackQuery {
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

async fn start(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    Path(server_id): Path<String>,
    query: Result<Query<StartQuery>, QueryRejection>,
    headers: HeaderMap,
) -> Response {
    let begun = (|| {
        let query = admitted(&state, address, query, "invalid_input")?;
        let (server, provider) = oauth_server(&state, &server_id)?;
        match query.side.side() {
            Some(side) => {
                listed_endpoint(server, side, None).map_err(|error| error.code)?;
            }
            None => graph_sign_in::graph_calendar_server(server)?,
        }
        let login_hint = query.user.map(|user| user.trim().to_string());
        let login_hint = match login_hint {
            Some(user) if user.is_empty() => None,
            Some(user) if !plain_name(&user) => return Err("invalid_input"),
            other => other,
        };
        let (state_value, verifier, browser) =
            (pkce::new_state(), pkce::new_verifier(), pkce::new_state());
        let mut url = flow::authorize_url(provider, &state_value, &pkce::challenge(&verifier));
        if let Some(user) = &login_hint {
            url.query_pairs_mut().append_pair("login_hint", user);
        }
        let pending = Pending {
            browser: browser.clone(),
            verifier,
            server_id,
            side: query.side,
            login_hint,
            session: state.sessions.id_in(&headers),
            created: Instant::now(),
        };
        state
            .oauth_pending
            .put(state_value, pending)
            .map_err(|_| "too_many_attempts")?;
        Ok((url, browser))
    })();
    match begun {
        Ok((url, browser)) => {
            let mut response = see_other(url.as_str());
            let wait = state.oauth_pending.wait();
            append_cookie(&mut response, &browser_cookie(&state, &browser, wait));
            response
        }
        Err(code) => back_with(code),
    }
}

async fn callback(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    query: Result<Query<CallbackQuery>, QueryRejection>,
    headers: HeaderMap,
) -> Response {
    let mut response = match finish(&state, address, query, &headers).await {
        Ok(session_cookie) => {
            let mut response = see_other(PAGE);
            response
                .headers_mut()
                .append(header::SET_COOKIE, session_cookie);
            response
        }
        Err(code) => back_with(code),
    };
    append_cookie(&mut response, &browser_cookie(&state, "", Duration::ZERO));
    response
}

/// The callback's work; the new session's cookie, or an error code.
async fn finish(
    state: &AppState,
    address: std::net::IpAddr,
    query: Result<Query<CallbackQuery>, QueryRejection>,
    headers: &HeaderMap,
) -> Result<HeaderValue, &'static str> {
    let query = admitted(state, address, query, "sign_in_expired")?;
    let browser = cookie_value(headers, browser_cookie_name(state));
    let pending = state
        .oauth_pending
        .take(
            query.state.as_deref().unwrap_or_default(),
            browser.as_deref(),
        )
        .map_err(|_| "sign_in_expired")?;
    if query.error.is_some() {
        return Err("sign_in_cancelled");
    }
    let code = query.code.ok_or("sign_in_cancelled")?;
    let (server, provider) = oauth_server(state, &pending.server_id)?;
    let site = &state.config.site;
    let policy = site.network.policy();
    let secret = token_client::client_secret(provider).map_err(|_| "provider_unavailable")?;
    let form = flow::code_request(provider, &code, &pending.verifier, secret.as_ref());
    let tokens =
        token_client::request_tokens(provider, form, &policy, TokenRequestLimits::default())
            .await
            .map_err(|error| match error {
                TokenError::Refused { description } => {
                    tracing::info!(%description, "the OAuth2 provider refused the code");
                    "provider_refused"
                }
                _ => "provider_unavailable",
            })?;
    let Some(side) = pending.side.side() else {
        return graph_sign_in::finish(state, server, provider, tokens, pending.session.as_deref())
            .await;
    };
    let user = tokens
        .id_token
        .as_ref()
        .and_then(|token| id_token::user_of(token.expose_secret()))
        .or(pending.login_hint)
        .filter(|user| plain_name(user))
        .ok_or("no_user")?;
    let (endpoint, label) =
        listed_endpoint(server, side, Some(policy.clone())).map_err(|error| error.code)?;
    let account_key = account_key(&endpoint, &user);
    state
        .sign_in_throttle
        .account_open(&account_key, Instant::now())
        .map_err(|_| "too_many_attempts")?;
    let credentials = Credentials::XOAuth2 {
        user: user.clone(),
        token: tokens.access.clone(),
    };
    match verify::verify_imap(&endpoint, &credentials).await {
        Ok(()) => {}
        Err(Refusal::Credentials) => {
            state.sign_in_throttle.failed(&account_key, Instant::now());
            return Err("mailbox_refused");
        }
        Err(Refusal::Other(error)) => return Err(error.code),
    }
    let margin = Duration::from_secs(site.jobs.token_refresh_margin_secs);
    let token_source = TokenSource::new(provider.clone(), policy, user.clone(), tokens, margin);
    let signed_in = SignedIn {
        account: Account {
            server: label,
            user,
        },
        endpoint,
        credentials,
        token_source: Some(token_source),
    };
    let (id, _) = keep_signed_in(state, pending.session.as_deref(), side, signed_in)
        .await
        .map_err(|error| error.code)?;
    Ok(state.sessions.cookie(&id))
}

/// The request's query, when the client is within its attempts and the
/// query reads (else `unreadable`).
fn admitted<T>(
    state: &AppState,
    address: std::net::IpAddr,
    query: Result<Query<T>, QueryRejection>,
    unreadable: &'static str,
) -> Result<T, &'static str> {
    state
        .sign_in_throttle
        .attempt(address, Instant::now())
        .map_err(|_| "too_many_attempts")?;
    query.map(|Query(query)| query).map_err(|_| unreadable)
}

/// The listed server `id` that signs in through OAuth2, and its provider.
fn oauth_server<'a>(
    state: &'a AppState,
    id: &str,
) -> Result<(&'a ServerConfig, &'a OAuthProvider), &'static str> {
    let site = &state.config.site;
    let server = site
        .servers
        .iter()
        .find(|server| server.id == id && server.auth.contains(&AuthMethod::OAuth2))
        .ok_or("unknown_server")?;
    let provider = server
        .oauth
        .as_ref()
        .and_then(|name| site.oauth.get(name))
        .ok_or("unknown_server")?;
    Ok((server, provider))
}

fn see_other(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(location) => (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response(),
        Err(_) => back_with("internal"),
    }
}

/// Back to the page with an error code (one of this module's constants,
/// safe in a URL as it is).
fn back_with(code: &'static str) -> Response {
    let location = format!("/?sign_in_error={code}#move");
    (
        StatusCode::SEE_OTHER,
        [(
            header::LOCATION,
            HeaderValue::from_str(&location).unwrap_or(HeaderValue::from_static("/")),
        )],
    )
        .into_response()
}

fn append_cookie(response: &mut Response, cookie: &str) {
    if let Ok(value) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

/// `__Secure-ferry-oauth` (HTTPS) or `ferry-oauth` (loopback development).
fn browser_cookie_name(state: &AppState) -> &'static str {
    if state.config.site.sessions.secure_cookie {
        "__Secure-ferry-oauth"
    } else {
        "ferry-oauth"
    }
}

/// The cookie tying a sign-in to its browser; `Max-Age=0` removes it.
fn browser_cookie(state: &AppState, value: &str, lifetime: Duration) -> String {
    let secure = if state.config.site.sessions.secure_cookie {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{}={value}; Path=/api/oauth; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        browser_cookie_name(state),
        lifetime.as_secs()
    )
}
