//! Time-zone definitions from the source file that strict servers cannot
//! read, replaced by ones they can.
//!
//! Radicale reads VTIMEZONEs with python-dateutil, which refuses what
//! RFC 5545 does not allow there and some exporters write anyway: an
//! observance whose DTSTART is a date or names a zone itself (Evolution,
//! MailClient), a definition without TZID or without observance, an
//! offset that is not `±HHMM[SS]`. Refused, the whole resource is lost.
//! Such a definition is replaced, and the replacement named:
//! * by the time-zone database's rules, when the TZID names a zone it
//!   knows (an IANA name, a Windows or Outlook name): the rules in force
//!   in the year of the resource's first start;
//! * else by the file's own rules, as Ferry reads them leniently (the
//!   rules in force last, see [`crate::ical::vtimezone`]);
//! * else it is left out: the times keep the zone's name, as for any zone
//!   the file does not define.
//!
//! A zone the file does not define is written as a name alone when it is
//! an IANA name (servers resolve those themselves). Any other name is
//! defined in the resource itself: from the time-zone database when it
//! knows the name (Windows and Outlook names), else as UTC — the times
//! are then read as UTC, as the Exchange converter reads them — each
//! named. A name left undefined would be read as the server pleases:
//! Radicale (vobject) resolves it from a table shared by its whole
//! process, so the same resource meant UTC or the zone some earlier
//! upload defined, and was refused when that mixed with its other times
//! ("can't subtract offset-naive and offset-aware datetimes").

use super::text::ObjectText;
use super::zone_rules::{database_rules, write_vtimezone};
use super::zones::SourceZone;
use crate::ical::vtimezone::read_vtimezone;
use crate::mapping::zones::{ZoneKind, classify};
use crate::model::ZoneDefinition;
use calcard::common::timezone::Tz;
use std::str::FromStr;

/// The year whose rules are used when the resource has no start.
const FALLBACK_YEAR: i32 = 2024;

/// Appends `zone`, or its replacement when strict servers cannot read it;
/// the named replacement, if any. `year` is the year of the resource's
/// first start.
pub(super) fn write_zone(
    zone: &SourceZone,
    year: Option<i32>,
    text: &mut ObjectText,
) -> Option<String> {
    let Some(problem) = problem(zone.lines()) else {
        zone.write(text);
        return None;
    };
    let tzid = &zone.tzid;
    let refused = format!(
        "The file's definition of the time zone “{tzid}” is one strict servers cannot read ({problem})"
    );
    if let Some(rules) = from_database(tzid, year, text) {
        return Some(format!("{refused}; it is replaced by {rules}"));
    }
    if let Some(rules) = read_vtimezone(&zone.lines().join("\r\n")) {
        write_vtimezone(tzid, &rules, text);
        return Some(format!(
            "{refused}; it is written anew from its own rules in force last (earlier changes of its rules are not kept)"
        ));
    }
    Some(format!(
        "{refused}; it is left out, and the times keep the zone's name, which the server may not know"
    ))
}

/// Appends a definition of `tzid`, a zone the file uses but does not
/// define, unless it is an IANA name (see the module's documentation).
/// The definition comes from the time-zone database when the name maps
/// (a Windows or Outlook name); else the zone is defined as UTC. The
/// addition named, if any. `year` as for [`write_zone`].
pub(super) fn write_missing_zone(
    tzid: &str,
    year: Option<i32>,
    text: &mut ObjectText,
) -> Option<String> {
    let iana = Tz::from_str(tzid.trim())
        .ok()
        .and_then(|tz| tz.name())
        .is_some_and(|name| name == tzid.trim());
    if iana {
        return None;
    }
    let missing = format!(
        "The time zone “{tzid}” is not defined in the file (servers would read its name each their own way)"
    );
    if let Some(rules) = from_database(tzid, year, text) {
        return Some(format!("{missing}; it is defined by {rules}"));
    }
    write_vtimezone(tzid, &ZoneDefinition::fixed(tzid, 0), text);
    Some(format!(
        "{missing}, and the time-zone database does not know it; it is defined as UTC, so its times are read as UTC"
    ))
}

/// Appends the time-zone database's definition of `tzid` (its rules in
/// `year`, see [`write_zone`]) when it knows the zone; what was written,
/// in words.
fn from_database(tzid: &str, year: Option<i32>, text: &mut ObjectText) -> Option<String> {
    let year = year.unwrap_or(FALLBACK_YEAR);
    let (name, tz) = database_zone(tzid)?;
    let rules = database_rules(tzid, &tz, year)?;
    write_vtimezone(tzid, &rules, text);
    Some(format!(
        "the time-zone database's rules for {name} in {year}"
    ))
}

/// The database zone `tzid` names, with its IANA name.
fn database_zone(tzid: &str) -> Option<(String, Tz)> {
    let tz = Tz::from_str(tzid.trim())
        .ok()
        .or_else(|| match classify(tzid, &[]) {
            ZoneKind::Windows { iana } => Tz::from_str(&iana).ok(),
            _ => None,
        })?;
    let name = tz
        .name()
        .map_or_else(|| tzid.to_string(), |name| name.into_owned());
    Some((name, tz))
}

