//! A recurring event on Exchange: one series with a pattern when its rule
//! maps onto one ([`super::recurrence`]), its removed occurrences
//! (EXDATE) as deletions and its extra dates (RDATE) as single items; or,
//! when the rule does not map, every occurrence as a single item
//! ([`super::expand`]), up to [`super::ExchangeOptions::max_occurrences`].

use super::calendar::CalendarItem;
use super::expand::{first_matching, occurrences};
use super::recurrence::{ExchangeRecurrence, RecurrenceEnd, pattern_of};
use super::time::{WallClock, ZoneResolver};
use super::{ExchangeConversion, ExchangeItem, ExchangeOptions, Loss, Operation};
use crate::model::{DateValue, Item, RecurrenceRule};
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

/// Converts the series `item` whose fields are `base`.
pub(super) fn convert_series(
    item: &Item,
    base: CalendarItem,
    resolver: &ZoneResolver<'_>,
    options: &ExchangeOptions,
    conversion: &mut ExchangeConversion,
) {
    let series = Series::new(item, &base, resolver, &mut conversion.losses);
    let Some(rule) = &item.rule else {
        // Extra dates only: the item itself, then each date on its own.
        if !series.excluded(series.start.local) {
            conversion
                .operations
                .push(Operation::Create(ExchangeItem::Event(Box::new(
                    base.clone(),
                ))));
        }
        series.extra_dates(&base, conversion);
        return;
    };
    if item.exrule {
        conversion.losses.push(Loss::new(
            "recurrence",
            "Ferry does not read exclusion rules (EXRULE); the occurrences they exclude are created too",
        ));
    }
    let until = rule
        .until
        .as_ref()
        .map(|until| series.local_until(until, resolver));
    match pattern_of(rule, series.start.local.date()) {
        Ok(found) => {
            if let Some(approximation) = found.approximation {
                conversion
                    .losses
                    .push(Loss::new("recurrence", approximation));
            }
            let mut master = base.clone();
            let mut count = rule.count;
            let first = first_matching(rule, series.start.local);
            if first != Some(series.start.local) {
                // RFC 5545 counts a start off the pattern as an occurrence;
                // Exchange does not: it becomes an item of its own.
                conversion.losses.push(Loss::new(
                    "recurrence",
                    "The series starts on a day its rule does not give; Exchange cannot hold that, so the first occurrence is created as its own item",
                ));
                if !series.excluded(series.start.local) {
                    conversion
                        .operations
                        .push(Operation::Create(ExchangeItem::Event(Box::new(
                            series.occurrence(&base, series.start.local),
                        ))));
                }
                count = count.map(|c| c.saturating_sub(1));
                let next = first.filter(|next| until.is_none_or(|until| *next <= until));
                match next {
                    Some(next) if count != Some(0) => {
                        master = series.occurrence(&base, next);
                        master.source_key = base.source_key.clone();
                    }
                    _ => {
                        series.extra_dates(&base, conversion);
                        return;
                    }
                }
            }
            let start_date = master.start.local.date();
            let end = match (count, until) {
                (Some(count), Some(until)) => {
                    // Exchange holds one of the two: the number of
                    // occurrences that both allow.
                    let rule = RecurrenceRule {
                        count: Some(count),
                        ..rule.clone()
                    };
                    let n = occurrences(&rule, master.start.local, Some(until)).count();
                    RecurrenceEnd::AfterOccurrences(u32::try_from(n).unwrap_or(u32::MAX))
                }
                (Some(count), None) => RecurrenceEnd::AfterOccurrences(count),
                (None, Some(until)) => {
                    let last = last_date(until, master.start.local.time());
                    if last < start_date {
                        // Nothing after the first occurrence: no series.
                        if !series.excluded(master.start.local) {
                            conversion
                                .operations
                                .push(Operation::Create(ExchangeItem::Event(Box::new(master))));
                        }
                        series.extra_dates(&base, conversion);
                        return;
                    }
                    RecurrenceEnd::OnDate(last)
                }
                (None, None) => RecurrenceEnd::Never,
            };
            master.recurrence = Some(ExchangeRecurrence {
                pattern: found.pattern,
                start_date,
                end,
            });
            let series_start = master.start.local;
            conversion
                .operations
                .push(Operation::Create(ExchangeItem::Event(Box::new(master))));
            series.removed_dates(series_start, conversion);
            series.extra_dates(&base, conversion);
        }
        Err(reason) => series.expand(rule, &reason, until, &base, options, conversion),
    }
}

