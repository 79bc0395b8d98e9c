//! One event or task: parsed with `calcard` from its own text slice and
//! turned into the [`Item`] model.

use super::scan::ComponentSpan;
use crate::limits::ParseLimits;
use crate::model::{
    Attendee, AttendeeRole, DateValue, Frequency, Item, ItemKind, Participation, Person,
    Recurrence, RecurrenceRule, Sensitivity, ShowAs, TaskFields, TaskStatus, Weekday, WeekdayNum,
};
use calcard::common::PartialDateTime;
use calcard::icalendar::{
    ICalendar, ICalendarClassification, ICalendarComponent, ICalendarComponentType, ICalendarEntry,
    ICalendarFrequency, ICalendarParameterName, ICalendarParameterValue,
    ICalendarParticipationRole, ICalendarParticipationStatus, ICalendarPeriod, ICalendarProperty,
    ICalendarRecurrenceRule, ICalendarRelated, ICalendarStatus, ICalendarTransparency,
    ICalendarUserTypes, ICalendarValue, ICalendarWeekday,
};
use calcard::{Entry, Parser};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_values_lose_their_caret_encoding() {
        assert_eq!(caret_decoded("a^'b^' ^^ c^nd ^x^"), "a\"b\" ^ c\nd ^x^");
    }

    #[test]
    fn a_name_starting_inside_a_character_is_not_cut() {
        // Found by the ical_preview fuzz target: a byte-order mark inside
        // the text, right before a property name.
        let text = "BEGIN:VEVENT\r\n\u{feff}BEGIN:X\r\nUID:1\r\nEND:VEVENT\r\n";
        assert_eq!(without_unused_properties(text), text);
    }

    #[test]
    fn rows_skip_long_text_and_its_folds() {
        let text = "BEGIN:VEVENT\r\nSUMMARY:Keep\r\nDESCRIPTION:long\r\n  folded\r\nX-ALT-DESC;FMTTYPE=text/html:<p>\r\nX-MICROSOFT-CDO-BUSYSTATUS:OOF\r\nUID:1\r\nEND:VEVENT\r\n";
        assert_eq!(
            without_unused_properties(text),
            "BEGIN:VEVENT\r\nSUMMARY:Keep\r\nX-MICROSOFT-CDO-BUSYSTATUS:OOF\r\nUID:1\r\nEND:VEVENT\r\n"
        );
    }
}

/// How much of each item to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Everything the model holds.
    Full,
    /// What the preview's rows and warnings need: long free-text
    /// properties (descriptions, comments, attachments, most `X-` ones)
    /// are left out before parsing, which is most of a calendar's bytes.
    Rows,
}

/// Properties the preview rows never show nor check.
fn unused_by_rows(name: &str) -> bool {
    let upper = |n: &str| name.eq_ignore_ascii_case(n);
    upper("DESCRIPTION")
        || upper("X-ALT-DESC")
        || upper("COMMENT")
        || upper("ATTACH")
        || (name.len() > 2
            && name.as_bytes()[..2].eq_ignore_ascii_case(b"X-")
            && !upper("X-MICROSOFT-CDO-BUSYSTATUS"))
}

/// `text` without the (possibly folded) lines of properties the rows
/// do not use.
fn without_unused_properties(text: &str) -> String {
    let mut kept = String::with_capacity(text.len() / 2);
    let mut skipping = false;
    let mut start = 0;
    while start < text.len() {
        let end =
            memchr::memchr(b'\n', &text.as_bytes()[start..]).map_or(text.len(), |i| start + i + 1);
        let line = &text[start..end];
        if !line.starts_with([' ', '\t']) {
            let name_end = line
                .bytes()
                .position(|b| b == b':' || b == b';')
                .unwrap_or(line.len());
            skipping = unused_by_rows(line[..name_end].trim());
        }
        if !skipping {
            kept.push_str(line);
        }
        start = end;
    }
    kept
}

