//! Calls to the back end's JSON API.

use ferry_shared::ParseLimits;
use serde::Deserialize;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// What `GET /api/config` answers.
#[derive(Debug, Clone, Deserialize)]
pub struct PageConfig {
    pub version: String,
    pub limits: ParseLimits,
}

/// Fetches the site's configuration; `None` when the page is served without
/// Ferry's back end (the page then uses the built-in default limits).
pub async fn page_config() -> Option<PageConfig> {
    let window = web_sys::window()?;
    let response = JsFuture::from(window.fetch_with_str("/api/config"))
        .await
        .ok()?;
    let response: web_sys::Response = response.dyn_into().ok()?;
    if !response.ok() {
        return None;
    }
    let text = JsFuture::from(response.text().ok()?)
        .await
        .ok()?
        .as_string()?;
    serde_json::from_str(&text).ok()
}
