//! The items of one file as a table that stays smooth at 100,000 rows:
//! only the rows in view (plus a margin) are in the page; spacer rows
//! stand in for the rest. Rows have a fixed height (set in ferry.css for
//! each layout) so positions are computed, not measured. Filters by
//! status and kind and a search box narrow the list; a row's title opens
//! the detail view.

use crate::app::{PageState, Selected};
use ferry_shared::DateValue;
use ferry_shared::ItemKind;
use ferry_shared::mapping::ItemStatus;
use ferry_shared::model::Recurrence;
use ferry_shared::preview::{FilePreview, PreviewRow};
use leptos::html;
use leptos::prelude::*;
use std::sync::Arc;

/// Row heights in CSS pixels; ferry.css sets the same (`.item-row`).
const ROW_HEIGHT_WIDE: f64 = 60.0;
const ROW_HEIGHT_NARROW: f64 = 220.0;
/// Below this width rows are shown as cards (ferry.css's breakpoint).
const NARROW_BELOW: f64 = 640.0;
/// Rows rendered above and below the visible ones.
const OVERSCAN: usize = 8;

fn row_height() -> f64 {
    let width = web_sys::window()
        .and_then(|w| w.inner_width().ok())
        .and_then(|w| w.as_f64())
        .unwrap_or(1024.0);
    if width < NARROW_BELOW {
        ROW_HEIGHT_NARROW
    } else {
        ROW_HEIGHT_WIDE
    }
}

#[component]
pub fn ItemTable(file: usize, preview: Arc<FilePreview>) -> impl IntoView {
    let page = expect_context::<PageState>();
    let status = RwSignal::new(None::<ItemStatus>);
    let kind = RwSignal::new(None::<ItemKind>);
    let query = RwSignal::new(String::new());
    let total = preview.rows.len();
    let kinds_present = [ItemKind::Event, ItemKind::Task, ItemKind::Contact]
        .into_iter()
        .filter(|k| preview.counts.of(*k).total() > 0)
        .count();
    // A contacts file shows contact columns instead of dates and people.
    let contacts_only = preview.counts.contacts.total() == total;
    let columns = if contacts_only { 4 } else { 7 };

    let rows = preview.clone();
    let shown = Memo::new(move |_| {
        let wanted_status = status.get();
        let wanted_kind = kind.get();
        let needle = query.with(|q| q.trim().to_lowercase());
        rows.rows
            .iter()
            .enumerate()
            .filter(|(_, r)| wanted_status.is_none_or(|s| r.status == s))
            .filter(|(_, r)| wanted_kind.is_none_or(|k| r.kind == k))
            .filter(|(_, r)| r.matches(&needle))
            .map(|(i, _)| i)
            .collect::<Vec<usize>>()
    });

    let scroll_top = RwSignal::new(0.0);
    let viewport = RwSignal::new(640.0);
    let height = RwSignal::new(row_height());
    let resize = window_event_listener(leptos::ev::resize, move |_| height.set(row_height()));
    on_cleanup(move || resize.remove());
    let scroller = NodeRef::<html::Div>::new();
    let on_scroll = move |_| {
        if let Some(el) = scroller.get() {
            scroll_top.set(f64::from(el.scroll_top()));
            viewport.set(f64::from(el.client_height()));
        }
    };
    // Filters change the list: start again at its top.
    Effect::new(move |_| {
        shown.track();
        if let Some(el) = scroller.get_untracked() {
            el.set_scroll_top(0);
        }
        scroll_top.set(0.0);
    });

    let range = Memo::new(move |_| {
        let h = height.get();
        let count = shown.with(Vec::len);
        let first = ((scroll_top.get() / h).floor() as usize).saturating_sub(OVERSCAN);
        let visible = (viewport.get() / h).ceil() as usize + 2 * OVERSCAN;
        let first = first.min(count);
        (first, (first + visible).min(count))
    });
    let rows = preview.clone();
    let window_rows = move || {
        let (first, last) = range.get();
        shown.with(|list| list[first..last].to_vec())
    };
    let spacer = move |above: bool| {
        let (first, last) = range.get();
        let count = shown.with(Vec::len);
        let n = if above { first } else { count - last };
        format!("height: {}px", n as f64 * height.get())
    };

    let on_status = move |ev: web_sys::Event| {
        status.set(match event_target_value(&ev).as_str() {
            "ok" => Some(ItemStatus::Ok),
            "warning" => Some(ItemStatus::Warning),
            "cannot-convert" => Some(ItemStatus::CannotConvert),
            _ => None,
        })
    };
    let on_kind = move |ev: web_sys::Event| {
        kind.set(match event_target_value(&ev).as_str() {
            "event" => Some(ItemKind::Event),
            "task" => Some(ItemKind::Task),
            "contact" => Some(ItemKind::Contact),
            _ => None,
        })
    };
    let select = move |index: usize| page.selected.set(Some(Selected { file, index }));

    view! {
        <div class="table-filters" role="search">
            <label>
                "Status "
                <select class="filter-status" on:change=on_status>
                    <option value="">"All"</option>
                    <option value="ok">"OK"</option>
                    <option value="warning">"Warning"</option>
                    <option value="cannot-convert">"Cannot convert"</option>
                </select>
            </label>
            {(kinds_present > 1).then(|| view! {
                <label>
                    "Kind "
                    <select class="filter-kind" on:change=on_kind>
                        <option value="">"All"</option>
                        <option value="event">"Events"</option>
                        <option value="task">"Tasks"</option>
                        <option value="contact">"Contacts"</option>
                    </select>
                </label>
            })}
            <label class="search">
                "Search "
                <input
                    type="search"
                    class="filter-search"
                    placeholder="Title, organizer or warning"
                    prop:value=move || query.get()
                    on:input=move |ev| query.set(event_target_value(&ev))
                />
            </label>
            <span class="shown-count" aria-live="polite">
                {move || {
                    let n = shown.with(Vec::len);
                    if n == total { format!("{total} items") } else { format!("{n} of {total} items") }
                }}
            </span>
        </div>
        <div
            class="table-wrap"
            tabindex="0"
            role="region"
            aria-label="Items in this file"
            node_ref=scroller
            on:scroll=on_scroll
        >
            <table class="items" aria-rowcount=move || shown.with(Vec::len) + 1>
                <thead>
                    {if contacts_only {
                        view! {
                            <tr>
                                <th scope="col">"Status"</th>
                                <th scope="col">"Name"</th>
                                <th scope="col">"E-mail"</th>
                                <th scope="col">"Company"</th>
                            </tr>
                        }.into_any()
                    } else {
                        view! {
                            <tr>
                                <th scope="col">"Status"</th>
                                <th scope="col">"Title"</th>
                                <th scope="col">"Start"</th>
                                <th scope="col">"End"</th>
                                <th scope="col">"Organizer"</th>
                                <th scope="col" class="num">"Attendees"</th>
                                <th scope="col">"Repeats"</th>
                            </tr>
                        }.into_any()
                    }}
                </thead>
                <tbody>
                    <tr class="spacer" aria-hidden="true" style=move || spacer(true)><td colspan=columns></td></tr>
                    <For
                        each=window_rows
                        key=|index| *index
                        children=move |index| row(&rows.rows[index], contacts_only, select)
                    />
                    <tr class="spacer" aria-hidden="true" style=move || spacer(false)><td colspan=columns></td></tr>
                </tbody>
            </table>
            {move || shown.with(Vec::is_empty).then(|| view! {
                <p class="no-match">"No items match the filters."</p>
            })}
        </div>
    }
}

