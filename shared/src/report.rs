//! What a parsed export looks like to the rest of Ferry: the rows of the
//! preview table and the JSON printed by `ferry inspect`.
//!
//! These types are plain data (serde), so the browser, the CLI and the JSON
//! API agree on one shape.

use crate::text::SourceEncoding;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Everything read from one calendar file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarReport {
    /// How the file's bytes were decoded.
    pub encoding: SourceEncoding,
    /// Number of `VCALENDAR` objects in the file (exports often hold several).
    pub calendars: usize,
    /// Events and tasks, in file order.
    pub items: Vec<Item>,
    /// Components Ferry does not move (journals, free/busy, unknown ones),
    /// listed so that nothing is dropped silently.
    pub skipped: Vec<Skipped>,
    /// Problems found in the file, each naming its line where it has one.
    pub warnings: Vec<Warning>,
    /// Warnings beyond [`crate::ParseLimits::max_warnings`], counted only.
    pub more_warnings: usize,
}

/// The kind of a calendar item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemKind {
    Event,
    Task,
}

impl ItemKind {
    /// Name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            ItemKind::Event => "Event",
            ItemKind::Task => "Task",
        }
    }
}

/// Whether an item repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Recurrence {
    /// A single occurrence.
    None,
    /// A repeating series (RRULE or RDATE).
    Series,
    /// A changed occurrence of a series (RECURRENCE-ID).
    Exception,
}

impl Recurrence {
    /// `true` for series and their changed occurrences.
    pub fn is_recurring(self) -> bool {
        !matches!(self, Recurrence::None)
    }
}

/// One event or task, as shown in the preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub kind: ItemKind,
    /// Line of the item's `BEGIN:` in the file (1-based).
    pub line: usize,
    pub uid: Option<String>,
    pub summary: Option<String>,
    pub start: Option<DateValue>,
    /// End of an event (DTEND, or DTSTART + DURATION), due date of a task.
    pub end: Option<DateValue>,
    /// Whole-day item (dates without a time).
    pub all_day: bool,
    /// Organizer as `Name <address>` or the bare address.
    pub organizer: Option<String>,
    pub attendees: usize,
    pub recurrence: Recurrence,
    /// Problems with this item, in plain words. Empty means it converts as is.
    pub notes: Vec<String>,
}

impl Item {
    /// The end as people read it. iCalendar's end of an all-day event is
    /// exclusive (a one-day event on the 3rd ends on the 4th); people expect
    /// the last day, so all-day events show the day before.
    pub fn end_for_display(&self) -> Option<DateValue> {
        let end = self.end.as_ref()?;
        if !(self.all_day && self.kind == ItemKind::Event) || end.local.contains('T') {
            return Some(end.clone());
        }
        let exclusive = chrono::NaiveDate::parse_from_str(&end.local, "%Y-%m-%d").ok()?;
        let start = self
            .start
            .as_ref()
            .map(|s| s.local.as_str())
            .unwrap_or_default();
        let last = exclusive.pred_opt()?;
        let last_text = last.format("%Y-%m-%d").to_string();
        // Never before the start (a malformed end equal to the start).
        Some(DateValue {
            local: if last_text.as_str() < start {
                end.local.clone()
            } else {
                last_text
            },
            zone: end.zone.clone(),
        })
    }
}

/// A date or date-time as written in the file, with its zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateValue {
    /// `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SS`.
    pub local: String,
    /// `UTC`, a TZID from the file, or `None` for floating times.
    pub zone: Option<String>,
}

impl DateValue {
    /// The date and time for display, seconds dropped when zero:
    /// `2024-03-01 09:00`, or `2024-03-01` for a date.
    pub fn when(&self) -> String {
        match self.local.split_once('T') {
            Some((date, time)) => format!("{date} {}", time.strip_suffix(":00").unwrap_or(time)),
            None => self.local.clone(),
        }
    }

    /// The zone for display: its name, `UTC`, `(floating)` for a time
    /// without zone, nothing for a date.
    pub fn zone_label(&self) -> Option<&str> {
        if !self.local.contains('T') {
            return None;
        }
        Some(self.zone.as_deref().unwrap_or("(floating)"))
    }
}

impl fmt::Display for DateValue {
    /// `2024-03-01 09:00 Europe/Berlin`, `2024-03-01 09:00 UTC`, `2024-03-01`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.when())?;
        match self.zone_label() {
            Some(zone) => write!(f, " {zone}"),
            None => Ok(()),
        }
    }
}

/// A component that is listed but not moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    /// Component name, e.g. `VJOURNAL`.
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

#[cfg(test)]
mod tests {
    use super::*;

    fn date(local: &str, zone: Option<&str>) -> String {
        DateValue {
            local: local.into(),
            zone: zone.map(Into::into),
        }
        .to_string()
    }

    #[test]
    fn all_day_events_show_their_last_day() {
        let item = |start: &str, end: &str, all_day: bool| Item {
            kind: ItemKind::Event,
            line: 1,
            uid: None,
            summary: None,
            start: Some(DateValue {
                local: start.into(),
                zone: None,
            }),
            end: Some(DateValue {
                local: end.into(),
                zone: None,
            }),
            all_day,
            organizer: None,
            attendees: 0,
            recurrence: Recurrence::None,
            notes: Vec::new(),
        };
        let shown = |i: Item| i.end_for_display().unwrap().local;
        assert_eq!(shown(item("2026-12-03", "2026-12-05", true)), "2026-12-04");
        assert_eq!(shown(item("2026-12-31", "2027-01-01", true)), "2026-12-31");
        assert_eq!(
            shown(item("2026-12-03", "2026-12-03", true)),
            "2026-12-03",
            "never before the start"
        );
        assert_eq!(
            shown(item("2026-12-03T10:00:00", "2026-12-03T11:00:00", false)),
            "2026-12-03T11:00:00"
        );
    }

    #[test]
    fn dates_display_readably() {
        assert_eq!(
            date("2024-03-01T09:30:00", Some("Europe/Berlin")),
            "2024-03-01 09:30 Europe/Berlin"
        );
        assert_eq!(
            date("2024-03-01T09:30:15", Some("UTC")),
            "2024-03-01 09:30:15 UTC"
        );
        assert_eq!(
            date("2024-03-01T09:30:00", None),
            "2024-03-01 09:30 (floating)"
        );
        assert_eq!(date("2024-03-01", None), "2024-03-01");
    }
}
