//! Whether a redirect is followed, decided without I/O: only `301`, `302`,
//! `303`, `307` and `308` with a `Location`, only to the same scheme, host
//! and port, and only up to the configured count.

use crate::error::{Error, Result};
use crate::http::message::HttpResponse;
use url::Url;

/// What to do with a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedirectDecision {
    /// Not a redirect: the response is the answer.
    Final,
    /// Send the same request again to this URL.
    Follow(Url),
}

/// Decides about `response`, the answer to a request for `response.url`,
/// after `followed` redirects already.
pub fn decide(response: &HttpResponse, followed: usize, limit: usize) -> Result<RedirectDecision> {
    if !matches!(response.status.as_u16(), 301 | 302 | 303 | 307 | 308) {
        return Ok(RedirectDecision::Final);
    }
    let Some(location) = response.header("location") else {
        return Ok(RedirectDecision::Final);
    };
    let target = response
        .url
        .join(location)
        .map_err(|err| Error::InvalidUrl {
            url: location.to_string(),
            reason: err.to_string(),
        })?;
    if !same_origin(&response.url, &target) {
        return Err(Error::RedirectToOtherHost {
            location: target.to_string(),
        });
    }
    if followed >= limit {
        return Err(Error::TooManyRedirects { limit });
    }
    Ok(RedirectDecision::Follow(target))
}

/// Same scheme, host and port (default ports made explicit).
pub fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::{HeaderMap, HeaderValue, StatusCode};

    fn redirect(from: &str, status: u16, location: &str) -> HttpResponse {
        let mut headers = HeaderMap::new();
        headers.insert("location", HeaderValue::from_str(location).unwrap());
        HttpResponse {
            url: Url::parse(from).unwrap(),
            status: StatusCode::from_u16(status).unwrap(),
            headers,
            body: Vec::new(),
        }
    }

    #[test]
    fn relative_location_on_the_same_server_is_followed() {
        let r = redirect("http://127.0.0.1:5232/.well-known/caldav", 301, "/");
        assert_eq!(
            decide(&r, 0, 5).unwrap(),
            RedirectDecision::Follow(Url::parse("http://127.0.0.1:5232/").unwrap())
        );
    }

    #[test]
    fn another_host_port_or_scheme_is_refused() {
        for location in [
            "http://evil.example/",
            "http://127.0.0.1:9999/",
            "https://127.0.0.1:5232/",
        ] {
            let r = redirect("http://127.0.0.1:5232/a", 302, location);
            assert!(
                matches!(decide(&r, 0, 5), Err(Error::RedirectToOtherHost { .. })),
                "{location}"
            );
        }
    }

    #[test]
    fn explicit_default_port_is_the_same_origin() {
        let r = redirect("https://dav.example/a", 308, "https://dav.example:443/b");
        assert!(matches!(decide(&r, 0, 5), Ok(RedirectDecision::Follow(_))));
    }

    #[test]
    fn the_limit_stops_loops() {
        let r = redirect("http://127.0.0.1/a", 307, "/a");
        assert!(matches!(
            decide(&r, 5, 5),
            Err(Error::TooManyRedirects { limit: 5 })
        ));
    }

    #[test]
    fn other_statuses_and_missing_location_are_final() {
        let mut r = redirect("http://127.0.0.1/a", 200, "/b");
        assert_eq!(decide(&r, 0, 5).unwrap(), RedirectDecision::Final);
        r.status = StatusCode::MOVED_PERMANENTLY;
        r.headers.clear();
        assert_eq!(decide(&r, 0, 5).unwrap(), RedirectDecision::Final);
    }
}
