//! The client side of an NTLM login over HTTP, without I/O. A login
//! belongs to one connection: [`Handshake::start`] gives the
//! `Authorization` value of the negotiation (NTLM Type 1), sent on a
//! fresh connection; [`Handshake::answer`] reads the server's challenge
//! (Type 2, from the `401`'s `WWW-Authenticate`) and gives the value of
//! the authentication (Type 3), sent with the real request on the same
//! connection, which then stays logged in. Only NTLMv2 is spoken (the
//! `sspi` crate computes the messages).
//!
//! Under `Negotiate` the NTLM messages travel inside SPNEGO (RFC 4178:
//! NegTokenInit, then NegTokenResp with the mechListMIC), NTLM being the
//! only mechanism offered: Kerberos is not spoken.

use crate::error::{Error, Result};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http::{HeaderMap, HeaderValue};
use secrecy::zeroize::Zeroizing;
use secrecy::{ExposeSecret, SecretString};
use sspi::ntlm::NtlmConfig;
use sspi::{
    AuthIdentity, AuthIdentityBuffers, BufferType, ClientRequestFlags, CredentialUse,
    Credentials as SspiCredentials, CredentialsBuffers, DataRepresentation, Negotiate,
    NegotiateConfig, Ntlm, SecurityBuffer, Sspi, Username,
};
use std::fmt;

/// The word before the token in `Authorization` and `WWW-Authenticate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenScheme {
    Ntlm,
    Negotiate,
}

impl TokenScheme {
    pub fn name(self) -> &'static str {
        match self {
            TokenScheme::Ntlm => "NTLM",
            TokenScheme::Negotiate => "Negotiate",
        }
    }
}

/// One connection's login, between the negotiation and the
/// authentication. Shows no secret in `Debug`.
pub struct Handshake {
    scheme: TokenScheme,
    context: Context,
}

/// sspi's client context and credentials handle: NTLM raw, or NTLM
/// inside SPNEGO.
enum Context {
    Ntlm(Box<Ntlm>, Option<AuthIdentityBuffers>),
    Spnego(Box<Negotiate>, Option<CredentialsBuffers>),
}

/// The SPNEGO set-up: NTLM the only mechanism, named as Ferry's machine.
pub fn spnego_config() -> NegotiateConfig {
    NegotiateConfig::new(
        Box::new(NtlmConfig::default()),
        Some("ntlm".into()),
        "FERRY".into(),
    )
}

impl fmt::Debug for Handshake {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handshake")
            .field("scheme", &self.scheme)
            .finish_non_exhaustive()
    }
}

impl Handshake {
    /// A login of `user` (`name`, `DOMAIN\name` or `name@domain`) with
    /// `password`, and the `Authorization` value that opens it.
    pub fn start(
        scheme: TokenScheme,
        user: &str,
        password: &SecretString,
    ) -> Result<(Self, HeaderValue)> {
        let username = Username::parse(user).map_err(|_| Error::InvalidUserName)?;
        if username.account_name().is_empty() {
            return Err(Error::InvalidUserName);
        }
        let identity = AuthIdentity {
            username,
            password: password.expose_secret().to_string().into(),
        };
        let failed = |err: sspi::Error| login_error(scheme, &err);
        let context = match scheme {
            TokenScheme::Ntlm => {
                let mut ntlm = Box::new(Ntlm::with_config(NtlmConfig::default()));
                let handle = acquire(&mut *ntlm, &identity).map_err(failed)?;
                Context::Ntlm(ntlm, handle)
            }
            TokenScheme::Negotiate => {
                let negotiate = Negotiate::new_client(spnego_config()).map_err(failed)?;
                let mut negotiate = Box::new(negotiate);
                let identity = SspiCredentials::AuthIdentity(identity);
                let handle = acquire(&mut *negotiate, &identity).map_err(failed)?;
                Context::Spnego(negotiate, handle)
            }
        };
        let mut handshake = Self { scheme, context };
        let negotiate = handshake.step(None)?;
        Ok((handshake, negotiate))
    }

