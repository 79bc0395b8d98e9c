//! What to move: the old mailbox's folders with their message counts and
//! sizes, read from the server once both mailboxes are signed in, each
//! with a check box (all checked: every folder moves). The choice goes
//! with the Start request; all checked sends none, so folders made later
//! move too.

use crate::mail_api;
use crate::units::{count_text, size_text};
use ferry_shared::api::{FolderSummary, SessionView};
use leptos::prelude::*;
use std::collections::BTreeSet;

/// The folders left out, by name; empty: every folder.
pub type LeftOut = RwSignal<BTreeSet<String>>;

/// What Start sends: none when nothing is left out (every folder, also
/// those made later), else the folders still checked.
pub fn chosen_folders(
    left_out: LeftOut,
    folder_names: RwSignal<Vec<String>>,
) -> Option<Vec<String>> {
    let out = left_out.get_untracked();
    if out.is_empty() {
        return None;
    }
    Some(
        folder_names
            .get_untracked()
            .into_iter()
            .filter(|name| !out.contains(name))
            .collect(),
    )
}

#[component]
pub fn FolderChoice(
    /// Both mailboxes are signed in (the list is read then, and again
    /// after each sign-in).
    both_signed_in: Signal<bool>,
    /// Who is signed in: the list is read again whenever it changes.
    session: Signal<SessionView>,
    left_out: LeftOut,
    /// Every folder's name, as read (for the choice sent with Start).
    folder_names: RwSignal<Vec<String>>,
) -> impl IntoView {
    let folders = LocalResource::new(move || {
        session.track();
        let ready = both_signed_in.get();
        async move {
            if ready {
                Some(mail_api::folders().await)
            } else {
                None
            }
        }
    });
    Effect::new(move |_| {
        let names = match folders.get() {
            Some(Some(Ok(list))) => list.into_iter().map(|f| f.name).collect(),
            _ => Vec::new(),
        };
        folder_names.set(names);
        left_out.set(BTreeSet::new());
    });
    let summary = move |list: &[FolderSummary]| {
        let messages: u64 = list.iter().map(|f| u64::from(f.messages)).sum();
        let bytes: u64 = list.iter().filter_map(|f| f.bytes).sum();
        format!(
            "{} · {} · {}",
            count_text(list.len() as u64, "folder", "folders"),
            count_text(messages, "message", "messages"),
            size_text(bytes as f64)
        )
    };
    view! {
        {move || match folders.get() {
            Some(Some(Ok(list))) => {
                let total = summary(&list);
                let rows = list
                    .into_iter()
                    .map(|folder| {
                        let name = folder.name.clone();
                        let checked = {
                            let name = name.clone();
                            move || left_out.with(|out| !out.contains(&name))
                        };
                        let toggle = {
                            let name = name.clone();
                            move |_| {
                                left_out.update(|out| {
                                    if !out.remove(&name) {
                                        out.insert(name.clone());
                                    }
                                })
                            }
                        };
                        let size = folder.bytes.map(|b| format!(" · {}", size_text(b as f64))).unwrap_or_default();
                        view! {
                            <li>
                                <label class="folder-option">
                                    <input type="checkbox" prop:checked=checked on:change=toggle/>
                                    <span class="folder-name">{name.clone()}</span>
                                    <span class="folder-count">
                                        {count_text(u64::from(folder.messages), "message", "messages")}{size}
                                    </span>
                                </label>
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <section class="card folder-choice" aria-labelledby="folders-title">
                        <h2 id="folders-title">"What to move"</h2>
                        <p class="folder-total" role="status">{total}</p>
                        <details>
                            <summary>"Choose folders"</summary>
                            <ul class="folder-options">{rows}</ul>
                        </details>
                        <Show when=move || left_out.with(|out| !out.is_empty())>
                            <p class="hint">
                                {move || format!("{} left out.", count_text(left_out.with(|o| o.len() as u64), "folder", "folders"))}
                            </p>
                        </Show>
                    </section>
                }
                .into_any()
            }
            Some(Some(Err(message))) => view! {
                <section class="card folder-choice">
                    <p class="form-error" role="alert">{message}</p>
                </section>
            }
            .into_any(),
            _ => ().into_any(),
        }}
    }
}
