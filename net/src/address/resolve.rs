//! The one lookup of a user-supplied host, checked against an
//! [`AddressPolicy`]. The addresses returned are the ones to connect to:
//! callers never look the name up again.

use super::policy::{AddressError, AddressPolicy};
use std::net::{IpAddr, SocketAddr};

/// The addresses of `host:port`, every one allowed by `policy`; with no
/// policy (the operator's own command line), simply the addresses.
pub async fn resolve(
    policy: Option<&AddressPolicy>,
    host: &str,
    port: u16,
) -> Result<Vec<SocketAddr>, AddressError> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let addresses = match bare.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => {
            if let Some(policy) = policy {
                policy.check_port(host, port)?;
            }
            let timeout =
                policy.map_or(super::policy::DEFAULT_LOOKUP_TIMEOUT, |p| p.lookup_timeout);
            let lookup = tokio::net::lookup_host((bare, port));
            tokio::time::timeout(timeout, lookup)
                .await
                .map_err(|_| AddressError::Timeout {
                    host: host.to_string(),
                })?
                .map_err(|err| AddressError::Lookup {
                    host: host.to_string(),
                    reason: err.to_string(),
                })?
                .collect()
        }
    };
    match policy {
        Some(policy) => policy.check(host, &addresses)?,
        None if addresses.is_empty() => {
            return Err(AddressError::NoAddress {
                host: host.to_string(),
            });
        }
        None => {}
    }
    Ok(addresses)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn localhost_is_refused_unless_its_network_is_allowed() {
        let strict = AddressPolicy {
            allowed_ports: Vec::new(),
            ..AddressPolicy::default()
        };
        for host in ["localhost", "127.0.0.1", "[::1]", "::ffff:127.0.0.1"] {
            let refused = resolve(Some(&strict), host, 1143).await;
            assert!(
                matches!(refused, Err(AddressError::Refused { .. })),
                "{host}: {refused:?}"
            );
        }
        let tests = AddressPolicy::allowing(vec![
            "127.0.0.0/8".parse().unwrap(),
            "::1/128".parse().unwrap(),
        ]);
        let found = resolve(Some(&tests), "localhost", 1143).await.unwrap();
        assert!(
            found
                .iter()
                .all(|a| a.ip().is_loopback() && a.port() == 1143)
        );
        // No policy: the operator's command line reaches anything.
        assert!(resolve(None, "127.0.0.1", 1143).await.is_ok());
    }

    #[tokio::test]
    async fn a_port_off_the_list_is_refused_before_any_lookup() {
        let error = resolve(Some(&AddressPolicy::default()), "mail.invalid", 25)
            .await
            .unwrap_err();
        assert_eq!(
            error,
            AddressError::PortNotAllowed {
                host: "mail.invalid".into(),
                port: 25
            }
        );
    }
}