    /// The `Authorization` value answering the challenge among the
    /// `WWW-Authenticate` headers of the server's `401`.
    pub fn answer(mut self, headers: &HeaderMap) -> Result<HeaderValue> {
        let challenge = challenge(self.scheme, headers).ok_or(Error::NoChallenge {
            scheme: self.scheme.name(),
        })?;
        self.step(Some(challenge))
    }

    fn step(&mut self, input: Option<Vec<u8>>) -> Result<HeaderValue> {
        let token = match &mut self.context {
            Context::Ntlm(ntlm, handle) => initialize(&mut **ntlm, handle, input),
            Context::Spnego(negotiate, handle) => initialize(&mut **negotiate, handle, input),
        }
        .map_err(|err| login_error(self.scheme, &err))?;
        authorization(self.scheme, &Zeroizing::new(token))
    }
}

/// The outbound credentials handle of `context` for `identity`.
fn acquire<C: Sspi>(
    context: &mut C,
    identity: &C::AuthenticationData,
) -> sspi::Result<C::CredentialsHandle> {
    Ok(context
        .acquire_credentials_handle()
        .with_credential_use(CredentialUse::Outbound)
        .with_auth_data(identity)
        .execute(context)?
        .credentials_handle)
}

/// One client step of `context`: the token answering `input` (none for
/// the first).
fn initialize<C: Sspi>(
    context: &mut C,
    handle: &mut C::CredentialsHandle,
    input: Option<Vec<u8>>,
) -> sspi::Result<Vec<u8>> {
    let mut input = input.map(|token| vec![SecurityBuffer::new(token, BufferType::Token)]);
    let mut output = vec![SecurityBuffer::new(Vec::new(), BufferType::Token)];
    let mut builder = context
        .initialize_security_context()
        .with_credentials_handle(handle)
        .with_context_requirements(ClientRequestFlags::ALLOCATE_MEMORY)
        .with_target_data_representation(DataRepresentation::Native)
        .with_output(&mut output);
    if let Some(input) = input.as_mut() {
        builder = builder.with_input(input);
    }
    context
        .initialize_security_context_impl(&mut builder)?
        .resolve_to_result()?;
    Ok(std::mem::take(&mut output[0].buffer))
}

/// `SCHEME base64(token)`, marked sensitive.
pub fn authorization(scheme: TokenScheme, token: &[u8]) -> Result<HeaderValue> {
    let mut text = Zeroizing::new(String::from(scheme.name()));
    text.push(' ');
    STANDARD.encode_string(token, &mut text);
    let mut value = HeaderValue::from_str(&text)
        .map_err(|_| Error::InvalidRequest("an NTLM token cannot be sent in a header".into()))?;
    value.set_sensitive(true);
    Ok(value)
}

/// The decoded token of the first `scheme` challenge that carries one.
pub fn challenge(scheme: TokenScheme, headers: &HeaderMap) -> Option<Vec<u8>> {
    crate::http::auth_method::challenges(headers)
        .filter(|(name, token)| name.eq_ignore_ascii_case(scheme.name()) && !token.is_empty())
        .find_map(|(_, token)| STANDARD.decode(token).ok())
}

