//! What the admin of a deployment decides, from the `[network]`,
//! `[[servers]]`, `[oauth.*]`, `[login]`, `[sessions]`, `[jobs]` and
//! `[store]` parts of the configuration file. Every key has a default,
//! named here and in `ferry.example.toml`; with no file at all, Ferry
//! serves one local user against any public host the user types.

use ferry_net::address::AddressPolicy;
use ferry_net::address::policy::DEFAULT_PORTS;
use ipnet::IpNet;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use url::Url;

/// The site's decisions.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SiteConfig {
    pub network: NetworkConfig,
    /// The servers users may pick. Empty (the default): users type any
    /// public host.
    pub servers: Vec<ServerConfig>,
    /// OAuth2 providers by name, referred to by servers' `oauth`.
    pub oauth: BTreeMap<String, OAuthProvider>,
    pub login: LoginConfig,
    pub sessions: SessionConfig,
    pub jobs: JobConfig,
    pub store: StoreConfig,
    pub admin: AdminConfig,
}

/// Where user-supplied hosts may lead.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NetworkConfig {
    /// Networks reachable although not public (`"10.20.0.0/16"`,
    /// `"127.0.0.0/8"` for tests). Default: none.
    pub allowed_networks: Vec<IpNet>,
    /// Ports a server may have. Default 143, 993, 443.
    pub allowed_ports: Vec<u16>,
    /// Longest DNS lookup, in seconds. Default 10.
    pub lookup_timeout_secs: u64,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        let policy = AddressPolicy::default();
        Self {
            allowed_networks: policy.allowed_networks,
            allowed_ports: DEFAULT_PORTS.to_vec(),
            lookup_timeout_secs: policy.lookup_timeout.as_secs(),
        }
    }
}

impl NetworkConfig {
    /// The policy every connection made for a user goes through.
    pub fn policy(&self) -> AddressPolicy {
        AddressPolicy {
            allowed_networks: self.allowed_networks.clone(),
            allowed_ports: self.allowed_ports.clone(),
            lookup_timeout: std::time::Duration::from_secs(self.lookup_timeout_secs),
        }
    }
}

/// What a server speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ServerKind {
    Imap,
    Ews,
    Graph,
    Caldav,
}

/// Whether a server is moved from, to, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ServerRole {
    Source,
    Target,
    #[default]
    Both,
}

/// How an IMAP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum TlsMode {
    /// TLS from the first byte (port 993).
    #[default]
    Implicit,
    /// STARTTLS, required (port 143).
    StartTls,
    /// No encryption: only for networks the site trusts.
    None,
}

/// How users sign in to a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthMethod {
    /// User name and password (IMAP LOGIN / AUTHENTICATE PLAIN, HTTP
    /// Basic).
    Password,
    /// NTLM or Negotiate (Exchange on premises).
    Ntlm,
    /// OAuth2 authorization code with PKCE (`oauth` names the provider).
    OAuth2,
}

/// One server users may pick.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerConfig {
    /// A short name used in the page and the API: `old-imap`.
    pub id: String,
    /// What the page shows: “Old mail server”.
    pub label: String,
    pub kind: ServerKind,
    #[serde(default)]
    pub role: ServerRole,
    /// IMAP: the host name.
    #[serde(default)]
    pub host: Option<String>,
    /// IMAP: the port. Default 993 (implicit TLS) or 143.
    #[serde(default)]
    pub port: Option<u16>,
    /// IMAP: `implicit` (default), `starttls` or `none`.
    #[serde(default)]
    pub tls: TlsMode,
    /// EWS, Graph, CalDAV: the endpoint URL.
    #[serde(default)]
    pub url: Option<Url>,
    /// Sign-in methods offered. Default: password.
    #[serde(default = "default_auth")]
    pub auth: Vec<AuthMethod>,
    /// The `[oauth.NAME]` provider for `oauth2`.
    #[serde(default)]
    pub oauth: Option<String>,
    /// A certificate file (PEM or DER) trusted instead of the public
    /// authorities, for a server with a self-signed one.
    #[serde(default)]
    pub pinned_certificate: Option<PathBuf>,
    /// Connections Ferry opens to this server at once, over all jobs.
    /// Default 8.
    #[serde(default = "default_connections")]
    pub max_connections: usize,
}

impl ServerConfig {
    /// The IMAP port: the one given, else 993 for implicit TLS, 143
    /// otherwise.
    pub fn imap_port(&self) -> u16 {
        self.port.unwrap_or(match self.tls {
            TlsMode::Implicit => 993,
            TlsMode::StartTls | TlsMode::None => 143,
        })
    }
}

fn default_auth() -> Vec<AuthMethod> {
    vec![AuthMethod::Password]
}

fn default_connections() -> usize {
    8
}

/// An OAuth2 provider (authorization code with PKCE).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OAuthProvider {
    pub authorize_url: Url,
    pub token_url: Url,
    pub client_id: String,
    /// The environment variable holding the client secret, for
    /// confidential clients; none for public clients (PKCE alone).
    #[serde(default)]
    pub client_secret_env: Option<String>,
    pub scopes: Vec<String>,
    /// Where the provider sends the user back: this site's
    /// `/api/oauth/callback`.
    pub redirect_url: Url,
}

/// Limits on sign-in attempts.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LoginConfig {
    /// Sign-in attempts per client address per minute. Default 10.
    pub attempts_per_address_per_minute: u32,
    /// Failed sign-ins per account (server and user) per hour before
    /// further tries wait. Default 5.
    pub failures_per_account_per_hour: u32,
    /// Minutes an OAuth2 sign-in may take between leaving for the
    /// provider and coming back. Default 10.
    pub oauth_pending_minutes: u64,
    /// OAuth2 sign-ins under way at once (each holds a little memory
    /// until it comes back or expires). Default 10000.
    pub oauth_pending_max: usize,
}

