//! Each listed user's calendar and contacts export files, given by the
//! admin: files are named after their user (`alice@old.example.ics`),
//! picked or dropped together, then the page shows which file went to
//! whom and names the files that went to nobody. They are put into the
//! users' new mailboxes when their group is started.

use super::drop_zone::ACCEPTED;
use crate::{admin_api, files};
use ferry_shared::admin::api::CalendarFilesMatched;
use ferry_shared::api::ExportFile;
use leptos::prelude::*;
use web_sys::{DragEvent, HtmlInputElement};

/// Reads every file's text, in order.
async fn read_all(picked: Vec<web_sys::File>) -> Result<Vec<ExportFile>, String> {
    let mut read = Vec::with_capacity(picked.len());
    for file in picked {
        let text = files::read_text(&file)
            .await
            .map_err(|message| format!("{}: {message}", file.name()))?;
        read.push(ExportFile {
            name: file.name(),
            text,
        });
    }
    Ok(read)
}

#[component]
pub fn AdminCalendarFiles(enabled: Signal<bool>, on_saved: Callback<()>) -> impl IntoView {
    let answer = RwSignal::new(None::<Result<CalendarFilesMatched, String>>);
    let send = Action::new_local(move |picked: &Vec<web_sys::File>| {
        let picked = picked.clone();
        async move {
            let saved = match read_all(picked).await {
                Ok(read) => admin_api::save_calendar_files(read).await,
                Err(message) => Err(message),
            };
            if saved.is_ok() {
                on_saved.run(());
            }
            answer.set(Some(saved));
        }
    });
    let give = move |picked: Vec<web_sys::File>| {
        if picked.is_empty() || send.pending().get_untracked() {
            return;
        }
        if !enabled.get_untracked() {
            answer.set(Some(Err(
                "Save the user list first: files are matched to its users by name.".to_string(),
            )));
            return;
        }
        answer.set(None);
        send.dispatch(picked);
    };
    let on_pick = move |ev: web_sys::Event| {
        let input: HtmlInputElement = event_target(&ev);
        let picked = files::list(input.files());
        input.set_value("");
        give(picked);
    };
    let on_drop = move |ev: DragEvent| {
        ev.prevent_default();
        give(files::list(ev.data_transfer().and_then(|dt| dt.files())));
    };
    view! {
        <section
            class="card admin-calendar-files"
            aria-labelledby="calendar-files-title"
            on:dragover=|ev: DragEvent| ev.prevent_default()
            on:drop=on_drop
        >
            <h2 id="calendar-files-title">"Calendars and contacts (optional)"</h2>
            <p class="hint" id="calendar-files-hint">
                "Name each export file after its user — the old or the new user name, then the file type — for example alice@old.example.ics or alice@new.example.vcf. Pick or drop them all at once; a user's files replace the ones given before. They are put into the user's new mailbox when their group is started."
            </p>
            <div class="form-actions">
                <label class="button secondary file-picker">
                    <input
                        type="file"
                        id="calendar-files-input"
                        multiple
                        accept=ACCEPTED
                        aria-describedby="calendar-files-hint"
                        on:change=on_pick
                    />
                    "Choose calendar and contacts files…"
                </label>
            </div>
            <p class="form-status" role="status" aria-live="polite">
                {move || send.pending().get().then_some("Reading and sending the files…")}
            </p>
            {move || match answer.get() {
                Some(Ok(found)) => Some(view! { <FileMatches found=found/> }.into_any()),
                Some(Err(message)) => Some(view! { <p class="form-error" role="alert">{message}</p> }.into_any()),
                None => None,
            }}
        </section>
    }
}

/// Which file went to whom, and which went to nobody.
#[component]
fn FileMatches(found: CalendarFilesMatched) -> impl IntoView {
    let unmatched = (!found.unmatched.is_empty()).then(|| {
        view! {
            <p class="form-error files-unmatched" role="alert">
                "Not named after any listed user, so not kept: "{found.unmatched.join(", ")}
            </p>
        }
    });
    view! {
        <h3 class="files-given" id="files-given-title">"Files given to users"</h3>
        <div class="table-wrap">
            <table class="items calendar-file-owners" aria-labelledby="files-given-title">
                <thead>
                    <tr>
                        <th scope="col">"File"</th>
                        <th scope="col">"Old user"</th>
                        <th scope="col">"New user"</th>
                    </tr>
                </thead>
                <tbody>
                    {found
                        .matched
                        .into_iter()
                        .map(|m| view! {
                            <tr>
                                <td data-label="File">{m.file}</td>
                                <td data-label="Old user">{m.source_user}</td>
                                <td data-label="New user">{m.target_user}</td>
                            </tr>
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
        {unmatched}
    }
}
