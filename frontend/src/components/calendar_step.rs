//! The "Calendar and contacts" step of the move: sign in to the new
//! calendar server (an Exchange, CalDAV or Microsoft 365 server the site
//! lists; Microsoft 365 through its own sign-in page), choose
//! among the files read in the Preview tab, put their items in, and
//! follow each file's progress (items to put in, put in, already there,
//! failed) to the end, with the report to download. The files' text is
//! sent to Ferry only here, when the person starts.

use super::sign_in_form::SignInForm;
use super::signed_in_line::SignedInLine;
use crate::app::{FileState, PageState};
use crate::job_events::JobEvents;
use crate::job_text::{state_class, state_words};
use crate::{calendar_api, files, mail_api};
use ferry_shared::api::JobState;
use ferry_shared::api::{
    CalendarAccount, ExportFile, FileProgress, JobView, SessionView, Side, SiteView,
};
use leptos::prelude::*;
use std::collections::HashSet;

/// The site's servers that take calendars from the page.
pub fn calendar_site(site: &SiteView) -> SiteView {
    SiteView {
        servers: site
            .servers
            .iter()
            .filter(|s| {
                matches!(s.kind.as_str(), "ews" | "caldav" | "graph")
                    && s.sides.contains(&Side::Target)
            })
            .cloned()
            .collect(),
        typed_servers: false,
    }
}

/// The text of the files `ids` on the page, read from their blobs.
async fn file_texts(page: PageState, ids: &HashSet<usize>) -> Result<Vec<ExportFile>, String> {
    let mut out = Vec::new();
    for file in page.files.get_untracked() {
        if !ids.contains(&file.id) {
            continue;
        }
        let blob = files::blob(file.id).ok_or("A file was removed meanwhile.")?;
        let text = wasm_bindgen_futures::JsFuture::from(blob.text())
            .await
            .ok()
            .and_then(|value| value.as_string())
            .ok_or("The browser could not read a file.")?;
        out.push(ExportFile {
            name: file.name.clone(),
            text,
        });
    }
    Ok(out)
}

/// A calendar job's state in words (a mail job copies mail).
fn calendar_state_words(state: JobState) -> &'static str {
    match state {
        JobState::Running => "Putting the items in",
        other => state_words(other),
    }
}

fn file_line(file: &FileProgress) -> String {
    if let Some(error) = &file.error {
        return format!("could not be read: {error}");
    }
    let mut text = format!(
        "{} of {} put in, {} already there",
        file.inserted, file.to_insert, file.already_there
    );
    if file.failed > 0 {
        text.push_str(&format!(", {} failed", file.failed));
    }
    if file.done {
        text.push_str(" — done");
    }
    text
}

