//! The xCal reader (RFC 6321) against the RFC's own examples, hand-written
//! fixtures (`fixtures/xcal/`), hostile XML, the limits, and a property
//! test: text written with quick-xml's escaping comes back exactly.

#![cfg(not(target_arch = "wasm32"))]

use ferry_shared::model::{AttendeeRole, Frequency, Participation, TaskStatus, Weekday};
use ferry_shared::xcal::inspect_xcal;
use ferry_shared::{DateValue, FileFormat, InspectError, ItemKind, ParseLimits, inspect_ics};
use proptest::prelude::*;
use std::path::Path;
use std::time::{Duration, Instant};

fn fixture(relative: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative);
    std::fs::read(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

fn xcal(relative: &str) -> Result<ferry_shared::FileReport, InspectError> {
    inspect_xcal(&fixture(relative), &ParseLimits::default())
}

fn json(report: &ferry_shared::FileReport) -> serde_json::Value {
    serde_json::to_value(report).expect("serialisable")
}

/// The report's JSON without what differs between a file and its
/// translation: the format and every line number.
fn without_format_and_lines(report: &ferry_shared::FileReport) -> serde_json::Value {
    let mut value = json(report);
    let object = value.as_object_mut().expect("an object");
    object.remove("format");
    for list in ["items", "skipped", "warnings"] {
        for entry in object[list].as_array_mut().expect("a list") {
            entry.as_object_mut().expect("an object").remove("line");
        }
    }
    value
}

fn date(local: &str, zone: Option<&str>) -> Option<DateValue> {
    Some(DateValue::new(local, zone))
}

// --- RFC 6321 Appendix B: the same items as the iCalendar they encode ---

fn assert_same_as_icalendar(xml: &str, ics: &str) {
    let from_xml = xcal(xml).expect("xCal example is read");
    let from_ics = inspect_ics(&fixture(ics), &ParseLimits::default()).expect("iCalendar is read");
    assert_eq!(from_xml.format, FileFormat::XCal);
    assert!(!from_xml.items.is_empty());
    assert_eq!(
        without_format_and_lines(&from_xml),
        without_format_and_lines(&from_ics)
    );
}

#[test]
fn rfc6321_example1_matches_its_icalendar() {
    assert_same_as_icalendar(
        "fixtures/corpora/biweekly/rfc6321-example1.xml",
        "fixtures/xcal/rfc6321-example1.ics",
    );
}

#[test]
fn rfc6321_example2_matches_its_icalendar() {
    assert_same_as_icalendar(
        "fixtures/corpora/biweekly/rfc6321-example2.xml",
        "fixtures/xcal/rfc6321-example2.ics",
    );
}

#[test]
fn rfc6321_example2_items() {
    let report = xcal("fixtures/corpora/biweekly/rfc6321-example2.xml").unwrap();
    assert_eq!(report.calendars, 1);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let [series, moved] = &report.items[..] else {
        panic!("{:?}", report.items)
    };
    assert_eq!(series.line, 13, "the line of the first <vevent>");
    assert_eq!(series.summary.as_deref(), Some("Event #2"));
    assert_eq!(
        series.uid.as_deref(),
        Some("00959BC664CA650E933C892C@example.com")
    );
    assert_eq!(
        series.start,
        date("2006-01-02T12:00:00", Some("US/Eastern"))
    );
    assert_eq!(series.end, date("2006-01-02T13:00:00", Some("US/Eastern")));
    let rule = series.rule.as_ref().expect("a repeat rule");
    assert_eq!((rule.frequency, rule.count), (Frequency::Daily, Some(5)));
    assert!(
        series
            .description
            .as_deref()
            .is_some_and(|d| d.contains("one hour, with") && d.contains("long.\nPlease")),
        "{:?}",
        series.description
    );
    assert_eq!(moved.line, 57);
    assert_eq!(moved.summary.as_deref(), Some("Event #2 bis"));
    assert_eq!(
        moved.recurrence_id,
        date("2006-01-04T12:00:00", Some("US/Eastern"))
    );
}

#[test]
fn rfc6321_example1_snapshot() {
    insta::assert_json_snapshot!(json(
        &xcal("fixtures/corpora/biweekly/rfc6321-example1.xml").unwrap()
    ));
}

#[test]
fn rfc6321_example2_snapshot() {
    insta::assert_json_snapshot!(json(
        &xcal("fixtures/corpora/biweekly/rfc6321-example2.xml").unwrap()
    ));
}

// --- Hand-written fixtures ---

#[test]
fn meeting_snapshot() {
    insta::assert_json_snapshot!(json(&xcal("fixtures/xcal/meeting.xml").unwrap()));
}

#[test]
fn task_snapshot() {
    insta::assert_json_snapshot!(json(&xcal("fixtures/xcal/task.xml").unwrap()));
}

#[test]
fn meeting_with_attendees_rule_exceptions_and_reminder() {
    let report = xcal("fixtures/xcal/meeting.xml").unwrap();
    assert_eq!(report.calendars, 2);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let meeting = &report.items[0];
    assert_eq!(meeting.line, 33, "the line of <vevent>");
    assert_eq!(
        meeting.summary.as_deref(),
        Some("Board meeting: Q1 & budget <draft>")
    );
    assert_eq!(
        meeting.description.as_deref(),
        Some("Agenda; items 1, 2 and 3.\nBring C:\\reports\\q4.pdf, please.")
    );
    assert_eq!(
        meeting.location.as_deref(),
        Some("Room \"Elbe\", 3rd floor")
    );
    assert_eq!(meeting.categories, ["Board", "Finance"]);
    assert_eq!(
        meeting.start,
        date("2026-01-13T10:00:00", Some("Europe/Berlin"))
    );
    assert_eq!(
        meeting.end,
        date("2026-01-13T11:30:00", Some("Europe/Berlin"))
    );

    let people: Vec<_> = meeting
        .attendees
        .iter()
        .map(|a| {
            (
                a.person.name.as_deref(),
                a.person.email.as_deref(),
                a.role,
                a.status,
            )
        })
        .collect();
    assert_eq!(
        people,
        [
            (
                Some("Dana Chair"),
                Some("dana@example.com"),
                AttendeeRole::Chair,
                Participation::Accepted
            ),
            (
                Some("Lee, Sam"),
                Some("sam.lee@example.com"),
                AttendeeRole::Required,
                Participation::Tentative
            ),
            (
                Some("Kim"),
                Some("kim@example.org"),
                AttendeeRole::Optional,
                Participation::Declined
            ),
            (
                Some("Room Elbe"),
                Some("elbe@rooms.example.com"),
                AttendeeRole::Resource,
                Participation::NeedsAction
            ),
        ]
    );

    let rule = meeting.rule.as_ref().expect("a repeat rule");
    assert_eq!(rule.frequency, Frequency::Monthly);
    assert_eq!(rule.until, date("2026-12-31T23:59:59", Some("UTC")));
    assert_eq!(rule.by_day.len(), 1);
    assert_eq!(rule.by_day[0].ordinal, Some(2));
    assert_eq!(rule.by_day[0].weekday, Weekday::Tuesday);
    assert_eq!(
        meeting.exdates,
        [
            DateValue::new("2026-04-14T10:00:00", Some("Europe/Berlin")),
            DateValue::new("2026-08-11T10:00:00", Some("Europe/Berlin")),
        ]
    );
    assert_eq!(meeting.reminders, [15]);

    // The second calendar: its journal is listed as skipped, with its line.
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(report.skipped[0].component, "VJOURNAL");
    assert_eq!(report.skipped[0].line, 120);
    let off_site = &report.items[1];
    assert_eq!(off_site.line, 126);
    assert!(off_site.all_day);
    assert_eq!(off_site.end, date("2026-06-03", None));
}

#[test]
fn tasks_with_due_date_progress_and_status() {
    let report = xcal("fixtures/xcal/task.xml").unwrap();
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let [taxes, passport] = &report.items[..] else {
        panic!("{:?}", report.items)
    };
    assert_eq!(taxes.kind, ItemKind::Task);
    assert_eq!(taxes.line, 10);
    assert_eq!(
        taxes.end,
        date("2026-04-15T17:00:00", Some("America/New_York"))
    );
    let fields = taxes.task.as_ref().expect("task fields");
    assert_eq!(fields.status, Some(TaskStatus::InProgress));
    assert_eq!(fields.percent_complete, Some(40));
    assert_eq!(taxes.priority, Some(2));

    let fields = passport.task.as_ref().expect("task fields");
    assert_eq!(passport.end, date("2026-05-01", None));
    assert_eq!(fields.status, Some(TaskStatus::Completed));
    assert_eq!(fields.percent_complete, Some(100));
    assert_eq!(fields.completed, date("2026-04-20T12:00:00", Some("UTC")));
}

// --- Hostile and broken XML ---

fn refusal(result: Result<ferry_shared::FileReport, InspectError>) -> String {
    match result {
        Err(InspectError::Refused { reason }) => reason,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn a_doctype_is_refused() {
    let reason = refusal(xcal("fixtures/xcal/doctype.xml"));
    assert!(
        reason.contains("declares a DOCTYPE or entities"),
        "{reason}"
    );
}

#[test]
fn an_entity_declaration_is_refused() {
    let reason = refusal(xcal("fixtures/xcal/entity.xml"));
    assert!(reason.contains("refuses for safety"), "{reason}");
}

#[test]
fn a_billion_laughs_is_refused_fast() {
    let started = Instant::now();
    let reason = refusal(xcal("fixtures/xcal/billion-laughs.xml"));
    assert!(reason.contains("DOCTYPE"), "{reason}");
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[test]
fn truncated_xml_names_the_line() {
    let err = xcal("fixtures/xcal/truncated.xml").unwrap_err();
    assert_eq!(err.code(), "malformed_file");
    assert_eq!(err.line(), Some(46));
    assert_eq!(
        err.to_string(),
        "Line 46: a tag is not closed with “>” before the file ends; it looks cut off."
    );

    // Cut after a complete tag: the innermost open element is named.
    let text = String::from_utf8(fixture("fixtures/xcal/meeting.xml")).unwrap();
    let cut: String = text.lines().take(39).collect::<Vec<_>>().join("\n");
    let err = inspect_xcal(cut.as_bytes(), &ParseLimits::default()).unwrap_err();
    assert_eq!(err.line(), Some(39));
    assert!(
        err.to_string()
            .contains("ends before <dtstart> (opened on line 37) is closed"),
        "{err}"
    );
}

#[test]
fn another_xml_root_is_not_xcal() {
    let err = xcal("fixtures/xcal/not-xcal.xml").unwrap_err();
    assert_eq!(
        err.to_string(),
        "Line 2: the XML root element is <feed>, not <icalendar>; this is not an xCal (RFC 6321) calendar file."
    );
}

#[test]
fn mismatched_tags_and_unknown_entities_name_their_line() {
    let xml = "<icalendar xmlns=\"urn:ietf:params:xml:ns:icalendar-2.0\">\n<vcalendar>\n</vcalender>\n</icalendar>";
    let err = inspect_xcal(xml.as_bytes(), &ParseLimits::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Line 3: the closing tag </vcalender> does not match the open element <vcalendar>."
    );
    let xml = "<icalendar xmlns=\"urn:ietf:params:xml:ns:icalendar-2.0\">\n<vcalendar>\n<properties><x-a><text>&nbsp;</text></x-a></properties></vcalendar></icalendar>";
    let err = inspect_xcal(xml.as_bytes(), &ParseLimits::default()).unwrap_err();
    assert_eq!(err.line(), Some(3));
    assert!(err.to_string().contains("“&nbsp;”"), "{err}");
}

#[test]
fn property_text_cannot_make_lines_of_its_own() {
    let xml = event_xml(
        "x\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:injected",
        "<begin><text>VTODO</text></begin><dtstart><date-time>2026-01-01T10:00:00\nRRULE:FREQ=DAILY</date-time></dtstart>",
    );
    let report = inspect_xcal(xml.as_bytes(), &ParseLimits::default()).unwrap();
    assert_eq!(report.items.len(), 1);
    assert_eq!(
        report.items[0].summary.as_deref(),
        Some("x\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:injected")
    );
    assert_eq!(report.items[0].start, None);
    assert_eq!(report.items[0].rule, None);
    let messages: Vec<_> = report.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages[0].contains("cannot be a property"), "{messages:?}");
    assert!(
        messages[1].contains("is not a date and time"),
        "{messages:?}"
    );
}

#[test]
fn utf16_and_windows_1252_are_told_apart() {
    let err = inspect_xcal(b"\xFF\xFE<\x00", &ParseLimits::default()).unwrap_err();
    assert!(err.to_string().contains("UTF-16"), "{err}");

    let xml = event_xml("R\u{e9}union", "").replace('\u{e9}', "\u{0}");
    let bytes: Vec<u8> = xml.bytes().map(|b| if b == 0 { 0xE9 } else { b }).collect();
    let report = inspect_xcal(&bytes, &ParseLimits::default()).unwrap();
    assert_eq!(report.items[0].summary.as_deref(), Some("Réunion"));
    assert_eq!(report.warnings[0].line, None);
    assert!(report.warnings[0].message.contains("Windows-1252"));
}

#[test]
fn an_empty_file_and_an_empty_icalendar() {
    assert_eq!(
        inspect_xcal(b" \n ", &ParseLimits::default()).unwrap_err(),
        InspectError::Empty
    );
    let report = inspect_xcal(
        b"<?xml version=\"1.0\"?>\n<icalendar xmlns=\"urn:ietf:params:xml:ns:icalendar-2.0\"/>",
        &ParseLimits::default(),
    )
    .unwrap();
    assert_eq!(report.calendars, 0);
    assert!(report.items.is_empty());
    assert_eq!(report.warnings[0].line, Some(2));
    assert!(report.warnings[0].message.contains("no <vcalendar>"));
}

#[test]
fn inspect_picks_the_xcal_reader() {
    let report = ferry_shared::inspect(
        &fixture("fixtures/corpora/biweekly/rfc6321-example1.xml"),
        &ParseLimits::default(),
    )
    .unwrap();
    assert_eq!(report.format, FileFormat::XCal);
    assert_eq!(report.items.len(), 1);
}

#[test]
fn every_cut_of_a_file_is_read_or_refused_without_panic() {
    let text = fixture("fixtures/xcal/meeting.xml");
    for end in (0..text.len()).step_by(3) {
        let part = &text[..end];
        let lines = part.split(|b| *b == b'\n').count();
        match inspect_xcal(part, &ParseLimits::default()) {
            Ok(report) => {
                for item in &report.items {
                    assert!((1..=lines).contains(&item.line), "cut at {end}");
                }
            }
            Err(err) => {
                if let Some(line) = err.line() {
                    assert!((1..=lines).contains(&line), "cut at {end}: {err}");
                }
            }
        }
    }
}

/// Applies `edits` (replace, insert or delete a byte) to `bytes`.
fn mangled(bytes: &[u8], edits: &[(prop::sample::Index, u8, u8)]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for (at, byte, kind) in edits {
        if out.is_empty() {
            out.push(*byte);
            continue;
        }
        let at = at.index(out.len());
        match kind {
            0 => out[at] = *byte,
            1 => out.insert(at, *byte),
            _ => {
                out.remove(at);
            }
        }
    }
    out
}

proptest! {
    /// What the fuzz target checks, on random edits of a real file.
    #[test]
    fn random_edits_are_read_or_refused_without_panic(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0..3u8), 1..8)
    ) {
        let bytes = mangled(&fixture("fixtures/xcal/meeting.xml"), &edits);
        let lines = bytes.split(|b| *b == b'\n').count();
        match inspect_xcal(&bytes, &ParseLimits::default()) {
            Ok(report) => {
                for item in &report.items {
                    prop_assert!((1..=lines).contains(&item.line));
                }
                for warning in &report.warnings {
                    prop_assert!(warning.line.is_none_or(|line| (1..=lines).contains(&line)));
                }
            }
            Err(err) => {
                prop_assert!(err.line().is_none_or(|line| (1..=lines).contains(&line)), "{}", err);
            }
        }
    }
}

// --- Limits ---

/// An xCal file with one event holding `summary` and `extra` properties.
fn event_xml(summary: &str, extra: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<icalendar xmlns=\"urn:ietf:params:xml:ns:icalendar-2.0\">\n<vcalendar>\n<components>\n<vevent>\n<properties>\n<uid><text>1</text></uid>\n<summary><text>{}</text></summary>\n{extra}\n</properties>\n</vevent>\n</components>\n</vcalendar>\n</icalendar>\n",
        quick_xml::escape::escape(summary)
    )
}

