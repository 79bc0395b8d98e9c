//! Reading files the user dropped or picked, and fetching the bundled sample.
//! The bytes stay in the browser: nothing here sends them anywhere.

use js_sys::Uint8Array;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The files of a `FileList` (from a file input or a drop).
pub fn list(files: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(files) = files else {
        return Vec::new();
    };
    (0..files.length()).filter_map(|i| files.get(i)).collect()
}

/// All bytes of `file`.
pub async fn read_bytes(file: &web_sys::File) -> Result<Vec<u8>, String> {
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| "The browser could not read this file.".to_string())?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// Fetches a file shipped with the page (the samples).
pub async fn fetch_bytes(path: &str) -> Result<Vec<u8>, String> {
    let failed = || "The sample could not be loaded.".to_string();
    let window = web_sys::window().ok_or_else(failed)?;
    let response = JsFuture::from(window.fetch_with_str(path))
        .await
        .map_err(|_| failed())?;
    let response: web_sys::Response = response.dyn_into().map_err(|_| failed())?;
    if !response.ok() {
        return Err(failed());
    }
    let buffer = JsFuture::from(response.array_buffer().map_err(|_| failed())?)
        .await
        .map_err(|_| failed())?;
    Ok(Uint8Array::new(&buffer).to_vec())
}
