//! The `ferry` back end: command line, web server, job store.
//!
//! * [`cli`] — the `ferry` command and its subcommands.
//! * [`certificate`] — a pinned certificate read from a file.
//! * [`config`] — settings for `ferry serve`: built-in defaults, a TOML file,
//!   environment variables and flags, in rising precedence.
//! * [`server`] — the axum application: JSON API under `/api` and the
//!   Trunk-built web page.
//! * [`oauth`] — OAuth2 authorization code with PKCE, without I/O.
//! * [`jobs`] — mail moves run in the background for signed-in users.
//! * [`store`] — job and sync state behind one interface (SQLite by default).
//! * [`inspect`] — `ferry inspect`: the browser's parsing, on the command line.
//! * [`convert_command`] — `ferry convert`: the requests for a target,
//!   written out.
//! * [`import`] — `ferry import`: items put on a CalDAV/CardDAV server,
//!   Exchange (EWS) or Microsoft 365 (Graph), each exactly once.
//! * [`sync_command`] — `ferry sync`: the mail engine on the command line.
//! * [`error`] — the crate's error type.

pub mod certificate;
pub mod cli;
pub mod config;
pub mod convert_command;
pub mod error;
pub mod import;
pub mod inspect;
pub mod jobs;
pub mod oauth;
pub mod server;
pub mod store;
pub mod sync_command;

pub use error::BackendError;
