//! A calendar job's target encrypted for the store, for sites that name a
//! key: the same key, cipher and associated data (the job's id) as mail
//! jobs' credentials ([`super::sealed`]), in the same table, with a
//! format number of its own ([`FORMAT_CALENDAR`]) so a build that does
//! not know it opens nothing (its job waits for its user).
//!
//! Only what names the sign-in is kept: the listed server's label, the
//! user, the password — or, for Microsoft Graph, the refresh token and
//! its provider (token URL, client id; the access token is not kept) —
//! and the mailbox an admin's service account acts for. The server's
//! URL, its sign-in method, its pinned certificate and the address
//! policy come from the site's configuration when the blob is opened: a
//! server no longer listed under that label (or whose certificate
//! cannot be read) opens nothing, and the job waits for its user.

use super::sealed::{
    CredentialKey, KeptOAuth, OpenError, OpenedOAuth, Reopening, Sealed, open_as, seal_plain,
};
use crate::config::site::{ServerConfig, ServerKind};
use crate::server::auth::calendar_target::SignedInCalendar;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// The format of a calendar target's plain text; mail jobs' are 1 and 2.
const FORMAT_CALENDAR: u32 = 3;

/// A calendar target as sealed, borrowing its secret.
#[derive(Serialize)]
struct Kept<'a> {
    format: u32,
    server: &'a str,
    user: &'a str,
    /// The password; none for a sign-in with tokens.
    password: Option<&'a str>,
    oauth: Option<KeptOAuth<'a>>,
    acting_for: Option<&'a str>,
}

/// A calendar target as opened, its secrets straight in secrets.
#[derive(Deserialize)]
struct Opened {
    server: String,
    user: String,
    password: Option<SecretString>,
    oauth: Option<OpenedOAuth>,
    acting_for: Option<String>,
}

/// Encrypts `target` for calendar job `job_id`; none when a target
/// signed in with tokens has no refresh token (nothing worth keeping).
pub async fn seal(key: &CredentialKey, job_id: &str, target: &SignedInCalendar) -> Option<Sealed> {
    let refresh = match &target.tokens {
        Some(tokens) => Some(tokens.refresh_token().await?),
        None => None,
    };
    let oauth = target
        .tokens
        .as_ref()
        .zip(refresh.as_ref())
        .map(|(tokens, refresh)| KeptOAuth::new(tokens, refresh));
    let password = target
        .tokens
        .is_none()
        .then(|| target.credentials.password().expose_secret());
    let plain = Zeroizing::new(
        serde_json::to_vec(&Kept {
            format: FORMAT_CALENDAR,
            server: &target.server,
            user: target.user(),
            password,
            oauth,
            acting_for: target.acting_for.as_deref(),
        })
        .expect("JSON of strings and numbers is always written"),
    );
    Some(seal_plain(key, job_id, &plain))
}

/// Decrypts calendar job `job_id`'s target, at the server the site lists
/// under the kept label now, under its policy and providers.
pub fn open(
    key: &CredentialKey,
    job_id: &str,
    sealed: &Sealed,
    site: &Reopening,
) -> Result<SignedInCalendar, OpenError> {
    let kept: Opened = open_as(key, job_id, sealed, &[FORMAT_CALENDAR])?;
    let server = site
        .servers
        .iter()
        .find(|server| server.label == kept.server && is_calendar(server))
        .ok_or(OpenError::ServerGone)?;
    let pinned = server
        .pinned_certificate
        .as_deref()
        .map(crate::certificate::read_der)
        .transpose()
        .map_err(|_| OpenError::ServerGone)?;
    let policy = site.policy.clone();
    let target = match (kept.password, &kept.oauth) {
        (Some(password), None) => {
            SignedInCalendar::new(server, kept.user, password, pinned, policy)
        }
        (None, Some(oauth)) => {
            let tokens = oauth.token_source(site, kept.user.clone())?;
            // No access token is kept: the first connection renews it.
            let none = || SecretString::from(String::new());
            SignedInCalendar::graph(server, none(), pinned, policy)
                .map(|target| target.signed_in_as(kept.user, none(), tokens))
        }
        _ => None,
    }
    .ok_or(OpenError::ServerGone)?;
    Ok(SignedInCalendar {
        acting_for: kept.acting_for,
        ..target
    })
}

