//! Applying [`MappingRules`] to the items of a file: addresses rewritten,
//! floating times given the default zone, attendees flattened in flat
//! mode, meetings without organizer tagged, and every problem named.

use super::addresses::{Rewritten, rewrite};
use super::recurrence::exchange_limits;
use super::zones::{ZoneKind, classify};
use super::{AttendeeMode, MappingRules};
use crate::model::{DateValue, Item, ItemKind, Person};
use crate::report::FileReport;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Whether an item can go to the target as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemStatus {
    Ok,
    Warning,
    CannotConvert,
}

impl ItemStatus {
    pub fn label(self) -> &'static str {
        match self {
            ItemStatus::Ok => "OK",
            ItemStatus::Warning => "Warning",
            ItemStatus::CannotConvert => "Cannot convert",
        }
    }
}

/// The kind of a mapping warning, stable for filters and reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WarningCode {
    /// The file's text had a problem at this item.
    Malformed,
    UnknownTimeZone,
    FloatingTime,
    RecurrenceNotExpressible,
    UnresolvableAttendee,
    MissingOrganizer,
    DuplicateUid,
    /// The item lacks what every target needs (e.g. an event's start).
    MissingData,
}

/// One problem with one item, in plain words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingWarning {
    pub code: WarningCode,
    pub message: String,
    /// The line the message names (a problem read in the file), kept
    /// apart so that the parts of a file read separately can be numbered
    /// again when they are joined ([`MappingWarning::move_down`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

impl MappingWarning {
    /// A problem read in the file, on the item that starts at `line`.
    pub fn malformed(line: usize, note: &str) -> Self {
        Self {
            code: WarningCode::Malformed,
            message: format!("Line {line}: {note}"),
            line: Some(line),
        }
    }

    /// Moves the line the warning names `lines` further down (the lines
    /// of the parts before its own).
    pub fn move_down(&mut self, lines: usize) {
        let Some(line) = self.line else {
            return;
        };
        let prefix = format!("Line {line}: ");
        if let Some(note) = self.message.strip_prefix(&prefix) {
            *self = Self::malformed(line + lines, note);
        }
    }
}

/// An item as it will be written, with its status and warnings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappedItem {
    pub status: ItemStatus,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<MappingWarning>,
    pub item: Item,
}

/// Maps every item of `report`.
pub fn map_report(report: &FileReport, rules: &MappingRules) -> Vec<MappedItem> {
    let mut mapper = Mapper::new(rules, &report.time_zones);
    report
        .items
        .iter()
        .map(|item| mapper.map(item.clone()))
        .collect()
}

/// Finds items that repeat an earlier item's UID (and RECURRENCE-ID).
#[derive(Debug, Default)]
pub struct DuplicateUids {
    first_line_of: HashMap<String, usize>,
}

impl DuplicateUids {
    /// What identifies `item` for duplicates: its UID and, for a changed
    /// occurrence, the occurrence.
    pub fn key(item: &Item) -> Option<String> {
        let uid = item.uid.as_ref()?;
        Some(match &item.recurrence_id {
            Some(occurrence) => format!("{uid}\u{0}{}", occurrence.local),
            None => uid.clone(),
        })
    }

    /// The line of the first item with `key`, if this one is a repeat
    /// (items must come in file order).
    pub fn earlier(&mut self, key: Option<&str>, line: usize) -> Option<usize> {
        let key = key?;
        match self.first_line_of.get(key) {
            Some(first) => Some(*first),
            None => {
                self.first_line_of.insert(key.to_string(), line);
                None
            }
        }
    }

    /// The warning for an item that repeats the one on line `first`.
    pub fn warning(first: usize) -> MappingWarning {
        MappingWarning {
            line: None,
            code: WarningCode::DuplicateUid,
            message: format!(
                "The item on line {first} has the same UID; this one will be skipped as a duplicate"
            ),
        }
    }
}

/// Maps the items of one file in order, one at a time; it remembers the
/// UIDs seen so that duplicates are named.
pub struct Mapper<'a> {
    rules: &'a MappingRules,
    file_zones: Vec<String>,
    duplicates: DuplicateUids,
}

