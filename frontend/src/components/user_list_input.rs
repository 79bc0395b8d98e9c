//! The admin's user list: pasted into a text box or read from a CSV file
//! (picked, or dropped on the box), then saved. Lines are
//! `old user,new user,group`; Ferry checks them and names the first
//! line that is wrong.

use crate::admin_api;
use crate::units::count_text;
use leptos::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DragEvent, HtmlInputElement};

/// The text of a file the admin gave.
async fn file_text(file: web_sys::File) -> Result<String, String> {
    JsFuture::from(file.text())
        .await
        .ok()
        .and_then(|text| text.as_string())
        .ok_or_else(|| "The file could not be read.".to_string())
}

#[component]
pub fn UserListInput(enabled: Signal<bool>, on_saved: Callback<()>) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let news = RwSignal::new(None::<Result<String, String>>);
    let load = move |file: Option<web_sys::File>| {
        if let Some(file) = file {
            leptos::task::spawn_local(async move {
                match file_text(file).await {
                    Ok(csv) => text.set(csv),
                    Err(message) => news.set(Some(Err(message))),
                }
            });
        }
    };
    let on_pick = move |ev: web_sys::Event| {
        let input: HtmlInputElement = event_target(&ev);
        load(input.files().and_then(|files| files.get(0)));
        input.set_value("");
    };
    let on_drop = move |ev: DragEvent| {
        ev.prevent_default();
        load(
            ev.data_transfer()
                .and_then(|dt| dt.files())
                .and_then(|files| files.get(0)),
        );
    };
    let save = Action::new_local(move |csv: &String| {
        let csv = csv.clone();
        async move {
            let answer = admin_api::save_users(csv).await.map(|saved| {
                format!(
                    "Saved: {} in {}.",
                    count_text(saved.users as u64, "user", "users"),
                    count_text(saved.groups.len() as u64, "group", "groups")
                )
            });
            if answer.is_ok() {
                on_saved.run(());
            }
            news.set(Some(answer));
        }
    });
    let submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        if !enabled.get_untracked() {
            news.set(Some(Err(
                "Sign in with the old server's service account first.".to_string(),
            )));
            return;
        }
        news.set(None);
        save.dispatch(text.get_untracked());
    };
    view! {
        <section class="card user-list" aria-labelledby="user-list-title">
            <h2 id="user-list-title">"Users to move"</h2>
            <form class="sign-in" novalidate on:submit=submit>
                <div class="field">
                    <label for="user-list-csv">"User list (CSV)"</label>
                    <p class="hint" id="user-list-hint">
                        "One user per line: old user name, new user name, group. A header line is optional. Paste it here, or drop a CSV file on this box."
                    </p>
                    <textarea
                        id="user-list-csv"
                        rows="6"
                        spellcheck="false"
                        aria-describedby="user-list-hint"
                        placeholder="alice@old.example,alice@new.example,Pilot"
                        prop:value=move || text.get()
                        on:input=move |ev| text.set(event_target_value(&ev))
                        on:dragover=|ev: DragEvent| ev.prevent_default()
                        on:drop=on_drop
                    ></textarea>
                </div>
                <div class="form-actions">
                    <button type="submit" class="button primary" aria-disabled=move || save.pending().get().to_string()>
                        "Save the list"
                    </button>
                    <label class="button secondary file-picker">
                        <input type="file" accept=".csv,.txt,text/csv" on:change=on_pick/>
                        "Choose a CSV file…"
                    </label>
                </div>
                <p class="form-status" role="status" aria-live="polite">
                    {move || match news.get() {
                        Some(Ok(message)) => Some(message),
                        _ => None,
                    }}
                </p>
                {move || match news.get() {
                    Some(Err(message)) => Some(view! { <p class="form-error" role="alert">{message}</p> }),
                    _ => None,
                }}
            </form>
        </section>
    }
}
