//! A time zone's yearly rules ([`ZoneDefinition`]) as a VTIMEZONE every
//! server reads, and those rules from the time-zone database.
//!
//! The VTIMEZONE has one STANDARD and, with daylight saving time, one
//! DAYLIGHT observance, each from its first change in 1970 and repeating
//! yearly (`RRULE:FREQ=YEARLY;BYMONTH=…;BYDAY=…`): the form every
//! iCalendar library reads. Rules from the database are those in force in
//! one year (a zone whose rules changed over the years is written with
//! that year's rules for all years).
//!
//! The TZID is written as the times' TZID parameters give it, commas
//! unescaped: strict servers match the two as they are.

use super::text::{ObjectText, Property};
use crate::convert::exchange::recurrence::weekday_of;
use crate::model::{DaylightSaving, YearlyChange, ZoneDefinition};
use calcard::common::timezone::Tz;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Offset, TimeZone};

/// The year observances start from.
const FIRST_YEAR: i32 = 1970;

/// Appends `zone` as a VTIMEZONE named `tzid`.
pub(super) fn write_vtimezone(tzid: &str, zone: &ZoneDefinition, text: &mut ObjectText) {
    text.push(Property::new("BEGIN").raw("VTIMEZONE"));
    // The TZID as the times' TZID parameter says it: Radicale's library
    // matches the two without undoing a TEXT escape, so commas stay as
    // they are (a `\,` would name another zone for it).
    text.push(Property::new("TZID").raw(&tzid.replace(['\r', '\n'], " ")));
    let standard = zone.standard_offset_minutes;
    match &zone.daylight {
        None => {
            text.push(Property::new("BEGIN").raw("STANDARD"));
            text.push(Property::new("DTSTART").raw("19700101T000000"));
            text.push(Property::new("TZOFFSETFROM").raw(&offset(standard)));
            text.push(Property::new("TZOFFSETTO").raw(&offset(standard)));
            text.push(Property::new("END").raw("STANDARD"));
        }
        Some(daylight) => {
            observance(
                text,
                "STANDARD",
                &daylight.ends,
                daylight.offset_minutes,
                standard,
            );
            observance(
                text,
                "DAYLIGHT",
                &daylight.starts,
                standard,
                daylight.offset_minutes,
            );
        }
    }
    text.push(Property::new("END").raw("VTIMEZONE"));
}

fn observance(text: &mut ObjectText, name: &str, change: &YearlyChange, from: i32, to: i32) {
    let first = change
        .in_year(FIRST_YEAR)
        .unwrap_or_else(|| NaiveDate::MIN.and_time(chrono::NaiveTime::MIN));
    text.push(Property::new("BEGIN").raw(name));
    text.push(Property::new("DTSTART").raw(&first.format("%Y%m%dT%H%M%S").to_string()));
    text.push(Property::new("TZOFFSETFROM").raw(&offset(from)));
    text.push(Property::new("TZOFFSETTO").raw(&offset(to)));
    text.push(Property::new("RRULE").raw(&format!(
        "FREQ=YEARLY;BYMONTH={};BYDAY={}{}",
        change.month,
        change.week,
        change.weekday.code()
    )));
    text.push(Property::new("END").raw(name));
}

/// `+HHMM` or `-HHMM`.
fn offset(minutes: i32) -> String {
    let sign = if minutes < 0 { '-' } else { '+' };
    let minutes = minutes.unsigned_abs();
    format!("{sign}{:02}{:02}", minutes / 60, minutes % 60)
}

/// The rules the database has for `tz` in `year`: its offset, and its
/// two yearly changes when it keeps daylight saving time then. None for a
/// year whose changes are not one there and one back.
pub(super) fn database_rules(id: &str, tz: &Tz, year: i32) -> Option<ZoneDefinition> {
    let offset_at =
        |utc: NaiveDateTime| tz.offset_from_utc_datetime(&utc).fix().local_minus_utc() / 60;
    let noon = NaiveDate::from_ymd_opt(year, 1, 1)?.and_hms_opt(12, 0, 0)?;
    // (UTC instant of the change, offset before, offset after)
    let mut changes = Vec::new();
    let mut before = offset_at(noon);
    for day in 1..=366 {
        let at = noon + Duration::days(day);
        let now = offset_at(at);
        if now != before {
            let instant = (1..=24)
                .map(|hour| at - Duration::hours(24 - hour))
                .find(|hour| offset_at(*hour) == now)?;
            changes.push((instant, before, now));
            before = now;
        }
    }
    match changes.as_slice() {
        [] => Some(ZoneDefinition::fixed(id, before)),
        [first, second] => {
            let (to_daylight, back) = if first.2 > first.1 {
                (first, second)
            } else {
                (second, first)
            };
            let change = |(instant, from, _): &(NaiveDateTime, i32, i32)| {
                yearly_change(*instant + Duration::minutes(i64::from(*from)))
            };
            Some(ZoneDefinition {
                id: id.to_string(),
                standard_offset_minutes: back.2,
                daylight: Some(DaylightSaving {
                    offset_minutes: to_daylight.2,
                    starts: change(to_daylight),
                    ends: change(back),
                }),
            })
        }
        _ => None,
    }
}

