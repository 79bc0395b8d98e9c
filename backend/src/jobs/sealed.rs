//! A job's credentials encrypted for the store, for sites that name a key
//! (`[store] credentials_key_env`): after a restart such a job goes on by
//! itself instead of waiting for its user.
//!
//! XChaCha20-Poly1305 with a random 192-bit nonce per sealing and the
//! job's id as associated data, so a sealed blob opens only for its own
//! job and any change to it is refused. The plain text (JSON) exists only
//! in a buffer wiped after use; the key is a secret that no `Debug`
//! output shows. What cannot be opened — another key, a changed blob, a
//! format this build does not know — is an error naming no secret, and
//! the job waits for its user as it would without a key.
//!
//! The address policy is not sealed: the one the site has when the job
//! is opened applies, so a network the site no longer allows is not
//! reached with credentials kept from before.
//!
//! A mailbox signed in with OAuth2 is kept as its refresh token and the
//! provider it belongs to (its token URL and client id); the access token
//! is not kept — it is renewed when the job goes on. The provider is
//! looked up among the site's `[oauth.NAME]` entries when the blob is
//! opened: one no longer configured opens nothing (the job waits for its
//! user), and the site's settings of the day (client secret, margin)
//! apply. A provider that rotates refresh tokens spends the kept one at
//! each renewal, so a run seals the credentials again after each
//! connection ([`crate::jobs::Jobs`]). Without a refresh token there is
//! nothing worth keeping, and such a job waits for its user.
//!
//! A calendar job's target is sealed the same way, with the same key and
//! [`seal_plain`]/[`open_as`], in a plain text of its own format
//! ([`super::sealed_calendar`]); this module's [`open`] refuses it.

use super::vault::JobCredentials;
use crate::config::site::{OAuthProvider, ServerConfig, SiteConfig};
use crate::oauth::token_source::TokenSource;
use crate::server::auth::sessions::SignedIn;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use ferry_mail::imap::{Credentials, Endpoint, Security};
use ferry_net::address::AddressPolicy;
use ferry_shared::api::Account;
use secrecy::{ExposeSecret, SecretBox, SecretString};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;
use zeroize::Zeroizing;

/// The format of the plain text of passwords only; a blob of another is
/// not opened.
const FORMAT: u32 = 1;
/// The format with an OAuth2 mailbox (a build knowing only [`FORMAT`]
/// opens no such blob).
const FORMAT_OAUTH: u32 = 2;
const NONCE_BYTES: usize = 24;

/// The site's key: 32 bytes, written as 64 hex digits.
pub struct CredentialKey(SecretBox<[u8; 32]>);

impl std::fmt::Debug for CredentialKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CredentialKey(…)")
    }
}

/// Why a key cannot be used; the key's text is never part of it.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    #[error("the environment variable {0} is not set")]
    Unset(String),
    #[error("the environment variable {0} does not hold 64 hex digits")]
    Malformed(String),
}

impl CredentialKey {
    /// The key in the environment variable `name`.
    pub fn from_env(name: &str) -> Result<Self, KeyError> {
        let text =
            Zeroizing::new(std::env::var(name).map_err(|_| KeyError::Unset(name.to_string()))?);
        Self::from_hex(text.trim()).ok_or_else(|| KeyError::Malformed(name.to_string()))
    }

    /// The key written as 64 hex digits.
    pub fn from_hex(text: &str) -> Option<Self> {
        let bytes = text.as_bytes();
        if bytes.len() != 64 {
            return None;
        }
        let mut key = Box::new([0u8; 32]);
        for (index, pair) in bytes.chunks(2).enumerate() {
            let digits = std::str::from_utf8(pair).ok()?;
            key[index] = u8::from_str_radix(digits, 16).ok()?;
        }
        Some(Self(SecretBox::new(key)))
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(self.0.expose_secret()))
    }
}

/// A sealed blob: its nonce and the encrypted text with its tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub nonce: Vec<u8>,
    pub ciphertext: Vec<u8>,
}

/// Why a blob does not open. Deliberately without detail.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OpenError {
    #[error("the kept credentials do not open with this key, or were changed")]
    Refused,
    #[error("the kept credentials are in a form this version does not read")]
    UnknownFormat,
    #[error("the kept sign-in's OAuth2 provider is no longer configured")]
    ProviderGone,
    #[error("the kept sign-in's server is no longer listed as it was")]
    ServerGone,
}

