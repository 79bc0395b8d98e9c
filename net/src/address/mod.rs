//! Where Ferry may connect on a user's behalf. A host name a user types
//! is resolved once; the connection goes to the address that was vetted,
//! never to a second lookup's answer (which DNS rebinding could make
//! loopback). Every address the name resolves to must be public, unless
//! the site's configuration allows its network (tests need loopback; a
//! company may allow its own mail server's subnet). Ports may be limited
//! to a list.
//!
//! * [`class`] — what kind of address an IP is (no I/O).
//! * [`policy`] — the site's rule: which networks and ports are allowed.
//! * [`resolve`] — the one lookup, checked against a policy.

pub mod class;
pub mod policy;
pub mod resolve;

pub use class::{Forbidden, forbidden};
pub use policy::{AddressError, AddressPolicy};
pub use resolve::resolve;
