//! Shown before any file is given: where to find an export.

use leptos::prelude::*;

#[component]
pub fn EmptyState() -> impl IntoView {
    view! {
        <section class="empty-state" aria-label="How to export a calendar">
            <h2>"No files yet"</h2>
            <p>"Export your calendar from the program you use today, then drop the file above:"</p>
            <ul class="how-to">
                <li><strong>"Outlook"</strong>" — File › Save Calendar, choose “Whole calendar”."</li>
                <li><strong>"Google Calendar"</strong>" — Settings › Import & export › Export."</li>
                <li><strong>"Apple Calendar"</strong>" — File › Export › Export…"</li>
                <li><strong>"Thunderbird"</strong>" — right-click the calendar › Export…"</li>
            </ul>
        </section>
    }
}
