//! The items of one file as a table: one row per event or task.

use ferry_shared::model::Person;
use ferry_shared::model::Recurrence;
use ferry_shared::{DateValue, FileReport, Item, ItemKind};
use leptos::prelude::*;
use std::sync::Arc;

#[component]
pub fn ItemTable(report: Arc<FileReport>) -> impl IntoView {
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
    let start = date_cell(item.start.as_ref());
    let end = date_cell(item.end_for_display().as_ref());
    let organizer = organizer_cell(item.organizer.as_ref());
    let recurring = match item.recurrence {
        Recurrence::None => "No",
        Recurrence::Series => "Yes",
        Recurrence::Exception => "Changed occurrence",
    };
    let notes = item.notes.clone();
    let line = item.line;
    view! {
        <tr class="item-row" class:needs-check=!ok data-line=line>
            <td class="status" data-label="Status">
                {if ok {
                    view! { <span class="badge ok">"Ready"</span> }.into_any()
                } else {
                    view! { <span class="badge warn">"Check"</span> }.into_any()
                }}
            </td>
            <td class="summary-cell" data-label="Summary">
                {kind.map(|k| view! { <span class="kind">{k}</span> })}
                <span class="item-summary">{summary}</span>
                {notes.into_iter().map(|n| view! { <span class="note">{n}</span> }).collect_view()}
            </td>
            <td class="date" data-label="Start">{start}</td>
            <td class="date" data-label="End">{end}</td>
            <td class="organizer" data-label="Organizer">{organizer}</td>
            <td class="num attendees" data-label="Attendees">{item.attendees.len()}</td>
            <td class="recurring" data-label="Recurring">{recurring}</td>
        </tr>
    }
}

/// Date and time on one line, the zone below it. The text reads as
/// `DateValue`'s `Display` (`2024-03-01 09:00 Europe/Berlin`).
fn date_cell(value: Option<&DateValue>) -> AnyView {
    match value {
        None => view! { "—" }.into_any(),
        Some(value) => {
            let zone = value
                .zone_label()
                .map(|z| view! { " " <span class="zone">{z.to_string()}</span> });
            view! { <span class="when">{value.when()}</span> {zone} }.into_any()
        }
    }
}

/// The organizer's name, with the address below it when both are known.
fn organizer_cell(organizer: Option<&Person>) -> AnyView {
    let Some(organizer) = organizer else {
        return view! { "—" }.into_any();
    };
    match (&organizer.name, &organizer.email) {
        (Some(name), Some(address)) if !name.eq_ignore_ascii_case(address) => view! {
            {name.clone()} " " <span class="address">{format!("<{address}>")}</span>
        }
        .into_any(),
        _ => view! { <span class="address">{organizer.to_string()}</span> }.into_any(),
    }
}
