//! Where Autodiscover may be asked: the candidate URLs of a domain in
//! the documented order (SOAP first, then POX), and the check every URL (a candidate, a
//! redirect's target, the EWS URL found) passes before it is used:
//! `https` only, never a loopback, private, link-local or unspecified
//! address — unless the options allow loopback (tests), which then also
//! allows plain `http` to a loopback host. A host name that resolves to
//! such an address cannot be seen here (no I/O).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use url::{Host, Url};

/// The SOAP Autodiscover path.
pub const AUTODISCOVER_PATH: &str = "/autodiscover/autodiscover.svc";
/// The POX Autodiscover path (the fallback).
pub const POX_PATH: &str = "/autodiscover/autodiscover.xml";

/// The domain of `address` (after its last `@`), lower-cased; `None`
/// when there is none.
pub fn domain_of(address: &str) -> Option<String> {
    let (local, domain) = address.trim().rsplit_once('@')?;
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    let plain = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '.';
    (!local.is_empty() && !domain.is_empty() && domain.chars().all(plain)).then_some(domain)
}

/// The candidates for `domain`, in the documented order:
/// `https://DOMAIN/autodiscover/autodiscover.svc`, then
/// `https://autodiscover.DOMAIN/autodiscover/autodiscover.svc`, then
/// the same two hosts' POX `…/autodiscover/autodiscover.xml`.
pub fn candidates(domain: &str) -> Vec<Url> {
    let hosts = [domain.to_string(), format!("autodiscover.{domain}")];
    [AUTODISCOVER_PATH, POX_PATH]
        .iter()
        .flat_map(|path| {
            hosts
                .iter()
                .map(move |host| format!("https://{host}{path}"))
        })
        .filter_map(|text| Url::parse(&text).ok())
        .collect()
}

/// Whether `url` speaks POX Autodiscover (its path ends in `.xml`)
/// rather than SOAP.
pub fn is_pox(url: &Url) -> bool {
    url.path().to_ascii_lowercase().ends_with(".xml")
}

/// Whether `url` may be asked (or used): `Err` says why not.
pub fn check(url: &Url, allow_loopback: bool) -> Result<(), String> {
    let loopback = match url.host() {
        Some(Host::Domain(name)) => {
            let name = name.to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => return Err(format!("{url} names no host")),
    };
    if loopback && !allow_loopback {
        return Err(format!("{url} is a loopback address"));
    }
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        other => return Err(format!("{url}: {other} is refused (https only)")),
    }
    if loopback {
        return Ok(());
    }
    let inner = match url.host() {
        Some(Host::Ipv4(ip)) => !public_v4(ip),
        Some(Host::Ipv6(ip)) => !public_v6(ip),
        _ => false,
    };
    if inner {
        return Err(format!("{url} is a private or local address"));
    }
    Ok(())
}

fn public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    let shared = a == 100 && (64..128).contains(&b);
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || shared
        || a == 0)
}

fn public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return public_v4(v4);
    }
    let first = ip.segments()[0];
    let unique_local = first & 0xfe00 == 0xfc00;
    let link_local = first & 0xffc0 == 0xfe80;
    !(ip.is_loopback() || ip.is_unspecified() || ip.is_multicast() || unique_local || link_local)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn candidates_come_in_the_documented_order() {
        let got: Vec<String> = candidates("contoso.com")
            .iter()
            .map(Url::to_string)
            .collect();
        assert_eq!(
            got,
            [
                "https://contoso.com/autodiscover/autodiscover.svc",
                "https://autodiscover.contoso.com/autodiscover/autodiscover.svc",
                "https://contoso.com/autodiscover/autodiscover.xml",
                "https://autodiscover.contoso.com/autodiscover/autodiscover.xml"
            ]
        );
        assert!(is_pox(&candidates("contoso.com")[2]));
        assert!(!is_pox(&candidates("contoso.com")[1]));
        assert_eq!(
            domain_of("Mara@Contoso.COM").as_deref(),
            Some("contoso.com")
        );
        assert_eq!(domain_of("no-at-sign"), None);
        assert_eq!(domain_of("a@evil/path"), None);
    }

    #[test]
    fn only_public_https_passes() {
        assert!(check(&url("https://mail.contoso.com/x"), false).is_ok());
        assert!(check(&url("https://8.8.8.8/x"), false).is_ok());
        for refused in [
            "http://mail.contoso.com/x",
            "ftp://mail.contoso.com/x",
            "https://127.0.0.1/x",
            "https://localhost/x",
            "https://10.1.2.3/x",
            "https://192.168.1.1/x",
            "https://172.16.0.1/x",
            "https://169.254.169.254/x",
            "https://100.64.0.1/x",
            "https://[::1]/x",
            "https://[fd00::1]/x",
            "https://[fe80::1]/x",
            "https://[::ffff:10.0.0.1]/x",
        ] {
            assert!(check(&url(refused), false).is_err(), "{refused}");
        }
        assert!(check(&url("http://127.0.0.1:8080/x"), true).is_ok());
        assert!(check(&url("http://10.0.0.1/x"), true).is_err());
        assert!(check(&url("https://10.0.0.1/x"), true).is_err());
    }
}
