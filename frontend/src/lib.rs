//! Ferry's web page, compiled to WebAssembly and mounted on `<body>`.
//!
//! * [`app`] — the page layout and its state.
//! * [`components`] — the drop zone, the per-file report, the empty state.
//! * [`files`] — reading dropped or chosen files into bytes (browser glue).
//! * [`parser`] — the page's side of the parser worker, where files are
//!   read, parsed and mapped off the main thread; [`worker_protocol`] is
//!   the message format both sides share.
//! * [`api`] — the page's configuration from the back end;
//!   [`admin_api`] — admin mode's calls.
//! * [`http`] — JSON requests to the back end and their errors in words;
//!   [`mail_api`] — the mail move's calls on it; [`job_events`] — a job's
//!   live progress (server-sent events); [`rate`] — speed and time left;
//!   [`job_text`], [`units`] — jobs, sizes and counts in plain words;
//!   [`calendar_api`] — calendar jobs and the address check.

pub mod admin_api;
pub mod api;
pub mod app;
pub mod calendar_api;
pub mod components;
pub mod files;
pub mod http;
pub mod job_events;
pub mod job_text;
pub mod mail_api;
pub mod parser;
pub mod rate;
pub mod throughput_bars;
pub mod units;
pub mod worker_protocol;

/// Mounts the page on `<body>`.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