#[test]
fn file_size_is_checked_first() {
    let limits = ParseLimits {
        max_file_bytes: 10,
        ..ParseLimits::default()
    };
    assert_eq!(
        inspect_xcal(b"<!DOCTYPE x><x/>", &limits).unwrap_err(),
        InspectError::TooLarge {
            size: 16,
            limit: 10
        }
    );
}

#[test]
fn item_count_is_limited() {
    let events = "<vevent><properties><uid><text>a</text></uid></properties></vevent>\n".repeat(4);
    let xml = format!(
        "<icalendar xmlns=\"urn:ietf:params:xml:ns:icalendar-2.0\"><vcalendar><components>\n{events}</components></vcalendar></icalendar>"
    );
    let limits = ParseLimits {
        max_items: 3,
        ..ParseLimits::default()
    };
    assert_eq!(
        inspect_xcal(xml.as_bytes(), &limits).unwrap_err(),
        InspectError::TooManyItems { limit: 3 }
    );
    let limits = ParseLimits {
        max_items: 4,
        ..ParseLimits::default()
    };
    assert_eq!(
        inspect_xcal(xml.as_bytes(), &limits).unwrap().items.len(),
        4
    );
}

#[test]
fn a_long_value_is_limited_with_its_line() {
    let xml = event_xml(
        "short",
        &format!(
            "<description><text>{}</text></description>",
            "x".repeat(300)
        ),
    );
    let limits = ParseLimits {
        max_line_bytes: 256,
        ..ParseLimits::default()
    };
    assert_eq!(
        inspect_xcal(xml.as_bytes(), &limits).unwrap_err(),
        InspectError::LineTooLong {
            line: 9,
            limit: 256
        }
    );
    // Escaping can lengthen a value past the limit on its way to iCalendar.
    let xml = event_xml(&",".repeat(200), "");
    assert_eq!(
        inspect_xcal(xml.as_bytes(), &limits).unwrap_err(),
        InspectError::LineTooLong {
            line: 8,
            limit: 256
        }
    );
    let limits = ParseLimits {
        max_line_bytes: 512,
        ..ParseLimits::default()
    };
    assert!(inspect_xcal(xml.as_bytes(), &limits).is_ok());
}

