//! xCal (RFC 6321, iCalendar in XML): from bytes to a [`FileReport`].
//!
//! xCal is a one-to-one mapping of iCalendar into XML, so this reader
//! translates it back and lets the iCalendar reader ([`crate::ical`]) turn
//! it into items: one code path from iCalendar to the item model. The
//! steps, each in its own module:
//! 1. [`crate::text::decode`] turns bytes into text;
//! 2. [`reader`] reads the XML with quick-xml, refusing DOCTYPEs and entity
//!    declarations, and names the line of every problem;
//! 3. [`mod@translate`] walks `<icalendar>`, `<vcalendar>`, components and
//!    properties; [`node`], [`property`], [`value`] and [`content_line`]
//!    turn each property into one escaped iCalendar line, and [`output`]
//!    records the XML line of every generated line;
//! 4. the iCalendar reader reads the result, and [`remap`] gives its items,
//!    skipped components and warnings their lines in the XML file.
//!
//! As with iCalendar, the file fails as a whole ([`InspectError`]) only
//! when it is not xCal, is broken XML, or exceeds a limit; anything less
//! is a warning.

mod content_line;
mod node;
mod notes;
mod output;
mod property;
mod reader;
mod remap;
mod translate;
mod value;

use crate::ical::inspect_ics;
use crate::inspect::InspectError;
use crate::limits::ParseLimits;
use crate::report::{FileFormat, FileReport, Warning};
use crate::text::{SourceEncoding, decode};
use remap::{remap_error, remap_report};
use translate::translate;

/// Reads an xCal file.
pub fn inspect_xcal(bytes: &[u8], limits: &ParseLimits) -> Result<FileReport, InspectError> {
    if bytes.len() > limits.max_file_bytes {
        return Err(InspectError::TooLarge {
            size: bytes.len(),
            limit: limits.max_file_bytes,
        });
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(InspectError::Empty);
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(InspectError::Malformed {
            line: 1,
            reason: "this XML file is in UTF-16; Ferry reads xCal in UTF-8. Save or export the calendar as UTF-8 and try again.".to_string(),
        });
    }
    let decoded = decode(bytes);
    let translation = translate(&decoded.text, limits)?;

    let mut warnings = translation.notes.kept;
    let mut more_warnings = translation.notes.more;
    let mut report = if translation.calendars == 0 {
        warnings.push(Warning {
            line: Some(translation.root_line),
            message: "<icalendar> holds no <vcalendar>; there is nothing to read".to_string(),
        });
        FileReport {
            format: FileFormat::XCal,
            encoding: decoded.encoding,
            calendars: 0,
            items: Vec::new(),
            skipped: Vec::new(),
            warnings: Vec::new(),
            more_warnings: 0,
            time_zones: Vec::new(),
        }
    } else {
        // The XML was already held to the size limits; escaping can make
        // the generated text a little longer, which must not fail it.
        let ics_limits = ParseLimits {
            max_file_bytes: usize::MAX,
            max_line_bytes: usize::MAX,
            ..*limits
        };
        let ics = &translation.ics;
        let report = inspect_ics(ics.text.as_bytes(), &ics_limits)
            .map_err(|error| remap_error(error, ics))?;
        remap_report(report, ics)
    };

    warnings.append(&mut report.warnings);
    more_warnings += report.more_warnings;
    if decoded.encoding == SourceEncoding::Windows1252 {
        warnings.push(Warning {
            line: None,
            message: "The file is not UTF-8; it was read as Windows-1252. Check accented characters in the preview.".to_string(),
        });
    }
    // File order; file-wide notes (no line) first.
    warnings.sort_by_key(|warning| warning.line);
    more_warnings += warnings.len().saturating_sub(limits.max_warnings);
    warnings.truncate(limits.max_warnings);

    report.format = FileFormat::XCal;
    report.encoding = decoded.encoding;
    report.warnings = warnings;
    report.more_warnings = more_warnings;
    Ok(report)
}
