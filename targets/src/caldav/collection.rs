//! Choosing the target collection by name among those in the home set, or
//! the request that creates it (MKCALENDAR for a calendar, extended MKCOL
//! for an address book). No I/O.

use crate::caldav::kind::CollectionKind;
use crate::caldav::outcome::{expect_multistatus, unexpected};
use crate::caldav::paths::{as_collection, child_url, last_segment, resolve_href, same_resource};
use crate::caldav::requests::{self, Depth};
use crate::caldav::xml::multistatus::XmlLimits;
use crate::caldav::xml::names::Property;
use crate::error::{Error, Result};
use crate::http::{HttpRequest, HttpResponse};
use url::Url;

/// The collection wanted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectionSpec {
    /// Matched against display names and the last path segment; a new
    /// collection gets it as both.
    pub name: String,
    pub kind: CollectionKind,
    /// For a new calendar: the component kinds it will hold.
    pub components: Vec<String>,
}

impl CollectionSpec {
    /// A calendar for events and tasks.
    pub fn calendar(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            kind: CollectionKind::Calendar,
            components: vec!["VEVENT".into(), "VTODO".into()],
        }
    }

    /// An address book.
    pub fn address_book(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            kind: CollectionKind::AddressBook,
            components: Vec::new(),
        }
    }
}

/// A collection found in a home set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collection {
    pub url: Url,
    pub display_name: Option<String>,
    /// `None` for a plain WebDAV collection.
    pub kind: Option<CollectionKind>,
    /// `supported-calendar-component-set`, when the server gives it.
    pub components: Vec<String>,
}

/// What to do about the wanted collection.
#[derive(Debug)]
pub enum CollectionChoice {
    /// It exists at this URL.
    Existing(Url),
    /// Send this request to create it at `url`.
    Create { url: Url, request: Box<HttpRequest> },
}

/// `PROPFIND` Depth 1 listing the collections of `home`.
pub fn list_request(home: &Url) -> Result<HttpRequest> {
    requests::propfind(
        home.clone(),
        Depth::One,
        &[
            Property::ResourceType,
            Property::DisplayName,
            Property::SupportedCalendarComponentSet,
        ],
    )
}

/// The collections in the answer to [`list_request`], `home` itself left
/// out.
pub fn read_listing(response: &HttpResponse, limits: &XmlLimits) -> Result<Vec<Collection>> {
    let responses = expect_multistatus(response, "listing collections", limits)?;
    let mut collections = Vec::new();
    for entry in responses {
        let url = as_collection(&resolve_href(&response.url, &entry.href)?);
        let kind = entry.properties.resource_type;
        if !kind.collection || same_resource(&url, &response.url) {
            continue;
        }
        collections.push(Collection {
            url,
            display_name: entry.properties.display_name,
            kind: if kind.calendar {
                Some(CollectionKind::Calendar)
            } else if kind.addressbook {
                Some(CollectionKind::AddressBook)
            } else {
                None
            },
            components: entry.properties.calendar_components,
        });
    }
    Ok(collections)
}

/// Picks the collection named `spec.name` of the right kind, or says how
/// to create it under `home`. A same-named collection of another kind is
/// an error rather than a silent second collection.
pub fn choose(
    home: &Url,
    collections: &[Collection],
    spec: &CollectionSpec,
) -> Result<CollectionChoice> {
    let named: Vec<&Collection> = collections
        .iter()
        .filter(|c| {
            c.display_name.as_deref() == Some(spec.name.as_str())
                || last_segment(&c.url).as_deref() == Some(spec.name.as_str())
        })
        .collect();
    if let Some(found) = named.iter().find(|c| c.kind == Some(spec.kind)) {
        return Ok(CollectionChoice::Existing(found.url.clone()));
    }
    if !named.is_empty() {
        return Err(Error::WrongCollectionKind {
            name: spec.name.clone(),
            wanted: spec.kind.label(),
        });
    }
    let url = child_url(home, &spec.name, true)?;
    let request = match spec.kind {
        CollectionKind::Calendar => {
            requests::mkcalendar(url.clone(), &spec.name, &spec.components)?
        }
        CollectionKind::AddressBook => requests::mkcol_addressbook(url.clone(), &spec.name)?,
    };
    Ok(CollectionChoice::Create {
        url,
        request: Box::new(request),
    })
}

