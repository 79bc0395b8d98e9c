//! Reads a `207 Multi-Status` body (RFC 4918 §13) into the properties
//! Ferry asked for. Elements are recognised by namespace and local name,
//! whatever prefixes the server chose (or a default namespace). Only
//! properties inside a propstat whose status is 2xx are kept.
//!
//! Safety: a DOCTYPE (and with it any entity declaration) is refused;
//! only the five predefined entities and character references are
//! resolved; depth and response count are bounded by [`XmlLimits`]; the
//! body size is bounded before this by the HTTP client's limit.

use crate::caldav::xml::names::{CALDAV, CARDDAV, DAV};
use crate::error::{Error, Result};
use quick_xml::NsReader;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::name::{Namespace, ResolveResult};

/// Limits of the reader, each with a default.
#[derive(Debug, Clone)]
pub struct XmlLimits {
    /// Deepest element nesting accepted. Default 64.
    pub max_depth: usize,
    /// Most `<response>` elements accepted in one body. Default 200,000.
    pub max_responses: usize,
}

impl Default for XmlLimits {
    fn default() -> Self {
        Self {
            max_depth: 64,
            max_responses: 200_000,
        }
    }
}

/// One `<response>`: a resource and the properties found for it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DavResponse {
    /// The `<href>` as written by the server (still percent-encoded).
    pub href: String,
    /// A status given for the whole response (e.g. `404` for a member
    /// that vanished), if any.
    pub status: Option<u16>,
    pub properties: Properties,
}

/// The properties Ferry reads; absent ones stay empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Properties {
    pub current_user_principal: Option<String>,
    pub calendar_home_set: Vec<String>,
    pub addressbook_home_set: Vec<String>,
    pub resource_type: ResourceType,
    pub display_name: Option<String>,
    /// `supported-calendar-component-set` names (`VEVENT`, `VTODO`, …).
    pub calendar_components: Vec<String>,
    pub etag: Option<String>,
}

/// The `<resourcetype>` markers Ferry cares about.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ResourceType {
    pub collection: bool,
    pub calendar: bool,
    pub addressbook: bool,
    pub principal: bool,
}

impl Properties {
    fn merge(&mut self, other: Properties) {
        if other.current_user_principal.is_some() {
            self.current_user_principal = other.current_user_principal;
        }
        self.calendar_home_set.extend(other.calendar_home_set);
        self.addressbook_home_set.extend(other.addressbook_home_set);
        let (mine, theirs) = (&mut self.resource_type, other.resource_type);
        mine.collection |= theirs.collection;
        mine.calendar |= theirs.calendar;
        mine.addressbook |= theirs.addressbook;
        mine.principal |= theirs.principal;
        if other.display_name.is_some() {
            self.display_name = other.display_name;
        }
        self.calendar_components.extend(other.calendar_components);
        if other.etag.is_some() {
            self.etag = other.etag;
        }
    }
}

/// The elements the reader acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Element {
    Response,
    Href,
    Propstat,
    Status,
    CurrentUserPrincipal,
    CalendarHomeSet,
    AddressbookHomeSet,
    ResourceType,
    Collection,
    Calendar,
    Addressbook,
    Principal,
    DisplayName,
    SupportedCalendarComponentSet,
    Comp,
    GetEtag,
    Other,
}

impl Element {
    fn of(namespace: &ResolveResult<'_>, local: &[u8]) -> Self {
        let ns = match namespace {
            ResolveResult::Bound(Namespace(ns)) => *ns,
            _ => return Element::Other,
        };
        match (ns, local) {
            (ns, local) if ns == DAV.as_bytes() => match local {
                b"response" => Element::Response,
                b"href" => Element::Href,
                b"propstat" => Element::Propstat,
                b"status" => Element::Status,
                b"current-user-principal" => Element::CurrentUserPrincipal,
                b"resourcetype" => Element::ResourceType,
                b"collection" => Element::Collection,
                b"principal" => Element::Principal,
                b"displayname" => Element::DisplayName,
                b"getetag" => Element::GetEtag,
                _ => Element::Other,
            },
            (ns, local) if ns == CALDAV.as_bytes() => match local {
                b"calendar-home-set" => Element::CalendarHomeSet,
                b"calendar" => Element::Calendar,
                b"supported-calendar-component-set" => Element::SupportedCalendarComponentSet,
                b"comp" => Element::Comp,
                _ => Element::Other,
            },
            (ns, local) if ns == CARDDAV.as_bytes() => match local {
                b"addressbook-home-set" => Element::AddressbookHomeSet,
                b"addressbook" => Element::Addressbook,
                _ => Element::Other,
            },
            _ => Element::Other,
        }
    }