/// Parses the span of a `VEVENT` or `VTODO` into an [`Item`].
pub(super) fn read_item(
    span: &ComponentSpan<'_>,
    kind: ItemKind,
    _limits: &ParseLimits,
    detail: Detail,
) -> Item {
    if detail == Detail::Rows
        && span.complete
        && let Some(item) = super::rows::read(span.text, kind, span.line)
    {
        return item;
    }
    let mut item = Item::new(kind, span.line);
    let closed;
    let reduced;
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
    let text = match detail {
        Detail::Full => text,
        Detail::Rows => {
            reduced = without_unused_properties(text);
            reduced.as_str()
        }
    };

    // The scanner and calcard may disagree on a mangled BEGIN line; then
    // the item is kept, marked as unreadable, rather than misread.
    let calendar = match Parser::new(text).entry() {
        Entry::ICalendar(ical)
            if ical.components.first().is_some_and(|c| {
                matches!(
                    c.component_type,
                    ICalendarComponentType::VEvent | ICalendarComponentType::VTodo
                )
            }) =>
        {
            ical
        }
        _ => {
            item.notes.push("This item could not be read".to_string());
            return item;
        }
    };
    fill(&mut item, &calendar);
    item
}

fn fill(item: &mut Item, calendar: &ICalendar) {
    let c = &calendar.components[0];
    item.uid = text(c, &ICalendarProperty::Uid).map(str::to_string);
    item.summary = text(c, &ICalendarProperty::Summary).map(str::to_string);
    item.description = text(c, &ICalendarProperty::Description).map(str::to_string);
    item.location = text(c, &ICalendarProperty::Location).map(str::to_string);

    let start = c.property(&ICalendarProperty::Dtstart).and_then(date_value);
    let end_property = match item.kind {
        ItemKind::Task => ICalendarProperty::Due,
        _ => ICalendarProperty::Dtend,
    };
    let mut end = c.property(&end_property).and_then(date_value);
    if let (None, Some((start, _))) = (&end, &start) {
        end = c
            .property(&ICalendarProperty::Duration)
            .and_then(duration)
            .and_then(|delta| shift(start, delta))
            .map(|shifted| (shifted, false));
    }
    item.all_day = start.as_ref().is_some_and(|(_, date_only)| *date_only);
    item.start = start.map(|(value, _)| value);
    item.end = end.map(|(value, _)| value);

    item.organizer = c.property(&ICalendarProperty::Organizer).map(person);
    item.attendees = c
        .properties(&ICalendarProperty::Attendee)
        .map(attendee)
        .collect();

    item.recurrence_id = c
        .property(&ICalendarProperty::RecurrenceId)
        .and_then(date_value)
        .map(|(value, _)| value);
    item.rule = c
        .property(&ICalendarProperty::Rrule)
        .and_then(|entry| entry.values.first())
        .and_then(|value| match value {
            ICalendarValue::RecurrenceRule(rule) => Some(recurrence_rule(rule)),
            _ => None,
        });
    item.rdates = dates(c, &ICalendarProperty::Rdate);
    item.exdates = dates(c, &ICalendarProperty::Exdate);
    item.exrule = c.has_property(&ICalendarProperty::Exrule);
    item.recurrence = if item.recurrence_id.is_some() {
        Recurrence::Exception
    } else if c.has_property(&ICalendarProperty::Rrule) || c.has_property(&ICalendarProperty::Rdate)
    {
        Recurrence::Series
    } else {
        Recurrence::None
    };
    let alarms = calendar.alarms_for_id(0).count();
    item.reminders = calendar
        .alarms_for_id(0)
        .filter_map(|alarm| reminder_minutes(alarm, item.end.is_some()))
        .collect();
    item.categories = c
        .properties(&ICalendarProperty::Categories)
        // calcard splits the list at unescaped commas already.
        .flat_map(|entry| entry.values.iter().filter_map(ICalendarValue::as_text))
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .map(str::to_string)
        .collect();
    item.sensitivity = c
        .property(&ICalendarProperty::Class)
        .and_then(|entry| entry.values.first())
        .and_then(|value| match value {
            ICalendarValue::Classification(ICalendarClassification::Public) => {
                Some(Sensitivity::Public)
            }
            ICalendarValue::Classification(ICalendarClassification::Private) => {
                Some(Sensitivity::Private)
            }
            ICalendarValue::Classification(ICalendarClassification::Confidential) => {
                Some(Sensitivity::Confidential)
            }
            _ => None,
        });
    item.show_as = show_as(c);
    item.priority = c
        .property(&ICalendarProperty::Priority)
        .and_then(|entry| entry.values.first())
        .and_then(ICalendarValue::as_integer)
        .filter(|p| (1..=9).contains(p))
        .map(|p| p as u8);
    if item.kind == ItemKind::Task {
        item.task = Some(task_fields(c));
    }
    add_notes(item, c.has_property(&ICalendarProperty::Rrule), alarms);
}

