//! One file's result: a summary, its warnings and its items, or a plain
//! explanation of why it could not be read.

use super::item_table::ItemTable;
use crate::app::{FileState, LoadedFile};
use ferry_shared::text::SourceEncoding;
use ferry_shared::{FileReport as Report, ItemKind};
use leptos::prelude::*;
use std::sync::Arc;

#[component]
pub fn FileReport(file: LoadedFile, on_remove: Callback<usize>) -> impl IntoView {
    let LoadedFile {
        id,
        name,
        size,
        state,
    } = file;
    let title = name.clone();
    view! {
        <section class="file-report" data-file=name.clone() aria-label=format!("Results for {name}")>
            <header class="file-header">
                <div>
                    <h2 class="file-name">{title}</h2>
                    <p class="file-meta">{human_size(size)}</p>
                </div>
                <button
                    type="button"
                    class="button secondary small"
                    aria-label=format!("Remove {name}")
                    on:click=move |_| on_remove.run(id)
                >
                    "Remove"
                </button>
            </header>
            {move || match state.get() {
                FileState::Reading => view! {
                    <div class="reading" role="status">
                        <div class="progress indeterminate"><div class="bar"></div></div>
                        <span>"Reading…"</span>
                    </div>
                }.into_any(),
                FileState::Failed(message) => view! {
                    <div class="file-error" role="alert">
                        <strong>"This file could not be read."</strong>
                        <p class="error-message">{message}</p>
                    </div>
                }.into_any(),
                FileState::Read(report) => view! { <ReportBody report=report/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn ReportBody(report: Arc<Report>) -> impl IntoView {
    let count = |kind| report.items.iter().filter(|i| i.kind == kind).count();
    let events = count(ItemKind::Event);
    let tasks = count(ItemKind::Task);
    let recurring = report
        .items
        .iter()
        .filter(|i| i.recurrence.is_recurring())
        .count();
    let to_check = report.items.iter().filter(|i| !i.notes.is_empty()).count();
    let warnings = report.warnings.len() + report.more_warnings;
    let skipped = report.skipped.len();
    let encoding_note = (report.encoding == SourceEncoding::Windows1252)
        .then_some("Read as Windows-1252 (not UTF-8)");

    // (text, needs attention)
    let chips = [
        Some((plural(events, "event", "events"), false)),
        (tasks > 0).then(|| (plural(tasks, "task", "tasks"), false)),
        (recurring > 0).then(|| (format!("{recurring} recurring"), false)),
        (to_check > 0).then(|| (format!("{to_check} to check"), true)),
        (skipped > 0).then(|| (format!("{skipped} skipped"), true)),
        encoding_note.map(|note| (note.to_string(), true)),
    ];
    let warning_list = report.warnings.clone();
    let more = report.more_warnings;
    let skipped_list = report.skipped.clone();

    view! {
        <ul class="summary" aria-label="Summary">
            {chips
                .into_iter()
                .flatten()
                .map(|(text, attention)| view! { <li class="chip" class:attention=attention>{text}</li> })
                .collect_view()}
        </ul>
        <Show when=move || { warnings > 0 || skipped > 0 }>
            <details class="warnings">
                <summary>{plural(warnings, "warning", "warnings")} " about this file"</summary>
                <ul>
                    {warning_list.iter().map(|w| view! { <li>{w.to_string()}</li> }).collect_view()}
                    {skipped_list.iter().map(|s| view! {
                        <li>{format!("Line {}: {} is not moved (Ferry moves events and tasks).", s.line, s.component)}</li>
                    }).collect_view()}
                    {(more > 0).then(|| view! { <li>{format!("…and {more} more.")}</li> })}
                </ul>
            </details>
        </Show>
        {if report.items.is_empty() {
            view! { <p class="no-items">"This file holds no events or tasks."</p> }.into_any()
        } else {
            view! { <ItemTable report=report.clone()/> }.into_any()
        }}
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn human_size(bytes: f64) -> String {
    if bytes <= 0.0 {
        return "sample file".to_string();
    }
    const KB: f64 = 1024.0;
    if bytes < KB {
        format!("{bytes:.0} bytes")
    } else if bytes < KB * KB {
        format!("{:.1} KB", bytes / KB)
    } else {
        format!("{:.1} MB", bytes / KB / KB)
    }
}
