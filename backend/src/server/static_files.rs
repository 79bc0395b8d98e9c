//! Serving the Trunk-built page from the static folder. Any path that is not
//! a file gets `index.html`, so the page's own routes survive a reload. When
//! the page has not been built, a short page says how to build it.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse};
use axum::routing::{MethodRouter, get};
use std::path::Path;
use tower_http::services::{ServeDir, ServeFile};

const NOT_BUILT: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>Ferry</title></head><body style=\"font-family:system-ui;max-width:40rem;margin:4rem auto\">\
<h1>Ferry is running, but its web page is not built</h1>\
<p>Build it with <code>./run.sh</code> (which also starts Ferry), or with \
<code>trunk build --release</code>, then reload this page.</p></body></html>";

/// The fallback service for every path outside `/api`.
pub fn service(static_dir: &Path) -> MethodRouter {
    let index = static_dir.join("index.html");
    if index.is_file() {
        let files = ServeDir::new(static_dir)
            .precompressed_br()
            .precompressed_gzip()
            .fallback(ServeFile::new(index));
        axum::routing::get_service(files)
    } else {
        get(|| async { (StatusCode::SERVICE_UNAVAILABLE, Html(NOT_BUILT)).into_response() })
    }
}
