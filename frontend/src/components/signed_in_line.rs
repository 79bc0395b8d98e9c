//! The line a sign-in card shows once its account is signed in: a
//! "Signed in" badge, then "as USER at SERVER". Focusable by script
//! (`tabindex="-1"`), so a card may move the keyboard focus to it after
//! signing in.

use leptos::html;
use leptos::prelude::*;

/// "Signed in as `user` at `server`"; `node_ref` lets the card focus it.
#[component]
pub fn SignedInLine(
    user: String,
    server: String,
    #[prop(optional)] node_ref: NodeRef<html::P>,
) -> impl IntoView {
    view! {
        <p class="signed-in" tabindex="-1" node_ref=node_ref>
            <span class="badge ok">"Signed in"</span>
            " as "<strong>{user}</strong>" at "<strong>{server}</strong>
        </p>
    }
}
