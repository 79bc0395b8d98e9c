//! The detail view of one item: the item as read from the file and as it
//! will be written, side by side, with every warning. The item is read
//! again in the worker when asked for, so the table never holds it all.

use super::address_check::address_list;
use crate::app::{LoadedFile, PageState};
use crate::{files, parser};
use ferry_shared::convert::requests::{Target, WrittenRequests};
use ferry_shared::mapping::ItemStatus;
use ferry_shared::model::{Item, RecurrenceRule};
use ferry_shared::preview::{ItemDetail, TargetRequests};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[derive(Debug, Clone)]
enum DetailState {
    Loading,
    Loaded(Box<ItemDetail>),
    Failed(String),
}

#[component]
pub fn DetailPanel() -> impl IntoView {
    let page = expect_context::<PageState>();
    let state = RwSignal::new(DetailState::Loading);
    let close_button = NodeRef::<html::Button>::new();
    Effect::new(move |_| {
        let Some(selected) = page.selected.get() else {
            return;
        };
        state.set(DetailState::Loading);
        let Some(blob) = files::blob(selected.file) else {
            state.set(DetailState::Failed(
                "The file is no longer on the page.".into(),
            ));
            return;
        };
        let limits = page.limits.get_untracked();
        let rules = page.rules.get_untracked();
        spawn_local(async move {
            let result = match parser::detail(&blob, &limits, &rules, selected.index).await {
                Ok(Some(detail)) => DetailState::Loaded(Box::new(detail)),
                Ok(None) => DetailState::Failed("This item is no longer in the file.".into()),
                Err(message) => DetailState::Failed(message),
            };
            // Only if the user still looks at this item.
            if page.selected.get_untracked() == Some(selected) {
                state.set(result);
            }
        });
    });
    // Focus the close button when the view opens, for keyboard users.
    Effect::new(move |_| {
        if page.selected.get().is_some()
            && let Some(button) = close_button.get()
        {
            let _ = button.focus();
        }
    });
    let close = move || page.selected.set(None);
    let file_name = move || {
        let selected = page.selected.get()?;
        page.files.with(|list: &Vec<LoadedFile>| {
            list.iter()
                .find(|f| f.id == selected.file)
                .map(|f| f.name.clone())
        })
    };

    view! {
        <Show when=move || page.selected.with(Option::is_some)>
            <div
                class="detail-backdrop"
                on:click=move |_| close()
            ></div>
            <div
                class="detail-panel"
                role="dialog"
                aria-modal="true"
                aria-labelledby="detail-title"
                on:keydown=move |ev: web_sys::KeyboardEvent| {
                    if ev.key() == "Escape" {
                        close();
                    }
                }
            >
                <header class="detail-header">
                    <h2 id="detail-title">
                        {move || match state.get() {
                            DetailState::Loaded(d) => d.original.summary.clone().unwrap_or_else(|| "(no title)".into()),
                            _ => "Item".to_string(),
                        }}
                    </h2>
                    <p class="file-meta">{move || file_name().unwrap_or_default()}</p>
                    <button
                        type="button"
                        class="button secondary small"
                        node_ref=close_button
                        on:click=move |_| close()
                    >
                        "Close"
                    </button>
                </header>
                {move || match state.get() {
                    DetailState::Loading => view! { <p role="status">"Reading the item…"</p> }.into_any(),
                    DetailState::Failed(message) => view! { <p class="form-error" role="alert">{message}</p> }.into_any(),
                    DetailState::Loaded(detail) => body(&detail).into_any(),
                }}
            </div>
        </Show>
    }
}