#[test]
fn absurd_nesting_is_malformed() {
    let deep = format!("{}{}", "<x-a>".repeat(100), "</x-a>".repeat(100));
    let xml = event_xml("deep", &deep);
    let err = inspect_xcal(xml.as_bytes(), &ParseLimits::default()).unwrap_err();
    assert_eq!(err.code(), "malformed_file");
    assert_eq!(err.line(), Some(9));
    assert!(
        err.to_string().contains("nested more than 64 deep"),
        "{err}"
    );
}

#[test]
fn warnings_are_limited() {
    let stray = "<x-a/>\n".repeat(10);
    let xml = event_xml("many", &stray);
    let limits = ParseLimits {
        max_warnings: 4,
        ..ParseLimits::default()
    };
    let report = inspect_xcal(xml.as_bytes(), &limits).unwrap();
    assert_eq!(report.warnings.len(), 4);
    assert_eq!(report.more_warnings, 6);
}

// --- Text survives the trip through XML and iCalendar ---

/// One character of test text: printable Unicode, or one of the
/// characters XML or iCalendar treat specially.
fn text_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => proptest::char::any().prop_filter("printable", |c| {
            !c.is_control() && !is_format_or_unassigned(*c)
        }),
        2 => proptest::sample::select(vec!['<', '>', '&', '"', '\'', ';', ',', '\\', '\n', ' ', ':']),
    ]
}

