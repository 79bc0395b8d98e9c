//! What reading one export file gives the rest of Ferry: its items (in
//! the [`crate::model`]), what was skipped, and the problems found. This is
//! the JSON printed by `ferry inspect` and what the preview shows.
//!
//! These types are plain data (serde), so the browser, the CLI and the JSON
//! API agree on one shape.

use crate::model::Item;
use crate::text::SourceEncoding;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The kinds of export Ferry reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileFormat {
    /// iCalendar (RFC 5545), `.ics`.
    #[serde(rename = "icalendar")]
    ICalendar,
    /// xCal (RFC 6321), iCalendar in XML.
    #[serde(rename = "xcal")]
    XCal,
    /// vCard 2.1, 3.0 or 4.0, `.vcf`.
    #[serde(rename = "vcard")]
    VCard,
    /// Outlook's "Export to a file → Comma Separated Values" of a calendar.
    OutlookCalendarCsv,
    /// Outlook's CSV export of contacts.
    OutlookContactsCsv,
    /// MDaemon (WorldClient) CSV export of a calendar.
    MdaemonCalendarCsv,
    /// MDaemon CSV export of contacts.
    MdaemonContactsCsv,
}

impl FileFormat {
    /// Name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            FileFormat::ICalendar => "iCalendar",
            FileFormat::XCal => "xCal (XML)",
            FileFormat::VCard => "vCard",
            FileFormat::OutlookCalendarCsv => "Outlook calendar CSV",
            FileFormat::OutlookContactsCsv => "Outlook contacts CSV",
            FileFormat::MdaemonCalendarCsv => "MDaemon calendar CSV",
            FileFormat::MdaemonContactsCsv => "MDaemon contacts CSV",
        }
    }

    /// CSV exports carry no time zone: the user must pick one.
    pub fn needs_time_zone(self) -> bool {
        matches!(
            self,
            FileFormat::OutlookCalendarCsv | FileFormat::MdaemonCalendarCsv
        )
    }
}

/// Everything read from one export file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileReport {
    pub format: FileFormat,
    /// How the file's bytes were decoded.
    pub encoding: SourceEncoding,
    /// Number of `VCALENDAR` objects in the file (exports often hold
    /// several); 0 for contact files and CSV.
    pub calendars: usize,
    /// Events, tasks and contacts, in file order.
    pub items: Vec<Item>,
    /// Components Ferry does not move (journals, free/busy, unknown ones),
    /// listed so that nothing is dropped silently.
    pub skipped: Vec<Skipped>,
    /// Problems found in the file, each naming its line where it has one.
    pub warnings: Vec<Warning>,
    /// Warnings beyond [`crate::ParseLimits::max_warnings`], counted only.
    pub more_warnings: usize,
    /// Time zones the file defines itself (TZIDs of its VTIMEZONEs), so
    /// that the mapping knows them even when they are not standard names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub time_zones: Vec<String>,
}

/// A component that is listed but not moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    /// Component name, e.g. `VJOURNAL` (or what a CSV row was).
    pub component: String,
    pub line: usize,
}

/// A problem in a file, in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// 1-based line the problem is on, when it is on one.
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "Line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}
