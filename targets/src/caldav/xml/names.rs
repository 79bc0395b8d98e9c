//! The XML namespaces of WebDAV, CalDAV and CardDAV, and the properties
//! Ferry requests, each with the prefix Ferry writes it with.

/// WebDAV (RFC 4918).
pub const DAV: &str = "DAV:";
/// CalDAV (RFC 4791).
pub const CALDAV: &str = "urn:ietf:params:xml:ns:caldav";
/// CardDAV (RFC 6352).
pub const CARDDAV: &str = "urn:ietf:params:xml:ns:carddav";

/// The prefix declarations Ferry puts on every root element.
pub const PREFIXES: [(&str, &str); 3] =
    [("xmlns:D", DAV), ("xmlns:C", CALDAV), ("xmlns:CR", CARDDAV)];

/// A property Ferry asks for in a PROPFIND.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Property {
    CurrentUserPrincipal,
    CalendarHomeSet,
    AddressbookHomeSet,
    ResourceType,
    DisplayName,
    SupportedCalendarComponentSet,
    GetEtag,
}

impl Property {
    /// The qualified name, with the prefix from [`PREFIXES`].
    pub fn qualified_name(self) -> &'static str {
        match self {
            Property::CurrentUserPrincipal => "D:current-user-principal",
            Property::CalendarHomeSet => "C:calendar-home-set",
            Property::AddressbookHomeSet => "CR:addressbook-home-set",
            Property::ResourceType => "D:resourcetype",
            Property::DisplayName => "D:displayname",
            Property::SupportedCalendarComponentSet => "C:supported-calendar-component-set",
            Property::GetEtag => "D:getetag",
        }
    }
}
