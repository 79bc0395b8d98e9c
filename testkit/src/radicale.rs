//! A real Radicale CalDAV/CardDAV server on 127.0.0.1. Being built.
