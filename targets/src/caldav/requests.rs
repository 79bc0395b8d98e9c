//! The WebDAV requests Ferry sends, as [`HttpRequest`] values: PROPFIND,
//! MKCALENDAR, extended MKCOL, `PUT` with `If-None-Match: *`, GET.

use crate::caldav::kind::ContentType;
use crate::caldav::xml::names::Property;
use crate::caldav::xml::write;
use crate::error::{Error, Result};
use crate::http::HttpRequest;
use http::header::{CONTENT_TYPE, HeaderValue, IF_NONE_MATCH};
use http::{HeaderName, Method};
use url::Url;

const XML: &str = "application/xml; charset=utf-8";

/// How far a PROPFIND reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// The resource itself.
    Zero,
    /// The resource and its direct members.
    One,
}

/// `PROPFIND` for `properties` at `url`.
pub fn propfind(url: Url, depth: Depth, properties: &[Property]) -> Result<HttpRequest> {
    let mut request = HttpRequest::new(dav_method(b"PROPFIND")?, url);
    let depth = match depth {
        Depth::Zero => "0",
        Depth::One => "1",
    };
    request.headers.insert(
        HeaderName::from_static("depth"),
        HeaderValue::from_static(depth),
    );
    request
        .headers
        .insert(CONTENT_TYPE, HeaderValue::from_static(XML));
    request.body = write::propfind(properties)?;
    Ok(request)
}

/// `MKCALENDAR` at `url` with a display name and component kinds.
pub fn mkcalendar(url: Url, display_name: &str, components: &[String]) -> Result<HttpRequest> {
    let mut request = HttpRequest::new(dav_method(b"MKCALENDAR")?, url);
    request
        .headers
        .insert(CONTENT_TYPE, HeaderValue::from_static(XML));
    request.body = write::mkcalendar(display_name, components)?;
    Ok(request)
}

/// Extended `MKCOL` at `url` making an address book.
pub fn mkcol_addressbook(url: Url, display_name: &str) -> Result<HttpRequest> {
    let mut request = HttpRequest::new(dav_method(b"MKCOL")?, url);
    request
        .headers
        .insert(CONTENT_TYPE, HeaderValue::from_static(XML));
    request.body = write::mkcol_addressbook(display_name)?;
    Ok(request)
}

/// `PUT` that only creates: `If-None-Match: *` makes the server answer
/// `412` when something already has this URL.
pub fn put_new(url: Url, body: Vec<u8>, content_type: ContentType) -> HttpRequest {
    let mut request = HttpRequest::new(Method::PUT, url);
    request
        .headers
        .insert(IF_NONE_MATCH, HeaderValue::from_static("*"));
    request.headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static(content_type.header_value()),
    );
    request.body = body;
    request
}

/// `GET` of one resource.
pub fn get(url: Url) -> HttpRequest {
    HttpRequest::new(Method::GET, url)
}

fn dav_method(name: &[u8]) -> Result<Method> {
    Method::from_bytes(name).map_err(|err| Error::InvalidRequest(err.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url() -> Url {
        Url::parse("http://127.0.0.1/alice/cal/").unwrap()
    }

    #[test]
    fn propfind_has_depth_type_and_body() {
        let r = propfind(url(), Depth::One, &[Property::GetEtag]).unwrap();
        assert_eq!(r.method.as_str(), "PROPFIND");
        assert_eq!(r.headers["depth"], "1");
        assert_eq!(r.headers["content-type"], XML);
        assert!(String::from_utf8(r.body).unwrap().contains("<D:getetag/>"));
    }

    #[test]
    fn put_new_only_creates() {
        let r = put_new(url(), b"BEGIN:VCARD".to_vec(), ContentType::VCard);
        assert_eq!(r.method, Method::PUT);
        assert_eq!(r.headers["if-none-match"], "*");
        assert_eq!(r.headers["content-type"], "text/vcard; charset=utf-8");
        assert_eq!(r.body, b"BEGIN:VCARD");
    }

    #[test]
    fn collection_makers_use_their_methods() {
        let r = mkcalendar(url(), "Cal", &["VEVENT".into()]).unwrap();
        assert_eq!(r.method.as_str(), "MKCALENDAR");
        let r = mkcol_addressbook(url(), "Book").unwrap();
        assert_eq!(r.method.as_str(), "MKCOL");
        assert!(
            String::from_utf8(r.body)
                .unwrap()
                .contains("<CR:addressbook/>")
        );
    }
}