fn is_calendar(server: &ServerConfig) -> bool {
    matches!(
        server.kind,
        ServerKind::Ews | ServerKind::Caldav | ServerKind::Graph
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobs::sealed::tests::{assert_only_its_key_and_job_open, key, provider};
    use crate::oauth::token_source::TokenSource;
    use ferry_net::address::AddressPolicy;
    use ferry_targets::http::AuthMethod;
    use std::time::Duration;

    const CANARY: &str = "canary-SealedCalendar-pa55-2d8e";
    const REFRESH: &str = "canary-SealedCalendar-refresh-91c0";

    fn server(label: &str, kind: &str, auth: &str) -> ServerConfig {
        toml::from_str(&format!(
            "id = \"{label}\"\nlabel = \"{label}\"\nkind = \"{kind}\"\nrole = \"target\"\n\
             url = \"https://{kind}.example/x\"\nauth = [{auth}]\n"
        ))
        .unwrap()
    }

    fn site() -> Reopening {
        Reopening {
            servers: vec![
                server("Exchange", "ews", "\"ntlm\""),
                server("M365", "graph", "\"oauth2\""),
            ],
            providers: [("m365".to_string(), provider("ferry"))].into(),
            ..Reopening::default()
        }
    }

    fn ews_target() -> SignedInCalendar {
        let listed = server("Exchange", "ews", "\"ntlm\"");
        let target = SignedInCalendar::new(
            &listed,
            "svc".into(),
            SecretString::from(CANARY),
            None,
            AddressPolicy::default(),
        )
        .unwrap();
        SignedInCalendar {
            acting_for: Some("alice@example.org".into()),
            ..target
        }
    }

    fn contains(bytes: &[u8], text: &str) -> bool {
        bytes.windows(text.len()).any(|w| w == text.as_bytes())
    }

    #[tokio::test]
    async fn an_ews_target_opens_with_the_sites_server_of_the_day() {
        let sealed = seal(&key('a'), "job-1", &ews_target()).await.unwrap();
        assert!(!contains(&sealed.ciphertext, CANARY));
        let mut site = site();
        site.servers[0].url = Some("https://moved.example/EWS/Exchange.asmx".parse().unwrap());
        let opened = open(&key('a'), "job-1", &sealed, &site).unwrap();
        assert_eq!(opened.user(), "svc");
        assert_eq!(opened.credentials.password().expose_secret(), CANARY);
        assert_eq!(opened.credentials.method(), AuthMethod::Ntlm);
        assert_eq!(opened.acting_for.as_deref(), Some("alice@example.org"));
        assert_eq!(opened.url.host_str(), Some("moved.example"));
        assert!(opened.tokens.is_none());
        assert!(!format!("{opened:?}").contains(CANARY));

        // Another key, another job, a changed blob, a server no longer
        // listed: nothing opens.
        assert_only_its_key_and_job_open(&sealed, |key, job, sealed| open(key, job, sealed, &site));
        site.servers.remove(0);
        assert_eq!(
            open(&key('a'), "job-1", &sealed, &site).unwrap_err(),
            OpenError::ServerGone
        );
    }

    #[tokio::test]
    async fn mail_and_calendar_blobs_do_not_open_as_each_other() {
        let sealed = seal(&key('a'), "job-1", &ews_target()).await.unwrap();
        assert_eq!(
            super::super::sealed::open(&key('a'), "job-1", &sealed, &site()).unwrap_err(),
            OpenError::UnknownFormat
        );
        let other = seal_plain(&key('a'), "job-1", br#"{"format":1,"server":"Exchange"}"#);
        assert_eq!(
            open(&key('a'), "job-1", &other, &site()).unwrap_err(),
            OpenError::UnknownFormat
        );
    }

    #[tokio::test]
    async fn a_graph_target_is_kept_as_its_refresh_token_and_provider() {
        let listed = server("M365", "graph", "\"oauth2\"");
        let tokens = TokenSource::new(
            provider("ferry"),
            AddressPolicy::default(),
            "alice@example.com".into(),
            crate::oauth::flow::Tokens {
                access: SecretString::from("canary-Access-70ken"),
                refresh: Some(SecretString::from(REFRESH)),
                expires_at: std::time::Instant::now() + Duration::from_secs(3600),
                id_token: None,
            },
            Duration::from_secs(300),
        );
        let access = SecretString::from("canary-Access-70ken");
        let target =
            SignedInCalendar::graph(&listed, access.clone(), None, AddressPolicy::default())
                .unwrap()
                .signed_in_as("alice@example.com".into(), access, tokens);
        let sealed = seal(&key('a'), "job-1", &target).await.unwrap();
        for secret in [REFRESH, "canary-Access-70ken"] {
            assert!(!contains(&sealed.ciphertext, secret));
        }
        let mut site = site();
        let opened = open(&key('a'), "job-1", &sealed, &site).unwrap();
        assert_eq!(opened.user(), "alice@example.com");
        let kept = opened.tokens.expect("a sign-in with tokens");
        assert_eq!(kept.provider(), &provider("ferry"));
        assert_eq!(kept.refresh_token().await.unwrap().expose_secret(), REFRESH);
        site.providers.clear();
        assert_eq!(
            open(&key('a'), "job-1", &sealed, &site).unwrap_err(),
            OpenError::ProviderGone
        );
    }
}
