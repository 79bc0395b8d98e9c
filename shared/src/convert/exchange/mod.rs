//! The shape Exchange gives calendar items, tasks and contacts, shared by
//! the EWS writer ([`super::ews`]) and a Microsoft Graph writer: plain
//! typed structs made from a mapped item ([`MappedItem`]), with every
//! loss named in plain words.
//!
//! [`convert`] turns one mapped item into [`ExchangeConversion`]: the
//! operations to carry out on the target, in order, and the losses.
//!
//! * [`time`]: wall-clock times and their zones (UTC, Windows IDs, zones
//!   a file defines);
//! * [`recurrence`]: Exchange's recurrence patterns and which rules map;
//! * [`expand`]: the expansion engine for the rules that do not;
//! * [`series`]: a recurring event as one series or as single items,
//!   with its removed (EXDATE) and extra (RDATE) occurrences;
//! * [`calendar`], [`task`], [`contact`]: the three kinds of item.
//!
//! Every created item carries its source key ([`super::source_key()`]); an
//! occurrence created on its own (an expanded series, an extra date)
//! carries the key a changed occurrence at that time would have, so
//! that a re-run and a later change find it.

pub mod calendar;
pub mod contact;
pub mod expand;
pub mod recurrence;
pub mod series;
pub mod task;
pub mod time;

pub use calendar::{CalendarItem, FreeBusy, Importance, Mailbox, Sensitivity};
pub use contact::{ContactItem, EmailKey, PhoneKey, PhysicalAddress, PhysicalAddressKey};
pub use recurrence::{DayOfWeek, ExchangeRecurrence, Pattern, RecurrenceEnd, WeekIndex};
pub use task::{TaskItem, TaskStatus};
pub use time::{ExchangeZone, WallClock, ZoneResolver};

use crate::mapping::{ItemStatus, MappedItem, WarningCode};
use crate::model::{ItemKind, ZoneDefinition};
use serde::{Deserialize, Serialize};

/// Most occurrences one series is expanded into (see [`expand`]). A
/// series with more creates this many and names the rest as a loss.
pub const DEFAULT_MAX_OCCURRENCES: usize = 1000;

/// Settings of a conversion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExchangeOptions {
    /// The zone (IANA or Windows name) all-day items and task dates are
    /// placed in: the mailbox's zone. UTC when none.
    pub date_zone: Option<String>,
    /// Most occurrences an expanded series may have.
    pub max_occurrences: usize,
}

impl Default for ExchangeOptions {
    fn default() -> Self {
        Self {
            date_zone: None,
            max_occurrences: DEFAULT_MAX_OCCURRENCES,
        }
    }
}

/// Something of an item Exchange will not hold as it is, in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Loss {
    /// What it is about: `recurrence`, `reminder`, `email`, …
    pub field: String,
    /// What happens instead.
    pub reason: String,
}

impl Loss {
    pub fn new(field: &str, reason: impl Into<String>) -> Self {
        Self {
            field: field.to_string(),
            reason: reason.into(),
        }
    }
}

/// An item to create on the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExchangeItem {
    Event(Box<CalendarItem>),
    Task(Box<TaskItem>),
    Contact(Box<ContactItem>),
}

impl ExchangeItem {
    /// The key the item is recognised by on a re-run.
    pub fn source_key(&self) -> Option<&str> {
        match self {
            ExchangeItem::Event(item) => item.source_key.as_deref(),
            ExchangeItem::Task(item) => item.source_key.as_deref(),
            ExchangeItem::Contact(item) => item.source_key.as_deref(),
        }
    }
}

/// One thing to do on the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operation {
    Create(ExchangeItem),
    /// Delete the occurrence of the series `series_key` that starts (by
    /// the series' pattern) at `original_start` (EXDATE).
    DeleteOccurrence {
        series_key: String,
        original_start: WallClock,
    },
    /// Replace the occurrence of the series `series_key` that starts at
    /// `original_start` with `item` (an item with RECURRENCE-ID). When the
    /// series was expanded into single items, the occurrence is the item
    /// whose source key is `item.source_key`.
    UpdateOccurrence {
        series_key: String,
        original_start: WallClock,
        item: Box<CalendarItem>,
    },
}

/// What converting one item gives.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExchangeConversion {
    pub operations: Vec<Operation>,
    pub losses: Vec<Loss>,
}

/// Converts one mapped item. `zones` are the zones its file defines.
/// Items the mapping cannot convert, and duplicates, give no operation
/// and say why.
pub fn convert(
    mapped: &MappedItem,
    zones: &[ZoneDefinition],
    options: &ExchangeOptions,
) -> ExchangeConversion {
    let mut conversion = ExchangeConversion::default();
    if mapped.status == ItemStatus::CannotConvert {
        for warning in &mapped.warnings {
            if warning.code == WarningCode::MissingData {
                conversion
                    .losses
                    .push(Loss::new("item", warning.message.clone()));
            }
        }
        return conversion;
    }
    if let Some(duplicate) = mapped
        .warnings
        .iter()
        .find(|w| w.code == WarningCode::DuplicateUid)
    {
        conversion
            .losses
            .push(Loss::new("uid", duplicate.message.clone()));
        return conversion;
    }
    let item = &mapped.item;
    if item.uid.is_none() {
        conversion.losses.push(Loss::new(
            "uid",
            "The item has no UID; a re-run recognises it by its content, so once changed in the source it would be created again",
        ));
    }
    let resolver = ZoneResolver::new(zones, options.date_zone.as_deref());
    match item.kind {
        ItemKind::Event => calendar::convert_event(item, &resolver, options, &mut conversion),
        ItemKind::Task => task::convert_task(item, &resolver, &mut conversion),
        ItemKind::Contact => contact::convert_contact(item, &mut conversion),
    }
    conversion
}
