//! The CSV reader on hand-written exports (`fixtures/csv/`, see its
//! README for the documentation each file follows): golden reports pinned
//! in `tests/snapshots/`, the limits, and properties over generated files.

#![cfg(not(target_arch = "wasm32"))]

use ferry_shared::csv::inspect_csv;
use ferry_shared::{InspectError, ParseLimits, inspect};
use proptest::prelude::*;
use std::path::Path;

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/csv")
        .join(name);
    std::fs::read(&path).expect("fixture is readable")
}

/// The report (or error) for a fixture, as JSON. The reader picked by
/// content must give exactly what the CSV reader gives.
fn report(name: &str) -> serde_json::Value {
    let bytes = fixture(name);
    let limits = ParseLimits::default();
    let direct = inspect_csv(&bytes, &limits);
    assert_eq!(
        direct,
        inspect(&bytes, &limits),
        "inspect() picks the CSV reader"
    );
    match direct {
        Ok(report) => serde_json::to_value(report).expect("serialisable"),
        Err(err) => {
            serde_json::json!({ "error": err.code(), "line": err.line(), "message": err.to_string() })
        }
    }
}

#[test]
fn outlook_calendar_english_us() {
    insta::assert_json_snapshot!(report("outlook-calendar-en-us.csv"));
}

#[test]
fn outlook_calendar_german_semicolons_windows_1252() {
    insta::assert_json_snapshot!(report("outlook-calendar-de.csv"));
}

#[test]
fn outlook_calendar_french() {
    insta::assert_json_snapshot!(report("outlook-calendar-fr.csv"));
}

#[test]
fn outlook_calendar_dutch() {
    insta::assert_json_snapshot!(report("outlook-calendar-nl.csv"));
}

#[test]
fn outlook_contacts_english() {
    insta::assert_json_snapshot!(report("outlook-contacts-en.csv"));
}

#[test]
fn outlook_contacts_german() {
    insta::assert_json_snapshot!(report("outlook-contacts-de.csv"));
}

#[test]
fn mdaemon_contacts() {
    insta::assert_json_snapshot!(report("mdaemon-contacts.csv"));
}

#[test]
fn ambiguous_dates() {
    insta::assert_json_snapshot!(report("ambiguous-dates.csv"));
}

#[test]
fn unknown_header() {
    insta::assert_json_snapshot!(report("unknown-header.csv"));
}

const HEADER: &str = "Subject,Start Date,Start Time,End Date,End Time\r\n";

#[test]
fn more_rows_than_max_items_fail_the_file() {
    let text =
        format!("{HEADER}a,1/2/2024,9:00,1/2/2024,10:00\r\nb,1/3/2024,9:00,1/3/2024,10:00\r\n");
    let limits = ParseLimits {
        max_items: 1,
        ..ParseLimits::default()
    };
    assert_eq!(
        inspect_csv(text.as_bytes(), &limits),
        Err(InspectError::TooManyItems { limit: 1 })
    );
    let limits = ParseLimits {
        max_items: 2,
        ..ParseLimits::default()
    };
    assert_eq!(
        inspect_csv(text.as_bytes(), &limits).unwrap().items.len(),
        2
    );
}

#[test]
fn a_row_longer_than_max_line_bytes_fails_the_file_naming_its_line() {
    let long = "x".repeat(200);
    let text = format!("{HEADER}a,1/2/2024,9:00,1/2/2024,10:00\r\n{long},1/3/2024,9:00,,\r\n");
    let limits = ParseLimits {
        max_line_bytes: 100,
        ..ParseLimits::default()
    };
    assert_eq!(
        inspect_csv(text.as_bytes(), &limits),
        Err(InspectError::LineTooLong {
            line: 3,
            limit: 100
        })
    );
    let text = format!("{HEADER}\"a\r\n{long}\r\nb\",1/3/2024,9:00,,\r\n");
    let err = inspect_csv(text.as_bytes(), &limits).unwrap_err();
    assert!(
        matches!(&err, InspectError::Malformed { line: 2, reason } if reason.contains("closing quote")),
        "{err}"
    );
}

#[test]
fn a_file_larger_than_max_file_bytes_is_refused_before_reading() {
    let text = format!("{HEADER}a,1/2/2024,9:00,1/2/2024,10:00\r\n");
    let limits = ParseLimits {
        max_file_bytes: 20,
        ..ParseLimits::default()
    };
    assert_eq!(
        inspect_csv(text.as_bytes(), &limits),
        Err(InspectError::TooLarge {
            size: text.len(),
            limit: 20
        })
    );
}

#[test]
fn empty_files_and_header_only_files() {
    let limits = ParseLimits::default();
    assert_eq!(inspect_csv(b"", &limits), Err(InspectError::Empty));
    assert_eq!(inspect_csv(b" \r\n\r\n", &limits), Err(InspectError::Empty));
    let report = inspect_csv(HEADER.as_bytes(), &limits).unwrap();
    assert!(report.items.is_empty());
}

