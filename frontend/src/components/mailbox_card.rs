//! One side of the move, old or new mailbox: who is signed in there, or
//! the form to sign in (also to switch to another account).

use super::sign_in_form::SignInForm;
use super::signed_in_line::SignedInLine;
use ferry_shared::api::{Account, SessionView, Side, SiteView};
use leptos::html;
use leptos::prelude::*;

#[component]
pub fn MailboxCard(
    side: Side,
    site: SiteView,
    account: Signal<Option<Account>>,
    on_signed_in: Callback<SessionView>,
) -> impl IntoView {
    let (number, title, hint, heading_id) = match side {
        Side::Source => (
            "1",
            "Your old mailbox",
            "Where your mail is today.",
            "old-mailbox-title",
        ),
        Side::Target => (
            "2",
            "Your new mailbox",
            "Where your mail should go.",
            "new-mailbox-title",
        ),
    };
    let switching = RwSignal::new(false);
    // After signing in here, the keyboard focus goes to the news (the
    // form it was in is gone): Tab goes on to the next step.
    let focus_news = StoredValue::new(false);
    let news = NodeRef::<html::P>::new();
    Effect::new(move |_| {
        if let Some(news) = news.get()
            && focus_news.get_value()
        {
            focus_news.set_value(false);
            let _ = news.focus();
        }
    });
    let signed_in = Callback::new(move |view: SessionView| {
        focus_news.set_value(true);
        switching.set(false);
        on_signed_in.run(view);
    });
    let site = StoredValue::new(site);
    view! {
        <section class="card mailbox-card" aria-labelledby=heading_id data-side=number>
            <h2 id=heading_id>
                <span class="step-number" aria-hidden="true">{number}</span>
                {title}
            </h2>
            <p class="hint">{hint}</p>
            {move || match account.get() {
                Some(account) if !switching.get() => view! {
                    <SignedInLine user=account.user server=account.server node_ref=news/>
                    <button type="button" class="button secondary small" on:click=move |_| switching.set(true)>
                        "Use another account"
                    </button>
                }
                .into_any(),
                current => view! {
                    <SignInForm side=side site=site.get_value() on_signed_in=signed_in/>
                    {current.map(|account| view! {
                        <button type="button" class="button link small" on:click=move |_| switching.set(false)>
                            {format!("Keep {}", account.user)}
                        </button>
                    })}
                }
                .into_any(),
            }}
        </section>
    }
}
