//! Signing in to a calendar target (a listed EWS or CalDAV server) on the
//! new mailbox's side, through the same `POST /api/sign-in`: the URL's
//! host must pass the site's address policy, then the account is checked
//! before it counts — EWS with one harmless ResolveNames of the user's
//! own name, CalDAV with discovery (current-user-principal and
//! calendar-home-set), Microsoft Graph (signed in through OAuth2, see
//! [`super::graph_sign_in`]) with `GET /me`, which names the account. A
//! refused password is the same plain `401 sign_in_refused` as for IMAP;
//! nothing in any answer names the password or the server's own words.

use super::calendar_target::{CalendarKind, SignedInCalendar};
use super::verify::{Refusal, unreachable};
use crate::config::site::ServerConfig;
use crate::server::ApiError;
use ferry_targets::Error;
use ferry_targets::caldav::CollectionKind;
use std::time::Duration;

/// How long checking the account may take.
pub const CALENDAR_SIGN_IN_TIMEOUT: Duration = Duration::from_secs(30);

/// What a listed server that is no IMAP server says when picked.
pub fn not_a_calendar_target(server: &ServerConfig) -> ApiError {
    match server.kind {
        crate::config::site::ServerKind::Graph => ApiError::bad_request(
            "not_supported_yet",
            "Microsoft 365 is signed in to on your organisation's sign-in page, and this site has not set that up for it.",
        ),
        _ => ApiError::bad_request(
            "not_supported_yet",
            "Signing in to this kind of server from the page is not available yet.",
        ),
    }
}

/// Checks that `target` takes its user and password.
pub async fn verify(target: &SignedInCalendar) -> Result<(), Refusal> {
    account(target).await.map(drop)
}

/// Checks that `target` takes its credentials; the user signed in (for
/// Graph, the address `/me` names).
pub async fn account(target: &SignedInCalendar) -> Result<String, Refusal> {
    let host = target.url.host_str().unwrap_or_default().to_string();
    target.check_address().await.map_err(|error| {
        Refusal::Other(ApiError::bad_request(
            "server_not_allowed",
            error.to_string(),
        ))
    })?;
    let attempt = async {
        match target.kind {
            CalendarKind::Ews => {
                let client = target.ews()?;
                client
                    .resolve_names(&[target.user().to_string()])
                    .await
                    .map(|_| target.user().to_string())
            }
            CalendarKind::Caldav => target
                .dav()?
                .discover(CollectionKind::Calendar)
                .await
                .map(|_| target.user().to_string()),
            CalendarKind::Graph => {
                let me = target
                    .graph_client(target.credentials.clone())?
                    .me()
                    .await?;
                me.address()
                    .map(str::to_string)
                    .ok_or_else(|| Error::UnexpectedStatus {
                        step: "who is signed in",
                        status: 200,
                        reason: "the answer names no address".into(),
                    })
            }
        }
    };
    match tokio::time::timeout(CALENDAR_SIGN_IN_TIMEOUT, attempt).await {
        Ok(Ok(user)) => Ok(user),
        Ok(Err(Error::AuthFailed { .. })) => Err(Refusal::Credentials),
        Ok(Err(error)) => Err(Refusal::Other(refusal(&host, &error))),
        Err(_) => Err(Refusal::Other(unreachable(
            &host,
            "it did not answer in time",
        ))),
    }
}

fn refusal(host: &str, error: &Error) -> ApiError {
    match error {
        Error::Tls { .. } => unreachable(
            host,
            "its certificate could not be verified, or the secure connection failed",
        ),
        Error::Connect { .. } | Error::Timeout { .. } | Error::Http { .. } => {
            unreachable(host, "it could not be reached")
        }
        Error::NoHomeSet(_) => unreachable(host, "it names no calendar for this account"),
        other => {
            tracing::warn!(%host, error = %other, "calendar sign-in failed");
            unreachable(host, "it did not answer as a calendar server should")
        }
    }
}
