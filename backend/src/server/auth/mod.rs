//! Signing in and sessions, under `/api`:
//!
//! * `GET /api/site` — the servers the site offers, or that users may
//!   type their own.
//! * `POST /api/sign-in` — `{side, server, user, password}`: the mailbox
//!   is checked ([`verify`]) before it counts as signed in; the session
//!   gets a new id. Attempts are limited ([`throttle`]). A listed EWS or
//!   CalDAV server, on the new mailbox's side, signs in the calendar
//!   target instead ([`calendar_sign_in`], [`calendar_target`]).
//! * `GET /api/session` — who is signed in on which side.
//! * `POST /api/sign-out` — the session ends.
//! * `GET /api/oauth/{server}/start`, `GET /api/oauth/callback` — signing
//!   in through the site's OAuth2 provider ([`oauth_sign_in`]): a
//!   mailbox, or (`side=calendar`) a Microsoft Graph calendar target
//!   ([`graph_sign_in`]).
//!
//! * [`sessions`] — the in-memory sessions and their cookie.
//! * [`guard`] — the cross-site request guard on state changes.
//! * [`oauth_pending`] — OAuth2 sign-ins between leaving for the
//!   provider and coming back.

pub mod calendar_sign_in;
pub mod calendar_target;
pub mod graph_sign_in;
pub mod guard;
pub mod oauth_pending;
mod oauth_sign_in;
pub mod sessions;
pub mod throttle;
pub mod verify;

use super::{ApiError, AppState};
use crate::config::site::{AuthMethod, ServerConfig, ServerKind, ServerRole, TlsMode};
use axum::extract::connect_info::ConnectInfo;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use ferry_mail::imap::{Credentials, Endpoint, Security};
use ferry_shared::api::{Account, ServerChoice, SessionView, Side, SiteServer, SiteView};
use secrecy::SecretString;
use serde::Deserialize;
use sessions::SignedIn;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Instant;
use verify::Refusal;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/site", get(site))
        .route("/sign-in", post(sign_in))
        .route("/session", get(session))
        .route("/sign-out", post(sign_out))
        .merge(oauth_sign_in::router())
}

async fn site(State(state): State<AppState>) -> Json<SiteView> {
    let site = &state.config.site;
    Json(SiteView {
        servers: site
            .servers
            .iter()
            .map(|server| SiteServer {
                id: server.id.clone(),
                label: server.label.clone(),
                kind: kind_name(server.kind).to_string(),
                sides: match server.role {
                    ServerRole::Source => vec![Side::Source],
                    ServerRole::Target => vec![Side::Target],
                    ServerRole::Both => vec![Side::Source, Side::Target],
                },
                oauth: offers_oauth_only(server),
            })
            .collect(),
        typed_servers: site.servers.is_empty(),
    })
}

/// Whether users sign in to `server` through its OAuth2 provider only.
fn offers_oauth_only(server: &ServerConfig) -> bool {
    !server.auth.contains(&AuthMethod::Password) && server.auth.contains(&AuthMethod::OAuth2)
}

fn kind_name(kind: ServerKind) -> &'static str {
    match kind {
        ServerKind::Imap => "imap",
        ServerKind::Ews => "ews",
        ServerKind::Graph => "graph",
        ServerKind::Caldav => "caldav",
    }
}

/// The sign-in form. The password goes straight into a secret.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignInForm {
    side: Side,
    server: ServerChoice,
    user: String,
    password: SecretString,
}

/// The client's address (for the attempt limit); unknown when the app
/// runs without a socket (tests), which all share one count.
pub(crate) struct ClientAddress(pub(crate) IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let address = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
        Ok(Self(address))
    }
}

/// Longest user name or host name taken.
const MAX_NAME: usize = 256;

async fn sign_in(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Json(form): Json<SignInForm>,
) -> Result<Response, ApiError> {
    if let ServerChoice::Listed { id } = &form.server
        && let Some(server) = state.config.site.servers.iter().find(|s| &s.id == id)
        && offers_oauth_only(server)
    {
        return Err(ApiError::bad_request(
            "password_not_accepted",
            format!(
                "{} takes no password: use “Sign in with {}”.",
                server.label, server.label
            ),
        ));
    }
    if let Some(server) = calendar_server(&state, &form.server) {
        return sign_in_calendar(&state, server, form, &headers, address).await;
    }
    let SignInForm {
        side,
        server,
        user,
        password,
    } = form;
    let credentials = Credentials::Login {
        user: user.clone(),
        password,
    };
    let signed_in = verified_sign_in(&state, address, side, &server, user, credentials).await?;
    let old = state.sessions.id_in(&headers);
    let (id, data) = keep_signed_in(&state, old.as_deref(), side, signed_in).await?;
    Ok(signed_in_answer(&state, &id, &data))
}

