//! A small HTTP/1.1 client for WebDAV and EWS servers (and OAuth2 token
//! endpoints): plain TCP or TLS (rustls, configured by `ferry_net::tls`);
//! Basic, NTLM, Negotiate (SPNEGO carrying NTLM) or OAuth2 Bearer
//! authentication, the best of the server's offers, or none; timeouts, a response size limit and redirects
//! followed only on the same server. A request that may have reached the
//! server is never sent again by the client.
//!
//! * [`message`] — the sans-I/O request and response values.
//! * [`options`] — every limit, with its default.
//! * [`credentials`] — user name and secret password, or a secret token.
//! * [`auth_method`] — Basic, NTLM, Negotiate, Bearer, automatic or none, and
//!   the choice among a server's offers (no I/O).
//! * [`ntlm`] — one connection's NTLM login, message by message (no I/O).
//! * [`origin`] — where a connection goes.
//! * [`redirect`] — whether a redirect may be followed (no I/O).
//! * [`client`] — the thin tokio driver that sends requests.

pub mod auth_method;
pub mod client;
pub mod credentials;
pub mod message;
pub mod ntlm;
pub mod options;
pub mod origin;
pub mod redirect;

pub use auth_method::AuthMethod;
pub use client::HttpClient;
pub use credentials::Credentials;
pub use message::{HttpRequest, HttpResponse};
pub use options::HttpOptions;
