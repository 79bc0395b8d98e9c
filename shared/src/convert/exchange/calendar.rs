//! Events as Exchange calendar items: subject, body, location, times and
//! zones, all-day, reminder, sensitivity, importance, free/busy,
//! categories, attendees and recurrence.

use super::series::convert_series;
use super::time::{WallClock, ZoneResolver};
use super::{
    ExchangeConversion, ExchangeItem, ExchangeOptions, ExchangeRecurrence, Loss, Operation,
};
use crate::convert::source_key;
use crate::model::{self, AttendeeRole, Item, Person, ShowAs};
use chrono::Duration;

/// A calendar item as Exchange holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarItem {
    /// The key a re-run finds the item by (see [`crate::convert::source_key()`]).
    pub source_key: Option<String>,
    pub subject: Option<String>,
    /// Plain text.
    pub body: Option<String>,
    pub categories: Vec<String>,
    pub importance: Importance,
    pub sensitivity: Sensitivity,
    /// Minutes before the start; `None`: no reminder.
    pub reminder_minutes: Option<u32>,
    pub start: WallClock,
    /// For all-day items, midnight after the last day (exclusive), as in
    /// iCalendar and Exchange.
    pub end: WallClock,
    pub all_day: bool,
    /// `None`: the target's default (busy).
    pub free_busy: Option<FreeBusy>,
    pub location: Option<String>,
    pub required_attendees: Vec<Mailbox>,
    pub optional_attendees: Vec<Mailbox>,
    /// Rooms and equipment.
    pub resources: Vec<Mailbox>,
    pub recurrence: Option<ExchangeRecurrence>,
}

/// A person with an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    pub name: Option<String>,
    pub email: String,
}

/// Who may see an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sensitivity {
    #[default]
    Normal,
    Personal,
    Private,
    Confidential,
}

/// How important an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Importance {
    Low,
    #[default]
    Normal,
    High,
}

/// How an event shows in free/busy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FreeBusy {
    Free,
    Tentative,
    Busy,
    OutOfOffice,
    WorkingElsewhere,
}

impl Sensitivity {
    /// iCalendar CLASS: PUBLIC is normal.
    pub fn from_class(class: Option<model::Sensitivity>) -> Self {
        match class {
            None | Some(model::Sensitivity::Public) => Sensitivity::Normal,
            Some(model::Sensitivity::Private) => Sensitivity::Private,
            Some(model::Sensitivity::Confidential) => Sensitivity::Confidential,
        }
    }
}

impl Importance {
    /// iCalendar PRIORITY: 1–4 high, 5 normal, 6–9 low (RFC 5545 §3.8.1.9).
    pub fn from_priority(priority: Option<u8>) -> Self {
        match priority {
            Some(1..=4) => Importance::High,
            Some(6..=9) => Importance::Low,
            _ => Importance::Normal,
        }
    }
}

impl From<ShowAs> for FreeBusy {
    fn from(show_as: ShowAs) -> Self {
        match show_as {
            ShowAs::Free => FreeBusy::Free,
            ShowAs::Tentative => FreeBusy::Tentative,
            ShowAs::Busy => FreeBusy::Busy,
            ShowAs::OutOfOffice => FreeBusy::OutOfOffice,
            ShowAs::WorkingElsewhere => FreeBusy::WorkingElsewhere,
        }
    }
}

/// The one reminder Exchange holds: the first one before the start.
pub(super) fn reminder(reminders: &[i64], losses: &mut Vec<Loss>) -> Option<u32> {
    let before: Vec<u32> = reminders
        .iter()
        .filter_map(|minutes| u32::try_from(*minutes).ok())
        .collect();
    if before.len() < reminders.len() {
        losses.push(Loss::new(
            "reminder",
            "Exchange has no reminders after the start; those are left out",
        ));
    }
    if before.len() > 1 {
        losses.push(Loss::new(
            "reminder",
            format!(
                "Exchange holds one reminder per item; the first ({} minute(s) before) is kept, {} more left out",
                before[0],
                before.len() - 1
            ),
        ));
    }
    before.first().copied()
}

fn mailbox(person: &Person) -> Option<Mailbox> {
    Some(Mailbox {
        name: person.name.clone(),
        email: person.email.clone()?,
    })
}

