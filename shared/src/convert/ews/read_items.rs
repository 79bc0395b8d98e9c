//! `t:CalendarItem`, `t:Task` and `t:Contact` elements read back into the
//! Exchange shape ([`crate::convert::exchange`]): from a CreateItem
//! request (what Ferry sent) and from a GetItem or FindItem answer (what
//! the server holds), to verify items after they are created.
//!
//! Times are read as written: a local time in the item's
//! `StartTimeZone`/`EndTimeZone`, or an instant (`…Z`, `…+01:00`) that is
//! put on that zone's clock. A zone is UTC, a Windows ID, or (when it is
//! neither and is spelled out) a [`ZoneDefinition`] from its
//! `TimeZoneDefinition` (the rules of its last transitions group, those
//! in force now). Bodies are read as they are stored: an HTML body keeps
//! its markup. Phone slots the Exchange shape has no place for
//! (`AssistantPhone`, `Telex`, …) are passed over.
//!
//! The XML is read by [`super::responses`]' reader (DOCTYPEs and
//! entities refused, depth limited), after a size check.

use super::EwsError;
use super::responses::{Node, body, response_messages, source_key_of, whole_request_error};
use crate::convert::exchange::{
    CalendarItem, ContactItem, DayOfWeek, EmailKey, ExchangeItem, ExchangeRecurrence, ExchangeZone,
    FreeBusy, Importance, Mailbox, Pattern, PhoneKey, PhysicalAddress, PhysicalAddressKey,
    RecurrenceEnd, Sensitivity, TaskItem, TaskStatus, WallClock, WeekIndex,
};
use crate::mapping::zones::{ZoneKind, classify};
use crate::model::{DaylightSaving, Weekday, YearlyChange, ZoneDefinition};
use chrono::{DateTime, NaiveDate, NaiveDateTime};

/// Largest document read (requests are batched far below this).
pub const MAX_DOCUMENT_BYTES: usize = 64 * 1024 * 1024;

/// The items of a CreateItem request envelope, in order.
pub fn read_create_item_request(xml: &str) -> Result<Vec<ExchangeItem>, EwsError> {
    let body = document_body(xml)?;
    let items = body
        .child("CreateItem")
        .and_then(|create| create.child("Items"))
        .ok_or_else(|| EwsError::Unexpected("the envelope holds no CreateItem Items".into()))?;
    read_item_list(items)
}

/// The items of a GetItem or FindItem answer, in order (each message's
/// `Items`, or its `RootFolder`'s); an answer with an error is an error.
pub fn read_get_item_response(xml: &str) -> Result<Vec<ExchangeItem>, EwsError> {
    let body = document_body(xml)?;
    let mut read = Vec::new();
    for message in response_messages(&body)? {
        whole_request_error(message)?;
        let items = message
            .child("Items")
            .or_else(|| message.child("RootFolder").and_then(|r| r.child("Items")));
        if let Some(items) = items {
            read.extend(read_item_list(items)?);
        }
    }
    Ok(read)
}

fn document_body(xml: &str) -> Result<Node, EwsError> {
    if xml.len() > MAX_DOCUMENT_BYTES {
        return Err(EwsError::Refused("the document is too large"));
    }
    body(xml)
}

/// The calendar items, tasks and contacts of an `Items` element; other
/// kinds of item (messages, …) are passed over.
fn read_item_list(items: &Node) -> Result<Vec<ExchangeItem>, EwsError> {
    let mut read = Vec::new();
    for item in &items.children {
        match item.name.as_str() {
            "CalendarItem" => read.push(ExchangeItem::Event(Box::new(calendar_item(item)?))),
            "Task" => read.push(ExchangeItem::Task(Box::new(task(item)?))),
            "Contact" => read.push(ExchangeItem::Contact(Box::new(contact(item)?))),
            _ => {}
        }
    }
    Ok(read)
}

fn invalid(field: &str, value: &str) -> EwsError {
    EwsError::InvalidItem(format!("{field} “{value}” cannot be read"))
}

/// The text of a child, as written (not trimmed): subjects, bodies, names.
fn text(node: &Node, name: &str) -> Option<String> {
    node.child(name).map(|child| child.text.clone())
}

fn required<'n>(node: &'n Node, name: &str) -> Result<&'n Node, EwsError> {
    node.child(name)
        .ok_or_else(|| EwsError::InvalidItem(format!("{} has no {name}", node.name)))
}

