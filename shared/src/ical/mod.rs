//! iCalendar (RFC 5545) files: from bytes to a [`crate::FileReport`].
//!
//! The work is split in three steps, each in its own module:
//! 1. [`crate::text::decode_content_lines`] turns bytes into text;
//! 2. [`scan`] finds every top-level component and every structural problem,
//!    with line numbers;
//! 3. [`item`] parses each event and task on its own with `calcard`.
//!
//! A file fails as a whole ([`InspectError`]) only when nothing in it can be
//! read as a calendar, or a limit is exceeded; anything less is a warning.

mod item;
mod rows;
pub mod scan;
pub mod vtimezone;

pub use item::Detail;

use crate::inspect::InspectError;
use crate::limits::ParseLimits;
use crate::model::ItemKind;
use crate::report::{FileFormat, FileReport, Skipped, Warning};
use crate::text::{SourceEncoding, decode_content_lines};
use scan::{Part, ScanError, scan_part};

/// Reads an iCalendar file.
pub fn inspect_ics(bytes: &[u8], limits: &ParseLimits) -> Result<FileReport, InspectError> {
    let mut items = Vec::new();
    let mut report = read_ics(bytes, limits, Detail::Full, &mut |item, _| items.push(item))?;
    report.items = items;
    Ok(report)
}

/// Reads an iCalendar file item by item: `on_item` gets each event and
/// task in file order (with the zones the file defines), and the report
/// returned holds everything else (its `items` stay empty). Nothing is
/// handed out when the file fails as a whole, and at most one item is in
/// memory at a time — what a preview of a very large file needs.
pub fn read_ics(
    bytes: &[u8],
    limits: &ParseLimits,
    detail: Detail,
    on_item: &mut dyn FnMut(crate::model::Item, &[String]),
) -> Result<FileReport, InspectError> {
    read_ics_part(bytes, limits, detail, &Part::WHOLE, &[], on_item).map(|(report, _)| report)
}

/// [`read_ics`] for a part of a file (see [`Part`]); `other_zones` are the
/// time zones the rest of the file defines. Also says whether the part was
/// cut cleanly between items (false only for broken files, which are then
/// best read whole).
pub fn read_ics_part(
    bytes: &[u8],
    limits: &ParseLimits,
    detail: Detail,
    part: &Part,
    other_zones: &[String],
    on_item: &mut dyn FnMut(crate::model::Item, &[String]),
) -> Result<(FileReport, bool), InspectError> {
    if bytes.len() > limits.max_file_bytes {
        return Err(InspectError::TooLarge {
            size: bytes.len(),
            limit: limits.max_file_bytes,
        });
    }
    let decoded = decode_content_lines(bytes);
    let outline = scan_part(&decoded.text, limits, part).map_err(|err| match err {
        ScanError::LineTooLong { line, limit } => InspectError::LineTooLong { line, limit },
    })?;

    if part.first {
        let Some((first_line, first_text)) = outline.first_line.clone() else {
            return Err(InspectError::Empty);
        };
        let has_calendar_content = outline.calendars > 0
            || outline.components.iter().any(|c| {
                matches!(
                    c.name.as_str(),
                    "VEVENT" | "VTODO" | "VJOURNAL" | "VTIMEZONE"
                )
            });
        if !has_calendar_content {
            return Err(not_a_calendar(first_line, &first_text));
        }
    }
    let mut warnings = outline.warnings;
    if decoded.encoding == SourceEncoding::Windows1252 {
        warnings.insert(
            0,
            Warning {
                line: None,
                message: "The file is not UTF-8; it was read as Windows-1252. Check accented characters in the preview.".to_string(),
            },
        );
    }
    // First the zones, the skipped components and the count (so a file
    // over the item limit fails before any item is handed out).
    let mut skipped = Vec::new();
    let mut time_zones = Vec::new();
    let mut count = 0;
    for span in &outline.components {
        match span.name.as_str() {
            "VEVENT" | "VTODO" => count += 1,
            "VTIMEZONE" => time_zones.extend(scan::time_zone_id(span.text)),
            _ => skipped.push(Skipped {
                component: span.name.clone(),
                line: span.line,
            }),
        }
    }
    for zone in other_zones {
        if !time_zones.contains(zone) {
            time_zones.push(zone.clone());
        }
    }
    if count > limits.max_items {
        return Err(InspectError::TooManyItems {
            limit: limits.max_items,
        });
    }
    for span in &outline.components {
        let kind = match span.name.as_str() {
            "VEVENT" => ItemKind::Event,
            "VTODO" => ItemKind::Task,
            _ => continue,
        };
        on_item(item::read_item(span, kind, limits, detail), &time_zones);
    }

    // File order; file-wide notes (no line) first.
    warnings.sort_by_key(|warning| warning.line);
    let more_warnings = warnings.len().saturating_sub(limits.max_warnings);
    warnings.truncate(limits.max_warnings);
    let clean = outline.clean_cut;
    let report = FileReport {
        format: FileFormat::ICalendar,
        encoding: decoded.encoding,
        calendars: outline.calendars,
        items: Vec::new(),
        skipped,
        warnings,
        more_warnings,
        time_zones,
    };
    Ok((report, clean))
}

fn not_a_calendar(line: usize, text: &str) -> InspectError {
    let upper = text.to_ascii_uppercase();
    let reason = if upper.starts_with("BEGIN:VCARD") {
        "this is a contact file (vCard), not a calendar. Drop an .ics calendar export here."
            .to_string()
    } else if upper.starts_with("<?XML") || upper.starts_with('<') {
        "this looks like an XML file, not an iCalendar (.ics) file.".to_string()
    } else {
        format!(
            "expected BEGIN:VCALENDAR but found “{text}”. This is not an iCalendar (.ics) file."
        )
    };
    InspectError::NotCalendar { line, reason }
}
