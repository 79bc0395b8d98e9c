//! What a collection already holds: `PROPFIND` Depth 1 of `getetag`, read
//! into resource names, so a re-run skips them without a `PUT`. No I/O.

use crate::caldav::outcome::expect_multistatus;
use crate::caldav::paths::{last_segment, resolve_href, same_resource};
use crate::caldav::requests::{self, Depth};
use crate::caldav::xml::multistatus::XmlLimits;
use crate::caldav::xml::names::Property;
use crate::error::Result;
use crate::http::{HttpRequest, HttpResponse};
use std::collections::BTreeMap;
use url::Url;

/// `PROPFIND` Depth 1 of `getetag` and `resourcetype` on `collection`.
pub fn list_request(collection: &Url) -> Result<HttpRequest> {
    requests::propfind(
        collection.clone(),
        Depth::One,
        &[Property::GetEtag, Property::ResourceType],
    )
}

/// Resource name (decoded last path segment) → ETag, for every member
/// that is not itself a collection.
pub fn read_members(
    response: &HttpResponse,
    limits: &XmlLimits,
) -> Result<BTreeMap<String, Option<String>>> {
    let responses = expect_multistatus(response, "listing resources", limits)?;
    let mut members = BTreeMap::new();
    for entry in responses {
        if entry.status.is_some_and(|status| status >= 300)
            || entry.properties.resource_type.collection
        {
            continue;
        }
        let url = resolve_href(&response.url, &entry.href)?;
        if same_resource(&url, &response.url) {
            continue;
        }
        if let Some(name) = last_segment(&url) {
            members.insert(name, entry.properties.etag);
        }
    }
    Ok(members)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::{HeaderMap, StatusCode};

    #[test]
    fn members_by_decoded_name_with_etags() {
        let body = r#"<D:multistatus xmlns:D="DAV:">
<D:response><D:href>/alice/cal/</D:href><D:propstat><D:prop><D:resourcetype><D:collection/></D:resourcetype><D:getetag>"c"</D:getetag></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>
<D:response><D:href>/alice/cal/a%20b%40c.ics</D:href><D:propstat><D:prop><D:getetag>"1"</D:getetag><D:resourcetype/></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>
<D:response><D:href>http://127.0.0.1/alice/cal/plain.ics</D:href><D:propstat><D:prop><D:getetag>"2"</D:getetag></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>
<D:response><D:href>gone.ics</D:href><D:status>HTTP/1.1 404 Not Found</D:status></D:response>
</D:multistatus>"#;
        let response = HttpResponse {
            url: Url::parse("http://127.0.0.1/alice/cal/").unwrap(),
            status: StatusCode::MULTI_STATUS,
            headers: HeaderMap::new(),
            body: body.as_bytes().to_vec(),
        };
        let members = read_members(&response, &XmlLimits::default()).unwrap();
        assert_eq!(members.len(), 2, "{members:?}");
        assert_eq!(members["a b@c.ics"].as_deref(), Some("\"1\""));
        assert_eq!(members["plain.ics"].as_deref(), Some("\"2\""));
    }
}