/// Checks the answer to a creation request: `201 Created`, else an error
/// with the server's reason.
pub fn read_created(response: &HttpResponse) -> Result<()> {
    match response.status.as_u16() {
        201 => Ok(()),
        status => Err(unexpected(response, "creating the collection", status)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::{HeaderMap, StatusCode};

    fn home() -> Url {
        Url::parse("http://127.0.0.1:5232/alice/").unwrap()
    }

    fn listing() -> Vec<Collection> {
        let body = r#"<multistatus xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:CR="urn:ietf:params:xml:ns:carddav">
<response><href>/alice/</href><propstat><prop><resourcetype><collection/><principal/></resourcetype></prop><status>HTTP/1.1 200 OK</status></propstat></response>
<response><href>/alice/3f2a-uuid/</href><propstat><prop><resourcetype><collection/><C:calendar/></resourcetype><displayname>Work</displayname>
<C:supported-calendar-component-set><C:comp name="VEVENT"/></C:supported-calendar-component-set></prop><status>HTTP/1.1 200 OK</status></propstat></response>
<response><href>http://127.0.0.1:5232/alice/Contacts</href><propstat><prop><resourcetype><collection/><CR:addressbook/></resourcetype></prop><status>HTTP/1.1 200 OK</status></propstat></response>
<response><href>/alice/loose.ics</href><propstat><prop><resourcetype/></prop><status>HTTP/1.1 200 OK</status></propstat></response>
</multistatus>"#;
        let response = HttpResponse {
            url: home(),
            status: StatusCode::MULTI_STATUS,
            headers: HeaderMap::new(),
            body: body.as_bytes().to_vec(),
        };
        read_listing(&response, &XmlLimits::default()).unwrap()
    }

    #[test]
    fn listing_keeps_member_collections_only() {
        let collections = listing();
        assert_eq!(collections.len(), 2);
        assert_eq!(
            collections[0].url.as_str(),
            "http://127.0.0.1:5232/alice/3f2a-uuid/"
        );
        assert_eq!(collections[0].kind, Some(CollectionKind::Calendar));
        assert_eq!(collections[0].components, ["VEVENT"]);
        assert_eq!(
            collections[1].url.as_str(),
            "http://127.0.0.1:5232/alice/Contacts/"
        );
        assert_eq!(collections[1].kind, Some(CollectionKind::AddressBook));
    }

    #[test]
    fn existing_by_display_name_or_segment() {
        let collections = listing();
        match choose(&home(), &collections, &CollectionSpec::calendar("Work")).unwrap() {
            CollectionChoice::Existing(url) => assert!(url.as_str().ends_with("/3f2a-uuid/")),
            other => panic!("{other:?}"),
        }
        match choose(
            &home(),
            &collections,
            &CollectionSpec::address_book("Contacts"),
        )
        .unwrap()
        {
            CollectionChoice::Existing(url) => assert!(url.as_str().ends_with("/Contacts/")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn same_name_other_kind_is_refused() {
        let result = choose(&home(), &listing(), &CollectionSpec::address_book("Work"));
        assert!(matches!(result, Err(Error::WrongCollectionKind { .. })));
    }

    #[test]
    fn missing_collection_is_created_under_home() {
        match choose(
            &home(),
            &listing(),
            &CollectionSpec::calendar("Old server / 2019"),
        )
        .unwrap()
        {
            CollectionChoice::Create { url, request } => {
                assert_eq!(
                    url.as_str(),
                    "http://127.0.0.1:5232/alice/Old%20server%20%2F%202019/"
                );
                assert_eq!(request.method.as_str(), "MKCALENDAR");
                let body = String::from_utf8(request.body).unwrap();
                assert!(body.contains("<D:displayname>Old server / 2019</D:displayname>"));
            }
            other => panic!("{other:?}"),
        }
    }
}
