//! The two kinds of collection (calendar, address book) and the two kinds
//! of resource body, with everything that differs between them.

use crate::caldav::xml::names::Property;

/// A CalDAV calendar or a CardDAV address book.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CollectionKind {
    Calendar,
    AddressBook,
}

impl CollectionKind {
    /// The RFC 6764 well-known path, relative to the server root.
    pub fn well_known_path(self) -> &'static str {
        match self {
            CollectionKind::Calendar => "/.well-known/caldav",
            CollectionKind::AddressBook => "/.well-known/carddav",
        }
    }

    /// The principal property naming where this kind's collections live.
    pub fn home_set_property(self) -> Property {
        match self {
            CollectionKind::Calendar => Property::CalendarHomeSet,
            CollectionKind::AddressBook => Property::AddressbookHomeSet,
        }
    }

    /// Words for messages.
    pub fn label(self) -> &'static str {
        match self {
            CollectionKind::Calendar => "calendar",
            CollectionKind::AddressBook => "address book",
        }
    }

    /// Words for messages about the home set.
    pub fn home_set_label(self) -> &'static str {
        match self {
            CollectionKind::Calendar => "calendar-home-set",
            CollectionKind::AddressBook => "addressbook-home-set",
        }
    }
}

/// What a resource body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContentType {
    /// iCalendar (RFC 5545).
    Calendar,
    /// vCard (RFC 6350 and older).
    VCard,
}

impl ContentType {
    /// The `Content-Type` header value sent with a `PUT`.
    pub fn header_value(self) -> &'static str {
        match self {
            ContentType::Calendar => "text/calendar; charset=utf-8",
            ContentType::VCard => "text/vcard; charset=utf-8",
        }
    }
}
