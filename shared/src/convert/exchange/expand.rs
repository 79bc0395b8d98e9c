//! A wall-clock expansion engine for repeat rules (RFC 5545 §3.3.10):
//! the occurrences of a rule as local times, for series Exchange cannot
//! hold as a pattern and that are created as single items instead.
//!
//! Occurrences are computed on the local clock of the series (a daily
//! 09:00 meeting stays at 09:00 across daylight-saving changes), period
//! by period: the candidate days of each day, week, month or year the
//! rule steps through, narrowed by its BYxxx parts, then picked by
//! BYSETPOS. The start (DTSTART) is always the first occurrence. UNTIL
//! must be given on the same local clock.
//!
//! Known simplifications, each named to the user where it matters:
//! BYHOUR/BYMINUTE/BYSECOND are not in the item model, so every
//! occurrence keeps the start's time of day; BYWEEKNO uses ISO weeks
//! (weeks starting on Monday) whatever WKST says. A rule whose candidates
//! never match (e.g. the 30th of February) ends after [`SEARCH_YEARS`]
//! years or [`MAX_PERIODS`] periods of search, whichever comes first
//! (so a hostile `FREQ=SECONDLY` rule cannot keep it busy).

use super::recurrence::weekday_of;
use crate::model::{Frequency, RecurrenceRule, Weekday};
use chrono::{Datelike, Days, Duration, Months, NaiveDate, NaiveDateTime};
use std::collections::VecDeque;

/// How many years after the start the engine looks for occurrences.
pub const SEARCH_YEARS: i32 = 400;

/// How many periods (days, weeks, months, years, or hours … seconds for
/// the sub-daily rules) the engine steps through at most: more than
/// [`SEARCH_YEARS`] years of days.
pub const MAX_PERIODS: u64 = 200_000;

/// The occurrences of `rule` from `start`, in order, on the local clock;
/// `until` (local) ends them as the rule's UNTIL does. Without COUNT or
/// UNTIL the iterator ends only after [`SEARCH_YEARS`]; take what you need.
pub fn occurrences(
    rule: &RecurrenceRule,
    start: NaiveDateTime,
    until: Option<NaiveDateTime>,
) -> Occurrences<'_> {
    Occurrences {
        rule,
        start,
        until,
        period: 0,
        pending: VecDeque::new(),
        emitted: 0,
        done: false,
        start_forced: true,
    }
}

/// The first date the rule's pattern itself gives on or after `start`
/// (which may differ from the start: RFC 5545 counts DTSTART as an
/// occurrence even when it does not match the rule).
pub fn first_matching(rule: &RecurrenceRule, start: NaiveDateTime) -> Option<NaiveDateTime> {
    let unbounded = RecurrenceRule {
        count: None,
        ..rule.clone()
    };
    let mut iter = occurrences(&unbounded, start, None);
    iter.start_forced = false;
    iter.next()
}

/// Iterator over a rule's occurrences (see [`occurrences`]).
pub struct Occurrences<'r> {
    rule: &'r RecurrenceRule,
    start: NaiveDateTime,
    until: Option<NaiveDateTime>,
    period: u64,
    pending: VecDeque<NaiveDateTime>,
    emitted: u64,
    done: bool,
    /// The start is handed out first whether the rule gives it or not
    /// (and is yet to be, while true).
    start_forced: bool,
}

impl Iterator for Occurrences<'_> {
    type Item = NaiveDateTime;

    fn next(&mut self) -> Option<NaiveDateTime> {
        loop {
            if self.done
                || self
                    .rule
                    .count
                    .is_some_and(|count| self.emitted >= u64::from(count))
            {
                return None;
            }
            if self.start_forced && self.emitted == 0 {
                if self.until.is_some_and(|until| self.start > until) {
                    self.done = true;
                    return None;
                }
                self.emitted += 1;
                return Some(self.start);
            }
            if let Some(next) = self.pending.pop_front() {
                if self.until.is_some_and(|until| next > until) {
                    self.done = true;
                    return None;
                }
                self.emitted += 1;
                return Some(next);
            }
            self.fill()?;
        }
    }
}

