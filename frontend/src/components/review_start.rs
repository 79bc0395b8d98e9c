//! The review before a move: from which mailbox to which, what happens
//! (nothing is deleted; a later run copies only what is new), and the
//! Start button, usable once both mailboxes are signed in.

use crate::job_text::account_text;
use ferry_shared::api::SessionView;
use leptos::prelude::*;

#[component]
pub fn ReviewStart(
    session: Signal<SessionView>,
    starting: Signal<bool>,
    /// Whether a move is shown already (starting one more is then the
    /// exception, not the next step).
    moving: Signal<bool>,
    error: Signal<Option<String>>,
    on_start: Callback<()>,
    on_sign_out: Callback<()>,
) -> impl IntoView {
    let ready = move || session.with(|s| s.source.is_some() && s.target.is_some());
    let side_text = move |pick: fn(&SessionView) -> Option<String>, missing: &'static str| {
        move || session.with(|s| pick(s).unwrap_or_else(|| missing.to_string()))
    };
    let from = side_text(|s| s.source.as_ref().map(account_text), "not signed in yet");
    let to = side_text(|s| s.target.as_ref().map(account_text), "not signed in yet");
    let signed_in_anywhere = move || session.with(|s| s.source.is_some() || s.target.is_some());
    view! {
        <section class="card review" aria-labelledby="review-title">
            <h2 id="review-title">
                <span class="step-number" aria-hidden="true">"3"</span>
                "Review and start"
            </h2>
            <dl class="fields review-fields">
                <dt>"From"</dt>
                <dd>{from}</dd>
                <dt>"To"</dt>
                <dd>{to}</dd>
            </dl>
            <p class="hint">
                "Ferry copies every folder and message. Nothing is deleted from the old mailbox, and you can run the move again later: only what is new is copied."
            </p>
            <div class="form-actions">
                <button
                    type="button"
                    class=move || if moving.get() { "button secondary" } else { "button primary" }
                    disabled=move || !ready() || starting.get()
                    on:click=move |_| on_start.run(())
                >
                    {move || match (starting.get(), moving.get()) {
                        (true, _) => "Starting…",
                        (false, false) => "Start moving mail",
                        (false, true) => "Start another move",
                    }}
                </button>
                <Show when=signed_in_anywhere>
                    <button type="button" class="button secondary" on:click=move |_| on_sign_out.run(())>
                        "Sign out of both mailboxes"
                    </button>
                </Show>
            </div>
            <Show when=move || !ready()>
                <p class="hint">"Sign in to both mailboxes to start."</p>
            </Show>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        </section>
    }
}
