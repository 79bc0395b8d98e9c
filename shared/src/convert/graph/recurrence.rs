//! Exchange recurrence patterns ([`ExchangeRecurrence`]) as Graph's
//! `patternedRecurrence`: the pattern's type and its properties, and the
//! range (`endDate`, `noEnd` or `numbered`) in the series' zone.
//!
//! A series in a zone the file defines is sent in UTC (Graph knows no
//! such zone, see [`super::event`]): its dates then count on the UTC
//! calendar, which may be a day off the local one; weekdays and days of
//! the month are moved along, and a pattern that cannot be moved
//! exactly is named as a loss.

use super::resources::{
    DayOfWeek, PatternType, PatternedRecurrence, RangeType, RecurrencePattern, RecurrenceRange,
    WeekIndex,
};
use crate::convert::exchange::{self, ExchangeRecurrence, Loss, Pattern, RecurrenceEnd};
use crate::model::Weekday;
use chrono::{Duration, NaiveDate};

const WEEK: [DayOfWeek; 7] = [
    DayOfWeek::Monday,
    DayOfWeek::Tuesday,
    DayOfWeek::Wednesday,
    DayOfWeek::Thursday,
    DayOfWeek::Friday,
    DayOfWeek::Saturday,
    DayOfWeek::Sunday,
];

/// `day` moved `shift` days along the week.
fn day_of_week(day: Weekday, shift: i64) -> DayOfWeek {
    let index = (day as i64 + shift).rem_euclid(7);
    WEEK[usize::try_from(index).unwrap_or(0)]
}

fn week_index(index: exchange::WeekIndex) -> WeekIndex {
    match index {
        exchange::WeekIndex::First => WeekIndex::First,
        exchange::WeekIndex::Second => WeekIndex::Second,
        exchange::WeekIndex::Third => WeekIndex::Third,
        exchange::WeekIndex::Fourth => WeekIndex::Fourth,
        exchange::WeekIndex::Last => WeekIndex::Last,
    }
}

/// Graph's days for Exchange's kind of day: a weekday, any day, a work
/// day (Monday to Friday) or a weekend day.
fn days_of_kind(days: exchange::DayOfWeek) -> Vec<DayOfWeek> {
    match days {
        exchange::DayOfWeek::One(day) => vec![day_of_week(day, 0)],
        exchange::DayOfWeek::AnyDay => WEEK.to_vec(),
        exchange::DayOfWeek::WorkDay => WEEK[..5].to_vec(),
        exchange::DayOfWeek::WeekendDay => WEEK[5..].to_vec(),
    }
}

fn pattern(kind: PatternType, interval: u32) -> RecurrencePattern {
    RecurrencePattern {
        kind,
        interval,
        month: None,
        day_of_month: None,
        days_of_week: Vec::new(),
        first_day_of_week: None,
        index: None,
    }
}

/// A day of the month moved `shift` days, when every month has both
/// days (1–28), so that the move is exact.
fn moved_day_of_month(day: u8, shift: i64) -> Option<u8> {
    let moved = u8::try_from(i64::from(day) + shift).ok()?;
    ((1..=28).contains(&day) && (1..=28).contains(&moved)).then_some(moved)
}

/// Whether the pattern can be moved `shift` days exactly.
fn can_move(value: &Pattern, shift: i64) -> bool {
    match value {
        Pattern::Daily { .. } | Pattern::Weekly { .. } => true,
        Pattern::AbsoluteMonthly { day_of_month, .. }
        | Pattern::AbsoluteYearly { day_of_month, .. } => {
            shift == 0 || moved_day_of_month(*day_of_month, shift).is_some()
        }
        Pattern::RelativeMonthly { .. } | Pattern::RelativeYearly { .. } => shift == 0,
    }
}