#[test]
fn rows_with_the_same_subject_start_and_end_get_distinct_uids_and_a_note() {
    let row = "Stand-up,1/2/2024,9:00,1/2/2024,9:15\r\n";
    let text = format!("{HEADER}{row}other,1/2/2024,9:00,1/2/2024,9:15\r\n{row}");
    let report = inspect_csv(text.as_bytes(), &ParseLimits::default()).unwrap();
    let [first, other, again] = report.items.as_slice() else {
        panic!("three items expected");
    };
    assert!(first.notes.is_empty() && other.notes.is_empty());
    assert_ne!(first.uid, again.uid);
    assert_ne!(first.uid, other.uid);
    assert_eq!(again.line, 4);
    assert_eq!(
        again.notes,
        vec![
            "Line 2 has the same subject, start and end; Ferry tells the rows apart by their order in the file, so keep that order when exporting again"
        ]
    );
    // The UID depends on the row's content, not on the file around it.
    let alone = inspect_csv(format!("{HEADER}{row}").as_bytes(), &ParseLimits::default()).unwrap();
    assert_eq!(alone.items[0].uid, first.uid);
}

#[test]
fn excel_sep_hint_and_blank_rows() {
    let text = "sep=;\r\nSubject;Start Date\r\n;\r\nLunch;2024-05-01\r\n";
    let report = inspect_csv(text.as_bytes(), &ParseLimits::default()).unwrap();
    assert_eq!(report.items.len(), 1);
    assert_eq!(report.items[0].line, 4);
    assert_eq!(report.items[0].start.as_ref().unwrap().local, "2024-05-01");
    assert!(report.items[0].all_day);
}

/// Text people type: printable characters of several scripts, quotes,
/// commas, semicolons, tabs and line breaks.
fn typed_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::char::range(' ', '~'),
            1 => prop::sample::select(vec!['"', ',', ';', '\n', '\r', '\t', 'é', 'ß', 'ø', '€', '中', '—', '😀', '\u{a0}']),
        ],
        0..40,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

/// What the reader makes of a single-line field (subject, location).
fn trimmed(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_string())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Whatever text a row holds, written by a CSV writer under Outlook's
    /// English column names it reads back as written, each item on the
    /// line its row starts on.
    #[test]
    fn written_rows_read_back_exactly(rows in prop::collection::vec((typed_text(), typed_text(), typed_text()), 1..6)) {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        writer.write_record(["Subject", "Start Date", "Start Time", "End Date", "End Time", "Description", "Location"]).unwrap();
        let mut expected_lines = Vec::new();
        let mut line = 2;
        for (subject, description, location) in &rows {
            let fields = [subject.as_str(), "7/15/2024", "9:30:00 AM", "7/15/2024", "10:00:00 AM", description, location];
            writer.write_record(fields).unwrap();
            expected_lines.push(line);
            line += 1 + fields.iter().map(|f| f.matches('\n').count()).sum::<usize>();
        }
        let bytes = writer.into_inner().unwrap();
        let report = inspect_csv(&bytes, &ParseLimits::default()).unwrap();
        let read: Vec<_> = report.items.iter().map(|item| (item.line, item.summary.clone(), item.description.clone(), item.location.clone())).collect();
        let written: Vec<_> = rows.iter().zip(expected_lines).map(|((subject, description, location), line)| {
            let description = (!description.trim().is_empty()).then(|| description.clone());
            (line, trimmed(subject), description, trimmed(location))
        }).collect();
        prop_assert_eq!(read, written);
        for item in &report.items {
            prop_assert_eq!(item.start.as_ref().map(|s| s.local.as_str()), Some("2024-07-15T09:30:00"));
        }
    }

    /// Any bytes after an Outlook header give a report or an error, never
    /// a panic, and every line named is inside the file (what the
    /// `csv_inspect` fuzz target checks, for machines without cargo-fuzz).
    #[test]
    fn any_rows_read_without_panic_and_lines_stay_in_the_file(tail in prop::collection::vec(any::<u8>(), 0..400)) {
        let mut bytes = b"Subject;Start Date;Start Time;End Date;End Time;All day event;Reminder on/off;Reminder Date;Reminder Time\n".to_vec();
        bytes.extend_from_slice(&tail);
        let limits = ParseLimits { max_line_bytes: 64, ..ParseLimits::default() };
        let lines = bytes.split(|b| *b == b'\n').count();
        match inspect_csv(&bytes, &limits) {
            Ok(report) => {
                for warning in &report.warnings {
                    if let Some(line) = warning.line {
                        prop_assert!(line >= 1 && line <= lines);
                    }
                }
                for item in &report.items {
                    prop_assert!(item.line >= 2 && item.line <= lines);
                }
            }
            Err(err) => {
                if let Some(line) = err.line() {
                    prop_assert!(line >= 1 && line <= lines);
                }
            }
        }
    }
}
