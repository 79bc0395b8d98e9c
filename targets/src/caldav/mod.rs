//! CalDAV (RFC 4791) and CardDAV (RFC 6352): discovery, collections and
//! exactly-once `PUT`s. The protocol steps are sans-I/O (requests out,
//! responses in, decisions out); [`client`] and [`mod@upload`] drive them.
//!
//! * [`kind`] — calendar or address book; iCalendar or vCard body.
//! * [`paths`] — hrefs and resource names as URLs.
//! * [`xml`] — request bodies and the multistatus reader.
//! * [`requests`] — the requests Ferry sends.
//! * [`discovery`] — well-known URL, principal, home set.
//! * [`collection`] — choose or create the target collection.
//! * [`members`] — what a collection already holds.
//! * [`outcome`] — what a `PUT` answer means.
//! * [`client`] — the driver, one method per step.
//! * [`mod@upload`] — all steps for a list of resources.

pub mod client;
pub mod collection;
pub mod discovery;
pub mod kind;
pub mod members;
pub mod outcome;
pub mod paths;
pub mod requests;
pub mod upload;
pub mod xml;

pub use client::{DavClient, TargetCollection};
pub use collection::CollectionSpec;
pub use kind::{CollectionKind, ContentType};
pub use upload::{Resource, ResourceOutcome, Totals, UploadOptions, UploadReport, upload};
