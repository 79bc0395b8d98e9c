//! Ferry's web page, compiled to WebAssembly and mounted on `<body>`.
//!
//! * [`app`] — the page layout and its state.
//! * [`components`] — the drop zone, the per-file report, the empty state.
//! * [`files`] — reading dropped or chosen files into bytes (browser glue).
//! * [`parser`] — the page's side of the parser worker, where files are
//!   read, parsed and mapped off the main thread; [`worker_protocol`] is
//!   the message format both sides share.
//! * [`api`] — the few calls the page makes to the back end.

pub mod api;
pub mod app;
pub mod components;
pub mod files;
pub mod parser;
pub mod worker_protocol;

/// Mounts the page on `<body>`.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
