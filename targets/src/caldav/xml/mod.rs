//! WebDAV XML, written with quick-xml's writer and read with its
//! namespace-aware reader; never assembled from strings.
//!
//! * [`names`] — the namespaces and the properties Ferry asks for.
//! * [`mod@write`] — PROPFIND, MKCALENDAR and extended MKCOL bodies.
//! * [`multistatus`] — the `207 Multi-Status` reader, with its limits.
//! * [`error_body`] — the failed conditions of a `DAV:error` body.

pub mod error_body;
pub mod multistatus;
pub mod names;
pub mod write;
