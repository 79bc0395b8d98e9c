//! The page's side of the parser worker (`src/bin/parser_worker.rs`):
//! files go to the worker as `Blob`s (no copy), answers come back as JSON
//! and are awaited as futures. One worker serves the page; after a large
//! file it is ended and a fresh one started on the next request, so the
//! memory used for parsing is given back to the system.

use crate::worker_protocol::{
    KIND_DONE, KIND_PROGRESS, KIND_READY, OP_DETAIL, OP_PREVIEW, get, get_number, get_string, set,
};
use ferry_shared::ParseLimits;
use ferry_shared::mapping::MappingRules;
use ferry_shared::preview::{FilePreview, ItemDetail};
use js_sys::{Function, Object, Promise};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, MessageEvent, Worker};

/// The worker's script, written by Trunk (`data-loader-shim`).
const WORKER_SCRIPT: &str = "/parser_worker_loader.js";
/// After a file this large the worker is ended, freeing its memory.
const FRESH_WORKER_AFTER_BYTES: f64 = 16.0 * 1024.0 * 1024.0;

type ProgressFn = Box<dyn Fn(f64, f64)>;

struct Pending {
    resolve: Function,
    on_progress: Option<ProgressFn>,
}

struct Connection {
    worker: Worker,
    /// Resolves when the worker said it is ready.
    ready: Promise,
    pending: Rc<RefCell<HashMap<u32, Pending>>>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

thread_local! {
    static CONNECTION: RefCell<Option<Rc<Connection>>> = const { RefCell::new(None) };
    static NEXT_ID: RefCell<u32> = const { RefCell::new(1) };
}

fn connection() -> Result<Rc<Connection>, String> {
    if let Some(existing) = CONNECTION.with(|c| c.borrow().clone()) {
        return Ok(existing);
    }
    let worker = Worker::new(WORKER_SCRIPT)
        .map_err(|_| "This browser could not start Ferry's file reader.".to_string())?;
    let pending: Rc<RefCell<HashMap<u32, Pending>>> = Rc::default();
    let routes = pending.clone();
    let ready_resolve: Rc<RefCell<Option<Function>>> = Rc::default();
    let ready_reject: Rc<RefCell<Option<Function>>> = Rc::default();
    let (resolve_slot, reject_slot) = (ready_resolve.clone(), ready_reject.clone());
    let ready = Promise::new(&mut |resolve, reject| {
        *resolve_slot.borrow_mut() = Some(resolve);
        *reject_slot.borrow_mut() = Some(reject);
    });
    // The worker could not start or crashed: everything waiting fails
    // with a message, and the next request starts a fresh worker.
    let failed_routes = pending.clone();
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
        event.prevent_default();
        if let Some(reject) = ready_reject.borrow_mut().take() {
            let _ = reject.call0(&JsValue::NULL);
        }
        let failed = Object::new();
        set(&failed, "kind", crate::worker_protocol::KIND_FAILED);
        set(
            &failed,
            "message",
            "Ferry's file reader stopped (the browser may be short of memory).",
        );
        for (_, waiting) in failed_routes.borrow_mut().drain() {
            let _ = waiting.resolve.call1(&JsValue::NULL, &failed);
        }
        CONNECTION.with(|c| c.borrow_mut().take());
    });
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let data = event.data();
        if get_string(&data, "kind").as_deref() == Some(KIND_READY) {
            if let Some(resolve) = ready_resolve.borrow_mut().take() {
                let _ = resolve.call0(&JsValue::NULL);
            }
            return;
        }
        let Some(id) = get_number(&data, "id").map(|id| id as u32) else {
            return;
        };
        let kind = get_string(&data, "kind").unwrap_or_default();
        if kind == KIND_PROGRESS {
            if let Some(Pending {
                on_progress: Some(progress),
                ..
            }) = routes.borrow().get(&id)
            {
                progress(
                    get_number(&data, "done").unwrap_or(0.0),
                    get_number(&data, "total").unwrap_or(0.0),
                );
            }
            return;
        }
        if let Some(done) = routes.borrow_mut().remove(&id) {
            let _ = done.resolve.call1(&JsValue::NULL, &data);
        }
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    let connection = Rc::new(Connection {
        worker,
        ready,
        pending,
        _on_message: on_message,
        _on_error: on_error,
    });
    CONNECTION.with(|c| *c.borrow_mut() = Some(connection.clone()));
    Ok(connection)
}

