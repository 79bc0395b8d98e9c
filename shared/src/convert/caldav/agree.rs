//! A series' dates written in the form of its start.
//!
//! RFC 5545 wants a series' RDATEs, EXDATEs and RECURRENCE-IDs, and an
//! event's end, of the same kind as its DTSTART. Sources do not always
//! agree (Evolution writes EXDATEs as dates next to a date-time start,
//! some exporters mix floating and UTC times), and strict servers refuse
//! such a resource: Radicale cannot compare a date with a date-time, nor
//! a floating time with one fixed to a zone. The writer repairs them, in
//! the start's form, and names each repair:
//! * a date next to a date-time start: for an occurrence (RDATE, EXDATE,
//!   RECURRENCE-ID) the start's time of day on that date, for the end
//!   midnight at the start of that date, both in the start's zone;
//! * a date-time next to a date start: its date (for the end, the next
//!   day when the time is not midnight, the end being exclusive);
//! * a floating time next to a start in a zone: the same clock time, read
//!   in the start's zone;
//! * a time in a zone next to a floating start: its clock time, floating
//!   (a floating start has no zone to convert to).

use crate::model::{DateValue, Item, ItemKind};
use chrono::{Duration, NaiveDate, NaiveDateTime};

/// What kind of value a date is, as a strict server compares them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Date,
    Floating,
    Zoned,
}

fn form(value: &DateValue) -> Form {
    if value.is_date() {
        Form::Date
    } else if value.zone.is_none() {
        Form::Floating
    } else {
        Form::Zoned
    }
}

fn form_words(value: &DateValue) -> String {
    match form(value) {
        Form::Date => "a date".to_string(),
        Form::Floating => "a time without time zone".to_string(),
        Form::Zoned => format!("a time in {}", value.zone.as_deref().unwrap_or_default()),
    }
}

/// A date or date-time as people read it, with its zone.
fn shown(value: &DateValue) -> String {
    match value.zone_label() {
        Some(zone) => format!("{} {zone}", value.when()),
        None => value.when(),
    }
}

/// `item` with its end, RDATEs and EXDATEs in the form of its start, and
/// its RECURRENCE-ID in the form of `series_start` (its series' start;
/// its own for a series). None when all agree already; otherwise the
/// repaired item and one named adjustment per property repaired.
pub(super) fn agree(item: &Item, series_start: Option<&DateValue>) -> Option<(Item, Vec<String>)> {
    let mut repaired = item.clone();
    let mut adjustments = Vec::new();
    if let Some(start) = &item.start {
        let end_name = if item.kind == ItemKind::Task {
            "Due date (DUE)"
        } else {
            "End (DTEND)"
        };
        if let Some(end) = &item.end
            && let Some(new) = in_form(end, start, Role::End)
        {
            adjustments.push(adjustment(end_name, &[end], &[&new], start));
            repaired.end = Some(new);
        }
        repair_list(
            &mut repaired.rdates,
            start,
            "Extra dates (RDATE)",
            &mut adjustments,
        );
        repair_list(
            &mut repaired.exdates,
            start,
            "Excluded dates (EXDATE)",
            &mut adjustments,
        );
    }
    let reference = series_start.or(item.start.as_ref());
    if let (Some(occurrence), Some(reference)) = (&item.recurrence_id, reference)
        && let Some(new) = in_form(occurrence, reference, Role::Occurrence)
    {
        adjustments.push(adjustment(
            "Occurrence (RECURRENCE-ID)",
            &[occurrence],
            &[&new],
            reference,
        ));
        repaired.recurrence_id = Some(new);
    }
    (!adjustments.is_empty()).then_some((repaired, adjustments))
}

fn repair_list(
    dates: &mut [DateValue],
    start: &DateValue,
    name: &str,
    adjustments: &mut Vec<String>,
) {
    let mut old = Vec::new();
    let mut new = Vec::new();
    for date in dates.iter_mut() {
        if let Some(repaired) = in_form(date, start, Role::Occurrence) {
            old.push(date.clone());
            new.push(repaired.clone());
            *date = repaired;
        }
    }
    if !old.is_empty() {
        let old: Vec<&DateValue> = old.iter().collect();
        let new: Vec<&DateValue> = new.iter().collect();
        adjustments.push(adjustment(name, &old, &new, start));
    }
}

fn adjustment(name: &str, old: &[&DateValue], new: &[&DateValue], start: &DateValue) -> String {
    let list = |values: &[&DateValue]| {
        values
            .iter()
            .map(|value| shown(value))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "{name}: {} not of the start's kind ({}), which strict servers refuse; written as {}",
        if old.len() == 1 {
            format!("{} is", list(old))
        } else {
            format!("{} are", list(old))
        },
        form_words(start),
        list(new)
    )
}

