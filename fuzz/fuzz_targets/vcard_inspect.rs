//! Any bytes given to the vCard reader give a report or an
//! error, never a panic, and every line number it names is inside the file.
#![no_main]

#[path = "common/report_lines.rs"]
mod report_lines;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    report_lines::check(
        data,
        ferry_shared::vcard::inspect_vcard(data, &report_lines::limits()),
    );
});