/// What every part of the conversion of one series needs.
struct Series<'i> {
    item: &'i Item,
    uid: Option<&'i str>,
    start: WallClock,
    length: Duration,
    exdates: Vec<NaiveDateTime>,
    rdates: Vec<NaiveDateTime>,
}

impl<'i> Series<'i> {
    fn new(
        item: &'i Item,
        base: &CalendarItem,
        resolver: &ZoneResolver<'_>,
        losses: &mut Vec<Loss>,
    ) -> Self {
        let length = base.end.in_zone(&base.start.zone).local - base.start.local;
        let start = base.start.clone();
        let on_series_clock =
            |values: &[DateValue], field: &str, losses: &mut Vec<Loss>| -> Vec<NaiveDateTime> {
                let mut list: Vec<NaiveDateTime> = values
                    .iter()
                    .filter_map(|value| {
                        if value.is_date() {
                            // A date means the occurrence on that day.
                            let date = NaiveDate::parse_from_str(&value.local, "%Y-%m-%d").ok()?;
                            return Some(date.and_time(start.local.time()));
                        }
                        let at = resolver
                            .wall_clock(value, field, losses)?
                            .in_zone(&start.zone)
                            .local;
                        Some(if base.all_day {
                            at.date().and_time(NaiveTime::MIN)
                        } else {
                            at
                        })
                    })
                    .collect();
                list.sort_unstable();
                list.dedup();
                list
            };
        let exdates = on_series_clock(&item.exdates, "exdate", losses);
        let rdates = on_series_clock(&item.rdates, "rdate", losses);
        Self {
            item,
            uid: item.uid.as_deref(),
            start,
            length,
            exdates,
            rdates,
        }
    }

    /// UNTIL on the series' local clock (a date: the end of that day).
    fn local_until(&self, until: &DateValue, resolver: &ZoneResolver<'_>) -> NaiveDateTime {
        if until.is_date()
            && let Ok(date) = NaiveDate::parse_from_str(&until.local, "%Y-%m-%d")
        {
            return date.and_time(NaiveTime::MIN) + Duration::seconds(86_399);
        }
        let mut ignored = Vec::new();
        match resolver.wall_clock(until, "until", &mut ignored) {
            Some(at) => at.in_zone(&self.start.zone).local,
            None => NaiveDateTime::MAX,
        }
    }

    /// The key of the occurrence at `local`: what a changed occurrence
    /// (RECURRENCE-ID) at that time has as its source key.
    fn occurrence_key(&self, local: NaiveDateTime) -> Option<String> {
        let uid = self.uid?;
        let text = if self.item.all_day {
            local.format("%Y-%m-%d").to_string()
        } else {
            local.format("%Y-%m-%dT%H:%M:%S").to_string()
        };
        Some(format!("{uid}\u{0}{text}"))
    }

    /// The single item for the occurrence at `local`.
    fn occurrence(&self, base: &CalendarItem, local: NaiveDateTime) -> CalendarItem {
        let mut single = base.clone();
        single.recurrence = None;
        single.source_key = self.occurrence_key(local);
        single.start = WallClock {
            local,
            zone: self.start.zone.clone(),
        };
        single.end = WallClock {
            local: local + self.length,
            zone: self.start.zone.clone(),
        };
        single
    }

    /// Whether EXDATE takes the occurrence at `local` out.
    fn excluded(&self, local: NaiveDateTime) -> bool {
        self.exdates.contains(&local)
    }

