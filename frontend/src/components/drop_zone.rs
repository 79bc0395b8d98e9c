//! Where files come in: drag and drop, or a keyboard-usable file picker.

use crate::files;
use leptos::prelude::*;
use web_sys::{DragEvent, HtmlInputElement};

/// File types the picker offers (anything can still be dropped).
pub const ACCEPTED: &str = ".ics,.ical,.ifb,.vcf,.vcard,.xml,.xcs,.csv,.txt,text/calendar,text/vcard,text/csv,application/calendar+xml";

#[component]
pub fn DropZone(on_files: Callback<Vec<web_sys::File>>, on_sample: Callback<()>) -> impl IntoView {
    let dragging = RwSignal::new(false);
    let on_change = move |ev: web_sys::Event| {
        let input: HtmlInputElement = event_target(&ev);
        let picked = files::list(input.files());
        // Let the same file be chosen again later.
        input.set_value("");
        if !picked.is_empty() {
            on_files.run(picked);
        }
    };
    let on_drop = move |ev: DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        let dropped = files::list(ev.data_transfer().and_then(|dt| dt.files()));
        if !dropped.is_empty() {
            on_files.run(dropped);
        }
    };
    let on_drag_over = move |ev: DragEvent| {
        ev.prevent_default();
        dragging.set(true);
    };

    view! {
        <div
            class="drop-zone"
            class:dragging=move || dragging.get()
            on:dragover=on_drag_over
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <svg class="drop-icon" viewBox="0 0 48 48" aria-hidden="true">
                <rect x="8" y="10" width="32" height="30" rx="4"/>
                <path d="M8 18h32M16 6v8M32 6v8"/>
                <path d="M24 24v10M19 29l5 5 5-5"/>
            </svg>
            <p class="drop-title">"Drop calendar and contact files here"</p>
            <p class="drop-hint">"iCalendar (.ics), xCal (.xml), vCard (.vcf) and Outlook or MDaemon CSV exports. Several at once is fine."</p>
            <div class="drop-actions">
                <label class="button primary file-picker">
                    <input
                        type="file"
                        id="file-input"
                        multiple
                        accept=ACCEPTED
                        on:change=on_change
                    />
                    "Choose files…"
                </label>
                <button type="button" class="button link" on:click=move |_| on_sample.run(())>
                    "Try a sample calendar"
                </button>
            </div>
        </div>
    }
}
