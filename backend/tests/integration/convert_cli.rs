//! `ferry convert` run as a user runs it: the EWS requests for the whole
//! calendar corpus validate against Microsoft's schemas (xmllint), the
//! CalDAV resources read back as the items they came from, and bad input
//! gets a plain error.

use crate::fixtures;
use std::path::PathBuf;
use std::process::Command;

fn convert(args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let output = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .arg("convert")
        .args(args)
        .output()
        .expect("ferry runs");
    let json = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    (output.status.code(), json)
}

/// Every `.ics` file of the calcard corpus, as arguments.
fn corpus_calendars() -> Vec<String> {
    let dir = fixtures().join("corpora/calcard/ical");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "ics"))
        .map(|path| path.display().to_string())
        .collect();
    files.sort();
    files
}

fn bodies(json: &serde_json::Value) -> Vec<String> {
    json.as_array()
        .unwrap()
        .iter()
        .filter_map(|file| file["requests"].as_array())
        .flatten()
        .filter_map(|request| request["body"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn ews_requests_for_the_whole_corpus_validate_against_the_schema() {
    let files = corpus_calendars();
    let mut args: Vec<&str> = vec!["--to", "ews", "--json", "--zone", "Europe/Berlin"];
    args.extend(files.iter().map(String::as_str));
    let (_, json) = convert(&args);
    let envelopes = bodies(&json);
    assert!(envelopes.len() > 200, "{} envelopes", envelopes.len());
    let dir = tempfile::tempdir().unwrap();
    let paths: Vec<PathBuf> = envelopes
        .iter()
        .enumerate()
        .map(|(n, body)| {
            assert!(body.contains("SendMeetingInvitations=\"SendToNone\""));
            let path = dir.path().join(format!("{n}.xml"));
            std::fs::write(&path, body).unwrap();
            path
        })
        .collect();
    let output = Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(fixtures().join("ews/schema/driver.xsd"))
        .args(&paths)
        .output()
        .expect("xmllint runs (Debian package libxml2-utils)");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let failures: Vec<&str> = stderr
        .lines()
        .filter(|line| !line.ends_with(" validates"))
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(output.status.success());
}

#[test]
fn caldav_resources_read_back_as_the_items_they_came_from() {
    let file = fixtures().join("corpora/biweekly/outlook-2010.ics");
    let (code, json) = convert(&["--to", "caldav", "--json", file.to_str().unwrap()]);
    assert_eq!(code, Some(0));
    let original = ferry_shared::inspect(
        &std::fs::read(&file).unwrap(),
        &ferry_shared::ParseLimits::default(),
    )
    .unwrap();
    let mut summaries = Vec::new();
    for body in bodies(&json) {
        let report =
            ferry_shared::inspect(body.as_bytes(), &ferry_shared::ParseLimits::default()).unwrap();
        assert!(report.warnings.is_empty(), "{:?}", report.warnings);
        summaries.extend(report.items.into_iter().map(|item| item.summary));
    }
    let mut expected: Vec<_> = original.items.into_iter().map(|i| i.summary).collect();
    expected.sort();
    summaries.sort();
    assert_eq!(summaries, expected);
}

#[test]
fn graph_requests_are_json_and_never_carry_attendees() {
    let file = fixtures().join("../static/samples/team-calendar.ics");
    let (code, json) = convert(&["--to", "graph", "--json", file.to_str().unwrap()]);
    assert_eq!(code, Some(0));
    let requests = json[0]["requests"].as_array().unwrap();
    let posts: Vec<&serde_json::Value> = requests
        .iter()
        .filter(|r| r["action"].as_str().unwrap().starts_with("POST /me/events"))
        .collect();
    assert_eq!(posts.len(), 4, "{requests:#?}");
    for body in bodies(&json) {
        let event: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert!(event.get("attendees").is_none(), "{event}");
    }
    let standup: serde_json::Value =
        serde_json::from_str(posts[0]["body"].as_str().unwrap()).unwrap();
    assert_eq!(standup["subject"], "Team stand-up");
    assert_eq!(standup["recurrence"]["pattern"]["type"], "weekly");
    assert!(
        standup["body"]["content"]
            .as_str()
            .unwrap()
            .contains("Ana Lima"),
        "attendees are named in the body: {standup}"
    );
}

#[test]
fn the_text_form_names_each_request_and_the_losses() {
    let file = fixtures().join("../static/samples/team-calendar.ics");
    let output = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .args(["convert", "--to", "ews", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("## 1. CreateItem: 4 items in calendar"),
        "{text}"
    );
    assert!(text.contains("## 2. CreateItem: 1 item in tasks"), "{text}");
    assert!(
        text.contains("find its occurrence at 2026-11-11 09:30"),
        "{text}"
    );
    assert!(text.contains("## What the target will not hold"), "{text}");
}

#[test]
fn unreadable_files_and_unknown_targets_get_plain_errors() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.ics");
    let (code, json) = convert(&["--to", "caldav", "--json", missing.to_str().unwrap()]);
    assert_eq!(code, Some(1));
    assert_eq!(json[0]["error"]["code"], "unreadable_file");

    let output = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .args(["convert", "--to", "notes", missing.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("use one of: ews, graph, caldav"),
        "{stderr}"
    );
}
