//! What the CalDAV writer repairs for strict servers, from source text to
//! written resources: each golden snapshot holds an iCalendar file with
//! one quirk that Radicale 3 refuses (the quirks of the real-world corpus,
//! cut down), and what Ferry writes for it — every resource's name and
//! text, and the losses it names. That Radicale takes the written
//! resources is checked against the real server by the `ferry-targets`
//! integration test `calendar_upload`.

#![cfg(not(target_arch = "wasm32"))]

use chrono::{TimeZone, Utc};
use ferry_shared::convert::caldav::{calendar_resources, zone_definitions};
use ferry_shared::{ParseLimits, inspect_ics};
use std::fmt::Write;

/// The resources written for `ics`, as a snapshot shows them; each
/// resource reads back with Ferry's reader.
fn written(ics: &str) -> String {
    let ics = ics.replace('\n', "\r\n");
    let limits = ParseLimits::default();
    let report = inspect_ics(ics.as_bytes(), &limits).expect("the source reads");
    let zones = zone_definitions(&ics, &limits);
    let stamp = Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap();
    let written = calendar_resources(&report.items, &zones, stamp);
    assert!(written.refused.is_empty(), "{:?}", written.refused);
    let mut shown = String::new();
    for resource in &written.resources {
        inspect_ics(resource.text.as_bytes(), &limits).expect("the resource reads back");
        writeln!(shown, "== {}", resource.name).unwrap();
        for item in &resource.items {
            for loss in &item.losses {
                writeln!(shown, "-- line {}: {loss}", item.line).unwrap();
            }
        }
        shown.push_str(&resource.text.replace("\r\n", "\n"));
    }
    shown
}

fn event(lines: &str) -> String {
    format!(
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Test//EN\n{}\nEND:VCALENDAR\n",
        lines.trim()
    )
}

#[test]
fn golden_an_end_date_next_to_a_start_time_is_midnight_in_its_zone() {
    // Lanyrd's export; Radicale: "unsupported operand type(s) for -".
    insta::assert_snapshot!(written(&event(
        "BEGIN:VEVENT\nUID:dyncon\nSUMMARY:Dyncon 2011\nDTSTART:20110312T200000Z\nDTEND;VALUE=DATE:20110314\nEND:VEVENT"
    )));
}

#[test]
fn golden_an_end_time_next_to_a_start_date_is_the_day_after() {
    // Evolution; Radicale: "unsupported operand type(s) for -".
    insta::assert_snapshot!(written(&event(
        "BEGIN:VEVENT\nUID:summit\nSUMMARY:Boston Summit\nDTSTART;VALUE=DATE:20061007\nDTEND;TZID=America/New_York:20061009T235900\nEND:VEVENT"
    )));
}

#[test]
fn golden_excluded_dates_take_the_start_s_kind() {
    // Radicale: "can't compare offset-naive and offset-aware datetimes".
    insta::assert_snapshot!(written(&event(
        "BEGIN:VEVENT\nUID:bad-times\nSUMMARY:Exdates with bad times\nDTSTART:20170814T140000Z\nDTEND:20170815T000000Z\nRRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TU\nEXDATE:20171219T060000\nEXDATE:20200116\nEND:VEVENT\nBEGIN:VEVENT\nUID:floating\nSUMMARY:Floating series\nDTSTART:19960401T010000\nDTEND:19960401T020000\nRRULE:FREQ=DAILY;COUNT=100\nEXDATE:19960402T010000Z,19960403T010000Z\nEND:VEVENT"
    )));
}

#[test]
fn golden_a_changed_occurrence_takes_its_series_start_s_kind() {
    // iCal's holidays: a date series, an occurrence named by a time.
    insta::assert_snapshot!(written(&event(
        "BEGIN:VEVENT\nUID:holiday\nSUMMARY:Holiday\nDTSTART;VALUE=DATE:20020610\nDTEND;VALUE=DATE:20020611\nRRULE:FREQ=YEARLY\nEND:VEVENT\nBEGIN:VEVENT\nUID:holiday\nRECURRENCE-ID;TZID=Asia/Hong_Kong:20030610T000000\nDTSTART;VALUE=DATE:20030609\nDTEND;VALUE=DATE:20030610\nEND:VEVENT"
    )));
}

#[test]
fn golden_changed_occurrences_without_their_series_are_items_of_their_own() {
    // Google's birthdays; Radicale: "Main component missing".
    insta::assert_snapshot!(written(&event(
        "BEGIN:VEVENT\nUID:BIRTHDAY_79d3@google.com\nSUMMARY:Birthday\nRECURRENCE-ID;VALUE=DATE:20121210\nDTSTART;VALUE=DATE:20121210\nDTEND;VALUE=DATE:20121211\nEND:VEVENT\nBEGIN:VEVENT\nUID:BIRTHDAY_79d3@google.com\nSUMMARY:Birthday\nRECURRENCE-ID;VALUE=DATE:20131210\nDTSTART;VALUE=DATE:20131210\nDTEND;VALUE=DATE:20131211\nEND:VEVENT"
    )));
}

#[test]
fn golden_a_changed_occurrence_with_extra_dates_keeps_them_alone_and_drops_them_with_its_series() {
    // Lotus Notes; Radicale: "Overwritten recurrence with RRULESET".
    let moved = "BEGIN:VEVENT\nUID:lotus\nSUMMARY:Moved\nRECURRENCE-ID:20211101T150000Z\nDTSTART:20211101T160000Z\nDTEND:20211101T163000Z\nRDATE:20211206T160000Z,20220103T160000Z\nEND:VEVENT";
    let series = "BEGIN:VEVENT\nUID:lotus\nSUMMARY:Monthly\nDTSTART:20211004T150000Z\nDTEND:20211004T153000Z\nRRULE:FREQ=MONTHLY;BYDAY=1MO;COUNT=6\nEND:VEVENT";
    insta::assert_snapshot!(written(&event(&format!("{moved}\n{series}"))));
    insta::assert_snapshot!("alone", written(&event(moved)));
}

