//! The values that cross the boundary between protocol logic and the
//! driver: a request to send and the response received. Neither does I/O.

use http::{HeaderMap, Method, StatusCode};
use url::Url;

/// One request, fully decided by the protocol logic. The driver adds only
/// `Host`, `Authorization`, `User-Agent` and `Content-Length`.
#[derive(Debug, Clone)]
pub struct HttpRequest {
    pub method: Method,
    pub url: Url,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl HttpRequest {
    /// A request without headers or body.
    pub fn new(method: Method, url: Url) -> Self {
        Self {
            method,
            url,
            headers: HeaderMap::new(),
            body: Vec::new(),
        }
    }
}

/// One response, read completely (within the size limit).
#[derive(Debug, Clone)]
pub struct HttpResponse {
    /// The URL that answered: the request's, or where same-server
    /// redirects led. Relative `href`s are resolved against it.
    pub url: Url,
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The body as text for an error message: lossy UTF-8, whitespace
    /// collapsed, cut to `max_chars`.
    pub fn reason(&self, max_chars: usize) -> String {
        let text = String::from_utf8_lossy(&self.body);
        let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut reason: String = collapsed.chars().take(max_chars).collect();
        if collapsed.chars().count() > max_chars {
            reason.push('…');
        }
        if reason.is_empty() {
            self.status
                .canonical_reason()
                .unwrap_or("no reason given")
                .to_string()
        } else {
            reason
        }
    }

    /// A header's value as text, if present and visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            url: Url::parse("http://127.0.0.1/").unwrap(),
            status: StatusCode::from_u16(status).unwrap(),
            headers: HeaderMap::new(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn reason_collapses_whitespace_and_cuts() {
        let r = response(400, "  Bad\n\n  component   here  ");
        assert_eq!(r.reason(100), "Bad component here");
        assert_eq!(r.reason(3), "Bad…");
    }

    #[test]
    fn reason_falls_back_to_status_text() {
        assert_eq!(response(403, "").reason(100), "Forbidden");
    }
}