fn boolean(node: &Node, name: &str) -> Result<bool, EwsError> {
    match node.child_text(name).as_deref() {
        None | Some("false" | "0") => Ok(false),
        Some("true" | "1") => Ok(true),
        Some(other) => Err(invalid(name, other)),
    }
}

fn number<T: std::str::FromStr>(node: &Node, name: &str) -> Result<Option<T>, EwsError> {
    node.child_text(name)
        .map(|value| value.parse().map_err(|_| invalid(name, &value)))
        .transpose()
}

fn required_number<T: std::str::FromStr>(node: &Node, name: &str) -> Result<T, EwsError> {
    number(node, name)?.ok_or_else(|| EwsError::InvalidItem(format!("{} has no {name}", node.name)))
}

fn categories(node: &Node) -> Vec<String> {
    node.child("Categories")
        .map(|list| {
            list.children
                .iter()
                .filter(|c| c.name == "String")
                .map(|c| c.text.clone())
                .collect()
        })
        .unwrap_or_default()
}

fn sensitivity(node: &Node) -> Result<Sensitivity, EwsError> {
    Ok(match node.child_text("Sensitivity").as_deref() {
        None | Some("Normal") => Sensitivity::Normal,
        Some("Personal") => Sensitivity::Personal,
        Some("Private") => Sensitivity::Private,
        Some("Confidential") => Sensitivity::Confidential,
        Some(other) => return Err(invalid("Sensitivity", other)),
    })
}

fn importance(node: &Node) -> Result<Importance, EwsError> {
    Ok(match node.child_text("Importance").as_deref() {
        None | Some("Normal") => Importance::Normal,
        Some("Low") => Importance::Low,
        Some("High") => Importance::High,
        Some(other) => return Err(invalid("Importance", other)),
    })
}

fn free_busy(node: &Node) -> Result<Option<FreeBusy>, EwsError> {
    Ok(match node.child_text("LegacyFreeBusyStatus").as_deref() {
        None | Some("NoData") => None,
        Some("Free") => Some(FreeBusy::Free),
        Some("Tentative") => Some(FreeBusy::Tentative),
        Some("Busy") => Some(FreeBusy::Busy),
        Some("OOF") => Some(FreeBusy::OutOfOffice),
        Some("WorkingElsewhere") => Some(FreeBusy::WorkingElsewhere),
        Some(other) => return Err(invalid("LegacyFreeBusyStatus", other)),
    })
}

fn mailboxes(node: &Node, name: &str) -> Result<Vec<Mailbox>, EwsError> {
    let Some(list) = node.child(name) else {
        return Ok(Vec::new());
    };
    list.children
        .iter()
        .filter(|c| c.name == "Attendee")
        .map(|attendee| {
            let mailbox = required(attendee, "Mailbox")?;
            Ok(Mailbox {
                name: text(mailbox, "Name"),
                email: required(mailbox, "EmailAddress")?.text.trim().to_string(),
            })
        })
        .collect()
}

/// A time: an instant (`Z` or an offset) put on `zone`'s clock, or a
/// local time already on it.
fn wall_clock(value: &str, zone: &ExchangeZone) -> Result<WallClock, EwsError> {
    let value = value.trim();
    if let Ok(instant) = DateTime::parse_from_rfc3339(value) {
        return Ok(WallClock {
            local: zone.from_utc(instant.naive_utc()),
            zone: zone.clone(),
        });
    }
    let local = NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S%.f")
        .map_err(|_| invalid("time", value))?;
    Ok(WallClock {
        local,
        zone: zone.clone(),
    })
}

/// A date, with or without the zone offset servers add (`2024-01-01+01:00`).
fn date(value: &str) -> Result<NaiveDate, EwsError> {
    let value = value.trim();
    value
        .get(..10)
        .and_then(|day| NaiveDate::parse_from_str(day, "%Y-%m-%d").ok())
        .ok_or_else(|| invalid("date", value))
}