impl<'a> Mapper<'a> {
    /// A mapper for a file that defines `file_zones`.
    pub fn new(rules: &'a MappingRules, file_zones: &[String]) -> Self {
        Self {
            rules,
            file_zones: file_zones.to_vec(),
            duplicates: DuplicateUids::default(),
        }
    }

    /// Maps the next item of the file.
    pub fn map(&mut self, item: Item) -> MappedItem {
        let duplicate_of = self
            .duplicates
            .earlier(DuplicateUids::key(&item).as_deref(), item.line);
        let mut mapped = self.map_alone(item);
        if let Some(first) = duplicate_of {
            mapped.add(DuplicateUids::warning(first));
        }
        mapped
    }

    /// Maps an item without looking for duplicates (the caller does, as
    /// the preview does across the parts of a file).
    pub fn map_alone(&self, item: Item) -> MappedItem {
        map_owned(item, self.rules, &self.file_zones)
    }
}

impl MappedItem {
    fn warn(&mut self, code: WarningCode, message: String) {
        self.add(MappingWarning {
            code,
            message,
            line: None,
        });
    }

    /// Adds a warning; an OK item becomes a warning.
    pub fn add(&mut self, warning: MappingWarning) {
        self.warnings.push(warning);
        if self.status == ItemStatus::Ok {
            self.status = ItemStatus::Warning;
        }
    }

    fn cannot_convert(&mut self, message: String) {
        self.warnings.push(MappingWarning {
            line: None,
            code: WarningCode::MissingData,
            message,
        });
        self.status = ItemStatus::CannotConvert;
    }
}

/// Maps one item on its own (duplicates need a [`Mapper`]). `file_zones`
/// are the zones its file defines.
pub fn map_item(source: &Item, rules: &MappingRules, file_zones: &[String]) -> MappedItem {
    map_owned(source.clone(), rules, file_zones)
}

fn map_owned(item: Item, rules: &MappingRules, file_zones: &[String]) -> MappedItem {
    let notes: Vec<MappingWarning> = item
        .notes
        .iter()
        .map(|note| MappingWarning::malformed(item.line, note))
        .collect();
    let kind = item.kind;
    let mut mapped = MappedItem {
        status: ItemStatus::Ok,
        warnings: Vec::new(),
        item,
    };
    for note in notes {
        mapped.add(note);
    }
    match kind {
        ItemKind::Event | ItemKind::Task => map_calendar_item(&mut mapped, rules, file_zones),
        ItemKind::Contact => map_contact(&mut mapped, rules),
    }
    mapped
}

fn map_calendar_item(mapped: &mut MappedItem, rules: &MappingRules, file_zones: &[String]) {
    let item = &mut mapped.item;
    let unreadable = item.summary.is_none() && item.start.is_none() && item.uid.is_none();
    let cannot = if item.kind == ItemKind::Event && item.start.is_none() {
        Some("The event has no start, which every calendar needs; it cannot be created")
    } else if unreadable && !item.notes.is_empty() {
        Some("Nothing in this item could be read; it cannot be created")
    } else {
        None
    };

    // Addresses first: the organizer check and flat text use new ones.
    if let Some(organizer) = &mut item.organizer {
        rewrite_person(organizer, rules);
    }
    for attendee in &mut item.attendees {
        rewrite_person(&mut attendee.person, rules);
    }

    let mut warnings = Vec::new();
    let has_organizer = item.organizer.as_ref().is_some_and(|o| o.email.is_some());
    if !item.attendees.is_empty() && !has_organizer {
        let category = &rules.missing_organizer_category;
        if !category.is_empty() && !item.categories.iter().any(|c| c == category) {
            item.categories.push(category.clone());
        }
        warnings.push((
            WarningCode::MissingOrganizer,
            format!(
                "The meeting has attendees but no organizer with an address; it is kept and given the category “{category}”"
            ),
        ));
    }

    match rules.attendees {
        AttendeeMode::Full => {
            let (with_address, without): (Vec<_>, Vec<_>) = std::mem::take(&mut item.attendees)
                .into_iter()
                .partition(|a| a.person.email.is_some());
            item.attendees = with_address;
            if !without.is_empty() {
                for attendee in &without {
                    warnings.push((
                        WarningCode::UnresolvableAttendee,
                        format!(
                            "The attendee “{}” has no e-mail address; they are named in the description instead",
                            attendee.person
                        ),
                    ));
                }
                append_participants(item, None, &without);
            }
        }
        AttendeeMode::Flat => {
            if !item.attendees.is_empty() {
                let attendees = std::mem::take(&mut item.attendees);
                let organizer = item.organizer.clone();
                append_participants(item, organizer.as_ref(), &attendees);
            }
        }
    }

    let zone_warnings = map_zones(item, rules, file_zones);
    warnings.extend(zone_warnings);
    for problem in exchange_limits(item) {
        warnings.push((WarningCode::RecurrenceNotExpressible, problem));
    }
    for (code, message) in warnings {
        mapped.warn(code, message);
    }
    if let Some(reason) = cannot {
        mapped.cannot_convert(reason.to_string());
    }
}