/// What a person should know about an item that was read: missing start
/// or UID, an organizer without address, an unreadable repeat rule,
/// reminders that cannot be copied.
pub(super) fn add_notes(item: &mut Item, has_rrule: bool, alarms: usize) {
    if item.kind == ItemKind::Event && item.start.is_none() {
        item.notes
            .push("The event has no start (DTSTART)".to_string());
    }
    if item.uid.is_none() {
        item.notes
            .push("The item has no UID; a re-run recognises it by its content only".to_string());
    }
    if item.organizer.as_ref().is_some_and(|o| o.email.is_none()) {
        item.notes
            .push("The organizer has no e-mail address".to_string());
    }
    if has_rrule && item.rule.is_none() {
        item.notes
            .push("The repeat rule (RRULE) could not be read".to_string());
    }
    if item.reminders.len() < alarms {
        item.notes.push(format!(
            "{} of {alarms} reminders are set at a fixed time or relative to the end; only reminders before the start can be copied",
            alarms - item.reminders.len()
        ));
    }
}

fn task_fields(c: &ICalendarComponent) -> TaskFields {
    let status = c.status().and_then(|status| match status {
        ICalendarStatus::NeedsAction => Some(TaskStatus::NotStarted),
        ICalendarStatus::InProcess => Some(TaskStatus::InProgress),
        ICalendarStatus::Completed => Some(TaskStatus::Completed),
        ICalendarStatus::Cancelled => Some(TaskStatus::Cancelled),
        _ => None,
    });
    TaskFields {
        status,
        completed: c
            .property(&ICalendarProperty::Completed)
            .and_then(date_value)
            .map(|(value, _)| value),
        percent_complete: c
            .property(&ICalendarProperty::PercentComplete)
            .and_then(|entry| entry.values.first())
            .and_then(ICalendarValue::as_integer)
            .map(|p| p.clamp(0, 100) as u8),
    }
}

/// Free/busy: Outlook's own property wins over TRANSP.
fn show_as(c: &ICalendarComponent) -> Option<ShowAs> {
    let outlook = ICalendarProperty::Other("X-MICROSOFT-CDO-BUSYSTATUS".to_string());
    if let Some(value) = text(c, &outlook) {
        match value.to_ascii_uppercase().as_str() {
            "FREE" => return Some(ShowAs::Free),
            "TENTATIVE" => return Some(ShowAs::Tentative),
            "BUSY" => return Some(ShowAs::Busy),
            "OOF" => return Some(ShowAs::OutOfOffice),
            "WORKINGELSEWHERE" => return Some(ShowAs::WorkingElsewhere),
            _ => {}
        }
    }
    match c.transparency()? {
        ICalendarTransparency::Transparent => Some(ShowAs::Free),
        ICalendarTransparency::Opaque => Some(ShowAs::Busy),
    }
}

