//! A labelled one-line input of the sign-in form, bound to a signal.

use leptos::prelude::*;

/// How the browser should treat what is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A server name: no capitals or spelling fixes added.
    Host,
    /// A user name, often an email address.
    User,
    /// Digits (a port).
    Number,
    Password,
}

#[component]
pub fn TextField(
    id: String,
    label: &'static str,
    value: RwSignal<String>,
    kind: Kind,
    /// The browser's `autocomplete` hint.
    autocomplete: &'static str,
    #[prop(optional)] placeholder: &'static str,
    #[prop(optional)] class: &'static str,
) -> impl IntoView {
    let (input_type, inputmode) = match kind {
        Kind::Host => ("text", "url"),
        Kind::User => ("text", "email"),
        Kind::Number => ("text", "numeric"),
        Kind::Password => ("password", "text"),
    };
    view! {
        <div class=format!("field {class}")>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                type=input_type
                inputmode=inputmode
                autocomplete=autocomplete
                autocapitalize="none"
                spellcheck="false"
                placeholder=placeholder
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </div>
    }
}
