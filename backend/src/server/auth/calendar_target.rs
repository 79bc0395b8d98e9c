//! A calendar and contacts target a user signed in to from the page: a
//! server the site lists with `kind = "ews"` or `kind = "caldav"`, its
//! URL, and the user's name and password (a secret, shown by no `Debug`,
//! log or answer). It sits in the session beside the IMAP mailboxes
//! ([`super::sessions::SessionData::calendar`]); mail moves do not see
//! it.
//!
//! EWS signs in as the server's `auth` says: `ntlm` listed → NTLM (the
//! password never crosses the wire), else HTTP Basic. CalDAV uses Basic.
//! Before every connection the URL's host is looked up under the site's
//! address policy ([`SignedInCalendar::check_address`]).
//!
//! An admin's EWS service account acts for a listed user's mailbox
//! ([`SignedInCalendar::acting_for`]): every request then carries the
//! `ExchangeImpersonation` header and `X-AnchorMailbox` naming it.
//!
//! Microsoft Graph (`kind = "graph"`) needs an OAuth2 token, not a
//! password: its sign-in comes with the OAuth flow, and then becomes a
//! third [`CalendarKind`] carrying the token as
//! [`Credentials::bearer`].

use crate::config::site::{AuthMethod as SiteAuth, ServerConfig, ServerKind};
use ferry_net::address::{AddressError, AddressPolicy, resolve};
use ferry_shared::api::CalendarAccount;
use ferry_targets::caldav::DavClient;
use ferry_targets::caldav::xml::multistatus::XmlLimits;
use ferry_targets::ews::{EwsClient, EwsOptions};
use ferry_targets::http::{AuthMethod, Credentials, HttpOptions};
use secrecy::SecretString;
use url::Url;

/// What the target speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarKind {
    /// Exchange Server through EWS.
    Ews,
    /// A CalDAV/CardDAV server.
    Caldav,
}

impl CalendarKind {
    /// The kind of a listed server, when it is a calendar target that
    /// signs in with a password.
    pub fn of(kind: ServerKind) -> Option<Self> {
        match kind {
            ServerKind::Ews => Some(Self::Ews),
            ServerKind::Caldav => Some(Self::Caldav),
            ServerKind::Imap | ServerKind::Graph => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Ews => "ews",
            Self::Caldav => "caldav",
        }
    }
}

/// A calendar target signed in, with what it takes to connect again.
#[derive(Debug, Clone)]
pub struct SignedInCalendar {
    /// The server's label (the page shows it).
    pub server: String,
    pub kind: CalendarKind,
    pub url: Url,
    pub credentials: Credentials,
    pub http: HttpOptions,
    pub policy: AddressPolicy,
    /// EWS: the mailbox a service account acts for (impersonation);
    /// `None`: the signed-in user's own.
    pub acting_for: Option<String>,
}

impl SignedInCalendar {
    /// `user` with `password` at the listed `server` (an EWS or CalDAV
    /// one: `None` for any other kind or without a URL).
    pub fn new(
        server: &ServerConfig,
        user: String,
        password: SecretString,
        pinned_certificate: Option<Vec<u8>>,
        policy: AddressPolicy,
    ) -> Option<Self> {
        let kind = CalendarKind::of(server.kind)?;
        let method = match kind {
            CalendarKind::Ews if server.auth.contains(&SiteAuth::Ntlm) => AuthMethod::Ntlm,
            _ => AuthMethod::Basic,
        };
        Some(Self {
            server: server.label.clone(),
            kind,
            url: server.url.clone()?,
            credentials: Credentials::with_method(user, password, method),
            http: HttpOptions {
                pinned_certificate,
                address_policy: Some(policy.clone()),
                ..HttpOptions::default()
            },
            policy,
            acting_for: None,
        })
    }

    pub fn user(&self) -> &str {
        self.credentials.user()
    }

    pub fn view(&self) -> CalendarAccount {
        CalendarAccount {
            server: self.server.clone(),
            user: self.user().to_string(),
            kind: self.kind.name().to_string(),
        }
    }

    /// The URL's host and port, `host:port`.
    pub fn host_port(&self) -> String {
        format!(
            "{}:{}",
            self.url.host_str().unwrap_or_default(),
            self.url.port_or_known_default().unwrap_or_default()
        )
    }

    /// The mailbox the items go into: the one acted for, else the user's.
    pub fn mailbox(&self) -> &str {
        self.acting_for.as_deref().unwrap_or_else(|| self.user())
    }

    /// The key naming this account: host, port and user (and the
    /// mailbox acted for).
    pub fn key(&self) -> String {
        let key = format!("{}/{}", self.host_port(), self.user().to_lowercase());
        match &self.acting_for {
            Some(mailbox) => format!("{key}>{}", mailbox.to_lowercase()),
            None => key,
        }
    }

    /// Whether the site's address policy lets Ferry reach the URL's host.
    pub async fn check_address(&self) -> Result<(), AddressError> {
        let host = self.url.host_str().unwrap_or_default();
        let port = self.url.port_or_known_default().unwrap_or_default();
        resolve(Some(&self.policy), host, port).await.map(drop)
    }

    /// An EWS client for the target.
    pub fn ews(&self) -> ferry_targets::Result<EwsClient> {
        let mut options = EwsOptions {
            http: self.http.clone(),
            anchor_mailbox: self.acting_for.clone(),
            ..EwsOptions::default()
        };
        options.settings.impersonate = self.acting_for.clone();
        EwsClient::new(self.url.clone(), self.credentials.clone(), options)
    }

    /// A CalDAV client for the target.
    pub fn dav(&self) -> ferry_targets::Result<DavClient> {
        DavClient::new(
            self.url.clone(),
            self.credentials.clone(),
            self.http.clone(),
            XmlLimits::default(),
        )
    }
}