/// A VALARM's trigger as minutes before the start (relative to the end
/// when it says RELATED=END and the item has an end; absolute triggers
/// are not reminders a target can hold relative to the item).
fn reminder_minutes(alarm: &ICalendarComponent, has_end: bool) -> Option<i64> {
    let trigger = alarm.property(&ICalendarProperty::Trigger)?;
    let ICalendarValue::Duration(duration) = trigger.values.first()? else {
        return None;
    };
    let seconds = duration.as_seconds();
    let related_to_end = matches!(
        trigger.parameter(&ICalendarParameterName::Related),
        Some(ICalendarParameterValue::Related(ICalendarRelated::End))
    );
    if related_to_end && has_end {
        return None;
    }
    Some(-seconds / 60)
}

fn recurrence_rule(rule: &ICalendarRecurrenceRule) -> RecurrenceRule {
    RecurrenceRule {
        frequency: match rule.freq {
            ICalendarFrequency::Yearly => Frequency::Yearly,
            ICalendarFrequency::Monthly => Frequency::Monthly,
            ICalendarFrequency::Weekly => Frequency::Weekly,
            ICalendarFrequency::Daily => Frequency::Daily,
            ICalendarFrequency::Hourly => Frequency::Hourly,
            ICalendarFrequency::Minutely => Frequency::Minutely,
            ICalendarFrequency::Secondly => Frequency::Secondly,
        },
        interval: u32::from(rule.interval.unwrap_or(1).max(1)),
        count: rule.count,
        until: rule
            .until
            .as_ref()
            .and_then(|until| partial_date(until, None)),
        by_day: rule
            .byday
            .iter()
            .map(|day| WeekdayNum {
                ordinal: day.ordwk,
                weekday: weekday(day.weekday),
            })
            .collect(),
        by_month_day: rule.bymonthday.clone(),
        by_month: rule.bymonth.iter().map(|m| m.month()).collect(),
        by_set_pos: rule.bysetpos.clone(),
        by_year_day: rule.byyearday.clone(),
        by_week_no: rule.byweekno.clone(),
        by_time: !(rule.byhour.is_empty() && rule.byminute.is_empty() && rule.bysecond.is_empty()),
        week_start: rule.wkst.map(weekday),
    }
}

fn weekday(day: ICalendarWeekday) -> Weekday {
    match day {
        ICalendarWeekday::Monday => Weekday::Monday,
        ICalendarWeekday::Tuesday => Weekday::Tuesday,
        ICalendarWeekday::Wednesday => Weekday::Wednesday,
        ICalendarWeekday::Thursday => Weekday::Thursday,
        ICalendarWeekday::Friday => Weekday::Friday,
        ICalendarWeekday::Saturday => Weekday::Saturday,
        ICalendarWeekday::Sunday => Weekday::Sunday,
    }
}

/// Every date of every `property` line (RDATE/EXDATE may list several).
fn dates(c: &ICalendarComponent, property: &ICalendarProperty) -> Vec<DateValue> {
    c.properties(property)
        .flat_map(|entry| {
            let zone = tzid(entry);
            entry
                .values
                .iter()
                .filter_map(|value| match value {
                    // An RDATE period (start/end or start/duration) adds
                    // an occurrence at its start.
                    ICalendarValue::Period(
                        ICalendarPeriod::Range { start, .. }
                        | ICalendarPeriod::Duration { start, .. },
                    ) => Some(start),
                    other => other.as_partial_date_time(),
                })
                .filter_map(move |dt| partial_date(dt, zone.as_deref()))
                .collect::<Vec<_>>()
        })
        .collect()
}

