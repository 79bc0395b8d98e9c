//! One job, live: its state in plain words, the overall and per-folder
//! progress from its server-sent events, speed and time left, the error
//! that stopped it, Cancel and Run again, and the report downloads.

use super::job_progress::{FolderList, OverallProgress};
use super::throughput_chart::ThroughputChart;
use crate::job_events::JobEvents;
use crate::job_text::{account_text, state_class, state_words, when_text};
use crate::mail_api;
use crate::rate::{Rate, RateMeter};
use ferry_shared::api::{JobState, JobView};
use leptos::html;
use leptos::prelude::*;

/// What the person can do about a job in this state, in plain words.
fn state_hint(state: JobState, both_signed_in: bool) -> Option<&'static str> {
    match state {
        JobState::WaitingForSignIn if !both_signed_in => Some(
            "Ferry restarted and no longer holds your passwords. Sign in to both mailboxes above and the move goes on by itself.",
        ),
        JobState::WaitingForSignIn => Some("Signed in again: the move goes on in a moment."),
        JobState::Failed => Some("Run it again to go on where it stopped."),
        JobState::Done => Some(
            "Everything is copied. Run it again just before you switch to the new mailbox: only what arrived since is copied.",
        ),
        JobState::Cancelled => Some("Run it again to go on: what is copied stays copied."),
        JobState::Queued | JobState::Running => None,
    }
}

#[component]
pub fn JobPanel(
    id: String,
    job: RwSignal<Option<JobView>>,
    both_signed_in: Signal<bool>,
    on_settled: Callback<()>,
    focus: bool,
) -> impl IntoView {
    let meter = StoredValue::new(RateMeter::default());
    let rate = RwSignal::new(None::<Rate>);
    let trouble = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<String>);
    let generation = RwSignal::new(0u32);
    let events = StoredValue::new_local(None::<JobEvents>);
    let stream_id = id.clone();
    Effect::new(move |_| {
        generation.track();
        let on_view = move |view: JobView| {
            if view.state == JobState::Running {
                let (bytes, bytes_done) = view.bytes();
                let (messages, copied) = view.messages();
                meter.update_value(|m| m.record(js_sys::Date::now(), bytes_done, copied));
                rate.set(meter.with_value(|m| {
                    m.rate(
                        bytes.saturating_sub(bytes_done),
                        messages.saturating_sub(copied),
                    )
                }));
            } else {
                meter.update_value(RateMeter::clear);
                rate.set(None);
            }
            let settled = view.state.is_final();
            job.set(Some(view));
            if settled {
                on_settled.run(());
            }
        };
        let on_trouble = move |message: Option<String>| trouble.set(message);
        match JobEvents::open(&stream_id, on_view, on_trouble) {
            Ok(opened) => events.set_value(Some(opened)),
            Err(message) => trouble.set(Some(message)),
        }
    });
    on_cleanup(move || {
        let _ = events.try_update_value(|e| e.take());
    });

    let cancel = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move {
            if let Err(message) = mail_api::cancel(id).await {
                let _ = failure.try_set(Some(message));
            }
        }
    });
    let run_again = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move {
            match mail_api::run_again(id).await {
                Ok(()) => {
                    let _ = generation.try_update(|g| *g += 1);
                }
                Err(message) => {
                    let _ = failure.try_set(Some(message));
                }
            }
        }
    });
    let busy = move || cancel.pending().get() || run_again.pending().get();

    let heading = NodeRef::<html::H2>::new();
    if focus {
        Effect::new(move |_| {
            if let Some(heading) = heading.get() {
                let _ = heading.focus();
            }
        });
    }
    let csv = mail_api::job_url(&id, "/report.csv");
    let json = mail_api::job_url(&id, "/report.json");
    let id = StoredValue::new(id);
    // Parts that change rarely re-render only then: a focused button
    // stays focused while progress streams in.
    let state = Memo::new(move |_| job.with(|j| j.as_ref().map(|v| v.state)));
    let error = Memo::new(move |_| job.with(|j| j.as_ref().and_then(|v| v.error.clone())));
    let accounts = Memo::new(move |_| {
        job.with(|j| {
            j.as_ref().map(|v| {
                (
                    format!(
                        "From {} to {}",
                        account_text(&v.source),
                        account_text(&v.target)
                    ),
                    format!(" · started {}", when_text(&v.created_at)),
                )
            })
        })
    });
    let is_final = Memo::new(move |_| state.get().map(JobState::is_final));
    let shown: Signal<Option<JobView>> = job.into();

    view! {
        <section class="card job-panel" aria-labelledby="job-title">
            <h2 id="job-title" tabindex="-1" node_ref=heading>"Moving your mail"</h2>
            {move || accounts.get().map(|(accounts, started)| view! {
                <p class="job-accounts">{accounts}<span class="job-started">{started}</span></p>
            })}
            <p class="job-state" aria-live="polite">
                {move || match state.get() {
                    Some(state) => view! { <span class=state_class(state)>{state_words(state)}</span> }.into_any(),
                    None => view! { <span class="badge busy">"Loading…"</span> }.into_any(),
                }}
            </p>
            {move || state.get().and_then(|state| {
                state_hint(state, both_signed_in.get()).map(|hint| view! { <p class="hint">{hint}</p> })
            })}
            // While it runs, the text is a note (it reconnected), not an end.
            {move || error.get().map(|error| if state.get() == Some(JobState::Running) {
                view! { <p class="notice-line" role="status">{error}</p> }.into_any()
            } else {
                view! { <p class="form-error" role="alert">{error}</p> }.into_any()
            })}
            {move || trouble.get().map(|t| view! { <p class="notice-line" role="status">{t}</p> })}
            <Show when=move || state.get().is_some()>
                <OverallProgress job=shown rate=rate.into()/>
                <ThroughputChart job=shown/>
                <FolderList job=shown/>
            </Show>
            <div class="job-actions">
                {move || is_final.get().map(|is_final| if is_final {
                    view! {
                        <button
                            type="button"
                            class="button primary"
                            disabled=move || !both_signed_in.get() || busy()
                            on:click=move |_| {
                                failure.set(None);
                                run_again.dispatch(id.get_value());
                            }
                        >
                            "Run again"
                        </button>
                    }
                    .into_any()
                } else {
                    view! {
                        <button
                            type="button"
                            class="button secondary"
                            disabled=busy
                            on:click=move |_| {
                                failure.set(None);
                                cancel.dispatch(id.get_value());
                            }
                        >
                            "Cancel the move"
                        </button>
                    }
                    .into_any()
                })}
                <a class="button secondary" href=csv download="ferry-report.csv">"Download report (CSV)"</a>
                <a class="button secondary" href=json download="ferry-report.json">"Download report (JSON)"</a>
            </div>
            {move || (is_final.get() == Some(true) && !both_signed_in.get()).then(|| view! {
                <p class="hint">"Sign in to both mailboxes to run it again."</p>
            })}
            {move || failure.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        </section>
    }
}
