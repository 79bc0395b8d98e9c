//! The heading and lead paragraph that open each part of the page, its
//! promise to the reader in bold.

use leptos::prelude::*;

/// `id` names the heading, which labels the section.
#[component]
pub fn PageIntro(
    id: &'static str,
    title: &'static str,
    lead: &'static str,
    promise: &'static str,
) -> impl IntoView {
    view! {
        <section class="intro" aria-labelledby=id>
            <h1 id=id>{title}</h1>
            <p class="lead">{lead}<strong>{promise}</strong></p>
        </section>
    }
}
