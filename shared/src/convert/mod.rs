//! From the item model to what each target stores, with no I/O: every
//! converter takes an item as mapped ([`crate::mapping::MappedItem`]) and
//! returns what to send, plus every loss in plain words.
//!
//! * [`exchange`] — the shape Exchange gives calendar items, tasks and
//!   contacts (EWS and Microsoft Graph share it): Windows time zones,
//!   recurrence patterns, and what happens to what they cannot hold.
//! * [`ews`] — EWS SOAP requests written from that shape, and their
//!   responses read.
//! * [`graph`] — Microsoft Graph JSON written from that shape.
//! * [`caldav`] — iCalendar and vCard text for CalDAV/CardDAV `PUT`.
//! * [`requests`] — every request for a file's items to one target,
//!   written out (for `ferry convert` and the preview page).
//!
//! Every item written to a target carries its *source key* (UID, plus the
//! occurrence for a changed occurrence), so a re-run finds what exists.

pub mod caldav;
pub mod ews;
pub mod exchange;
pub mod graph;
pub mod requests;
pub mod source_key;

/// The GUID of the MAPI property set Ferry's extended property lives in
/// (EWS `ExtendedFieldURI PropertySetId`, Graph `String {GUID} Name …`).
pub const SOURCE_PROPERTY_SET: &str = "9c8f0e2a-6b1d-4f5e-a3c7-2d4b8e1f6a90";

/// The name of the extended property holding an item's source key.
pub const SOURCE_PROPERTY_NAME: &str = "FerrySourceKey";

pub use source_key::{decode_source_key, encode_source_key, source_key};
