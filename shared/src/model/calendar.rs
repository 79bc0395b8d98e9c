//! The calendar parts of the item model: people, repeat rules, and the
//! fields only events and tasks have.

use super::DateValue;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Someone on an item: organizer or attendee.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Person {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// E-mail address, without `mailto:`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

impl Person {
    /// The domain of the e-mail address, if it has one.
    pub fn domain(&self) -> Option<&str> {
        self.email.as_deref()?.rsplit_once('@').map(|(_, d)| d)
    }
}

impl fmt::Display for Person {
    /// `Name <address>`, or just the address, or just the name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.name, &self.email) {
            (Some(name), Some(email)) if !name.eq_ignore_ascii_case(email) => {
                write!(f, "{name} <{email}>")
            }
            (_, Some(email)) => f.write_str(email),
            (Some(name), None) => f.write_str(name),
            (None, None) => f.write_str("(nobody)"),
        }
    }
}

/// What an attendee is asked to be (ROLE and CUTYPE).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AttendeeRole {
    Chair,
    #[default]
    Required,
    Optional,
    /// Copied for information only.
    NonParticipant,
    /// A room or equipment (CUTYPE=ROOM/RESOURCE).
    Resource,
}

impl AttendeeRole {
    pub fn label(self) -> &'static str {
        match self {
            AttendeeRole::Chair => "chair",
            AttendeeRole::Required => "required",
            AttendeeRole::Optional => "optional",
            AttendeeRole::NonParticipant => "for information",
            AttendeeRole::Resource => "resource",
        }
    }
}

/// An attendee's answer (PARTSTAT).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Participation {
    #[default]
    NeedsAction,
    Accepted,
    Declined,
    Tentative,
    Delegated,
}

impl Participation {
    pub fn label(self) -> &'static str {
        match self {
            Participation::NeedsAction => "no answer",
            Participation::Accepted => "accepted",
            Participation::Declined => "declined",
            Participation::Tentative => "tentative",
            Participation::Delegated => "delegated",
        }
    }
}

/// One attendee of a meeting.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Attendee {
    pub person: Person,
    pub role: AttendeeRole,
    pub status: Participation,
}

/// Whether and how an item repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Recurrence {
    /// A single occurrence.
    #[default]
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

/// How often a rule repeats (FREQ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Frequency {
    Secondly,
    Minutely,
    Hourly,
    Daily,
    Weekly,
    Monthly,
    Yearly,
}

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Weekday {
    #[serde(rename = "MO")]
    Monday,
    #[serde(rename = "TU")]
    Tuesday,
    #[serde(rename = "WE")]
    Wednesday,
    #[serde(rename = "TH")]
    Thursday,
    #[serde(rename = "FR")]
    Friday,
    #[serde(rename = "SA")]
    Saturday,
    #[serde(rename = "SU")]
    Sunday,
}

impl Weekday {
    /// The iCalendar code: `MO` … `SU`.
    pub fn code(self) -> &'static str {
        match self {
            Weekday::Monday => "MO",
            Weekday::Tuesday => "TU",
            Weekday::Wednesday => "WE",
            Weekday::Thursday => "TH",
            Weekday::Friday => "FR",
            Weekday::Saturday => "SA",
            Weekday::Sunday => "SU",
        }
    }
}

/// A BYDAY entry: a weekday, optionally the n-th of the month or year
/// (`-1` = the last).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WeekdayNum {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ordinal: Option<i16>,
    pub weekday: Weekday,
}

/// A repeat rule (RRULE, RFC 5545 §3.3.10), in the parts targets need.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct RecurrenceRule {
    pub frequency: Frequency,
    pub interval: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<DateValue>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub by_day: Vec<WeekdayNum>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub by_month_day: Vec<i8>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub by_month: Vec<u8>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub by_set_pos: Vec<i32>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub by_year_day: Vec<i16>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub by_week_no: Vec<i8>,
    /// BYHOUR, BYMINUTE or BYSECOND is present (several times a day).
    #[serde(skip_serializing_if = "super::is_false")]
    pub by_time: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub week_start: Option<Weekday>,
}

impl Default for RecurrenceRule {
    fn default() -> Self {
        Self {
            frequency: Frequency::Daily,
            interval: 1,
            count: None,
            until: None,
            by_day: Vec::new(),
            by_month_day: Vec::new(),
            by_month: Vec::new(),
            by_set_pos: Vec::new(),
            by_year_day: Vec::new(),
            by_week_no: Vec::new(),
            by_time: false,
            week_start: None,
        }
    }
}

/// CLASS: who may see the item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sensitivity {
    Public,
    Private,
    Confidential,
}

/// How the time shows in free/busy (TRANSP, X-MICROSOFT-CDO-BUSYSTATUS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ShowAs {
    Free,
    Tentative,
    Busy,
    OutOfOffice,
    WorkingElsewhere,
}

/// A task's progress (VTODO STATUS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TaskStatus {
    NotStarted,
    InProgress,
    Completed,
    Cancelled,
}

/// What only tasks have (the due date is [`super::Item::end`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TaskFields {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<TaskStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completed: Option<DateValue>,
    /// 0–100.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percent_complete: Option<u8>,
}
