//! Coming back from an OAuth2 sign-in ("Sign in with …") that did not
//! work: Ferry's callback sends the browser to
//! `/?sign_in_error=CODE#move`. The code is said here in plain words,
//! once — the address is put back to `/#move`, so a reload does not show
//! it again.

use leptos::prelude::*;

/// What each callback error code means for the person.
pub fn sign_in_error_text(code: &str) -> &'static str {
    match code {
        "sign_in_expired" => "The sign-in took too long or was already used. Please sign in again.",
        "sign_in_cancelled" => "The sign-in was cancelled or refused at the sign-in page.",
        "provider_refused" => {
            "The sign-in service did not accept the sign-in. Please sign in again."
        }
        "provider_unavailable" => {
            "The sign-in service could not be reached. Please try again in a few minutes."
        }
        "no_user" => {
            "The sign-in service did not say which mailbox is yours. Type your email address and sign in again."
        }
        "mailbox_refused" => {
            "The mail server did not accept the sign-in. Check that you signed in with the right account."
        }
        "calendar_refused" => {
            "Microsoft 365 did not accept the sign-in for your calendar. Check that you signed in with the right account."
        }
        "not_a_calendar" => "This server cannot take calendars from this page.",
        "too_many_attempts" => "Too many sign-in attempts. Please wait a minute and try again.",
        "server_unreachable" | "server_not_allowed" => {
            "Ferry could not reach the server. Please try again later."
        }
        _ => "The sign-in did not work. Please try again.",
    }
}

/// The error code in the page's address, removed from it.
fn take_error_code() -> Option<String> {
    let window = web_sys::window()?;
    let location = window.location();
    let search = location.search().ok()?;
    let code = search
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix("sign_in_error="))?
        .to_string();
    let clean = format!(
        "{}{}",
        location.pathname().unwrap_or_else(|_| "/".into()),
        location.hash().unwrap_or_default()
    );
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&clean));
    }
    Some(code)
}

/// The plain message of a sign-in that came back with an error, if any.
#[component]
pub fn SignInReturnError() -> impl IntoView {
    let message = take_error_code().map(|code| sign_in_error_text(&code));
    message.map(|text| {
        view! { <p class="form-error sign-in-return" role="alert">{text}</p> }
    })
}
