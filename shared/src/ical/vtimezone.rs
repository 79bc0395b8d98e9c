//! A VTIMEZONE read into a [`ZoneDefinition`]: the zone's standard offset
//! and, when it keeps daylight saving time, the yearly rules of its two
//! changes. Exchange and Graph need a zone they do not know by name
//! spelled out this way.
//!
//! A VTIMEZONE lists its history: several STANDARD and DAYLIGHT
//! observances, each from its DTSTART. Ferry keeps the rules in force
//! last (the observances that start latest), which are the ones that
//! matter for items being moved today. Many exporters list the changes
//! date by date (RDATE, or one observance per change) instead of a yearly
//! rule: when the last change to daylight time and the last change back
//! are less than a year apart, their month, week, weekday and time are
//! taken as the yearly rule. A zone with a single kind of observance, or
//! whose last changes are further apart, has a fixed offset. Offsets
//! beyond ±18 hours are not offsets and their observances are ignored.

use crate::model::{DaylightSaving, Weekday, YearlyChange, ZoneDefinition};
use calcard::common::PartialDateTime;
use calcard::icalendar::{
    ICalendar, ICalendarComponent, ICalendarComponentType, ICalendarProperty,
    ICalendarRecurrenceRule, ICalendarValue, ICalendarWeekday,
};
use calcard::{Entry, Parser};
use chrono::{Datelike, NaiveDateTime, Timelike};

/// The zones an iCalendar file defines (its VTIMEZONEs that can be
/// read); none when the file cannot be scanned (the reader says why).
pub fn defined_zones(bytes: &[u8], limits: &crate::limits::ParseLimits) -> Vec<ZoneDefinition> {
    let text = crate::text::decode_content_lines(bytes).text;
    let Ok(outline) = super::scan::scan(&text, limits) else {
        return Vec::new();
    };
    outline
        .components
        .iter()
        .filter(|span| span.name == "VTIMEZONE")
        .filter_map(|span| read_vtimezone(span.text))
        .collect()
}

/// Reads the VTIMEZONE in `text` (the component alone, from
/// `BEGIN:VTIMEZONE` to `END:VTIMEZONE`, or inside a VCALENDAR).
/// `None` when it has no TZID or no observance with an offset.
pub fn read_vtimezone(text: &str) -> Option<ZoneDefinition> {
    let calendar = parse(text).or_else(|| {
        parse(&format!(
            "BEGIN:VCALENDAR\r\n{}\r\nEND:VCALENDAR\r\n",
            text.trim()
        ))
    })?;
    let zone = calendar
        .components
        .iter()
        .find(|c| c.component_type == ICalendarComponentType::VTimezone)?;
    let id = zone
        .property(&ICalendarProperty::Tzid)
        .and_then(|entry| entry.values.first())
        .and_then(ICalendarValue::as_text)
        .map(str::trim)
        .filter(|id| !id.is_empty())?
        .to_string();
    let observances: Vec<Observance> = zone
        .component_ids
        .iter()
        .filter_map(|id| calendar.components.get(*id as usize))
        .filter_map(observance)
        .collect();
    let latest = |daylight: bool| {
        observances
            .iter()
            .filter(|o| o.daylight == daylight)
            .max_by_key(|o| o.last_onset)
    };
    let (standard, daylight) = (latest(false), latest(true));
    let standard_offset = standard.or(daylight)?.offset_minutes;
    let daylight = match (standard, daylight) {
        (Some(standard), Some(daylight)) => {
            let listed_apart = (standard.last_onset - daylight.last_onset).num_days().abs();
            let inferred = |o: &Observance| (listed_apart < 366).then(|| change_on(o.last_onset));
            match (
                standard.yearly.or_else(|| inferred(standard)),
                daylight.yearly.or_else(|| inferred(daylight)),
            ) {
                (Some(ends), Some(starts)) => Some(DaylightSaving {
                    offset_minutes: daylight.offset_minutes,
                    starts,
                    ends,
                }),
                _ => None,
            }
        }
        _ => None,
    };
    Some(ZoneDefinition {
        id,
        standard_offset_minutes: standard_offset,
        daylight,
    })
}

fn parse(text: &str) -> Option<ICalendar> {
    match Parser::new(text).entry() {
        Entry::ICalendar(calendar)
            if calendar
                .components
                .iter()
                .any(|c| c.component_type == ICalendarComponentType::VTimezone) =>
        {
            Some(calendar)
        }
        _ => None,
    }
}

/// One STANDARD or DAYLIGHT block.
struct Observance {
    daylight: bool,
    /// Its DTSTART or its latest RDATE, whichever is later.
    last_onset: NaiveDateTime,
    offset_minutes: i32,
    /// Its yearly change, when it repeats every year without end.
    yearly: Option<YearlyChange>,
}