fn login_error(scheme: TokenScheme, err: &sspi::Error) -> Error {
    Error::Login {
        scheme: scheme.name(),
        reason: err.description.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferry_testkit::ntlm_guard::Acceptor;
    use http::header::WWW_AUTHENTICATE;

    const CANARY: &str = "canary-Ntlm-pa55-0b9e";

    fn secret() -> SecretString {
        SecretString::from(CANARY)
    }

    fn decoded(value: &HeaderValue, scheme: &str) -> Vec<u8> {
        let text = value.to_str().unwrap();
        let token = text
            .strip_prefix(scheme)
            .unwrap()
            .strip_prefix(' ')
            .unwrap();
        STANDARD.decode(token).unwrap()
    }

    /// The NTLM message inside a token (raw, or wrapped in SPNEGO).
    fn embedded(token: &[u8]) -> &[u8] {
        let start = token
            .windows(8)
            .position(|window| window == b"NTLMSSP\0")
            .expect("an NTLM message");
        &token[start..]
    }

    fn challenged(scheme: &str, token: &[u8]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.append(
            WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"x\""),
        );
        let value = format!("{scheme} {}", STANDARD.encode(token));
        headers.append(WWW_AUTHENTICATE, HeaderValue::from_str(&value).unwrap());
        headers
    }

    /// Runs a whole login against sspi's acceptor; the acceptor's verdict.
    fn login(scheme: TokenScheme, user: &str, server_password: &str) -> sspi::Result<Vec<u8>> {
        let (handshake, negotiate) = Handshake::start(scheme, user, &secret()).unwrap();
        let negotiate = decoded(&negotiate, scheme.name());
        let spnego = scheme == TokenScheme::Negotiate;
        assert_eq!(
            negotiate[0] == 0x60,
            spnego,
            "NegTokenInit under Negotiate only"
        );
        assert_eq!(&embedded(&negotiate)[..12], b"NTLMSSP\0\x01\0\0\0");
        let mut server = Acceptor::new(scheme.name(), user, server_password);
        let challenge = server.accept(negotiate).unwrap();
        let authenticate = handshake
            .answer(&challenged(scheme.name(), &challenge))
            .unwrap();
        assert!(authenticate.is_sensitive());
        let authenticate = decoded(&authenticate, scheme.name());
        assert_eq!(
            authenticate[0] == 0xa1,
            spnego,
            "NegTokenResp under Negotiate only"
        );
        assert_eq!(&embedded(&authenticate)[..12], b"NTLMSSP\0\x03\0\0\0");
        server.accept(authenticate)
    }

    #[test]
    fn the_right_password_logs_in() {
        for user in ["alice", "EXAMPLE\\alice", "alice@example.com"] {
            login(TokenScheme::Ntlm, user, CANARY).unwrap();
            login(TokenScheme::Negotiate, user, CANARY).unwrap();
        }
    }

    #[test]
    fn a_wrong_password_is_refused_by_the_server() {
        for scheme in [TokenScheme::Ntlm, TokenScheme::Negotiate] {
            let verdict = login(scheme, "alice", "another-password");
            assert_eq!(
                verdict.unwrap_err().error_type,
                sspi::ErrorKind::LogonDenied
            );
        }
    }

    #[test]
    fn a_401_without_a_challenge_for_the_scheme_is_an_error() {
        let (handshake, _) = Handshake::start(TokenScheme::Ntlm, "alice", &secret()).unwrap();
        let mut headers = HeaderMap::new();
        headers.append(WWW_AUTHENTICATE, HeaderValue::from_static("NTLM"));
        headers.append(
            WWW_AUTHENTICATE,
            HeaderValue::from_static("Negotiate TlRMTVNT"),
        );
        let err = handshake.answer(&headers).unwrap_err();
        assert!(
            matches!(err, Error::NoChallenge { scheme: "NTLM" }),
            "{err:?}"
        );
    }

    #[test]
    fn a_broken_challenge_is_a_login_error_without_the_password() {
        let (handshake, _) = Handshake::start(TokenScheme::Ntlm, "alice", &secret()).unwrap();
        let err = handshake
            .answer(&challenged("NTLM", b"not an NTLM message"))
            .unwrap_err();
        assert!(
            matches!(err, Error::Login { scheme: "NTLM", .. }),
            "{err:?}"
        );
        assert!(!format!("{err} {err:?}").contains(CANARY));
    }

    #[test]
    fn debug_and_headers_hide_the_password() {
        let (handshake, negotiate) =
            Handshake::start(TokenScheme::Negotiate, "alice", &secret()).unwrap();
        assert!(negotiate.is_sensitive());
        assert!(negotiate.to_str().unwrap().starts_with("Negotiate "));
        let shown = format!("{handshake:?} {negotiate:?}");
        assert!(!shown.contains(CANARY), "{shown}");
        assert!(!shown.contains("Negotiate "), "{shown}");
    }

    #[test]
    fn an_unusable_user_name_is_refused() {
        for user in ["EX\\a\\b", "", "EXAMPLE\\", "@example.com"] {
            let err = Handshake::start(TokenScheme::Ntlm, user, &secret()).unwrap_err();
            assert!(matches!(err, Error::InvalidUserName), "{user}: {err:?}");
        }
    }
}
