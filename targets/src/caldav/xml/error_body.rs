//! Reads the `<D:error>` body a server may send with a refusal (RFC 4918
//! §16; CalDAV and CardDAV preconditions such as `no-uid-conflict` or
//! `valid-calendar-data`): the names of the failed conditions, so an
//! outcome quotes them instead of raw XML. Same safety rules as the
//! multistatus reader: no DOCTYPE, bounded depth.

use crate::caldav::xml::names::{CALDAV, CARDDAV, DAV};
use quick_xml::NsReader;
use quick_xml::events::Event;
use quick_xml::name::{Namespace, ResolveResult};

/// Most conditions read from one body.
const MAX_CONDITIONS: usize = 16;
/// Deepest nesting read.
const MAX_DEPTH: usize = 16;

/// The condition names under a `DAV:error` root (`caldav:no-uid-conflict`),
/// or `None` when the body is not such a document.
pub fn conditions(body: &[u8]) -> Option<Vec<String>> {
    let mut reader = NsReader::from_reader(body);
    let mut depth = 0usize;
    let mut names = Vec::new();
    loop {
        let (namespace, event) = reader.read_resolved_event().ok()?;
        match event {
            Event::Start(ref element) | Event::Empty(ref element) => {
                let local = String::from_utf8_lossy(element.local_name().as_ref()).into_owned();
                let prefix = match namespace {
                    ResolveResult::Bound(Namespace(ns)) if ns == DAV.as_bytes() => "DAV",
                    ResolveResult::Bound(Namespace(ns)) if ns == CALDAV.as_bytes() => "caldav",
                    ResolveResult::Bound(Namespace(ns)) if ns == CARDDAV.as_bytes() => "carddav",
                    ResolveResult::Bound(_) => "other",
                    _ => return None,
                };
                match depth {
                    0 if prefix == "DAV" && local == "error" => {}
                    0 => return None,
                    1 if names.len() < MAX_CONDITIONS => names.push(format!("{prefix}:{local}")),
                    _ => {}
                }
                if matches!(event, Event::Start(_)) {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return None;
                    }
                }
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::DocType(_) => return None,
            Event::Eof => return (!names.is_empty()).then_some(names),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radicale_uid_conflict() {
        let body = br#"<?xml version='1.0' encoding='utf-8'?>
<error xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><C:no-uid-conflict><href>/alice/cal/x.ics</href></C:no-uid-conflict></error>"#;
        assert_eq!(conditions(body).unwrap(), ["caldav:no-uid-conflict"]);
    }

    #[test]
    fn several_conditions_any_prefix() {
        let body = br#"<d:error xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav"><c:valid-address-data/><d:need-privileges/></d:error>"#;
        assert_eq!(
            conditions(body).unwrap(),
            ["carddav:valid-address-data", "DAV:need-privileges"]
        );
    }

    #[test]
    fn other_bodies_are_not_conditions() {
        assert_eq!(conditions(b"Bad Request"), None);
        assert_eq!(conditions(b"<html><body>no</body></html>"), None);
        assert_eq!(conditions(br#"<error xmlns="DAV:"></error>"#), None);
        assert_eq!(
            conditions(br#"<!DOCTYPE e><error xmlns="DAV:"><x/></error>"#),
            None
        );
    }
}
