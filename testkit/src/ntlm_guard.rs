//! An NTLM login in front of a test server's handler, as IIS puts one in
//! front of Exchange: per connection ([`Request::connection`]), a request
//! without a login gets `401` offering `Negotiate` and `NTLM`; an NTLM
//! negotiation (Type 1: raw under `NTLM`, inside SPNEGO under
//! `Negotiate`) gets `401` with a challenge (Type 2, wrapped alike); the
//! authentication (Type 3) is checked by `sspi`'s
//! server side against the known password and user, and once more by
//! [`crate::ntlmv2`] (NTLMv2 only, MIC or not), and on success the
//! request goes to the inner handler and the connection stays logged in:
//! its next requests need no `Authorization`. A refused login answers
//! `401` and forgets the connection's handshake.
//!
//! The inner handler sees no `Authorization` header (start it accepting
//! an empty one). The guard counts logins, refusals and the requests
//! that carried a negotiation, so tests can tell one login per
//! connection from one per request.

use crate::http_server::{Handler, Reply, Request};
use crate::ntlmv2;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sspi::ntlm::NtlmConfig;
use sspi::{
    AuthIdentity, AuthIdentityBuffers, BufferType, CredentialUse, Credentials, CredentialsBuffers,
    DataRepresentation, Negotiate, NegotiateConfig, Ntlm, SecurityBuffer, SecurityStatus,
    ServerRequestFlags, Sspi, Username,
};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The login state of every connection, and what was seen.
pub struct NtlmGuard {
    user: String,
    password: String,
    state: Mutex<GuardState>,
}

#[derive(Default)]
struct GuardState {
    connections: HashMap<u64, Login>,
    logins: Vec<u64>,
    refused: usize,
    negotiations: Vec<Negotiation>,
}

/// One connection's login.
enum Login {
    /// Challenged under this scheme with this NTLM challenge; waiting
    /// for the authentication.
    Challenged(&'static str, Vec<u8>, Box<Acceptor>),
    LoggedIn,
}

/// A request that carried an NTLM negotiation (Type 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Negotiation {
    pub connection: u64,
    pub scheme: &'static str,
    /// Whether the token was SPNEGO (a NegTokenInit) rather than raw NTLM.
    pub spnego: bool,
    pub method: String,
    pub body_bytes: usize,
}

impl NtlmGuard {
    /// A guard letting in `user` (`DOMAIN\name`) with `password`.
    pub fn new(user: &str, password: &str) -> Arc<Self> {
        Arc::new(Self {
            user: user.to_string(),
            password: password.to_string(),
            state: Mutex::new(GuardState::default()),
        })
    }

    /// `inner` behind the login.
    pub fn wrap(self: &Arc<Self>, inner: Handler) -> Handler {
        let guard = self.clone();
        Arc::new(move |request: &Request| guard.handle(request, &inner))
    }

    /// The connection of every successful login, in order.
    pub fn logins(&self) -> Vec<u64> {
        self.state.lock().unwrap().logins.clone()
    }

    /// How many authentications were refused.
    pub fn refused(&self) -> usize {
        self.state.lock().unwrap().refused
    }

    /// Every request that carried a negotiation.
    pub fn negotiations(&self) -> Vec<Negotiation> {
        self.state.lock().unwrap().negotiations.clone()
    }

    fn handle(&self, request: &Request, inner: &Handler) -> Reply {
        let offered = request.header("authorization").and_then(token);
        let mut state = self.state.lock().unwrap();
        let connection = request.connection;
        match (offered, state.connections.remove(&connection)) {
            (None, Some(Login::LoggedIn)) => {
                state.connections.insert(connection, Login::LoggedIn);
                drop(state);
                inner(&without_authorization(request))
            }
            (None, _) => unauthorized(),
            (Some((scheme, token)), _) if message_type(&token) == Some(1) => {
                state.negotiations.push(Negotiation {
                    connection,
                    scheme,
                    spnego: token.first() == Some(&0x60),
                    method: request.method.clone(),
                    body_bytes: request.body.len(),
                });
                let mut acceptor = Acceptor::new(scheme, &self.user, &self.password);
                match acceptor.accept(token) {
                    Ok(answer) => {
                        let reply = challenged(scheme, &answer);
                        let challenge = ntlm_message(&answer).unwrap_or_default().to_vec();
                        let login = Login::Challenged(scheme, challenge, Box::new(acceptor));
                        state.connections.insert(connection, login);
                        reply
                    }
                    Err(_) => unauthorized(),
                }
            }
            (
                Some((scheme, token)),
                Some(Login::Challenged(challenged_as, challenge, mut acceptor)),
            ) if scheme == challenged_as && message_type(&token) == Some(3) => {
                let message = ntlm_message(&token).unwrap_or_default();
                let accepted = ntlmv2::answer_matches(&challenge, message, &self.password)
                    && acceptor.accept(token.clone()).is_ok()
                    && acceptor.is(&self.user);
                if !accepted {
                    state.refused += 1;
                    return unauthorized();
                }
                state.logins.push(connection);
                state.connections.insert(connection, Login::LoggedIn);
                drop(state);
                inner(&without_authorization(request))
            }
            (Some(_), _) => unauthorized(),
        }
    }
}

