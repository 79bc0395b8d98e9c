//! OAuth2 authorization code with PKCE (RFC 6749, RFC 7636), for
//! providers such as Microsoft 365 and Google whose mailboxes accept no
//! password. Sans-I/O: this module writes the authorization URL and the
//! token requests' form bodies and reads the token answers; the web
//! server sends them. Tokens are secrets: they live in
//! [`secrecy::SecretString`]s and never reach a log or `Debug` output.
//!
//! * [`pkce`] — the verifier, its challenge, and the `state` value.
//! * [`flow`] — the authorization URL, the code and refresh requests,
//!   and the tokens answered.

pub mod flow;
pub mod pkce;
