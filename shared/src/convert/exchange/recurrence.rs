//! Exchange's recurrence patterns (shared by EWS and Graph) and which
//! repeat rules map onto one. A rule that does not map is expanded into
//! single items by the caller ([`super::series`]); the reason says why,
//! in plain words.
//!
//! Exchange has six patterns: daily, weekly (on chosen weekdays),
//! monthly on a day, monthly on the n-th (1st–4th or last) weekday, day,
//! work day or weekend day, and the two yearly ones in one month. It puts
//! a monthly 29th–31st on the last day of shorter months, where iCalendar
//! skips those months: such rules map with an approximation, named.

use crate::model::{Frequency, RecurrenceRule, Weekday, WeekdayNum};
use chrono::{Datelike, NaiveDate};

/// A recurring series as Exchange holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExchangeRecurrence {
    pub pattern: Pattern,
    /// The date of the first occurrence.
    pub start_date: NaiveDate,
    pub end: RecurrenceEnd,
}

/// How a series ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecurrenceEnd {
    Never,
    /// The last date an occurrence may start on (local date).
    OnDate(NaiveDate),
    AfterOccurrences(u32),
}

/// Exchange's recurrence patterns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pattern {
    /// Every `interval` days.
    Daily { interval: u32 },
    /// Every `interval` weeks on `days`; weeks start on `first_day_of_week`.
    Weekly {
        interval: u32,
        days: Vec<Weekday>,
        first_day_of_week: Weekday,
    },
    /// Every `interval` months on a day of the month.
    AbsoluteMonthly { interval: u32, day_of_month: u8 },
    /// Every `interval` months on the n-th day of a kind.
    RelativeMonthly {
        interval: u32,
        days: DayOfWeek,
        index: WeekIndex,
    },
    /// Every year on a date.
    AbsoluteYearly { month: u8, day_of_month: u8 },
    /// Every year on the n-th day of a kind of a month.
    RelativeYearly {
        month: u8,
        days: DayOfWeek,
        index: WeekIndex,
    },
}

/// The kind of day a relative pattern counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayOfWeek {
    One(Weekday),
    /// Any day (`Day`): with [`WeekIndex::Last`], the last day of the month.
    AnyDay,
    /// Monday to Friday (`Weekday`).
    WorkDay,
    /// Saturday or Sunday (`WeekendDay`).
    WeekendDay,
}

/// Which one of the month's days of a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeekIndex {
    First,
    Second,
    Third,
    Fourth,
    Last,
}

/// A rule mapped to a pattern, and what is approximated, if anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternMatch {
    pub pattern: Pattern,
    pub approximation: Option<String>,
}

const WORK_DAYS: [Weekday; 5] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
];