fn calendar_item(node: &Node) -> Result<CalendarItem, EwsError> {
    let start_zone = match node.child("StartTimeZone") {
        Some(zone) => read_zone(zone)?,
        None => ExchangeZone::Utc,
    };
    let end_zone = match node.child("EndTimeZone") {
        Some(zone) => read_zone(zone)?,
        None => start_zone.clone(),
    };
    // Without ReminderIsSet, a reminder time given means a reminder.
    let reminder_minutes = match node.child("ReminderIsSet") {
        Some(_) if !boolean(node, "ReminderIsSet")? => None,
        _ => number(node, "ReminderMinutesBeforeStart")?,
    };
    Ok(CalendarItem {
        source_key: source_key_of(node),
        subject: text(node, "Subject"),
        body: text(node, "Body"),
        categories: categories(node),
        importance: importance(node)?,
        sensitivity: sensitivity(node)?,
        reminder_minutes,
        start: wall_clock(&required(node, "Start")?.text, &start_zone)?,
        end: wall_clock(&required(node, "End")?.text, &end_zone)?,
        all_day: boolean(node, "IsAllDayEvent")?,
        free_busy: free_busy(node)?,
        location: text(node, "Location"),
        required_attendees: mailboxes(node, "RequiredAttendees")?,
        optional_attendees: mailboxes(node, "OptionalAttendees")?,
        resources: mailboxes(node, "Resources")?,
        recurrence: node.child("Recurrence").map(recurrence).transpose()?,
    })
}

// ---------------------------------------------------------------------------
// Zones

/// A `TimeZoneDefinitionType` element: UTC, a Windows ID, or a zone
/// spelled out by its periods and transitions.
fn read_zone(node: &Node) -> Result<ExchangeZone, EwsError> {
    let id = node.attribute("Id").unwrap_or_default().trim().to_string();
    match classify(&id, &[]) {
        ZoneKind::Utc => return Ok(ExchangeZone::Utc),
        ZoneKind::Windows { .. } => return Ok(ExchangeZone::Windows(id)),
        _ => {}
    }
    match node.child("Periods") {
        Some(periods) => Ok(ExchangeZone::Custom(custom_zone(id, node, periods)?)),
        None => Ok(ExchangeZone::Windows(id)),
    }
}

/// A period of a zone: whether it is daylight time, and its offset
/// (minutes east of UTC).
struct Period {
    daylight: bool,
    offset_minutes: i32,
}

fn period(node: &Node) -> Result<(String, Period), EwsError> {
    let bias = node.attribute("Bias").unwrap_or_default();
    let seconds = duration_seconds(bias).ok_or_else(|| invalid("Bias", bias))?;
    // Windows' bias is UTC minus local time.
    let offset_minutes = i32::try_from(-seconds / 60).map_err(|_| invalid("Bias", bias))?;
    let id = node.attribute("Id").unwrap_or_default().to_string();
    let daylight = node.attribute("Name") == Some("Daylight");
    Ok((
        id,
        Period {
            daylight,
            offset_minutes,
        },
    ))
}