/// What a strict reader refuses in a definition's unfolded lines; None
/// when it reads it.
fn problem(lines: &[String]) -> Option<String> {
    let mut tzid = false;
    let mut observances = 0;
    let mut inside: Option<String> = None;
    let mut has_start = false;
    let mut offsets = 0;
    for line in lines {
        let (head, value) = line.split_once(':').unwrap_or((line, ""));
        let mut parts = head.split(';');
        let name = parts.next().unwrap_or_default().to_ascii_uppercase();
        let params: Vec<&str> = parts.collect();
        match (name.as_str(), &inside) {
            ("BEGIN", None)
                if value.eq_ignore_ascii_case("STANDARD")
                    || value.eq_ignore_ascii_case("DAYLIGHT") =>
            {
                inside = Some(value.to_ascii_uppercase());
                has_start = false;
                offsets = 0;
            }
            ("END", Some(observance)) if value.eq_ignore_ascii_case(observance) => {
                if !has_start {
                    return Some(format!("a {observance} without DTSTART"));
                }
                if offsets < 2 {
                    return Some(format!("a {observance} without TZOFFSETFROM or TZOFFSETTO"));
                }
                observances += 1;
                inside = None;
            }
            ("TZID", None) => tzid = params.is_empty() && !value.trim().is_empty(),
            ("DTSTART", Some(_)) => {
                if let Some(param) = params
                    .iter()
                    .find(|p| !p.eq_ignore_ascii_case("VALUE=DATE-TIME"))
                {
                    return Some(format!("an observance starts with DTSTART;{param}"));
                }
                if !is_local_date_time(value) {
                    return Some(format!(
                        "an observance starts at “{value}”, not a local date-time"
                    ));
                }
                has_start = true;
            }
            ("TZOFFSETFROM" | "TZOFFSETTO", Some(_)) => {
                if !params.is_empty() || !is_offset(value) {
                    return Some(format!("the offset “{line}”"));
                }
                offsets += 1;
            }
            _ => {}
        }
    }
    if !tzid {
        return Some("no valid TZID".to_string());
    }
    (observances == 0).then(|| "no STANDARD or DAYLIGHT observance".to_string())
}

/// `YYYYMMDDTHHMMSS`.
fn is_local_date_time(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes.len() == 15
        && bytes[8] == b'T'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 8 || b.is_ascii_digit())
}

/// `±HHMM` or `±HHMMSS`.
fn is_offset(value: &str) -> bool {
    let Some(digits) = value.strip_prefix(['+', '-']) else {
        return false;
    };
    matches!(digits.len(), 4 | 6) && digits.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_string).collect()
    }

    const EVOLUTION: &str = "BEGIN:VTIMEZONE\nTZID:Arabian Standard Time\nBEGIN:STANDARD\nDTSTART;VALUE=DATE:20200101\nTZNAME:Arabian Standard Time\nTZOFFSETFROM:+0400\nTZOFFSETTO:+0400\nEND:STANDARD\nEND:VTIMEZONE";

    #[test]
    fn what_strict_readers_refuse_is_found() {
        assert_eq!(
            problem(&lines(EVOLUTION)).as_deref(),
            Some("an observance starts with DTSTART;VALUE=DATE")
        );
        let zoned = EVOLUTION.replace(
            "DTSTART;VALUE=DATE:20200101",
            "DTSTART;TZID=X:20200101T000000",
        );
        assert_eq!(
            problem(&lines(&zoned)).as_deref(),
            Some("an observance starts with DTSTART;TZID=X")
        );
        let fine = EVOLUTION.replace("DTSTART;VALUE=DATE:20200101", "DTSTART:20200101T000000");
        assert_eq!(problem(&lines(&fine)), None);
        let no_tzid = fine.replace("TZID:Arabian Standard Time\n", "");
        assert_eq!(problem(&lines(&no_tzid)).as_deref(), Some("no valid TZID"));
        let bad_offset = fine.replace("TZOFFSETTO:+0400", "TZOFFSETTO:+4");
        assert!(problem(&lines(&bad_offset)).unwrap().contains("offset"));
    }

    #[test]
    fn a_known_zone_is_replaced_from_the_database_and_named() {
        let zone = SourceZone::from_text(&EVOLUTION.replace('\n', "\r\n")).unwrap();
        let mut text = ObjectText::default();
        let loss = write_zone(&zone, Some(2021), &mut text).unwrap();
        assert_eq!(
            text.into_string(),
            "BEGIN:VTIMEZONE\r\nTZID:Arabian Standard Time\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0400\r\nTZOFFSETTO:+0400\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
        );
        assert!(loss.contains("DTSTART;VALUE=DATE"), "{loss}");
        assert!(
            loss.contains("time-zone database's rules for Asia/"),
            "{loss}"
        );
    }

    #[test]
    fn an_unknown_zone_is_written_from_its_own_rules_and_a_readable_one_as_it_is() {
        let own = EVOLUTION
            .replace("Arabian Standard Time", "Company Time")
            .replace('\n', "\r\n");
        let zone = SourceZone::from_text(&own).unwrap();
        let mut text = ObjectText::default();
        let loss = write_zone(&zone, None, &mut text).unwrap();
        assert!(loss.contains("its own rules"), "{loss}");
        assert!(text.into_string().contains("TZOFFSETTO:+0400\r\n"));

        let fine = SourceZone::from_text(
            &own.replace("DTSTART;VALUE=DATE:20200101", "DTSTART:20200101T000000"),
        )
        .unwrap();
        let mut text = ObjectText::default();
        assert_eq!(write_zone(&fine, None, &mut text), None);
        assert!(text.into_string().contains("DTSTART:20200101T000000\r\n"));
    }
}