/// The Exchange pattern of `rule` for a series starting on `start`, or
/// why there is none ("Exchange cannot repeat an item …").
pub fn pattern_of(rule: &RecurrenceRule, start: NaiveDate) -> Result<PatternMatch, String> {
    if matches!(
        rule.frequency,
        Frequency::Secondly | Frequency::Minutely | Frequency::Hourly
    ) {
        return Err("several times a day".into());
    }
    if rule.by_time {
        return Err("at chosen hours or minutes (BYHOUR/BYMINUTE)".into());
    }
    if !rule.by_year_day.is_empty() {
        return Err("by day of the year (BYYEARDAY)".into());
    }
    if !rule.by_week_no.is_empty() {
        return Err("by week number (BYWEEKNO)".into());
    }
    if rule.by_set_pos.len() > 1 {
        return Err("on several positions in a month (BYSETPOS with more than one value)".into());
    }
    if rule.by_month_day.len() > 1 {
        return Err("on several days of the month".into());
    }
    if rule.by_month.len() > 1 {
        return Err("in several chosen months".into());
    }
    let interval = rule.interval.max(1);
    let exact = |pattern| {
        Ok(PatternMatch {
            pattern,
            approximation: None,
        })
    };
    match rule.frequency {
        Frequency::Daily => {
            if !rule.by_month.is_empty()
                || !rule.by_month_day.is_empty()
                || !rule.by_set_pos.is_empty()
            {
                return Err("daily within chosen months or days".into());
            }
            if rule.by_day.is_empty() {
                return exact(Pattern::Daily { interval });
            }
            if interval > 1 {
                return Err("every few days on chosen weekdays".into());
            }
            // Daily on chosen weekdays is weekly on them.
            exact(weekly(rule, 1, start)?)
        }
        Frequency::Weekly => {
            if !rule.by_month.is_empty()
                || !rule.by_month_day.is_empty()
                || !rule.by_set_pos.is_empty()
            {
                return Err("weekly with month-based limits".into());
            }
            exact(weekly(rule, interval, start)?)
        }
        Frequency::Monthly => {
            if !rule.by_month.is_empty() {
                return Err("monthly in chosen months only".into());
            }
            let on_day = in_month(rule, start)?;
            Ok(PatternMatch {
                approximation: on_day.approximation,
                pattern: match on_day.day {
                    MonthDay::Absolute(day_of_month) => Pattern::AbsoluteMonthly {
                        interval,
                        day_of_month,
                    },
                    MonthDay::Relative(days, index) => Pattern::RelativeMonthly {
                        interval,
                        days,
                        index,
                    },
                    MonthDay::EveryWeek => {
                        if interval > 1 {
                            return Err("on weekdays of every few months".into());
                        }
                        weekly(rule, 1, start)?
                    }
                },
            })
        }
        Frequency::Yearly => {
            if interval > 1 {
                return Err(format!("every {interval} years"));
            }
            let month = rule
                .by_month
                .first()
                .copied()
                .unwrap_or(start.month() as u8);
            // Without BYMONTH, a yearly rule's days are counted in the
            // whole year: BYMONTHDAY=15 is the 15th of every month.
            if rule.by_month.is_empty() && rule.by_day.iter().any(|d| d.ordinal.is_some()) {
                return Err("on the n-th weekday of the year".into());
            }
            if rule.by_month.is_empty() && !rule.by_month_day.is_empty() {
                return Err("yearly on a day of every month".into());
            }
            if rule.by_month.is_empty() && !rule.by_day.is_empty() {
                return Err("yearly on weekdays counted in the whole year".into());
            }
            let on_day = in_month(rule, start)?;
            let mut approximation = on_day.approximation;
            let pattern = match on_day.day {
                MonthDay::Absolute(day_of_month) => {
                    if month == 2 && day_of_month == 29 {
                        approximation = Some(
                            "Exchange puts a yearly 29 February on 28 February in other years; the source has it in leap years only"
                                .into(),
                        );
                    } else if u32::from(day_of_month) > days_in_month(month) {
                        return Err("on a day its month does not have".into());
                    }
                    Pattern::AbsoluteYearly {
                        month,
                        day_of_month,
                    }
                }
                MonthDay::Relative(days, index) => Pattern::RelativeYearly { month, days, index },
                MonthDay::EveryWeek => return Err("on every chosen weekday of a month".into()),
            };
            Ok(PatternMatch {
                pattern,
                approximation,
            })
        }
        Frequency::Secondly | Frequency::Minutely | Frequency::Hourly => {
            Err("several times a day".into())
        }
    }
}

