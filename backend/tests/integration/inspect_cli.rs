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

#[test]
fn mapping_rules_from_files_give_each_item_its_status_and_warnings() {
    let mapping = fixtures().join("mapping");
    let (ok, json) = inspect(&[
        "--compact",
        "--flat",
        "--zone",
        "Europe/Berlin",
        "--users",
        mapping.join("users.txt").to_str().unwrap(),
        "--domains",
        mapping.join("domains.txt").to_str().unwrap(),
        mapping.join("meetings.ics").to_str().unwrap(),
    ]);
    assert!(ok);
    let items = json[0]["report"]["items"].as_array().unwrap();
    let mapped = json[0]["mapped"].as_array().unwrap();
    assert_eq!(items.len(), mapped.len());
    let statuses: Vec<&str> = mapped
        .iter()
        .map(|m| m["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        ["warning", "warning", "warning", "warning", "cannot-convert"]
    );
    // Flat mode: no attendees, the new addresses in the description.
    let review = &mapped[1]["item"];
    assert!(review.get("attendees").is_none(), "{review}");
    let body = review["description"].as_str().unwrap();
    assert!(
        body.contains("<benjamin.okafor@sumatra.onmicrosoft.com> (optional, tentative)"),
        "{body}"
    );
    // The original stays as it was read.
    assert_eq!(
        items[1]["attendees"][0]["person"]["email"],
        "ben@sumatra.local"
    );
}

#[test]
fn bad_rules_are_refused_before_any_file_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let users = dir.path().join("users.txt");
    std::fs::write(&users, "zyg=zyg-furmaniuk\nno rule here\n").unwrap();
    let file = fixtures().join("mapping/meetings.ics");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_ferry"))
        .args(["inspect", "--users"])
        .arg(&users)
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("Line 2"), "{stderr}");
    assert!(output.stdout.is_empty());

    let output = std::process::Command::new(env!("CARGO_BIN_EXE_ferry"))
        .args(["inspect", "--zone", "Mars/Olympus"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("Mars/Olympus"));
}
