//! The page's side of the parser workers (`src/bin/parser_worker.rs`):
//! files go to a worker as `Blob`s (no copy), answers come back as JSON
//! and are awaited as futures. A large iCalendar file is cut into parts
//! of at most 4 MiB at item starts, read by one worker per core (up to
//! four) one part after another, and the parts joined here
//! (`ferry_shared::preview::merge_parts`, which gives exactly the
//! whole-file result; a broken file is read whole). After a large file
//! the workers are ended, so the memory used for parsing is given back to
//! the system, and fresh ones are started.

use crate::worker_protocol::{
    KIND_DONE, KIND_PROGRESS, KIND_READY, OP_DETAIL, OP_PART, OP_PREVIEW, get, get_number,
    get_string, set,
};
use ferry_shared::ParseLimits;
use ferry_shared::mapping::MappingRules;
use ferry_shared::preview::{
    FilePreview, ItemDetail, PartPreview, merge_parts, parts_to_read_again, split_point,
};
use ferry_shared::text::SourceEncoding;
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
/// After a file this large the workers are ended, freeing their memory.
const FRESH_WORKER_AFTER_BYTES: f64 = 16.0 * 1024.0 * 1024.0;
/// iCalendar files larger than this are read in parts, in parallel.
const PARTS_ABOVE_BYTES: f64 = 2.0 * 1024.0 * 1024.0;
/// Largest part: small enough that a worker's memory (which never
/// shrinks) stays small.
const MAX_PART_BYTES: f64 = 4.0 * 1024.0 * 1024.0;
/// Smallest part: large enough that a request's own cost does not count.
const MIN_PART_BYTES: f64 = 1024.0 * 1024.0;
/// Most workers used for one file.
const MAX_WORKERS: usize = 4;
/// Bytes looked at around each cut for an item start.
const CUT_WINDOW_BYTES: f64 = 256.0 * 1024.0;

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
    /// One slot per worker; empty until first used, or after it ended.
    static CONNECTIONS: RefCell<Vec<Option<Rc<Connection>>>> = const { RefCell::new(Vec::new()) };
    static NEXT_ID: RefCell<u32> = const { RefCell::new(1) };
}

