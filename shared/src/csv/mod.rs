//! Outlook and MDaemon CSV exports of calendars and contacts: from bytes to
//! a [`FileReport`].
//!
//! The work is split in steps, each in its own module:
//! 1. [`crate::text::decode`] turns bytes into text (UTF-8 or Windows-1252);
//! 2. [`records`] finds the delimiter and reads rows, each with the line it
//!    starts on;
//! 3. [`headers`] tells from the first row what the file is (calendar or
//!    contacts, Outlook in English, German, French or Dutch, or MDaemon) and
//!    which column holds which field;
//! 4. [`dates`] decides once for the file whether dates are written month
//!    or day first;
//! 5. [`calendar`] and [`contacts`] turn each row into an item, with
//!    [`values`], [`people`] and [`uid`] for the parts.
//!
//! A file fails as a whole ([`InspectError`]) only when its first row is no
//! known export, a row is broken beyond reading, or a limit is exceeded;
//! anything less is a warning or a note on the item.

mod calendar;
mod contacts;
mod dates;
mod headers;
mod people;
mod records;
mod uid;
mod values;

use crate::inspect::InspectError;
use crate::limits::ParseLimits;
use crate::report::{FileFormat, FileReport, Warning};
use crate::text::{SourceEncoding, decode};
use dates::DateOrderEvidence;
use headers::{CalendarColumn, ContactColumn, Layout};
use records::{Row, RowReader};

/// Reads a CSV export.
pub fn inspect_csv(bytes: &[u8], limits: &ParseLimits) -> Result<FileReport, InspectError> {
    if bytes.len() > limits.max_file_bytes {
        return Err(InspectError::TooLarge {
            size: bytes.len(),
            limit: limits.max_file_bytes,
        });
    }
    let decoded = decode(bytes);
    let text: &str = &decoded.text;
    if text.trim().is_empty() {
        return Err(InspectError::Empty);
    }
    let dialect = records::dialect(text);
    let mut reader = RowReader::new(text, dialect.delimiter, limits.max_line_bytes);
    if dialect.skip_first_line {
        reader.next_row()?;
    }
    let header = loop {
        match reader.next_row()? {
            Some(row) if row.is_blank() => continue,
            Some(row) => break row,
            None => return Err(InspectError::Empty),
        }
    };
    let names: Vec<String> = header.record.iter().map(headers::display_name).collect();
    let layout = headers::detect(&names).ok_or_else(|| not_an_export(&header, &names))?;

    let mut rows = Vec::new();
    while let Some(row) = reader.next_row()? {
        if row.is_blank() {
            continue;
        }
        if rows.len() == limits.max_items {
            return Err(InspectError::TooManyItems {
                limit: limits.max_items,
            });
        }
        rows.push(row);
    }

    let mut warnings = Vec::new();
    if decoded.encoding == SourceEncoding::Windows1252 {
        warnings.push(file_wide(
            "The file is not UTF-8; it was read as Windows-1252. Check accented characters in the preview.",
        ));
    }
    if let Some(row) = rows.last().filter(|row| row.unclosed_quote) {
        warnings.push(Warning {
            line: Some(row.line),
            message: "The file ends inside a quoted field that starts in this row; the row may be incomplete.".to_string(),
        });
    }
    let (format, items, unused) = match &layout {
        Layout::Calendar { language, columns } => {
            let evidence = DateOrderEvidence::gather(
                &rows,
                columns,
                &[
                    CalendarColumn::StartDate,
                    CalendarColumn::EndDate,
                    CalendarColumn::ReminderDate,
                ],
            );
            let (order, order_warning) = evidence.decide(*language);
            warnings.push(file_wide(
                "The file has no time zone: Outlook's CSV export writes local times only. Pick the time zone the calendar was exported in before moving it.",
            ));
            warnings.extend(order_warning.map(|message| Warning {
                line: None,
                message,
            }));
            let items = calendar::read_events(&rows, columns, order);
            (
                FileFormat::OutlookCalendarCsv,
                items,
                columns.unused_with_values(&rows, holds_something),
            )
        }
        Layout::Contacts {
            format,
            language,
            columns,
        } => {
            let evidence = DateOrderEvidence::gather(&rows, columns, &[ContactColumn::Birthday]);
            let (order, order_warning) = evidence.decide(*language);
            warnings.extend(order_warning.map(|message| Warning {
                line: None,
                message,
            }));
            let items = contacts::read_contacts(&rows, columns, order);
            (
                *format,
                items,
                columns.unused_with_values(&rows, holds_something),
            )
        }
    };
    if !unused.is_empty() {
        warnings.push(file_wide(&format!(
            "Columns Ferry does not use: {}. Their values are not moved.",
            unused.join(", ")
        )));
    }

    // File-wide notes (no line) first, then in file order.
    warnings.sort_by_key(|warning| warning.line);
    let more_warnings = warnings.len().saturating_sub(limits.max_warnings);
    warnings.truncate(limits.max_warnings);
    Ok(FileReport {
        format,
        encoding: decoded.encoding,
        calendars: 0,
        items,
        skipped: Vec::new(),
        warnings,
        more_warnings,
        time_zones: Vec::new(),
    })
}

/// Whether a value of an unused column is worth reporting: not blank, and
/// not Outlook's "no date".
fn holds_something(value: &str) -> bool {
    !value.trim().is_empty() && !dates::is_no_date(value)
}

fn file_wide(message: &str) -> Warning {
    Warning {
        line: None,
        message: message.to_string(),
    }
}

/// The error for a first row that matches no known export, listing (the
/// first few of) its columns so the user sees what Ferry saw.
fn not_an_export(header: &Row, names: &[String]) -> InspectError {
    const SHOWN: usize = 12;
    const LONGEST: usize = 40;
    let mut shown: Vec<String> = names
        .iter()
        .filter(|name| !name.is_empty())
        .take(SHOWN)
        .map(|name| {
            if name.chars().count() > LONGEST {
                format!("{}…", name.chars().take(LONGEST).collect::<String>())
            } else {
                name.clone()
            }
        })
        .map(|name| format!("“{name}”"))
        .collect();
    let total = names.iter().filter(|name| !name.is_empty()).count();
    if total > SHOWN {
        shown.push(format!("and {} more", total - SHOWN));
    }
    InspectError::Malformed {
        line: header.line,
        reason: format!(
            "the first row does not look like an Outlook or MDaemon export (found columns: {}). Ferry reads calendar and contacts exports from Outlook in English, German, French or Dutch, and MDaemon address books.",
            shown.join(", ")
        ),
    }
}
