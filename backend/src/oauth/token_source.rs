//! What an OAuth2 mailbox needs to be opened again, possibly hours after
//! the user signed in: the access token with its expiry, the refresh
//! token, and the provider to renew them at.
//!
//! Before each connection the caller asks [`TokenSource::credentials`];
//! when the access token expires within the margin
//! ([`needs_refresh`], no I/O), it is renewed first with
//! `grant_type=refresh_token`, and a refresh token the provider rotated
//! replaces the old one. Clones share the tokens, so the session and
//! every job of the mailbox see each renewal. A provider refusing the
//! refresh (revoked, expired) is [`RenewError::SignInAgain`]: only the
//! user can help, by signing in again.

use super::flow::{self, TokenError};
use super::token_client::{self, TokenRequestLimits};
use crate::config::site::OAuthProvider;
use ferry_mail::imap::Credentials;
use ferry_net::address::AddressPolicy;
use secrecy::SecretString;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// Whether a token expiring at `expires_at` must be renewed at `now`
/// before use: it expires within `margin`.
pub fn needs_refresh(expires_at: Instant, now: Instant, margin: Duration) -> bool {
    expires_at.saturating_duration_since(now) <= margin
}

/// Why no usable access token could be had.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum RenewError {
    /// The provider refused the refresh token, or there is none: the
    /// user must sign in again.
    #[error("the sign-in at {provider} has ended")]
    SignInAgain { provider: String },
    /// The provider could not be asked (unreachable, unreadable answer,
    /// the site's secret missing); a later try may work.
    #[error("the sign-in provider {provider} could not renew the access: {source}")]
    Unavailable {
        provider: String,
        source: TokenError,
    },
}

struct Held {
    access: SecretString,
    refresh: Option<SecretString>,
    expires_at: Instant,
}

struct Inner {
    provider: OAuthProvider,
    policy: AddressPolicy,
    user: String,
    margin: Duration,
    limits: TokenRequestLimits,
    held: Mutex<Held>,
}

/// An OAuth2 mailbox's tokens and how to renew them.
#[derive(Clone)]
pub struct TokenSource {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSource")
            .field("user", &self.inner.user)
            .field("token_url", &self.inner.provider.token_url.as_str())
            .finish_non_exhaustive()
    }
}