/// Ends the worker once nothing waits for it (its memory is freed).
fn end_worker_when_idle() {
    CONNECTION.with(|c| {
        let mut slot = c.borrow_mut();
        if slot
            .as_ref()
            .is_some_and(|conn| conn.pending.borrow().is_empty())
            && let Some(conn) = slot.take()
        {
            conn.worker.terminate();
        }
    });
}

async fn request(
    op: &str,
    blob: &Blob,
    limits: &ParseLimits,
    rules: &MappingRules,
    index: Option<usize>,
    on_progress: Option<ProgressFn>,
) -> Result<String, String> {
    let connection = connection()?;
    let id = NEXT_ID.with(|n| {
        let mut n = n.borrow_mut();
        *n += 1;
        *n
    });
    let message = Object::new();
    set(&message, "id", id);
    set(&message, "op", op);
    set(&message, "file", blob.clone());
    set(
        &message,
        "limits",
        serde_json::to_string(limits).unwrap_or_default(),
    );
    set(
        &message,
        "rules",
        serde_json::to_string(rules).unwrap_or_default(),
    );
    if let Some(index) = index {
        set(&message, "index", index as u32);
    }
    let pending = connection.pending.clone();
    let answer = Promise::new(&mut |resolve, _reject| {
        pending.borrow_mut().insert(
            id,
            Pending {
                resolve,
                on_progress: None,
            },
        );
    });
    if let Some(entry) = connection.pending.borrow_mut().get_mut(&id) {
        entry.on_progress = on_progress;
    }
    JsFuture::from(connection.ready.clone())
        .await
        .map_err(|_| "Ferry's file reader did not start.".to_string())?;
    connection
        .worker
        .post_message(&message)
        .map_err(|_| "The file could not be handed to Ferry's file reader.".to_string())?;
    let reply = JsFuture::from(answer)
        .await
        .map_err(|_| "Ferry's file reader stopped.".to_string())?;
    if blob.size() > FRESH_WORKER_AFTER_BYTES {
        end_worker_when_idle();
    }
    if get_string(&reply, "kind").as_deref() == Some(KIND_DONE) {
        get(&reply, "json")
            .as_string()
            .ok_or_else(|| "Ferry's file reader sent nothing back.".to_string())
    } else {
        Err(get_string(&reply, "message")
            .unwrap_or_else(|| "Ferry's file reader failed.".to_string()))
    }
}

/// Reads, parses and maps `blob` in the worker. `on_progress(done, total)`
/// follows the reading.
pub async fn preview(
    blob: &Blob,
    limits: &ParseLimits,
    rules: &MappingRules,
    on_progress: impl Fn(f64, f64) + 'static,
) -> Result<FilePreview, String> {
    let json = request(
        OP_PREVIEW,
        blob,
        limits,
        rules,
        None,
        Some(Box::new(on_progress)),
    )
    .await?;
    serde_json::from_str(&json).map_err(|_| "The preview could not be read.".to_string())
}

/// One item of `blob` in full, as read and as it will be written.
pub async fn detail(
    blob: &Blob,
    limits: &ParseLimits,
    rules: &MappingRules,
    index: usize,
) -> Result<Option<ItemDetail>, String> {
    let json = request(OP_DETAIL, blob, limits, rules, Some(index), None).await?;
    serde_json::from_str(&json).map_err(|_| "The item could not be read.".to_string())
}