impl Default for LoginConfig {
    fn default() -> Self {
        Self {
            attempts_per_address_per_minute: 10,
            failures_per_account_per_hour: 5,
            oauth_pending_minutes: 10,
            oauth_pending_max: 10_000,
        }
    }
}

/// The browser session.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SessionConfig {
    /// A session unused this long ends, in minutes. Default 60.
    pub idle_minutes: u64,
    /// Send the cookie only over HTTPS (`__Host-` prefix, `Secure`).
    /// Default true; may be false only when listening on loopback.
    pub secure_cookie: bool,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            idle_minutes: 60,
            secure_cookie: true,
        }
    }
}

/// How many jobs run.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JobConfig {
    /// Jobs running at once. Default 4.
    pub max_running: usize,
    /// Connections to one server at once when it is not listed in
    /// `[[servers]]`. Default 4.
    pub max_connections_per_server: usize,
    /// An OAuth2 mailbox's access token is renewed before a job connects
    /// when it expires within this many seconds. Default 300.
    pub token_refresh_margin_secs: u64,
    /// Largest request starting a calendar job: the export files' text
    /// together (a larger one is answered `413`). Default 20 MiB.
    pub max_upload_bytes: usize,
    /// Most addresses checked against the target's directory in one
    /// request. Default 500.
    pub max_addresses_checked: usize,
    /// A mail job whose connection dropped (or a server that asked it to
    /// slow down) reconnects and goes on where it stopped, at most this
    /// many times in a row without a message copied in between; then
    /// it fails. 0: never. Default 5.
    pub reconnect_attempts: u32,
    /// Seconds waited before the first reconnect; each further one in a
    /// row waits twice as long. Default 2.
    pub reconnect_delay_secs: u64,
    /// The longest wait between reconnects, in seconds (a throttling
    /// server may ask for longer). Default 60.
    pub reconnect_max_delay_secs: u64,
}

impl Default for JobConfig {
    fn default() -> Self {
        Self {
            max_running: 4,
            max_connections_per_server: 4,
            token_refresh_margin_secs: 300,
            max_upload_bytes: 20 * 1024 * 1024,
            max_addresses_checked: 500,
            reconnect_attempts: 5,
            reconnect_delay_secs: 2,
            reconnect_max_delay_secs: 60,
        }
    }
}

/// What is kept on disk.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreConfig {
    /// The environment variable holding a key (64 hex digits) to keep
    /// credentials encrypted on disk (for OAuth2: the refresh token), so
    /// jobs resume after a restart without the user. Default none: credentials are held in memory
    /// only, and a job whose credentials were lost waits for the user.
    pub credentials_key_env: Option<String>,
}

/// Admin mode: a service account of each side moves the users of a
/// list (CSV) in groups, acting for each user (IMAP: SASL PLAIN with
/// the user as authorization identity).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AdminConfig {
    /// Whether admins may sign in with service accounts. Default false:
    /// everything under `/api/admin` answers `404`.
    pub enabled: bool,
    /// The `[[servers]]` ids admin mode may use. Empty (the default):
    /// every listed server, or any host typed when the site lists none.
    pub servers: Vec<String>,
    /// Most users in one list. Default 5000.
    pub max_users: usize,
}

impl Default for AdminConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            servers: Vec::new(),
            max_users: 5000,
        }
    }
}

impl AdminConfig {
    /// Whether admin mode may use the listed server `id`.
    pub fn allows(&self, id: &str) -> bool {
        self.servers.is_empty() || self.servers.iter().any(|allowed| allowed == id)
    }
}

/// Why a site configuration cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SiteError {
    #[error("server “{0}” is listed twice")]
    DuplicateServer(String),
    #[error("server “{id}”: {problem}")]
    Server { id: String, problem: String },
    #[error("admin.servers names the unknown server “{0}”")]
    UnknownAdminServer(String),
}

impl SiteConfig {
    /// Checks what serde cannot: servers named once, each with what its
    /// kind needs, OAuth2 providers that exist.
    pub fn validate(&self) -> Result<(), SiteError> {
        let mut seen = std::collections::BTreeSet::new();
        for server in &self.servers {
            if !seen.insert(server.id.as_str()) {
                return Err(SiteError::DuplicateServer(server.id.clone()));
            }
            let problem = |text: &str| SiteError::Server {
                id: server.id.clone(),
                problem: text.to_string(),
            };
            match server.kind {
                ServerKind::Imap if server.host.is_none() => return Err(problem("needs a host")),
                ServerKind::Ews | ServerKind::Caldav if server.url.is_none() => {
                    return Err(problem("needs a url"));
                }
                _ => {}
            }
            if server.auth.contains(&AuthMethod::OAuth2) {
                match &server.oauth {
                    None => return Err(problem("offers oauth2 but names no oauth provider")),
                    Some(name) if !self.oauth.contains_key(name) => {
                        return Err(problem(&format!(
                            "names the unknown oauth provider “{name}”"
                        )));
                    }
                    Some(_) => {}
                }
            }
            if server.max_connections == 0 {
                return Err(problem("max_connections must be at least 1"));
            }
        }
        if let Some(unknown) = self
            .admin
            .servers
            .iter()
            .find(|id| !self.servers.iter().any(|server| &server.id == *id))
        {
            return Err(SiteError::UnknownAdminServer(unknown.clone()));
        }
        Ok(())
    }
}
