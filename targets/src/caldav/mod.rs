//! CalDAV/CardDAV. Being built.