fn body(detail: &ItemDetail) -> impl IntoView + use<> {
    let status = detail.mapped.status;
    let (badge, class) = match status {
        ItemStatus::Ok => ("OK", "badge ok"),
        ItemStatus::Warning => ("Warning", "badge warn"),
        ItemStatus::CannotConvert => ("Cannot convert", "badge bad"),
    };
    let warnings = detail.mapped.warnings.clone();
    let mapped = detail.mapped.item.clone();
    view! {
        <p class="detail-status"><span class=class>{badge}</span></p>
        {(!warnings.is_empty()).then(|| view! {
            <ul class="detail-warnings">
                {warnings.into_iter().map(|w| view! { <li>{w.message}</li> }).collect_view()}
            </ul>
        })}
        <div class="side-by-side">
            <section aria-labelledby="as-read">
                <h3 id="as-read">"As read from the file"</h3>
                {fields_view(&detail.original)}
            </section>
            <section aria-labelledby="as-written">
                <h3 id="as-written">"As it will be written"</h3>
                {fields_view(&detail.mapped.item)}
            </section>
        </div>
        {move || address_list(&mapped)}
        {requests_view(detail.requests.clone())}
    }
}

/// The exact requests for the item, one target at a time.
fn requests_view(all: Vec<TargetRequests>) -> impl IntoView + use<> {
    let first = all.first().map(|t| t.target);
    let shown = RwSignal::new(first);
    let all = StoredValue::new(all);
    view! {
        <section class="requests" aria-labelledby="requests-title">
            <h3 id="requests-title">"What will be sent"</h3>
            <p class="hint">"Nothing is sent from this page; this is what Ferry would send to the new server."</p>
            <label for="request-target">"Target"</label>
            <select
                id="request-target"
                on:change=move |ev| shown.set(Target::from_name(&event_target_value(&ev)))
            >
                {all.with_value(|all| all.iter().map(|t| view! {
                    <option value=t.target.name()>{t.target.label()}</option>
                }).collect_view())}
            </select>
            {move || {
                let target = shown.get()?;
                let written = all.with_value(|all| {
                    all.iter().find(|t| t.target == target).map(|t| t.written.clone())
                })?;
                Some(written_view(written))
            }}
        </section>
    }
}

fn written_view(written: WrittenRequests) -> impl IntoView + use<> {
    let losses: Vec<String> = written
        .losses
        .into_iter()
        .flat_map(|item| item.losses)
        .collect();
    view! {
        {(!losses.is_empty()).then(|| view! {
            <h4>"What the target will not hold"</h4>
            <ul class="detail-warnings">
                {losses.into_iter().map(|loss| view! { <li>{loss}</li> }).collect_view()}
            </ul>
        })}
        {written.requests.into_iter().enumerate().map(|(n, request)| view! {
            <h4>{format!("{}. {}", n + 1, request.action)}</h4>
            {(!request.body.is_empty()).then(|| view! {
                <pre class="request-body" tabindex="0">{request.body}</pre>
            })}
        }).collect_view()}
    }
}

fn fields_view(item: &Item) -> impl IntoView + use<> {
    view! {
        <dl class="fields">
            {fields(item)
                .into_iter()
                .map(|(name, value)| view! { <dt>{name}</dt><dd>{value}</dd> })
                .collect_view()}
        </dl>
    }
}

