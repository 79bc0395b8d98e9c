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
//! * [`ical`] reads iCalendar files: a line scanner that knows where every
//!   item starts and what is broken, and per-item parsing with `calcard`.
//! * [`report`] is the serialisable result shown in the preview table and
//!   printed by `ferry inspect`.
//! * [`limits`] holds every input limit, each with a documented default.

pub mod ical;
pub mod limits;
pub mod report;
pub mod text;

pub use ical::{InspectError, inspect_ics};
pub use limits::ParseLimits;
pub use report::{CalendarReport, DateValue, Item, ItemKind, Warning};
