//! Signing in to one mailbox: the server, user name and password, sent
//! once to Ferry, which checks them with the server (a few seconds)
//! before the mailbox counts as signed in. Busy and error states are
//! announced (`aria-live`); the error is the back end's plain message.
//!
//! A site server that signs in through its OAuth2 provider shows no
//! password field but a "Sign in with …" button: the browser goes to
//! `/api/oauth/{server}/start` (with the email address, when typed, as a
//! hint), on to the provider's sign-in page, and back to this page
//! signed in (or with an error, see [`super::sign_in_return`]). The
//! calendar step's form (`id_prefix` `calendar`) signs in the calendar
//! target (`side=calendar`).

use super::server_fields::{ServerFields, ServerInput};
use super::text_field::{Kind, TextField};
use crate::mail_api::{self, SignInRequest};
use ferry_shared::api::{SessionView, Side, SiteView};
use leptos::prelude::*;

#[component]
pub fn SignInForm(
    side: Side,
    site: SiteView,
    on_signed_in: Callback<SessionView>,
    /// What the ids of the fields start with (default: the side), so two
    /// forms of one side can be on the page.
    #[prop(optional)]
    id_prefix: Option<&'static str>,
    /// The button's words (default: “Sign in to the new mailbox”).
    #[prop(optional, into)]
    button: Option<String>,
) -> impl IntoView {
    let prefix = id_prefix.unwrap_or(match side {
        Side::Source => "source",
        Side::Target => "target",
    });
    let id = move |name: &str| format!("{prefix}-{name}");
    let server = ServerInput::new(&site, side);
    let oauth = {
        let site = site.clone();
        Memo::new(move |_| server.oauth_server(&site))
    };
    let user = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let sign_in = Action::new_local(move |request: &SignInRequest| {
        let request = request.clone();
        async move {
            match mail_api::sign_in(request).await {
                Ok(view) => {
                    let _ = password.try_set(String::new());
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
        if let Some(listed) = oauth.get_untracked() {
            leave_for_provider(&listed.id, prefix, user.get_untracked().trim());
            return;
        }
        let request = server.choice().and_then(|server| {
            let user = user.get_untracked().trim().to_string();
            if user.is_empty() {
                return Err("Type your user name (often your email address).".to_string());
            }
            let password = password.get_untracked();
            if password.is_empty() {
                return Err("Type your password.".to_string());
            }
            Ok(SignInRequest {
                side,
                server,
                user,
                password,
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
    let button = button.unwrap_or_else(|| format!("Sign in to the {}", side.label()));
    let button_text = move || {
        if busy.get() {
            "Checking…".to_string()
        } else if let Some(listed) = oauth.get() {
            format!("Sign in with {}", listed.label)
        } else {
            button.clone()
        }
    };
    view! {
        <form class="sign-in" novalidate on:submit=submit aria-busy=move || busy.get().to_string()>
            <ServerFields input=server side=side site=site prefix=prefix/>
            {move || match oauth.get() {
                Some(listed) => view! {
                    <TextField id=id("user") label="Email address (optional)" value=user kind=Kind::User autocomplete="username"/>
                    <p class="hint">
                        {format!("{} signs you in on its own page; Ferry never sees your password.", listed.label)}
                    </p>
                }
                .into_any(),
                None => view! {
                    <TextField id=id("user") label="User name" value=user kind=Kind::User autocomplete="username"/>
                    <TextField
                        id=id("password")
                        label="Password"
                        value=password
                        kind=Kind::Password
                        autocomplete="current-password"
                    />
                }
                .into_any(),
            }}
            <div class="form-actions">
                <button type="submit" class="button primary" aria-disabled=move || busy.get().to_string()>
                    {button_text}
                </button>
            </div>
            <p class="form-status" role="status" aria-live="polite">
                {move || busy.get().then_some("Checking your user name and password with the server. This takes a few seconds…")}
            </p>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        </form>
    }
}

/// Sends the browser to Ferry's OAuth2 start for server `id` on `side`
/// (`source` or `target`), naming `user` when typed.
fn leave_for_provider(id: &str, side: &str, user: &str) {
    let encode = |text: &str| String::from(js_sys::encode_uri_component(text));
    let mut url = format!("/api/oauth/{}/start?side={side}", encode(id));
    if !user.is_empty() {
        url.push_str("&user=");
        url.push_str(&encode(user));
    }
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(&url);
    }
}
