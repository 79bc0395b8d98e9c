//! Network security pieces that every connection of Ferry's shares, so
//! there is one copy of each to review:
//!
//! * [`tls`] — the rustls client configuration: certificates checked
//!   against Mozilla's roots, or pinned to exactly one certificate for a
//!   server with a self-signed one.
//! * [`address`] — where a user-supplied host may lead: resolved once,
//!   refused when any address is loopback, private, link-local, CGNAT,
//!   unique local or IPv4 inside IPv6 (unless the site allows that
//!   network), ports allow-listed.

pub mod address;
pub mod tls;