    /// EXDATEs from `first` (the series' first occurrence) on as
    /// deletions of the series' occurrences.
    fn removed_dates(&self, first: NaiveDateTime, conversion: &mut ExchangeConversion) {
        let removed: Vec<NaiveDateTime> = self
            .exdates
            .iter()
            .copied()
            .filter(|at| *at >= first)
            .collect();
        if removed.is_empty() {
            return;
        }
        let Some(uid) = self.uid else {
            conversion.losses.push(Loss::new(
                "exdate",
                "Without a UID the series cannot be found again to remove its excluded occurrences (EXDATE); they stay",
            ));
            return;
        };
        for at in removed {
            conversion.operations.push(Operation::DeleteOccurrence {
                series_key: uid.to_string(),
                original_start: WallClock {
                    local: at,
                    zone: self.start.zone.clone(),
                },
            });
        }
    }

    /// RDATEs as single items.
    fn extra_dates(&self, base: &CalendarItem, conversion: &mut ExchangeConversion) {
        let extra: Vec<NaiveDateTime> = self
            .rdates
            .iter()
            .copied()
            .filter(|at| *at != self.start.local && !self.exdates.contains(at))
            .collect();
        if extra.is_empty() {
            return;
        }
        conversion.losses.push(Loss::new(
            "rdate",
            format!(
                "Exchange series cannot hold extra dates (RDATE); {} extra occurrence(s) are created as separate items",
                extra.len()
            ),
        ));
        for at in extra {
            conversion
                .operations
                .push(Operation::Create(ExchangeItem::Event(Box::new(
                    self.occurrence(base, at),
                ))));
        }
    }

    /// Every occurrence as a single item (the rule has no Exchange pattern).
    fn expand(
        &self,
        rule: &RecurrenceRule,
        reason: &str,
        until: Option<NaiveDateTime>,
        base: &CalendarItem,
        options: &ExchangeOptions,
        conversion: &mut ExchangeConversion,
    ) {
        let limit = options.max_occurrences;
        let mut all: Vec<NaiveDateTime> = occurrences(rule, self.start.local, until)
            .filter(|at| !self.exdates.contains(at))
            .take(limit.saturating_add(1))
            .collect();
        let cut = all.len() > limit;
        all.truncate(limit);
        let last = all.last().copied();
        let rdates = self
            .rdates
            .iter()
            .filter(|at| !self.exdates.contains(at) && !all.contains(at));
        let rdates: Vec<NaiveDateTime> = rdates.copied().collect();
        all.extend(rdates.iter().copied());
        all.sort_unstable();
        let mut message = format!(
            "Exchange cannot repeat an item {reason}; the {} occurrences are created as separate items",
            all.len()
        );
        if rule.by_time {
            message.push_str(", one a day at the start's time (Ferry does not read the chosen hours and minutes)");
        }
        if !rdates.is_empty() {
            message.push_str(&format!(
                " (with {} extra date(s) from RDATE)",
                rdates.len()
            ));
        }
        conversion.losses.push(Loss::new("recurrence", message));
        if cut {
            let never_ends = rule.count.is_none() && until.is_none();
            conversion.losses.push(Loss::new(
                "recurrence",
                format!(
                    "The series {} more than {limit} occurrences, the most Ferry expands; only the first {limit}, up to {}, are created",
                    if never_ends { "never ends: it has" } else { "has" },
                    last.map_or_else(String::new, |at| at.format("%Y-%m-%d").to_string()),
                ),
            ));
        }
        for at in all {
            conversion
                .operations
                .push(Operation::Create(ExchangeItem::Event(Box::new(
                    self.occurrence(base, at),
                ))));
        }
    }
}

