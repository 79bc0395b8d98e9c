//! One event or task as a VEVENT or VTODO, with its alarms.

use super::WriteError;
use super::dates::{date_line, is_utc};
use super::people::{attendee_line, organizer_line};
use super::resource::content_uid;
use super::rrule::rrule_value;
use super::text::{ObjectText, Property, plain_text};
use crate::model::{DateValue, Item, ItemKind, Sensitivity, ShowAs, TaskStatus};

/// A written VEVENT or VTODO.
#[derive(Debug, Clone)]
pub(super) struct Component {
    pub uid: String,
    pub text: ObjectText,
    /// What of the item could not be written, in plain words.
    pub losses: Vec<String>,
    /// The TZIDs it uses, each once.
    pub zones: Vec<String>,
}

/// Writes `item` (an event or a task). `stamp` is the DTSTAMP value
/// (`YYYYMMDDTHHMMSSZ`).
pub(super) fn write_component(item: &Item, stamp: &str) -> Result<Component, WriteError> {
    let name = match item.kind {
        ItemKind::Event => "VEVENT",
        ItemKind::Task => "VTODO",
        ItemKind::Contact => {
            return Err(WriteError::WrongKind {
                line: item.line,
                kind: item.kind.label(),
                format: "iCalendar",
            });
        }
    };
    if item.kind == ItemKind::Event && item.start.is_none() {
        return Err(WriteError::NoStart { line: item.line });
    }
    let mut losses = Vec::new();
    let body = body(item, &mut losses)?;
    let uid = match item
        .uid
        .as_deref()
        .map(plain_text)
        .filter(|uid| !uid.is_empty())
    {
        Some(uid) => uid,
        None => content_uid(&format!("{name}\r\n{}", body.as_str())),
    };
    let mut text = ObjectText::default();
    text.push(Property::new("BEGIN").raw(name));
    text.push(Property::new("UID").text(&uid));
    text.push(Property::new("DTSTAMP").raw(stamp));
    text.append(&body);
    text.push(Property::new("END").raw(name));
    Ok(Component {
        uid,
        text,
        losses,
        zones: zones_used(
            item.dates()
                .chain(item.task.iter().flat_map(|task| &task.completed)),
        ),
    })
}

/// The TZIDs of `dates` (UTC and dates aside), each once.
fn zones_used<'a>(dates: impl Iterator<Item = &'a DateValue>) -> Vec<String> {
    let mut zones: Vec<String> = Vec::new();
    for date in dates.filter(|date| !date.is_date()) {
        if let Some(zone) = date.zone.as_deref().filter(|zone| !is_utc(zone))
            && !zones.iter().any(|seen| seen == zone)
        {
            zones.push(zone.to_string());
        }
    }
    zones
}