    /// Whether the element's text is kept.
    fn holds_text(self) -> bool {
        matches!(
            self,
            Element::Href | Element::Status | Element::DisplayName | Element::GetEtag
        )
    }
}

/// What is being built while reading.
#[derive(Default)]
struct Builder {
    stack: Vec<Element>,
    text: String,
    responses: Vec<DavResponse>,
    response: DavResponse,
    propstat: Properties,
    propstat_status: Option<u16>,
}

impl Builder {
    fn parent(&self) -> Option<Element> {
        self.stack.last().copied()
    }

    fn open(&mut self, element: Element, start: &BytesStart<'_>) -> Result<()> {
        let parent = self.parent();
        match (parent, element) {
            (_, Element::Response) => self.response = DavResponse::default(),
            (_, Element::Propstat) => {
                self.propstat = Properties::default();
                self.propstat_status = None;
            }
            (Some(Element::ResourceType), marker) => {
                let kind = &mut self.propstat.resource_type;
                match marker {
                    Element::Collection => kind.collection = true,
                    Element::Calendar => kind.calendar = true,
                    Element::Addressbook => kind.addressbook = true,
                    Element::Principal => kind.principal = true,
                    _ => {}
                }
            }
            (Some(Element::SupportedCalendarComponentSet), Element::Comp) => {
                if let Some(name) = attribute(start, b"name")? {
                    self.propstat.calendar_components.push(name);
                }
            }
            _ => {}
        }
        self.text.clear();
        Ok(())
    }

    fn close(&mut self, element: Element, limits: &XmlLimits) -> Result<()> {
        let text = std::mem::take(&mut self.text);
        let value = text.trim().to_string();
        match (self.parent(), element) {
            (Some(Element::Response), Element::Href) => self.response.href = value,
            (Some(Element::CurrentUserPrincipal), Element::Href) => {
                self.propstat.current_user_principal = Some(value);
            }
            (Some(Element::CalendarHomeSet), Element::Href) => {
                self.propstat.calendar_home_set.push(value);
            }
            (Some(Element::AddressbookHomeSet), Element::Href) => {
                self.propstat.addressbook_home_set.push(value);
            }
            (Some(Element::Propstat), Element::Status) => {
                self.propstat_status = status_code(&value);
            }
            (Some(Element::Response), Element::Status) => {
                self.response.status = status_code(&value);
            }
            (_, Element::DisplayName) => self.propstat.display_name = Some(value),
            (_, Element::GetEtag) => self.propstat.etag = Some(value),
            (_, Element::Propstat) => {
                let properties = std::mem::take(&mut self.propstat);
                if self
                    .propstat_status
                    .is_some_and(|status| (200..300).contains(&status))
                {
                    self.response.properties.merge(properties);
                }
            }
            (_, Element::Response) => {
                if self.responses.len() >= limits.max_responses {
                    return Err(Error::Xml(format!(
                        "more than {} responses",
                        limits.max_responses
                    )));
                }
                self.responses.push(std::mem::take(&mut self.response));
            }
            _ => {}
        }
        Ok(())
    }

    fn keeps_text(&self) -> bool {
        self.parent().is_some_and(Element::holds_text)
    }
}