fn row<F: Fn(usize) + Copy + 'static>(
    item: &PreviewRow,
    contacts_only: bool,
    select: F,
) -> impl IntoView + use<F> {
    let (badge, class) = match item.status {
        ItemStatus::Ok => ("OK", "badge ok"),
        ItemStatus::Warning => ("Warning", "badge warn"),
        ItemStatus::CannotConvert => ("Cannot convert", "badge bad"),
    };
    let summary = item
        .summary
        .clone()
        .unwrap_or_else(|| "(no title)".to_string());
    let kind = match item.kind {
        ItemKind::Event => None,
        ItemKind::Task => Some("Task"),
        ItemKind::Contact => Some("Contact"),
    };
    let recurring = match item.recurrence {
        Recurrence::None => "No",
        Recurrence::Series => "Yes",
        Recurrence::Exception => "Changed occurrence",
    };
    let first_warning = item.warnings.first().map(|w| w.message.clone());
    let more = item.warnings.len().saturating_sub(1);
    let index = item.index;
    let organizer = organizer_cell(item.organizer.as_deref());
    let email = item.email.clone().unwrap_or_else(|| "—".to_string());
    let company = item.company.clone().unwrap_or_else(|| "—".to_string());
    view! {
        <tr class="item-row" class:needs-check=item.status != ItemStatus::Ok data-line=item.line data-index=index>
            <td class="status" data-label="Status"><span class=class>{badge}</span></td>
            <td class="summary-cell" data-label="Title">
                <span class="title-line">
                    {kind.map(|k| view! { <span class="kind">{k}</span> })}
                    <button
                        type="button"
                        class="item-summary"
                        title="Show details"
                        on:click=move |_| select(index)
                    >
                        {summary.clone()}
                    </button>
                </span>
                {first_warning.map(|w| view! {
                    <span class="note" title=w.clone()>
                        {w.clone()}
                        {(more > 0).then(|| format!(" (+{more} more)"))}
                    </span>
                })}
            </td>
            {if contacts_only {
                view! {
                    <td class="email" data-label="E-mail">{email}</td>
                    <td class="company" data-label="Company">{company}</td>
                }.into_any()
            } else {
                view! {
                    <td class="date" data-label="Start">{date_cell(item.start.as_ref())}</td>
                    <td class="date" data-label="End">{date_cell(item.end.as_ref())}</td>
                    <td class="organizer" data-label="Organizer">{organizer}</td>
                    <td class="num attendees" data-label="Attendees">{item.attendees}</td>
                    <td class="recurring" data-label="Repeats">{recurring}</td>
                }.into_any()
            }}
        </tr>
    }
}

/// Date and time on one line, the zone after it. The text reads as
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

/// The organizer (`Name <address>`), the address dimmed.
fn organizer_cell(organizer: Option<&str>) -> AnyView {
    let Some(organizer) = organizer else {
        return view! { "—" }.into_any();
    };
    match organizer.strip_suffix('>').and_then(|o| o.split_once(" <")) {
        Some((name, address)) => view! {
            {name.to_string()} " " <span class="address">{format!("<{address}>")}</span>
        }
        .into_any(),
        None => view! { <span class="address">{organizer.to_string()}</span> }.into_any(),
    }
}
