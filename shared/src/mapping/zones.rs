//! Time-zone names: which TZIDs a target will understand. Exchange wants
//! Windows zone IDs, CalDAV servers IANA ones; CLDR's windowsZones table
//! (in `shared/data/windows_zones.tsv`, with its source) links the two.

use std::collections::HashMap;
use std::sync::OnceLock;

/// How a TZID from a file is understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZoneKind {
    /// UTC (or GMT, Z, Etc/UTC).
    Utc,
    /// An IANA name; the Windows ID it maps to.
    Iana { windows: String },
    /// A Windows zone ID; its default IANA name.
    Windows { iana: String },
    /// Not a standard name, but defined by a VTIMEZONE in the file.
    DefinedInFile,
    /// Nobody knows it.
    Unknown,
}

/// Current IANA names (and common backward links) that CLDR's table
/// lists under another name; from the IANA tz database's `backward` file.
const ALIASES: &[(&str, &str)] = &[
    ("Asia/Kolkata", "Asia/Calcutta"),
    ("Europe/Kyiv", "Europe/Kiev"),
    ("Asia/Ho_Chi_Minh", "Asia/Saigon"),
    ("Asia/Kathmandu", "Asia/Katmandu"),
    ("Asia/Yangon", "Asia/Rangoon"),
    ("America/Argentina/Buenos_Aires", "America/Buenos_Aires"),
    ("America/Indiana/Indianapolis", "America/Indianapolis"),
    ("America/Kentucky/Louisville", "America/Louisville"),
    ("America/Nuuk", "America/Godthab"),
    ("Atlantic/Faroe", "Atlantic/Faeroe"),
    ("Pacific/Chuuk", "Pacific/Truk"),
    ("Pacific/Pohnpei", "Pacific/Ponape"),
    ("Pacific/Kanton", "Pacific/Enderbury"),
    ("US/Eastern", "America/New_York"),
    ("US/Central", "America/Chicago"),
    ("US/Mountain", "America/Denver"),
    ("US/Arizona", "America/Phoenix"),
    ("US/Pacific", "America/Los_Angeles"),
    ("US/Alaska", "America/Anchorage"),
    ("US/Hawaii", "Pacific/Honolulu"),
    ("Canada/Eastern", "America/Toronto"),
    ("Canada/Pacific", "America/Vancouver"),
    ("GB", "Europe/London"),
    ("Europe/Belfast", "Europe/London"),
];

struct Table {
    iana_to_windows: HashMap<String, String>,
    windows_to_iana: HashMap<String, String>,
    /// Every IANA name as written, sorted.
    iana_names: Vec<&'static str>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut iana_to_windows = HashMap::new();
        let mut windows_to_iana = HashMap::new();
        let mut iana_names = Vec::new();
        for line in include_str!("../../data/windows_zones.tsv").lines() {
            if line.starts_with('#') {
                continue;
            }
            let mut fields = line.split('\t');
            let (Some(windows), Some(territory), Some(ianas)) =
                (fields.next(), fields.next(), fields.next())
            else {
                continue;
            };
            for iana in ianas.split(' ').filter(|s| !s.is_empty()) {
                iana_names.push(iana);
                iana_to_windows
                    .entry(iana.to_ascii_lowercase())
                    .or_insert_with(|| windows.to_string());
                if territory == "001" {
                    windows_to_iana
                        .entry(windows.to_ascii_lowercase())
                        .or_insert_with(|| iana.to_string());
                }
            }
        }
        iana_names.sort_unstable();
        iana_names.dedup();
        Table {
            iana_to_windows,
            windows_to_iana,
            iana_names,
        }
    })
}

/// Understands `tzid`. `file_zones` are the TZIDs the file defines itself.
pub fn classify(tzid: &str, file_zones: &[String]) -> ZoneKind {
    let trimmed = tzid.trim().trim_matches('"');
    // Some exporters (Lotus, old Evolution) prefix IANA names with a path.
    let name = trimmed
        .strip_prefix("/freeassociation.sourceforge.net/Tzfile/")
        .or_else(|| trimmed.strip_prefix("/mozilla.org/20050126_1/"))
        .or_else(|| trimmed.strip_prefix('/'))
        .unwrap_or(trimmed);
    let lower = name.to_ascii_lowercase();
    if matches!(
        lower.as_str(),
        "utc" | "gmt" | "z" | "etc/utc" | "etc/gmt" | "zulu"
    ) {
        return ZoneKind::Utc;
    }
    let table = table();
    let lower = ALIASES
        .iter()
        .find(|(current, _)| current.eq_ignore_ascii_case(&lower))
        .map_or(lower.clone(), |(_, cldr)| cldr.to_ascii_lowercase());
    if let Some(windows) = table.iana_to_windows.get(&lower) {
        return ZoneKind::Iana {
            windows: windows.clone(),
        };
    }
    if let Some(iana) = table.windows_to_iana.get(&lower) {
        return ZoneKind::Windows { iana: iana.clone() };
    }
    if file_zones.iter().any(|z| z.trim() == tzid.trim()) {
        return ZoneKind::DefinedInFile;
    }
    ZoneKind::Unknown
}

/// Every IANA zone name CLDR links to a Windows zone, sorted: the
/// choices offered for the default time zone.
pub fn iana_names() -> Vec<&'static str> {
    table()
        .iana_names
        .iter()
        .copied()
        .filter(|name| name.contains('/') && !name.starts_with("Etc/"))
        .collect()
}

/// True when `tzid` is a zone name the user may pick as the default zone.
pub fn is_known(tzid: &str) -> bool {
    !matches!(
        classify(tzid, &[]),
        ZoneKind::Unknown | ZoneKind::DefinedInFile
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iana_windows_and_file_zones_are_told_apart() {
        assert_eq!(
            classify("Europe/Berlin", &[]),
            ZoneKind::Iana {
                windows: "W. Europe Standard Time".into()
            }
        );
        assert_eq!(
            classify("W. Europe Standard Time", &[]),
            ZoneKind::Windows {
                iana: "Europe/Berlin".into()
            }
        );
        assert_eq!(
            classify("/mozilla.org/20050126_1/America/New_York", &[]),
            ZoneKind::Iana {
                windows: "Eastern Standard Time".into()
            }
        );
        assert_eq!(classify("UTC", &[]), ZoneKind::Utc);
        let own = vec!["Custom Zone 7".to_string()];
        assert_eq!(classify("Custom Zone 7", &own), ZoneKind::DefinedInFile);
        assert_eq!(classify("Mars/Olympus", &own), ZoneKind::Unknown);
        assert!(is_known("Asia/Kolkata"));
        let names = iana_names();
        assert!(names.len() > 300, "{}", names.len());
        assert!(names.contains(&"Europe/Berlin"));
        assert!(names.iter().all(|n| is_known(n)));
        assert!(!is_known("Mars/Olympus"));
    }
}