/// What the site has when sealed credentials are opened, and applies to
/// them: its address policy, its OAuth2 providers and renewal margin,
/// its listed servers (a calendar target is found by its label).
#[derive(Debug, Clone, Default)]
pub struct Reopening {
    pub policy: AddressPolicy,
    pub providers: BTreeMap<String, OAuthProvider>,
    pub token_refresh_margin: Duration,
    pub servers: Vec<ServerConfig>,
}

impl Reopening {
    /// What `site` has now.
    pub fn for_site(site: &SiteConfig) -> Self {
        Self {
            policy: site.network.policy(),
            providers: site.oauth.clone(),
            token_refresh_margin: Duration::from_secs(site.jobs.token_refresh_margin_secs),
            servers: site.servers.clone(),
        }
    }

    /// The site's provider with this token URL and client id.
    fn provider(&self, token_url: &str, client_id: &str) -> Option<&OAuthProvider> {
        self.providers
            .values()
            .find(|p| p.token_url.as_str() == token_url && p.client_id == client_id)
    }
}

/// What to keep of a mailbox's OAuth2 sign-in: none for a password,
/// the refresh token held now for OAuth2; `Err` when there is none
/// (nothing worth keeping).
async fn refresh_token_of(signed_in: &SignedIn) -> Result<Option<SecretString>, ()> {
    match &signed_in.token_source {
        None => Ok(None),
        Some(tokens) => tokens.refresh_token().await.map(Some).ok_or(()),
    }
}

/// Encrypts `credentials` for job `job_id`; none when an OAuth2 mailbox
/// has no refresh token (see the module's documentation).
pub async fn seal(
    key: &CredentialKey,
    job_id: &str,
    credentials: &JobCredentials,
) -> Option<Sealed> {
    let source_refresh = refresh_token_of(&credentials.source).await.ok()?;
    let target_refresh = refresh_token_of(&credentials.target).await.ok()?;
    let oauth = source_refresh.is_some() || target_refresh.is_some();
    let plain = Zeroizing::new(
        serde_json::to_vec(&KeptPair {
            format: if oauth { FORMAT_OAUTH } else { FORMAT },
            source: Kept::new(&credentials.source, source_refresh.as_ref()),
            target: Kept::new(&credentials.target, target_refresh.as_ref()),
        })
        .expect("JSON of strings and numbers is always written"),
    );
    Some(seal_plain(key, job_id, &plain))
}

/// Encrypts the plain text `plain` for job `job_id` (its id the
/// associated data), with a new random nonce.
pub(super) fn seal_plain(key: &CredentialKey, job_id: &str, plain: &[u8]) -> Sealed {
    let mut nonce = [0u8; NONCE_BYTES];
    getrandom::fill(&mut nonce).expect("the system's random number generator works");
    let ciphertext = key
        .cipher()
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: plain,
                aad: job_id.as_bytes(),
            },
        )
        .expect("encryption of a buffer in memory does not fail");
    Sealed {
        nonce: nonce.to_vec(),
        ciphertext,
    }
}

/// Decrypts `sealed` of job `job_id` and reads its plain text as a `T`
/// when it is in one of `formats`.
pub(super) fn open_as<T: serde::de::DeserializeOwned>(
    key: &CredentialKey,
    job_id: &str,
    sealed: &Sealed,
    formats: &[u32],
) -> Result<T, OpenError> {
    #[derive(Deserialize)]
    struct Format {
        format: u32,
    }
    let plain = open_plain(key, job_id, sealed)?;
    match serde_json::from_slice::<Format>(&plain) {
        Ok(Format { format }) if formats.contains(&format) => {
            serde_json::from_slice(&plain).map_err(|_| OpenError::UnknownFormat)
        }
        _ => Err(OpenError::UnknownFormat),
    }
}

/// Decrypts `sealed` of job `job_id` to its plain text, wiped on drop.
fn open_plain(
    key: &CredentialKey,
    job_id: &str,
    sealed: &Sealed,
) -> Result<Zeroizing<Vec<u8>>, OpenError> {
    if sealed.nonce.len() != NONCE_BYTES {
        return Err(OpenError::Refused);
    }
    key.cipher()
        .decrypt(
            XNonce::from_slice(&sealed.nonce),
            Payload {
                msg: &sealed.ciphertext,
                aad: job_id.as_bytes(),
            },
        )
        .map(Zeroizing::new)
        .map_err(|_| OpenError::Refused)
}

