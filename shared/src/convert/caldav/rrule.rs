//! A repeat rule ([`RecurrenceRule`]) as an RRULE value (RFC 5545
//! §3.3.10), with every part the model holds.

use super::WriteError;
use super::dates::inline_value;
use crate::model::{Frequency, RecurrenceRule, WeekdayNum};

/// The RRULE value of `rule`, and what of it cannot be written.
pub(super) fn rrule_value(
    rule: &RecurrenceRule,
    line: usize,
) -> Result<(String, Vec<String>), WriteError> {
    let mut parts = vec![format!("FREQ={}", frequency(rule.frequency))];
    let mut losses = Vec::new();
    if rule.interval > 1 {
        parts.push(format!("INTERVAL={}", rule.interval));
    }
    match (&rule.count, &rule.until) {
        (Some(count), until) => {
            parts.push(format!("COUNT={count}"));
            if until.is_some() {
                losses.push(
                    "The repeat rule has both an end date and a count, which iCalendar forbids; the count is kept"
                        .to_string(),
                );
            }
        }
        (None, Some(until)) => parts.push(format!("UNTIL={}", inline_value(until, line)?)),
        (None, None) => {}
    }
    if !rule.by_day.is_empty() {
        let days: Vec<String> = rule.by_day.iter().map(by_day).collect();
        parts.push(format!("BYDAY={}", days.join(",")));
    }
    push_numbers(&mut parts, "BYMONTHDAY", &rule.by_month_day);
    push_numbers(&mut parts, "BYMONTH", &rule.by_month);
    push_numbers(&mut parts, "BYYEARDAY", &rule.by_year_day);
    push_numbers(&mut parts, "BYWEEKNO", &rule.by_week_no);
    push_numbers(&mut parts, "BYSETPOS", &rule.by_set_pos);
    if let Some(start) = rule.week_start {
        parts.push(format!("WKST={}", start.code()));
    }
    if rule.by_time {
        losses.push(
            "The repeat rule's times of day (BYHOUR, BYMINUTE, BYSECOND) were not kept when the file was read; the series repeats at its start time only"
                .to_string(),
        );
    }
    Ok((parts.join(";"), losses))
}

fn frequency(frequency: Frequency) -> &'static str {
    match frequency {
        Frequency::Secondly => "SECONDLY",
        Frequency::Minutely => "MINUTELY",
        Frequency::Hourly => "HOURLY",
        Frequency::Daily => "DAILY",
        Frequency::Weekly => "WEEKLY",
        Frequency::Monthly => "MONTHLY",
        Frequency::Yearly => "YEARLY",
    }
}

/// `MO`, `2TU`, `-1FR`.
fn by_day(day: &WeekdayNum) -> String {
    match day.ordinal {
        Some(ordinal) => format!("{ordinal}{}", day.weekday.code()),
        None => day.weekday.code().to_string(),
    }
}

fn push_numbers<N: ToString>(parts: &mut Vec<String>, name: &str, numbers: &[N]) {
    if !numbers.is_empty() {
        let numbers: Vec<String> = numbers.iter().map(ToString::to_string).collect();
        parts.push(format!("{name}={}", numbers.join(",")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DateValue, Weekday};

    #[test]
    fn every_part_of_a_rule_is_written() {
        let rule = RecurrenceRule {
            frequency: Frequency::Monthly,
            interval: 2,
            until: Some(DateValue::new("2025-01-31T23:00:00", Some("UTC"))),
            by_day: vec![
                WeekdayNum {
                    ordinal: Some(-1),
                    weekday: Weekday::Friday,
                },
                WeekdayNum {
                    ordinal: None,
                    weekday: Weekday::Monday,
                },
            ],
            by_month_day: vec![1, -1],
            by_month: vec![3, 12],
            by_set_pos: vec![-1],
            by_year_day: vec![100],
            by_week_no: vec![-53],
            week_start: Some(Weekday::Sunday),
            ..RecurrenceRule::default()
        };
        let (value, losses) = rrule_value(&rule, 1).unwrap();
        assert_eq!(
            value,
            "FREQ=MONTHLY;INTERVAL=2;UNTIL=20250131T230000Z;BYDAY=-1FR,MO;BYMONTHDAY=1,-1;BYMONTH=3,12;BYYEARDAY=100;BYWEEKNO=-53;BYSETPOS=-1;WKST=SU"
        );
        assert!(losses.is_empty());
    }

    #[test]
    fn what_cannot_be_written_is_named() {
        let rule = RecurrenceRule {
            count: Some(3),
            until: Some(DateValue::new("2025-01-31", None)),
            by_time: true,
            ..RecurrenceRule::default()
        };
        let (value, losses) = rrule_value(&rule, 1).unwrap();
        assert_eq!(value, "FREQ=DAILY;COUNT=3");
        assert_eq!(losses.len(), 2);
    }
}
