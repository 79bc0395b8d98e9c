//! Times as Exchange holds them: a wall-clock time plus the zone it is
//! read in (UTC, a Windows zone ID, or a zone the file defines), and how
//! a file's TZID becomes one.

use super::Loss;
use crate::mapping::zones::{ZoneKind, classify};
use crate::model::{DateValue, ZoneDefinition};
use calcard::common::timezone::Tz;
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use std::str::FromStr;

/// The zone a time is read in on Exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExchangeZone {
    Utc,
    /// A Windows zone ID Exchange knows, e.g. `W. Europe Standard Time`.
    Windows(String),
    /// A zone the file defines, spelled out for Exchange.
    Custom(ZoneDefinition),
}

impl ExchangeZone {
    /// The zone's ID for Exchange: `UTC`, the Windows ID, or the file's TZID.
    pub fn id(&self) -> &str {
        match self {
            ExchangeZone::Utc => "UTC",
            ExchangeZone::Windows(id) => id,
            ExchangeZone::Custom(zone) => &zone.id,
        }
    }

    /// The UTC time of `local` read in this zone. A local time skipped by
    /// a change to daylight time is read with the offset before it; one
    /// repeated by the change back, as its first instance.
    pub fn to_utc(&self, local: NaiveDateTime) -> NaiveDateTime {
        match self {
            ExchangeZone::Utc => local,
            ExchangeZone::Custom(zone) => {
                local - Duration::minutes(i64::from(zone.offset_at_local(local)))
            }
            ExchangeZone::Windows(id) => match windows_zone(id) {
                Some(tz) => tz
                    .from_local_datetime(&local)
                    .earliest()
                    .or_else(|| {
                        tz.from_local_datetime(&(local + Duration::hours(1)))
                            .earliest()
                    })
                    .map_or(local, |at| at.naive_utc()),
                None => local,
            },
        }
    }

    /// The wall-clock time in this zone at the UTC time `utc`.
    pub fn from_utc(&self, utc: NaiveDateTime) -> NaiveDateTime {
        match self {
            ExchangeZone::Utc => utc,
            ExchangeZone::Custom(zone) => {
                utc + Duration::minutes(i64::from(zone.offset_at_utc(utc)))
            }
            ExchangeZone::Windows(id) => match windows_zone(id) {
                Some(tz) => tz.from_utc_datetime(&utc).naive_local(),
                None => utc,
            },
        }
    }
}

/// The rules of a Windows zone: calcard knows most Windows IDs by name;
/// the others through their IANA name in CLDR's table.
fn windows_zone(id: &str) -> Option<Tz> {
    Tz::from_str(id).ok().or_else(|| match classify(id, &[]) {
        ZoneKind::Windows { iana } => Tz::from_str(&iana).ok(),
        _ => None,
    })
}

/// A wall-clock time and the zone it is read in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WallClock {
    pub local: NaiveDateTime,
    pub zone: ExchangeZone,
}

impl WallClock {
    /// The same instant in UTC.
    pub fn to_utc(&self) -> NaiveDateTime {
        self.zone.to_utc(self.local)
    }

    /// The same instant on the clock of `zone`.
    pub fn in_zone(&self, zone: &ExchangeZone) -> WallClock {
        let local = if zone == &self.zone {
            self.local
        } else {
            zone.from_utc(self.to_utc())
        };
        WallClock {
            local,
            zone: zone.clone(),
        }
    }
}

/// Turns the zones of a file's times into Exchange zones, naming every
/// time that had to be read as UTC.
pub struct ZoneResolver<'a> {
    defined: &'a [ZoneDefinition],
    defined_ids: Vec<String>,
    /// The zone dates (all-day items) are placed in.
    date_zone: ExchangeZone,
}

impl<'a> ZoneResolver<'a> {
    /// `defined` are the zones the file defines; `date_zone` the TZID
    /// (IANA or Windows) all-day items are placed in, UTC when none.
    pub fn new(defined: &'a [ZoneDefinition], date_zone: Option<&str>) -> Self {
        let defined_ids = defined.iter().map(|zone| zone.id.clone()).collect();
        let mut resolver = Self {
            defined,
            defined_ids,
            date_zone: ExchangeZone::Utc,
        };
        if let Some(zone) = date_zone.and_then(|tzid| resolver.known(tzid)) {
            resolver.date_zone = zone;
        }
        resolver
    }

