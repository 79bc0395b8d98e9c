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
//! A mailbox signed in with OAuth2 is not kept: its access token lasts an
//! hour, and keeping the refresh token that outlives it is a step this
//! version does not take. Such a job waits for its user after a restart,
//! as without a key.

use super::vault::JobCredentials;
use crate::server::auth::sessions::SignedIn;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use ferry_mail::imap::{Credentials, Endpoint, Security};
use ferry_net::address::AddressPolicy;
use ferry_shared::api::Account;
use secrecy::{ExposeSecret, SecretBox, SecretString};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// The format of the plain text; a blob of another is not opened.
const FORMAT: u32 = 1;
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
}

/// Encrypts `credentials` for job `job_id`; none when a mailbox is signed
/// in with OAuth2 (see the module's documentation).
pub fn seal(key: &CredentialKey, job_id: &str, credentials: &JobCredentials) -> Option<Sealed> {
    if credentials.source.token_source.is_some() || credentials.target.token_source.is_some() {
        return None;
    }
    let plain = Zeroizing::new(
        serde_json::to_vec(&KeptPair {
            format: FORMAT,
            source: Kept::from(&credentials.source),
            target: Kept::from(&credentials.target),
        })
        .expect("JSON of strings and numbers is always written"),
    );
    let mut nonce = [0u8; NONCE_BYTES];
    getrandom::fill(&mut nonce).expect("the system's random number generator works");
    let ciphertext = key
        .cipher()
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &plain,
                aad: job_id.as_bytes(),
            },
        )
        .expect("encryption of a buffer in memory does not fail");
    Some(Sealed {
        nonce: nonce.to_vec(),
        ciphertext,
    })
}

/// Decrypts the credentials of job `job_id`; connections made with them
/// follow `policy`.
pub fn open(
    key: &CredentialKey,
    job_id: &str,
    sealed: &Sealed,
    policy: &AddressPolicy,
) -> Result<JobCredentials, OpenError> {
    if sealed.nonce.len() != NONCE_BYTES {
        return Err(OpenError::Refused);
    }
    let plain = Zeroizing::new(
        key.cipher()
            .decrypt(
                XNonce::from_slice(&sealed.nonce),
                Payload {
                    msg: &sealed.ciphertext,
                    aad: job_id.as_bytes(),
                },
            )
            .map_err(|_| OpenError::Refused)?,
    );
    let pair: OpenedPair = serde_json::from_slice(&plain).map_err(|_| OpenError::UnknownFormat)?;
    if pair.format != FORMAT {
        return Err(OpenError::UnknownFormat);
    }
    Ok(JobCredentials {
        source: pair.source.into_signed_in(policy),
        target: pair.target.into_signed_in(policy),
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
    secret: &'a str,
}

#[derive(Serialize)]
struct KeptPair<'a> {
    format: u32,
    source: Kept<'a>,
    target: Kept<'a>,
}

impl<'a> From<&'a SignedIn> for Kept<'a> {
    fn from(signed_in: &'a SignedIn) -> Self {
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
            secret: secret.expose_secret(),
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
}

#[derive(Deserialize)]
struct OpenedPair {
    format: u32,
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
    fn into_signed_in(self, policy: &AddressPolicy) -> SignedIn {
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
        SignedIn {
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
            token_source: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CANARY: &str = "canary-Pa55word-7f3e";

    fn key(digit: char) -> CredentialKey {
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

    #[test]
    fn sealed_credentials_open_for_their_job_with_their_key() {
        let policy = AddressPolicy::default();
        let sealed = seal(&key('a'), "job-1", &pair()).unwrap();
        assert!(
            !sealed
                .ciphertext
                .windows(CANARY.len())
                .any(|w| w == CANARY.as_bytes())
        );
        let opened = open(&key('a'), "job-1", &sealed, &policy).unwrap();
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

    #[test]
    fn another_key_another_job_or_a_changed_blob_do_not_open() {
        let policy = AddressPolicy::default();
        let sealed = seal(&key('a'), "job-1", &pair()).unwrap();
        assert_eq!(
            open(&key('b'), "job-1", &sealed, &policy).unwrap_err(),
            OpenError::Refused
        );
        assert_eq!(
            open(&key('a'), "job-2", &sealed, &policy).unwrap_err(),
            OpenError::Refused
        );
        let mut changed = sealed.clone();
        changed.ciphertext[3] ^= 1;
        assert_eq!(
            open(&key('a'), "job-1", &changed, &policy).unwrap_err(),
            OpenError::Refused
        );
        let short = Sealed {
            nonce: vec![0; 12],
            ..sealed.clone()
        };
        assert!(open(&key('a'), "job-1", &short, &policy).is_err());
        // Each sealing has its own nonce.
        assert_ne!(
            seal(&key('a'), "job-1", &pair()).unwrap().nonce,
            sealed.nonce
        );
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