/// The last date an occurrence starting at `time` of day may fall on
/// when the rule ends at `until`.
fn last_date(until: NaiveDateTime, time: NaiveTime) -> NaiveDate {
    if until.time() >= time {
        until.date()
    } else {
        until.date().pred_opt().unwrap_or(until.date())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert::exchange::{Pattern, convert};
    use crate::mapping::{ItemStatus, MappedItem};
    use crate::model::{Frequency, ItemKind, Recurrence, Weekday, WeekdayNum};

    const BERLIN: Option<&str> = Some("Europe/Berlin");

    fn event(rule: Option<RecurrenceRule>, start: &str) -> Item {
        let end = start.replace("T09:", "T10:");
        Item {
            uid: Some("u1".into()),
            summary: Some("Series".into()),
            start: Some(DateValue::new(start, BERLIN)),
            end: Some(DateValue::new(end, BERLIN)),
            recurrence: Recurrence::Series,
            rule,
            ..Item::new(ItemKind::Event, 1)
        }
    }

    fn run(item: Item) -> ExchangeConversion {
        let mapped = MappedItem {
            status: ItemStatus::Ok,
            warnings: Vec::new(),
            item,
        };
        let options = ExchangeOptions {
            max_occurrences: 10,
            ..ExchangeOptions::default()
        };
        convert(&mapped, &[], &options)
    }

    fn created(conversion: &ExchangeConversion) -> Vec<&CalendarItem> {
        conversion
            .operations
            .iter()
            .filter_map(|op| match op {
                Operation::Create(ExchangeItem::Event(item)) => Some(item.as_ref()),
                _ => None,
            })
            .collect()
    }

    fn end_of(conversion: &ExchangeConversion) -> RecurrenceEnd {
        created(conversion)[0].recurrence.as_ref().unwrap().end
    }

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn daily() -> RecurrenceRule {
        RecurrenceRule::default()
    }

    fn twice_a_month() -> RecurrenceRule {
        RecurrenceRule {
            frequency: Frequency::Monthly,
            by_month_day: vec![1, 15],
            ..RecurrenceRule::default()
        }
    }

    #[test]
    fn a_start_off_the_pattern_becomes_its_own_item() {
        let rule = RecurrenceRule {
            frequency: Frequency::Weekly,
            by_day: vec![WeekdayNum {
                ordinal: None,
                weekday: Weekday::Monday,
            }],
            count: Some(3),
            ..RecurrenceRule::default()
        };
        let conversion = run(event(Some(rule), "2024-01-03T09:00:00"));
        let items = created(&conversion);
        assert_eq!(items.len(), 2);
        assert_eq!(
            items[0].source_key.as_deref(),
            Some("u1\u{0}2024-01-03T09:00:00")
        );
        assert_eq!(items[0].recurrence, None);
        assert_eq!(items[1].source_key.as_deref(), Some("u1"));
        let series = items[1].recurrence.as_ref().unwrap();
        assert_eq!(series.start_date, date("2024-01-08"));
        assert_eq!(series.end, RecurrenceEnd::AfterOccurrences(2));
        assert!(conversion.losses[0].reason.contains("does not give"));

        let mut excluded_start = event(Some(rule_of_mondays()), "2024-01-03T09:00:00");
        excluded_start.exdates = vec![DateValue::new("2024-01-03T09:00:00", BERLIN)];
        let conversion = run(excluded_start);
        assert_eq!(created(&conversion).len(), 1, "{conversion:?}");
        assert!(
            conversion
                .operations
                .iter()
                .all(|op| matches!(op, Operation::Create(_))),
            "nothing to delete from the series: {conversion:?}"
        );
    }

    fn rule_of_mondays() -> RecurrenceRule {
        RecurrenceRule {
            frequency: Frequency::Weekly,
            by_day: vec![WeekdayNum {
                ordinal: None,
                weekday: Weekday::Monday,
            }],
            count: Some(3),
            ..RecurrenceRule::default()
        }
    }

    #[test]
    fn ranges_count_until_and_both() {
        let with = |count, until: Option<DateValue>| RecurrenceRule {
            count,
            until,
            ..daily()
        };
        let run_rule = |rule| run(event(Some(rule), "2024-01-01T09:00:00"));
        assert_eq!(
            end_of(&run_rule(with(Some(4), None))),
            RecurrenceEnd::AfterOccurrences(4)
        );
        assert_eq!(end_of(&run_rule(daily())), RecurrenceEnd::Never);
        let date_until = Some(DateValue::new("2024-01-05", None));
        assert_eq!(
            end_of(&run_rule(with(None, date_until.clone()))),
            RecurrenceEnd::OnDate(date("2024-01-05"))
        );
        assert_eq!(
            end_of(&run_rule(with(Some(10), date_until))),
            RecurrenceEnd::AfterOccurrences(5)
        );
        // A local UNTIL before the start's time of day ends the day before.
        let early = Some(DateValue::new("2024-01-05T08:00:00", BERLIN));
        assert_eq!(
            end_of(&run_rule(with(None, early))),
            RecurrenceEnd::OnDate(date("2024-01-04"))
        );
        // In UTC: 08:30Z is 09:30 in Berlin, after the start.
        let utc = Some(DateValue::new("2024-01-05T08:30:00", Some("UTC")));
        assert_eq!(
            end_of(&run_rule(with(None, utc))),
            RecurrenceEnd::OnDate(date("2024-01-05"))
        );
        let before = Some(DateValue::new("2023-12-01", None));
        let only_start = run_rule(with(None, before));
        assert_eq!(created(&only_start).len(), 1);
        assert_eq!(created(&only_start)[0].recurrence, None);
    }

    #[test]
    fn expanded_series_leave_out_removed_dates_and_name_the_cut() {
        let mut item = event(
            Some(RecurrenceRule {
                count: Some(4),
                ..twice_a_month()
            }),
            "2024-01-01T09:00:00",
        );
        item.exdates = vec![DateValue::new("2024-01-15T09:00:00", BERLIN)];
        let conversion = run(item);
        let starts: Vec<String> = created(&conversion)
            .iter()
            .map(|i| i.start.local.to_string())
            .collect();
        assert_eq!(
            starts,
            [
                "2024-01-01 09:00:00",
                "2024-02-01 09:00:00",
                "2024-02-15 09:00:00"
            ]
        );
        assert!(
            conversion
                .operations
                .iter()
                .all(|op| matches!(op, Operation::Create(_)))
        );

        let endless = run(event(Some(twice_a_month()), "2024-01-01T09:00:00"));
        assert_eq!(created(&endless).len(), 10);
        let cut = endless
            .losses
            .iter()
            .find(|l| l.reason.contains("never ends"))
            .unwrap();
        assert!(cut.reason.contains("first 10, up to 2024-05-15"), "{cut:?}");

        let hours = run(event(
            Some(RecurrenceRule {
                by_time: true,
                count: Some(2),
                ..daily()
            }),
            "2024-01-01T09:00:00",
        ));
        assert!(
            hours
                .losses
                .iter()
                .any(|l| l.reason.contains("chosen hours")),
            "{hours:?}"
        );
    }

    #[test]
    fn removed_and_extra_dates_of_a_series() {
        let mut item = event(
            Some(RecurrenceRule {
                count: Some(5),
                ..daily()
            }),
            "2024-01-01T09:00:00",
        );
        item.exdates = vec![DateValue::new("2024-01-02", None)];
        item.rdates = vec![DateValue::new("2024-02-01T08:00:00", Some("UTC"))];
        let conversion = run(item);
        assert!(
            matches!(&created(&conversion)[0].recurrence, Some(r) if r.pattern == Pattern::Daily { interval: 1 })
        );
        assert!(matches!(
            &conversion.operations[1],
            Operation::DeleteOccurrence { series_key, original_start }
                if series_key == "u1" && original_start.local.to_string() == "2024-01-02 09:00:00"
        ));
        let extra = created(&conversion)[1];
        assert_eq!(extra.start.local.to_string(), "2024-02-01 09:00:00");
        assert_eq!(
            extra.source_key.as_deref(),
            Some("u1\u{0}2024-02-01T09:00:00")
        );
        assert!(conversion.losses.iter().any(|l| l.field == "rdate"));

        let mut only_dates = event(None, "2024-01-01T09:00:00");
        only_dates.rdates = vec![DateValue::new("2024-01-03T09:00:00", BERLIN)];
        assert_eq!(created(&run(only_dates)).len(), 2);
    }
}