    fn known(&self, tzid: &str) -> Option<ExchangeZone> {
        match classify(tzid, &self.defined_ids) {
            ZoneKind::Utc => Some(ExchangeZone::Utc),
            ZoneKind::Iana { windows } => Some(ExchangeZone::Windows(windows)),
            // The canonical spelling of the Windows ID, through its IANA name.
            ZoneKind::Windows { iana } => match classify(&iana, &[]) {
                ZoneKind::Iana { windows } => Some(ExchangeZone::Windows(windows)),
                _ => Some(ExchangeZone::Windows(tzid.trim().to_string())),
            },
            ZoneKind::DefinedInFile | ZoneKind::Unknown => self
                .defined
                .iter()
                .find(|zone| zone.id.trim() == tzid.trim())
                .cloned()
                .map(ExchangeZone::Custom),
        }
    }

    /// `value` as an Exchange time; `field` names it in a loss when its
    /// zone is not known (or missing) and the time is read as UTC.
    /// `None` for a value that is not a date.
    pub fn wall_clock(
        &self,
        value: &DateValue,
        field: &str,
        losses: &mut Vec<Loss>,
    ) -> Option<WallClock> {
        if value.is_date() {
            let date = NaiveDate::parse_from_str(&value.local, "%Y-%m-%d").ok()?;
            return Some(WallClock {
                local: date.and_time(NaiveTime::MIN),
                zone: self.date_zone.clone(),
            });
        }
        let local = NaiveDateTime::parse_from_str(&value.local, "%Y-%m-%dT%H:%M:%S").ok()?;
        let zone = match value.zone.as_deref() {
            Some(tzid) => self.known(tzid).unwrap_or_else(|| {
                add_loss(
                    losses,
                    field,
                    format!("The time zone “{tzid}” is not known; the time is written as UTC"),
                );
                ExchangeZone::Utc
            }),
            None => {
                add_loss(
                    losses,
                    field,
                    "The time has no time zone; it is written as UTC".to_string(),
                );
                ExchangeZone::Utc
            }
        };
        Some(WallClock { local, zone })
    }
}

/// Adds a loss unless the same one is there already.
fn add_loss(losses: &mut Vec<Loss>, field: &str, reason: String) {
    let loss = Loss::new(field, reason);
    if !losses.contains(&loss) {
        losses.push(loss);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S").unwrap()
    }

    #[test]
    fn names_become_exchange_zones() {
        let custom = ZoneDefinition::fixed("My Zone", 330);
        let defined = [custom.clone()];
        let resolver = ZoneResolver::new(&defined, Some("Europe/Berlin"));
        let mut losses = Vec::new();
        let zone = |tzid: Option<&str>, losses: &mut Vec<Loss>| {
            resolver
                .wall_clock(
                    &DateValue::new("2024-07-01T10:00:00", tzid),
                    "start",
                    losses,
                )
                .unwrap()
                .zone
        };
        assert_eq!(
            zone(Some("America/New_York"), &mut losses),
            ExchangeZone::Windows("Eastern Standard Time".into())
        );
        assert_eq!(
            zone(Some("w. europe standard time"), &mut losses),
            ExchangeZone::Windows("W. Europe Standard Time".into())
        );
        assert_eq!(
            zone(Some("My Zone"), &mut losses),
            ExchangeZone::Custom(custom)
        );
        assert!(losses.is_empty());
        assert_eq!(zone(Some("Mars/Olympus"), &mut losses), ExchangeZone::Utc);
        assert_eq!(zone(None, &mut losses), ExchangeZone::Utc);
        assert_eq!(losses.len(), 2, "{losses:?}");
        let date = resolver
            .wall_clock(&DateValue::new("2024-07-01", None), "start", &mut losses)
            .unwrap();
        assert_eq!(
            date.zone,
            ExchangeZone::Windows("W. Europe Standard Time".into())
        );
        assert_eq!(date.local, at("2024-07-01T00:00:00"));
    }

    #[test]
    fn instants_convert_both_ways() {
        let berlin = ExchangeZone::Windows("W. Europe Standard Time".into());
        assert_eq!(
            berlin.to_utc(at("2024-07-01T10:00:00")),
            at("2024-07-01T08:00:00")
        );
        assert_eq!(
            berlin.from_utc(at("2024-01-01T08:00:00")),
            at("2024-01-01T09:00:00")
        );
        // Skipped by the change to summer time: read with the offset before.
        assert_eq!(
            berlin.to_utc(at("2024-03-31T02:30:00")),
            at("2024-03-31T01:30:00")
        );
        let india = ExchangeZone::Custom(ZoneDefinition::fixed("India", 330));
        let noon = WallClock {
            local: at("2024-07-01T12:00:00"),
            zone: india,
        };
        assert_eq!(noon.to_utc(), at("2024-07-01T06:30:00"));
        assert_eq!(noon.in_zone(&berlin).local, at("2024-07-01T08:30:00"));
    }
}