/// Decrypts the credentials of job `job_id`; connections made with them
/// follow the site's policy, OAuth2 sign-ins its providers.
pub fn open(
    key: &CredentialKey,
    job_id: &str,
    sealed: &Sealed,
    site: &Reopening,
) -> Result<JobCredentials, OpenError> {
    let pair: OpenedPair = open_as(key, job_id, sealed, &[FORMAT, FORMAT_OAUTH])?;
    Ok(JobCredentials {
        source: pair.source.into_signed_in(site)?,
        target: pair.target.into_signed_in(site)?,
    })
}

/// One mailbox as sealed, borrowing its secret.
#[derive(Serialize)]
struct Kept<'a> {
    server: &'a str,
    account_user: &'a str,
    host: &'a str,
    port: u16,
    security: &'static str,
    pinned_certificate: Option<&'a [u8]>,
    method: &'static str,
    user: &'a str,
    authzid: Option<&'a str>,
    /// The password; empty for OAuth2 (the access token is not kept).
    secret: &'a str,
    oauth: Option<KeptOAuth<'a>>,
}

/// An OAuth2 sign-in as sealed: which provider, and the refresh token.
#[derive(Serialize)]
pub(super) struct KeptOAuth<'a> {
    token_url: &'a str,
    client_id: &'a str,
    refresh: &'a str,
}

impl<'a> KeptOAuth<'a> {
    /// The sign-in of `tokens`, whose refresh token now is `refresh`.
    pub(super) fn new(tokens: &'a TokenSource, refresh: &'a SecretString) -> Self {
        Self {
            token_url: tokens.provider().token_url.as_str(),
            client_id: &tokens.provider().client_id,
            refresh: refresh.expose_secret(),
        }
    }
}

#[derive(Serialize)]
struct KeptPair<'a> {
    format: u32,
    source: Kept<'a>,
    target: Kept<'a>,
}

impl<'a> Kept<'a> {
    /// `signed_in` as sealed; `refresh` its refresh token when it signs
    /// in with OAuth2.
    fn new(signed_in: &'a SignedIn, refresh: Option<&'a SecretString>) -> Self {
        let (method, user, authzid, secret) = match &signed_in.credentials {
            Credentials::Login { user, password } => ("login", user, None, password),
            Credentials::Plain {
                authzid,
                user,
                password,
            } => ("plain", user, authzid.as_deref(), password),
            Credentials::XOAuth2 { user, token } => ("xoauth2", user, None, token),
            Credentials::OAuthBearer { user, token } => ("oauthbearer", user, None, token),
        };
        let oauth = signed_in
            .token_source
            .as_ref()
            .zip(refresh)
            .map(|(tokens, refresh)| KeptOAuth::new(tokens, refresh));
        let endpoint = &signed_in.endpoint;
        Self {
            server: &signed_in.account.server,
            account_user: &signed_in.account.user,
            host: &endpoint.host,
            port: endpoint.port,
            security: match endpoint.security {
                Security::Tls => "tls",
                Security::StartTls => "starttls",
                Security::Plain => "plain",
            },
            pinned_certificate: endpoint.pinned_certificate.as_deref(),
            method,
            user,
            authzid,
            secret: if oauth.is_some() {
                ""
            } else {
                secret.expose_secret()
            },
            oauth,
        }
    }
}

/// One mailbox as opened, its secret straight in a secret.
#[derive(Deserialize)]
struct Opened {
    server: String,
    account_user: String,
    host: String,
    port: u16,
    security: OpenedSecurity,
    pinned_certificate: Option<Vec<u8>>,
    method: OpenedMethod,
    user: String,
    authzid: Option<String>,
    secret: SecretString,
    #[serde(default)]
    oauth: Option<OpenedOAuth>,
}

#[derive(Deserialize)]
pub(super) struct OpenedOAuth {
    token_url: String,
    client_id: String,
    refresh: SecretString,
}

impl OpenedOAuth {
    /// The tokens of `user` as kept, renewed at the site's provider
    /// (reached under its policy) at first use.
    pub(super) fn token_source(
        &self,
        site: &Reopening,
        user: String,
    ) -> Result<TokenSource, OpenError> {
        let provider = site
            .provider(&self.token_url, &self.client_id)
            .ok_or(OpenError::ProviderGone)?;
        Ok(TokenSource::from_refresh_token(
            provider.clone(),
            site.policy.clone(),
            user,
            self.refresh.clone(),
            site.token_refresh_margin,
        ))
    }
}

