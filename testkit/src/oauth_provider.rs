//! A stand-in OAuth2 provider (authorization code with PKCE, RFC 6749
//! and RFC 7636) on 127.0.0.1, for the sign-in and token-refresh tests.
//! Its access tokens are the HS256 JWTs a [`crate::dovecot::Dovecot`]
//! started with the same `oauth2_key` accepts, so a test signs in to a
//! real IMAP server with what this provider issued.
//!
//! * `GET /authorize` — checks `response_type=code`, the client id, the
//!   redirect URI and an S256 challenge, "signs in" the configured user
//!   and answers `302` back to the redirect URI with a one-time code and
//!   the `state` untouched.
//! * `POST /token` — `grant_type=authorization_code`: the code (once),
//!   the redirect URI, the client (and secret, when one is set) and the
//!   `code_verifier` against the challenge; `grant_type=refresh_token`:
//!   a live refresh token, which is then replaced (rotation). Tokens and
//!   an `id_token` naming the user come back as JSON; anything wrong is
//!   `400 {"error": "invalid_grant"}` (or `invalid_client`).
//!
//! A test can shorten the access tokens' lifetime, revoke every refresh
//! token, and count the requests of each kind.

use crate::dovecot::oauth2_token_with;
use crate::http_server::{self, Reply, Request};
use base64::Engine as _;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How the provider behaves.
#[derive(Debug, Clone)]
pub struct ProviderOptions {
    pub client_id: String,
    /// The confidential client's secret; `None`: a public client.
    pub client_secret: Option<String>,
    /// The one redirect URI registered for the client.
    pub redirect_uri: String,
    /// The key the Dovecot to sign in to validates tokens with.
    pub key: Vec<u8>,
    /// Who signs in at `/authorize`.
    pub user: String,
    /// Whether the token answer carries an `id_token` naming the user.
    pub id_token: bool,
    /// How long access tokens live. Default one hour.
    pub token_lifetime: Duration,
}

impl ProviderOptions {
    /// A public client `ferry-test` for `user`, tokens for `key`, an hour
    /// long, with an `id_token`.
    pub fn new(redirect_uri: &str, key: &[u8], user: &str) -> Self {
        Self {
            client_id: "ferry-test".into(),
            client_secret: None,
            redirect_uri: redirect_uri.into(),
            key: key.to_vec(),
            user: user.into(),
            id_token: true,
            token_lifetime: Duration::from_secs(3600),
        }
    }
}

/// A code handed out at `/authorize`, waiting for `/token`.
struct PendingCode {
    challenge: String,
    redirect_uri: String,
}

#[derive(Default)]
struct Ledger {
    codes: HashMap<String, PendingCode>,
    refresh_tokens: HashMap<String, String>,
    /// Every access and refresh token issued, for canary checks.
    issued: Vec<String>,
}

/// What the provider counted.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Codes traded for tokens.
    pub codes_redeemed: u64,
    /// Refresh requests answered with new tokens.
    pub refreshes: u64,
    /// Token requests refused.
    pub refused: u64,
}

struct Shared {
    options: Mutex<ProviderOptions>,
    ledger: Mutex<Ledger>,
    counts: Mutex<Counts>,
    serial: AtomicU64,
}

/// The running provider (it lives as long as the test process).
pub struct TestOAuthProvider {
    address: SocketAddr,
    shared: Arc<Shared>,
}

impl TestOAuthProvider {
    pub fn start(options: ProviderOptions) -> Self {
        let shared = Arc::new(Shared {
            options: Mutex::new(options),
            ledger: Mutex::default(),
            counts: Mutex::default(),
            serial: AtomicU64::new(0),
        });
        let handler = shared.clone();
        let address = http_server::start(Arc::new(move |request| handler.answer(request)));
        Self { address, shared }
    }

    pub fn authorize_url(&self) -> String {
        format!("http://{}/authorize", self.address)
    }

    pub fn token_url(&self) -> String {
        format!("http://{}/token", self.address)
    }

    pub fn counts(&self) -> Counts {
        *lock(&self.shared.counts)
    }

    /// Every access and refresh token issued so far: none may show up in
    /// a log or an answer.
    pub fn issued_tokens(&self) -> Vec<String> {
        lock(&self.shared.ledger).issued.clone()
    }

    /// Access tokens issued from now on live `lifetime`.
    pub fn set_token_lifetime(&self, lifetime: Duration) {
        lock(&self.shared.options).token_lifetime = lifetime;
    }

    /// Every refresh token given so far stops working (the user revoked
    /// Ferry's access).
    pub fn revoke_refresh_tokens(&self) {
        lock(&self.shared.ledger).refresh_tokens.clear();
    }
}

impl Shared {
    fn answer(&self, request: &Request) -> Reply {
        let (path, query) = request
            .target
            .split_once('?')
            .unwrap_or((request.target.as_str(), ""));
        match (request.method.as_str(), path) {
            ("GET", "/authorize") => self.authorize(&pairs(query.as_bytes())),
            ("POST", "/token") => {
                let answer = self.token(&pairs(&request.body));
                if answer.is_err() {
                    lock(&self.counts).refused += 1;
                }
                match answer {
                    Ok(body) => json_reply("200 OK", body),
                    Err(error) => json_reply(
                        "400 Bad Request",
                        serde_json::json!({"error": error, "error_description": "refused by the test provider"}),
                    ),
                }
            }
            _ => Reply::new("404 Not Found", "text/plain", "not found".into()),
        }
    }

