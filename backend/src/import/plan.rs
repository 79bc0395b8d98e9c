//! What `ferry import` means to do with one file, whatever the target:
//! the file read and mapped, every item with its fate (to be sent, not
//! convertible, not writable), its warnings and losses; and what the
//! server made of each item once sent ([`Arrival`]).

use crate::inspect::FileError;
use ferry_shared::mapping::{ItemStatus, MappedItem, MappingRules, map_report};
use ferry_shared::report::Skipped;
use ferry_shared::{ItemKind, ParseLimits, inspect};

/// One file, read and mapped.
pub(super) struct ReadFile {
    pub bytes: Vec<u8>,
    pub mapped: Vec<MappedItem>,
    pub skipped: Vec<Skipped>,
}

/// Maps the bytes of a file read (or why it could not be) within
/// `limits`.
pub(super) fn read_file(
    bytes: Result<Vec<u8>, FileError>,
    limits: &ParseLimits,
    rules: &MappingRules,
) -> Result<ReadFile, FileError> {
    let bytes = bytes?;
    let report = inspect(&bytes, limits)?;
    let mapped = map_report(&report, rules);
    Ok(ReadFile {
        bytes,
        mapped,
        skipped: report.skipped,
    })
}

/// One file's items and what is to become of them.
pub(super) struct FilePlan {
    pub file: String,
    /// Why the file could not be read at all.
    pub error: Option<FileError>,
    /// Every item, in file order.
    pub items: Vec<PlannedItem>,
    pub skipped: Vec<Skipped>,
}

impl FilePlan {
    /// The plan of the file called `file` (its path or name).
    pub fn new(file: &str) -> Self {
        Self {
            file: file.to_string(),
            error: None,
            items: Vec::new(),
            skipped: Vec::new(),
        }
    }

    /// The items the mapping cannot convert, each with its reasons; then
    /// every item in file order.
    pub fn finish(&mut self, mapped: &[MappedItem]) {
        for mapped in mapped
            .iter()
            .filter(|m| m.status == ItemStatus::CannotConvert)
        {
            let reasons = mapped.warnings.iter().map(|w| w.message.clone()).collect();
            self.items.push(PlannedItem::new(
                mapped,
                Fate::CannotConvert(reasons),
                Vec::new(),
            ));
        }
        self.items.sort_by_key(|item| item.line);
    }
}

/// One item and what is to become of it.
pub(super) struct PlannedItem {
    pub line: usize,
    pub kind: ItemKind,
    pub summary: String,
    pub fate: Fate,
    /// The mapping's warnings.
    pub warnings: Vec<String>,
    /// What the writer or converter could not carry over.
    pub losses: Vec<String>,
}

impl PlannedItem {
    pub fn new(mapped: &MappedItem, fate: Fate, losses: Vec<String>) -> Self {
        let warnings = match fate {
            Fate::CannotConvert(_) => Vec::new(),
            _ => mapped.warnings.iter().map(|w| w.message.clone()).collect(),
        };
        Self {
            line: mapped.item.line,
            kind: mapped.item.kind,
            summary: mapped.item.summary.clone().unwrap_or_default(),
            fate,
            warnings,
            losses,
        }
    }
}

pub(super) enum Fate {
    /// Sent into `destination` (“calendar “Work””), as the resource
    /// `name` when the target names resources.
    Send {
        destination: String,
        name: Option<String>,
    },
    /// The mapping cannot convert it: its reasons.
    CannotConvert(Vec<String>),
    /// The writer or converter refused it.
    NotWritten(String),
}

/// What the server made of a sent item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Arrival {
    Created,
    /// Found on the server already (an earlier run): nothing written.
    AlreadyThere,
    /// The server would not take it: its status and reason.
    Refused {
        status: u16,
        reason: String,
    },
    /// It could not be sent, or only in part.
    Failed {
        reason: String,
    },
}

/// Items that are not refused by the mapping and are of one of `kinds`.
pub(super) fn convertible<'a>(mapped: &'a [MappedItem], kinds: &[ItemKind]) -> Vec<&'a MappedItem> {
    mapped
        .iter()
        .filter(|m| m.status != ItemStatus::CannotConvert && kinds.contains(&m.item.kind))
        .collect()
}
