//! Any bytes given to the CSV reader (Outlook and MDaemon exports) give a report or an error, never a
//! panic, and every line number it names is inside the file.
#![no_main]

use ferry_shared::ParseLimits;
use ferry_shared::csv::inspect_csv;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = ParseLimits {
        max_line_bytes: 4096,
        ..ParseLimits::default()
    };
    if let Ok(report) = inspect_csv(data, &limits) {
        let lines = data.split(|b| *b == b'\n').count().max(1);
        for warning in &report.warnings {
            if let Some(line) = warning.line {
                assert!(line >= 1 && line <= lines, "line {line} of {lines}");
            }
        }
        for item in &report.items {
            assert!(item.line >= 1 && item.line <= lines, "item line {} of {lines}", item.line);
        }
    }
});
