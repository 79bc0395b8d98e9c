//! iCalendar and vCard text for CalDAV/CardDAV `PUT`, with no I/O.
//!
//! * [`icalendar`] — events and tasks grouped by UID into calendar object
//!   resources (a series and its changed occurrences in one, RFC 4791
//!   §4.1), each a VCALENDAR 2.0 text; `component` writes one VEVENT or
//!   VTODO, with `dates`, `rrule` and `people`.
//! * [`vcard`] — a contact as a vCard 3.0 card for CardDAV.
//! * [`resource`] — resource names from UIDs, and a stable UID for items
//!   that have none.
//! * [`zones`] — the source file's VTIMEZONEs, copied into the resources
//!   that use them.
//! * `text` — content lines: escaping, parameter quoting, folding, CR LF.
//!
//! What strict servers (Radicale among them) refuse is repaired rather
//! than lost, each repair named in the losses: a series' dates of another
//! kind than its start (`agree`), changed occurrences without their
//! series or repeating themselves ([`orphan`]), time-zone definitions
//! they cannot read (`strict_zone`, with `zone_rules`).
//!
//! The writers take items as mapped: the `item` of each
//! [`crate::mapping::MappedItem`] whose status is not "cannot convert".
//! What an item holds that its format cannot is named in the resource's
//! `losses`; an item that cannot be written at all is refused with a
//! [`WriteError`].
//!
//! Nothing here invites anyone: every organizer and attendee line says
//! `SCHEDULE-AGENT=CLIENT` and `RSVP=FALSE`.

mod agree;
mod component;
mod dates;
pub mod icalendar;
pub mod orphan;
mod people;
pub mod resource;
mod rrule;
mod strict_zone;
mod text;
pub mod vcard;
mod zone_rules;
pub mod zones;

pub use icalendar::{CalendarResource, CalendarResources, WrittenItem, calendar_resources};
pub use text::MAX_LINE_OCTETS;
pub use vcard::{CardResource, card_resource};
pub use zones::{SourceZone, zone_definitions};

/// Why an item cannot be written (each names the item's line in its file).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WriteError {
    #[error("line {line}: a {kind} cannot be written as {format}")]
    WrongKind {
        line: usize,
        kind: &'static str,
        format: &'static str,
    },
    #[error("line {line}: the event has no start, which a calendar object needs")]
    NoStart { line: usize },
    #[error("line {line}: “{value}” is not a date or date-time")]
    BadDate { line: usize, value: String },
    #[error("line {line}: the contact has no contact details")]
    NoContact { line: usize },
    #[error(
        "line {line}: the item on line {first_line} has the same UID and occurrence; this one is skipped"
    )]
    Duplicate { line: usize, first_line: usize },
    #[error(
        "line {line}: an item of the other kind (event or task) already has the UID “{uid}”; one resource holds one kind"
    )]
    KindConflict { line: usize, uid: String },
}

impl WriteError {
    /// The line of the item that cannot be written.
    pub fn line(&self) -> usize {
        match self {
            WriteError::WrongKind { line, .. }
            | WriteError::NoStart { line }
            | WriteError::BadDate { line, .. }
            | WriteError::NoContact { line }
            | WriteError::Duplicate { line, .. }
            | WriteError::KindConflict { line, .. } => *line,
        }
    }
}
