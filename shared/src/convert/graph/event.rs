//! Calendar items as Graph `event`s: subject, plain-text body (with the
//! attendees written into it, see [`super::attendees`]), start and end,
//! all-day, location, sensitivity, free/busy, importance, categories,
//! reminder, recurrence and the source key.

use super::attendees::body_with_attendees;
use super::recurrence::patterned_recurrence;
use super::resources::{DateTimeTimeZone, Event, ItemBody, Location, ShowAs};
use super::values::{
    date_only, date_time, importance, sensitivity, sent_clock, source_key_properties, zone_name,
};
use crate::convert::exchange::{CalendarItem, ExchangeZone, FreeBusy, Loss};
use chrono::{Duration, NaiveTime};

/// What an event body is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// `POST`: a new item (fields left out stay empty).
    Create,
    /// `PATCH` of an occurrence: fields the changed occurrence does not
    /// have are sent empty, so the series' values do not stay.
    Update,
}

fn show_as(value: FreeBusy) -> ShowAs {
    match value {
        FreeBusy::Free => ShowAs::Free,
        FreeBusy::Tentative => ShowAs::Tentative,
        FreeBusy::Busy => ShowAs::Busy,
        FreeBusy::OutOfOffice => ShowAs::Oof,
        FreeBusy::WorkingElsewhere => ShowAs::WorkingElsewhere,
    }
}

/// The days of an all-day item: Graph takes midnights only, so a start
/// with an hour is taken from its day's midnight and an end with an hour
/// at the next midnight (each a loss).
fn all_day_bounds(
    item: &CalendarItem,
    losses: &mut Vec<Loss>,
) -> (DateTimeTimeZone, DateTimeTimeZone) {
    if item.start.local.time() != NaiveTime::MIN {
        losses.push(Loss::new(
            "start",
            "Graph starts an all-day event at midnight; the start's time of day is left out",
        ));
    }
    let mut end = item.end.clone();
    if end.local.time() != NaiveTime::MIN {
        losses.push(Loss::new(
            "end",
            "Graph ends an all-day event at midnight; it ends at the end of its last day",
        ));
        end.local = end.local.date().and_time(NaiveTime::MIN) + Duration::days(1);
    }
    (date_only(&item.start), date_only(&end))
}

/// A timed series in a zone the file defines with daylight saving time:
/// sent in UTC, its occurrences cannot follow the zone's changes.
fn daylight_saving_loss(item: &CalendarItem) -> Option<Loss> {
    let ExchangeZone::Custom(zone) = &item.start.zone else {
        return None;
    };
    (zone.daylight.is_some() && !item.all_day).then(|| {
        Loss::new(
            "recurrence",
            format!(
                "Graph knows no zone “{}” as the file defines it; the series is sent in UTC, so its occurrences keep the first one's UTC time and are an hour off in the other half of the year",
                zone.id
            ),
        )
    })
}

/// `item` as a Graph event; what it cannot hold goes to `losses`.
pub fn event(item: &CalendarItem, purpose: Purpose, losses: &mut Vec<Loss>) -> Event {
    let (start, end) = if item.all_day {
        all_day_bounds(item, losses)
    } else {
        (date_time(&item.start), date_time(&item.end))
    };
    let recurrence = item.recurrence.as_ref().map(|recurrence| {
        let sent_start = if item.all_day {
            item.start.local.date()
        } else {
            sent_clock(&item.start).date()
        };
        losses.extend(daylight_saving_loss(item));
        patterned_recurrence(
            recurrence,
            item.start.local.date(),
            sent_start,
            zone_name(&item.start.zone),
            losses,
        )
    });
    let body = body_with_attendees(item, losses);
    let update = purpose == Purpose::Update;
    let or_empty = |text: Option<String>| match text {
        None if update => Some(String::new()),
        other => other,
    };
    Event {
        subject: or_empty(item.subject.clone()),
        body: or_empty(body).map(|text| ItemBody::text(&text)),
        start,
        end,
        is_all_day: item.all_day,
        location: or_empty(item.location.clone()).map(|display_name| Location { display_name }),
        sensitivity: sensitivity(item.sensitivity),
        show_as: item.free_busy.map(show_as),
        importance: importance(item.importance),
        categories: item.categories.clone(),
        is_reminder_on: item.reminder_minutes.is_some(),
        reminder_minutes_before_start: item.reminder_minutes,
        recurrence,
        single_value_extended_properties: source_key_properties(item.source_key.as_deref()),
    }
}