impl Occurrences<'_> {
    /// Computes the next period's occurrences; `None` when past the
    /// search horizon.
    fn fill(&mut self) -> Option<()> {
        let rule = self.rule;
        if self.period >= MAX_PERIODS {
            return None;
        }
        let step = u64::from(rule.interval.max(1)) * self.period;
        self.period += 1;
        let start_date = self.start.date();
        let time = self.start.time();
        let horizon = start_date.year() + SEARCH_YEARS;
        // Each period's first day (for a year, a week earlier: ISO week 1
        // may start in December) and its candidates.
        let (period_start, mut candidates): (NaiveDate, Vec<NaiveDateTime>) = match rule.frequency {
            Frequency::Secondly | Frequency::Minutely | Frequency::Hourly => {
                let unit = match rule.frequency {
                    Frequency::Hourly => 3600,
                    Frequency::Minutely => 60,
                    _ => 1,
                };
                let at = self
                    .start
                    .checked_add_signed(Duration::seconds(i64::try_from(step).ok()? * unit))?;
                let matching = day_matches(rule, at.date()).then_some(at);
                (at.date(), matching.into_iter().collect())
            }
            Frequency::Daily => {
                let day = start_date.checked_add_days(Days::new(step))?;
                let matching = day_matches(rule, day).then(|| day.and_time(time));
                (day, matching.into_iter().collect())
            }
            Frequency::Weekly => {
                let (first, days) = weekly(rule, start_date, step)?;
                (first, days.into_iter().map(|d| d.and_time(time)).collect())
            }
            Frequency::Monthly => {
                let first = start_date
                    .with_day(1)?
                    .checked_add_months(Months::new(u32::try_from(step).ok()?))?;
                let days = monthly(rule, first, start_date);
                (first, days.into_iter().map(|d| d.and_time(time)).collect())
            }
            Frequency::Yearly => {
                let year = start_date.year() + i32::try_from(step).ok()?;
                let days = yearly(rule, year, start_date);
                let first = NaiveDate::from_ymd_opt(year, 1, 1)?.checked_sub_days(Days::new(7))?;
                (first, days.into_iter().map(|d| d.and_time(time)).collect())
            }
        };
        if period_start.year() > horizon
            || self.until.is_some_and(|until| period_start > until.date())
        {
            return None;
        }
        candidates.sort_unstable();
        candidates.dedup();
        let candidates = by_set_pos(rule, candidates);
        let (start, forced) = (self.start, self.start_forced);
        self.pending.extend(
            candidates
                .into_iter()
                .filter(|occurrence| *occurrence > start || (!forced && *occurrence == start)),
        );
        Some(())
    }
}

fn by_set_pos(rule: &RecurrenceRule, candidates: Vec<NaiveDateTime>) -> Vec<NaiveDateTime> {
    if rule.by_set_pos.is_empty()
        || matches!(
            rule.frequency,
            Frequency::Secondly | Frequency::Minutely | Frequency::Hourly
        )
    {
        return candidates;
    }
    let len = candidates.len() as i64;
    let mut picked: Vec<NaiveDateTime> = rule
        .by_set_pos
        .iter()
        .filter_map(|pos| {
            let pos = i64::from(*pos);
            let index = if pos > 0 { pos - 1 } else { len + pos };
            usize::try_from(index)
                .ok()
                .and_then(|i| candidates.get(i).copied())
        })
        .collect();
    picked.sort_unstable();
    picked.dedup();
    picked
}

fn days_in_month(year: i32, month: u32) -> u32 {
    NaiveDate::from_ymd_opt(year, month, 1)
        .and_then(|first| first.checked_add_months(Months::new(1)))
        .and_then(|next| next.pred_opt())
        .map_or(28, |last| last.day())
}

/// A BYMONTHDAY value as a day of `year`-`month` (negative from the end).
fn month_day(year: i32, month: u32, day: i8) -> Option<NaiveDate> {
    let len = days_in_month(year, month) as i32;
    let day = if day < 0 {
        len + 1 + i32::from(day)
    } else {
        i32::from(day)
    };
    if day < 1 || day > len {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month, day as u32)
}

