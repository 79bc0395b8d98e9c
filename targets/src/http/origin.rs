//! Where a connection goes: scheme, host and port of a URL. Idle
//! connections are kept, and reused, per origin.

use crate::error::{Error, Result};
use url::Url;

/// Where a connection goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub https: bool,
    pub host: String,
    pub port: u16,
}

impl Origin {
    pub fn of(url: &Url) -> Result<Self> {
        let https = match url.scheme() {
            "https" => true,
            "http" => false,
            other => return Err(Error::UnsupportedScheme(other.to_string())),
        };
        let invalid = |reason: &str| Error::InvalidUrl {
            url: url.to_string(),
            reason: reason.to_string(),
        };
        let host = url.host_str().ok_or_else(|| invalid("no host"))?;
        let port = url
            .port_or_known_default()
            .ok_or_else(|| invalid("no port"))?;
        Ok(Self {
            https,
            host: host.to_string(),
            port,
        })
    }

    /// The host without IPv6 brackets, for DNS and TLS.
    pub fn bare_host(&self) -> &str {
        self.host.trim_start_matches('[').trim_end_matches(']')
    }
}
