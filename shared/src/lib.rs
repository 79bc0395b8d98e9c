//! Ferry's shared core: everything the browser and the server both need, with
//! no I/O at all.
//!
//! The crate is compiled twice: to WebAssembly for the front end, where a
//! user's calendar export is parsed in the browser and never leaves the
//! machine, and natively for the `ferry` binary (`ferry inspect`), so that
//! both print exactly the same result from the same code.
//!
//! * [`text`] turns raw file bytes into text (byte-order mark, UTF-8 or the
//!   Windows-1252 fallback legacy exports need).
//! * [`model`] is the one item model for events, tasks and contacts.
//! * Readers, one per format, each producing a [`FileReport`]:
//!   [`ical`] (iCalendar: a line scanner that knows where every item starts
//!   and what is broken, and per-item parsing with `calcard`), [`xcal`],
//!   [`vcard`] and [`csv`] (Outlook and MDaemon exports). [`inspect()`] picks
//!   the reader from the file's content.
//! * [`mapping`] holds the user's rules (user map, domain rewrites, default
//!   time zone, full or flat attendees) and applies them, item by item,
//!   with warnings in plain words.
//! * [`convert`] turns mapped items into what each target stores (EWS,
//!   Graph, CalDAV/CardDAV), with every loss named.
//! * [`preview`] is what the preview page shows: compact rows, counts, the
//!   detail of one item and the conversion report as CSV.
//! * [`report`] is the serialisable result shown in the preview table and
//!   printed by `ferry inspect`.
//! * [`limits`] holds every input limit, each with a documented default.
//! * [`api`] is the JSON the page and the back end exchange to sign in.

// The module maps link their private submodules, for readers of
// `cargo doc --document-private-items`.
#![allow(rustdoc::private_intra_doc_links)]

pub mod admin;
pub mod api;
pub mod convert;
pub mod csv;
pub mod ical;
pub mod inspect;
pub mod limits;
pub mod mapping;
pub mod model;
pub mod preview;
pub mod report;
pub mod text;
pub mod throughput;
pub mod vcard;
pub mod xcal;

pub use inspect::{InspectError, inspect, inspect_ics};
pub use limits::ParseLimits;
pub use model::{DateValue, Item, ItemKind};
pub use report::{FileFormat, FileReport, Warning};
