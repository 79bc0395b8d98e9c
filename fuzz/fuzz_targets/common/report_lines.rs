//! The check every reader's fuzz target makes: any bytes give a report or
//! an error, never a panic, and every line a report names is inside the
//! file.

use ferry_shared::{FileReport, InspectError, ParseLimits};

/// Limits small enough for fuzzing to reach them.
pub fn limits() -> ParseLimits {
    ParseLimits {
        max_line_bytes: 4096,
        ..ParseLimits::default()
    }
}

/// Asserts that `result`, read from `data`, names only lines of `data`.
pub fn check(data: &[u8], result: Result<FileReport, InspectError>) {
    let Ok(report) = result else {
        return;
    };
    let lines = data.split(|b| *b == b'\n').count().max(1);
    for warning in &report.warnings {
        if let Some(line) = warning.line {
            assert!(line >= 1 && line <= lines, "line {line} of {lines}");
        }
    }
    for item in &report.items {
        assert!(
            item.line >= 1 && item.line <= lines,
            "item line {} of {lines}",
            item.line
        );
    }
}
