//! A job's numbers: the overall bar (messages, bytes, percent, speed and
//! time left) and one bar per folder.

use crate::job_text::{job_percent, percent};
use crate::rate::{Rate, time_left_text};
use crate::units::{count_text, size_text};
use ferry_shared::api::{FolderProgress, JobState, JobView};
use leptos::prelude::*;

/// "INBOX → Inbox", or the name alone when it stays.
fn folder_name(folder: &FolderProgress) -> String {
    if folder.source == folder.target {
        folder.source.clone()
    } else {
        format!("{} → {}", folder.source, folder.target)
    }
}

fn speed_text(rate: &Rate) -> String {
    let mut text = format!(
        "{}/s · {:.0} messages/s",
        size_text(rate.bytes_per_second),
        rate.messages_per_second
    );
    if let Some(seconds) = rate.seconds_left {
        text.push_str(" · ");
        text.push_str(&time_left_text(seconds));
    }
    text
}

#[component]
pub fn OverallProgress(job: Signal<Option<JobView>>, rate: Signal<Option<Rate>>) -> impl IntoView {
    let numbers = move || {
        job.with(|job| {
            job.as_ref().map(|job| {
                let (messages, copied) = job.messages();
                let (bytes, bytes_done) = job.bytes();
                (
                    messages,
                    copied,
                    bytes,
                    bytes_done,
                    job_percent(job),
                    job.state,
                    job.folders.is_empty(),
                )
            })
        })
    };
    view! {
        <div class="overall">
            {move || {
                let (messages, copied, bytes, bytes_done, percent, state, no_folders) = numbers()?;
                if messages == 0 && state.is_final() {
                    return Some(view! {
                        <p class="progress-text">"Nothing new to copy: the new mailbox has everything this run found."</p>
                    }
                    .into_any());
                }
                if no_folders && state == JobState::WaitingForSignIn {
                    return None;
                }
                if no_folders && !state.is_final() {
                    return Some(view! {
                        <progress class="move-progress" aria-label="Overall progress"></progress>
                        <p class="progress-text">"Looking at your folders…"</p>
                    }
                    .into_any());
                }
                Some(view! {
                    <progress class="move-progress" max="100" value=percent aria-label="Overall progress"></progress>
                    <p class="progress-text">
                        <strong class="percent">{format!("{percent} %")}</strong>
                        " · "{format!("{copied} of {}", count_text(messages, "message", "messages"))}
                        " · "{format!("{} of {}", size_text(bytes_done as f64), size_text(bytes as f64))}
                    </p>
                }
                .into_any())
            }}
            {move || {
                let running = job.with(|j| j.as_ref().is_some_and(|j| j.state == JobState::Running));
                rate.get()
                    .filter(|_| running)
                    .map(|rate| view! { <p class="rate">{speed_text(&rate)}</p> })
            }}
        </div>
    }
}

#[component]
pub fn FolderList(job: Signal<Option<JobView>>) -> impl IntoView {
    let folders = move || job.with(|j| j.as_ref().map(|j| j.folders.clone()).unwrap_or_default());
    view! {
        <details class="folders" open hidden=move || folders().is_empty()>
            <summary>
                {move || count_text(folders().len() as u64, "folder", "folders")}
            </summary>
            <ul class="folder-list" tabindex="0" aria-label="Folders">
                <For
                    each=folders
                    key=|folder| (folder.source.clone(), folder.copied, folder.bytes_done, folder.failed, folder.done)
                    children=|folder| view! { <FolderRow folder=folder/> }
                />
            </ul>
        </details>
    }
}

#[component]
fn FolderRow(folder: FolderProgress) -> impl IntoView {
    let name = folder_name(&folder);
    let percent = if folder.to_copy == 0 && !folder.done {
        0
    } else {
        percent(folder.copied, folder.to_copy)
    };
    view! {
        <li class="folder-row" data-folder=folder.source.clone()>
            <div class="folder-head">
                <span class="folder-name">{name.clone()}</span>
                {folder.done.then(|| view! { <span class="badge ok">"Done"</span> })}
            </div>
            <progress class="move-progress small" max="100" value=percent aria-label=format!("{name}: progress")></progress>
            <p class="folder-numbers">
                {format!(
                    "{} of {} · {}",
                    folder.copied,
                    count_text(folder.to_copy, "message", "messages"),
                    size_text(folder.bytes_done as f64),
                )}
                {(folder.failed > 0).then(|| view! {
                    <span class="failed">{format!(" · {} could not be copied", folder.failed)}</span>
                })}
            </p>
        </li>
    }
}