/// Signs `signed_in` in on `side` of the session `old` (its other side
/// kept) under a new session id; with both sides signed in, the user's
/// jobs that lost their credentials in a restart go on. The new id and
/// what the session holds.
async fn keep_signed_in(
    state: &AppState,
    old: Option<&str>,
    side: Side,
    signed_in: SignedIn,
) -> Result<(String, sessions::SessionData), ApiError> {
    let id = state.sessions.sign_in(old, side, signed_in);
    let data = state.sessions.get(&id).unwrap_or_default();
    if let (Some(source), Some(target)) = (&data.source, &data.target) {
        state
            .jobs
            .signed_in(source, target)
            .await
            .map_err(|e| ApiError::internal(&e))?;
    }
    Ok((id, data))
}

/// The answer to a sign-in: the new session's cookie and who is signed in.
fn signed_in_answer(state: &AppState, id: &str, data: &sessions::SessionData) -> Response {
    (
        [(header::SET_COOKIE, state.sessions.cookie(id))],
        Json(data.view()),
    )
        .into_response()
}

fn refused(side: Side) -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "sign_in_refused",
        format!("The {} refused the user name or password.", side.label()),
    )
}

/// The listed server chosen, when it is not an IMAP server.
pub(crate) fn calendar_server<'a>(
    state: &'a AppState,
    choice: &ServerChoice,
) -> Option<&'a ServerConfig> {
    let ServerChoice::Listed { id } = choice else {
        return None;
    };
    state
        .config
        .site
        .servers
        .iter()
        .find(|server| &server.id == id && server.kind != ServerKind::Imap)
}

/// Signs in to the calendar target `server`, checked first.
async fn sign_in_calendar(
    state: &AppState,
    server: &ServerConfig,
    form: SignInForm,
    headers: &HeaderMap,
    address: IpAddr,
) -> Result<Response, ApiError> {
    if form.side != Side::Target || server.role == ServerRole::Source {
        return Err(ApiError::bad_request(
            "wrong_side",
            format!("{} can only be the new mailbox.", server.label),
        ));
    }
    let target = verified_calendar(state, address, server, form.user, form.password).await?;
    let old = state.sessions.id_in(headers);
    let (id, data) = keep_calendar_signed_in(state, old.as_deref(), target).await?;
    Ok(signed_in_answer(state, &id, &data))
}

/// Signs the calendar target `target` in to the session `old` (what it
/// held kept) under a new session id; the user's calendar jobs waiting
/// for this target go on. The new id and what the session holds.
async fn keep_calendar_signed_in(
    state: &AppState,
    old: Option<&str>,
    target: calendar_target::SignedInCalendar,
) -> Result<(String, sessions::SessionData), ApiError> {
    let id = state.sessions.sign_in_calendar(old, target);
    let data = state.sessions.get(&id).unwrap_or_default();
    if let Some(calendar) = &data.calendar {
        let owner = data.source.as_ref().map_or_else(
            || crate::jobs::calendar::calendar_owner(calendar),
            crate::jobs::owner_of,
        );
        state
            .jobs
            .calendar_signed_in(&owner, calendar)
            .await
            .map_err(|e| ApiError::internal(&e))?;
    }
    Ok((id, data))
}

/// Checks `user` with `password` at the listed calendar target `server`
/// before it counts as signed in: the attempt limits, the user name, the
/// server's address, then the account itself.
pub(crate) async fn verified_calendar(
    state: &AppState,
    address: IpAddr,
    server: &ServerConfig,
    user: String,
    password: SecretString,
) -> Result<calendar_target::SignedInCalendar, ApiError> {
    let now = Instant::now();
    admit(state, address, &user, now)?;
    let pinned = pinned_certificate(server)?;
    let policy = state.config.site.network.policy();
    let target = calendar_target::SignedInCalendar::new(server, user, password, pinned, policy)
        .ok_or_else(|| calendar_sign_in::not_a_calendar_target(server))?;
    let account_key = target.key();
    state
        .sign_in_throttle
        .account_open(&account_key, now)
        .map_err(ApiError::too_many)?;
    match calendar_sign_in::verify(&target).await {
        Ok(()) => Ok(target),
        Err(Refusal::Credentials) => {
            state.sign_in_throttle.failed(&account_key, Instant::now());
            Err(refused(Side::Target))
        }
        Err(Refusal::Other(error)) => Err(error),
    }
}

/// Checks an account before it counts as signed in: the attempt limits,
/// the user name, the server (allowed, resolvable) and the mailbox
/// opening with `credentials` (signed in as `user`). The account signed
/// in, with where its server is and its name for the page.
pub(crate) async fn verified_sign_in(
    state: &AppState,
    address: IpAddr,
    side: Side,
    server: &ServerChoice,
    user: String,
    credentials: Credentials,
) -> Result<SignedIn, ApiError> {
    let now = Instant::now();
    admit(state, address, &user, now)?;
    let (endpoint, server_label) = endpoint(state, side, server)?;
    let account_key = account_key(&endpoint, &user);
    state
        .sign_in_throttle
        .account_open(&account_key, now)
        .map_err(ApiError::too_many)?;
    match verify::verify_imap(&endpoint, &credentials).await {
        Ok(()) => Ok(SignedIn {
            account: Account {
                server: server_label,
                user,
            },
            endpoint,
            credentials,
            token_source: None,
        }),
        Err(Refusal::Credentials) => {
            state.sign_in_throttle.failed(&account_key, Instant::now());
            Err(refused(side))
        }
        Err(Refusal::Other(error)) => Err(error),
    }
}

