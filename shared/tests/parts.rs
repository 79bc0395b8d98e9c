//! A large iCalendar file is read in parts, one per worker, and joined:
//! the result must be exactly that of reading it whole. Every corpus file
//! is cut into 2, 3 and 4 parts the way the page cuts them.
#![cfg(not(target_arch = "wasm32"))]

use ferry_shared::ical::scan::Part;
use ferry_shared::mapping::MappingRules;
use ferry_shared::preview::{
    merge_parts, parts_to_read_again, preview_bytes, preview_part, split_point,
};
use ferry_shared::{ParseLimits, inspect};
use std::path::PathBuf;

/// What the page does: a window at each n-th of the file, cut at the
/// first item start in it.
fn bounds(bytes: &[u8], parts: usize) -> Vec<(usize, usize)> {
    let mut cuts = vec![0];
    for k in 1..parts {
        let at = bytes.len() * k / parts;
        let window = &bytes[at..bytes.len().min(at + 64 * 1024)];
        if let Some(offset) = split_point(window) {
            let cut = at + offset;
            if cut > *cuts.last().unwrap() {
                cuts.push(cut);
            }
        }
    }
    cuts.push(bytes.len());
    cuts.windows(2).map(|w| (w[0], w[1])).collect()
}

/// Reads `bytes` in parts as the page does (each part on its own, then
/// the parts that need another part's zones again); `None` when the page
/// would read it whole.
fn in_parts(
    bytes: &[u8],
    parts: usize,
    rules: &MappingRules,
) -> Option<ferry_shared::preview::FilePreview> {
    let bounds = bounds(bytes, parts);
    if bounds.len() < 2 {
        return None;
    }
    let read = |n: usize, zones: &[String]| {
        let (a, b) = bounds[n];
        let part = Part {
            first: n == 0,
            last: n + 1 == bounds.len(),
        };
        preview_part(&bytes[a..b], &ParseLimits::default(), rules, &part, zones).ok()
    };
    let mut previews = Vec::new();
    for n in 0..bounds.len() {
        let preview = read(n, &[])?;
        if !preview.clean || preview.preview.encoding != ferry_shared::text::SourceEncoding::Utf8 {
            return None;
        }
        previews.push(preview);
    }
    let (zones, again) = parts_to_read_again(&previews);
    for n in again {
        previews[n] = read(n, &zones)?;
    }
    merge_parts(previews, &ParseLimits::default()).ok()
}

#[test]
fn parts_joined_equal_the_whole_file() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let rules = MappingRules::default();
    let (mut split, mut whole_only) = (0, 0);
    for dir in [
        "fixtures/corpora/calcard/ical",
        "fixtures/corpora/biweekly",
        "fixtures/mapping",
        "static/samples",
    ] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "ics") {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            let Ok(whole) = preview_bytes(&bytes, &ParseLimits::default(), &rules) else {
                continue;
            };
            for parts in 2..=4 {
                match in_parts(&bytes, parts, &rules) {
                    Some(joined) => {
                        assert_eq!(joined, whole, "{path:?} in {parts} parts");
                        split += 1;
                    }
                    None => whole_only += 1,
                }
            }
        }
    }
    assert!(
        split > 100,
        "only {split} cuts were tried ({whole_only} read whole)"
    );
}

#[test]
fn duplicates_and_file_zones_are_found_across_parts() {
    let mut text = String::from(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTIMEZONE\r\nTZID:Office Time\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n",
    );
    for i in 0..200 {
        let uid = if i == 150 { 3 } else { i };
        text.push_str(&format!(
            "BEGIN:VEVENT\r\nUID:event-{uid}\r\nDTSTART;TZID=Office Time:20270105T0900{:02}\r\nSUMMARY:Event {i}\r\nEND:VEVENT\r\n",
            i % 60
        ));
    }
    text.push_str("END:VCALENDAR\r\n");
    let bytes = text.as_bytes();
    let rules = MappingRules::default();
    let whole = preview_bytes(bytes, &ParseLimits::default(), &rules).unwrap();
    let joined = in_parts(bytes, 4, &rules).expect("the file is cut");
    assert_eq!(joined, whole);
    let repeat = &joined.rows[150];
    assert!(
        repeat.warnings.iter().any(|w| w.message.contains("line")),
        "{repeat:?}"
    );
    // The zone defined in the first part is known in the last one.
    assert!(
        joined.rows[199].warnings.is_empty(),
        "{:?}",
        joined.rows[199]
    );
    assert_eq!(
        inspect(bytes, &ParseLimits::default()).unwrap().items.len(),
        200
    );
}