fn map_contact(mapped: &mut MappedItem, rules: &MappingRules) {
    let Some(contact) = &mut mapped.item.contact else {
        mapped.cannot_convert("This contact could not be read".to_string());
        return;
    };
    for email in &mut contact.emails {
        if let Rewritten::Changed(new) = rewrite(&email.value, &rules.users, &rules.domains) {
            email.value = new;
        }
    }
    let has_name =
        mapped.item.summary.is_some() || !contact.name.is_empty() || contact.organization.is_some();
    if !has_name && contact.emails.is_empty() {
        mapped.cannot_convert(
            "The contact has neither a name nor an e-mail address; it cannot be created"
                .to_string(),
        );
    }
}

fn rewrite_person(person: &mut Person, rules: &MappingRules) {
    if let Some(email) = &person.email
        && let Rewritten::Changed(new) = rewrite(email, &rules.users, &rules.domains)
    {
        person.email = Some(new);
    }
}

/// Writes organizer and attendees (with role and answer) at the end of
/// the description, so that nothing about the meeting is lost.
fn append_participants(
    item: &mut Item,
    organizer: Option<&Person>,
    attendees: &[crate::model::Attendee],
) {
    let mut text = String::new();
    if let Some(organizer) = organizer {
        text.push_str(&format!("Organizer: {organizer}\n"));
    }
    text.push_str("Attendees:\n");
    for attendee in attendees {
        text.push_str(&format!(
            "- {} ({}, {})\n",
            attendee.person,
            attendee.role.label(),
            attendee.status.label()
        ));
    }
    let body = item.description.take().unwrap_or_default();
    let separator = if body.is_empty() { "" } else { "\n\n" };
    item.description = Some(format!("{body}{separator}{}", text.trim_end()));
}

/// Gives floating times the default zone and names unknown zones.
fn map_zones(
    item: &mut Item,
    rules: &MappingRules,
    file_zones: &[String],
) -> Vec<(WarningCode, String)> {
    let mut warnings = Vec::new();
    let mut floating = false;
    let mut unknown: Vec<String> = Vec::new();
    let default_zone = rules.default_zone.as_deref();
    let mut visit = |value: &mut DateValue| {
        if value.is_date() {
            return;
        }
        match &value.zone {
            None => {
                floating = true;
                if let Some(zone) = default_zone {
                    value.zone = Some(zone.to_string());
                }
            }
            Some(zone) => {
                if classify(zone, file_zones) == ZoneKind::Unknown {
                    if !unknown.contains(zone) {
                        unknown.push(zone.clone());
                    }
                    if let Some(default) = default_zone {
                        value.zone = Some(default.to_string());
                    }
                }
            }
        }
    };
    for value in item
        .start
        .iter_mut()
        .chain(item.end.iter_mut())
        .chain(item.recurrence_id.iter_mut())
        .chain(item.rdates.iter_mut())
        .chain(item.exdates.iter_mut())
    {
        visit(value);
    }
    if floating {
        warnings.push((
            WarningCode::FloatingTime,
            match default_zone {
                Some(zone) => format!("The times have no time zone; they are read as {zone}"),
                None => "The times have no time zone; choose a default time zone, or they will be read as UTC".to_string(),
            },
        ));
    }
    for zone in unknown {
        warnings.push((
            WarningCode::UnknownTimeZone,
            match default_zone {
                Some(default) => format!("The time zone “{zone}” is not known; the times are read as {default}"),
                None => format!("The time zone “{zone}” is not known; choose a default time zone, or the times will be read as UTC"),
            },
        ));
    }
    warnings
}