/// The scheme and decoded token of an `NTLM` or `Negotiate` value.
fn token(value: &str) -> Option<(&'static str, Vec<u8>)> {
    let (scheme, token) = value.split_once(' ')?;
    let scheme = ["NTLM", "Negotiate"]
        .into_iter()
        .find(|known| known.eq_ignore_ascii_case(scheme))?;
    Some((scheme, STANDARD.decode(token.trim()).ok()?))
}

/// The NTLM message in `token` (the whole token, or the part of an
/// SPNEGO token from the NTLM signature on; the fields of an NTLM message
/// count from its start, so what follows it does not matter).
fn ntlm_message(token: &[u8]) -> Option<&[u8]> {
    let start = token
        .windows(SIGNATURE.len())
        .position(|window| window == SIGNATURE)?;
    Some(&token[start..])
}

const SIGNATURE: &[u8] = b"NTLMSSP\0";

/// The type of the NTLM message in `token` (1, 2 or 3), if there is one.
fn message_type(token: &[u8]) -> Option<u8> {
    ntlm_message(token)
        .filter(|message| message.len() >= 12)
        .map(|message| message[8])
}

fn without_authorization(request: &Request) -> Request {
    let mut passed = request.clone();
    passed.headers.retain(|(name, _)| name != "authorization");
    passed
}

fn unauthorized() -> Reply {
    Reply::new("401 Unauthorized", "text/html", String::new())
        .with_header("WWW-Authenticate", "Negotiate".into())
        .with_header("WWW-Authenticate", "NTLM".into())
}

fn challenged(scheme: &'static str, challenge: &[u8]) -> Reply {
    let mut value = String::from(scheme);
    value.push(' ');
    STANDARD.encode_string(challenge, &mut value);
    Reply::new("401 Unauthorized", "text/html", String::new())
        .with_header("WWW-Authenticate", value)
}

/// sspi's server side of one login: NTLM raw, or inside SPNEGO.
pub enum Acceptor {
    Ntlm(Box<Ntlm>, Option<AuthIdentityBuffers>),
    Spnego(Box<Negotiate>, Option<CredentialsBuffers>),
}

impl Acceptor {
    /// An acceptor for `user` (`DOMAIN\name`) and `password` under
    /// `scheme` (`NTLM` or `Negotiate`).
    pub fn new(scheme: &str, user: &str, password: &str) -> Self {
        let identity = AuthIdentity {
            username: Username::parse(user).expect("a user name sspi can parse"),
            password: password.to_string().into(),
        };
        if scheme.eq_ignore_ascii_case("Negotiate") {
            let config = NegotiateConfig::new(
                Box::new(NtlmConfig::default()),
                Some("ntlm".into()),
                "EXCHANGE".into(),
            );
            let negotiate =
                Negotiate::new_server(config, vec![identity.clone()]).expect("an SPNEGO server");
            let mut negotiate = Box::new(negotiate);
            let handle = inbound(&mut *negotiate, &Credentials::AuthIdentity(identity));
            Acceptor::Spnego(negotiate, handle)
        } else {
            let mut ntlm = Box::new(Ntlm::new());
            let handle = inbound(&mut *ntlm, &identity);
            Acceptor::Ntlm(ntlm, handle)
        }
    }

    /// The answer to `token` (the challenge to a negotiation; nothing, or
    /// SPNEGO's last word, to an authentication), or why the login is
    /// refused.
    pub fn accept(&mut self, token: Vec<u8>) -> sspi::Result<Vec<u8>> {
        match self {
            Acceptor::Ntlm(ntlm, handle) => accept(&mut **ntlm, handle, token),
            Acceptor::Spnego(negotiate, handle) => accept(&mut **negotiate, handle, token),
        }
    }