impl TokenSource {
    /// The tokens `user` got from `provider` (reached under `policy`),
    /// renewed when they expire within `margin`.
    pub fn new(
        provider: OAuthProvider,
        policy: AddressPolicy,
        user: String,
        tokens: flow::Tokens,
        margin: Duration,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                provider,
                policy,
                user,
                margin,
                limits: TokenRequestLimits::default(),
                held: Mutex::new(Held {
                    access: tokens.access,
                    refresh: tokens.refresh,
                    expires_at: tokens.expires_at,
                }),
            }),
        }
    }

    /// The tokens of `user` kept from an earlier process (sealed): only
    /// the refresh token, so the first use renews the access.
    pub fn from_refresh_token(
        provider: OAuthProvider,
        policy: AddressPolicy,
        user: String,
        refresh: SecretString,
        margin: Duration,
    ) -> Self {
        let tokens = flow::Tokens {
            access: SecretString::from(String::new()),
            refresh: Some(refresh),
            expires_at: Instant::now(),
            id_token: None,
        };
        Self::new(provider, policy, user, tokens, margin)
    }

    /// The provider the tokens come from.
    pub fn provider(&self) -> &OAuthProvider {
        &self.inner.provider
    }

    /// The refresh token held now (the latest, when the provider
    /// rotated it), if any: what keeping the sign-in takes.
    pub async fn refresh_token(&self) -> Option<SecretString> {
        self.inner.held.lock().await.refresh.clone()
    }

    /// The IMAP credentials (XOAUTH2) with an access token valid beyond
    /// the margin, renewed first when needed.
    pub async fn credentials(&self) -> Result<Credentials, RenewError> {
        Ok(Credentials::XOAuth2 {
            user: self.inner.user.clone(),
            token: self.access_token().await?,
        })
    }

    /// An access token valid beyond the margin, renewed first when
    /// needed (for a bearer token, e.g. Microsoft Graph's).
    pub async fn access_token(&self) -> Result<SecretString, RenewError> {
        let inner = &self.inner;
        // One renewal at a time: a rotated refresh token works once.
        let mut held = inner.held.lock().await;
        if needs_refresh(held.expires_at, Instant::now(), inner.margin) {
            let provider = || {
                inner
                    .provider
                    .token_url
                    .host_str()
                    .unwrap_or("")
                    .to_string()
            };
            let Some(refresh) = &held.refresh else {
                return Err(RenewError::SignInAgain {
                    provider: provider(),
                });
            };
            let unavailable = |source| RenewError::Unavailable {
                provider: provider(),
                source,
            };
            let secret = token_client::client_secret(&inner.provider).map_err(unavailable)?;
            let form = flow::refresh_request(&inner.provider, refresh, secret.as_ref());
            match token_client::request_tokens(&inner.provider, form, &inner.policy, inner.limits)
                .await
            {
                Ok(tokens) => {
                    held.access = tokens.access;
                    if let Some(rotated) = tokens.refresh {
                        held.refresh = Some(rotated);
                    }
                    held.expires_at = tokens.expires_at;
                    tracing::debug!(user = %inner.user, "an OAuth2 access token was renewed");
                }
                Err(TokenError::Refused { description }) => {
                    tracing::info!(user = %inner.user, %description, "the OAuth2 provider refused to renew the access");
                    return Err(RenewError::SignInAgain {
                        provider: provider(),
                    });
                }
                Err(other) => return Err(unavailable(other)),
            }
        }
        Ok(held.access.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_renewed_within_the_margin_and_after_expiry() {
        let now = Instant::now();
        let margin = Duration::from_secs(300);
        assert!(!needs_refresh(now + Duration::from_secs(301), now, margin));
        assert!(needs_refresh(now + Duration::from_secs(300), now, margin));
        assert!(needs_refresh(now + Duration::from_secs(10), now, margin));
        assert!(
            needs_refresh(now, now + Duration::from_secs(5), margin),
            "expired"
        );
        assert!(!needs_refresh(
            now + Duration::from_secs(1),
            now,
            Duration::ZERO
        ));
        assert!(needs_refresh(now, now, Duration::ZERO));
    }

    #[tokio::test]
    async fn a_fresh_token_is_used_as_is_and_an_expired_one_without_refresh_token_asks_for_sign_in()
    {
        let provider = OAuthProvider {
            authorize_url: "https://login.example/authorize".parse().unwrap(),
            token_url: "https://login.example/token".parse().unwrap(),
            client_id: "ferry".into(),
            client_secret_env: None,
            scopes: vec![],
            redirect_url: "https://ferry.example/api/oauth/callback".parse().unwrap(),
        };
        let source = |lifetime: Duration| {
            TokenSource::new(
                provider.clone(),
                AddressPolicy::default(),
                "alice@example.com".into(),
                flow::Tokens {
                    access: SecretString::from("canary-access-token"),
                    refresh: None,
                    expires_at: Instant::now() + lifetime,
                    id_token: None,
                },
                Duration::from_secs(300),
            )
        };
        let fresh = source(Duration::from_secs(3600));
        match fresh.credentials().await.unwrap() {
            Credentials::XOAuth2 { user, .. } => assert_eq!(user, "alice@example.com"),
            other => panic!("{other:?}"),
        }
        assert!(!format!("{fresh:?}").contains("canary"));
        let stale = source(Duration::from_secs(60));
        assert_eq!(
            stale.credentials().await.unwrap_err(),
            RenewError::SignInAgain {
                provider: "login.example".into()
            }
        );
    }
}
