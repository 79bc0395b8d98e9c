//! Ferry's calendar, task and contact targets: the protocols that put
//! converted items on a server, exactly once.
//!
//! * [`caldav`] — CalDAV/CardDAV: discovery, collections, `PUT` with
//!   `If-None-Match: *`.
//! * [`ews`] — Exchange Web Services: CreateItem in batches, exactly once
//!   (found by the source key before creating, and again after a lost
//!   answer), throttling obeyed, then occurrences deleted or changed.
//! * [`graph`] — Microsoft Graph: items created exactly once (looked up by
//!   the source key first, in `$batch`es, and again after a lost answer),
//!   lists read page by page, throttling obeyed, tasks in a chosen To Do
//!   list, contact photos, then occurrences deleted or changed.
//! * [`tries`] — busy and lost tries of one step, counted against the
//!   limits (EWS and Graph alike).
//! * [`http`] — the HTTP/1.1 client under them (TLS; Basic, NTLM,
//!   Negotiate or Bearer auth; limits).
//! * [`error`] — the crate's one error type.

pub mod caldav;
pub mod error;
pub mod ews;
pub mod graph;
pub mod http;
pub mod tries;

pub use error::{Error, Result};
