//! The cross-site request guard for everything under `/api` that changes
//! state (any method but GET, HEAD and OPTIONS): the request must carry
//! Ferry's own header (a form or image on another site cannot add one,
//! and Ferry allows no CORS), and when the browser says where it comes
//! from (`Origin`, `Sec-Fetch-Site`), that must be this site. Bodies
//! are JSON only (axum's `Json` refuses any other content type).

use crate::server::ApiError;
use axum::extract::Request;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use ferry_shared::api::REQUEST_HEADER;

/// The middleware.
pub async fn same_site_only(request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) || is_same_site(request.headers())
    {
        next.run(request).await
    } else {
        ApiError::forbidden(
            "cross_site_request",
            "This request did not come from Ferry's own page.",
        )
        .into_response()
    }
}

/// Whether the headers show a request made by Ferry's page.
pub fn is_same_site(headers: &HeaderMap) -> bool {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if text(REQUEST_HEADER) != Some("1") {
        return false;
    }
    if let Some(site) = text("sec-fetch-site")
        && !matches!(site, "same-origin" | "none")
    {
        return false;
    }
    match (text(header::ORIGIN.as_str()), text(header::HOST.as_str())) {
        (None, _) => true,
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .is_some_and(|(_, authority)| authority.eq_ignore_ascii_case(host)),
        (Some(_), None) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn only_requests_from_ferrys_page_pass() {
        let own = [("x-ferry-request", "1"), ("host", "ferry.example")];
        assert!(is_same_site(&headers(&own)));
        assert!(is_same_site(&headers(&[
            ("x-ferry-request", "1"),
            ("host", "ferry.example"),
            ("origin", "https://ferry.example"),
            ("sec-fetch-site", "same-origin"),
        ])));
        for bad in [
            &[("host", "ferry.example")][..],
            &[("x-ferry-request", "yes"), ("host", "ferry.example")],
            &[
                ("x-ferry-request", "1"),
                ("host", "ferry.example"),
                ("origin", "https://evil.example"),
            ],
            &[
                ("x-ferry-request", "1"),
                ("host", "ferry.example"),
                ("sec-fetch-site", "cross-site"),
            ],
            &[
                ("x-ferry-request", "1"),
                ("origin", "https://ferry.example"),
            ],
        ] {
            assert!(!is_same_site(&headers(bad)), "{bad:?}");
        }
    }
}
