//! A time zone defined in a file (VTIMEZONE): its standard offset and,
//! when it has daylight saving time, the daylight offset and the yearly
//! rules of the two changes, for targets that need them spelled out
//! (Exchange's `TimeZoneDefinition`, Graph's custom zones).
//!
//! Offsets are minutes east of UTC (`+01:00` is 60). A change happens on
//! the n-th (or last) weekday of a month at a local time read on the
//! clock before the change, as in iCalendar's and Windows' rules.

use super::Weekday;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// A zone a file defines itself.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ZoneDefinition {
    /// The TZID, as the file's times name it.
    pub id: String,
    /// Offset from UTC in standard time, in minutes east.
    pub standard_offset_minutes: i32,
    /// Daylight saving time; none for a fixed offset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub daylight: Option<DaylightSaving>,
}

/// Daylight saving time: its offset and when it starts and ends each year.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DaylightSaving {
    /// Offset from UTC in daylight time, in minutes east.
    pub offset_minutes: i32,
    /// The change from standard to daylight time.
    pub starts: YearlyChange,
    /// The change from daylight back to standard time.
    pub ends: YearlyChange,
}

/// A change of offset that happens every year on the same rule, like
/// iCalendar's `RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct YearlyChange {
    /// 1–12.
    pub month: u8,
    /// 1–4 for the first to fourth such weekday of the month, -1 for the last.
    pub week: i8,
    pub weekday: Weekday,
    /// Local time of the change on the clock before it, in seconds after
    /// midnight.
    pub seconds_after_midnight: u32,
}

impl YearlyChange {
    /// The local date and time of the change in `year`.
    pub fn in_year(&self, year: i32) -> Option<NaiveDateTime> {
        let weekday = chrono_weekday(self.weekday);
        let date = if self.week < 0 {
            let next_month = if self.month == 12 {
                NaiveDate::from_ymd_opt(year + 1, 1, 1)?
            } else {
                NaiveDate::from_ymd_opt(year, u32::from(self.month) + 1, 1)?
            };
            let last = next_month.pred_opt()?;
            let back =
                (7 + last.weekday().num_days_from_monday() - weekday.num_days_from_monday()) % 7;
            last - Duration::days(i64::from(back))
        } else {
            let first = NaiveDate::from_ymd_opt(year, u32::from(self.month), 1)?;
            let ahead =
                (7 + weekday.num_days_from_monday() - first.weekday().num_days_from_monday()) % 7;
            let day =
                first + Duration::days(i64::from(ahead) + 7 * i64::from(self.week.max(1) - 1));
            // A fifth week that does not exist means the last one.
            if day.month() == u32::from(self.month) {
                day
            } else {
                day - Duration::days(7)
            }
        };
        Some(date.and_hms_opt(0, 0, 0)? + Duration::seconds(i64::from(self.seconds_after_midnight)))
    }
}

impl ZoneDefinition {
    /// A zone with one offset all year.
    pub fn fixed(id: impl Into<String>, offset_minutes: i32) -> Self {
        Self {
            id: id.into(),
            standard_offset_minutes: offset_minutes,
            daylight: None,
        }
    }

    /// The offset (minutes east of UTC) in force at local time `local`.
    /// A local time in the hour skipped or repeated by a change is read
    /// with the offset before the change.
    pub fn offset_at_local(&self, local: NaiveDateTime) -> i32 {
        let Some(daylight) = &self.daylight else {
            return self.standard_offset_minutes;
        };
        let year = local.year();
        let (Some(starts), Some(ends)) =
            (daylight.starts.in_year(year), daylight.ends.in_year(year))
        else {
            return self.standard_offset_minutes;
        };
        let in_daylight = if starts <= ends {
            local >= starts && local < ends
        } else {
            // Southern hemisphere: daylight time spans the new year.
            local >= starts || local < ends
        };
        if in_daylight {
            daylight.offset_minutes
        } else {
            self.standard_offset_minutes
        }
    }

    /// The offset (minutes east of UTC) in force at the UTC time `utc`.
    pub fn offset_at_utc(&self, utc: NaiveDateTime) -> i32 {
        let standard = self.standard_offset_minutes;
        let Some(daylight) = &self.daylight else {
            return standard;
        };
        // Read the UTC time on the standard clock: the change rules are
        // local times, and the answer is exact away from the changes.
        let on_standard_clock = utc + Duration::minutes(i64::from(standard));
        let on_daylight_clock = utc + Duration::minutes(i64::from(daylight.offset_minutes));
        if self.offset_at_local(on_daylight_clock) == daylight.offset_minutes
            && self.offset_at_local(on_standard_clock) == daylight.offset_minutes
        {
            daylight.offset_minutes
        } else {
            standard
        }
    }
}

/// The chrono weekday of a model weekday.
fn chrono_weekday(day: Weekday) -> chrono::Weekday {
    match day {
        Weekday::Monday => chrono::Weekday::Mon,
        Weekday::Tuesday => chrono::Weekday::Tue,
        Weekday::Wednesday => chrono::Weekday::Wed,
        Weekday::Thursday => chrono::Weekday::Thu,
        Weekday::Friday => chrono::Weekday::Fri,
        Weekday::Saturday => chrono::Weekday::Sat,
        Weekday::Sunday => chrono::Weekday::Sun,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn berlin() -> ZoneDefinition {
        ZoneDefinition {
            id: "Berlin".into(),
            standard_offset_minutes: 60,
            daylight: Some(DaylightSaving {
                offset_minutes: 120,
                starts: YearlyChange {
                    month: 3,
                    week: -1,
                    weekday: Weekday::Sunday,
                    seconds_after_midnight: 2 * 3600,
                },
                ends: YearlyChange {
                    month: 10,
                    week: -1,
                    weekday: Weekday::Sunday,
                    seconds_after_midnight: 3 * 3600,
                },
            }),
        }
    }

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").unwrap()
    }

    #[test]
    fn changes_fall_on_their_weekday() {
        let zone = berlin();
        let daylight = zone.daylight.as_ref().unwrap();
        assert_eq!(daylight.starts.in_year(2024), Some(at("2024-03-31T02:00")));
        assert_eq!(daylight.ends.in_year(2024), Some(at("2024-10-27T03:00")));
        let second_sunday = YearlyChange {
            week: 2,
            ..daylight.starts
        };
        assert_eq!(second_sunday.in_year(2024), Some(at("2024-03-10T02:00")));
        let fifth = YearlyChange {
            week: 5,
            ..daylight.starts
        };
        assert_eq!(fifth.in_year(2025), Some(at("2025-03-30T02:00")));
    }

    #[test]
    fn offsets_follow_the_season() {
        let zone = berlin();
        assert_eq!(zone.offset_at_local(at("2024-01-10T12:00")), 60);
        assert_eq!(zone.offset_at_local(at("2024-07-10T12:00")), 120);
        assert_eq!(zone.offset_at_utc(at("2024-07-10T12:00")), 120);
        assert_eq!(zone.offset_at_utc(at("2024-03-31T00:59")), 60);
        assert_eq!(zone.offset_at_utc(at("2024-03-31T01:00")), 120);
        assert_eq!(
            ZoneDefinition::fixed("X", -300).offset_at_utc(at("2024-07-10T12:00")),
            -300
        );
    }
}