/// The pattern, with its days moved `shift` days where that is exact
/// (see [`can_move`]).
fn recurrence_pattern(value: &Pattern, shift: i64) -> RecurrencePattern {
    let moved = |day: u8| Some(moved_day_of_month(day, shift).unwrap_or(day));
    match value {
        Pattern::Daily { interval } => pattern(PatternType::Daily, *interval),
        Pattern::Weekly {
            interval,
            days,
            first_day_of_week,
        } => {
            let mut days: Vec<DayOfWeek> = days.iter().map(|d| day_of_week(*d, shift)).collect();
            days.sort_unstable();
            RecurrencePattern {
                days_of_week: days,
                // The week moves too, so every day stays in its week.
                first_day_of_week: Some(day_of_week(*first_day_of_week, shift)),
                ..pattern(PatternType::Weekly, *interval)
            }
        }
        Pattern::AbsoluteMonthly {
            interval,
            day_of_month,
        } => RecurrencePattern {
            day_of_month: moved(*day_of_month),
            ..pattern(PatternType::AbsoluteMonthly, *interval)
        },
        Pattern::RelativeMonthly {
            interval,
            days,
            index,
        } => RecurrencePattern {
            days_of_week: days_of_kind(*days),
            index: Some(week_index(*index)),
            ..pattern(PatternType::RelativeMonthly, *interval)
        },
        Pattern::AbsoluteYearly {
            month,
            day_of_month,
        } => RecurrencePattern {
            month: Some(*month),
            day_of_month: moved(*day_of_month),
            ..pattern(PatternType::AbsoluteYearly, 1)
        },
        Pattern::RelativeYearly { month, days, index } => RecurrencePattern {
            month: Some(*month),
            days_of_week: days_of_kind(*days),
            index: Some(week_index(*index)),
            ..pattern(PatternType::RelativeYearly, 1)
        },
    }
}

fn date_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// The series `recurrence` of an event whose first start is sent on the
/// date `sent_start` in `zone_name` while it is on `local_start` in its
/// own zone.
pub(super) fn patterned_recurrence(
    recurrence: &ExchangeRecurrence,
    local_start: NaiveDate,
    sent_start: NaiveDate,
    zone_name: &str,
    losses: &mut Vec<Loss>,
) -> PatternedRecurrence {
    let shift = (sent_start - local_start).num_days();
    if !can_move(&recurrence.pattern, shift) {
        losses.push(Loss::new(
            "recurrence",
            "The series is sent in UTC, where it starts on another day than in its own zone; its days of the month are counted on the UTC calendar and may fall a day off",
        ));
    }
    let start_date = recurrence.start_date + Duration::days(shift);
    let (kind, end_date, number_of_occurrences) = match recurrence.end {
        RecurrenceEnd::Never => (RangeType::NoEnd, None, None),
        RecurrenceEnd::OnDate(end) => (
            RangeType::EndDate,
            Some(date_text(end + Duration::days(shift))),
            None,
        ),
        RecurrenceEnd::AfterOccurrences(count) => (RangeType::Numbered, None, Some(count)),
    };
    PatternedRecurrence {
        pattern: recurrence_pattern(&recurrence.pattern, shift),
        range: RecurrenceRange {
            kind,
            start_date: date_text(start_date),
            end_date,
            number_of_occurrences,
            recurrence_time_zone: zone_name.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn weekly_days_move_with_the_utc_date() {
        let recurrence = ExchangeRecurrence {
            pattern: Pattern::Weekly {
                interval: 1,
                days: vec![Weekday::Monday, Weekday::Sunday],
                first_day_of_week: Weekday::Monday,
            },
            start_date: date("2024-03-04"),
            end: RecurrenceEnd::OnDate(date("2024-04-01")),
        };
        let mut losses = Vec::new();
        let sent = patterned_recurrence(
            &recurrence,
            date("2024-03-04"),
            date("2024-03-03"),
            "UTC",
            &mut losses,
        );
        assert_eq!(
            sent.pattern.days_of_week,
            [DayOfWeek::Sunday, DayOfWeek::Saturday]
        );
        assert_eq!(sent.range.start_date, "2024-03-03");
        assert_eq!(sent.range.end_date.as_deref(), Some("2024-03-31"));
        assert!(losses.is_empty(), "{losses:?}");
    }

    #[test]
    fn relative_patterns_name_their_days() {
        let recurrence = ExchangeRecurrence {
            pattern: Pattern::RelativeMonthly {
                interval: 1,
                days: exchange::DayOfWeek::WorkDay,
                index: exchange::WeekIndex::Last,
            },
            start_date: date("2024-01-31"),
            end: RecurrenceEnd::AfterOccurrences(3),
        };
        let mut losses = Vec::new();
        let sent = patterned_recurrence(
            &recurrence,
            date("2024-01-31"),
            date("2024-02-01"),
            "UTC",
            &mut losses,
        );
        assert_eq!(sent.pattern.kind, PatternType::RelativeMonthly);
        assert_eq!(sent.pattern.days_of_week.len(), 5);
        assert_eq!(sent.pattern.index, Some(WeekIndex::Last));
        assert_eq!(sent.range.number_of_occurrences, Some(3));
        assert_eq!(losses.len(), 1, "{losses:?}");
    }
}
