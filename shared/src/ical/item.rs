//! One event or task: parsed with `calcard` from its own text slice and
//! reduced to the [`Item`] the preview shows.

use super::scan::ComponentSpan;
use crate::report::{DateValue, Item, ItemKind, Recurrence};
use calcard::common::PartialDateTime;
use calcard::icalendar::{
    ICalendarComponent, ICalendarComponentType, ICalendarEntry, ICalendarParameterName,
    ICalendarProperty, ICalendarValue,
};
use calcard::{Entry, Parser};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};

/// Parses the span of a `VEVENT` or `VTODO` into an [`Item`].
pub(super) fn read_item(span: &ComponentSpan<'_>, kind: ItemKind) -> Item {
    let mut item = Item {
        kind,
        line: span.line,
        uid: None,
        summary: None,
        start: None,
        end: None,
        all_day: false,
        organizer: None,
        attendees: 0,
        recurrence: Recurrence::None,
        notes: Vec::new(),
    };
    let closed;
    let text = if span.complete {
        span.text
    } else {
        item.notes.push(format!(
            "The file ends before END:{}; this item may be incomplete",
            span.name
        ));
        closed = format!("{}\r\nEND:{}\r\n", span.text.trim_end(), span.name);
        closed.as_str()
    };

    // The scanner and calcard may disagree on a mangled BEGIN line; then
    // the item is kept, marked as unreadable, rather than misread.
    let component = match Parser::new(text).entry() {
        Entry::ICalendar(mut ical)
            if ical.components.first().is_some_and(|c| {
                matches!(
                    c.component_type,
                    ICalendarComponentType::VEvent | ICalendarComponentType::VTodo
                )
            }) =>
        {
            ical.components.swap_remove(0)
        }
        _ => {
            item.notes.push("This item could not be read".to_string());
            return item;
        }
    };
    fill(&mut item, &component);
    item
}

fn fill(item: &mut Item, c: &ICalendarComponent) {
    item.uid = text(c, &ICalendarProperty::Uid).map(str::to_string);
    item.summary = text(c, &ICalendarProperty::Summary).map(str::to_string);

    let start = c.property(&ICalendarProperty::Dtstart).and_then(date_value);
    let end_property = match item.kind {
        ItemKind::Event => ICalendarProperty::Dtend,
        ItemKind::Task => ICalendarProperty::Due,
    };
    let mut end = c.property(&end_property).and_then(date_value);
    if let (None, Some((start, _))) = (&end, &start) {
        end = c
            .property(&ICalendarProperty::Duration)
            .and_then(duration)
            .and_then(|delta| shift(start, delta))
            .map(|shifted| (shifted, false));
    }
    if item.kind == ItemKind::Event && start.is_none() {
        item.notes
            .push("The event has no start (DTSTART)".to_string());
    }
    if item.uid.is_none() {
        item.notes
            .push("The item has no UID; re-runs cannot recognise it".to_string());
    }
    item.all_day = start.as_ref().is_some_and(|(_, date_only)| *date_only);
    item.start = start.map(|(value, _)| value);
    item.end = end.map(|(value, _)| value);

    if let Some(organizer) = c.property(&ICalendarProperty::Organizer) {
        item.organizer = person(organizer);
        if !has_address(organizer) {
            item.notes
                .push("The organizer has no e-mail address".to_string());
        }
    }
    item.attendees = c.properties(&ICalendarProperty::Attendee).count();
    item.recurrence = if c.has_property(&ICalendarProperty::RecurrenceId) {
        Recurrence::Exception
    } else if c.has_property(&ICalendarProperty::Rrule) || c.has_property(&ICalendarProperty::Rdate)
    {
        Recurrence::Series
    } else {
        Recurrence::None
    };
}

fn text<'c>(c: &'c ICalendarComponent, property: &ICalendarProperty) -> Option<&'c str> {
    c.property(property)
        .and_then(|entry| entry.values.first())
        .and_then(ICalendarValue::as_text)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The calendar user address of `entry`, if it has a usable one.
fn address(entry: &ICalendarEntry) -> Option<&str> {
    entry
        .calendar_address()
        .map(str::trim)
        .filter(|a| !a.is_empty() && !a.eq_ignore_ascii_case("mailto"))
}

fn has_address(entry: &ICalendarEntry) -> bool {
    address(entry).is_some()
}

/// `Name <address>`, or just the address, or just the name.
fn person(entry: &ICalendarEntry) -> Option<String> {
    let address = address(entry);
    let name = entry
        .parameter(&ICalendarParameterName::Cn)
        .and_then(|v| v.as_text())
        .map(|n| n.trim().trim_matches('"'))
        .filter(|n| !n.is_empty());
    match (name, address) {
        (Some(name), Some(address)) if !name.eq_ignore_ascii_case(address) => {
            Some(format!("{name} <{address}>"))
        }
        (_, Some(address)) => Some(address.to_string()),
        (Some(name), None) => Some(name.to_string()),
        (None, None) => None,
    }
}

/// A date value plus whether it is date-only.
fn date_value(entry: &ICalendarEntry) -> Option<(DateValue, bool)> {
    let dt = entry.values.first()?.as_partial_date_time()?;
    let date = NaiveDate::from_ymd_opt(
        i32::from(dt.year?),
        u32::from(dt.month?),
        u32::from(dt.day?),
    )?;
    let Some(hour) = dt.hour else {
        let local = date.format("%Y-%m-%d").to_string();
        return Some((DateValue { local, zone: None }, true));
    };
    let time = NaiveTime::from_hms_opt(
        u32::from(hour),
        u32::from(dt.minute.unwrap_or(0)),
        u32::from(dt.second.unwrap_or(0).min(59)),
    )?;
    let zone = if is_utc(dt) {
        Some("UTC".to_string())
    } else {
        entry
            .parameter(&ICalendarParameterName::Tzid)
            .and_then(|v| v.as_text())
            .map(|tz| tz.trim().to_string())
            .filter(|tz| !tz.is_empty())
    };
    let local = NaiveDateTime::new(date, time)
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string();
    Some((DateValue { local, zone }, false))
}

fn is_utc(dt: &PartialDateTime) -> bool {
    dt.tz_hour == Some(0) && dt.tz_minute.unwrap_or(0) == 0
}

fn duration(entry: &ICalendarEntry) -> Option<TimeDelta> {
    match entry.values.first()? {
        ICalendarValue::Duration(d) => d.to_time_delta(),
        _ => None,
    }
}

fn shift(start: &DateValue, delta: TimeDelta) -> Option<DateValue> {
    let local = if start.local.contains('T') {
        let at = NaiveDateTime::parse_from_str(&start.local, "%Y-%m-%dT%H:%M:%S").ok()?;
        at.checked_add_signed(delta)?
            .format("%Y-%m-%dT%H:%M:%S")
            .to_string()
    } else {
        let at = NaiveDate::parse_from_str(&start.local, "%Y-%m-%d").ok()?;
        at.checked_add_signed(delta)?.format("%Y-%m-%d").to_string()
    };
    Some(DateValue {
        local,
        zone: start.zone.clone(),
    })
}