/// Days in `month` in a leap year (the most a rule can ask for).
fn days_in_month(month: u8) -> u32 {
    match month {
        2 => 29,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn weekly(rule: &RecurrenceRule, interval: u32, start: NaiveDate) -> Result<Pattern, String> {
    if rule.by_day.iter().any(|d| d.ordinal.is_some()) {
        return Err("weekly on the n-th weekday".into());
    }
    let mut days: Vec<Weekday> = rule.by_day.iter().map(|d| d.weekday).collect();
    if days.is_empty() {
        days.push(weekday_of(start));
    }
    days.sort_unstable();
    days.dedup();
    Ok(Pattern::Weekly {
        interval,
        days,
        first_day_of_week: rule.week_start.unwrap_or(Weekday::Monday),
    })
}

enum MonthDay {
    Absolute(u8),
    Relative(DayOfWeek, WeekIndex),
    /// BYDAY without position: every such weekday of the month.
    EveryWeek,
}

struct OnDay {
    day: MonthDay,
    approximation: Option<String>,
}

/// Which day of the month a MONTHLY or YEARLY rule picks.
fn in_month(rule: &RecurrenceRule, start: NaiveDate) -> Result<OnDay, String> {
    let plain = |day| {
        Ok(OnDay {
            day,
            approximation: None,
        })
    };
    if let Some(&day) = rule.by_month_day.first() {
        if !rule.by_day.is_empty() {
            return Err("on weekdays that also fall on chosen dates".into());
        }
        if !rule.by_set_pos.is_empty() && !matches!(rule.by_set_pos[..], [1] | [-1]) {
            return Err("on a position among one day (BYSETPOS)".into());
        }
        return match day {
            -1 => plain(MonthDay::Relative(DayOfWeek::AnyDay, WeekIndex::Last)),
            1..=31 => absolute(day as u8),
            _ => Err("counting days from the end of the month other than the last day".into()),
        };
    }
    if rule.by_day.is_empty() {
        if !rule.by_set_pos.is_empty() {
            return Err("on a position (BYSETPOS) without days".into());
        }
        return absolute(start.day() as u8);
    }
    let ordinals: Vec<Option<i16>> = rule.by_day.iter().map(|d| d.ordinal).collect();
    let position = match (
        ordinals.iter().all(Option::is_none),
        rule.by_set_pos.first(),
    ) {
        (true, Some(&position)) => position,
        (true, None) => return plain(MonthDay::EveryWeek),
        (false, Some(_)) => return Err("on positioned weekdays picked again by BYSETPOS".into()),
        (false, None) => {
            if rule.by_day.len() > 1 {
                return Err(
                    "on several positioned weekdays (e.g. the 1st Monday and the 3rd Wednesday)"
                        .into(),
                );
            }
            i32::from(ordinals.first().copied().flatten().unwrap_or(1))
        }
    };
    let index = match position {
        1 => WeekIndex::First,
        2 => WeekIndex::Second,
        3 => WeekIndex::Third,
        4 => WeekIndex::Fourth,
        -1 => WeekIndex::Last,
        n => {
            return Err(format!(
                "on the {n}th day of its kind in the month (Exchange knows 1st–4th and last)"
            ));
        }
    };
    plain(MonthDay::Relative(day_kind(&rule.by_day)?, index))
}

fn absolute(day: u8) -> Result<OnDay, String> {
    Ok(OnDay {
        day: MonthDay::Absolute(day),
        approximation: (day > 28).then(|| {
            format!(
                "Exchange puts an occurrence on the {day}{} on the last day of shorter months; the source skips those months",
                if day == 31 { "st" } else { "th" }
            )
        }),
    })
}

/// The kind of day a set of weekdays is, for a positioned pattern.
fn day_kind(days: &[WeekdayNum]) -> Result<DayOfWeek, String> {
    let mut weekdays: Vec<Weekday> = days.iter().map(|d| d.weekday).collect();
    weekdays.sort_unstable();
    weekdays.dedup();
    match weekdays.as_slice() {
        [one] => Ok(DayOfWeek::One(*one)),
        [Weekday::Saturday, Weekday::Sunday] => Ok(DayOfWeek::WeekendDay),
        all if all.len() == 7 => Ok(DayOfWeek::AnyDay),
        work if work == WORK_DAYS => Ok(DayOfWeek::WorkDay),
        _ => Err("on the n-th of a set of weekdays Exchange has no name for".into()),
    }
}

/// The model weekday of a date.
pub fn weekday_of(date: NaiveDate) -> Weekday {
    match date.weekday() {
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

    fn rule(frequency: Frequency) -> RecurrenceRule {
        RecurrenceRule {
            frequency,
            ..RecurrenceRule::default()
        }
    }

    fn day(ordinal: Option<i16>, weekday: Weekday) -> WeekdayNum {
        WeekdayNum { ordinal, weekday }
    }

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn pattern(rule: &RecurrenceRule, start: &str) -> Pattern {
        let found = pattern_of(rule, date(start)).unwrap();
        assert_eq!(found.approximation, None, "{rule:?}");
        found.pattern
    }

    #[test]
    fn every_pattern() {
        let wed = "2024-01-03";
        assert_eq!(
            pattern(
                &RecurrenceRule {
                    interval: 3,
                    ..rule(Frequency::Daily)
                },
                wed
            ),
            Pattern::Daily { interval: 3 }
        );
        assert_eq!(
            pattern(&rule(Frequency::Weekly), wed),
            Pattern::Weekly {
                interval: 1,
                days: vec![Weekday::Wednesday],
                first_day_of_week: Weekday::Monday
            }
        );
        let work_days = RecurrenceRule {
            by_day: WORK_DAYS.iter().map(|w| day(None, *w)).collect(),
            ..rule(Frequency::Daily)
        };
        assert_eq!(
            pattern(&work_days, wed),
            Pattern::Weekly {
                interval: 1,
                days: WORK_DAYS.to_vec(),
                first_day_of_week: Weekday::Monday
            }
        );
        let biweekly_sunday_start = RecurrenceRule {
            interval: 2,
            by_day: vec![day(None, Weekday::Tuesday), day(None, Weekday::Monday)],
            week_start: Some(Weekday::Sunday),
            ..rule(Frequency::Weekly)
        };
        assert_eq!(
            pattern(&biweekly_sunday_start, wed),
            Pattern::Weekly {
                interval: 2,
                days: vec![Weekday::Monday, Weekday::Tuesday],
                first_day_of_week: Weekday::Sunday
            }
        );
        assert_eq!(
            pattern(
                &RecurrenceRule {
                    interval: 2,
                    ..rule(Frequency::Monthly)
                },
                wed
            ),
            Pattern::AbsoluteMonthly {
                interval: 2,
                day_of_month: 3
            }
        );
        let second_tuesday = RecurrenceRule {
            by_day: vec![day(Some(2), Weekday::Tuesday)],
            ..rule(Frequency::Monthly)
        };
        assert_eq!(
            pattern(&second_tuesday, "2024-01-09"),
            Pattern::RelativeMonthly {
                interval: 1,
                days: DayOfWeek::One(Weekday::Tuesday),
                index: WeekIndex::Second
            }
        );
        assert_eq!(
            pattern(&rule(Frequency::Yearly), "2024-07-04"),
            Pattern::AbsoluteYearly {
                month: 7,
                day_of_month: 4
            }
        );
        let last_sunday_of_march = RecurrenceRule {
            by_month: vec![3],
            by_day: vec![day(Some(-1), Weekday::Sunday)],
            ..rule(Frequency::Yearly)
        };
        assert_eq!(
            pattern(&last_sunday_of_march, "2024-03-31"),
            Pattern::RelativeYearly {
                month: 3,
                days: DayOfWeek::One(Weekday::Sunday),
                index: WeekIndex::Last
            }
        );
    }

    #[test]
    fn set_positions_and_the_last_day() {
        let last_work_day = RecurrenceRule {
            by_day: WORK_DAYS.iter().map(|w| day(None, *w)).collect(),
            by_set_pos: vec![-1],
            ..rule(Frequency::Monthly)
        };
        assert_eq!(
            pattern(&last_work_day, "2024-01-31"),
            Pattern::RelativeMonthly {
                interval: 1,
                days: DayOfWeek::WorkDay,
                index: WeekIndex::Last
            }
        );
        let first_weekend_day = RecurrenceRule {
            by_day: vec![day(None, Weekday::Sunday), day(None, Weekday::Saturday)],
            by_set_pos: vec![1],
            by_month: vec![6],
            ..rule(Frequency::Yearly)
        };
        assert_eq!(
            pattern(&first_weekend_day, "2024-06-01"),
            Pattern::RelativeYearly {
                month: 6,
                days: DayOfWeek::WeekendDay,
                index: WeekIndex::First
            }
        );
        let last_day = RecurrenceRule {
            by_month_day: vec![-1],
            ..rule(Frequency::Monthly)
        };
        assert_eq!(
            pattern(&last_day, "2024-01-31"),
            Pattern::RelativeMonthly {
                interval: 1,
                days: DayOfWeek::AnyDay,
                index: WeekIndex::Last
            }
        );
    }

    #[test]
    fn approximations_are_named() {
        let the_31st = pattern_of(&rule(Frequency::Monthly), date("2024-01-31")).unwrap();
        assert_eq!(
            the_31st.pattern,
            Pattern::AbsoluteMonthly {
                interval: 1,
                day_of_month: 31
            }
        );
        assert!(the_31st.approximation.unwrap().contains("shorter months"));
        let leap_day = pattern_of(&rule(Frequency::Yearly), date("2024-02-29")).unwrap();
        assert!(leap_day.approximation.unwrap().contains("leap years"));
    }

    #[test]
    fn what_does_not_map_says_why() {
        let cases = [
            (rule(Frequency::Hourly), "several times a day"),
            (
                RecurrenceRule {
                    interval: 2,
                    ..rule(Frequency::Yearly)
                },
                "every 2 years",
            ),
            (
                RecurrenceRule {
                    by_month_day: vec![1, 15],
                    ..rule(Frequency::Monthly)
                },
                "several days",
            ),
            (
                RecurrenceRule {
                    by_set_pos: vec![1, -1],
                    by_day: vec![day(None, Weekday::Monday)],
                    ..rule(Frequency::Monthly)
                },
                "BYSETPOS",
            ),
            (
                RecurrenceRule {
                    by_week_no: vec![20],
                    ..rule(Frequency::Yearly)
                },
                "week number",
            ),
            (
                RecurrenceRule {
                    by_day: vec![
                        day(Some(1), Weekday::Monday),
                        day(Some(3), Weekday::Wednesday),
                    ],
                    ..rule(Frequency::Monthly)
                },
                "positioned weekdays",
            ),
            (
                RecurrenceRule {
                    by_day: vec![day(Some(5), Weekday::Monday)],
                    ..rule(Frequency::Monthly)
                },
                "5th",
            ),
            (
                RecurrenceRule {
                    by_day: vec![day(None, Weekday::Monday), day(None, Weekday::Wednesday)],
                    by_set_pos: vec![2],
                    ..rule(Frequency::Monthly)
                },
                "no name",
            ),
            (
                RecurrenceRule {
                    by_month_day: vec![-2],
                    ..rule(Frequency::Monthly)
                },
                "end of the month",
            ),
            (
                RecurrenceRule {
                    by_day: vec![day(None, Weekday::Monday)],
                    interval: 2,
                    ..rule(Frequency::Daily)
                },
                "every few days",
            ),
            (
                RecurrenceRule {
                    by_day: vec![day(Some(20), Weekday::Monday)],
                    ..rule(Frequency::Yearly)
                },
                "of the year",
            ),
            (
                RecurrenceRule {
                    by_month_day: vec![15],
                    ..rule(Frequency::Yearly)
                },
                "every month",
            ),
            (
                RecurrenceRule {
                    by_day: vec![day(None, Weekday::Monday)],
                    by_set_pos: vec![1],
                    ..rule(Frequency::Yearly)
                },
                "whole year",
            ),
        ];
        for (rule, expected) in cases {
            let reason = pattern_of(&rule, date("2024-01-01")).unwrap_err();
            assert!(reason.contains(expected), "{rule:?}: {reason}");
        }
    }
}