/// A zone spelled out: its standard period, and the yearly changes of
/// its last transitions group (the rules in force now), if it has any.
fn custom_zone(id: String, zone: &Node, periods: &Node) -> Result<ZoneDefinition, EwsError> {
    let periods = periods
        .children
        .iter()
        .filter(|p| p.name == "Period")
        .map(period)
        .collect::<Result<Vec<_>, _>>()?;
    let period_of = |target: &str| periods.iter().find(|(id, _)| id == target).map(|(_, p)| p);
    let changes = zone
        .child("TransitionsGroups")
        .and_then(|groups| {
            groups
                .children
                .iter()
                .rev()
                .filter(|g| g.name == "TransitionsGroup")
                .find(|g| {
                    g.children
                        .iter()
                        .any(|t| t.name == "RecurringDayTransition")
                })
        })
        .map(|group| {
            group
                .children
                .iter()
                .filter(|t| t.name == "RecurringDayTransition")
                .map(yearly_change)
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?
        .unwrap_or_default();
    let mut standard = None;
    let mut daylight = None;
    for (target, change) in changes {
        match period_of(&target) {
            Some(p) if p.daylight => daylight = Some((p.offset_minutes, change)),
            Some(p) => standard = Some((p.offset_minutes, change)),
            None => {
                return Err(EwsError::InvalidItem(format!(
                    "the zone “{id}” changes to a period it does not define"
                )));
            }
        }
    }
    let daylight_saving = match (standard, daylight) {
        (Some((standard_offset, ends)), Some((offset_minutes, starts))) => Some((
            standard_offset,
            DaylightSaving {
                offset_minutes,
                starts,
                ends,
            },
        )),
        _ => None,
    };
    let standard_offset_minutes = match &daylight_saving {
        Some((offset, _)) => *offset,
        None => periods
            .iter()
            .find(|(_, p)| !p.daylight)
            .map(|(_, p)| p.offset_minutes)
            .ok_or_else(|| {
                EwsError::InvalidItem(format!("the zone “{id}” has no standard period"))
            })?,
    };
    Ok(ZoneDefinition {
        id,
        standard_offset_minutes,
        daylight: daylight_saving.map(|(_, saving)| saving),
    })
}

/// A `RecurringDayTransition`: the period it changes to, and when.
fn yearly_change(node: &Node) -> Result<(String, YearlyChange), EwsError> {
    let to = required(node, "To")?.text.trim().to_string();
    let offset = node.child_text("TimeOffset").unwrap_or_default();
    let seconds = duration_seconds(&offset)
        .and_then(|s| u32::try_from(s).ok())
        .ok_or_else(|| invalid("TimeOffset", &offset))?;
    let day = node.child_text("DayOfWeek").unwrap_or_default();
    Ok((
        to,
        YearlyChange {
            month: required_number(node, "Month")?,
            week: required_number(node, "Occurrence")?,
            weekday: weekday(&day).ok_or_else(|| invalid("DayOfWeek", &day))?,
            seconds_after_midnight: seconds,
        },
    ))
}

/// An xs:duration of days, hours, minutes and seconds (`-PT5H30M`,
/// `P0DT8H0M0.0S`) in whole seconds.
fn duration_seconds(text: &str) -> Option<i64> {
    let text = text.trim();
    let (sign, rest) = match text.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, text),
    };
    let mut rest = rest.strip_prefix('P')?;
    let mut in_time = false;
    let mut total = 0i64;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('T') {
            in_time = true;
            rest = after;
            continue;
        }
        let length = rest.find(|c: char| !c.is_ascii_digit() && c != '.')?;
        let value: f64 = rest[..length].parse().ok()?;
        let unit = match (rest[length..].chars().next()?, in_time) {
            ('D', false) => 86_400.0,
            ('H', true) => 3600.0,
            ('M', true) => 60.0,
            ('S', true) => 1.0,
            _ => return None,
        };
        let seconds = (value * unit).trunc();
        if !seconds.is_finite() || seconds > 1e12 {
            return None;
        }
        // Bounded above, so the conversion is exact.
        total = total.checked_add(seconds as i64)?;
        rest = &rest[length + 1..];
    }
    Some(sign * total)
}

fn weekday(name: &str) -> Option<Weekday> {
    Some(match name.trim() {
        "Monday" => Weekday::Monday,
        "Tuesday" => Weekday::Tuesday,
        "Wednesday" => Weekday::Wednesday,
        "Thursday" => Weekday::Thursday,
        "Friday" => Weekday::Friday,
        "Saturday" => Weekday::Saturday,
        "Sunday" => Weekday::Sunday,
        _ => return None,
    })
}

// ---------------------------------------------------------------------------
// Recurrence

fn recurrence(node: &Node) -> Result<ExchangeRecurrence, EwsError> {
    let mut pattern = None;
    let mut range = None;
    for child in &node.children {
        match child.name.as_str() {
            "NoEndRecurrence" | "EndDateRecurrence" | "NumberedRecurrence" => {
                range = Some(read_range(child)?);
            }
            name if name.ends_with("Recurrence") => pattern = Some(read_pattern(child)?),
            _ => {}
        }
    }
    let (Some(pattern), Some((start_date, end))) = (pattern, range) else {
        return Err(EwsError::InvalidItem(
            "a Recurrence needs a pattern and a range".into(),
        ));
    };
    Ok(ExchangeRecurrence {
        pattern,
        start_date,
        end,
    })
}

