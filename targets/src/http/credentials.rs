//! Who logs in: a user name and its password (Basic, NTLM, Negotiate, or
//! chosen from the server's offers, see [`AuthMethod`]), or an OAuth2
//! access token (`Bearer`). The secret is a [`secrecy::SecretString`]: it
//! is shown by no `Debug`, no error and no log, and leaves this module
//! only inside `Authorization` headers, which are marked sensitive (for
//! NTLM, only as the password's NTLMv2 response: [`crate::http::ntlm`]),
//! or as the secret itself for a caller that encrypts it for later
//! ([`Credentials::password`]).

use crate::error::Result;
use crate::http::auth_method::AuthMethod;
use crate::http::ntlm::{Handshake, TokenScheme};
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
    method: AuthMethod,
}

impl Credentials {
    /// A user name and password, sent with HTTP Basic.
    pub fn new(user: impl Into<String>, password: SecretString) -> Self {
        Self::with_method(user, password, AuthMethod::Basic)
    }

    /// A user name (`name`, `DOMAIN\name` or `name@domain`) and password,
    /// logged in with NTLMv2 once per connection.
    pub fn ntlm(user: impl Into<String>, password: SecretString) -> Self {
        Self::with_method(user, password, AuthMethod::Ntlm)
    }

    /// As [`Credentials::ntlm`], under the `Negotiate` scheme.
    pub fn negotiate(user: impl Into<String>, password: SecretString) -> Self {
        Self::with_method(user, password, AuthMethod::Negotiate)
    }

    /// A user name and password sent as `method` says (the auth-method
    /// option; its default, [`AuthMethod::Automatic`], asks the server).
    /// [`AuthMethod::Bearer`] takes `password` as the token.
    pub fn with_method(
        user: impl Into<String>,
        password: SecretString,
        method: AuthMethod,
    ) -> Self {
        Self {
            user: user.into(),
            password,
            method,
        }
    }

    /// Nobody: requests go without `Authorization`.
    pub fn anonymous() -> Self {
        Self::with_method(
            String::new(),
            SecretString::from(String::new()),
            AuthMethod::Anonymous,
        )
    }

    /// An OAuth2 access token, sent as `Authorization: Bearer TOKEN`.
    pub fn bearer(token: SecretString) -> Self {
        Self::with_method(String::new(), token, AuthMethod::Bearer)
    }

    /// How these credentials log in.
    pub fn method(&self) -> AuthMethod {
        self.method
    }

    /// Opens an NTLM login for one connection (see [`Handshake`]).
    pub fn start_handshake(&self, scheme: TokenScheme) -> Result<(Handshake, HeaderValue)> {
        Handshake::start(scheme, &self.user, &self.password)
    }

    /// The `Authorization` value sent with every request, marked
    /// sensitive: Basic or Bearer. `None` when the text cannot be sent in
    /// a header, and for the methods that log in once per connection or
    /// ask the server first.
    pub fn authorization(&self) -> Option<HeaderValue> {
        self.authorization_as(self.method)
    }

    /// As [`Credentials::authorization`], for `method` instead of the
    /// credentials' own (what [`AuthMethod::Automatic`] chose).
    pub fn authorization_as(&self, method: AuthMethod) -> Option<HeaderValue> {
        match method {
            AuthMethod::Basic => self.basic_authorization(),
            AuthMethod::Ntlm
            | AuthMethod::Negotiate
            | AuthMethod::Automatic
            | AuthMethod::Anonymous => None,
            AuthMethod::Bearer => {
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

    /// The password (or token), still a secret: for a caller that keeps
    /// it encrypted to sign in again later.
    pub fn password(&self) -> &SecretString {
        &self.password
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
            .field("method", &self.method)
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

    #[test]
    fn connection_bound_methods_send_no_per_request_header() {
        for credentials in [
            Credentials::ntlm("EX\\alice", SecretString::from(CANARY)),
            Credentials::negotiate("alice@ex", SecretString::from(CANARY)),
            Credentials::with_method("alice", SecretString::from(CANARY), AuthMethod::Automatic),
        ] {
            assert_eq!(credentials.authorization(), None);
            assert!(!format!("{credentials:?}").contains(CANARY));
            let basic = credentials.authorization_as(AuthMethod::Basic).unwrap();
            assert!(basic.is_sensitive());
            assert!(basic.to_str().unwrap().starts_with("Basic "));
        }
    }
}
