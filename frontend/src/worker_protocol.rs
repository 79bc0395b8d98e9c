//! The messages between the page and its parser worker, shared by both
//! sides so they cannot drift apart.
//!
//! Page → worker: a plain JS object `{id, op, file, limits, rules, index}`
//! where `file` is the `Blob` itself (handed over without copying its
//! bytes), `limits` and `rules` are JSON text, and `op` is `"preview"`
//! (every item as a compact row) or `"detail"` (one item in full); a
//! large iCalendar file is cut into parts that the workers read one after
//! another (`"part"`), joined on the page.
//!
//! Worker → page: `{kind: "ready"}` once, when it can take requests
//! (messages sent before would be lost); then `{id, kind: "progress",
//! done, total}` while the file is
//! read, then `{id, kind: "done", json}` or `{id, kind: "failed",
//! message}`.

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

pub const OP_PREVIEW: &str = "preview";
pub const OP_DETAIL: &str = "detail";
/// The preview of one part; the request also carries `first`, `last` and
/// `zones` (JSON list of time zones other parts define).
pub const OP_PART: &str = "part";
pub const KIND_READY: &str = "ready";
pub const KIND_PROGRESS: &str = "progress";
pub const KIND_DONE: &str = "done";
pub const KIND_FAILED: &str = "failed";

/// Sets `key` on `object` (ignoring the impossible failure on a plain
/// object).
pub fn set(object: &Object, key: &str, value: impl Into<JsValue>) {
    let _ = Reflect::set(object, &JsValue::from_str(key), &value.into());
}

/// Reads `key` from a message.
pub fn get(message: &JsValue, key: &str) -> JsValue {
    Reflect::get(message, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Reads a string field.
pub fn get_string(message: &JsValue, key: &str) -> Option<String> {
    get(message, key).as_string()
}

/// Reads a number field.
pub fn get_number(message: &JsValue, key: &str) -> Option<f64> {
    get(message, key).as_f64()
}