/// The first checks of every sign-in: the attempts from `address`, and a
/// user name that can travel in a protocol line.
fn admit(state: &AppState, address: IpAddr, user: &str, now: Instant) -> Result<(), ApiError> {
    state
        .sign_in_throttle
        .attempt(address, now)
        .map_err(ApiError::too_many)?;
    if !plain_name(user) {
        return Err(ApiError::bad_request(
            "invalid_input",
            "The user name is empty, too long or holds a line break.",
        ));
    }
    Ok(())
}

/// The key the failure limit counts an account by: its server and user.
pub(crate) fn account_key(endpoint: &Endpoint, user: &str) -> String {
    format!(
        "{}:{}/{}",
        endpoint.host,
        endpoint.port,
        user.to_lowercase()
    )
}

/// A user or host name that can travel in a protocol line.
pub(crate) fn plain_name(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= MAX_NAME
        && !text.chars().any(|c| matches!(c, '\r' | '\n' | '\0'))
}

/// Where the chosen server is, and its name for the page.
fn endpoint(
    state: &AppState,
    side: Side,
    choice: &ServerChoice,
) -> Result<(Endpoint, String), ApiError> {
    let site = &state.config.site;
    let policy = Some(site.network.policy());
    match choice {
        ServerChoice::Listed { id } => {
            let server = site
                .servers
                .iter()
                .find(|server| &server.id == id)
                .ok_or_else(|| {
                    ApiError::bad_request("unknown_server", "This site offers no such server.")
                })?;
            listed_endpoint(server, side, policy)
        }
        ServerChoice::Imap {
            host,
            port,
            security,
        } => {
            if !site.servers.is_empty() {
                return Err(ApiError::bad_request(
                    "unknown_server",
                    "This site lets you choose only among its own servers.",
                ));
            }
            if !plain_name(host) || host.contains(char::is_whitespace) {
                return Err(ApiError::bad_request(
                    "invalid_input",
                    "The server name is empty, too long or holds spaces.",
                ));
            }
            let endpoint = Endpoint {
                host: host.clone(),
                port: *port,
                security: match security {
                    ferry_shared::api::Security::Tls => Security::Tls,
                    ferry_shared::api::Security::StartTls => Security::StartTls,
                    ferry_shared::api::Security::Plain => Security::Plain,
                },
                pinned_certificate: None,
                address_policy: policy,
            };
            Ok((endpoint, host.clone()))
        }
    }
}

/// The certificate the site pins for `server`, if any.
fn pinned_certificate(server: &ServerConfig) -> Result<Option<Vec<u8>>, ApiError> {
    server
        .pinned_certificate
        .as_deref()
        .map(|path| crate::certificate::read_der(path).map_err(|error| ApiError::internal(&error)))
        .transpose()
}

fn listed_endpoint(
    server: &ServerConfig,
    side: Side,
    policy: Option<ferry_net::address::AddressPolicy>,
) -> Result<(Endpoint, String), ApiError> {
    let allowed = match server.role {
        ServerRole::Both => true,
        ServerRole::Source => side == Side::Source,
        ServerRole::Target => side == Side::Target,
    };
    if !allowed {
        return Err(ApiError::bad_request(
            "wrong_side",
            format!("{} cannot be the {}.", server.label, side.label()),
        ));
    }
    let (ServerKind::Imap, Some(host)) = (server.kind, &server.host) else {
        return Err(ApiError::bad_request(
            "not_supported_yet",
            "Signing in to this kind of server from the page is not available yet.",
        ));
    };
    let security = match server.tls {
        TlsMode::Implicit => Security::Tls,
        TlsMode::StartTls => Security::StartTls,
        TlsMode::None => Security::Plain,
    };
    let pinned_certificate = pinned_certificate(server)?;
    let endpoint = Endpoint {
        host: host.clone(),
        port: server.imap_port(),
        security,
        pinned_certificate,
        address_policy: policy,
    };
    Ok((endpoint, server.label.clone()))
}

async fn session(State(state): State<AppState>, headers: HeaderMap) -> Json<SessionView> {
    let view = state
        .sessions
        .id_in(&headers)
        .and_then(|id| state.sessions.get(&id))
        .map(|data| data.view())
        .unwrap_or_default();
    Json(view)
}

async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(id) = state.sessions.id_in(&headers) {
        state.sessions.end(&id);
    }
    (
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, state.sessions.removal_cookie())],
    )
        .into_response()
}