#[test]
fn golden_an_unreadable_zone_definition_is_replaced_from_the_database() {
    // Evolution (DTSTART;VALUE=DATE) and MailClient (DTSTART;TZID=) in
    // VTIMEZONE; Radicale: "Unsupported DTSTART param in VTIMEZONE".
    insta::assert_snapshot!(written(&event(
        "BEGIN:VTIMEZONE\nTZID:Arabian Standard Time\nBEGIN:STANDARD\nDTSTART;VALUE=DATE:20200101\nTZOFFSETFROM:+0400\nTZOFFSETTO:+0400\nEND:STANDARD\nEND:VTIMEZONE\nBEGIN:VTIMEZONE\nTZID:America/New_York\nBEGIN:STANDARD\nDTSTART;TZID=America/New_York:20071104T020000\nTZOFFSETFROM:-0400\nTZOFFSETTO:-0500\nEND:STANDARD\nBEGIN:DAYLIGHT\nDTSTART;TZID=America/New_York:20070311T020000\nTZOFFSETFROM:-0500\nTZOFFSETTO:-0400\nEND:DAYLIGHT\nEND:VTIMEZONE\nBEGIN:VEVENT\nUID:webinar\nSUMMARY:Webinar\nDTSTART;TZID=Arabian Standard Time:20210331T140000\nDTEND;TZID=Arabian Standard Time:20210331T150000\nEND:VEVENT\nBEGIN:VEVENT\nUID:session\nSUMMARY:Session\nDTSTART;TZID=America/New_York:20230613T115500\nDTEND;TZID=America/New_York:20230613T122500\nEND:VEVENT"
    )));
}

#[test]
fn golden_excluded_dates_in_an_undefined_zone_get_a_definition() {
    // Outlook; Radicale: "VTIMEZONE components must contain a valid TZID".
    insta::assert_snapshot!(written(&event(
        "BEGIN:VEVENT\nUID:central\nSUMMARY:Central\nDTSTART;TZID=\"Central Standard Time\":20180327T080000\nDTEND;TZID=\"Central Standard Time\":20180327T090000\nRRULE:FREQ=WEEKLY;COUNT=4\nEXDATE;TZID=\"Central Standard Time\":20180403T080000\nEND:VEVENT\nBEGIN:VEVENT\nUID:unknown\nSUMMARY:Unknown\nDTSTART;TZID=\"Amsterdam, Belgrade, Berlin\":20240415T190000\nRRULE:FREQ=DAILY;COUNT=3\nEXDATE;TZID=\"Amsterdam, Belgrade, Berlin\":20240416T190000\nEND:VEVENT"
    )));
}

#[test]
fn golden_an_undefined_zone_that_is_not_an_iana_name_is_always_defined() {
    // Lotus Notes (corpus 103.ics): a name no database knows, on plain
    // start and end times. Left undefined, Radicale read it as UTC or as
    // whatever zone of that name an earlier upload defined, and once
    // refused it; defined in the resource, every server reads it alike.
    let lotus = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../fixtures/corpora/calcard/ical/103.ics"),
    )
    .unwrap();
    insta::assert_snapshot!(written(&lotus.replace("\r\n", "\n")));
}

#[test]
fn an_undefined_iana_zone_stays_a_name_alone() {
    let shown = written(&event(
        "BEGIN:VEVENT\nUID:berlin\nSUMMARY:Berlin\nDTSTART;TZID=Europe/Berlin:20240415T190000\nDTEND;TZID=Europe/Berlin:20240415T200000\nEND:VEVENT",
    ));
    assert!(!shown.contains("VTIMEZONE"), "{shown}");
    assert!(!shown.contains("-- line"), "{shown}");
}

#[test]
fn each_item_is_found_in_its_resource_with_its_own_losses() {
    let ics = event(
        "BEGIN:VEVENT\nUID:s\nDTSTART:20240101T090000Z\nRRULE:FREQ=DAILY\nEND:VEVENT\nBEGIN:VEVENT\nUID:s\nRECURRENCE-ID;VALUE=DATE:20240102\nDTSTART:20240102T100000Z\nEND:VEVENT\nBEGIN:VEVENT\nUID:o\nRECURRENCE-ID:20240103T090000Z\nDTSTART:20240103T100000Z\nEND:VEVENT",
    )
    .replace('\n', "\r\n");
    let report = inspect_ics(ics.as_bytes(), &ParseLimits::default()).unwrap();
    let stamp = Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap();
    let written = calendar_resources(&report.items, &[], stamp);
    let lines: Vec<usize> = report.items.iter().map(|item| item.line).collect();
    let (series, losses) = written.of_item(lines[0]).unwrap();
    assert_eq!((series.name.as_str(), losses.losses.len()), ("s.ics", 0));
    let (moved, losses) = written.of_item(lines[1]).unwrap();
    assert_eq!(moved.name, "s.ics");
    assert!(losses.losses[0].starts_with("Occurrence (RECURRENCE-ID):"));
    let (alone, losses) = written.of_item(lines[2]).unwrap();
    assert_eq!(alone.name, "o-20240103T090000.ics");
    assert!(losses.losses[0].contains("item of its own"));
    assert_eq!(written.of_item(9999), None);
}
