//! The parser worker: reads a dropped file in slices (reporting progress),
//! parses and maps it with `ferry-shared`, and sends the compact preview
//! (or one item in full) back to the page as JSON. Parsing here keeps the
//! page responsive however large the file is; the worker's memory goes
//! when the page ends it.

#[cfg(target_arch = "wasm32")]
fn main() {
    worker::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}

#[cfg(target_arch = "wasm32")]
mod worker {
    use ferry_frontend::worker_protocol::{
        KIND_DONE, KIND_FAILED, KIND_PROGRESS, KIND_READY, OP_DETAIL, OP_PART, OP_PREVIEW, get,
        get_number, get_string, set,
    };
    use ferry_shared::ParseLimits;
    use ferry_shared::ical::scan::Part;
    use ferry_shared::mapping::MappingRules;
    use ferry_shared::preview::{detail, item_requests, preview_bytes, preview_part};
    use js_sys::{Object, Uint8Array};
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::*;
    use wasm_bindgen_futures::{JsFuture, spawn_local};
    use web_sys::{Blob, DedicatedWorkerGlobalScope, MessageEvent};

    /// Files are read in slices of this size, so progress can be shown.
    const SLICE_BYTES: f64 = 8.0 * 1024.0 * 1024.0;

    pub fn start() {
        let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            spawn_local(handle(event.data()));
        });
        scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        let ready = Object::new();
        set(&ready, "kind", KIND_READY);
        post(&ready);
    }

    fn post(message: &Object) {
        let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
        let _ = scope.post_message(message);
    }

    fn reply(id: f64, kind: &str) -> Object {
        let message = Object::new();
        set(&message, "id", id);
        set(&message, "kind", kind);
        message
    }

    async fn handle(request: JsValue) {
        let id = get_number(&request, "id").unwrap_or(-1.0);
        let message = match run(id, &request).await {
            Ok(json) => {
                let message = reply(id, KIND_DONE);
                set(&message, "json", json);
                message
            }
            Err(text) => {
                let message = reply(id, KIND_FAILED);
                set(&message, "message", text);
                message
            }
        };
        post(&message);
    }

    async fn run(id: f64, request: &JsValue) -> Result<String, String> {
        let limits: ParseLimits = get_string(request, "limits")
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default();
        let rules: MappingRules = get_string(request, "rules")
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default();
        let blob: Blob = get(request, "file")
            .dyn_into()
            .map_err(|_| "The page sent no file.".to_string())?;
        if blob.size() > limits.max_file_bytes as f64 {
            return Err(ferry_shared::InspectError::TooLarge {
                size: blob.size() as usize,
                limit: limits.max_file_bytes,
            }
            .to_string());
        }
        let bytes = read(id, &blob).await?;
        let op = get_string(request, "op").unwrap_or_default();
        let json = if op == OP_PREVIEW {
            let preview = preview_bytes(&bytes, &limits, &rules).map_err(|e| e.to_string())?;
            drop(bytes);
            serde_json::to_string(&preview)
        } else if op == OP_PART {
            let part = Part {
                first: get(request, "first").as_bool().unwrap_or(true),
                last: get(request, "last").as_bool().unwrap_or(true),
            };
            let zones: Vec<String> = get_string(request, "zones")
                .and_then(|json| serde_json::from_str(&json).ok())
                .unwrap_or_default();
            let read =
                preview_part(&bytes, &limits, &rules, &part, &zones).map_err(|e| e.to_string())?;
            drop(bytes);
            serde_json::to_string(&read)
        } else if op == OP_DETAIL {
            let index = get_number(request, "index").unwrap_or(0.0) as usize;
            let mut item = detail(&bytes, &limits, &rules, index).map_err(|e| e.to_string())?;
            if let Some(item) = &mut item {
                let now = chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64)
                    .unwrap_or_default();
                item.requests = item_requests(&bytes, &limits, &rules, item, now);
            }
            serde_json::to_string(&item)
        } else {
            return Err(format!("Unknown request “{op}”."));
        };
        json.map_err(|_| "The result could not be sent to the page.".to_string())
    }

    /// All bytes of `blob`, read slice by slice with progress messages.
    async fn read(id: f64, blob: &Blob) -> Result<Vec<u8>, String> {
        let failed = |_| "The browser could not read this file.".to_string();
        let total = blob.size();
        let mut bytes = Vec::with_capacity(total as usize);
        let mut done = 0.0;
        while done < total {
            let end = (done + SLICE_BYTES).min(total);
            let slice = blob.slice_with_f64_and_f64(done, end).map_err(failed)?;
            let buffer = JsFuture::from(slice.array_buffer()).await.map_err(failed)?;
            let chunk = Uint8Array::new(&buffer);
            let start = bytes.len();
            bytes.resize(start + chunk.length() as usize, 0);
            chunk.copy_to(&mut bytes[start..]);
            done = end;
            let progress = reply(id, KIND_PROGRESS);
            set(&progress, "done", done);
            set(&progress, "total", total);
            post(&progress);
        }
        Ok(bytes)
    }
}
