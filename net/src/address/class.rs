//! What kind of address an IP is, for [`super::policy`]: public, or one
//! of the kinds a user-supplied host may not reach (loopback, private,
//! link-local, carrier-grade NAT, unique local, IPv4 inside IPv6, …).
//! Pure functions, tested without a network.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why an address is not a public one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forbidden {
    /// 0.0.0.0/8, `::`.
    Unspecified,
    /// 127.0.0.0/8, `::1`.
    Loopback,
    /// 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16.
    Private,
    /// 169.254.0.0/16, fe80::/10.
    LinkLocal,
    /// 100.64.0.0/10 (carrier-grade NAT).
    SharedAddressSpace,
    /// fc00::/7 (unique local).
    UniqueLocal,
    /// `::ffff:0:0/96`, `::/96`, 64:ff9b::/96 and 2002::/16: an IPv4
    /// address carried inside IPv6, which could be any of the above.
    EmbeddedIpv4,
    /// Multicast and broadcast.
    Multicast,
    /// IETF, documentation, benchmarking and reserved ranges.
    Reserved,
}

impl Forbidden {
    /// In plain words, for error messages.
    pub fn describe(self) -> &'static str {
        match self {
            Forbidden::Unspecified => "an unspecified address",
            Forbidden::Loopback => "a loopback address (this machine)",
            Forbidden::Private => "a private network address",
            Forbidden::LinkLocal => "a link-local address",
            Forbidden::SharedAddressSpace => "a carrier-grade NAT address",
            Forbidden::UniqueLocal => "a unique local IPv6 address",
            Forbidden::EmbeddedIpv4 => "an IPv4 address inside IPv6",
            Forbidden::Multicast => "a multicast or broadcast address",
            Forbidden::Reserved => "a reserved address",
        }
    }
}

/// Why `ip` is not public; `None` when it is.
pub fn forbidden(ip: IpAddr) -> Option<Forbidden> {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => forbidden_v6(v6),
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> Option<Forbidden> {
    let [a, b, c, _] = ip.octets();
    Some(match (a, b, c) {
        (0, _, _) => Forbidden::Unspecified,
        (127, _, _) => Forbidden::Loopback,
        (10, _, _) => Forbidden::Private,
        (172, 16..=31, _) => Forbidden::Private,
        (192, 168, _) => Forbidden::Private,
        (169, 254, _) => Forbidden::LinkLocal,
        (100, 64..=127, _) => Forbidden::SharedAddressSpace,
        (224..=239, _, _) => Forbidden::Multicast,
        _ if ip.is_broadcast() => Forbidden::Multicast,
        // IETF protocol assignments, documentation (TEST-NET-1..3),
        // benchmarking, and 240.0.0.0/4.
        (192, 0, 0) | (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => Forbidden::Reserved,
        (198, 18..=19, _) => Forbidden::Reserved,
        (240..=255, _, _) => Forbidden::Reserved,
        _ => return None,
    })
}

fn forbidden_v6(ip: Ipv6Addr) -> Option<Forbidden> {
    let segments = ip.segments();
    if ip.is_unspecified() {
        return Some(Forbidden::Unspecified);
    }
    if ip.is_loopback() {
        return Some(Forbidden::Loopback);
    }
    Some(match segments {
        // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, deprecated).
        [0, 0, 0, 0, 0, 0xffff, _, _] | [0, 0, 0, 0, 0, 0, _, _] => Forbidden::EmbeddedIpv4,
        // NAT64 well-known prefix, and 6to4.
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] | [0x2002, ..] => Forbidden::EmbeddedIpv4,
        [first, ..] if first & 0xfe00 == 0xfc00 => Forbidden::UniqueLocal,
        [first, ..] if first & 0xffc0 == 0xfe80 => Forbidden::LinkLocal,
        [first, ..] if first & 0xff00 == 0xff00 => Forbidden::Multicast,
        // Documentation.
        [0x2001, 0x0db8, ..] => Forbidden::Reserved,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &str) -> Option<Forbidden> {
        forbidden(text.parse().unwrap())
    }

    #[test]
    fn every_kind_of_non_public_address_is_named() {
        for (address, expected) in [
            ("0.0.0.0", Forbidden::Unspecified),
            ("127.0.0.1", Forbidden::Loopback),
            ("127.255.0.9", Forbidden::Loopback),
            ("10.1.2.3", Forbidden::Private),
            ("172.16.0.1", Forbidden::Private),
            ("172.31.255.255", Forbidden::Private),
            ("192.168.1.1", Forbidden::Private),
            ("169.254.169.254", Forbidden::LinkLocal),
            ("100.64.0.1", Forbidden::SharedAddressSpace),
            ("100.127.255.254", Forbidden::SharedAddressSpace),
            ("224.0.0.1", Forbidden::Multicast),
            ("255.255.255.255", Forbidden::Multicast),
            ("192.0.2.10", Forbidden::Reserved),
            ("198.18.0.1", Forbidden::Reserved),
            ("::", Forbidden::Unspecified),
            ("::1", Forbidden::Loopback),
            ("::ffff:127.0.0.1", Forbidden::EmbeddedIpv4),
            ("::ffff:8.8.8.8", Forbidden::EmbeddedIpv4),
            ("::127.0.0.1", Forbidden::EmbeddedIpv4),
            ("64:ff9b::10.0.0.1", Forbidden::EmbeddedIpv4),
            ("2002:7f00:1::1", Forbidden::EmbeddedIpv4),
            ("fc00::1", Forbidden::UniqueLocal),
            ("fd12:3456::1", Forbidden::UniqueLocal),
            ("fe80::1", Forbidden::LinkLocal),
            ("ff02::1", Forbidden::Multicast),
            ("2001:db8::1", Forbidden::Reserved),
        ] {
            assert_eq!(kind(address), Some(expected), "{address}");
        }
    }

    #[test]
    fn public_addresses_pass() {
        for address in [
            "8.8.8.8",
            "1.1.1.1",
            "172.15.255.255",
            "172.32.0.1",
            "100.63.255.255",
            "100.128.0.1",
            "192.169.0.1",
            "2a00:1450:4001:80b::200e",
            "2606:4700:4700::1111",
        ] {
            assert_eq!(kind(address), None, "{address}");
        }
    }
}
