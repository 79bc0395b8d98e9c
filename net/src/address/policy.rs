//! The site's rule for user-supplied hosts: only public addresses, plus
//! the networks the site allows; only the ports it allows. Checked on
//! addresses already resolved (no I/O here).

use super::class::{Forbidden, forbidden};
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

/// The ports a user-supplied server may have unless the site says
/// otherwise: IMAP (143, STARTTLS) and IMAPS (993), HTTPS (443, for EWS,
/// Graph and CalDAV).
pub const DEFAULT_PORTS: [u16; 3] = [143, 993, 443];

/// How long the one lookup of a host may take unless told otherwise.
pub const DEFAULT_LOOKUP_TIMEOUT: Duration = Duration::from_secs(10);

/// Where a user-supplied host may lead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressPolicy {
    /// Networks reachable although not public, e.g. `127.0.0.0/8` for
    /// tests or a company's own server subnet. Default: none.
    pub allowed_networks: Vec<IpNet>,
    /// Ports that may be connected to; empty allows every port. Default
    /// [`DEFAULT_PORTS`].
    pub allowed_ports: Vec<u16>,
    /// Longest time the lookup may take. Default
    /// [`DEFAULT_LOOKUP_TIMEOUT`].
    pub lookup_timeout: Duration,
}

impl Default for AddressPolicy {
    fn default() -> Self {
        Self {
            allowed_networks: Vec::new(),
            allowed_ports: DEFAULT_PORTS.to_vec(),
            lookup_timeout: DEFAULT_LOOKUP_TIMEOUT,
        }
    }
}

/// Why a host may not be reached. The messages name the host the user
/// typed and what is wrong, in plain words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    #[error("{host} leads to {}, which Ferry may not connect to", kind.describe())]
    Refused {
        host: String,
        address: IpAddr,
        kind: Forbidden,
    },
    #[error("port {port} of {host} is not one this site allows")]
    PortNotAllowed { host: String, port: u16 },
    #[error("the server name {host} has no address")]
    NoAddress { host: String },
    #[error("the server name {host} could not be looked up: {reason}")]
    Lookup { host: String, reason: String },
    #[error("looking up the server name {host} took too long")]
    Timeout { host: String },
}

impl AddressPolicy {
    /// A policy that allows `networks` besides public addresses, every
    /// port.
    pub fn allowing(networks: Vec<IpNet>) -> Self {
        Self {
            allowed_networks: networks,
            allowed_ports: Vec::new(),
            ..Self::default()
        }
    }

    /// Whether `port` may be connected to.
    pub fn check_port(&self, host: &str, port: u16) -> Result<(), AddressError> {
        if self.allowed_ports.is_empty() || self.allowed_ports.contains(&port) {
            Ok(())
        } else {
            Err(AddressError::PortNotAllowed {
                host: host.to_string(),
                port,
            })
        }
    }

    /// Whether every one of `addresses` (what `host` resolved to) may be
    /// connected to: all must be, or none is used.
    pub fn check(&self, host: &str, addresses: &[SocketAddr]) -> Result<(), AddressError> {
        if addresses.is_empty() {
            return Err(AddressError::NoAddress {
                host: host.to_string(),
            });
        }
        for address in addresses {
            self.check_port(host, address.port())?;
            let ip = address.ip();
            if let Some(kind) = forbidden(ip)
                && !self.allowed_networks.iter().any(|net| net.contains(&ip))
            {
                return Err(AddressError::Refused {
                    host: host.to_string(),
                    address: ip,
                    kind,
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> SocketAddr {
        text.parse().unwrap()
    }

    #[test]
    fn public_addresses_on_allowed_ports_pass() {
        let policy = AddressPolicy::default();
        assert_eq!(policy.check("mail.example", &[at("8.8.8.8:993")]), Ok(()));
        assert_eq!(
            policy.check("mail.example", &[at("[2606:4700::1]:443")]),
            Ok(())
        );
    }

    #[test]
    fn one_private_address_among_public_ones_refuses_the_host() {
        let policy = AddressPolicy::default();
        let error = policy
            .check("rebind.example", &[at("8.8.8.8:993"), at("10.0.0.5:993")])
            .unwrap_err();
        assert_eq!(
            error,
            AddressError::Refused {
                host: "rebind.example".into(),
                address: "10.0.0.5".parse().unwrap(),
                kind: Forbidden::Private,
            }
        );
        assert_eq!(
            error.to_string(),
            "rebind.example leads to a private network address, which Ferry may not connect to"
        );
    }

    #[test]
    fn allowed_networks_and_ports() {
        let loopback = AddressPolicy::allowing(vec!["127.0.0.0/8".parse().unwrap()]);
        assert_eq!(
            loopback.check("localhost", &[at("127.0.0.1:10143")]),
            Ok(())
        );
        assert!(loopback.check("x", &[at("[::1]:143")]).is_err());
        assert!(loopback.check("x", &[at("192.168.0.1:143")]).is_err());
        let default = AddressPolicy::default();
        assert_eq!(
            default.check("mail.example", &[at("8.8.8.8:25")]),
            Err(AddressError::PortNotAllowed {
                host: "mail.example".into(),
                port: 25
            })
        );
        assert_eq!(
            default.check("nothing.example", &[]),
            Err(AddressError::NoAddress {
                host: "nothing.example".into()
            })
        );
    }
}