fn observance(component: &ICalendarComponent) -> Option<Observance> {
    let daylight = match component.component_type {
        ICalendarComponentType::Standard => false,
        ICalendarComponentType::Daylight => true,
        _ => return None,
    };
    let value = |property: &ICalendarProperty| match component
        .property(property)
        .and_then(|entry| entry.values.first())
    {
        Some(ICalendarValue::PartialDateTime(value)) => Some(value.as_ref().clone()),
        _ => None,
    };
    let offset = offset_minutes(&value(&ICalendarProperty::Tzoffsetto)?);
    if offset.abs() > 18 * 60 {
        return None;
    }
    let start = value(&ICalendarProperty::Dtstart).and_then(|dt| local_date_time(&dt))?;
    let last_onset = component
        .properties(&ICalendarProperty::Rdate)
        .flat_map(|entry| entry.values.iter())
        .filter_map(|value| match value {
            ICalendarValue::PartialDateTime(dt) => local_date_time(dt),
            _ => None,
        })
        .chain([start])
        .max()
        .unwrap_or(start);
    let rule = component
        .property(&ICalendarProperty::Rrule)
        .and_then(|entry| entry.values.first())
        .and_then(|value| match value {
            ICalendarValue::RecurrenceRule(rule) => Some(rule.as_ref()),
            _ => None,
        });
    Some(Observance {
        daylight,
        last_onset,
        offset_minutes: offset,
        yearly: rule.and_then(|rule| yearly_change(rule, start)),
    })
}

fn offset_minutes(offset: &PartialDateTime) -> i32 {
    let minutes =
        i32::from(offset.tz_hour.unwrap_or(0)) * 60 + i32::from(offset.tz_minute.unwrap_or(0));
    if offset.tz_minus { -minutes } else { minutes }
}

fn local_date_time(dt: &PartialDateTime) -> Option<NaiveDateTime> {
    let date = chrono::NaiveDate::from_ymd_opt(
        i32::from(dt.year?),
        u32::from(dt.month?),
        u32::from(dt.day?),
    )?;
    date.and_hms_opt(
        u32::from(dt.hour.unwrap_or(0)),
        u32::from(dt.minute.unwrap_or(0)),
        u32::from(dt.second.unwrap_or(0).min(59)),
    )
}

/// The yearly change an observance's RRULE describes: `BYMONTH` and
/// `BYDAY=-1SU` (or `BYDAY=SU` with `BYMONTHDAY=8,…,14`, as some
/// exporters write the second Sunday), at the time of its DTSTART. A rule
/// that ended (UNTIL) is history, not a yearly change.
fn yearly_change(rule: &ICalendarRecurrenceRule, start: NaiveDateTime) -> Option<YearlyChange> {
    if rule.until.is_some() {
        return None;
    }
    let month = rule
        .bymonth
        .first()
        .map_or(start.month() as u8, |m| m.month());
    let (week, weekday) = match rule.byday.first() {
        Some(day) => {
            let week = match day.ordwk {
                Some(n) if n < 0 => -1,
                Some(n) => n.clamp(1, 5) as i8,
                None => match rule.bymonthday.iter().min() {
                    Some(first) if *first < 0 || *first > 21 => -1,
                    Some(first) => (*first - 1) / 7 + 1,
                    None => week_of(start),
                },
            };
            (if week == 5 { -1 } else { week }, weekday(day.weekday))
        }
        None => (week_of(start), model_weekday(start.weekday())),
    };
    Some(YearlyChange {
        month,
        week,
        weekday,
        seconds_after_midnight: start.num_seconds_from_midnight(),
    })
}

/// The yearly change on the same weekday of the same week of the same
/// month, at the same time, as the change at `onset`.
fn change_on(onset: NaiveDateTime) -> YearlyChange {
    YearlyChange {
        month: onset.month() as u8,
        week: week_of(onset),
        weekday: model_weekday(onset.weekday()),
        seconds_after_midnight: onset.num_seconds_from_midnight(),
    }
}

