//! The person's moves so far (newest first), each with its state and
//! counts, and a button to show it in full.

use crate::job_text::{account_text, state_class, state_words, when_text};
use crate::units::count_text;
use ferry_shared::api::JobView;
use leptos::prelude::*;

#[component]
pub fn JobList(jobs: Signal<Vec<JobView>>, current: RwSignal<Option<String>>) -> impl IntoView {
    view! {
        <Show when=move || !jobs.with(Vec::is_empty)>
            <section class="card job-list" aria-labelledby="jobs-title">
                <h2 id="jobs-title">"Your moves"</h2>
                <ul class="jobs">
                    <For
                        each=move || jobs.get()
                        // The state and counts too: `updated_at` has whole
                        // seconds, and a job can change within one.
                        key=|job| (job.id.clone(), job.updated_at.clone(), job.state, job.messages())
                        children=move |job| {
                            let (messages, copied) = job.messages();
                            let id = job.id.clone();
                            let data_job = id.clone();
                            let shown = {
                                let id = id.clone();
                                move || current.get().as_deref() == Some(id.as_str())
                            };
                            view! {
                                <li class="job-item" data-job=data_job>
                                    <div class="job-item-text">
                                        <span class=state_class(job.state)>{state_words(job.state)}</span>
                                        <span class="job-item-when">{format!("Started {}", when_text(&job.created_at))}</span>
                                        <span class="job-item-accounts">
                                            {format!("{} → {}", account_text(&job.source), account_text(&job.target))}
                                        </span>
                                        <span class="job-item-count">
                                            {if messages == 0 && job.state.is_final() {
                                                "nothing new to copy".to_string()
                                            } else if messages == 0 {
                                                "counting messages…".to_string()
                                            } else {
                                                format!("{copied} of {} copied", count_text(messages, "message", "messages"))
                                            }}
                                        </span>
                                    </div>
                                    <button
                                        type="button"
                                        class="button secondary small"
                                        aria-pressed=move || shown().to_string()
                                        on:click=move |_| current.set(Some(id.clone()))
                                    >
                                        "Show"
                                    </button>
                                </li>
                            }
                        }
                    />
                </ul>
            </section>
        </Show>
    }
}
