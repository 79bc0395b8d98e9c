//! The preview's fast row reader against the full reader: for any bytes,
//! the rows of the streamed preview (which reads plain items itself and
//! leaves the rest to calcard) equal the rows made from the items calcard
//! read, and neither panics.
#![no_main]

use ferry_shared::mapping::MappingRules;
use ferry_shared::preview::{preview, preview_bytes};
use ferry_shared::{ParseLimits, inspect_ics};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = ParseLimits {
        max_file_bytes: 1 << 20,
        max_line_bytes: 64 * 1024,
        max_items: 10_000,
        ..ParseLimits::default()
    };
    let rules = MappingRules::default();
    let streamed = preview_bytes(data, &limits, &rules);
    let whole = inspect_ics(data, &limits).map(|report| preview(&report, &rules));
    if let (true, Ok(streamed), Ok(whole)) = (
        ferry_shared::inspect::is_icalendar(data),
        streamed,
        whole,
    ) {
        assert_eq!(streamed.rows, whole.rows);
    }
});