/// Which week of its month a date is in (1–4, or -1 for the last).
fn week_of(date: NaiveDateTime) -> i8 {
    let days_in_month = match date.month() {
        12 => 31,
        m => chrono::NaiveDate::from_ymd_opt(date.year(), m + 1, 1)
            .and_then(|d| d.pred_opt())
            .map_or(28, |d| d.day()),
    };
    if date.day() + 7 > days_in_month {
        -1
    } else {
        ((date.day() - 1) / 7 + 1) as i8
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

fn model_weekday(day: chrono::Weekday) -> Weekday {
    match day {
        chrono::Weekday::Mon => Weekday::Monday,
        chrono::Weekday::Tue => Weekday::Tuesday,
        chrono::Weekday::Wed => Weekday::Wednesday,
        chrono::Weekday::Thu => Weekday::Thursday,
        chrono::Weekday::Fri => Weekday::Friday,
        chrono::Weekday::Sat => Weekday::Saturday,
        chrono::Weekday::Sun => Weekday::Sunday,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NEW_YORK: &str = "BEGIN:VTIMEZONE\r\nTZID:Custom Eastern\r\n\
BEGIN:DAYLIGHT\r\nDTSTART:19870405T020000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\n\
RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU;UNTIL=20060402T070000Z\r\nEND:DAYLIGHT\r\n\
BEGIN:DAYLIGHT\r\nDTSTART:20070311T020000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\n\
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\nEND:DAYLIGHT\r\n\
BEGIN:STANDARD\r\nDTSTART:20071104T020000\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\n\
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n";

    #[test]
    fn the_latest_rules_are_kept() {
        let zone = read_vtimezone(NEW_YORK).unwrap();
        assert_eq!(zone.id, "Custom Eastern");
        assert_eq!(zone.standard_offset_minutes, -300);
        let daylight = zone.daylight.unwrap();
        assert_eq!(daylight.offset_minutes, -240);
        assert_eq!(
            daylight.starts,
            YearlyChange {
                month: 3,
                week: 2,
                weekday: Weekday::Sunday,
                seconds_after_midnight: 7200
            }
        );
        assert_eq!((daylight.ends.month, daylight.ends.week), (11, 1));
    }

    #[test]
    fn fixed_offsets_and_monthday_rules_are_read() {
        let fixed = "BEGIN:VTIMEZONE\nTZID:India\nBEGIN:STANDARD\nDTSTART:19700101T000000\n\
TZOFFSETFROM:+0530\nTZOFFSETTO:+0530\nEND:STANDARD\nEND:VTIMEZONE\n";
        assert_eq!(
            read_vtimezone(fixed),
            Some(ZoneDefinition::fixed("India", 330))
        );
        let by_month_day = "BEGIN:VCALENDAR\nBEGIN:VTIMEZONE\nTZID:Old\nBEGIN:DAYLIGHT\n\
DTSTART:20070311T020000\nTZOFFSETTO:-0400\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=SU;BYMONTHDAY=8,9,10,11,12,13,14\n\
END:DAYLIGHT\nBEGIN:STANDARD\nDTSTART:20071104T020000\nTZOFFSETTO:-0500\n\
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=SU;BYMONTHDAY=1,2,3,4,5,6,7\nEND:STANDARD\nEND:VTIMEZONE\nEND:VCALENDAR\n";
        let zone = read_vtimezone(by_month_day).unwrap();
        let daylight = zone.daylight.unwrap();
        assert_eq!((daylight.starts.week, daylight.ends.week), (2, 1));
    }

    #[test]
    fn changes_listed_by_date_give_yearly_rules() {
        let listed = "BEGIN:VTIMEZONE\nTZID:Listed\nBEGIN:STANDARD\nDTSTART:20221106T020000\n\
TZOFFSETTO:-0800\nRDATE:20231105T020000\nEND:STANDARD\nBEGIN:DAYLIGHT\nDTSTART:20230312T020000\n\
TZOFFSETTO:-0700\nRDATE:20240310T020000\nEND:DAYLIGHT\nEND:VTIMEZONE\n";
        let daylight = read_vtimezone(listed).unwrap().daylight.unwrap();
        assert_eq!((daylight.starts.month, daylight.starts.week), (3, 2));
        assert_eq!((daylight.ends.month, daylight.ends.week), (11, 1));
        assert_eq!(daylight.starts.weekday, Weekday::Sunday);
        let long_ago = "BEGIN:VTIMEZONE\nTZID:Stopped\nBEGIN:DAYLIGHT\nDTSTART:20101010T000000\n\
TZOFFSETTO:-0200\nEND:DAYLIGHT\nBEGIN:STANDARD\nDTSTART:20190216T000000\nTZOFFSETTO:-0300\n\
END:STANDARD\nEND:VTIMEZONE\n";
        assert_eq!(
            read_vtimezone(long_ago),
            Some(ZoneDefinition::fixed("Stopped", -180))
        );
        let nonsense = "BEGIN:VTIMEZONE\nTZID:Prague\nBEGIN:STANDARD\nDTSTART:18500101T000000\n\
TZOFFSETTO:+5744\nEND:STANDARD\nEND:VTIMEZONE\n";
        assert_eq!(read_vtimezone(nonsense), None);
    }

    #[test]
    fn what_is_not_a_zone_gives_nothing() {
        assert_eq!(read_vtimezone(""), None);
        assert_eq!(read_vtimezone("BEGIN:VEVENT\nUID:1\nEND:VEVENT\n"), None);
        assert_eq!(
            read_vtimezone("BEGIN:VTIMEZONE\nTZID:Empty\nEND:VTIMEZONE\n"),
            None
        );
    }
}
