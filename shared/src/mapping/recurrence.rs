//! Which repeat rules Exchange (EWS and Graph share one pattern model) can
//! hold as a series, and what Ferry does with the rest. Their patterns
//! are: daily, weekly (days of the week), monthly on a day or on the n-th
//! weekday, yearly on a date or on the n-th weekday of a month, each with
//! an end date, a count, or no end. CalDAV targets keep any rule as it is.

use crate::model::{Frequency, Item, RecurrenceRule};

/// A part of an item's recurrence the target cannot hold, and what will
/// be done instead, in plain words.
pub fn exchange_limits(item: &Item) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some(rule) = &item.rule
        && let Some(reason) = unsupported(rule)
    {
        problems.push(format!(
            "Exchange cannot repeat an item {reason}; each occurrence will be created as its own item"
        ));
    }
    if !item.rdates.is_empty() {
        let count = item.rdates.len();
        problems.push(if count == 1 {
            "1 extra date (RDATE) cannot be part of an Exchange series; it will be created as a separate item".to_string()
        } else {
            format!("{count} extra dates (RDATE) cannot be part of an Exchange series; they will be created as separate items")
        });
    }
    if item.exrule {
        problems.push(
            "Exchange has no exclusion rules (EXRULE); the series will be expanded and the excluded occurrences left out"
                .to_string(),
        );
    }
    problems
}

/// Why `rule` is not an Exchange pattern, or `None` when it is one.
fn unsupported(rule: &RecurrenceRule) -> Option<String> {
    match rule.frequency {
        Frequency::Secondly | Frequency::Minutely | Frequency::Hourly => {
            return Some("several times a day".to_string());
        }
        _ => {}
    }
    if rule.by_time {
        return Some("at several times of the day (BYHOUR/BYMINUTE)".to_string());
    }
    if !rule.by_year_day.is_empty() {
        return Some("by day of the year (BYYEARDAY)".to_string());
    }
    if !rule.by_week_no.is_empty() {
        return Some("by week number (BYWEEKNO)".to_string());
    }
    if rule.by_set_pos.len() > 1 {
        return Some(
            "on several positions in a month (BYSETPOS with more than one value)".to_string(),
        );
    }
    if rule.by_month_day.len() > 1 {
        return Some("on several days of the month".to_string());
    }
    if rule.by_month_day.iter().any(|d| *d < -1 || *d == 0) {
        return Some("counting days from the end of the month other than the last day".to_string());
    }
    if rule.by_month.len() > 1 {
        return Some("in several chosen months".to_string());
    }
    let ordinals: Vec<i16> = rule.by_day.iter().filter_map(|d| d.ordinal).collect();
    let position = rule.by_set_pos.first().and_then(|p| i16::try_from(*p).ok());
    match rule.frequency {
        Frequency::Daily => {
            if !rule.by_day.is_empty() && rule.interval > 1 {
                return Some("every few days on chosen weekdays".to_string());
            }
            if !rule.by_month.is_empty() || !rule.by_month_day.is_empty() {
                return Some("daily within chosen months or days".to_string());
            }
        }
        Frequency::Weekly
            if !ordinals.is_empty()
                || !rule.by_month_day.is_empty()
                || !rule.by_month.is_empty() =>
        {
            return Some("weekly with month-based limits".to_string());
        }
        Frequency::Monthly | Frequency::Yearly => {
            if rule.frequency == Frequency::Yearly && rule.interval > 1 {
                return Some(format!("every {} years", rule.interval));
            }
            if !rule.by_day.is_empty() && !rule.by_month_day.is_empty() {
                return Some("on weekdays that also fall on chosen dates".to_string());
            }
            let mut distinct = ordinals.clone();
            distinct.sort_unstable();
            distinct.dedup();
            if distinct.len() > 1 {
                return Some(
                    "on different weeks of the month (e.g. the 1st Monday and the 3rd Wednesday)"
                        .to_string(),
                );
            }
            let ordinal = distinct.first().copied().or(position);
            if ordinal.is_some() && ordinals.len() != rule.by_day.len() && position.is_none() {
                return Some("on a mix of every and n-th weekdays".to_string());
            }
            if let Some(n) = ordinal
                && !(matches!(n, 1..=4) || n == -1)
            {
                return Some(format!(
                    "on the {n}th weekday of the month (Exchange knows 1st–4th and last)"
                ));
            }
            if rule.by_day.len() > 1 && ordinal.is_none() {
                return Some("on several weekdays of every week of the month".to_string());
            }
        }
        _ => {}
    }
    if rule.count.is_some() && rule.until.is_some() {
        return Some("with both a count and an end date".to_string());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Weekday, WeekdayNum};

    fn rule(frequency: Frequency) -> RecurrenceRule {
        RecurrenceRule {
            frequency,
            ..RecurrenceRule::default()
        }
    }

    fn day(ordinal: Option<i16>, weekday: Weekday) -> WeekdayNum {
        WeekdayNum { ordinal, weekday }
    }

    #[test]
    fn exchange_patterns_pass() {
        let weekly = RecurrenceRule {
            by_day: vec![day(None, Weekday::Monday), day(None, Weekday::Friday)],
            interval: 2,
            ..rule(Frequency::Weekly)
        };
        let last_friday = RecurrenceRule {
            by_day: vec![day(Some(-1), Weekday::Friday)],
            ..rule(Frequency::Monthly)
        };
        let second_tuesday_in_march = RecurrenceRule {
            by_day: vec![day(None, Weekday::Tuesday)],
            by_set_pos: vec![2],
            by_month: vec![3],
            ..rule(Frequency::Yearly)
        };
        let on_the_15th = RecurrenceRule {
            by_month_day: vec![15],
            ..rule(Frequency::Monthly)
        };
        for ok in [
            rule(Frequency::Daily),
            weekly,
            last_friday,
            second_tuesday_in_march,
            on_the_15th,
        ] {
            assert_eq!(unsupported(&ok), None, "{ok:?}");
        }
    }

    #[test]
    fn what_exchange_cannot_hold_is_named() {
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
                "several days of the month",
            ),
            (
                RecurrenceRule {
                    by_day: vec![
                        day(Some(1), Weekday::Monday),
                        day(Some(3), Weekday::Wednesday),
                    ],
                    ..rule(Frequency::Monthly)
                },
                "different weeks",
            ),
            (
                RecurrenceRule {
                    by_day: vec![day(None, Weekday::Monday)],
                    by_set_pos: vec![1, -1],
                    ..rule(Frequency::Monthly)
                },
                "BYSETPOS",
            ),
        ];
        for (rule, expected) in cases {
            let reason = unsupported(&rule).unwrap_or_default();
            assert!(reason.contains(expected), "{rule:?}: {reason}");
        }
    }
}