/// The yearly change on the weekday of `local` in its week of its month
/// (the last one when no such weekday follows in the month).
fn yearly_change(local: NaiveDateTime) -> YearlyChange {
    let date = local.date();
    let days_in_month = (28..=31)
        .rev()
        .find(|day| NaiveDate::from_ymd_opt(date.year(), date.month(), *day).is_some())
        .unwrap_or(28);
    let week = if date.day() + 7 > days_in_month {
        -1
    } else {
        ((date.day() - 1) / 7 + 1) as i8
    };
    YearlyChange {
        month: date.month() as u8,
        week,
        weekday: weekday_of(date),
        seconds_after_midnight: local
            .time()
            .signed_duration_since(chrono::NaiveTime::MIN)
            .num_seconds() as u32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn written(zone: &ZoneDefinition) -> String {
        let mut text = ObjectText::default();
        write_vtimezone(&zone.id, zone, &mut text);
        text.into_string()
    }

    #[test]
    fn new_york_s_rules_of_2023_are_the_second_sunday_of_march_and_the_first_of_november() {
        let tz = Tz::from_str("America/New_York").unwrap();
        let zone = database_rules("America/New_York", &tz, 2023).unwrap();
        assert_eq!(zone.standard_offset_minutes, -300);
        let daylight = zone.daylight.clone().unwrap();
        assert_eq!(daylight.offset_minutes, -240);
        assert_eq!((daylight.starts.month, daylight.starts.week), (3, 2));
        assert_eq!((daylight.ends.month, daylight.ends.week), (11, 1));
        assert_eq!(daylight.starts.seconds_after_midnight, 7200);
        assert_eq!(daylight.ends.seconds_after_midnight, 7200);
        assert_eq!(
            written(&zone),
            "BEGIN:VTIMEZONE\r\nTZID:America/New_York\r\nBEGIN:STANDARD\r\nDTSTART:19701101T020000\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:19700308T020000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n"
        );
    }

    #[test]
    fn a_zone_without_daylight_saving_time_has_one_observance() {
        let tz = Tz::from_str("Asia/Dubai").unwrap();
        let zone = database_rules("Arabian Standard Time", &tz, 2021).unwrap();
        assert_eq!(zone, ZoneDefinition::fixed("Arabian Standard Time", 240));
        assert_eq!(
            written(&zone),
            "BEGIN:VTIMEZONE\r\nTZID:Arabian Standard Time\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0400\r\nTZOFFSETTO:+0400\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
        );
    }

    #[test]
    fn southern_zones_and_last_weekdays() {
        let tz = Tz::from_str("Australia/Melbourne").unwrap();
        let zone = database_rules("Australia/Melbourne", &tz, 2009).unwrap();
        let daylight = zone.daylight.unwrap();
        assert_eq!(zone.standard_offset_minutes, 600);
        assert_eq!((daylight.starts.month, daylight.starts.week), (10, 1));
        assert_eq!((daylight.ends.month, daylight.ends.week), (4, 1));
        assert_eq!(daylight.ends.seconds_after_midnight, 3 * 3600);
        let berlin = Tz::from_str("Europe/Berlin").unwrap();
        let daylight = database_rules("Europe/Berlin", &berlin, 2026)
            .unwrap()
            .daylight
            .unwrap();
        assert_eq!((daylight.starts.month, daylight.starts.week), (3, -1));
        assert_eq!((daylight.ends.month, daylight.ends.week), (10, -1));
        assert_eq!(offset(-330), "-0530");
    }
}