/// Whether a value names an occurrence or ends the item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Occurrence,
    End,
}

/// `value` in the form of `reference`; None when it has it already (or
/// is not a valid date, which the writer refuses on its own).
fn in_form(value: &DateValue, reference: &DateValue, role: Role) -> Option<DateValue> {
    let (from, to) = (form(value), form(reference));
    if from == to {
        return None;
    }
    let local = match to {
        Form::Date => {
            let at = date_time(value)?;
            let date = match role {
                Role::End if at.time() != chrono::NaiveTime::MIN => at.date() + Duration::days(1),
                _ => at.date(),
            };
            return Some(DateValue::new(date.format("%Y-%m-%d").to_string(), None));
        }
        _ if from == Form::Date => {
            let date = NaiveDate::parse_from_str(&value.local, "%Y-%m-%d").ok()?;
            let time = match role {
                Role::Occurrence => date_time(reference)?.time(),
                Role::End => chrono::NaiveTime::MIN,
            };
            date.and_time(time)
        }
        _ => date_time(value)?,
    };
    let zone = match to {
        Form::Zoned => reference.zone.as_deref(),
        _ => None,
    };
    Some(DateValue::new(
        local.format("%Y-%m-%dT%H:%M:%S").to_string(),
        zone,
    ))
}

fn date_time(value: &DateValue) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(&value.local, "%Y-%m-%dT%H:%M:%S").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(local: &str, zone: Option<&str>) -> DateValue {
        DateValue::new(local, zone)
    }

    #[test]
    fn dates_take_the_start_s_time_and_zone_and_ends_midnight() {
        let start = at("2024-03-01T09:30:00", Some("Europe/Berlin"));
        assert_eq!(
            in_form(&at("2024-03-08", None), &start, Role::Occurrence),
            Some(at("2024-03-08T09:30:00", Some("Europe/Berlin")))
        );
        assert_eq!(
            in_form(&at("2024-03-02", None), &start, Role::End),
            Some(at("2024-03-02T00:00:00", Some("Europe/Berlin")))
        );
    }

    #[test]
    fn date_times_become_dates_and_an_end_inside_a_day_ends_after_it() {
        let start = at("2006-10-07", None);
        let end = at("2006-10-09T23:59:00", Some("America/New_York"));
        assert_eq!(
            in_form(&end, &start, Role::End),
            Some(at("2006-10-10", None))
        );
        let midnight = at("2006-10-09T00:00:00", Some("UTC"));
        assert_eq!(
            in_form(&midnight, &start, Role::End),
            Some(at("2006-10-09", None))
        );
        assert_eq!(
            in_form(&end, &start, Role::Occurrence),
            Some(at("2006-10-09", None))
        );
    }

    #[test]
    fn floating_and_zoned_times_meet_on_the_start_s_side() {
        let utc = at("2017-08-14T14:00:00", Some("UTC"));
        assert_eq!(
            in_form(&at("2017-12-19T06:00:00", None), &utc, Role::Occurrence),
            Some(at("2017-12-19T06:00:00", Some("UTC")))
        );
        let floating = at("1996-04-01T01:00:00", None);
        assert_eq!(
            in_form(&utc, &floating, Role::Occurrence),
            Some(at("2017-08-14T14:00:00", None))
        );
        let berlin = at("2017-08-14T16:00:00", Some("Europe/Berlin"));
        assert_eq!(in_form(&berlin, &utc, Role::Occurrence), None);
    }

    #[test]
    fn an_item_whose_dates_agree_is_left_alone() {
        let mut item = Item::new(ItemKind::Event, 3);
        item.start = Some(at("2024-03-01T09:30:00", Some("UTC")));
        item.end = Some(at("2024-03-01T10:30:00", Some("Europe/Berlin")));
        item.exdates = vec![at("2024-03-08T09:30:00", Some("UTC"))];
        assert_eq!(agree(&item, None), None);

        item.exdates.push(at("2024-03-15", None));
        let (repaired, adjustments) = agree(&item, None).unwrap();
        assert_eq!(repaired.exdates[1], at("2024-03-15T09:30:00", Some("UTC")));
        assert_eq!(
            adjustments,
            [
                "Excluded dates (EXDATE): 2024-03-15 is not of the start's kind (a time in UTC), which strict servers refuse; written as 2024-03-15 09:30 UTC"
            ]
        );
    }
}