fn attendee(entry: &ICalendarEntry) -> Attendee {
    let role = match entry.parameter(&ICalendarParameterName::Cutype) {
        Some(ICalendarParameterValue::Cutype(
            ICalendarUserTypes::Room | ICalendarUserTypes::Resource,
        )) => AttendeeRole::Resource,
        _ => match entry.parameter(&ICalendarParameterName::Role) {
            Some(ICalendarParameterValue::Role(ICalendarParticipationRole::Chair)) => {
                AttendeeRole::Chair
            }
            Some(ICalendarParameterValue::Role(ICalendarParticipationRole::OptParticipant)) => {
                AttendeeRole::Optional
            }
            Some(ICalendarParameterValue::Role(ICalendarParticipationRole::NonParticipant)) => {
                AttendeeRole::NonParticipant
            }
            _ => AttendeeRole::Required,
        },
    };
    let status = match entry.parameter(&ICalendarParameterName::Partstat) {
        Some(ICalendarParameterValue::Partstat(status)) => match status {
            ICalendarParticipationStatus::Accepted => Participation::Accepted,
            ICalendarParticipationStatus::Declined => Participation::Declined,
            ICalendarParticipationStatus::Tentative => Participation::Tentative,
            ICalendarParticipationStatus::Delegated => Participation::Delegated,
            _ => Participation::NeedsAction,
        },
        _ => Participation::NeedsAction,
    };
    Attendee {
        person: person(entry),
        role,
        status,
    }
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

/// The name (CN) and address of an organizer or attendee.
fn person(entry: &ICalendarEntry) -> Person {
    let name = entry
        .parameter(&ICalendarParameterName::Cn)
        .and_then(|v| v.as_text())
        .map(|n| n.trim().trim_matches('"').trim())
        .filter(|n| !n.is_empty())
        .map(caret_decoded);
    Person {
        name,
        email: address(entry).map(str::to_string),
    }
}

/// A date value plus whether it is date-only.
fn date_value(entry: &ICalendarEntry) -> Option<(DateValue, bool)> {
    let dt = entry.values.first()?.as_partial_date_time()?;
    let value = partial_date(dt, tzid(entry).as_deref())?;
    let date_only = value.is_date();
    Some((value, date_only))
}

/// The TZID parameter of a property, if any.
fn tzid(entry: &ICalendarEntry) -> Option<String> {
    entry
        .parameter(&ICalendarParameterName::Tzid)
        .and_then(|v| v.as_text())
        .map(|tz| caret_decoded(tz.trim()))
        .filter(|tz| !tz.is_empty())
}

/// A parameter value with RFC 6868's caret encoding undone (`^n` a line
/// break, `^'` a double quote, `^^` a caret; `calcard` leaves them as
/// written).
fn caret_decoded(value: &str) -> String {
    let mut decoded = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '^' {
            decoded.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => decoded.push('\n'),
            Some('\'') => decoded.push('"'),
            Some('^') => decoded.push('^'),
            Some(other) => {
                decoded.push('^');
                decoded.push(other);
            }
            None => decoded.push('^'),
        }
    }
    decoded
}

/// A calcard date-time as a [`DateValue`] in `zone` (UTC when it says Z).
fn partial_date(dt: &PartialDateTime, zone: Option<&str>) -> Option<DateValue> {
    let date = NaiveDate::from_ymd_opt(
        i32::from(dt.year?),
        u32::from(dt.month?),
        u32::from(dt.day?),
    )?;
    let Some(hour) = dt.hour else {
        return Some(DateValue::new(date.format("%Y-%m-%d").to_string(), None));
    };
    let time = NaiveTime::from_hms_opt(
        u32::from(hour),
        u32::from(dt.minute.unwrap_or(0)),
        u32::from(dt.second.unwrap_or(0).min(59)),
    )?;
    let zone = if is_utc(dt) { Some("UTC") } else { zone };
    let local = NaiveDateTime::new(date, time)
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string();
    Some(DateValue::new(local, zone))
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

pub(super) fn shift(start: &DateValue, delta: TimeDelta) -> Option<DateValue> {
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
