//! One side of admin mode, old or new server: the service account signed
//! in there, or the form to sign in with one. A master user often may not
//! sign in alone, so the form takes a user it may act for to check it.

use super::server_fields::{ServerFields, ServerInput};
use super::text_field::{Kind, TextField};
use crate::admin_api::{self, AdminSignInRequest};
use crate::job_text::account_text;
use ferry_shared::admin::api::AdminSessionView;
use ferry_shared::api::{Account, Side, SiteView};
use leptos::prelude::*;

#[component]
pub fn ServiceAccountCard(
    side: Side,
    site: SiteView,
    account: Signal<Option<Account>>,
    on_signed_in: Callback<AdminSessionView>,
) -> impl IntoView {
    let (title, prefix) = match side {
        Side::Source => ("Old server", "admin-source"),
        Side::Target => ("New server", "admin-target"),
    };
    let server = ServerInput::new(&site, side);
    let user = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let act_as = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let switching = RwSignal::new(false);
    let form_hidden = move || account.with(Option::is_some) && !switching.get();
    let sign_in = Action::new_local(move |request: &AdminSignInRequest| {
        let request = request.clone();
        async move {
            match admin_api::sign_in(request).await {
                Ok(view) => {
                    let _ = password.try_set(String::new());
                    let _ = switching.try_set(false);
                    on_signed_in.run(view);
                }
                Err(message) => {
                    let _ = error.try_set(Some(message));
                }
            }
        }
    });
    let busy = sign_in.pending();
    let submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let request = server.choice().and_then(|server| {
            let name = user.get_untracked().trim().to_string();
            let secret = password.get_untracked();
            if name.is_empty() || secret.is_empty() {
                return Err("Type the service account's name and password.".to_string());
            }
            let check = act_as.get_untracked().trim().to_string();
            Ok(AdminSignInRequest {
                side,
                server,
                user: name,
                password: secret,
                act_as: (!check.is_empty()).then_some(check),
            })
        });
        match request {
            Ok(request) => {
                error.set(None);
                sign_in.dispatch(request);
            }
            Err(message) => error.set(Some(message)),
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
            <p class="hint">"A service account that may open every listed user's mailbox."</p>
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
