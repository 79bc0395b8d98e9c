//! One side of admin mode, old or new server: the service account signed
//! in there, or the form to sign in with one. A master user often may not
//! sign in alone, so the form takes a user it may act for to check it.
//! With `calendar`, the card is the new calendar server's (a listed
//! Exchange server, EWS): its service account acts for each user by
//! impersonation.

use super::server_fields::{ServerFields, ServerInput};
use super::text_field::{Kind, TextField};
use crate::admin_api::{self, AdminSignInRequest};
use crate::job_text::account_text;
use ferry_shared::admin::api::AdminSessionView;
use ferry_shared::api::{Account, Side, SiteServer, SiteView};
use leptos::prelude::*;

/// Whether the card signs in to `server`: an Exchange server (EWS) for
/// the calendar card, a mail server (IMAP) for the others.
fn fits(server: &SiteServer, calendar: bool) -> bool {
    (server.kind == "ews") == calendar && (calendar || server.kind == "imap")
}

/// The servers of `site` the card offers (and no typed server for the
/// calendar card).
pub fn offered(site: &SiteView, calendar: bool) -> SiteView {
    SiteView {
        servers: site
            .servers
            .iter()
            .filter(|server| fits(server, calendar))
            .cloned()
            .collect(),
        typed_servers: site.typed_servers && !calendar,
    }
}

#[component]
pub fn ServiceAccountCard(
    side: Side,
    site: SiteView,
    account: Signal<Option<Account>>,
    on_signed_in: Callback<AdminSessionView>,
    /// The new calendar server's card.
    #[prop(optional)]
    calendar: bool,
) -> impl IntoView {
    let (title, prefix, hint) = match (side, calendar) {
        (_, true) => (
            "New calendar server",
            "admin-calendar",
            "An Exchange service account that may act for every listed user (impersonation), to put their calendar and contacts files in.",
        ),
        (Side::Source, false) => (
            "Old server",
            "admin-source",
            "A service account that may open every listed user's mailbox.",
        ),
        (Side::Target, false) => (
            "New server",
            "admin-target",
            "A service account that may open every listed user's mailbox.",
        ),
    };
    let site = offered(&site, calendar);
    let server = ServerInput::new(&site, side);
    let user = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let act_as = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let switching = RwSignal::new(false);
    let form_hidden = move || account.with(Option::is_some) && !switching.get();
    let sign_in =
        Action::new_local(|request: &AdminSignInRequest| admin_api::sign_in(request.clone()));
    // The answer: signed in (the password is forgotten), or why not.
    Effect::new(move |_| match sign_in.value().get() {
        Some(Ok(view)) => {
            password.set(String::new());
            switching.set(false);
            on_signed_in.run(view);
        }
        Some(Err(message)) => error.set(Some(message)),
        None => {}
    });
    let busy = sign_in.pending();
    let filled = move || {
        let name = user.get_untracked().trim().to_string();
        let secret = password.get_untracked();
        let check = act_as.get_untracked().trim().to_string();
        match (server.choice(), name.is_empty() || secret.is_empty()) {
            (Err(message), _) => Err(message),
            (Ok(_), true) => Err("Type the service account's name and password.".to_string()),
            (Ok(server), false) => Ok(AdminSignInRequest {
                side,
                server,
                user: name,
                password: secret,
                act_as: (!check.is_empty()).then_some(check),
            }),
        }
    };
    let submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        if !busy.get_untracked() {
            error.set(filled().err());
            if let Ok(request) = filled() {
                sign_in.dispatch(request);
            }
        }
    };
    let id = move |name: &str| format!("{prefix}-{name}");
    let form = view! {
        <form class="sign-in" novalidate hidden=form_hidden on:submit=submit aria-busy=move || busy.get().to_string()>
            <ServerFields input=server side=side site=site prefix=prefix/>
            <TextField id=id("user") label="Service account" value=user kind=Kind::User autocomplete="off"/>
            <TextField id=id("password") label="Password" value=password kind=Kind::Password autocomplete="off"/>
            <TextField
                id=id("act-as")
                label="Check with this user (optional)"
                value=act_as
                kind=Kind::User
                autocomplete="off"
                placeholder="a user from your list"
            />
            <div class="form-actions">
                <button type="submit" class="button primary" aria-disabled=move || busy.get().to_string()>
                    {move || if busy.get() { "Checking…" } else { "Sign in" }}
                </button>
            </div>
            <p class="form-status" role="status" aria-live="polite">
                {move || busy.get().then_some("Checking the service account with the server…")}
            </p>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        </form>
    };
    view! {
        <section class="card mailbox-card" aria-labelledby=format!("{prefix}-title")>
            <h2 id=format!("{prefix}-title")>{title}</h2>
            <p class="hint">{hint}</p>
            <p class="signed-in" hidden=move || account.with(Option::is_none)>
                <span class="badge ok">"Signed in"</span>
                " as "{move || account.get().map(|a| account_text(&a))}
            </p>
            <button
                type="button"
                class="button secondary small"
                hidden=move || !form_hidden()
                on:click=move |_| switching.set(true)
            >
                "Use another account"
            </button>
            {form}
        </section>
    }
}
