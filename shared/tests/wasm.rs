//! The parser compiled to WebAssembly gives, in a real browser, the same
//! results as natively (headless Chromium through wasm-bindgen-test).
#![cfg(target_arch = "wasm32")]

use ferry_shared::model::Recurrence;
use ferry_shared::text::SourceEncoding;
use ferry_shared::{InspectError, ItemKind, ParseLimits, inspect_ics};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const SAMPLE: &[u8] = include_bytes!("../../static/samples/team-calendar.ics");
const APPLE_MOVIES: &[u8] = include_bytes!("../../fixtures/corpora/calcard/ical/150.ics");
const VCARD: &[u8] = include_bytes!("../../fixtures/corpora/calcard/vcard/001.vcf");

#[wasm_bindgen_test]
fn sample_calendar_reads_as_natively() {
    let report = inspect_ics(SAMPLE, &ParseLimits::default()).unwrap();
    assert_eq!(report.items.len(), 6);
    let standup = &report.items[0];
    assert_eq!(standup.summary.as_deref(), Some("Team stand-up"));
    assert_eq!(standup.recurrence, Recurrence::Series);
    assert_eq!(standup.attendees.len(), 3);
    assert_eq!(
        standup.start.as_ref().unwrap().to_string(),
        "2026-11-02 09:30 Europe/Berlin"
    );
    assert_eq!(report.items[1].recurrence, Recurrence::Exception);
    assert!(report.items[2].all_day);
    assert_eq!(report.items[5].kind, ItemKind::Task);
}

#[wasm_bindgen_test]
fn corpus_file_and_errors_in_the_browser() {
    let report = inspect_ics(APPLE_MOVIES, &ParseLimits::default()).unwrap();
    assert_eq!(report.items.len(), 186);
    let err = inspect_ics(VCARD, &ParseLimits::default()).unwrap_err();
    assert!(
        matches!(err, InspectError::NotCalendar { line: 1, .. }),
        "{err}"
    );
}

#[wasm_bindgen_test]
fn windows_1252_fallback_in_the_browser() {
    let report = inspect_ics(
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART:20260101T100000Z\r\nSUMMARY:R\xE9union\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        &ParseLimits::default(),
    )
    .unwrap();
    assert_eq!(report.encoding, SourceEncoding::Windows1252);
    assert_eq!(report.items[0].summary.as_deref(), Some("Réunion"));
}
