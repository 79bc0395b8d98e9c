//! Every limit of the HTTP client, each with a documented default.

use ferry_net::address::AddressPolicy;
use std::time::Duration;

/// How the client talks to a server.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    /// Longest wait for TCP and TLS to be established. Default 15 s.
    pub connect_timeout: Duration,
    /// Longest wait for one request: sending it and reading the whole
    /// response. Default 60 s.
    pub request_timeout: Duration,
    /// Largest response body read; a larger one is an error. Default
    /// 16 MiB (a PROPFIND of a large collection stays well below).
    pub max_response_bytes: usize,
    /// Most redirects followed in a row, and only on the same scheme, host
    /// and port; a redirect elsewhere is never followed. Default 5.
    pub max_redirects: usize,
    /// Trust exactly this certificate (DER) instead of the web PKI roots:
    /// for a server with a self-signed certificate. Default none.
    pub pinned_certificate: Option<Vec<u8>>,
    /// The `User-Agent` sent. Default `ferry/VERSION`.
    pub user_agent: String,
    /// Idle connections kept open per client for reuse. Default 8.
    pub max_idle_connections: usize,
    /// Where a user-supplied server may lead: each connection resolves
    /// the host once, refuses it as the policy says and connects to the
    /// vetted addresses only. Default none (the operator's own command
    /// line: any address).
    pub address_policy: Option<AddressPolicy>,
}

impl Default for HttpOptions {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(15),
            request_timeout: Duration::from_secs(60),
            max_response_bytes: 16 * 1024 * 1024,
            max_redirects: 5,
            pinned_certificate: None,
            user_agent: concat!("ferry/", env!("CARGO_PKG_VERSION")).to_string(),
            max_idle_connections: 8,
            address_policy: None,
        }
    }
}