fn read_pattern(node: &Node) -> Result<Pattern, EwsError> {
    let interval = || required_number::<u32>(node, "Interval");
    Ok(match node.name.as_str() {
        "DailyRecurrence" => Pattern::Daily {
            interval: interval()?,
        },
        "WeeklyRecurrence" => {
            let names = node.child_text("DaysOfWeek").unwrap_or_default();
            let days = names
                .split_whitespace()
                .map(|name| weekday(name).ok_or_else(|| invalid("DaysOfWeek", &names)))
                .collect::<Result<Vec<_>, _>>()?;
            let first_day_of_week = match node.child_text("FirstDayOfWeek") {
                Some(name) => weekday(&name).ok_or_else(|| invalid("FirstDayOfWeek", &name))?,
                None => Weekday::Monday,
            };
            Pattern::Weekly {
                interval: interval()?,
                days,
                first_day_of_week,
            }
        }
        "AbsoluteMonthlyRecurrence" => Pattern::AbsoluteMonthly {
            interval: interval()?,
            day_of_month: required_number(node, "DayOfMonth")?,
        },
        "RelativeMonthlyRecurrence" => Pattern::RelativeMonthly {
            interval: interval()?,
            days: day_of_week(node)?,
            index: week_index(node)?,
        },
        "AbsoluteYearlyRecurrence" => Pattern::AbsoluteYearly {
            month: month(node)?,
            day_of_month: required_number(node, "DayOfMonth")?,
        },
        "RelativeYearlyRecurrence" => Pattern::RelativeYearly {
            month: month(node)?,
            days: day_of_week(node)?,
            index: week_index(node)?,
        },
        other => return Err(invalid("Recurrence", other)),
    })
}

fn day_of_week(node: &Node) -> Result<DayOfWeek, EwsError> {
    let name = node.child_text("DaysOfWeek").unwrap_or_default();
    Ok(match name.as_str() {
        "Day" => DayOfWeek::AnyDay,
        "Weekday" => DayOfWeek::WorkDay,
        "WeekendDay" => DayOfWeek::WeekendDay,
        other => DayOfWeek::One(weekday(other).ok_or_else(|| invalid("DaysOfWeek", other))?),
    })
}

fn week_index(node: &Node) -> Result<WeekIndex, EwsError> {
    let name = node.child_text("DayOfWeekIndex").unwrap_or_default();
    Ok(match name.as_str() {
        "First" => WeekIndex::First,
        "Second" => WeekIndex::Second,
        "Third" => WeekIndex::Third,
        "Fourth" => WeekIndex::Fourth,
        "Last" => WeekIndex::Last,
        other => return Err(invalid("DayOfWeekIndex", other)),
    })
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn month(node: &Node) -> Result<u8, EwsError> {
    let name = node.child_text("Month").unwrap_or_default();
    MONTHS
        .iter()
        .position(|m| *m == name)
        .and_then(|index| u8::try_from(index + 1).ok())
        .ok_or_else(|| invalid("Month", &name))
}

fn read_range(node: &Node) -> Result<(NaiveDate, RecurrenceEnd), EwsError> {
    let start = date(&required(node, "StartDate")?.text)?;
    let end = match node.name.as_str() {
        "EndDateRecurrence" => RecurrenceEnd::OnDate(date(&required(node, "EndDate")?.text)?),
        "NumberedRecurrence" => {
            RecurrenceEnd::AfterOccurrences(required_number(node, "NumberOfOccurrences")?)
        }
        _ => RecurrenceEnd::Never,
    };
    Ok((start, end))
}

// ---------------------------------------------------------------------------
// Tasks

fn task_status(node: &Node) -> Result<Option<TaskStatus>, EwsError> {
    Ok(match node.child_text("Status").as_deref() {
        None => None,
        Some("NotStarted") => Some(TaskStatus::NotStarted),
        Some("InProgress") => Some(TaskStatus::InProgress),
        Some("Completed") => Some(TaskStatus::Completed),
        Some("WaitingOnOthers") => Some(TaskStatus::WaitingOnOthers),
        Some("Deferred") => Some(TaskStatus::Deferred),
        Some(other) => return Err(invalid("Status", other)),
    })
}

/// A task date: an instant, read on the UTC clock.
fn task_time(node: &Node, name: &str) -> Result<Option<WallClock>, EwsError> {
    node.child(name)
        .map(|value| wall_clock(&value.text, &ExchangeZone::Utc))
        .transpose()
}

fn task(node: &Node) -> Result<TaskItem, EwsError> {
    let reminder_at = match node.child("ReminderIsSet") {
        Some(_) if !boolean(node, "ReminderIsSet")? => None,
        _ => task_time(node, "ReminderDueBy")?,
    };
    let percent: Option<f64> = number(node, "PercentComplete")?;
    let percent_complete = percent
        .map(|value| {
            let rounded = value.round();
            if (0.0..=100.0).contains(&rounded) {
                // In range, so the conversion is exact.
                Ok(rounded as u8)
            } else {
                Err(invalid("PercentComplete", &value.to_string()))
            }
        })
        .transpose()?;
    Ok(TaskItem {
        source_key: source_key_of(node),
        subject: text(node, "Subject"),
        body: text(node, "Body"),
        categories: categories(node),
        importance: importance(node)?,
        sensitivity: sensitivity(node)?,
        reminder_at,
        start: task_time(node, "StartDate")?,
        due: task_time(node, "DueDate")?,
        completed: task_time(node, "CompleteDate")?,
        percent_complete,
        status: task_status(node)?,
    })
}

// ---------------------------------------------------------------------------
// Contacts

/// The `Entry` elements of a dictionary (`EmailAddresses`, …) with their key.
fn entries<'n>(node: &'n Node, name: &str) -> Vec<(&'n str, &'n Node)> {
    node.child(name)
        .map(|list| {
            list.children
                .iter()
                .filter(|e| e.name == "Entry")
                .filter_map(|e| Some((e.attribute("Key")?, e)))
                .collect()
        })
        .unwrap_or_default()
}

