//! Dates and date-times as iCalendar values: `VALUE=DATE` for dates, a
//! trailing `Z` for UTC, `TZID=` for a named zone (IANA or Windows, written
//! as it is: see [`super::icalendar`]), nothing for floating times.

use super::WriteError;
use super::text::{ContentLine, Property};
use crate::model::DateValue;
use chrono::{Datelike, NaiveDate, NaiveDateTime};

/// `name` with `value` and the parameters it needs.
pub(super) fn date_line(
    name: &str,
    value: &DateValue,
    line: usize,
) -> Result<ContentLine, WriteError> {
    let property = Property::new(name);
    if value.is_date() {
        return Ok(property
            .param("VALUE", "DATE")
            .raw(&basic_date(value, line)?));
    }
    let local = basic_date_time(value, line)?;
    Ok(match value.zone.as_deref() {
        None => property.raw(&local),
        Some(zone) if is_utc(zone) => property.raw(&format!("{local}Z")),
        Some(zone) => property.param("TZID", zone).raw(&local),
    })
}

/// A value inside another (RRULE's UNTIL): a date, a UTC date-time with
/// `Z`, or a local one (a zone name cannot be said there).
pub(super) fn inline_value(value: &DateValue, line: usize) -> Result<String, WriteError> {
    if value.is_date() {
        return basic_date(value, line);
    }
    let local = basic_date_time(value, line)?;
    Ok(match value.zone.as_deref() {
        Some(zone) if is_utc(zone) => format!("{local}Z"),
        _ => local,
    })
}

/// `UTC` (or `Z`): written with a trailing `Z`, not as a TZID.
pub(super) fn is_utc(zone: &str) -> bool {
    zone.eq_ignore_ascii_case("UTC") || zone.eq_ignore_ascii_case("Z")
}

/// `YYYY-MM-DD` → `YYYYMMDD`.
fn basic_date(value: &DateValue, line: usize) -> Result<String, WriteError> {
    NaiveDate::parse_from_str(&value.local, "%Y-%m-%d")
        .ok()
        .filter(|date| (0..=9999).contains(&date.year()))
        .map(|date| date.format("%Y%m%d").to_string())
        .ok_or_else(|| bad_date(value, line))
}

/// `YYYY-MM-DDTHH:MM:SS` → `YYYYMMDDTHHMMSS`.
fn basic_date_time(value: &DateValue, line: usize) -> Result<String, WriteError> {
    NaiveDateTime::parse_from_str(&value.local, "%Y-%m-%dT%H:%M:%S")
        .ok()
        .filter(|at| (0..=9999).contains(&at.year()))
        .map(|at| at.format("%Y%m%dT%H%M%S").to_string())
        .ok_or_else(|| bad_date(value, line))
}

fn bad_date(value: &DateValue, line: usize) -> WriteError {
    WriteError::BadDate {
        line,
        value: value.local.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert::caldav::text::ObjectText;

    fn written(name: &str, local: &str, zone: Option<&str>) -> String {
        let mut text = ObjectText::default();
        text.push(date_line(name, &DateValue::new(local, zone), 7).unwrap());
        text.into_string()
    }

    #[test]
    fn every_kind_of_date_is_written() {
        assert_eq!(
            written("DTSTART", "2024-03-01", None),
            "DTSTART;VALUE=DATE:20240301\r\n"
        );
        assert_eq!(
            written("DTSTART", "2024-03-01T09:30:00", Some("UTC")),
            "DTSTART:20240301T093000Z\r\n"
        );
        assert_eq!(
            written("DTEND", "2024-03-01T09:30:00", None),
            "DTEND:20240301T093000\r\n"
        );
        assert_eq!(
            written(
                "DUE",
                "2024-03-01T09:30:05",
                Some("W. Europe Standard Time")
            ),
            "DUE;TZID=\"W. Europe Standard Time\":20240301T093005\r\n"
        );
    }

    #[test]
    fn until_is_a_date_or_a_utc_or_local_time() {
        let until = |local: &str, zone: Option<&str>| {
            inline_value(&DateValue::new(local, zone), 1).unwrap()
        };
        assert_eq!(until("2024-12-31", None), "20241231");
        assert_eq!(
            until("2024-12-31T23:00:00", Some("UTC")),
            "20241231T230000Z"
        );
        assert_eq!(until("2024-12-31T23:00:00", None), "20241231T230000");
    }

    #[test]
    fn malformed_dates_are_refused() {
        for local in ["2024-02-30", "yesterday", "2024-03-01T25:00:00", "20240301"] {
            assert_eq!(
                date_line("DTSTART", &DateValue::new(local, None), 7).map(|_| ()),
                Err(WriteError::BadDate {
                    line: 7,
                    value: local.to_string()
                })
            );
        }
    }
}
