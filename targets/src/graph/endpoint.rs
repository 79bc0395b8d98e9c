//! A step's request ([`Outgoing`]) made an HTTP request: a Graph
//! request's path appended to the base URL, its body serialised with
//! `serde_json`, `Content-Type` and `Accept` set to JSON; a next page
//! fetched as it is (checked by [`crate::graph::paging`], and again
//! here); a `$batch` body serialised; a photo's bytes `PUT` with their
//! media type. The driver adds the bearer token.

use crate::error::{Error, Result};
use crate::graph::paging::next_page;
use crate::graph::step::Outgoing;
use crate::http::HttpRequest;
use ferry_shared::convert::graph::{BATCH_URL, GraphRequest, Method};
use http::HeaderValue;
use http::header::{ACCEPT, CONTENT_TYPE};
use url::Url;

const JSON: &str = "application/json";

/// The HTTP request for `outgoing` below `base` (`…/v1.0`).
pub fn outgoing_request(base: &Url, outgoing: &Outgoing) -> Result<HttpRequest> {
    match outgoing {
        Outgoing::Graph(request) => http_request(base, request),
        Outgoing::Page(link) => {
            let url = next_page(link.as_str(), base).map_err(|reason| Error::InvalidUrl {
                url: link.origin().ascii_serialization(),
                reason,
            })?;
            let mut http = HttpRequest::new(http::Method::GET, url);
            http.headers.insert(ACCEPT, HeaderValue::from_static(JSON));
            Ok(http)
        }
        Outgoing::Batch(batch) => {
            let mut http = HttpRequest::new(http::Method::POST, below(base, BATCH_URL)?);
            http.headers.insert(ACCEPT, HeaderValue::from_static(JSON));
            http.headers
                .insert(CONTENT_TYPE, HeaderValue::from_static(JSON));
            http.body =
                serde_json::to_vec(batch).map_err(|err| Error::InvalidRequest(err.to_string()))?;
            Ok(http)
        }
        Outgoing::Photo { url, photo } => {
            let mut http = HttpRequest::new(http::Method::PUT, below(base, url)?);
            let kind = HeaderValue::from_str(&photo.content_type)
                .map_err(|err| Error::InvalidRequest(err.to_string()))?;
            http.headers.insert(CONTENT_TYPE, kind);
            http.body = photo.bytes.clone();
            Ok(http)
        }
    }
}

/// `path` (encoded by the builders of `ferry_shared::convert::graph`)
/// below `base`.
fn below(base: &Url, path: &str) -> Result<Url> {
    // The builders percent-encode every path segment and query value, so
    // appending is safe.
    let mut text = base.as_str().trim_end_matches('/').to_string();
    text.push_str(path);
    Url::parse(&text).map_err(|err| Error::InvalidUrl {
        url: text.clone(),
        reason: err.to_string(),
    })
}

/// The HTTP request for `request` below `base` (`…/v1.0`).
pub fn http_request(base: &Url, request: &GraphRequest) -> Result<HttpRequest> {
    let method = match request.method {
        Method::Get => http::Method::GET,
        Method::Post => http::Method::POST,
        Method::Patch => http::Method::PATCH,
        Method::Put => http::Method::PUT,
        Method::Delete => http::Method::DELETE,
    };
    let mut http = HttpRequest::new(method, below(base, &request.url)?);
    http.headers.insert(ACCEPT, HeaderValue::from_static(JSON));
    if let Some(body) = &request.body {
        http.body =
            serde_json::to_vec(body).map_err(|err| Error::InvalidRequest(err.to_string()))?;
        http.headers
            .insert(CONTENT_TYPE, HeaderValue::from_static(JSON));
    }
    Ok(http)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferry_shared::convert::graph::resources::Contact;
    use ferry_shared::convert::graph::{GraphTarget, create_contact, task_lists};

    fn base() -> Url {
        Url::parse("http://127.0.0.1:8080/v1.0/").unwrap()
    }

    #[test]
    fn a_post_carries_its_body_as_json() {
        let contact = Contact {
            display_name: Some("Ana \"Q\" Lima".into()),
            ..Contact::default()
        };
        let request = create_contact(contact, &GraphTarget::default()).unwrap();
        let http = http_request(&base(), &request).unwrap();
        assert_eq!(http.method, http::Method::POST);
        assert_eq!(http.url.as_str(), "http://127.0.0.1:8080/v1.0/me/contacts");
        assert_eq!(http.headers[CONTENT_TYPE], JSON);
        let body: serde_json::Value = serde_json::from_slice(&http.body).unwrap();
        assert_eq!(body["displayName"], "Ana \"Q\" Lima");
    }

    #[test]
    fn a_get_has_no_body_and_keeps_the_user_encoded() {
        let target = GraphTarget {
            user: Some("zyg@ferry.test/../x".into()),
            ..GraphTarget::default()
        };
        let http = http_request(&base(), &task_lists(&target)).unwrap();
        assert_eq!(http.method, http::Method::GET);
        assert!(http.body.is_empty());
        assert!(http.headers.get(CONTENT_TYPE).is_none());
        assert!(!http.url.path().contains("/../"), "{}", http.url);
    }
}
