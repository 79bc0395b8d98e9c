//! A small HTTP/1.1 client for WebDAV and EWS servers: plain TCP or TLS
//! (rustls, configured by `ferry_net::tls`), Basic or OAuth2 Bearer authentication, timeouts, a response
//! size limit and redirects followed only on the same server. A request
//! that may have reached the server is never sent again by the client.
//!
//! * [`message`] — the sans-I/O request and response values.
//! * [`options`] — every limit, with its default.
//! * [`credentials`] — user name and secret password, or a secret token.
//! * [`redirect`] — whether a redirect may be followed (no I/O).
//! * [`client`] — the thin tokio driver that sends requests.

pub mod client;
pub mod credentials;
pub mod message;
pub mod options;
pub mod redirect;

pub use client::HttpClient;
pub use credentials::Credentials;
pub use message::{HttpRequest, HttpResponse};
pub use options::HttpOptions;
