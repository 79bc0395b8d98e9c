//! A small HTTP/1.1 client for WebDAV and EWS servers: plain TCP or TLS
//! (rustls), Basic or OAuth2 Bearer authentication, timeouts, a response
//! size limit and redirects followed only on the same server. A request
//! that may have reached the server is never sent again by the client.
//!
//! * [`message`] — the sans-I/O request and response values.
//! * [`options`] — every limit, with its default.
//! * [`credentials`] — user name and secret password, or a secret token.
//! * [`redirect`] — whether a redirect may be followed (no I/O).
//! * [`tls`] — the rustls configuration (web PKI roots or a pinned
//!   certificate).
//! * [`client`] — the thin tokio driver that sends requests.

pub mod client;
pub mod credentials;
pub mod message;
pub mod options;
pub mod redirect;
pub mod tls;

pub use client::HttpClient;
pub use credentials::Credentials;
pub use message::{HttpRequest, HttpResponse};
pub use options::HttpOptions;
