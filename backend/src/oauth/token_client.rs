//! The thin driver that sends the token requests [`super::flow`] writes
//! to the provider's token endpoint: one HTTP POST, form-encoded.
//!
//! It goes through the project's own HTTP client
//! ([`ferry_targets::http`]), sending no `Authorization` (the client
//! and its secret are in the form). The token URL is the site's own
//! (`[oauth.NAME] token_url`), yet its host still goes through the
//! site's address policy like every connection Ferry makes: it is
//! resolved once at connect, vetted, and the request goes to the vetted
//! addresses only (no second lookup). TLS is the same rustls set-up as
//! the mail engine's (Mozilla's roots). Redirects are not followed, no
//! proxy is used, the answer is read within the size limit. The client secret is read from
//! the environment variable the site names, when it is needed; neither
//! it nor any token reaches a log.

use super::flow::{self, TokenError, Tokens};
use crate::config::site::OAuthProvider;
use axum::http::{HeaderValue, Method, header};
use ferry_net::address::AddressPolicy;
use ferry_targets::http::{Credentials, HttpClient, HttpOptions, HttpRequest};
use secrecy::{ExposeSecret, SecretString};
use std::time::{Duration, Instant};

/// Limits of one token request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenRequestLimits {
    /// Longest time for connecting, sending and reading the answer.
    /// Default 30 s.
    pub timeout: Duration,
    /// Largest answer read. Default 64 KiB (token answers are a few KiB).
    pub max_answer_bytes: usize,
}

impl Default for TokenRequestLimits {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
            max_answer_bytes: 64 * 1024,
        }
    }
}

/// The provider's client secret, from the environment variable the site
/// names; `None` for a public client.
pub fn client_secret(provider: &OAuthProvider) -> Result<Option<SecretString>, TokenError> {
    let Some(name) = &provider.client_secret_env else {
        return Ok(None);
    };
    match std::env::var(name) {
        Ok(value) if !value.is_empty() => Ok(Some(SecretString::from(value))),
        _ => {
            tracing::error!(variable = %name, "the OAuth2 client secret's environment variable is not set");
            Err(TokenError::NoClientSecret)
        }
    }
}

/// Sends `form` to the provider's token endpoint; the tokens answered.
pub async fn request_tokens(
    provider: &OAuthProvider,
    form: SecretString,
    policy: &AddressPolicy,
    limits: TokenRequestLimits,
) -> Result<Tokens, TokenError> {
    let url = &provider.token_url;
    let unreachable = |detail: &dyn std::fmt::Display| {
        tracing::warn!(token_url = %url, %detail, "the OAuth2 token endpoint could not be reached");
        TokenError::Unreachable
    };
    let options = HttpOptions {
        connect_timeout: limits.timeout,
        request_timeout: limits.timeout,
        max_response_bytes: limits.max_answer_bytes,
        max_redirects: 0,
        address_policy: Some(policy.clone()),
        ..HttpOptions::default()
    };
    let client =
        HttpClient::new(options, Credentials::anonymous()).map_err(|error| unreachable(&error))?;
    let mut request = HttpRequest::new(Method::POST, url.clone());
    request.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    request
        .headers
        .insert(header::ACCEPT, HeaderValue::from_static("application/json"));
    request.body = form.expose_secret().as_bytes().to_vec();
    let sent = client.send(request).await;
    let response = sent.map_err(|error| unreachable(&error))?;
    let answered = Instant::now();
    flow::read_tokens(&response.body, answered).inspect_err(|error| {
        if *error == TokenError::Unreadable {
            tracing::warn!(token_url = %url, status = %response.status, "the OAuth2 token answer could not be read");
        }
    })
}