/// The item's fields as a calendar item, without recurrence; `None`
/// (with a loss) when its start cannot be read.
fn base_item(
    item: &Item,
    resolver: &ZoneResolver<'_>,
    losses: &mut Vec<Loss>,
) -> Option<CalendarItem> {
    let Some(start) = item
        .start
        .as_ref()
        .and_then(|start| resolver.wall_clock(start, "start", losses))
    else {
        losses.push(Loss::new(
            "start",
            "The start cannot be read; the event is not created",
        ));
        return None;
    };
    let end = match item
        .end
        .as_ref()
        .and_then(|end| resolver.wall_clock(end, "end", losses))
    {
        Some(end) if end.to_utc() >= start.to_utc() => end,
        other => {
            if other.is_some() {
                losses.push(Loss::new(
                    "end",
                    "The end is before the start; the event is given the length of its start",
                ));
            }
            let length = if item.all_day {
                Duration::days(1)
            } else {
                Duration::zero()
            };
            WallClock {
                local: start.local + length,
                zone: start.zone.clone(),
            }
        }
    };
    let (mut required, mut optional, mut resources) = (Vec::new(), Vec::new(), Vec::new());
    for attendee in &item.attendees {
        let Some(mailbox) = mailbox(&attendee.person) else {
            continue;
        };
        match attendee.role {
            AttendeeRole::Chair | AttendeeRole::Required => required.push(mailbox),
            AttendeeRole::Optional | AttendeeRole::NonParticipant => optional.push(mailbox),
            AttendeeRole::Resource => resources.push(mailbox),
        }
    }
    if item
        .attendees
        .iter()
        .any(|a| a.role == AttendeeRole::NonParticipant)
    {
        losses.push(Loss::new(
            "attendees",
            "Exchange has no attendees copied for information only; they are invited as optional",
        ));
    }
    if !item.attendees.is_empty()
        && let Some(organizer) = item.organizer.as_ref().filter(|o| o.email.is_some())
    {
        losses.push(Loss::new(
            "organizer",
            format!("Exchange makes the mailbox's owner the organizer of the items created in it; “{organizer}” is not kept as organizer"),
        ));
    }
    if item
        .attendees
        .iter()
        .any(|a| a.status != model::Participation::NeedsAction)
    {
        losses.push(Loss::new(
            "attendees",
            "Exchange does not take the attendees' answers when an item is created; they show as not answered",
        ));
    }
    Some(CalendarItem {
        source_key: source_key(item),
        subject: item.summary.clone(),
        body: item.description.clone(),
        categories: item.categories.clone(),
        importance: Importance::from_priority(item.priority),
        sensitivity: Sensitivity::from_class(item.sensitivity),
        reminder_minutes: reminder(&item.reminders, losses),
        start,
        end,
        all_day: item.all_day,
        free_busy: item.show_as.map(FreeBusy::from),
        location: item.location.clone(),
        required_attendees: required,
        optional_attendees: optional,
        resources,
        recurrence: None,
    })
}

/// Converts an event: one item, a series, the items of an expanded
/// series, or the update of one occurrence.
pub(super) fn convert_event(
    item: &Item,
    resolver: &ZoneResolver<'_>,
    options: &ExchangeOptions,
    conversion: &mut ExchangeConversion,
) {
    let Some(base) = base_item(item, resolver, &mut conversion.losses) else {
        return;
    };
    if let Some(occurrence) = &item.recurrence_id {
        if item.rule.is_some() || !item.rdates.is_empty() {
            conversion.losses.push(Loss::new(
                "recurrence",
                "A changed occurrence cannot repeat on its own; its repeat rule is left out",
            ));
        }
        let (Some(uid), Some(original_start)) = (
            item.uid.as_ref(),
            resolver.wall_clock(occurrence, "recurrence-id", &mut conversion.losses),
        ) else {
            conversion.losses.push(Loss::new(
                "recurrence-id",
                "A changed occurrence without UID or readable RECURRENCE-ID cannot be matched to its series; it is created as its own item",
            ));
            conversion
                .operations
                .push(Operation::Create(ExchangeItem::Event(Box::new(base))));
            return;
        };
        conversion.operations.push(Operation::UpdateOccurrence {
            series_key: uid.clone(),
            original_start,
            item: Box::new(base),
        });
        return;
    }
    if item.rule.is_some() || !item.rdates.is_empty() {
        convert_series(item, base, resolver, options, conversion);
        return;
    }
    conversion
        .operations
        .push(Operation::Create(ExchangeItem::Event(Box::new(base))));
}
