//! Signing in to a Microsoft Graph calendar target (a listed server with
//! `kind = "graph"` and `auth = ["oauth2"]`) from the page's "Calendar
//! and contacts" step, through the same OAuth2 round as mailboxes
//! ([`super::oauth_sign_in`], `side=calendar`): once the code is traded
//! for tokens, the Graph URL's host must pass the site's address policy
//! and `GET /me` must take the access token; the address it names is
//! the user. The session (under a new id) then holds a
//! [`SignedInCalendar`] of kind Graph with a [`TokenSource`], so a job
//! started later, or run again hours later, renews the access token
//! before it connects. Errors are the callback's plain codes; tokens go
//! nowhere but the session.

use super::calendar_sign_in;
use super::calendar_target::SignedInCalendar;
use super::verify::Refusal;
use super::{keep_calendar_signed_in, pinned_certificate, plain_name};
use crate::config::site::{OAuthProvider, ServerConfig, ServerKind, ServerRole};
use crate::oauth::flow::Tokens;
use crate::oauth::token_source::TokenSource;
use crate::server::AppState;
use axum::http::HeaderValue;
use std::time::{Duration, Instant};

/// Whether `server` is a calendar target signed in to through OAuth2:
/// `Err` with the callback's code when not.
pub fn graph_calendar_server(server: &ServerConfig) -> Result<(), &'static str> {
    match (server.kind, server.role) {
        (ServerKind::Graph, ServerRole::Source) => Err("wrong_side"),
        (ServerKind::Graph, _) => Ok(()),
        _ => Err("not_a_calendar"),
    }
}

/// Finishes the sign-in to the Graph `server` with `tokens` from
/// `provider`, in the session `old`; the new session's cookie, or the
/// callback's error code.
pub async fn finish(
    state: &AppState,
    server: &ServerConfig,
    provider: &OAuthProvider,
    tokens: Tokens,
    old: Option<&str>,
) -> Result<HeaderValue, &'static str> {
    graph_calendar_server(server)?;
    let site = &state.config.site;
    let policy = site.network.policy();
    let pinned = pinned_certificate(server).map_err(|error| error.code)?;
    let access = tokens.access.clone();
    let target = SignedInCalendar::graph(server, access.clone(), pinned, policy.clone())
        .ok_or("unknown_server")?;
    let user = match calendar_sign_in::account(&target).await {
        Ok(user) => user,
        Err(Refusal::Credentials) => return Err("calendar_refused"),
        Err(Refusal::Other(error)) => return Err(error.code),
    };
    if !plain_name(&user) {
        return Err("no_user");
    }
    let margin = Duration::from_secs(site.jobs.token_refresh_margin_secs);
    let tokens = TokenSource::new(provider.clone(), policy, user.clone(), tokens, margin);
    let target = target.signed_in_as(user, access, tokens);
    state
        .sign_in_throttle
        .account_open(&target.key(), Instant::now())
        .map_err(|_| "too_many_attempts")?;
    let (id, _) = keep_calendar_signed_in(state, old, target)
        .await
        .map_err(|error| error.code)?;
    Ok(state.sessions.cookie(&id))
}