/// The simple filters a day must pass for DAILY and sub-daily rules.
fn day_matches(rule: &RecurrenceRule, day: NaiveDate) -> bool {
    (rule.by_month.is_empty() || rule.by_month.contains(&(day.month() as u8)))
        && (rule.by_month_day.is_empty()
            || rule
                .by_month_day
                .iter()
                .any(|d| month_day(day.year(), day.month(), *d) == Some(day)))
        && (rule.by_day.is_empty() || rule.by_day.iter().any(|d| d.weekday == weekday_of(day)))
}

/// The first day of the week `step` weeks after the start's, and the
/// candidates in it.
fn weekly(
    rule: &RecurrenceRule,
    start: NaiveDate,
    step: u64,
) -> Option<(NaiveDate, Vec<NaiveDate>)> {
    // The model's weekdays run Monday = 0 to Sunday = 6, as chrono counts.
    let week_start = rule.week_start.unwrap_or(Weekday::Monday) as u32;
    let back = (7 + start.weekday().num_days_from_monday() - week_start) % 7;
    let first = start
        .checked_sub_days(Days::new(u64::from(back)))?
        .checked_add_days(Days::new(step.checked_mul(7)?))?;
    Some((
        first,
        (0..7)
            .filter_map(|i| first.checked_add_days(Days::new(i)))
            .filter(|day| rule.by_month.is_empty() || rule.by_month.contains(&(day.month() as u8)))
            .filter(|day| {
                if rule.by_day.is_empty() {
                    day.weekday() == start.weekday()
                } else {
                    rule.by_day.iter().any(|d| d.weekday == weekday_of(*day))
                }
            })
            .collect(),
    ))
}

/// The days of `days` that BYDAY picks, ordinals counted within `days`
/// (a month or a year, in order).
fn by_day_within(rule: &RecurrenceRule, days: &[NaiveDate]) -> Vec<NaiveDate> {
    let mut picked = Vec::new();
    for entry in &rule.by_day {
        let matching: Vec<NaiveDate> = days
            .iter()
            .copied()
            .filter(|d| weekday_of(*d) == entry.weekday)
            .collect();
        match entry.ordinal {
            None => picked.extend(matching),
            Some(n) => {
                let n = i64::from(n);
                let index = if n > 0 {
                    n - 1
                } else {
                    matching.len() as i64 + n
                };
                if let Some(day) = usize::try_from(index).ok().and_then(|i| matching.get(i)) {
                    picked.push(*day);
                }
            }
        }
    }
    picked
}

fn month_days(year: i32, month: u32) -> Vec<NaiveDate> {
    (1..=days_in_month(year, month))
        .filter_map(|d| NaiveDate::from_ymd_opt(year, month, d))
        .collect()
}

/// Candidates of one month for MONTHLY (and of the chosen months for YEARLY).
fn monthly(rule: &RecurrenceRule, first: NaiveDate, start: NaiveDate) -> Vec<NaiveDate> {
    let (year, month) = (first.year(), first.month());
    if !rule.by_month.is_empty() && !rule.by_month.contains(&(month as u8)) {
        return Vec::new();
    }
    if !rule.by_month_day.is_empty() {
        let days: Vec<NaiveDate> = rule
            .by_month_day
            .iter()
            .filter_map(|d| month_day(year, month, *d))
            .collect();
        if rule.by_day.is_empty() {
            return days;
        }
        let allowed = by_day_within(rule, &month_days(year, month));
        return days.into_iter().filter(|d| allowed.contains(d)).collect();
    }
    if !rule.by_day.is_empty() {
        return by_day_within(rule, &month_days(year, month));
    }
    NaiveDate::from_ymd_opt(year, month, start.day())
        .into_iter()
        .collect()
}

