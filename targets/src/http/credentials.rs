//! Who logs in: a user name and its password (HTTP Basic), or an OAuth2
//! access token (`Bearer`). The secret is a [`secrecy::SecretString`]: it
//! is shown by no `Debug`, no error and no log, and leaves this module
//! only inside the `Authorization` header, which is marked sensitive.

use base64::Engine as _;
use http::HeaderValue;
use secrecy::zeroize::Zeroizing;
use secrecy::{ExposeSecret, SecretString};
use std::fmt;

/// Who logs in.
#[derive(Clone)]
pub struct Credentials {
    user: String,
    password: SecretString,
    scheme: Scheme,
}

/// How the secret is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheme {
    /// `Basic base64(user:password)`.
    Basic,
    /// `Bearer TOKEN` (OAuth2); the user name is empty.
    Bearer,
}

impl Credentials {
    /// A user name and password, sent with HTTP Basic.
    pub fn new(user: impl Into<String>, password: SecretString) -> Self {
        Self {
            user: user.into(),
            password,
            scheme: Scheme::Basic,
        }
    }

    /// An OAuth2 access token, sent as `Authorization: Bearer TOKEN`.
    pub fn bearer(token: SecretString) -> Self {
        Self {
            user: String::new(),
            password: token,
            scheme: Scheme::Bearer,
        }
    }

    /// The `Authorization` value for the scheme, marked sensitive; `None`
    /// when the text cannot be sent in a header.
    pub fn authorization(&self) -> Option<HeaderValue> {
        match self.scheme {
            Scheme::Basic => self.basic_authorization(),
            Scheme::Bearer => {
                let mut header = Zeroizing::new(String::from("Bearer "));
                header.push_str(self.password.expose_secret());
                let mut value = HeaderValue::from_str(&header).ok()?;
                value.set_sensitive(true);
                Some(value)
            }
        }
    }

    /// The user name (not secret).
    pub fn user(&self) -> &str {
        &self.user
    }

    /// The `Authorization: Basic …` value, marked sensitive so `http`'s
    /// own `Debug` hides it. The intermediate texts are wiped on drop.
    pub fn basic_authorization(&self) -> Option<HeaderValue> {
        let password = self.password.expose_secret();
        let mut pair = Zeroizing::new(String::with_capacity(self.user.len() + 1 + password.len()));
        pair.push_str(&self.user);
        pair.push(':');
        pair.push_str(password);
        let mut header = Zeroizing::new(String::from("Basic "));
        base64::engine::general_purpose::STANDARD.encode_string(pair.as_bytes(), &mut header);
        let mut value = HeaderValue::from_str(&header).ok()?;
        value.set_sensitive(true);
        Some(value)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("scheme", &self.scheme)
            .field("user", &self.user)
            .field("secret", &"[redacted]")
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CANARY: &str = "canary-Pa55word-7f3a";

    #[test]
    fn debug_hides_the_password() {
        let credentials = Credentials::new("alice", SecretString::from(CANARY));
        let shown = format!("{credentials:?} {credentials:#?}");
        assert!(shown.contains("alice"));
        assert!(!shown.contains(CANARY));
    }

    #[test]
    fn basic_value_is_base64_of_user_colon_password_and_sensitive() {
        let credentials = Credentials::new("alice", SecretString::from("s3cret"));
        let value = credentials.basic_authorization().unwrap();
        assert_eq!(value.to_str().unwrap(), "Basic YWxpY2U6czNjcmV0");
        assert!(value.is_sensitive());
        assert!(!format!("{value:?}").contains("YWxpY2U6czNjcmV0"));
        assert_eq!(credentials.authorization(), Some(value));
    }

    #[test]
    fn bearer_sends_the_token_and_hides_it() {
        let credentials = Credentials::bearer(SecretString::from(CANARY));
        let value = credentials.authorization().unwrap();
        assert_eq!(value.to_str().unwrap(), format!("Bearer {CANARY}"));
        assert!(value.is_sensitive());
        assert!(!format!("{value:?} {credentials:?}").contains(CANARY));
        let broken = Credentials::bearer(SecretString::from("line\nbreak"));
        assert_eq!(broken.authorization(), None);
    }
}
