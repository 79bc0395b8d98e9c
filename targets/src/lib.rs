//! Ferry's calendar, task and contact targets: the protocols that put
//! converted items on a server, exactly once.
//!
//! * [`caldav`] — CalDAV/CardDAV: discovery, collections, `PUT` with
//!   `If-None-Match: *`.

pub mod caldav;
