//! vCard 2.1, 3.0 and 4.0 (`.vcf`): from bytes to contacts.
//!
//! The work is split in steps, each in its own module:
//! 1. [`crate::text::decode_content_lines`] turns bytes into text (UTF-8,
//!    or Windows-1252 for old exports);
//! 2. [`lines`] joins the physical lines of each property (folding,
//!    quoted-printable soft breaks, unindented base64);
//! 3. [`mod@split`] finds every card and every structural problem, with line
//!    numbers;
//! 4. [`card`] parses each card on its own with `calcard`, and
//!    [`contact`], [`values`] and [`photo`] map it into the model.
//!
//! A file fails as a whole ([`InspectError`]) only when it holds no card at
//! all or a limit is exceeded; anything less is a warning or a note on the
//! contact.

mod card;
mod contact;
mod lines;
mod photo;
mod split;
mod values;

use crate::inspect::InspectError;
use crate::limits::ParseLimits;
use crate::report::{FileFormat, FileReport, Warning};
use crate::text::{SourceEncoding, decode_content_lines};
use split::{SplitError, split};

/// Reads a vCard file.
pub fn inspect_vcard(bytes: &[u8], limits: &ParseLimits) -> Result<FileReport, InspectError> {
    if bytes.len() > limits.max_file_bytes {
        return Err(InspectError::TooLarge {
            size: bytes.len(),
            limit: limits.max_file_bytes,
        });
    }
    let decoded = decode_content_lines(bytes);
    let outline = split(&decoded.text, limits).map_err(|err| match err {
        SplitError::LineTooLong { line } => InspectError::LineTooLong {
            line,
            limit: limits.max_line_bytes,
        },
        SplitError::TooManyCards => InspectError::TooManyItems {
            limit: limits.max_items,
        },
    })?;
    let Some((first_line, first_text)) = outline.first_line.clone() else {
        return Err(InspectError::Empty);
    };
    if outline.cards.is_empty() {
        return Err(not_a_vcard(first_line, &first_text));
    }

    let mut warnings = outline.warnings;
    let mut more_warnings = outline.more_warnings;
    if decoded.encoding == SourceEncoding::Windows1252 {
        warnings.insert(
            0,
            Warning {
                line: None,
                message: "The file is not UTF-8; it was read as Windows-1252. Check accented characters in the preview.".to_string(),
            },
        );
    }
    // File order; file-wide notes (no line) first.
    warnings.sort_by_key(|warning| warning.line);
    more_warnings += warnings.len().saturating_sub(limits.max_warnings);
    warnings.truncate(limits.max_warnings);

    let items = outline
        .cards
        .iter()
        .map(|span| card::read_card(&decoded.text, span, limits))
        .collect();
    Ok(FileReport {
        format: FileFormat::VCard,
        encoding: decoded.encoding,
        calendars: 0,
        items,
        skipped: outline.skipped,
        warnings,
        more_warnings,
        time_zones: Vec::new(),
    })
}

/// The error for a file without a single card, quoting its first line.
fn not_a_vcard(line: usize, text: &str) -> InspectError {
    let upper = text.to_ascii_uppercase();
    let reason = if upper.starts_with("BEGIN:VCALENDAR") {
        format!(
            "expected BEGIN:VCARD but found “{text}”. This is a calendar file (iCalendar), not a contact file (vCard)."
        )
    } else {
        format!("expected BEGIN:VCARD but found “{text}”. This is not a vCard (.vcf) file.")
    };
    InspectError::Malformed { line, reason }
}
