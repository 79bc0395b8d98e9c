//! A calendar and contacts target a user signed in to from the page: a
//! server the site lists with `kind = "ews"`, `"caldav"` or `"graph"`,
//! its URL, and the user's name and password or tokens (secrets, shown
//! by no `Debug`, log or answer). It sits in the session beside the IMAP
//! mailboxes ([`super::sessions::SessionData::calendar`]); mail moves do
//! not see it.
//!
//! EWS signs in as the server's `auth` says: `ntlm` listed → NTLM (the
//! password never crosses the wire), else HTTP Basic. CalDAV uses Basic.
//! Microsoft Graph signs in through the site's OAuth2 provider
//! ([`super::graph_sign_in`]): it holds a [`TokenSource`], and every
//! connection asks it for an access token renewed when about to expire
//! ([`SignedInCalendar::fresh_credentials`]), sent as a bearer token.
//! Before every connection the URL's host is looked up under the site's
//! address policy ([`SignedInCalendar::check_address`]).
//!
//! An admin's EWS service account acts for a listed user's mailbox
//! ([`SignedInCalendar::acting_for`]): every request then carries the
//! `ExchangeImpersonation` header and `X-AnchorMailbox` naming it.

use crate::config::site::{AuthMethod as SiteAuth, ServerConfig, ServerKind};
use crate::oauth::token_source::{RenewError, TokenSource};
use ferry_net::address::{AddressError, AddressPolicy, resolve};
use ferry_shared::api::CalendarAccount;
use ferry_shared::convert::graph::GraphTarget;
use ferry_shared::convert::requests::TASK_LIST_PLACEHOLDER;
use ferry_targets::caldav::DavClient;
use ferry_targets::caldav::xml::multistatus::XmlLimits;
use ferry_targets::ews::{EwsClient, EwsOptions};
use ferry_targets::graph::{DEFAULT_BASE_URL, GraphClient, GraphOptions};
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
    /// Exchange Online through Microsoft Graph, with OAuth2 tokens.
    Graph,
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
            Self::Graph => "graph",
        }
    }
}

/// The HTTP options of a target: its pinned certificate, and every
/// connection under the site's address `policy`.
fn http_options(pinned_certificate: Option<Vec<u8>>, policy: &AddressPolicy) -> HttpOptions {
    HttpOptions {
        pinned_certificate,
        address_policy: Some(policy.clone()),
        ..HttpOptions::default()
    }
}

/// A calendar target signed in, with what it takes to connect again.
#[derive(Debug, Clone)]
pub struct SignedInCalendar {
    /// The server's label (the page shows it).
    pub server: String,
    pub kind: CalendarKind,
    pub url: Url,
    /// The password, or (Graph) the first access token as a bearer
    /// token for [`SignedInCalendar::user`].
    pub credentials: Credentials,
    pub http: HttpOptions,
    pub policy: AddressPolicy,
    /// EWS: the mailbox a service account acts for (impersonation);
    /// `None`: the signed-in user's own.
    pub acting_for: Option<String>,
    /// Graph: the tokens, renewed before each connection.
    pub tokens: Option<TokenSource>,
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
            http: http_options(pinned_certificate, &policy),
            policy,
            acting_for: None,
            tokens: None,
        })
    }

    /// The listed Graph `server` (its `url`, else Microsoft's v1.0
    /// endpoint) with the access token `access`, its user not known yet:
    /// [`SignedInCalendar::signed_in_as`] names it once `/me` said.
    pub fn graph(
        server: &ServerConfig,
        access: SecretString,
        pinned_certificate: Option<Vec<u8>>,
        policy: AddressPolicy,
    ) -> Option<Self> {
        let url = match &server.url {
            Some(url) => url.clone(),
            None => Url::parse(DEFAULT_BASE_URL).ok()?,
        };
        Some(Self {
            server: server.label.clone(),
            kind: CalendarKind::Graph,
            url,
            credentials: Credentials::bearer(access),
            http: http_options(pinned_certificate, &policy),
            policy,
            acting_for: None,
            tokens: None,
        })
    }

    /// The target signed in as `user` with `tokens`, whose access token
    /// now is `access`.
    pub fn signed_in_as(self, user: String, access: SecretString, tokens: TokenSource) -> Self {
        Self {
            credentials: Credentials::with_method(user, access, AuthMethod::Bearer),
            tokens: Some(tokens),
            ..self
        }
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

    /// The credentials to connect with now: for a target with tokens, a
    /// bearer token renewed first when it is about to expire (a refusal
    /// to renew is [`RenewError::SignInAgain`]); else the password.
    pub async fn fresh_credentials(&self) -> Result<Credentials, RenewError> {
        match &self.tokens {
            Some(tokens) => Ok(Credentials::with_method(
                self.user(),
                tokens.access_token().await?,
                AuthMethod::Bearer,
            )),
            None => Ok(self.credentials.clone()),
        }
    }

    /// A Graph client for the target's own mailbox with `credentials`
    /// (from [`SignedInCalendar::fresh_credentials`]); tasks go to the
    /// default To Do list.
    pub fn graph_client(&self, credentials: Credentials) -> ferry_targets::Result<GraphClient> {
        GraphClient::new(credentials, self.graph_options())
    }

    /// How the Graph client talks to the target.
    pub fn graph_options(&self) -> GraphOptions {
        GraphOptions {
            http: self.http.clone(),
            base_url: self.url.clone(),
            target: GraphTarget {
                task_list_id: Some(TASK_LIST_PLACEHOLDER.to_string()),
                ..GraphTarget::default()
            },
            ..GraphOptions::default()
        }
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
