//! Checking a user's mailbox before anything starts: the server is
//! resolved once under the site's address policy, connected to, and the
//! user signed in (IMAP LOGIN), then the connection is closed. What went
//! wrong is said in plain words; no internal detail, and never the
//! password, is in the answer.

use crate::server::ApiError;
use axum::http::StatusCode;
use ferry_mail::imap::{Credentials, Endpoint, ImapError, Session, SessionOptions};
use std::time::Duration;

/// How long connecting and signing in may take together.
pub const SIGN_IN_TIMEOUT: Duration = Duration::from_secs(30);

/// Why a sign-in did not succeed.
#[derive(Debug)]
pub enum Refusal {
    /// The server refused the user name or password.
    Credentials,
    /// Anything else, as the API answers it.
    Other(ApiError),
}

/// Signs in to `endpoint` with `credentials`, and out again.
pub async fn verify_imap(endpoint: &Endpoint, credentials: &Credentials) -> Result<(), Refusal> {
    let options = SessionOptions {
        connect_timeout: SIGN_IN_TIMEOUT,
        io_timeout: SIGN_IN_TIMEOUT,
        ..SessionOptions::default()
    };
    let attempt = async {
        let mut session = Session::connect(endpoint, options).await?;
        session.authenticate(credentials).await?;
        session.logout().await;
        Ok::<(), ImapError>(())
    };
    match tokio::time::timeout(SIGN_IN_TIMEOUT, attempt).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(error)) => Err(refusal(&endpoint.host, &error)),
        Err(_) => Err(Refusal::Other(unreachable(
            &endpoint.host,
            "it did not answer in time",
        ))),
    }
}

fn refusal(host: &str, error: &ImapError) -> Refusal {
    Refusal::Other(match error {
        ImapError::AuthenticationFailed(_) => return Refusal::Credentials,
        ImapError::Address(error) => ApiError::bad_request("server_not_allowed", error.to_string()),
        ImapError::Tls(_) => unreachable(
            host,
            "its certificate could not be verified, or the secure connection failed",
        ),
        ImapError::StartTlsUnavailable => {
            unreachable(host, "it does not offer a secure connection")
        }
        ImapError::Connect(_) | ImapError::Timeout(_) | ImapError::Io(_) | ImapError::Closed(_) => {
            unreachable(host, "it could not be reached")
        }
        other => {
            tracing::warn!(%host, error = %other, "sign-in failed");
            unreachable(host, "it did not answer as a mail server should")
        }
    })
}

/// `502 server_unreachable`: Ferry could not sign in at `host`, `why`.
pub fn unreachable(host: &str, why: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_GATEWAY,
        "server_unreachable",
        format!("Ferry could not sign in at {host}: {why}."),
    )
}
