//! The steps of the authorization code flow, without I/O: the URL the
//! browser is sent to, the form bodies of the code and refresh requests
//! (built by `url`'s form serializer, never by formatting), and the
//! tokens read from the provider's JSON answer, or its error in plain
//! words.

use crate::config::site::OAuthProvider;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::time::{Duration, Instant};
use url::Url;

/// Where to send the browser: the provider's authorization endpoint
/// with the client, scopes, `state` and the PKCE challenge.
pub fn authorize_url(provider: &OAuthProvider, state: &str, challenge: &str) -> Url {
    let mut url = provider.authorize_url.clone();
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &provider.client_id)
        .append_pair("redirect_uri", provider.redirect_url.as_str())
        .append_pair("scope", &provider.scopes.join(" "))
        .append_pair("state", state)
        .append_pair("code_challenge", challenge)
        .append_pair("code_challenge_method", "S256");
    url
}

/// The form body that trades `code` for tokens.
pub fn code_request(
    provider: &OAuthProvider,
    code: &str,
    verifier: &SecretString,
    client_secret: Option<&SecretString>,
) -> SecretString {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    form.append_pair("grant_type", "authorization_code")
        .append_pair("code", code)
        .append_pair("redirect_uri", provider.redirect_url.as_str())
        .append_pair("client_id", &provider.client_id)
        .append_pair("code_verifier", verifier.expose_secret());
    if let Some(secret) = client_secret {
        form.append_pair("client_secret", secret.expose_secret());
    }
    SecretString::from(form.finish())
}

/// The form body that trades a refresh token for a new access token.
pub fn refresh_request(
    provider: &OAuthProvider,
    refresh_token: &SecretString,
    client_secret: Option<&SecretString>,
) -> SecretString {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    form.append_pair("grant_type", "refresh_token")
        .append_pair("refresh_token", refresh_token.expose_secret())
        .append_pair("client_id", &provider.client_id)
        .append_pair("scope", &provider.scopes.join(" "));
    if let Some(secret) = client_secret {
        form.append_pair("client_secret", secret.expose_secret());
    }
    SecretString::from(form.finish())
}

/// Tokens the provider gave.
#[derive(Debug)]
pub struct Tokens {
    pub access: SecretString,
    /// Absent when the provider gives none (no `offline_access`).
    pub refresh: Option<SecretString>,
    /// When the access token expires (`expires_in` after the answer; an
    /// hour when the provider does not say).
    pub expires_at: Instant,
    /// The OpenID Connect ID token, when the scopes asked for one.
    pub id_token: Option<SecretString>,
}

/// Why the provider's answer gave no tokens.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the sign-in provider refused: {description}")]
    Refused { description: String },
    #[error("the sign-in provider's answer could not be read")]
    Unreadable,
    #[error("the sign-in provider could not be reached")]
    Unreachable,
    #[error("the site's client secret for the sign-in provider is not set")]
    NoClientSecret,
}

#[derive(Deserialize)]
struct Answer {
    access_token: Option<SecretString>,
    refresh_token: Option<SecretString>,
    expires_in: Option<u64>,
    id_token: Option<SecretString>,
    error: Option<String>,
    error_description: Option<String>,
}

/// Reads the token endpoint's JSON answer (taken at `now`).
pub fn read_tokens(body: &[u8], now: Instant) -> Result<Tokens, TokenError> {
    let answer: Answer = serde_json::from_slice(body).map_err(|_| TokenError::Unreadable)?;
    if let Some(error) = answer.error {
        return Err(TokenError::Refused {
            description: answer.error_description.unwrap_or(error),
        });
    }
    let access = answer.access_token.ok_or(TokenError::Unreadable)?;
    let lifetime = Duration::from_secs(answer.expires_in.unwrap_or(3600));
    Ok(Tokens {
        access,
        refresh: answer.refresh_token,
        expires_at: now + lifetime,
        id_token: answer.id_token,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provider() -> OAuthProvider {
        OAuthProvider {
            authorize_url: Url::parse("https://login.example/authorize?tenant=x").unwrap(),
            token_url: Url::parse("https://login.example/token").unwrap(),
            client_id: "client & id".into(),
            client_secret_env: None,
            scopes: vec![
                "offline_access".into(),
                "https://outlook.office.com/IMAP.AccessAsUser.All".into(),
            ],
            redirect_url: Url::parse("https://ferry.example/api/oauth/callback").unwrap(),
        }
    }

    #[test]
    fn the_authorization_url_carries_everything_escaped() {
        let url = authorize_url(&provider(), "st&te", "chall");
        let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(
            get("tenant"),
            Some("x"),
            "the provider's own parameters stay"
        );
        assert_eq!(get("client_id"), Some("client & id"));
        assert_eq!(get("state"), Some("st&te"));
        assert_eq!(get("code_challenge_method"), Some("S256"));
        assert_eq!(
            get("scope"),
            Some("offline_access https://outlook.office.com/IMAP.AccessAsUser.All")
        );
        assert!(!url.as_str().contains("st&te"), "escaped: {url}");
    }

    #[test]
    fn requests_are_form_encoded_and_secret() {
        let body = code_request(
            &provider(),
            "the code&x=1",
            &SecretString::from("verifier"),
            Some(&SecretString::from("s3cret")),
        );
        let pairs: Vec<(String, String)> =
            url::form_urlencoded::parse(body.expose_secret().as_bytes())
                .into_owned()
                .collect();
        assert!(pairs.contains(&("code".into(), "the code&x=1".into())));
        assert!(pairs.contains(&("code_verifier".into(), "verifier".into())));
        assert!(pairs.contains(&("client_secret".into(), "s3cret".into())));
        assert!(!pairs.iter().any(|(n, _)| n == "x"), "no injected pair");
        assert!(!format!("{body:?}").contains("s3cret"));
        let refresh = refresh_request(&provider(), &SecretString::from("r-token"), None);
        assert!(refresh.expose_secret().contains("grant_type=refresh_token"));
    }

    #[test]
    fn tokens_and_refusals_are_read() {
        let now = Instant::now();
        let tokens = read_tokens(
            br#"{"access_token":"canary-access","refresh_token":"canary-refresh","expires_in":3599,"token_type":"Bearer"}"#,
            now,
        )
        .unwrap();
        assert_eq!(tokens.access.expose_secret(), "canary-access");
        assert_eq!(tokens.expires_at, now + Duration::from_secs(3599));
        assert!(tokens.id_token.is_none());
        assert!(!format!("{tokens:?}").contains("canary"));
        assert_eq!(
            read_tokens(
                br#"{"error":"invalid_grant","error_description":"The code has expired."}"#,
                now
            )
            .unwrap_err(),
            TokenError::Refused {
                description: "The code has expired.".into()
            }
        );
        assert_eq!(
            read_tokens(b"<html>", now).unwrap_err(),
            TokenError::Unreadable
        );
    }
}
