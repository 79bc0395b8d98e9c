//! Every calendar file of the real-world corpus (`fixtures/corpora`, copied
//! from stalwartlabs/calcard and mangstadt/biweekly) is read without a panic,
//! and what Ferry reads is cross-checked against calcard reading the whole
//! file at once.

#![cfg(not(target_arch = "wasm32"))]

use calcard::icalendar::ICalendarComponentType;
use calcard::{Entry, Parser};
use ferry_shared::{InspectError, ParseLimits, inspect_ics};
use std::path::{Path, PathBuf};

fn corpus_files(extension: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/corpora");
    let mut files = Vec::new();
    let mut dirs = vec![root];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("corpus folder is readable") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == extension) {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Events and tasks calcard finds when it reads the whole file in one go.
fn calcard_item_count(text: &str) -> usize {
    let mut parser = Parser::new(text);
    let mut count = 0;
    loop {
        match parser.entry() {
            Entry::ICalendar(ical) => {
                count += ical
                    .components
                    .iter()
                    .filter(|c| {
                        matches!(
                            c.component_type,
                            ICalendarComponentType::VEvent | ICalendarComponentType::VTodo
                        )
                    })
                    .count()
            }
            Entry::Eof => return count,
            _ => {}
        }
    }
}

#[test]
fn every_ics_file_is_read_without_panic_and_agrees_with_calcard() {
    let files = corpus_files("ics");
    assert!(
        files.len() > 250,
        "corpus is missing: {} files",
        files.len()
    );
    let limits = ParseLimits::default();
    let (mut read, mut rejected, mut disagreements) = (0, Vec::new(), Vec::new());
    for path in &files {
        let bytes = std::fs::read(path).expect("corpus file is readable");
        match inspect_ics(&bytes, &limits) {
            Ok(report) => {
                read += 1;
                let text = ferry_shared::text::decode_content_lines(&bytes).text;
                let expected = calcard_item_count(&text);
                // Ferry keeps items calcard drops (unclosed ones); it must
                // never lose one calcard finds.
                if report.items.len() < expected {
                    disagreements.push(format!(
                        "{}: ferry {} < calcard {expected}",
                        path.display(),
                        report.items.len()
                    ));
                }
                for warning in &report.warnings {
                    if let Some(line) = warning.line {
                        assert!(
                            line >= 1 && line <= text.lines().count(),
                            "{}: {warning}",
                            path.display()
                        );
                    }
                }
            }
            Err(err) => rejected.push(format!("{}: {err}", path.display())),
        }
    }
    assert!(disagreements.is_empty(), "{disagreements:#?}");
    // The few rejected files are the corpus' deliberately hostile ones
    // (no calendar at all); a regression would reject many more.
    assert!(rejected.len() <= 12, "{read} read, rejected: {rejected:#?}");
}

#[test]
fn vcard_files_are_refused_with_a_plain_reason() {
    let files = corpus_files("vcf");
    assert!(files.len() > 50);
    for path in files {
        let bytes = std::fs::read(&path).expect("corpus file is readable");
        if let Err(err) = inspect_ics(&bytes, &ParseLimits::default()) {
            assert!(
                matches!(err, InspectError::NotCalendar { .. } | InspectError::Empty),
                "{err}"
            );
            assert!(!err.to_string().is_empty());
        }
    }
}

#[test]
fn inputs_found_by_fuzzing_are_read_without_panic() {
    // fixtures/broken/fuzz-*.ics: crashes the ical_inspect target found.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/broken");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).expect("fixtures/broken exists") {
        let path = entry.expect("entry").path();
        if path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("fuzz-"))
        {
            let bytes = std::fs::read(&path).expect("readable");
            let _ = inspect_ics(&bytes, &ParseLimits::default());
            seen += 1;
        }
    }
    assert!(seen >= 1);
}
