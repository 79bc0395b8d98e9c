//! Test and benchmark support for Ferry, used by the integration tests and
//! the mail benchmark; never by the product.
//!
//! * [`dovecot`] starts a real Dovecot IMAP server on 127.0.0.1 from a
//!   generated configuration in a temporary folder: no system-wide change.

pub mod dovecot;
