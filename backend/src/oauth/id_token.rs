//! The user an OpenID Connect ID token names: its `email`, else
//! `preferred_username`, else `upn` (Microsoft's work accounts) claim.
//!
//! The token's signature is not checked: Ferry receives it straight from
//! the site's token endpoint over TLS, which OpenID Connect Core (3.1.3.7)
//! lets a client rely on instead. The name only says which mailbox to
//! open; the mail server itself checks that the access token is that
//! user's, so a wrong name fails the sign-in, it grants nothing.

use base64::Engine as _;
use serde::Deserialize;

#[derive(Deserialize)]
struct Claims {
    email: Option<String>,
    preferred_username: Option<String>,
    upn: Option<String>,
}

/// The user `id_token` names, if it is a readable JWT naming one.
pub fn user_of(id_token: &str) -> Option<String> {
    let payload = id_token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: Claims = serde_json::from_slice(&bytes).ok()?;
    [claims.email, claims.preferred_username, claims.upn]
        .into_iter()
        .flatten()
        .map(|name| name.trim().to_string())
        .find(|name| !name.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(claims: &str) -> String {
        let b64 = |text: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text);
        format!("{}.{}.sig", b64(r#"{"alg":"RS256"}"#), b64(claims))
    }

    #[test]
    fn the_email_wins_then_the_username_then_the_upn() {
        assert_eq!(
            user_of(&token(r#"{"email":"a@x","preferred_username":"b@x"}"#)).as_deref(),
            Some("a@x")
        );
        assert_eq!(
            user_of(&token(r#"{"email":" ","preferred_username":"b@x"}"#)).as_deref(),
            Some("b@x")
        );
        assert_eq!(user_of(&token(r#"{"upn":"c@x"}"#)).as_deref(), Some("c@x"));
    }

    #[test]
    fn tokens_naming_nobody_or_unreadable_give_none() {
        assert_eq!(user_of(&token(r#"{"sub":"123"}"#)), None);
        assert_eq!(user_of("not a token"), None);
        assert_eq!(user_of("a.!!!.c"), None);
        assert_eq!(user_of(&token("[1,2]")), None);
    }
}
