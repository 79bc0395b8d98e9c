//! xCal (RFC 6321, iCalendar in XML).

use crate::inspect::InspectError;
use crate::limits::ParseLimits;
use crate::report::FileReport;

/// Reads an xCal file.
pub fn inspect_xcal(_bytes: &[u8], _limits: &ParseLimits) -> Result<FileReport, InspectError> {
    Err(InspectError::UnknownFormat)
}
