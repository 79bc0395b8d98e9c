//! The occurrences the EWS and Graph stand-ins list for the series a
//! file creates. The stand-ins do not expand repeat rules themselves:
//! a test tells them each series' occurrence starts (UTC), computed here
//! from the file by Ferry's own mapping, converter and expansion — the
//! same way the command under test converts it.

use ferry_shared::ParseLimits;
use ferry_shared::convert::exchange::{
    ExchangeItem, ExchangeOptions, Operation, WallClock, convert, expand::occurrences,
};
use ferry_shared::mapping::{MappingRules, map_report};
use std::collections::HashMap;

/// Occurrences listed per series, at most.
const MOST_OCCURRENCES: usize = 400;

/// Each series' source key and its occurrence starts (`…Z`), for the
/// series `bytes` (an export) creates when mapped with `rules` and
/// converted with `options`.
pub fn series_starts(
    bytes: &[u8],
    rules: &MappingRules,
    options: &ExchangeOptions,
) -> HashMap<String, Vec<String>> {
    let limits = ParseLimits::default();
    let Ok(report) = ferry_shared::inspect(bytes, &limits) else {
        return HashMap::new();
    };
    let zones = ferry_shared::ical::vtimezone::defined_zones(bytes, &limits);
    let mut series = HashMap::new();
    for mapped in map_report(&report, rules) {
        let Some(rule) = &mapped.item.rule else {
            continue;
        };
        for operation in convert(&mapped, &zones, options).operations {
            if let Operation::Create(ExchangeItem::Event(item)) = operation
                && item.recurrence.is_some()
                && let Some(key) = item.source_key.clone()
            {
                let starts = occurrences(rule, item.start.local, None)
                    .take(MOST_OCCURRENCES)
                    .map(|local| {
                        let zone = item.start.zone.clone();
                        let at = WallClock { local, zone };
                        at.to_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string()
                    })
                    .collect();
                series.insert(key, starts);
            }
        }
    }
    series
}