#[derive(Deserialize)]
struct OpenedPair {
    source: Opened,
    target: Opened,
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum OpenedSecurity {
    Tls,
    StartTls,
    Plain,
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum OpenedMethod {
    Login,
    Plain,
    XOAuth2,
    OAuthBearer,
}

impl Opened {
    fn into_signed_in(self, site: &Reopening) -> Result<SignedIn, OpenError> {
        let policy = &site.policy;
        let token_source = self
            .oauth
            .as_ref()
            .map(|oauth| oauth.token_source(site, self.user.clone()))
            .transpose()?;
        let Opened {
            user,
            secret: password,
            ..
        } = self;
        let credentials = match self.method {
            OpenedMethod::Login => Credentials::Login { user, password },
            OpenedMethod::Plain => Credentials::Plain {
                authzid: self.authzid,
                user,
                password,
            },
            OpenedMethod::XOAuth2 => Credentials::XOAuth2 {
                user,
                token: password,
            },
            OpenedMethod::OAuthBearer => Credentials::OAuthBearer {
                user,
                token: password,
            },
        };
        Ok(SignedIn {
            account: Account {
                server: self.server,
                user: self.account_user,
            },
            endpoint: Endpoint {
                host: self.host,
                port: self.port,
                security: match self.security {
                    OpenedSecurity::Tls => Security::Tls,
                    OpenedSecurity::StartTls => Security::StartTls,
                    OpenedSecurity::Plain => Security::Plain,
                },
                pinned_certificate: self.pinned_certificate,
                address_policy: Some(policy.clone()),
            },
            credentials,
            token_source,
        })
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    const CANARY: &str = "canary-Pa55word-7f3e";

    pub(in crate::jobs) fn key(digit: char) -> CredentialKey {
        CredentialKey::from_hex(&digit.to_string().repeat(64)).unwrap()
    }

    fn signed_in(user: &str, credentials: Credentials) -> SignedIn {
        SignedIn {
            account: Account {
                server: "mail.example.org".into(),
                user: user.into(),
            },
            endpoint: Endpoint {
                host: "mail.example.org".into(),
                port: 993,
                security: Security::Tls,
                pinned_certificate: Some(vec![1, 2, 3]),
                address_policy: None,
            },
            credentials,
            token_source: None,
        }
    }

    fn pair() -> JobCredentials {
        JobCredentials {
            source: signed_in(
                "alice",
                Credentials::Login {
                    user: "alice".into(),
                    password: SecretString::from(CANARY),
                },
            ),
            target: signed_in(
                "alice",
                Credentials::Plain {
                    authzid: Some("alice".into()),
                    user: "admin".into(),
                    password: SecretString::from("admin-secret"),
                },
            ),
        }
    }

    fn site() -> Reopening {
        Reopening::default()
    }

    #[tokio::test]
    async fn sealed_credentials_open_for_their_job_with_their_key() {
        let policy = AddressPolicy::default();
        let sealed = seal(&key('a'), "job-1", &pair()).await.unwrap();
        assert!(
            !sealed
                .ciphertext
                .windows(CANARY.len())
                .any(|w| w == CANARY.as_bytes())
        );
        let opened = open(&key('a'), "job-1", &sealed, &site()).unwrap();
        assert!(opened.source.token_source.is_none());
        let Credentials::Login { user, password } = &opened.source.credentials else {
            panic!("{:?}", opened.source.credentials);
        };
        assert_eq!((user.as_str(), password.expose_secret()), ("alice", CANARY));
        let Credentials::Plain {
            authzid,
            user,
            password,
        } = &opened.target.credentials
        else {
            panic!("{:?}", opened.target.credentials);
        };
        assert_eq!(authzid.as_deref(), Some("alice"));
        assert_eq!(
            (user.as_str(), password.expose_secret()),
            ("admin", "admin-secret")
        );
        assert_eq!(opened.source.endpoint.port, 993);
        assert_eq!(opened.source.endpoint.security, Security::Tls);
        assert_eq!(
            opened.source.endpoint.pinned_certificate,
            Some(vec![1, 2, 3])
        );
        assert_eq!(opened.source.endpoint.address_policy, Some(policy));
        assert_eq!(opened.source.account.server, "mail.example.org");
    }

    #[tokio::test]
    async fn another_key_another_job_or_a_changed_blob_do_not_open() {
        let reopening = site();
        let sealed = seal(&key('a'), "job-1", &pair()).await.unwrap();
        assert_only_its_key_and_job_open(&sealed, |key, job, sealed| {
            open(key, job, sealed, &reopening)
        });
        let short = Sealed {
            nonce: vec![0; 12],
            ..sealed.clone()
        };
        assert!(open(&key('a'), "job-1", &short, &reopening).is_err());
        // Each sealing has its own nonce.
        assert_ne!(
            seal(&key('a'), "job-1", &pair()).await.unwrap().nonce,
            sealed.nonce
        );
    }

    const REFRESH_CANARY: &str = "canary-Refresh-70ken-5b1d";

    /// `sealed`, sealed with `key('a')` for `job-1`, opens (`open`) with
    /// another key, for another job or changed in the least: refused.
    pub(in crate::jobs) fn assert_only_its_key_and_job_open<T: std::fmt::Debug>(
        sealed: &Sealed,
        open: impl Fn(&CredentialKey, &str, &Sealed) -> Result<T, OpenError>,
    ) {
        let mut changed = sealed.clone();
        changed.ciphertext[3] ^= 1;
        for (key, job, blob) in [
            ('b', "job-1", sealed),
            ('a', "job-2", sealed),
            ('a', "job-1", &changed),
        ] {
            assert_eq!(
                open(&self::key(key), job, blob).unwrap_err(),
                OpenError::Refused
            );
        }
    }

    pub(in crate::jobs) fn provider(client_id: &str) -> OAuthProvider {
        OAuthProvider {
            authorize_url: "https://login.example/authorize".parse().unwrap(),
            token_url: "https://login.example/token".parse().unwrap(),
            client_id: client_id.into(),
            client_secret_env: None,
            scopes: vec![],
            redirect_url: "https://ferry.example/api/oauth/callback".parse().unwrap(),
        }
    }

    /// `pair()` with its old mailbox signed in with OAuth2 (`refresh`
    /// its refresh token).
    fn oauth_pair(refresh: Option<&str>) -> JobCredentials {
        let mut pair = pair();
        let tokens = crate::oauth::flow::Tokens {
            access: SecretString::from("canary-Access-70ken"),
            refresh: refresh.map(SecretString::from),
            expires_at: std::time::Instant::now() + Duration::from_secs(3600),
            id_token: None,
        };
        pair.source.credentials = Credentials::XOAuth2 {
            user: "alice@example.com".into(),
            token: tokens.access.clone(),
        };
        pair.source.token_source = Some(TokenSource::new(
            provider("ferry"),
            AddressPolicy::default(),
            "alice@example.com".into(),
            tokens,
            Duration::from_secs(300),
        ));
        pair
    }

    #[tokio::test]
    async fn an_oauth2_mailbox_is_kept_as_its_refresh_token_and_provider() {
        let sealed = seal(&key('a'), "job-1", &oauth_pair(Some(REFRESH_CANARY)))
            .await
            .unwrap();
        for canary in [REFRESH_CANARY, "canary-Access-70ken"] {
            assert!(
                !sealed
                    .ciphertext
                    .windows(canary.len())
                    .any(|w| w == canary.as_bytes())
            );
        }
        let mut site = site();
        site.providers
            .insert("other".into(), provider("someone-else"));
        site.providers.insert("test".into(), provider("ferry"));
        let opened = open(&key('a'), "job-1", &sealed, &site).unwrap();
        let tokens = opened.source.token_source.expect("an OAuth2 sign-in");
        assert_eq!(tokens.provider(), &provider("ferry"));
        assert_eq!(
            tokens.refresh_token().await.unwrap().expose_secret(),
            REFRESH_CANARY
        );
        assert_eq!(opened.source.credentials.user(), "alice@example.com");
        assert!(!format!("{tokens:?}").contains("canary"));
        assert!(opened.target.token_source.is_none(), "a password stays one");

        // A provider no longer configured opens nothing.
        site.providers.remove("test");
        assert_eq!(
            open(&key('a'), "job-1", &sealed, &site).unwrap_err(),
            OpenError::ProviderGone
        );
        // Without a refresh token there is nothing to keep.
        assert_eq!(seal(&key('a'), "job-1", &oauth_pair(None)).await, None);
    }

    #[test]
    fn keys_are_64_hex_digits_and_never_shown() {
        assert!(CredentialKey::from_hex(&"0f".repeat(32)).is_some());
        assert!(CredentialKey::from_hex(&"0f".repeat(31)).is_none());
        assert!(CredentialKey::from_hex(&"zz".repeat(32)).is_none());
        assert!(CredentialKey::from_hex(&"é".repeat(32)).is_none());
        assert_eq!(format!("{:?}", key('c')), "CredentialKey(…)");
        assert_eq!(
            CredentialKey::from_env("FERRY_TEST_KEY_THAT_IS_NOT_SET").unwrap_err(),
            KeyError::Unset("FERRY_TEST_KEY_THAT_IS_NOT_SET".into())
        );
    }
}
