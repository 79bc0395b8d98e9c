//! Input limits for parsing exports.
//!
//! Every limit is an option with a documented default, so a hostile or broken
//! file yields a clear message instead of a frozen browser tab or an
//! exhausted server. The defaults are sized for real exports: a decade of a
//! busy calendar is a few tens of thousands of events and well under 100 MB.

use serde::{Deserialize, Serialize};

/// Limits applied while reading one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ParseLimits {
    /// Largest file accepted, in bytes. Default: 256 MiB.
    pub max_file_bytes: usize,
    /// Longest logical (unfolded) line, in bytes. Inline photos and
    /// attachments are the long ones. Default: 8 MiB.
    pub max_line_bytes: usize,
    /// Most items (events, tasks) read from one file. Default: 500,000.
    pub max_items: usize,
    /// Most warnings kept for one file; later ones are counted, not stored.
    /// Default: 1,000.
    pub max_warnings: usize,
    /// Largest contact photo kept with the contact, in bytes; larger ones
    /// are noted and left out (targets refuse big photos). Default: 256 KiB.
    pub max_photo_bytes: usize,
}

impl ParseLimits {
    /// Default for [`ParseLimits::max_file_bytes`].
    pub const DEFAULT_MAX_FILE_BYTES: usize = 256 * 1024 * 1024;
    /// Default for [`ParseLimits::max_line_bytes`].
    pub const DEFAULT_MAX_LINE_BYTES: usize = 8 * 1024 * 1024;
    /// Default for [`ParseLimits::max_items`].
    pub const DEFAULT_MAX_ITEMS: usize = 500_000;
    /// Default for [`ParseLimits::max_warnings`].
    pub const DEFAULT_MAX_WARNINGS: usize = 1_000;
    /// Default for [`ParseLimits::max_photo_bytes`].
    pub const DEFAULT_MAX_PHOTO_BYTES: usize = 256 * 1024;
}

impl Default for ParseLimits {
    fn default() -> Self {
        Self {
            max_file_bytes: Self::DEFAULT_MAX_FILE_BYTES,
            max_line_bytes: Self::DEFAULT_MAX_LINE_BYTES,
            max_items: Self::DEFAULT_MAX_ITEMS,
            max_warnings: Self::DEFAULT_MAX_WARNINGS,
            max_photo_bytes: Self::DEFAULT_MAX_PHOTO_BYTES,
        }
    }
}
