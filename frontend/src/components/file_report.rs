//! One file's result: a progress bar while it is read, then a summary
//! (counts by kind and status), its warnings and its items — or a plain
//! explanation of why it could not be read.

use super::item_table::ItemTable;
use crate::app::{FileState, LoadedFile};
use crate::units::{count_text, size_text};
use ferry_shared::preview::{FilePreview, StatusCounts};
use ferry_shared::text::SourceEncoding;
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
                    <p class="file-meta">
                        {human_size(size)}
                        {move || state.with(|s| match s {
                            FileState::Read(p) => format!(" · {}", p.format.label()),
                            _ => String::new(),
                        })}
                    </p>
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
                FileState::Reading { done, total } => reading(done, total).into_any(),
                FileState::Failed(message) => view! {
                    <div class="file-error" role="alert">
                        <strong>"This file could not be read."</strong>
                        <p class="error-message">{message}</p>
                    </div>
                }.into_any(),
                FileState::Read(preview) => view! { <PreviewBody file=id preview=preview/> }.into_any(),
            }}
        </section>
    }
}

/// The progress bar: bytes read, then "Checking items…" while parsing.
fn reading(done: f64, total: f64) -> impl IntoView {
    let reading_done = total > 0.0 && done >= total;
    let label = if reading_done {
        "Checking items…".to_string()
    } else if total > 0.0 {
        format!("Reading… {} of {}", size_text(done), size_text(total))
    } else {
        "Reading…".to_string()
    };
    let percent = if total > 0.0 {
        done / total * 100.0
    } else {
        0.0
    };
    view! {
        <div class="reading" role="status" aria-live="polite">
            {if reading_done || total <= 0.0 {
                view! { <progress class="file-progress" aria-label="Reading the file"></progress> }.into_any()
            } else {
                view! {
                    <progress class="file-progress" max="100" value=format!("{percent:.0}") aria-label="Reading the file"></progress>
                }.into_any()
            }}
            <span>{label}</span>
        </div>
    }
}

#[component]
fn PreviewBody(file: usize, preview: Arc<FilePreview>) -> impl IntoView {
    let counts = preview.counts;
    let warnings = preview.warnings.len() + preview.more_warnings;
    let skipped = preview.skipped.len();
    let encoding_note = (preview.encoding == SourceEncoding::Windows1252)
        .then_some("Read as Windows-1252 (not UTF-8)");
    let kinds = [
        ("Events", counts.events),
        ("Tasks", counts.tasks),
        ("Contacts", counts.contacts),
    ];
    let all = counts.all();
    let warning_list = preview.warnings.clone();
    let more = preview.more_warnings;
    let skipped_list = preview.skipped.clone();
    let needs_zone = preview.format.needs_time_zone();

    view! {
        <table class="counts" aria-label="Summary by kind and status">
            <thead>
                <tr>
                    <th scope="col">"Kind"</th>
                    <th scope="col" class="num">"OK"</th>
                    <th scope="col" class="num">"Warning"</th>
                    <th scope="col" class="num">"Cannot convert"</th>
                    <th scope="col" class="num">"Total"</th>
                </tr>
            </thead>
            <tbody>
                {kinds
                    .into_iter()
                    .filter(|(_, c)| c.total() > 0)
                    .map(|(kind, c)| count_row(kind, c))
                    .collect_view()}
                {(kinds.iter().filter(|(_, c)| c.total() > 0).count() > 1).then(|| count_row("All", all))}
            </tbody>
        </table>
        {encoding_note.map(|note| view! { <p class="chip attention">{note}</p> })}
        {needs_zone.then(|| view! {
            <p class="notice">"CSV exports carry no time zone: choose the default time zone under “Mapping rules” above."</p>
        })}
        <Show when=move || { warnings > 0 || skipped > 0 }>
            <details class="warnings">
                <summary>{count_text((warnings + skipped) as u64, "note", "notes")} " about this file"</summary>
                <ul>
                    {warning_list.iter().map(|w| view! { <li>{w.to_string()}</li> }).collect_view()}
                    {skipped_list.iter().map(|s| view! {
                        <li>{format!("Line {}: {} is not moved (Ferry moves events, tasks and contacts).", s.line, s.component)}</li>
                    }).collect_view()}
                    {(more > 0).then(|| view! { <li>{format!("…and {more} more.")}</li> })}
                </ul>
            </details>
        </Show>
        {if preview.rows.is_empty() {
            view! { <p class="no-items">"This file holds no events, tasks or contacts."</p> }.into_any()
        } else {
            view! { <ItemTable file=file preview=preview.clone()/> }.into_any()
        }}
    }
}

fn count_row(kind: &'static str, c: StatusCounts) -> impl IntoView {
    view! {
        <tr data-kind=kind>
            <th scope="row">{kind}</th>
            <td class="num ok">{c.ok}</td>
            <td class="num warning" class:some={c.warning > 0}>{c.warning}</td>
            <td class="num cannot" class:some={c.cannot_convert > 0}>{c.cannot_convert}</td>
            <td class="num">{c.total()}</td>
        </tr>
    }
}

pub(crate) fn human_size(bytes: f64) -> String {
    if bytes <= 0.0 {
        return "sample file".to_string();
    }
    size_text(bytes)
}
