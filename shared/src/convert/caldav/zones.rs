//! Time-zone definitions copied from the source file.
//!
//! RFC 5545 §3.6.5 wants a VTIMEZONE for every TZID an object uses.
//! Ferry does not make definitions up: a TZID is written as the item has
//! it (servers and clients resolve IANA names themselves, and RFC 7809
//! lets a server do without VTIMEZONEs), and when the source file defined
//! the zone, that definition is copied into every resource using it — the
//! only way a server learns what a custom or Windows-named zone means.
//! A definition strict servers cannot read is replaced (see
//! `strict_zone`).

use super::text::{ContentLine, ObjectText};
use crate::ical::scan::{scan, time_zone_id};
use crate::limits::ParseLimits;

/// A VTIMEZONE of the source file: its TZID and its content lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceZone {
    pub tzid: String,
    /// Unfolded, from `BEGIN:VTIMEZONE` through `END:VTIMEZONE`.
    lines: Vec<String>,
}

impl SourceZone {
    /// The definition in a VTIMEZONE's text; None when the text is not a
    /// complete VTIMEZONE with a TZID. Lines that are not content lines
    /// (no name before `:`) are left out.
    pub fn from_text(text: &str) -> Option<Self> {
        let tzid = time_zone_id(text)?;
        let unfolded = text
            .replace("\r\n ", "")
            .replace("\r\n\t", "")
            .replace("\n ", "")
            .replace("\n\t", "");
        let lines: Vec<String> = unfolded
            .lines()
            .map(str::trim_end)
            .filter(|line| is_content_line(line))
            .map(str::to_string)
            .collect();
        let first = lines.first()?;
        let last = lines.last()?;
        let complete = first.eq_ignore_ascii_case("BEGIN:VTIMEZONE")
            && last.eq_ignore_ascii_case("END:VTIMEZONE")
            && lines.len() > 2;
        complete.then_some(Self { tzid, lines })
    }

    /// Its content lines, unfolded.
    pub(super) fn lines(&self) -> &[String] {
        &self.lines
    }

    /// Appends the definition, folded.
    pub(super) fn write(&self, text: &mut ObjectText) {
        for line in &self.lines {
            text.push(ContentLine::verbatim(line));
        }
    }
}

/// `NAME[;params]:value`, the name made of letters, digits and `-`.
fn is_content_line(line: &str) -> bool {
    let Some(colon) = line.find(':') else {
        return false;
    };
    let name_end = line[..colon].find(';').unwrap_or(colon);
    let name = &line[..name_end];
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Every complete VTIMEZONE of an iCalendar file's text (none when the
/// file cannot be scanned; the reader reports why).
pub fn zone_definitions(ics: &str, limits: &ParseLimits) -> Vec<SourceZone> {
    let Ok(outline) = scan(ics, limits) else {
        return Vec::new();
    };
    outline
        .components
        .iter()
        .filter(|span| span.name == "VTIMEZONE" && span.complete)
        .filter_map(|span| SourceZone::from_text(span.text))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CUSTOM: &str = "BEGIN:VTIMEZONE\r\nTZID:Custom\r\n  Zone\r\nBEGIN:STANDARD\r\nDTSTART:16010101T000000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n";

    #[test]
    fn a_definition_is_read_and_written_back_folded() {
        let zone = SourceZone::from_text(CUSTOM).unwrap();
        assert_eq!(zone.tzid, "Custom");
        let mut text = ObjectText::default();
        zone.write(&mut text);
        assert_eq!(text.into_string(), CUSTOM.replace("\r\n  Zone", " Zone"));
    }

    #[test]
    fn incomplete_definitions_are_refused() {
        assert_eq!(SourceZone::from_text("BEGIN:VTIMEZONE\r\nTZID:X\r\n"), None);
        assert_eq!(
            SourceZone::from_text("BEGIN:VTIMEZONE\r\nEND:VTIMEZONE\r\n"),
            None
        );
    }

    #[test]
    fn every_zone_of_a_file_is_found() {
        let file = format!(
            "BEGIN:VCALENDAR\r\n{CUSTOM}BEGIN:VEVENT\r\nUID:1\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        );
        let zones = zone_definitions(&file, &ParseLimits::default());
        assert_eq!(zones.len(), 1);
        assert_eq!(zones[0].tzid, "Custom");
    }
}
