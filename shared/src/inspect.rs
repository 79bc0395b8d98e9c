//! One entry point for every export: [`inspect`] looks at a file's first
//! bytes, picks the reader (iCalendar, xCal, vCard, Outlook or MDaemon
//! CSV) and returns its [`FileReport`]. [`InspectError`] is the one error
//! type of every reader, with messages meant for the user.

use crate::limits::ParseLimits;
use crate::report::FileReport;
use thiserror::Error;

pub use crate::ical::inspect_ics;

/// Why a whole file could not be read. Messages are meant for the user.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InspectError {
    #[error("The file is empty.")]
    Empty,
    #[error(
        "The file is {size} bytes; the limit is {limit} bytes. Split the export, or raise the limit."
    )]
    TooLarge { size: usize, limit: usize },
    #[error("Line {line}: this line or value is longer than the limit of {limit} bytes.")]
    LineTooLong { line: usize, limit: usize },
    #[error(
        "The file has more than {limit} items, the limit for one file. Split the export, or raise the limit."
    )]
    TooManyItems { limit: usize },
    #[error("Line {line}: {reason}")]
    NotCalendar { line: usize, reason: String },
    /// Input Ferry refuses on principle (e.g. XML with a DOCTYPE).
    #[error("{reason}")]
    Refused { reason: String },
    /// The file is of a kind Ferry reads, but broken beyond reading.
    #[error("Line {line}: {reason}")]
    Malformed { line: usize, reason: String },
    #[error(
        "Ferry cannot tell what kind of file this is. It reads iCalendar (.ics), xCal (.xml), vCard (.vcf) and Outlook or MDaemon CSV exports."
    )]
    UnknownFormat,
}

impl InspectError {
    /// Stable machine-readable code, e.g. for the JSON API.
    pub fn code(&self) -> &'static str {
        match self {
            InspectError::Empty => "empty_file",
            InspectError::TooLarge { .. } => "file_too_large",
            InspectError::LineTooLong { .. } => "line_too_long",
            InspectError::TooManyItems { .. } => "too_many_items",
            InspectError::NotCalendar { .. } => "not_a_calendar",
            InspectError::Refused { .. } => "refused_input",
            InspectError::Malformed { .. } => "malformed_file",
            InspectError::UnknownFormat => "unknown_format",
        }
    }

    /// The line the error is on, when it is on one.
    pub fn line(&self) -> Option<usize> {
        match self {
            InspectError::LineTooLong { line, .. }
            | InspectError::NotCalendar { line, .. }
            | InspectError::Malformed { line, .. } => Some(*line),
            _ => None,
        }
    }
}

/// What a file looks like from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sniffed {
    ICalendar,
    XCal,
    VCard,
    Csv,
}

fn sniff(bytes: &[u8]) -> Option<Sniffed> {
    let head = &bytes[..bytes.len().min(4096)];
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let text = String::from_utf8_lossy(head);
    let first = text
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty())?
        .to_ascii_uppercase();
    if first.starts_with("BEGIN:VCARD") {
        Some(Sniffed::VCard)
    } else if first.starts_with("BEGIN:") {
        Some(Sniffed::ICalendar)
    } else if first.starts_with('<') {
        Some(Sniffed::XCal)
    } else if first.contains(',') || first.contains(';') || first.contains('\t') {
        Some(Sniffed::Csv)
    } else {
        None
    }
}

/// True when `bytes` look like iCalendar (what [`inspect`] would read
/// with [`inspect_ics`]).
pub fn is_icalendar(bytes: &[u8]) -> bool {
    sniff(bytes) == Some(Sniffed::ICalendar)
}

/// Reads an export of any supported format, chosen by its content.
pub fn inspect(bytes: &[u8], limits: &ParseLimits) -> Result<FileReport, InspectError> {
    if bytes.len() > limits.max_file_bytes {
        return Err(InspectError::TooLarge {
            size: bytes.len(),
            limit: limits.max_file_bytes,
        });
    }
    match sniff(bytes) {
        None if bytes.iter().all(u8::is_ascii_whitespace) => Err(InspectError::Empty),
        Some(Sniffed::ICalendar) => inspect_ics(bytes, limits),
        Some(Sniffed::XCal) => crate::xcal::inspect_xcal(bytes, limits),
        Some(Sniffed::VCard) => crate::vcard::inspect_vcard(bytes, limits),
        Some(Sniffed::Csv) => crate::csv::inspect_csv(bytes, limits),
        // Anything else goes to the iCalendar reader, whose message names
        // the first line it could not make sense of.
        None => inspect_ics(bytes, limits),
    }
}
