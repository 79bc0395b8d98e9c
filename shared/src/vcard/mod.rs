//! vCard 2.1, 3.0 and 4.0 (`.vcf`): from bytes to contacts.

use crate::inspect::InspectError;
use crate::limits::ParseLimits;
use crate::report::FileReport;

/// Reads a vCard file.
pub fn inspect_vcard(_bytes: &[u8], _limits: &ParseLimits) -> Result<FileReport, InspectError> {
    Err(InspectError::UnknownFormat)
}
