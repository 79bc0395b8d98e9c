//! Ferry's web page, compiled to WebAssembly and mounted on `<body>`.
//!
//! * [`app`] — the page layout and its state.
//! * [`components`] — the drop zone, the per-file report, the empty state.
//! * [`files`] — reading dropped or chosen files into bytes (browser glue).
//! * [`api`] — the few calls the page makes to the back end.

pub mod api;
pub mod app;
pub mod components;
pub mod files;

/// Mounts the page on `<body>`.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
