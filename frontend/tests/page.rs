//! The page mounted in a real browser (headless Chromium through
//! wasm-bindgen-test): it renders its empty state and a keyboard-usable file
//! picker limited to calendar files.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

#[wasm_bindgen_test]
fn renders_the_empty_state_and_file_picker() {
    let container = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&container).unwrap();
    let handle =
        leptos::mount::mount_to(container.clone().unchecked_into(), ferry_frontend::app::App);

    let text = container.text_content().unwrap_or_default();
    assert!(
        text.contains("Preview a calendar or contacts export"),
        "{text}"
    );
    assert!(text.contains("No files yet"), "{text}");
    assert!(text.contains("nothing is uploaded"), "{text}");

    let input = container
        .query_selector("input[type=file]")
        .unwrap()
        .expect("file input is rendered")
        .unchecked_into::<web_sys::HtmlInputElement>();
    assert!(input.multiple());
    assert_eq!(input.accept(), ferry_frontend::components::ACCEPTED);
    assert!(input.accept().contains(".vcf") && input.accept().contains(".csv"));
    // Reachable by keyboard: not removed from the tab order.
    assert!(input.tab_index() >= 0);
    drop(handle);
}
