//! The files on the page: those the user dropped or picked (kept as `Blob`s
//! for the parser workers), the bundled sample, rules files and downloads.
//! The bytes stay in the browser: nothing here sends them anywhere.

use std::cell::RefCell;
use std::collections::HashMap;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::Blob;

thread_local! {
    /// The files on the page, by id: kept as `Blob`s (the browser holds
    /// the bytes; they are read again for a detail view or new rules).
    static BLOBS: RefCell<HashMap<usize, Blob>> = RefCell::default();
}

/// Keeps `blob` as file `id`.
pub fn remember(id: usize, blob: Blob) {
    BLOBS.with(|b| b.borrow_mut().insert(id, blob));
}

/// File `id`, if it is still on the page.
pub fn blob(id: usize) -> Option<Blob> {
    BLOBS.with(|b| b.borrow().get(&id).cloned())
}

/// Forgets file `id` (removed from the page).
pub fn forget(id: usize) {
    BLOBS.with(|b| b.borrow_mut().remove(&id));
}

/// Offers `text` to the user as a download named `name`.
pub fn download(name: &str, mime: &str, text: &str) -> Result<(), String> {
    let failed = |_| "The download could not be prepared.".to_string();
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options).map_err(failed)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(failed)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("The download could not be prepared.")?;
    let link: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(failed)?
        .unchecked_into();
    link.set_href(&url);
    link.set_download(name);
    link.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// The text of a small file the user picked (a rules file).
pub async fn read_text(file: &web_sys::File) -> Result<String, String> {
    let text = JsFuture::from(file.text())
        .await
        .map_err(|_| "The browser could not read this file.".to_string())?;
    text.as_string()
        .ok_or_else(|| "The file is not text.".to_string())
}

/// The files of a `FileList` (from a file input or a drop).
pub fn list(files: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(files) = files else {
        return Vec::new();
    };
    (0..files.length()).filter_map(|i| files.get(i)).collect()
}

/// Fetches a file shipped with the page (the samples) as a `Blob`.
pub async fn fetch_blob(path: &str) -> Result<Blob, String> {
    let failed = || "The sample could not be loaded.".to_string();
    let window = web_sys::window().ok_or_else(failed)?;
    let response = JsFuture::from(window.fetch_with_str(path))
        .await
        .map_err(|_| failed())?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| failed())?;
    if !response.ok() {
        return Err(failed());
    }
    let blob = JsFuture::from(response.blob().map_err(|_| failed())?)
        .await
        .map_err(|_| failed())?;
    blob.dyn_into().map_err(|_| failed())
}