    fn authorize(&self, query: &HashMap<String, String>) -> Reply {
        let options = lock(&self.options).clone();
        let get = |name: &str| query.get(name).map(String::as_str);
        let problem = if get("response_type") != Some("code") {
            Some("response_type must be code")
        } else if get("client_id") != Some(options.client_id.as_str()) {
            Some("unknown client_id")
        } else if get("redirect_uri") != Some(options.redirect_uri.as_str()) {
            Some("redirect_uri is not the registered one")
        } else if get("code_challenge_method") != Some("S256") {
            Some("code_challenge_method must be S256")
        } else if get("code_challenge").is_none_or(|c| c.len() != 43) {
            Some("code_challenge missing or malformed")
        } else if get("state").is_none() {
            Some("state missing")
        } else {
            None
        };
        if let Some(problem) = problem {
            return Reply::new("400 Bad Request", "text/plain", problem.into());
        }
        let code = self.fresh("code");
        lock(&self.ledger).codes.insert(
            code.clone(),
            PendingCode {
                challenge: get("code_challenge").unwrap_or_default().to_string(),
                redirect_uri: options.redirect_uri.clone(),
            },
        );
        let mut location = url::Url::parse(&options.redirect_uri).expect("a redirect URL");
        location
            .query_pairs_mut()
            .append_pair("code", &code)
            .append_pair("state", get("state").unwrap_or_default());
        Reply::new("302 Found", "text/plain", String::new())
            .with_header("Location", location.into())
    }

    fn token(&self, form: &HashMap<String, String>) -> Result<serde_json::Value, &'static str> {
        let options = lock(&self.options).clone();
        let get = |name: &str| form.get(name).map(String::as_str);
        if get("client_id") != Some(options.client_id.as_str())
            || get("client_secret") != options.client_secret.as_deref()
        {
            return Err("invalid_client");
        }
        match get("grant_type") {
            Some("authorization_code") => {
                let pending = lock(&self.ledger)
                    .codes
                    .remove(get("code").unwrap_or_default())
                    .ok_or("invalid_grant")?;
                let verifier = get("code_verifier").ok_or("invalid_grant")?;
                let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .encode(Sha256::digest(verifier.as_bytes()));
                if challenge != pending.challenge
                    || get("redirect_uri") != Some(pending.redirect_uri.as_str())
                {
                    return Err("invalid_grant");
                }
                lock(&self.counts).codes_redeemed += 1;
                Ok(self.issue(&options, &options.user))
            }
            Some("refresh_token") => {
                let user = lock(&self.ledger)
                    .refresh_tokens
                    .remove(get("refresh_token").unwrap_or_default())
                    .ok_or("invalid_grant")?;
                lock(&self.counts).refreshes += 1;
                Ok(self.issue(&options, &user))
            }
            _ => Err("unsupported_grant_type"),
        }
    }

    /// New tokens for `user`; the refresh token is remembered.
    fn issue(&self, options: &ProviderOptions, user: &str) -> serde_json::Value {
        let refresh = self.fresh("refresh");
        let access = oauth2_token_with(&options.key, user, options.token_lifetime);
        {
            let mut ledger = lock(&self.ledger);
            ledger
                .refresh_tokens
                .insert(refresh.clone(), user.to_string());
            ledger.issued.extend([access.clone(), refresh.clone()]);
        }
        let mut answer = serde_json::json!({
            "token_type": "Bearer",
            "access_token": access,
            "expires_in": options.token_lifetime.as_secs(),
            "refresh_token": refresh,
        });
        if options.id_token {
            answer["id_token"] = serde_json::Value::String(id_token(user));
        }
        answer
    }

    /// A value nobody guesses in a test: a counter and the clock, hashed.
    fn fresh(&self, kind: &str) -> String {
        let serial = self.serial.fetch_add(1, Ordering::Relaxed);
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos();
        let digest = Sha256::digest(format!("{kind}/{serial}/{now}").as_bytes());
        format!(
            "{kind}-{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest)
        )
    }
}

/// An OpenID Connect ID token naming `user` (`email`,
/// `preferred_username`); unsigned (`alg: none`), as a client receiving
/// it straight from the token endpoint over TLS may accept.
fn id_token(user: &str) -> String {
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let claims = serde_json::json!({"sub": user, "email": user, "preferred_username": user});
    format!(
        "{}.{}.",
        b64(br#"{"alg":"none","typ":"JWT"}"#),
        b64(claims.to_string().as_bytes())
    )
}

fn pairs(text: &[u8]) -> HashMap<String, String> {
    url::form_urlencoded::parse(text).into_owned().collect()
}

fn json_reply(status: &'static str, body: serde_json::Value) -> Reply {
    Reply::new(status, "application/json", body.to_string())
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