/// Every property but UID and DTSTAMP, then the alarms.
fn body(item: &Item, losses: &mut Vec<String>) -> Result<ObjectText, WriteError> {
    let line = item.line;
    let mut text = ObjectText::default();
    if let Some(occurrence) = &item.recurrence_id {
        text.push(date_line("RECURRENCE-ID", occurrence, line)?);
    }
    if let Some(start) = &item.start {
        text.push(date_line("DTSTART", start, line)?);
    }
    if let Some(end) = &item.end {
        let name = if item.kind == ItemKind::Task {
            "DUE"
        } else {
            "DTEND"
        };
        text.push(date_line(name, end, line)?);
    }
    for (name, value) in [
        ("SUMMARY", &item.summary),
        ("DESCRIPTION", &item.description),
        ("LOCATION", &item.location),
    ] {
        if let Some(value) = value.as_deref().filter(|v| !v.trim().is_empty()) {
            text.push(Property::new(name).text(value));
        }
    }
    if let Some(organizer) = &item.organizer {
        text.push(organizer_line(organizer));
    }
    for attendee in &item.attendees {
        text.push(attendee_line(attendee));
    }
    if let Some(rule) = &item.rule {
        let (value, rule_losses) = rrule_value(rule, line)?;
        text.push(Property::new("RRULE").raw(&value));
        losses.extend(rule_losses);
    }
    for rdate in &item.rdates {
        text.push(date_line("RDATE", rdate, line)?);
    }
    for exdate in &item.exdates {
        text.push(date_line("EXDATE", exdate, line)?);
    }
    if item.exrule {
        losses.push(
            "The exclusion rule (EXRULE) was not kept when the file was read; the occurrences it removed are in the series"
                .to_string(),
        );
    }
    categories_and_class(&mut text, item);
    if let Some(show_as) = item.show_as {
        let (transparency, busy_status) = free_busy(show_as);
        text.push(Property::new("TRANSP").raw(transparency));
        text.push(Property::new("X-MICROSOFT-CDO-BUSYSTATUS").raw(busy_status));
    }
    if let Some(priority) = item.priority {
        text.push(Property::new("PRIORITY").raw(&priority.to_string()));
    }
    if let Some(task) = item.task.as_ref().filter(|_| item.kind == ItemKind::Task) {
        if let Some(status) = task.status {
            text.push(Property::new("STATUS").raw(task_status(status)));
        }
        if let Some(percent) = task.percent_complete {
            text.push(Property::new("PERCENT-COMPLETE").raw(&percent.min(100).to_string()));
        }
        if let Some(completed) = &task.completed {
            text.push(date_line("COMPLETED", completed, line)?);
        }
    }
    for minutes in &item.reminders {
        write_alarm(&mut text, item, *minutes);
    }
    Ok(text)
}

/// A display alarm `minutes` before the start (after it when negative).
fn write_alarm(text: &mut ObjectText, item: &Item, minutes: i64) {
    let sign = if minutes < 0 { "" } else { "-" };
    let trigger = format!("{sign}PT{}M", minutes.unsigned_abs());
    let description = item
        .summary
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or("Reminder");
    text.push(Property::new("BEGIN").raw("VALARM"));
    text.push(Property::new("ACTION").raw("DISPLAY"));
    text.push(Property::new("DESCRIPTION").text(description));
    text.push(Property::new("TRIGGER").raw(&trigger));
    text.push(Property::new("END").raw("VALARM"));
}

/// CATEGORIES (blank ones left out) and CLASS, written the same way in
/// iCalendar and vCard 3.0.
pub(super) fn categories_and_class(text: &mut ObjectText, item: &Item) {
    let categories: Vec<&str> = item
        .categories
        .iter()
        .map(String::as_str)
        .filter(|c| !c.trim().is_empty())
        .collect();
    if !categories.is_empty() {
        text.push(Property::new("CATEGORIES").texts(&categories, ','));
    }
    if let Some(sensitivity) = item.sensitivity {
        text.push(Property::new("CLASS").raw(class(sensitivity)));
    }
}

/// CLASS, the same keywords in iCalendar and vCard 3.0.
fn class(sensitivity: Sensitivity) -> &'static str {
    match sensitivity {
        Sensitivity::Public => "PUBLIC",
        Sensitivity::Private => "PRIVATE",
        Sensitivity::Confidential => "CONFIDENTIAL",
    }
}

/// TRANSP for every client, and Outlook's own finer busy status.
fn free_busy(show_as: ShowAs) -> (&'static str, &'static str) {
    match show_as {
        ShowAs::Free => ("TRANSPARENT", "FREE"),
        ShowAs::Tentative => ("OPAQUE", "TENTATIVE"),
        ShowAs::Busy => ("OPAQUE", "BUSY"),
        ShowAs::OutOfOffice => ("OPAQUE", "OOF"),
        ShowAs::WorkingElsewhere => ("OPAQUE", "WORKINGELSEWHERE"),
    }
}

fn task_status(status: TaskStatus) -> &'static str {
    match status {
        TaskStatus::NotStarted => "NEEDS-ACTION",
        TaskStatus::InProgress => "IN-PROCESS",
        TaskStatus::Completed => "COMPLETED",
        TaskStatus::Cancelled => "CANCELLED",
    }
}
