//! iCalendar and vCard text for CalDAV/CardDAV. Being built.