/// Characters outside "printable": format characters such as the
/// byte-order mark, private use and noncharacters.
fn is_format_or_unassigned(c: char) -> bool {
    matches!(
        c,
        '\u{ad}' | '\u{600}'..='\u{605}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{206f}' | '\u{feff}' | '\u{fff0}'..='\u{ffff}'
            | '\u{e000}'..='\u{f8ff}' | '\u{f0000}'..
    )
}

fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(text_char(), 0..40).prop_map(|chars| chars.into_iter().collect())
}

/// A test-only xCal writer: each text goes through quick-xml's escaping.
fn event_with(summary: &str, description: &str, location: &str) -> String {
    let text = |name: &str, value: &str| {
        format!(
            "<{name}><text>{}</text></{name}>",
            quick_xml::escape::escape(value)
        )
    };
    format!(
        "<icalendar xmlns=\"urn:ietf:params:xml:ns:icalendar-2.0\"><vcalendar><components><vevent><properties>{}{}{}</properties></vevent></components></vcalendar></icalendar>",
        text("summary", summary),
        text("description", description),
        text("location", location)
    )
}

/// What the item model keeps of a text: trimmed, and nothing when empty.
fn kept(text: &str) -> Option<String> {
    Some(text.trim().to_string()).filter(|t| !t.is_empty())
}

proptest! {
    #[test]
    fn text_survives_exactly(summary in text(), description in text(), location in text()) {
        let xml = event_with(&summary, &description, &location);
        let report = inspect_xcal(xml.as_bytes(), &ParseLimits::default()).unwrap();
        prop_assert_eq!(report.items.len(), 1);
        let item = &report.items[0];
        prop_assert_eq!(&item.summary, &kept(&summary));
        prop_assert_eq!(&item.description, &kept(&description));
        prop_assert_eq!(&item.location, &kept(&location));
        prop_assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    }
}
