//! The page's parts as a tab bar of links: previewing calendar and
//! contact files, moving mail, and — when the site has it on — admin
//! mode. The part shown lives in the address
//! (`#move`), so reloading or bookmarking the page keeps it, and the
//! browser's Back button goes to the other part.

use leptos::ev;
use leptos::prelude::*;

/// A part of the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Preview,
    Move,
    /// Admin mode (shown only when the site has it on).
    Admin,
}

impl Part {
    fn from_hash(hash: &str) -> Self {
        match hash {
            "#move" => Part::Move,
            "#admin" => Part::Admin,
            _ => Part::Preview,
        }
    }
}

fn hash_part() -> Part {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    Part::from_hash(&hash)
}

/// The part the address names, following its changes.
pub fn shown_part() -> ReadSignal<Part> {
    let (part, set_part) = signal(hash_part());
    let listener = window_event_listener(ev::hashchange, move |_| set_part.set(hash_part()));
    on_cleanup(move || listener.remove());
    part
}

#[component]
pub fn PageTabs(
    part: ReadSignal<Part>,
    /// Whether the site offers admin mode (its tab is shown).
    #[prop(optional, into)]
    admin: Signal<bool>,
) -> impl IntoView {
    let current = move |p: Part| (part.get() == p).then_some("page");
    view! {
        <nav class="page-tabs" aria-label="What to do">
            <a href="#preview" class="page-tab" aria-current=move || current(Part::Preview)>
                "Preview calendars and contacts"
            </a>
            <a href="#move" class="page-tab" aria-current=move || current(Part::Move)>
                "Move mail"
            </a>
            <a href="#admin" class="page-tab" hidden=move || !admin.get() aria-current=move || current(Part::Admin)>
                "Admin"
            </a>
        </nav>
    }
}