/// The item's fields that have a value, as (label, text).
fn fields(item: &Item) -> Vec<(&'static str, String)> {
    let mut out: Vec<(&'static str, String)> = vec![("Kind", item.kind.label().to_string())];
    let mut add = |label: &'static str, value: Option<String>| {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            out.push((label, value));
        }
    };
    add("Title", item.summary.clone());
    add("UID", item.uid.clone());
    add("Start", item.start.as_ref().map(ToString::to_string));
    add(
        "End",
        item.end_for_display().as_ref().map(ToString::to_string),
    );
    add("All day", item.all_day.then(|| "Yes".to_string()));
    add("Location", item.location.clone());
    add(
        "Organizer",
        item.organizer.as_ref().map(ToString::to_string),
    );
    add(
        "Attendees",
        Some(
            item.attendees
                .iter()
                .map(|a| format!("{} ({}, {})", a.person, a.role.label(), a.status.label()))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
    );
    add(
        "Changed occurrence of",
        item.recurrence_id.as_ref().map(ToString::to_string),
    );
    add("Repeats", item.rule.as_ref().map(rule_text));
    add("Extra dates", dates(&item.rdates));
    add("Excluded dates", dates(&item.exdates));
    add(
        "Reminders",
        Some(
            item.reminders
                .iter()
                .map(|m| format!("{m} minutes before"))
                .collect::<Vec<_>>()
                .join(", "),
        ),
    );
    add("Categories", Some(item.categories.join(", ")));
    add("Sensitivity", item.sensitivity.map(|s| format!("{s:?}")));
    add("Show as", item.show_as.map(|s| format!("{s:?}")));
    add("Priority", item.priority.map(|p| p.to_string()));
    if let Some(task) = &item.task {
        add("Task status", task.status.map(|s| format!("{s:?}")));
        add(
            "Completed",
            task.completed.as_ref().map(ToString::to_string),
        );
        add(
            "Percent complete",
            task.percent_complete.map(|p| format!("{p} %")),
        );
    }
    if let Some(contact) = &item.contact {
        add("Name", contact.name.display());
        add("Nickname", contact.nickname.clone());
        add(
            "E-mail",
            Some(
                contact
                    .emails
                    .iter()
                    .map(|e| e.value.clone())
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
        );
        add(
            "Phone",
            Some(
                contact
                    .phones
                    .iter()
                    .map(|p| p.value.clone())
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
        );
        add(
            "Address",
            Some(
                contact
                    .addresses
                    .iter()
                    .map(|a| {
                        [&a.street, &a.postal_code, &a.city, &a.region, &a.country]
                            .into_iter()
                            .flatten()
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
        );
        add("Company", contact.organization.clone());
        add("Department", contact.department.clone());
        add("Job title", contact.title.clone());
        add("Birthday", contact.birthday.clone());
        add("Web", Some(contact.urls.join("\n")));
        add(
            "Photo",
            contact.photo.as_ref().map(|p| {
                let kept = if p.base64.is_some() {
                    "kept"
                } else {
                    "left out"
                };
                format!("{} KB, {kept}", p.size.div_ceil(1024))
            }),
        );
    }
    add("Description", item.description.clone());
    out
}

fn dates(values: &[ferry_shared::DateValue]) -> Option<String> {
    Some(
        values
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    )
}

/// A repeat rule in words: `every 2 weeks on MO, FR, 10 times`.
fn rule_text(rule: &RecurrenceRule) -> String {
    use ferry_shared::model::Frequency;
    let unit = match rule.frequency {
        Frequency::Secondly => "second",
        Frequency::Minutely => "minute",
        Frequency::Hourly => "hour",
        Frequency::Daily => "day",
        Frequency::Weekly => "week",
        Frequency::Monthly => "month",
        Frequency::Yearly => "year",
    };
    let mut text = if rule.interval == 1 {
        format!("every {unit}")
    } else {
        format!("every {} {unit}s", rule.interval)
    };
    if !rule.by_day.is_empty() {
        let days: Vec<String> = rule
            .by_day
            .iter()
            .map(|d| match d.ordinal {
                Some(n) => format!("{n}{}", d.weekday.code()),
                None => d.weekday.code().to_string(),
            })
            .collect();
        text.push_str(&format!(" on {}", days.join(", ")));
    }
    if !rule.by_month_day.is_empty() {
        let days: Vec<String> = rule.by_month_day.iter().map(ToString::to_string).collect();
        text.push_str(&format!(" on day {}", days.join(", ")));
    }
    if !rule.by_month.is_empty() {
        let months: Vec<String> = rule.by_month.iter().map(ToString::to_string).collect();
        text.push_str(&format!(" in month {}", months.join(", ")));
    }
    if let Some(count) = rule.count {
        text.push_str(&format!(", {count} times"));
    }
    if let Some(until) = &rule.until {
        text.push_str(&format!(", until {until}"));
    }
    text
}