    /// Whether the logged-in account is `user` (sspi checks the password
    /// only).
    pub fn is(&mut self, user: &str) -> bool {
        let names = match self {
            Acceptor::Ntlm(ntlm, _) => ntlm.query_context_names(),
            Acceptor::Spnego(negotiate, _) => negotiate.query_context_names(),
        };
        let (Ok(names), Ok(wanted)) = (names, Username::parse(user)) else {
            return false;
        };
        names
            .username
            .account_name()
            .eq_ignore_ascii_case(wanted.account_name())
    }
}

fn inbound<C: Sspi>(context: &mut C, identity: &C::AuthenticationData) -> C::CredentialsHandle {
    context
        .acquire_credentials_handle()
        .with_credential_use(CredentialUse::Inbound)
        .with_auth_data(identity)
        .execute(context)
        .expect("server credentials")
        .credentials_handle
}

fn accept<C: Sspi>(
    context: &mut C,
    handle: &mut C::CredentialsHandle,
    token: Vec<u8>,
) -> sspi::Result<Vec<u8>> {
    let mut input = vec![SecurityBuffer::new(token, BufferType::Token)];
    let mut output = vec![SecurityBuffer::new(Vec::new(), BufferType::Token)];
    let builder = context
        .accept_security_context()
        .with_credentials_handle(handle)
        .with_context_requirements(ServerRequestFlags::ALLOCATE_MEMORY)
        .with_target_data_representation(DataRepresentation::Native)
        .with_input(&mut input)
        .with_output(&mut output);
    let result = context
        .accept_security_context_impl(builder)?
        .resolve_to_result()?;
    if result.status == SecurityStatus::CompleteNeeded {
        context.complete_auth_token(&mut output)?;
    }
    Ok(std::mem::take(&mut output[0].buffer))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn request(connection: u64, authorization: Option<&str>) -> Request {
        Request {
            connection,
            method: "POST".into(),
            target: "/EWS/Exchange.asmx".into(),
            headers: authorization
                .map(|value| vec![("authorization".to_string(), value.to_string())])
                .unwrap_or_default(),
            body: b"<x/>".to_vec(),
        }
    }

    fn status_and_offers(reply: &Reply) -> (&'static str, Vec<String>) {
        let Reply::Answer {
            status, headers, ..
        } = reply
        else {
            panic!("dropped");
        };
        let offers = headers
            .iter()
            .filter(|(name, _)| *name == "WWW-Authenticate")
            .map(|(_, value)| value.clone())
            .collect();
        (status, offers)
    }

    #[test]
    fn nothing_passes_without_a_login() {
        let guard = NtlmGuard::new("EXAMPLE\\alice", "secret");
        let passed = Arc::new(AtomicUsize::new(0));
        let counter = passed.clone();
        let handler = guard.wrap(Arc::new(move |_: &Request| {
            counter.fetch_add(1, Ordering::Relaxed);
            Reply::new("200 OK", "text/plain", String::new())
        }));
        // A Windows client's negotiation (flags 0xa2088207).
        let negotiate = "TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAGAbEdAAAADw==";
        let forged = STANDARD.encode(b"NTLMSSP\0\x03\0\0\0 forged");
        for (authorization, connection) in [
            (None, 1),
            (Some("Basic YWxpY2U6c2VjcmV0".to_string()), 1),
            (Some(format!("NTLM {forged}")), 1),
            (Some("NTLM not-base64!".to_string()), 1),
        ] {
            let reply = handler(&request(connection, authorization.as_deref()));
            let (status, offers) = status_and_offers(&reply);
            assert_eq!(status, "401 Unauthorized");
            assert_eq!(offers, ["Negotiate", "NTLM"]);
        }
        // A negotiation is challenged, but the forged answer is refused
        // and the connection is not logged in.
        let reply = handler(&request(2, Some(&format!("NTLM {negotiate}"))));
        let (status, offers) = status_and_offers(&reply);
        assert_eq!(status, "401 Unauthorized");
        assert!(offers[0].starts_with("NTLM TlRMTVNTUAAC"), "{offers:?}");
        assert!(matches!(
            status_and_offers(&handler(&request(2, Some(&format!("NTLM {forged}"))))),
            ("401 Unauthorized", _)
        ));
        assert_eq!(guard.refused(), 1);
        assert!(matches!(
            status_and_offers(&handler(&request(2, None))),
            ("401 Unauthorized", _)
        ));
        assert_eq!(passed.load(Ordering::Relaxed), 0);
        assert!(guard.logins().is_empty());
        assert_eq!(guard.negotiations().len(), 1);
        assert_eq!(guard.negotiations()[0].method, "POST");
    }
}
