//! `ferry inspect FILE…`: the same per-item result the preview page shows,
//! as JSON, computed by the same `ferry-shared` code.

use ferry_shared::{FileReport, InspectError, ParseLimits, inspect};
use serde::Serialize;
use std::path::Path;

/// The result for one file: a report, or why the file could not be read.
#[derive(Debug, Serialize)]
pub struct FileResult {
    pub file: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Report(FileReport),
    Error(FileError),
}

/// A file-level failure with a stable code and a plain message.
#[derive(Debug, Serialize)]
pub struct FileError {
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

impl From<InspectError> for FileError {
    fn from(err: InspectError) -> Self {
        Self {
            code: err.code(),
            line: err.line(),
            message: err.to_string(),
        }
    }
}

/// Reads one file within `limits`. The size is checked before reading, so a
/// huge file is refused without being loaded.
pub fn inspect_file(path: &Path, limits: &ParseLimits) -> FileResult {
    let file = path.display().to_string();
    let outcome = match read_within_limit(path, limits) {
        Ok(bytes) => match inspect(&bytes, limits) {
            Ok(report) => Outcome::Report(report),
            Err(err) => Outcome::Error(err.into()),
        },
        Err(err) => Outcome::Error(err),
    };
    FileResult { file, outcome }
}

fn read_within_limit(path: &Path, limits: &ParseLimits) -> Result<Vec<u8>, FileError> {
    let unreadable = |err: std::io::Error| FileError {
        code: "unreadable_file",
        message: format!("The file cannot be read: {err}."),
        line: None,
    };
    let size = std::fs::metadata(path).map_err(unreadable)?.len();
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    if size > limits.max_file_bytes {
        return Err(InspectError::TooLarge {
            size,
            limit: limits.max_file_bytes,
        }
        .into());
    }
    std::fs::read(path).map_err(unreadable)
}
