//! The items of one file as a table: one row per event or task.

use ferry_shared::report::Recurrence;
use ferry_shared::{CalendarReport, Item, ItemKind};
use leptos::prelude::*;
use std::sync::Arc;

#[component]
pub fn ItemTable(report: Arc<CalendarReport>) -> impl IntoView {
    let rows = report.items.iter().map(row).collect_view();
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label="Items in this file">
            <table class="items">
                <thead>
                    <tr>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Summary"</th>
                        <th scope="col">"Start"</th>
                        <th scope="col">"End"</th>
                        <th scope="col">"Organizer"</th>
                        <th scope="col" class="num">"Attendees"</th>
                        <th scope="col">"Recurring"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

fn row(item: &Item) -> impl IntoView + use<> {
    let ok = item.notes.is_empty();
    let summary = item
        .summary
        .clone()
        .unwrap_or_else(|| "(no title)".to_string());
    let kind = (item.kind == ItemKind::Task).then_some("Task");
    let start = item
        .start
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_else(|| "—".into());
    let end = item
        .end
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_else(|| "—".into());
    let organizer = item.organizer.clone().unwrap_or_else(|| "—".into());
    let recurring = match item.recurrence {
        Recurrence::None => "No",
        Recurrence::Series => "Yes",
        Recurrence::Exception => "Changed occurrence",
    };
    let notes = item.notes.clone();
    let line = item.line;
    view! {
        <tr class="item-row" class:needs-check=!ok data-line=line>
            <td>
                {if ok {
                    view! { <span class="badge ok">"Ready"</span> }.into_any()
                } else {
                    view! { <span class="badge warn">"Check"</span> }.into_any()
                }}
            </td>
            <td class="summary-cell">
                {kind.map(|k| view! { <span class="kind">{k}</span> })}
                <span class="item-summary">{summary}</span>
                {notes.into_iter().map(|n| view! { <span class="note">{n}</span> }).collect_view()}
            </td>
            <td class="date">{start}</td>
            <td class="date">{end}</td>
            <td class="organizer">{organizer}</td>
            <td class="num attendees">{item.attendees}</td>
            <td class="recurring">{recurring}</td>
        </tr>
    }
}