/// Reads a multistatus body into its responses, in document order.
pub fn parse(body: &[u8], limits: &XmlLimits) -> Result<Vec<DavResponse>> {
    let mut reader = NsReader::from_reader(body);
    let mut builder = Builder::default();
    loop {
        let (namespace, event) = reader.read_resolved_event().map_err(xml_error)?;
        match event {
            Event::Start(start) => {
                let element = Element::of(&namespace, start.local_name().as_ref());
                if builder.stack.len() >= limits.max_depth {
                    return Err(Error::Xml(format!(
                        "nested deeper than {} elements",
                        limits.max_depth
                    )));
                }
                builder.open(element, &start)?;
                builder.stack.push(element);
            }
            Event::Empty(start) => {
                let element = Element::of(&namespace, start.local_name().as_ref());
                builder.open(element, &start)?;
                builder.close(element, limits)?;
            }
            Event::End(_) => {
                let element = builder.stack.pop();
                if let Some(element) = element {
                    builder.close(element, limits)?;
                }
            }
            Event::Text(text) if builder.keeps_text() => {
                builder.text.push_str(&text.decode().map_err(xml_error)?);
            }
            Event::CData(data) if builder.keeps_text() => {
                builder.text.push_str(&data.decode().map_err(xml_error)?);
            }
            Event::GeneralRef(reference) => {
                let resolved = resolve_reference(&reference)?;
                if builder.keeps_text() {
                    builder.text.push_str(&resolved);
                }
            }
            Event::DocType(_) => return Err(Error::Xml("DOCTYPE refused".into())),
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(builder.responses)
}

/// `&amp;` and the other predefined entities, and `&#…;`; nothing else.
fn resolve_reference(reference: &BytesRef<'_>) -> Result<String> {
    if let Some(character) = reference.resolve_char_ref().map_err(xml_error)? {
        return Ok(character.to_string());
    }
    let name = reference.decode().map_err(xml_error)?;
    quick_xml::escape::resolve_predefined_entity(&name)
        .map(str::to_string)
        .ok_or_else(|| Error::Xml(format!("unknown entity &{name};")))
}

fn attribute(start: &BytesStart<'_>, name: &[u8]) -> Result<Option<String>> {
    for attribute in start.attributes() {
        let attribute = attribute.map_err(xml_error)?;
        if attribute.key.local_name().as_ref() == name {
            let value = attribute.unescape_value().map_err(xml_error)?;
            return Ok(Some(value.into_owned()));
        }
    }
    Ok(None)
}

/// `HTTP/1.1 200 OK` → 200.
fn status_code(line: &str) -> Option<u16> {
    line.split_whitespace().nth(1)?.parse().ok()
}

fn xml_error(err: impl std::fmt::Display) -> Error {
    Error::Xml(err.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(body: &str) -> Vec<DavResponse> {
        parse(body.as_bytes(), &XmlLimits::default()).unwrap()
    }

    #[test]
    fn radicale_style_prefixes() {
        let body = r#"<?xml version='1.0' encoding='utf-8'?>
<multistatus xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><response><href>/alice/</href><propstat><prop><current-user-principal><href>/alice/</href></current-user-principal><C:calendar-home-set><href>/alice/</href></C:calendar-home-set></prop><status>HTTP/1.1 200 OK</status></propstat></response></multistatus>"#;
        let responses = read(body);
        assert_eq!(responses.len(), 1);
        assert_eq!(responses[0].href, "/alice/");
        let p = &responses[0].properties;
        assert_eq!(p.current_user_principal.as_deref(), Some("/alice/"));
        assert_eq!(p.calendar_home_set, ["/alice/"]);
    }

    #[test]
    fn other_prefixes_same_meaning() {
        // SabreDAV writes d:/cal:/card:, others lowercase or uppercase.
        let body = r#"<d:multistatus xmlns:d="DAV:" xmlns:cal="urn:ietf:params:xml:ns:caldav" xmlns:card="urn:ietf:params:xml:ns:carddav">
 <d:response>
  <d:href>/dav/calendars/bob/</d:href>
  <d:propstat><d:prop>
    <card:addressbook-home-set><d:href>https://dav.example/addressbooks/bob/</d:href></card:addressbook-home-set>
    <cal:calendar-home-set>
       <d:href> /dav/calendars/bob/ </d:href>
    </cal:calendar-home-set>
  </d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>
 </d:response>
</d:multistatus>"#;
        let p = &read(body)[0].properties;
        assert_eq!(p.calendar_home_set, ["/dav/calendars/bob/"]);
        assert_eq!(
            p.addressbook_home_set,
            ["https://dav.example/addressbooks/bob/"]
        );
    }

    #[test]
    fn a_wrong_namespace_is_not_mistaken_for_dav() {
        let body = r#"<x:multistatus xmlns:x="urn:not-dav"><x:response><x:href>/a</x:href></x:response></x:multistatus>"#;
        assert!(read(body).is_empty());
    }

    #[test]
    fn collections_with_types_names_components_and_404_propstats() {
        let body = r#"<D:multistatus xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:CR="urn:ietf:params:xml:ns:carddav">
<D:response><D:href>/alice/</D:href>
 <D:propstat><D:prop><D:resourcetype><D:collection/><D:principal/></D:resourcetype></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat>
 <D:propstat><D:prop><D:displayname/><C:supported-calendar-component-set/></D:prop><D:status>HTTP/1.1 404 Not Found</D:status></D:propstat>
</D:response>
<D:response><D:href>/alice/work%20cal/</D:href>
 <D:propstat><D:prop>
  <D:resourcetype><D:collection/><C:calendar/></D:resourcetype>
  <D:displayname>Work &amp; play &#233;t&#xE9;</D:displayname>
  <C:supported-calendar-component-set><C:comp name="VEVENT"/><C:comp name="VTODO"></C:comp></C:supported-calendar-component-set>
 </D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat>
</D:response>
<D:response><D:href>/alice/contacts/</D:href>
 <D:propstat><D:prop><D:resourcetype><D:collection/><CR:addressbook/></D:resourcetype><D:getetag>"abc"</D:getetag></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat>
</D:response>
<D:response><D:href>/alice/gone.ics</D:href><D:status>HTTP/1.1 404 Not Found</D:status></D:response>
</D:multistatus>"#;
        let r = read(body);
        assert_eq!(r.len(), 4);
        let principal = &r[0].properties;
        assert!(principal.resource_type.principal && principal.resource_type.collection);
        assert_eq!(
            principal.display_name, None,
            "a 404 propstat is not a value"
        );
        let calendar = &r[1].properties;
        assert_eq!(r[1].href, "/alice/work%20cal/");
        assert!(calendar.resource_type.calendar && !calendar.resource_type.addressbook);
        assert_eq!(calendar.display_name.as_deref(), Some("Work & play été"));
        assert_eq!(calendar.calendar_components, ["VEVENT", "VTODO"]);
        let contacts = &r[2].properties;
        assert!(contacts.resource_type.addressbook);
        assert_eq!(contacts.etag.as_deref(), Some("\"abc\""));
        assert_eq!(r[3].status, Some(404));
    }

    #[test]
    fn cdata_text_is_read() {
        let body = r#"<multistatus xmlns="DAV:"><response><href><![CDATA[/a&b/]]></href></response></multistatus>"#;
        assert_eq!(read(body)[0].href, "/a&b/");
    }

    #[test]
    fn doctype_and_unknown_entities_are_refused() {
        let doctype = r#"<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x "boom">]><multistatus xmlns="DAV:"><response><href>&x;</href></response></multistatus>"#;
        assert!(
            matches!(parse(doctype.as_bytes(), &XmlLimits::default()), Err(Error::Xml(m)) if m.contains("DOCTYPE"))
        );
        let entity =
            r#"<multistatus xmlns="DAV:"><response><href>&x;</href></response></multistatus>"#;
        assert!(
            matches!(parse(entity.as_bytes(), &XmlLimits::default()), Err(Error::Xml(m)) if m.contains("unknown entity"))
        );
    }

    #[test]
    fn limits_are_enforced() {
        let deep = format!("{}{}", "<a>".repeat(10), "</a>".repeat(10));
        let limits = XmlLimits {
            max_depth: 5,
            ..XmlLimits::default()
        };
        assert!(parse(deep.as_bytes(), &limits).is_err());
        let many = format!(
            "<multistatus xmlns=\"DAV:\">{}</multistatus>",
            "<response><href>/x</href></response>".repeat(3)
        );
        let limits = XmlLimits {
            max_responses: 2,
            ..XmlLimits::default()
        };
        assert!(parse(many.as_bytes(), &limits).is_err());
        assert_eq!(
            parse(many.as_bytes(), &XmlLimits::default()).unwrap().len(),
            3
        );
    }

    #[test]
    fn malformed_xml_is_an_error() {
        assert!(
            parse(
                b"<multistatus xmlns=\"DAV:\"><response></multistatus>",
                &XmlLimits::default()
            )
            .is_err()
        );
    }
}
