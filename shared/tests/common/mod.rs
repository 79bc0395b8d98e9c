//! What the converter tests share: fixture paths, the corpus's files, and
//! a file's items converted to the Exchange shape with the rules every
//! test uses (Europe/Berlin for floating times and dates).

use ferry_shared::convert::exchange::{ExchangeConversion, ExchangeOptions, convert};
use ferry_shared::mapping::{AttendeeMode, MappingRules, map_report};
use ferry_shared::model::ZoneDefinition;
use ferry_shared::{ParseLimits, inspect};
use std::path::{Path, PathBuf};

/// The zone floating times and dates are read in.
pub const DATE_ZONE: &str = "Europe/Berlin";

/// A path relative to the repository's root.
pub fn repository(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative)
}

/// Every file under `relative` (recursively) with one of `extensions`,
/// sorted.
pub fn files_under(relative: &str, extensions: &[&str]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![repository(relative)];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("folder is readable") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path
                .extension()
                .is_some_and(|e| extensions.iter().any(|x| e == *x))
            {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The zones a calendar file defines (its VTIMEZONEs).
pub fn defined_zones(bytes: &[u8]) -> Vec<ZoneDefinition> {
    ferry_shared::ical::vtimezone::defined_zones(bytes, &ParseLimits::default())
}

/// The mapping rules of the tests, with `mode` for attendees.
pub fn rules(mode: AttendeeMode) -> MappingRules {
    MappingRules {
        default_zone: Some(DATE_ZONE.into()),
        attendees: mode,
        ..MappingRules::default()
    }
}

/// Every item of the file at `path` in the Exchange shape; nothing when
/// the file cannot be read at all.
pub fn exchange_file(path: &Path, mode: AttendeeMode) -> Vec<ExchangeConversion> {
    let bytes = std::fs::read(path).expect("fixture is readable");
    let Ok(report) = inspect(&bytes, &ParseLimits::default()) else {
        return Vec::new();
    };
    let zones = defined_zones(&bytes);
    let options = ExchangeOptions {
        date_zone: Some(DATE_ZONE.into()),
        ..ExchangeOptions::default()
    };
    map_report(&report, &rules(mode))
        .iter()
        .map(|mapped| convert(mapped, &zones, &options))
        .collect()
}
