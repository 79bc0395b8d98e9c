//! Golden files: the full report for chosen real-world and hand-made inputs,
//! reviewed once and pinned (`tests/snapshots/`). A change in what Ferry
//! reads from these files shows up as a diff to review.

#![cfg(not(target_arch = "wasm32"))]

use ferry_shared::{ParseLimits, inspect_ics};
use std::path::Path;

fn report(relative: &str) -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative);
    let bytes = std::fs::read(&path).expect("fixture is readable");
    match inspect_ics(&bytes, &ParseLimits::default()) {
        Ok(report) => serde_json::to_value(report).expect("serialisable"),
        Err(err) => {
            serde_json::json!({ "error": err.code(), "line": err.line(), "message": err.to_string() })
        }
    }
}

#[test]
fn sample_team_calendar() {
    insta::assert_json_snapshot!(report("static/samples/team-calendar.ics"));
}

#[test]
fn outlook_2010_export() {
    insta::assert_json_snapshot!(report("fixtures/corpora/biweekly/outlook-2010.ics"));
}

#[test]
fn rfc5545_meeting_with_attendee() {
    insta::assert_json_snapshot!(report("fixtures/corpora/biweekly/rfc5545-example3.ics"));
}

#[test]
fn organizer_without_address_and_leading_blanks() {
    insta::assert_json_snapshot!(report("fixtures/corpora/calcard/ical/028.ics"));
}

#[test]
fn not_a_calendar() {
    insta::assert_json_snapshot!(report("fixtures/corpora/calcard/ical/049.ics"));
}

#[test]
fn broken_structure() {
    insta::assert_json_snapshot!(report("fixtures/broken/unbalanced.ics"));
}
