//! Network security pieces that every connection of Ferry's shares, so
//! there is one copy of each to review:
//!
//! * [`tls`] — the rustls client configuration: certificates checked
//!   against Mozilla's roots, or pinned to exactly one certificate for a
//!   server with a self-signed one.

pub mod tls;