fn email_key(key: &str) -> Option<EmailKey> {
    Some(match key {
        "EmailAddress1" => EmailKey::EmailAddress1,
        "EmailAddress2" => EmailKey::EmailAddress2,
        "EmailAddress3" => EmailKey::EmailAddress3,
        _ => return None,
    })
}

fn phone_key(key: &str) -> Option<PhoneKey> {
    Some(match key {
        "BusinessPhone" => PhoneKey::BusinessPhone,
        "BusinessPhone2" => PhoneKey::BusinessPhone2,
        "HomePhone" => PhoneKey::HomePhone,
        "HomePhone2" => PhoneKey::HomePhone2,
        "MobilePhone" => PhoneKey::MobilePhone,
        "BusinessFax" => PhoneKey::BusinessFax,
        "HomeFax" => PhoneKey::HomeFax,
        "OtherFax" => PhoneKey::OtherFax,
        "Pager" => PhoneKey::Pager,
        "CarPhone" => PhoneKey::CarPhone,
        "OtherTelephone" => PhoneKey::OtherTelephone,
        _ => return None,
    })
}

fn address_key(key: &str) -> Option<PhysicalAddressKey> {
    Some(match key {
        "Business" => PhysicalAddressKey::Business,
        "Home" => PhysicalAddressKey::Home,
        "Other" => PhysicalAddressKey::Other,
        _ => return None,
    })
}

