//! The thin driver that sends the token requests [`super::flow`] writes
//! to the provider's token endpoint: one HTTP POST, form-encoded.
//!
//! The token URL is the site's own (`[oauth.NAME] token_url`), yet its
//! host still goes through the site's address policy like every
//! connection Ferry makes: it is resolved once, vetted, and the request
//! goes to the vetted addresses only (no second lookup). TLS is the
//! same rustls set-up as the mail engine's (Mozilla's roots). Redirects
//! are not followed and no proxy is used. The client secret is read from
//! the environment variable the site names, when it is needed; neither
//! it nor any token reaches a log.

use super::flow::{self, TokenError, Tokens};
use crate::config::site::OAuthProvider;
use ferry_net::address::AddressPolicy;
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
    let host = url
        .host_str()
        .ok_or_else(|| unreachable(&"the token URL has no host"))?;
    let port = url
        .port_or_known_default()
        .ok_or_else(|| unreachable(&"the token URL has no port"))?;
    let addresses = ferry_net::address::resolve(Some(policy), host, port)
        .await
        .map_err(|error| unreachable(&error))?;
    let tls = ferry_net::tls::client_config(None).map_err(|error| unreachable(&error))?;
    let client = reqwest::Client::builder()
        .use_preconfigured_tls((*tls).clone())
        .resolve_to_addrs(
            host.trim_start_matches('[').trim_end_matches(']'),
            &addresses,
        )
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(limits.timeout)
        .build()
        .map_err(|error| unreachable(&error))?;
    let mut response = client
        .post(url.clone())
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .header(reqwest::header::ACCEPT, "application/json")
        .body(form.expose_secret().to_owned())
        .send()
        .await
        .map_err(|error| unreachable(&error.without_url()))?;
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|error| unreachable(&error.without_url()))?
    {
        if body.len() + chunk.len() > limits.max_answer_bytes {
            return Err(unreachable(&"the answer is too large"));
        }
        body.extend_from_slice(&chunk);
    }
    let answered = Instant::now();
    flow::read_tokens(&body, answered).inspect_err(|error| {
        if *error == TokenError::Unreadable {
            tracing::warn!(token_url = %url, status = %response.status(), "the OAuth2 token answer could not be read");
        }
    })
}
