//! A Graph request ([`GraphRequest`]: method, path below the API root,
//! typed body) made an HTTP request: the path appended to the base URL,
//! the body serialised with `serde_json`, `Content-Type` and `Accept`
//! set to JSON. The driver adds the bearer token.

use crate::error::{Error, Result};
use crate::http::HttpRequest;
use ferry_shared::convert::graph::{GraphRequest, Method};
use http::HeaderValue;
use http::header::{ACCEPT, CONTENT_TYPE};
use url::Url;

const JSON: &str = "application/json";

/// The HTTP request for `request` below `base` (`…/v1.0`).
pub fn http_request(base: &Url, request: &GraphRequest) -> Result<HttpRequest> {
    // The builders of `ferry_shared::convert::graph` percent-encode every
    // path segment and query value, so appending is safe.
    let mut text = base.as_str().trim_end_matches('/').to_string();
    text.push_str(&request.url);
    let url = Url::parse(&text).map_err(|err| Error::InvalidUrl {
        url: text.clone(),
        reason: err.to_string(),
    })?;
    let method = match request.method {
        Method::Get => http::Method::GET,
        Method::Post => http::Method::POST,
        Method::Patch => http::Method::PATCH,
        Method::Delete => http::Method::DELETE,
    };
    let mut http = HttpRequest::new(method, url);
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
