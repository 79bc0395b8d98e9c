//! Ferry's one item model for events, tasks and contacts.
//!
//! Every reader (iCalendar, xCal, vCard, Outlook and MDaemon CSV) produces
//! [`Item`]s, the mapping rules ([`crate::mapping`]) rewrite them, and every
//! writer for a target (EWS, Graph, CalDAV/CardDAV) converts from them. The
//! model keeps what a target can store and what the preview must show; it
//! is plain data (serde), so the browser, the CLI's JSON and the API agree.
//!
//! Empty fields are left out of the JSON to keep reports of large files
//! small.

mod calendar;
mod contact;
mod zone;
pub use zone::{DaylightSaving, YearlyChange, ZoneDefinition};

pub use calendar::{
    Attendee, AttendeeRole, Frequency, Participation, Person, Recurrence, RecurrenceRule,
    Sensitivity, ShowAs, TaskFields, TaskStatus, Weekday, WeekdayNum,
};
pub use contact::{Contact, Labeled, Name, Photo, PostalAddress};

use serde::{Deserialize, Serialize};
use std::fmt;

/// What an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemKind {
    #[default]
    Event,
    Task,
    Contact,
}

impl ItemKind {
    /// Name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            ItemKind::Event => "Event",
            ItemKind::Task => "Task",
            ItemKind::Contact => "Contact",
        }
    }
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// One event, task or contact as read from an export.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Item {
    pub kind: ItemKind,
    /// Where the item starts in its file: the line of its `BEGIN:` (or of
    /// its CSV row), 1-based.
    pub line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    /// For a changed occurrence of a series: the occurrence it replaces.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurrence_id: Option<DateValue>,
    /// Title of an event or task; display name of a contact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Start of an event or task.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<DateValue>,
    /// End of an event (DTEND, or DTSTART + DURATION; exclusive for
    /// all-day events, as in iCalendar), due date of a task.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<DateValue>,
    /// Whole-day item (dates without a time).
    #[serde(skip_serializing_if = "is_false")]
    pub all_day: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organizer: Option<Person>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attendees: Vec<Attendee>,
    pub recurrence: Recurrence,
    /// The repeat rule (RRULE) of a series.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<RecurrenceRule>,
    /// Extra occurrences (RDATE).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rdates: Vec<DateValue>,
    /// Occurrences taken out of the series (EXDATE).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub exdates: Vec<DateValue>,
    /// The series also has an exclusion rule (EXRULE, deprecated in RFC 5545).
    #[serde(skip_serializing_if = "is_false")]
    pub exrule: bool,
    /// Reminders, in minutes before the start (negative: after it).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reminders: Vec<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sensitivity: Option<Sensitivity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub show_as: Option<ShowAs>,
    /// 1 (highest) to 9 (lowest), as in iCalendar; none when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task: Option<TaskFields>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
    /// Problems found while reading this item, in plain words. Empty means
    /// it was read completely.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Item {
    /// An empty item of `kind` starting at `line`.
    pub fn new(kind: ItemKind, line: usize) -> Self {
        Self {
            kind,
            line,
            ..Self::default()
        }
    }

    /// Every date the item has: start, end, occurrence, extra and
    /// excluded dates.
    pub fn dates(&self) -> impl Iterator<Item = &DateValue> {
        self.start
            .iter()
            .chain(&self.end)
            .chain(&self.recurrence_id)
            .chain(&self.rdates)
            .chain(&self.exdates)
    }

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
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DateValue {
    /// `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SS`.
    pub local: String,
    /// `UTC`, a TZID from the file, or `None` for floating times.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
}

impl DateValue {
    /// A date-time or date in `zone` (`None`: floating).
    pub fn new(local: impl Into<String>, zone: Option<&str>) -> Self {
        Self {
            local: local.into(),
            zone: zone.map(str::to_string),
        }
    }

    /// True for a date without a time.
    pub fn is_date(&self) -> bool {
        !self.local.contains('T')
    }

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
        if self.is_date() {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn date(local: &str, zone: Option<&str>) -> String {
        DateValue::new(local, zone).to_string()
    }

    #[test]
    fn all_day_events_show_their_last_day() {
        let item = |start: &str, end: &str, all_day: bool| Item {
            start: Some(DateValue::new(start, None)),
            end: Some(DateValue::new(end, None)),
            all_day,
            ..Item::new(ItemKind::Event, 1)
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

    #[test]
    fn empty_fields_stay_out_of_the_json_and_come_back() {
        let item = Item {
            summary: Some("Stand-up".into()),
            ..Item::new(ItemKind::Event, 3)
        };
        let json = serde_json::to_string(&item).unwrap();
        assert_eq!(
            json,
            r#"{"kind":"event","line":3,"summary":"Stand-up","recurrence":"none"}"#
        );
        assert_eq!(serde_json::from_str::<Item>(&json).unwrap(), item);
    }
}