fn contact(node: &Node) -> Result<ContactItem, EwsError> {
    let mut emails = Vec::new();
    for (key, entry) in entries(node, "EmailAddresses") {
        let key = email_key(key).ok_or_else(|| invalid("EmailAddresses Key", key))?;
        emails.push((key, entry.text.clone()));
    }
    let mut phones = Vec::new();
    for (key, entry) in entries(node, "PhoneNumbers") {
        // Exchange has slots Ferry never fills (Assistant, Telex, …):
        // kept out, as the Exchange shape has no place for them.
        if let Some(key) = phone_key(key) {
            phones.push((key, entry.text.clone()));
        }
    }
    let mut addresses = Vec::new();
    for (key, entry) in entries(node, "PhysicalAddresses") {
        addresses.push(PhysicalAddress {
            key: address_key(key).ok_or_else(|| invalid("PhysicalAddresses Key", key))?,
            street: text(entry, "Street"),
            city: text(entry, "City"),
            state: text(entry, "State"),
            country: text(entry, "CountryOrRegion"),
            postal_code: text(entry, "PostalCode"),
        });
    }
    Ok(ContactItem {
        source_key: source_key_of(node),
        display_name: text(node, "DisplayName"),
        given_name: text(node, "GivenName"),
        middle_name: text(node, "MiddleName"),
        surname: text(node, "Surname"),
        generation: text(node, "Generation"),
        nickname: text(node, "Nickname"),
        company: text(node, "CompanyName"),
        department: text(node, "Department"),
        job_title: text(node, "JobTitle"),
        emails,
        phones,
        addresses,
        birthday: node
            .child("Birthday")
            .map(|value| date(&value.text))
            .transpose()?,
        business_home_page: text(node, "BusinessHomePage"),
        notes: text(node, "Body"),
        categories: categories(node),
        photo: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_read() {
        assert_eq!(duration_seconds("PT2H"), Some(7200));
        assert_eq!(duration_seconds("-PT5H30M"), Some(-19_800));
        assert_eq!(duration_seconds("PT0S"), Some(0));
        assert_eq!(duration_seconds("P0DT8H0M0.0S"), Some(28_800));
        assert_eq!(duration_seconds("P1D"), Some(86_400));
        assert_eq!(duration_seconds("PT5X"), None);
        assert_eq!(duration_seconds("P1H"), None);
    }

    #[test]
    fn a_zone_is_read_by_the_rules_of_its_last_group() {
        let xml = r#"<Envelope><Body><CreateItem><Items><CalendarItem>
          <Start>2024-07-01T09:00:00</Start><End>2024-07-01T10:00:00</End>
          <StartTimeZone Id="Old Pacific">
            <Periods><Period Bias="P0DT8H0M0.0S" Name="Standard" Id="Std"/>
              <Period Bias="P0DT7H0M0.0S" Name="Daylight" Id="Dlt/1"/>
              <Period Bias="P0DT7H0M0.0S" Name="Daylight" Id="Dlt/2007"/></Periods>
            <TransitionsGroups>
              <TransitionsGroup Id="0"><RecurringDayTransition><To Kind="Period">Dlt/1</To>
                <TimeOffset>P0DT2H0M0.0S</TimeOffset><Month>4</Month><DayOfWeek>Sunday</DayOfWeek>
                <Occurrence>1</Occurrence></RecurringDayTransition>
               <RecurringDayTransition><To Kind="Period">Std</To><TimeOffset>PT2H</TimeOffset>
                <Month>10</Month><DayOfWeek>Sunday</DayOfWeek><Occurrence>-1</Occurrence>
               </RecurringDayTransition></TransitionsGroup>
              <TransitionsGroup Id="1"><RecurringDayTransition><To Kind="Period">Dlt/2007</To>
                <TimeOffset>PT2H</TimeOffset><Month>3</Month><DayOfWeek>Sunday</DayOfWeek>
                <Occurrence>2</Occurrence></RecurringDayTransition>
               <RecurringDayTransition><To Kind="Period">Std</To><TimeOffset>PT2H</TimeOffset>
                <Month>11</Month><DayOfWeek>Sunday</DayOfWeek><Occurrence>1</Occurrence>
               </RecurringDayTransition></TransitionsGroup></TransitionsGroups>
          </StartTimeZone></CalendarItem></Items></CreateItem></Body></Envelope>"#;
        let items = read_create_item_request(xml).unwrap();
        let ExchangeItem::Event(event) = &items[0] else {
            panic!("{items:?}")
        };
        let ExchangeZone::Custom(zone) = &event.start.zone else {
            panic!("{event:?}")
        };
        assert_eq!(zone.id, "Old Pacific");
        assert_eq!(zone.standard_offset_minutes, -480);
        let daylight = zone.daylight.as_ref().unwrap();
        assert_eq!(daylight.offset_minutes, -420);
        assert_eq!((daylight.starts.month, daylight.starts.week), (3, 2));
        assert_eq!((daylight.ends.month, daylight.ends.week), (11, 1));
        assert_eq!(daylight.ends.seconds_after_midnight, 7200);
        assert_eq!(event.start.to_utc().to_string(), "2024-07-01 16:00:00");
    }

    #[test]
    fn server_answers_are_read_with_their_instants() {
        let xml = r#"<?xml version="1.0"?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"
  xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"
  xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">
 <s:Body><m:GetItemResponse><m:ResponseMessages>
  <m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>
   <m:Items><t:CalendarItem>
    <t:Subject>Plan &amp; review</t:Subject>
    <t:Start>2024-07-01T08:00:00Z</t:Start><t:End>2024-07-01T09:00:00Z</t:End>
    <t:IsAllDayEvent>false</t:IsAllDayEvent>
    <t:Recurrence><t:WeeklyRecurrence><t:Interval>2</t:Interval>
      <t:DaysOfWeek>Monday Thursday</t:DaysOfWeek><t:FirstDayOfWeek>Sunday</t:FirstDayOfWeek>
     </t:WeeklyRecurrence>
     <t:NumberedRecurrence><t:StartDate>2024-07-01+02:00</t:StartDate>
      <t:NumberOfOccurrences>6</t:NumberOfOccurrences></t:NumberedRecurrence></t:Recurrence>
    <t:StartTimeZone Id="W. Europe Standard Time"><t:Periods>
      <t:Period Bias="-PT1H" Name="Standard" Id="x"/></t:Periods></t:StartTimeZone>
   </t:CalendarItem><t:Message/></m:Items>
  </m:GetItemResponseMessage></m:ResponseMessages></m:GetItemResponse></s:Body></s:Envelope>"#;
        let items = read_get_item_response(xml).unwrap();
        assert_eq!(items.len(), 1);
        let ExchangeItem::Event(event) = &items[0] else {
            panic!("{items:?}")
        };
        assert_eq!(event.subject.as_deref(), Some("Plan & review"));
        let berlin = ExchangeZone::Windows("W. Europe Standard Time".into());
        assert_eq!(event.start.zone, berlin);
        assert_eq!(event.start.local.to_string(), "2024-07-01 10:00:00");
        assert_eq!(event.end.zone, berlin, "the end zone follows the start's");
        let recurrence = event.recurrence.as_ref().unwrap();
        assert_eq!(
            recurrence.pattern,
            Pattern::Weekly {
                interval: 2,
                days: vec![Weekday::Monday, Weekday::Thursday],
                first_day_of_week: Weekday::Sunday
            }
        );
        assert_eq!(recurrence.end, RecurrenceEnd::AfterOccurrences(6));
        assert_eq!(recurrence.start_date.to_string(), "2024-07-01");
    }

    #[test]
    fn an_answer_with_an_error_is_an_error() {
        let xml = r#"<Envelope><Body><GetItemResponse><ResponseMessages>
          <GetItemResponseMessage ResponseClass="Error"><MessageText>Not found.</MessageText>
           <ResponseCode>ErrorItemNotFound</ResponseCode></GetItemResponseMessage>
          </ResponseMessages></GetItemResponse></Body></Envelope>"#;
        assert!(matches!(
            read_get_item_response(xml),
            Err(EwsError::Response { code, .. }) if code == "ErrorItemNotFound"
        ));
        let tasks = r#"<Envelope><Body><FindItemResponse><ResponseMessages>
          <FindItemResponseMessage ResponseClass="Success"><ResponseCode>NoError</ResponseCode>
           <RootFolder><Items><Task><Subject>Taxes</Subject><ReminderIsSet>false</ReminderIsSet>
            <ReminderDueBy>2024-04-01T08:00:00Z</ReminderDueBy><PercentComplete>50.0</PercentComplete>
            <Status>InProgress</Status></Task></Items></RootFolder>
          </FindItemResponseMessage></ResponseMessages></FindItemResponse></Body></Envelope>"#;
        let items = read_get_item_response(tasks).unwrap();
        let [ExchangeItem::Task(task)] = items.as_slice() else {
            panic!("{items:?}")
        };
        assert_eq!(task.subject.as_deref(), Some("Taxes"));
        assert_eq!(task.reminder_at, None, "ReminderIsSet false wins");
        assert_eq!(task.percent_complete, Some(50));
        assert_eq!(task.status, Some(TaskStatus::InProgress));
    }

    #[test]
    fn bad_items_and_hostile_documents_are_errors() {
        let envelope = |item: &str| {
            format!(
                "<Envelope><Body><CreateItem><Items>{item}</Items></CreateItem></Body></Envelope>"
            )
        };
        assert!(matches!(
            read_create_item_request(&envelope("<CalendarItem><Start>x</Start></CalendarItem>")),
            Err(EwsError::InvalidItem(_))
        ));
        assert!(matches!(
            read_create_item_request(&envelope("<Task><Sensitivity>Secret</Sensitivity></Task>")),
            Err(EwsError::InvalidItem(_))
        ));
        assert!(matches!(
            read_create_item_request(&envelope(
                "<Contact><EmailAddresses><Entry Key=\"EmailAddress9\">a@b</Entry></EmailAddresses></Contact>"
            )),
            Err(EwsError::InvalidItem(_))
        ));
        assert!(matches!(
            read_create_item_request(&envelope(
                "<CalendarItem><Start>2024-01-01T09:00:00</Start><End>2024-01-01T10:00:00</End>\
                 <Recurrence><HourlyRecurrence/><NoEndRecurrence><StartDate>2024-01-01</StartDate>\
                 </NoEndRecurrence></Recurrence></CalendarItem>"
            )),
            Err(EwsError::InvalidItem(_))
        ));
        assert!(matches!(
            read_create_item_request("<!DOCTYPE x><Envelope/>"),
            Err(EwsError::Refused(_))
        ));
        assert!(matches!(
            read_create_item_request("<Envelope><Body/></Envelope>"),
            Err(EwsError::Unexpected(_))
        ));
    }
}
