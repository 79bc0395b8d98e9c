//! Values every Graph resource Ferry writes shares: times as
//! `dateTimeTimeZone`, the source key as an extended property,
//! importance and sensitivity.
//!
//! Graph takes Windows zone names and `UTC`, not zones spelled out: a
//! time in a zone the file defines is sent as the same instant in UTC
//! ([`WallClock::to_utc`]).

use super::resources::{DateTimeTimeZone, ExtendedProperty, Importance, Sensitivity};
use crate::convert::encode_source_key;
use crate::convert::exchange::{self, ExchangeZone, WallClock};
use crate::convert::{SOURCE_PROPERTY_NAME, SOURCE_PROPERTY_SET};
use chrono::NaiveDateTime;

/// `String {GUID} Name FerrySourceKey`: the id of Ferry's source-key
/// property, the same MAPI property EWS writes.
pub fn source_property_id() -> String {
    format!("String {{{SOURCE_PROPERTY_SET}}} Name {SOURCE_PROPERTY_NAME}")
}

/// The value the property holds for `key`: encoded exactly as EWS
/// writes it, so that an item created through either API is found
/// through the other.
pub fn source_property_value(key: &str) -> String {
    encode_source_key(key)
}

/// The source-key property of an item, none without key.
pub fn source_key_properties(key: Option<&str>) -> Vec<ExtendedProperty> {
    key.map(|key| ExtendedProperty {
        id: source_property_id(),
        value: source_property_value(key),
    })
    .into_iter()
    .collect()
}

/// The zone name Graph is given for `zone`: the Windows name, or `UTC`
/// for UTC and for zones the file defines.
pub fn zone_name(zone: &ExchangeZone) -> &str {
    match zone {
        ExchangeZone::Windows(id) => id,
        ExchangeZone::Utc | ExchangeZone::Custom(_) => "UTC",
    }
}

/// The clock `time` is sent on: its own in a Windows zone or UTC; UTC
/// for a zone the file defines (the same instant).
pub fn sent_clock(time: &WallClock) -> NaiveDateTime {
    match time.zone {
        ExchangeZone::Custom(_) => time.to_utc(),
        _ => time.local,
    }
}

/// `time` as Graph reads it (see [`sent_clock`]).
pub fn date_time(time: &WallClock) -> DateTimeTimeZone {
    DateTimeTimeZone {
        date_time: sent_clock(time).format("%Y-%m-%dT%H:%M:%S").to_string(),
        time_zone: zone_name(&time.zone).to_string(),
    }
}

/// A date (all-day items, task dates) as Graph reads it: midnight of
/// that day on the zone's own clock. A zone the file defines has no
/// name Graph knows; the day is kept, read in UTC.
pub fn date_only(time: &WallClock) -> DateTimeTimeZone {
    DateTimeTimeZone {
        date_time: time.local.format("%Y-%m-%dT00:00:00").to_string(),
        time_zone: zone_name(&time.zone).to_string(),
    }
}

pub fn importance(value: exchange::Importance) -> Importance {
    match value {
        exchange::Importance::Low => Importance::Low,
        exchange::Importance::Normal => Importance::Normal,
        exchange::Importance::High => Importance::High,
    }
}

pub fn sensitivity(value: exchange::Sensitivity) -> Sensitivity {
    match value {
        exchange::Sensitivity::Normal => Sensitivity::Normal,
        exchange::Sensitivity::Personal => Sensitivity::Personal,
        exchange::Sensitivity::Private => Sensitivity::Private,
        exchange::Sensitivity::Confidential => Sensitivity::Confidential,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ZoneDefinition;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S").unwrap()
    }

    #[test]
    fn custom_zones_become_utc_and_windows_zones_stay() {
        let india = WallClock {
            local: at("2024-07-01T12:00:00"),
            zone: ExchangeZone::Custom(ZoneDefinition::fixed("India", 330)),
        };
        assert_eq!(
            date_time(&india),
            DateTimeTimeZone {
                date_time: "2024-07-01T06:30:00".into(),
                time_zone: "UTC".into()
            }
        );
        assert_eq!(date_only(&india).date_time, "2024-07-01T00:00:00");
        let berlin = WallClock {
            local: at("2024-07-01T12:00:00"),
            zone: ExchangeZone::Windows("W. Europe Standard Time".into()),
        };
        assert_eq!(date_time(&berlin).date_time, "2024-07-01T12:00:00");
        assert_eq!(date_time(&berlin).time_zone, "W. Europe Standard Time");
    }

    #[test]
    fn the_source_key_is_encoded_as_ews_writes_it() {
        assert_eq!(
            source_property_id(),
            "String {9c8f0e2a-6b1d-4f5e-a3c7-2d4b8e1f6a90} Name FerrySourceKey"
        );
        let properties = source_key_properties(Some("a\u{0}2024-01-01T09:00:00"));
        assert_eq!(properties[0].value, "a%002024-01-01T09:00:00");
        assert!(source_key_properties(None).is_empty());
    }
}
