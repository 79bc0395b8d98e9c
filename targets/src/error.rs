//! The one error type of the crate. No variant carries a credential: the
//! password never leaves [`crate::http::Credentials`], and server texts
//! quoted here come from response bodies and status lines only.

use std::time::Duration;

/// Everything that can go wrong talking to a target server.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A URL given or found on the server is not usable.
    #[error("invalid URL {url:?}: {reason}")]
    InvalidUrl { url: String, reason: String },

    /// Only `http` and `https` are spoken.
    #[error("unsupported URL scheme {0:?} (http or https only)")]
    UnsupportedScheme(String),

    /// The server could not be reached.
    #[error("cannot connect to {host}:{port}: {reason}")]
    Connect {
        host: String,
        port: u16,
        reason: String,
    },

    /// The TLS handshake failed (unknown or mismatching certificate, …).
    #[error("TLS with {host} failed: {reason}")]
    Tls { host: String, reason: String },

    /// The exchange broke off or the server spoke no valid HTTP/1.1.
    #[error("HTTP exchange with {host} failed: {reason}")]
    Http { host: String, reason: String },

    /// A step took longer than its configured limit.
    #[error("{step} timed out after {limit:?}")]
    Timeout { step: &'static str, limit: Duration },

    /// The response body is larger than `HttpOptions::max_response_bytes`.
    #[error("response larger than the limit of {limit} bytes")]
    ResponseTooLarge { limit: usize },

    /// A redirect to another scheme, host or port (never followed).
    #[error("redirect to another server refused: {location}")]
    RedirectToOtherHost { location: String },

    /// More redirects in a row than `HttpOptions::max_redirects`.
    #[error("more than {limit} redirects")]
    TooManyRedirects { limit: usize },

    /// The server refused the user name or password (401), or the account
    /// may not use the resource (403 during discovery).
    #[error("authentication failed (HTTP {status})")]
    AuthFailed { status: u16 },

    /// The server answered with a status the step cannot continue after.
    #[error("{step}: HTTP {status}: {reason}")]
    UnexpectedStatus {
        step: &'static str,
        status: u16,
        reason: String,
    },

    /// A WebDAV XML body could not be read (malformed, DOCTYPE or entity
    /// declarations, unknown entity, too deep).
    #[error("invalid XML from the server: {0}")]
    Xml(String),

    /// Discovery found no home set for this kind of collection.
    #[error("the server names no {0} for this account")]
    NoHomeSet(&'static str),

    /// A collection with the wanted name exists but holds the other kind of
    /// data (e.g. an address book where a calendar was asked for).
    #[error("collection {name:?} exists but is not a {wanted}")]
    WrongCollectionKind { name: String, wanted: &'static str },

    /// Autodiscover found no EWS URL: the server's error code and
    /// message, a redirect refused, or why each candidate failed.
    #[error("Autodiscover: {0}")]
    Autodiscover(String),

    /// The user name has no form NTLM can send (`name`, `DOMAIN\\name`
    /// or `name@domain`).
    #[error("the user name cannot be used for an NTLM login")]
    InvalidUserName,

    /// An NTLM or Negotiate login could not go on: the server's `401`
    /// carried no challenge for the scheme.
    #[error("the server answered the {scheme} login without a challenge")]
    NoChallenge { scheme: &'static str },

    /// An NTLM or Negotiate message could not be made or read (a broken
    /// challenge, …).
    #[error("{scheme} login failed: {reason}")]
    Login {
        scheme: &'static str,
        reason: String,
    },

    /// Automatic login: the server offers none of Negotiate, NTLM or
    /// Basic. `offered` lists the scheme names it gave.
    #[error(
        "the server offers no login method Ferry speaks (Negotiate, NTLM or Basic); it offers: {offered}"
    )]
    NoAuthMethod { offered: String },

    /// A request could not be built (a value that HTTP cannot carry).
    #[error("request cannot be built: {0}")]
    InvalidRequest(String),
}

/// Shorthand used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