fn yearly(rule: &RecurrenceRule, year: i32, start: NaiveDate) -> Vec<NaiveDate> {
    let months: Vec<u32> = if rule.by_month.is_empty() {
        (1..=12).collect()
    } else {
        rule.by_month.iter().map(|m| u32::from(*m)).collect()
    };
    // BYDAY's days; positions count within the month when BYMONTH is
    // given, else within the year.
    let by_day_in_year = || -> Vec<NaiveDate> {
        if rule.by_month.is_empty() {
            let all_days: Vec<NaiveDate> = (1..=12).flat_map(|m| month_days(year, m)).collect();
            return by_day_within(rule, &all_days);
        }
        months
            .iter()
            .flat_map(|m| by_day_within(rule, &month_days(year, *m)))
            .collect()
    };
    let mut days: Vec<NaiveDate> = if !rule.by_year_day.is_empty() {
        let len = if NaiveDate::from_ymd_opt(year, 2, 29).is_some() {
            366
        } else {
            365
        };
        rule.by_year_day
            .iter()
            .filter_map(|d| {
                let ordinal = if *d < 0 {
                    len + 1 + i32::from(*d)
                } else {
                    i32::from(*d)
                };
                u32::try_from(ordinal)
                    .ok()
                    .and_then(|o| NaiveDate::from_yo_opt(year, o))
            })
            .filter(|d| rule.by_month.is_empty() || rule.by_month.contains(&(d.month() as u8)))
            .collect()
    } else if !rule.by_week_no.is_empty() {
        // The days of this calendar year whose ISO week is listed. A day at
        // the year's start that belongs to last year's final week is
        // matched by -1 (or that week's number); a day at the year's end
        // that belongs to next year's first week only by 1 — as
        // rrule-style engines (dateutil, rust-rrule, calcard) read it.
        let weeks_in = |iso_year: i32| {
            NaiveDate::from_ymd_opt(iso_year, 12, 28).map_or(52, |d| d.iso_week().week() as i32)
        };
        let listed = |day: &NaiveDate| {
            let iso = day.iso_week();
            let (week, weeks) = (iso.week() as i32, weeks_in(iso.year()));
            rule.by_week_no.iter().any(|n| {
                let n = i32::from(*n);
                match iso.year().cmp(&year) {
                    std::cmp::Ordering::Equal => week == n || (n < 0 && week == weeks + 1 + n),
                    std::cmp::Ordering::Less => n == -1 || n == week,
                    std::cmp::Ordering::Greater => n == 1,
                }
            })
        };
        let mut days: Vec<NaiveDate> = (1..=12).flat_map(|m| month_days(year, m)).collect();
        days.retain(listed);
        days.retain(|d| rule.by_month.is_empty() || rule.by_month.contains(&(d.month() as u8)));
        if rule.by_day.is_empty() {
            days.retain(|d| d.weekday() == start.weekday());
        }
        days
    } else if !rule.by_month_day.is_empty() {
        months
            .iter()
            .flat_map(|m| {
                rule.by_month_day
                    .iter()
                    .filter_map(move |d| month_day(year, *m, *d))
            })
            .collect()
    } else if !rule.by_day.is_empty() {
        return by_day_in_year();
    } else if !rule.by_month.is_empty() {
        months
            .iter()
            .filter_map(|m| NaiveDate::from_ymd_opt(year, *m, start.day()))
            .collect()
    } else {
        NaiveDate::from_ymd_opt(year, start.month(), start.day())
            .into_iter()
            .collect()
    };
    if !rule.by_day.is_empty()
        && (!rule.by_year_day.is_empty()
            || !rule.by_week_no.is_empty()
            || !rule.by_month_day.is_empty())
    {
        let allowed = by_day_in_year();
        days.retain(|d| allowed.contains(d));
    }
    if !rule.by_month_day.is_empty()
        && (!rule.by_year_day.is_empty() || !rule.by_week_no.is_empty())
    {
        days.retain(|d| {
            rule.by_month_day
                .iter()
                .any(|md| month_day(d.year(), d.month(), *md) == Some(*d))
        });
    }
    days
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::WeekdayNum;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").unwrap()
    }

    fn dates(rule: &RecurrenceRule, start: &str, n: usize) -> Vec<String> {
        occurrences(rule, at(start), None)
            .take(n)
            .map(|d| d.format("%Y-%m-%d").to_string())
            .collect()
    }

    fn day(ordinal: Option<i16>, weekday: Weekday) -> WeekdayNum {
        WeekdayNum { ordinal, weekday }
    }

    #[test]
    fn monthly_on_the_last_weekday_and_the_31st() {
        let last_workday = RecurrenceRule {
            frequency: Frequency::Monthly,
            by_day: [
                Weekday::Monday,
                Weekday::Tuesday,
                Weekday::Wednesday,
                Weekday::Thursday,
                Weekday::Friday,
            ]
            .into_iter()
            .map(|w| day(None, w))
            .collect(),
            by_set_pos: vec![-1],
            ..RecurrenceRule::default()
        };
        assert_eq!(
            dates(&last_workday, "2024-01-31T09:00", 4),
            ["2024-01-31", "2024-02-29", "2024-03-29", "2024-04-30"]
        );
        let the_31st = RecurrenceRule {
            frequency: Frequency::Monthly,
            by_month_day: vec![31],
            ..RecurrenceRule::default()
        };
        assert_eq!(
            dates(&the_31st, "2024-01-31T09:00", 3),
            ["2024-01-31", "2024-03-31", "2024-05-31"]
        );
    }

    #[test]
    fn count_until_and_the_start_that_does_not_match() {
        // RFC 5545: DTSTART is the first occurrence and counts.
        let weekly = RecurrenceRule {
            frequency: Frequency::Weekly,
            by_day: vec![day(None, Weekday::Monday)],
            count: Some(3),
            ..RecurrenceRule::default()
        };
        assert_eq!(
            dates(&weekly, "2024-01-03T09:00", 10),
            ["2024-01-03", "2024-01-08", "2024-01-15"]
        );
        assert_eq!(
            first_matching(&weekly, at("2024-01-03T09:00")),
            Some(at("2024-01-08T09:00"))
        );
        let daily = RecurrenceRule::default();
        let until = occurrences(&daily, at("2024-01-01T09:00"), Some(at("2024-01-03T08:59")));
        assert_eq!(until.count(), 2);
    }

    #[test]
    fn last_week_reaches_into_the_next_calendar_year() {
        // ISO week 53 of 2026 runs from 28 December 2026 to 3 January 2027:
        // its Friday is 1 January 2027, in January, so it is an occurrence.
        let last_week_in_january = RecurrenceRule {
            frequency: Frequency::Yearly,
            by_month: vec![1],
            by_week_no: vec![-1],
            by_day: vec![day(None, Weekday::Friday)],
            ..RecurrenceRule::default()
        };
        assert_eq!(
            dates(&last_week_in_january, "2024-12-30T09:30", 3),
            ["2024-12-30", "2027-01-01", "2038-01-01"]
        );
        // Week 1 reaches back into the old year.
        let first_week_in_december = RecurrenceRule {
            frequency: Frequency::Yearly,
            by_month: vec![12],
            by_week_no: vec![1],
            by_day: vec![day(None, Weekday::Monday)],
            ..RecurrenceRule::default()
        };
        assert_eq!(
            dates(&first_week_in_december, "2024-12-30T09:30", 3),
            ["2024-12-30", "2025-12-29", "2029-12-31"]
        );
    }

    #[test]
    fn yearly_parts() {
        let thanksgiving = RecurrenceRule {
            frequency: Frequency::Yearly,
            by_month: vec![11],
            by_day: vec![day(Some(4), Weekday::Thursday)],
            ..RecurrenceRule::default()
        };
        assert_eq!(
            dates(&thanksgiving, "2023-11-23T12:00", 2),
            ["2023-11-23", "2024-11-28"]
        );
        let day_100 = RecurrenceRule {
            frequency: Frequency::Yearly,
            by_year_day: vec![100],
            ..RecurrenceRule::default()
        };
        assert_eq!(
            dates(&day_100, "2023-04-10T12:00", 2),
            ["2023-04-10", "2024-04-09"]
        );
        let never_matching = RecurrenceRule {
            frequency: Frequency::Secondly,
            by_month: vec![2],
            by_month_day: vec![30],
            ..RecurrenceRule::default()
        };
        assert_eq!(
            dates(&never_matching, "2023-01-01T12:00", 5),
            ["2023-01-01"]
        );
        let impossible = RecurrenceRule {
            frequency: Frequency::Yearly,
            by_month: vec![2],
            by_month_day: vec![30],
            ..RecurrenceRule::default()
        };
        assert_eq!(dates(&impossible, "2023-01-01T12:00", 5), ["2023-01-01"]);
    }
}