#[component]
pub fn CalendarStep(
    site: SiteView,
    calendar: Signal<Option<CalendarAccount>>,
    on_signed_in: Callback<SessionView>,
) -> impl IntoView {
    let site = calendar_site(&site);
    if site.servers.is_empty() {
        return None;
    }
    let page = expect_context::<PageState>();
    let chosen = RwSignal::new(HashSet::<usize>::new());
    let job = RwSignal::new(None::<JobView>);
    let error = RwSignal::new(None::<String>);
    let trouble = RwSignal::new(None::<String>);
    let switching = RwSignal::new(false);
    let on_signed_in = Callback::new(move |view: SessionView| {
        switching.set(false);
        on_signed_in.run(view);
    });
    let events = StoredValue::new_local(None::<JobEvents>);
    on_cleanup(move || {
        let _ = events.try_update_value(|e| e.take());
    });
    let follow = move |id: String| {
        let on_view = move |view: JobView| {
            let _ = job.try_set(Some(view));
        };
        let on_trouble = move |message| {
            let _ = trouble.try_set(message);
        };
        match JobEvents::open(&id, on_view, on_trouble) {
            Ok(opened) => events.set_value(Some(opened)),
            Err(message) => error.set(Some(message)),
        }
    };
    let read_files = Memo::new(move |_| {
        page.files.with(|list| {
            list.iter()
                .filter(|f| f.state.with(|s| matches!(s, FileState::Read(_))))
                .map(|f| (f.id, f.name.clone()))
                .collect::<Vec<_>>()
        })
    });
    // Every file read is chosen until the person says otherwise.
    Effect::new(move |_| {
        let ids: HashSet<usize> = read_files.with(|list| list.iter().map(|(id, _)| *id).collect());
        chosen.update(|set| {
            set.retain(|id| ids.contains(id));
            set.extend(ids.iter().copied());
        });
    });
    let start = Action::new_local(move |_: &()| async move {
        let ids = chosen.get_untracked();
        let result = match file_texts(page, &ids).await {
            Ok(files) => calendar_api::start(files, page.rules.get_untracked()).await,
            Err(message) => Err(message),
        };
        match result {
            Ok(created) => {
                if let Ok(view) = calendar_api::job(&created.id).await {
                    job.set(Some(view));
                }
                follow(created.id);
            }
            Err(message) => error.set(Some(message)),
        }
    });
    let run_again = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move {
            match mail_api::run_again(id.clone()).await {
                Ok(()) => follow(id),
                Err(message) => error.set(Some(message)),
            }
        }
    });
    let on_start = move |_| {
        if start.pending().get_untracked() {
            return;
        }
        error.set(None);
        if chosen.with(HashSet::is_empty) {
            error.set(Some(
                "Choose at least one file. Files are added in the Preview tab.".to_string(),
            ));
            return;
        }
        start.dispatch(());
    };
    let site = StoredValue::new(site);
    let progress = move || {
        job.get().map(|view| {
            let id = view.id.clone();
            let final_state = view.state.is_final();
            let rerun_id = id.clone();
            view! {
                <div class="calendar-job" role="status" aria-live="polite">
                    <p>
                        <span class=state_class(view.state)>{calendar_state_words(view.state)}</span>
                        {view.error.clone().map(|e| view! { " " {e} })}
                    </p>
                    <ul class="file-progress">
                        {view.files.iter().map(|file| view! {
                            <li>
                                <strong>{file.file.clone()}</strong>": "{file_line(file)}
                                <progress
                                    max=file.to_insert.max(1)
                                    value=file.inserted + file.already_there
                                    aria-label=format!("{} progress", file.file)
                                ></progress>
                            </li>
                        }).collect_view()}
                    </ul>
                    {final_state.then(|| view! {
                        <p class="form-actions">
                            <a class="button secondary small" href=mail_api::job_url(&id, "/report.csv") download="">"Download report (CSV)"</a>
                            <a class="button secondary small" href=mail_api::job_url(&id, "/report.json") download="">"Download report (JSON)"</a>
                            <button type="button" class="button secondary small" on:click=move |_| { run_again.dispatch(rerun_id.clone()); }>
                                "Run it again"
                            </button>
                        </p>
                    })}
                </div>
            }
        })
    };
    Some(view! {
        <section class="card calendar-step" aria-labelledby="calendar-title">
            <h2 id="calendar-title">
                <span class="step-number" aria-hidden="true">"5"</span>
                "Calendar and contacts"
            </h2>
            <p class="hint">
                "Put the events, tasks and contacts of the files you added in the Preview tab into your new calendar. "
                "Items already there are not added again."
            </p>
            {move || match calendar.get().filter(|_| !switching.get()) {
                None => view! {
                    <SignInForm
                        side=Side::Target
                        site=site.get_value()
                        on_signed_in=on_signed_in
                        id_prefix="calendar"
                        button="Sign in to the new calendar"
                    />
                }
                .into_any(),
                Some(account) => view! {
                    <SignedInLine user=account.user server=account.server/>
                    <button type="button" class="button secondary small" on:click=move |_| switching.set(true)>
                        "Use another calendar"
                    </button>
                    <fieldset class="calendar-files">
                        <legend>"Files to put in"</legend>
                        {move || {
                            let list = read_files.get();
                            if list.is_empty() {
                                return view! {
                                    <p class="hint">"No files yet: add your calendar or contacts export in the Preview tab."</p>
                                }
                                .into_any();
                            }
                            list.into_iter().map(|(id, name)| {
                                let input_id = format!("calendar-file-{id}");
                                view! {
                                    <div class="checkbox-row">
                                        <input
                                            type="checkbox"
                                            id=input_id.clone()
                                            prop:checked=move || chosen.with(|set| set.contains(&id))
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                chosen.update(|set| {
                                                    if on { set.insert(id); } else { set.remove(&id); }
                                                });
                                            }
                                        />
                                        <label for=input_id>{name}</label>
                                    </div>
                                }
                            }).collect_view().into_any()
                        }}
                    </fieldset>
                    <div class="form-actions">
                        <button
                            type="button"
                            class="button primary"
                            aria-disabled=move || start.pending().get().to_string()
                            on:click=on_start
                        >
                            {move || if start.pending().get() { "Sending the files…" } else { "Put them in the new calendar" }}
                        </button>
                    </div>
                }
                .into_any(),
            }}
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            {move || trouble.get().map(|e| view! { <p class="form-status" role="status">{e}</p> })}
            {progress}
        </section>
    })
}
