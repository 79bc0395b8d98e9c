//! `ferry inspect` run as a user runs it.

use crate::fixtures;
use std::process::Command;

fn inspect(args: &[&str]) -> (bool, serde_json::Value) {
    let output = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .arg("inspect")
        .args(args)
        .output()
        .expect("ferry runs");
    let json = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    (output.status.success(), json)
}

#[test]
fn prints_every_event_of_a_real_export() {
    let file = fixtures().join("corpora/biweekly/outlook-2010.ics");
    let (ok, json) = inspect(&[file.to_str().unwrap()]);
    assert!(ok);
    let items = json[0]["report"]["items"].as_array().unwrap();
    assert!(!items.is_empty());
    for item in items {
        assert_eq!(item["kind"], "event");
        assert!(item["line"].as_u64().unwrap() > 1);
    }
}

#[test]
fn a_file_that_is_not_a_calendar_fails_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("notes.txt");
    std::fs::write(&bad, "\nMeeting notes\nnothing here is a calendar\n").unwrap();
    let good = fixtures().join("corpora/biweekly/rfc5545-example1.ics");
    let (ok, json) = inspect(&["--compact", bad.to_str().unwrap(), good.to_str().unwrap()]);
    assert!(!ok, "exit status reports the failed file");
    assert_eq!(json[0]["error"]["code"], "not_a_calendar");
    assert_eq!(json[0]["error"]["line"], 2);
    assert!(
        json[0]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("“Meeting notes”"),
        "{json}"
    );
    assert!(json[1]["report"]["items"].is_array());
}

#[test]
fn size_limit_is_an_option() {
    let file = fixtures().join("corpora/biweekly/outlook-2010.ics");
    let (ok, json) = inspect(&["--max-file-bytes", "100", file.to_str().unwrap()]);
    assert!(!ok);
    assert_eq!(json[0]["error"]["code"], "file_too_large");
}