fn connection(slot: usize) -> Result<Rc<Connection>, String> {
    if let Some(existing) = CONNECTIONS.with(|c| c.borrow().get(slot).cloned().flatten()) {
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
        CONNECTIONS.with(|c| {
            if let Some(entry) = c.borrow_mut().get_mut(slot) {
                *entry = None;
            }
        });
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
    CONNECTIONS.with(|c| {
        let mut slots = c.borrow_mut();
        if slots.len() <= slot {
            slots.resize(slot + 1, None);
        }
        slots[slot] = Some(connection.clone());
    });
    Ok(connection)
}

/// Starts the workers ahead of time, so that the first file does not
/// wait for them to load. Each costs a few MiB while idle.
pub fn warm_up() {
    for slot in 0..workers() {
        let _ = connection(slot);
    }
}

/// Ends the workers nothing waits for (their memory is freed).
fn end_idle_workers() {
    CONNECTIONS.with(|c| {
        for entry in c.borrow_mut().iter_mut() {
            if entry
                .as_ref()
                .is_some_and(|conn| conn.pending.borrow().is_empty())
                && let Some(conn) = entry.take()
            {
                conn.worker.terminate();
            }
        }
    });
}

/// Extra fields of a request.
type Extra = Vec<(&'static str, JsValue)>;

async fn request(
    slot: usize,
    op: &str,
    blob: &Blob,
    limits: &ParseLimits,
    rules: &MappingRules,
    extra: Extra,
    on_progress: Option<ProgressFn>,
) -> Result<String, String> {
    let connection = connection(slot)?;
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
    for (key, value) in extra {
        set(&message, key, value);
    }
    let pending = connection.pending.clone();
    let mut on_progress = on_progress;
    let answer = Promise::new(&mut |resolve, _reject| {
        let on_progress = on_progress.take();
        pending.borrow_mut().insert(
            id,
            Pending {
                resolve,
                on_progress,
            },
        );
    });
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
    if get_string(&reply, "kind").as_deref() == Some(KIND_DONE) {
        get(&reply, "json")
            .as_string()
            .ok_or_else(|| "Ferry's file reader sent nothing back.".to_string())
    } else {
        Err(get_string(&reply, "message")
            .unwrap_or_else(|| "Ferry's file reader failed.".to_string()))
    }
}

/// Reads, parses and maps `blob` in the workers. `on_progress(done,
/// total)` follows the reading.
pub async fn preview(
    blob: &Blob,
    limits: &ParseLimits,
    rules: &MappingRules,
    on_progress: impl Fn(f64, f64) + 'static,
) -> Result<FilePreview, String> {
    let on_progress = Rc::new(on_progress);
    let result = match in_parts(blob, limits, rules, on_progress.clone()).await {
        Some(result) => result,
        None => {
            let progress = on_progress.clone();
            let json = request(
                0,
                OP_PREVIEW,
                blob,
                limits,
                rules,
                Vec::new(),
                Some(Box::new(move |done, total| progress(done, total))),
            )
            .await;
            json.and_then(|json| {
                serde_json::from_str(&json)
                    .map_err(|_| "The preview could not be read.".to_string())
            })
        }
    };
    if blob.size() > FRESH_WORKER_AFTER_BYTES {
        end_idle_workers();
        warm_up();
    }
    result
}

/// Bytes `start..end` of `blob`.
async fn read_slice(blob: &Blob, start: f64, end: f64) -> Option<Vec<u8>> {
    let slice = blob.slice_with_f64_and_f64(start, end).ok()?;
    let buffer = JsFuture::from(slice.array_buffer()).await.ok()?;
    Some(js_sys::Uint8Array::new(&buffer).to_vec())
}

fn workers() -> usize {
    let cores = web_sys::window()
        .map(|w| w.navigator().hardware_concurrency())
        .unwrap_or(1.0);
    (cores as usize).clamp(1, MAX_WORKERS)
}

/// Reads a large iCalendar file in parts of at most [`MAX_PART_BYTES`]
/// (at least two per worker, so that a middle-sized file is spread), the
/// workers taking the next part as each finishes (so each worker holds
/// one part at a time and the memory stays small). `None` when the file
/// is better read whole (small, not iCalendar, not UTF-8, no item start
/// near a cut, or broken where it was cut).
async fn in_parts(
    blob: &Blob,
    limits: &ParseLimits,
    rules: &MappingRules,
    on_progress: Rc<dyn Fn(f64, f64)>,
) -> Option<Result<FilePreview, String>> {
    let size = blob.size();
    if size < PARTS_ABOVE_BYTES || size > limits.max_file_bytes as f64 {
        return None;
    }
    let head = read_slice(blob, 0.0, size.min(4096.0)).await?;
    if !ferry_shared::inspect::is_icalendar(&head) {
        return None;
    }
    let part_bytes = (size / (2 * workers()) as f64).clamp(MIN_PART_BYTES, MAX_PART_BYTES);
    let mut cuts = vec![0.0];
    let mut at = part_bytes;
    while at < size - CUT_WINDOW_BYTES {
        let window = read_slice(blob, at, (at + CUT_WINDOW_BYTES).min(size)).await?;
        let cut = at + split_point(&window)? as f64;
        if cut > *cuts.last()? {
            cuts.push(cut);
        }
        at += part_bytes;
    }
    cuts.push(size);
    if cuts.len() < 3 {
        return None;
    }
    let parts: Vec<Slice> = cuts
        .windows(2)
        .enumerate()
        .map(|(index, w)| {
            Some(Slice {
                blob: blob.slice_with_f64_and_f64(w[0], w[1]).ok()?,
                first: index == 0,
                last: index + 2 == cuts.len(),
            })
        })
        .collect::<Option<_>>()?;

    // Every part on its own first, as many at once as there are workers.
    let done = Rc::new(RefCell::new(vec![0.0; parts.len()]));
    let report = {
        let done = done.clone();
        move |index: usize| -> ProgressFn {
            let (done, progress) = (done.clone(), on_progress.clone());
            Box::new(move |read, _| {
                done.borrow_mut()[index] = read;
                progress(done.borrow().iter().sum(), size);
            })
        }
    };
    let all: Vec<usize> = (0..parts.len()).collect();
    let mut previews = read_parts(&parts, &all, "[]", limits, rules, &report).await?;
    // Then again, with the zones of the others, any part using a zone
    // another part defines (rare: VTIMEZONEs usually open the file).
    let (zones, again) = parts_to_read_again(&previews);
    if !again.is_empty() {
        let zones_json = serde_json::to_string(&zones).ok()?;
        let read_again = read_parts(&parts, &again, &zones_json, limits, rules, &report).await?;
        for (index, preview) in again.into_iter().zip(read_again) {
            previews[index] = preview;
        }
    }
    Some(merge_parts(previews, limits).map_err(|e| e.to_string()))
}

/// One part of a file to read.
struct Slice {
    blob: Blob,
    first: bool,
    last: bool,
}

/// Reads the parts numbered `wanted` with the workers, each worker taking
/// the next part as soon as it is free; their previews in `wanted`'s
/// order. `None` when a part should make the file be read whole.
///
/// Each worker is given two parts at a time: while it parses one, the
/// browser already reads the next from disk. Each answer is decoded as
/// it arrives, while the workers go on.
async fn read_parts(
    parts: &[Slice],
    wanted: &[usize],
    zones_json: &str,
    limits: &ParseLimits,
    rules: &MappingRules,
    report: &dyn Fn(usize) -> ProgressFn,
) -> Option<Vec<PartPreview>> {
    let queue = Rc::new(RefCell::new(
        wanted.iter().copied().enumerate().rev().collect::<Vec<_>>(),
    ));
    let previews: Rc<RefCell<Vec<Option<PartPreview>>>> =
        Rc::new(RefCell::new(vec![None; wanted.len()]));
    let lane = |lane: usize| {
        let (queue, previews) = (queue.clone(), previews.clone());
        let slot = lane % workers();
        async move {
            loop {
                let Some((position, index)) = queue.borrow_mut().pop() else {
                    return true;
                };
                let part = &parts[index];
                let extra: Extra = vec![
                    ("first", JsValue::from(part.first)),
                    ("last", JsValue::from(part.last)),
                    ("zones", JsValue::from_str(zones_json)),
                ];
                let answer = request(
                    slot,
                    OP_PART,
                    &part.blob,
                    limits,
                    rules,
                    extra,
                    Some(report(index)),
                )
                .await;
                // A limit or a broken file: the whole read names it.
                let preview = answer
                    .ok()
                    .and_then(|json| serde_json::from_str::<PartPreview>(&json).ok())
                    .filter(|part| part.clean && part.preview.encoding == SourceEncoding::Utf8);
                match preview {
                    Some(preview) => previews.borrow_mut()[position] = Some(preview),
                    None => {
                        queue.borrow_mut().clear();
                        return false;
                    }
                }
            }
        }
    };
    let lanes = (2 * workers()).min(wanted.len());
    let finished = futures::future::join_all((0..lanes).map(lane)).await;
    if finished.contains(&false) {
        return None;
    }
    previews.take().into_iter().collect()
}

/// One item of `blob` in full, as read and as it will be written.
pub async fn detail(
    blob: &Blob,
    limits: &ParseLimits,
    rules: &MappingRules,
    index: usize,
) -> Result<Option<ItemDetail>, String> {
    let extra: Extra = vec![("index", JsValue::from(index as u32))];
    let json = request(0, OP_DETAIL, blob, limits, rules, extra, None).await?;
    serde_json::from_str(&json).map_err(|_| "The item could not be read.".to_string())
}
