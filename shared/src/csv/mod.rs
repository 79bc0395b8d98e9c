//! Outlook and MDaemon CSV exports of calendars and contacts.

use crate::inspect::InspectError;
use crate::limits::ParseLimits;
use crate::report::FileReport;

/// Reads a CSV export.
pub fn inspect_csv(_bytes: &[u8], _limits: &ParseLimits) -> Result<FileReport, InspectError> {
    Err(InspectError::UnknownFormat)
}
