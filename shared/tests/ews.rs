//! The Exchange conversion and the EWS requests from the outside: every
//! item of every corpus file converted (full and flat mode) and every
//! request it gives validated against Microsoft's EWS schemas with
//! xmllint; Microsoft's published samples and hand-written bad answers
//! read; golden requests (`tests/snapshots/ews__*.snap`); and the
//! expansion engine checked against a day-by-day reference.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{defined_zones, exchange_file, files_under, repository};

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use ferry_shared::ParseLimits;
use ferry_shared::convert::ews::{
    self, EwsError, EwsSettings, Folder, ItemId, PageRequest, ResponseClass, create_item_requests,
    delete_occurrence, find_by_source_key, find_by_source_keys, find_occurrences,
    read_create_item_response, read_find_item_response, read_item_outcomes,
    read_resolve_names_response, resolve_names, update_occurrence,
};
use ferry_shared::convert::exchange::{
    ExchangeConversion, ExchangeItem, Operation, Pattern, RecurrenceEnd, expand::occurrences,
};
use ferry_shared::mapping::AttendeeMode;
use ferry_shared::model::{Frequency, RecurrenceRule, Weekday, WeekdayNum};
use proptest::prelude::*;
use std::path::PathBuf;
use std::process::Command;

fn settings() -> EwsSettings {
    EwsSettings {
        impersonate: Some("zyg@ferry.test".into()),
        ..EwsSettings::default()
    }
}

/// Every request the conversions lead to: CreateItem batches, and for
/// deletions and updates of occurrences the calendar view, the
/// DeleteItem or UpdateItem (with a made-up ID) and the FindItem by key.
fn requests(conversions: &[ExchangeConversion], batch_size: usize) -> Vec<String> {
    let settings = settings();
    let id = ItemId {
        id: "AAMkAD-test".into(),
        change_key: Some("DwAAAB".into()),
    };
    let mut creates = Vec::new();
    let mut others = Vec::new();
    for conversion in conversions {
        for operation in &conversion.operations {
            match operation {
                Operation::Create(item) => creates.push(item.clone()),
                Operation::DeleteOccurrence {
                    series_key,
                    original_start,
                } => {
                    others
                        .push(find_by_source_key(Folder::Calendar, series_key, &settings).unwrap());
                    others.push(find_occurrences(original_start, &settings).unwrap());
                    others.push(delete_occurrence(&id, &settings).unwrap());
                }
                Operation::UpdateOccurrence {
                    series_key,
                    original_start,
                    item,
                } => {
                    others
                        .push(find_by_source_key(Folder::Calendar, series_key, &settings).unwrap());
                    others.push(find_occurrences(original_start, &settings).unwrap());
                    others.push(update_occurrence(&id, item, &settings).unwrap());
                }
            }
        }
    }
    let mut all: Vec<String> = create_item_requests(&creates, &settings, batch_size)
        .unwrap()
        .into_iter()
        .map(|request| request.envelope)
        .collect();
    all.extend(others);
    all
}

/// The items the conversions create, in order.
fn created_items(conversions: &[ExchangeConversion]) -> Vec<ExchangeItem> {
    conversions
        .iter()
        .flat_map(|c| &c.operations)
        .filter_map(|op| match op {
            Operation::Create(item) => Some(item.clone()),
            _ => None,
        })
        .collect()
}

/// The lookup of each CreateItem batch of the conversions: one FindItem
/// with an `Or` of the batch's keys (or one `IsEqualTo`), a later page.
fn lookups(conversions: &[ExchangeConversion], batch_size: usize) -> Vec<String> {
    let creates = created_items(conversions);
    let page = PageRequest {
        offset: 3,
        max_entries: 100,
    };
    create_item_requests(&creates, &settings(), batch_size)
        .unwrap()
        .iter()
        .filter_map(|request| {
            let keys: Vec<&str> = request
                .source_keys
                .iter()
                .flatten()
                .map(String::as_str)
                .collect();
            (!keys.is_empty())
                .then(|| find_by_source_keys(request.folder, &keys, page, &settings()).unwrap())
        })
        .collect()
}

/// A folder of its own under the system's temporary folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("ferry-ews-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// xmllint's verdict on `files` against the EWS schemas: the messages
/// of the files that fail (empty when all validate). One xmllint run
/// per call: the schemas are loaded once for all files.
fn schema_failures(files: &[PathBuf]) -> Vec<String> {
    let output = Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(repository("fixtures/ews/schema/driver.xsd"))
        .args(files)
        .output()
        .expect("xmllint runs (Debian package libxml2-utils)");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let failures: Vec<String> = stderr
        .lines()
        .filter(|line| !line.ends_with(" validates"))
        .map(str::to_string)
        .collect();
    assert_eq!(
        output.status.success(),
        failures.is_empty(),
        "xmllint: {stderr}"
    );
    failures
}

/// Writes `envelopes` to files in `dir` and validates them all.
fn validate(dir: &TempDir, envelopes: &[String]) -> Vec<String> {
    let files: Vec<PathBuf> = envelopes
        .iter()
        .enumerate()
        .map(|(i, xml)| {
            let path = dir.0.join(format!("request-{i:05}.xml"));
            std::fs::write(&path, xml).unwrap();
            path
        })
        .collect();
    schema_failures(&files)
}

// ---------------------------------------------------------------------------
// The corpus

#[test]
fn every_corpus_item_converts_and_every_request_validates() {
    let mut files = files_under("fixtures/corpora", &["ics", "vcf"]);
    files.extend(files_under("fixtures/ews/items", &["ics", "vcf"]));
    assert!(files.len() > 350, "corpus is missing: {}", files.len());
    for mode in [AttendeeMode::Full, AttendeeMode::Flat] {
        let conversions: Vec<ExchangeConversion> = files
            .iter()
            .flat_map(|path| exchange_file(path, mode))
            .collect();
        let creates: Vec<&ExchangeItem> = conversions
            .iter()
            .flat_map(|c| &c.operations)
            .filter_map(|op| match op {
                Operation::Create(item) => Some(item),
                _ => None,
            })
            .collect();
        assert!(creates.len() > 1000, "{mode:?}: {} items", creates.len());
        let kinds = |f: fn(&ExchangeItem) -> bool| creates.iter().filter(|i| f(i)).count();
        assert!(kinds(|i| matches!(i, ExchangeItem::Event(_))) > 500);
        assert!(kinds(|i| matches!(i, ExchangeItem::Task(_))) > 5);
        assert!(kinds(|i| matches!(i, ExchangeItem::Contact(_))) > 50);
        let series = kinds(|i| matches!(i, ExchangeItem::Event(e) if e.recurrence.is_some()));
        assert!(series > 50, "{series} series");
        if mode == AttendeeMode::Flat {
            assert!(creates.iter().all(|i| match i {
                ExchangeItem::Event(e) =>
                    e.required_attendees.is_empty()
                        && e.optional_attendees.is_empty()
                        && e.resources.is_empty(),
                _ => true,
            }));
        }
        let dir = TempDir::new(&format!("{mode:?}"));
        let mut envelopes = requests(&conversions, 50);
        envelopes.extend(lookups(&conversions, 50));
        let failures = validate(&dir, &envelopes);
        assert!(
            failures.is_empty(),
            "{mode:?}: {} of {} requests fail:\n{}",
            failures.len(),
            envelopes.len(),
            failures
                .iter()
                .take(30)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

#[test]
fn the_schemas_catch_a_misplaced_element() {
    let path = repository("fixtures/ews/items/series.ics");
    let envelopes = requests(&exchange_file(&path, AttendeeMode::Full), 10);
    let good = envelopes[0].clone();
    let start = good.find("<t:Location>").unwrap();
    let end = good.find("</t:Location>").unwrap() + "</t:Location>".len();
    let location = &good[start..end];
    // Location moved before Start: the sequence is broken.
    let misplaced =
        good.replacen(location, "", 1)
            .replacen("<t:Start>", &format!("{location}<t:Start>"), 1);
    let dir = TempDir::new("misplaced");
    let failures = validate(&dir, &[good, misplaced]);
    assert!(
        failures.iter().all(|f| f.contains("request-00001")),
        "{failures:?}"
    );
    assert!(
        failures.iter().any(|f| f.ends_with("fails to validate")),
        "{failures:?}"
    );
    assert!(failures[0].contains("'{http://schemas.microsoft.com/exchange/services/2006/types}Start': This element is not expected"), "{failures:?}");
}

// ---------------------------------------------------------------------------
// Microsoft's samples and answers

#[test]
fn published_samples_validate_and_their_answers_are_read() {
    let samples = files_under("fixtures/ews/samples", &["xml"]);
    assert_eq!(samples.len(), 31);
    assert_eq!(schema_failures(&samples), Vec::<String>::new());
    let (mut created, mut resolved, mut unresolved, mut failed) = (0, 0, 0, 0);
    for path in samples
        .iter()
        .filter(|p| p.to_string_lossy().ends_with("-resp.xml"))
    {
        let xml = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if xml.contains("ResolveNamesResponse") {
            let names = read_resolve_names_response(&xml).unwrap();
            if xml.contains("ErrorNameResolutionNoResults") {
                assert!(names.is_empty(), "{name}");
                unresolved += 1;
            } else {
                assert!(!names.is_empty(), "{name}");
                assert!(names.iter().all(|n| n.email.is_some()), "{name}");
                resolved += 1;
            }
            continue;
        }
        let outcomes = read_item_outcomes(&xml).unwrap();
        assert!(!outcomes.is_empty(), "{name}");
        for outcome in &outcomes {
            match outcome.class {
                ResponseClass::Success => assert_eq!(outcome.code, "NoError", "{name}"),
                _ => {
                    assert!(outcome.code.starts_with("Error"), "{name}");
                    assert!(outcome.message_text.is_some(), "{name}");
                    failed += 1;
                }
            }
        }
        if xml.contains("CreateItemResponse") {
            let outcomes = read_create_item_response(&xml).unwrap();
            assert!(
                outcomes
                    .iter()
                    .all(|o| o.is_success() == o.item_id.is_some()),
                "{name}"
            );
            created += 1;
        }
    }
    assert_eq!((unresolved, failed), (2, 1));
    assert_eq!((created, resolved), (8, 2));
    let ambiguous = std::fs::read_to_string(repository(
        "fixtures/ews/samples/resolvenames-operation--02-resp.xml",
    ))
    .unwrap();
    let names = read_resolve_names_response(&ambiguous).unwrap();
    assert_eq!(names[0].email.as_deref(), Some("User2@example.com"));
    assert_eq!(names[0].mailbox_type.as_deref(), Some("Mailbox"));
}

fn answer(name: &str) -> String {
    std::fs::read_to_string(repository(&format!("fixtures/ews/responses/{name}"))).unwrap()
}

#[test]
fn hand_written_answers_validate() {
    let answers = files_under("fixtures/ews/responses", &["xml"]);
    assert_eq!(answers.len(), 6);
    assert_eq!(schema_failures(&answers), Vec::<String>::new());
}

#[test]
fn bad_answers_are_read_to_the_right_values() {
    let outcomes = read_create_item_response(&answer("createitem-partial-failure.xml")).unwrap();
    assert_eq!(outcomes.len(), 3);
    assert_eq!(outcomes[0].class, ResponseClass::Success);
    assert_eq!(
        outcomes[0].item_id,
        Some(ItemId {
            id: "AAMkADk1-first".into(),
            change_key: Some("DwAAABYAAAA1".into())
        })
    );
    assert_eq!(
        (
            outcomes[1].class,
            outcomes[1].code.as_str(),
            outcomes[1].back_off_ms
        ),
        (ResponseClass::Error, "ErrorServerBusy", Some(5000))
    );
    assert_eq!(outcomes[1].item_id, None);
    assert_eq!(
        outcomes[2].code,
        "ErrorCalendarEndDateIsEarlierThanStartDate"
    );
    assert_eq!(
        outcomes[2].message_text.as_deref(),
        Some("EndDate is earlier than StartDate & cannot be saved.")
    );

    match read_create_item_response(&answer("server-busy-fault.xml")) {
        Err(EwsError::ServerBusy { back_off_ms }) => assert_eq!(back_off_ms, Some(297_749)),
        other => panic!("{other:?}"),
    }
    match read_find_item_response(&answer("impersonation-denied-fault.xml")) {
        Err(EwsError::Fault { code, message }) => {
            assert_eq!(code, "ErrorImpersonateUserDenied");
            assert!(message.contains("permission"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        read_resolve_names_response(&answer("resolvenames-no-results.xml")).unwrap(),
        []
    );

    let by_key = read_find_item_response(&answer("finditem-by-source-key.xml")).unwrap();
    assert_eq!(by_key.len(), 1);
    assert_eq!(
        by_key[0].source_key.as_deref(),
        Some("weekly-1@ferry.test\u{0}2024-03-11T09:00:00")
    );
    let view = read_find_item_response(&answer("finditem-calendar-view.xml")).unwrap();
    assert_eq!(view.len(), 2);
    assert_eq!(view[0].id.id, "AAMkADk1-occurrence");
    assert_eq!(
        view[0].original_start.as_deref(),
        Some("2024-03-11T08:00:00Z")
    );
    assert_eq!(view[0].calendar_item_type.as_deref(), Some("Occurrence"));
    assert_eq!(view[0].source_key.as_deref(), Some("weekly-1@ferry.test"));
    assert_eq!(view[1].source_key, None);
}

// ---------------------------------------------------------------------------
// Golden requests

/// The losses, then each request as xmllint formats it.
fn golden(relative: &str) -> String {
    let conversions = exchange_file(&repository(relative), AttendeeMode::Full);
    let mut text = String::new();
    for loss in conversions.iter().flat_map(|c| &c.losses) {
        text.push_str(&format!("loss {}: {}\n", loss.field, loss.reason));
    }
    let dir = TempDir::new("golden");
    for (i, envelope) in requests(&conversions, 10).iter().enumerate() {
        let path = dir.0.join(format!("{i}.xml"));
        std::fs::write(&path, envelope).unwrap();
        let formatted = Command::new("xmllint")
            .args(["--format", "--nonet"])
            .arg(&path)
            .output()
            .expect("xmllint runs");
        assert!(formatted.status.success());
        text.push_str(&String::from_utf8_lossy(&formatted.stdout));
    }
    text
}

#[test]
fn golden_recurring_series_with_exception_and_removed_date() {
    insta::assert_snapshot!(golden("fixtures/ews/items/series.ics"));
}

#[test]
fn golden_all_day_yearly() {
    insta::assert_snapshot!(golden("fixtures/ews/items/all-day.ics"));
}

#[test]
fn golden_custom_zone_and_expanded_series() {
    insta::assert_snapshot!(golden("fixtures/ews/items/custom-zone.ics"));
}

#[test]
fn golden_task() {
    insta::assert_snapshot!(golden("fixtures/ews/items/task.ics"));
}

#[test]
fn golden_contact() {
    insta::assert_snapshot!(golden("fixtures/ews/items/contact.vcf"));
}

#[test]
fn resolve_names_and_batches() {
    let request = resolve_names("Zyg <zyg@ferry.test>", &EwsSettings::default()).unwrap();
    assert!(request.contains("<m:UnresolvedEntry>Zyg &lt;zyg@ferry.test&gt;</m:UnresolvedEntry>"));
    assert!(!request.contains("ExchangeImpersonation"));
    assert!(request.contains(&format!(
        r#"<t:RequestServerVersion Version="{}"/>"#,
        ews::DEFAULT_SERVER_VERSION
    )));
    let exchange_2016 = EwsSettings {
        server_version: "Exchange2016".into(),
        impersonate: None,
    };
    let request = resolve_names("zyg", &exchange_2016).unwrap();
    assert!(request.contains(r#"<t:RequestServerVersion Version="Exchange2016"/>"#));
    let conversions = exchange_file(
        &repository("fixtures/ews/items/custom-zone.ics"),
        AttendeeMode::Full,
    );
    let items = created_items(&conversions);
    assert_eq!(items.len(), 5, "one series and four expanded occurrences");
    let batches = create_item_requests(&items, &settings(), 2).unwrap();
    assert_eq!(batches.len(), 3);
    assert_eq!(batches[2].source_keys.len(), 1);
    assert!(batches.iter().all(|b| {
        b.envelope
            .contains(r#"SendMeetingInvitations="SendToNone""#)
    }));
    assert!(matches!(
        create_item_requests(&items, &settings(), 0),
        Err(EwsError::EmptyBatch)
    ));
}

// ---------------------------------------------------------------------------
// Series: ranges, UNTIL in UTC, COUNT, removed and changed occurrences

fn series_of(relative: &str) -> Vec<ExchangeConversion> {
    exchange_file(&repository(relative), AttendeeMode::Full)
}

#[test]
fn until_in_utc_ends_on_the_local_date() {
    let conversions = series_of("fixtures/ews/items/series.ics");
    let Operation::Create(ExchangeItem::Event(master)) = &conversions[0].operations[0] else {
        panic!("{:?}", conversions[0]);
    };
    let recurrence = master.recurrence.as_ref().unwrap();
    // UNTIL=20240403T065959Z is 08:59:59 in Berlin, before the 09:00
    // start: the last occurrence is on 2 April, not 3 April.
    assert_eq!(
        recurrence.end,
        RecurrenceEnd::OnDate(NaiveDate::from_ymd_opt(2024, 4, 2).unwrap())
    );
    assert!(
        matches!(&recurrence.pattern, Pattern::Weekly { days, .. } if days == &[Weekday::Monday, Weekday::Wednesday])
    );
    assert!(matches!(
        conversions[0].operations[1],
        Operation::DeleteOccurrence { ref series_key, ref original_start }
            if series_key == "weekly-1@ferry.test" && original_start.local.to_string() == "2024-03-11 09:00:00"
    ));
    assert!(matches!(
        &conversions[1].operations[0],
        Operation::UpdateOccurrence { series_key, item, .. }
            if series_key == "weekly-1@ferry.test"
                && item.source_key.as_deref() == Some("weekly-1@ferry.test\u{0}2024-03-18T09:00:00")
    ));
    let all_day = series_of("fixtures/ews/items/all-day.ics");
    let Operation::Create(ExchangeItem::Event(holiday)) = &all_day[0].operations[0] else {
        panic!();
    };
    assert_eq!(
        holiday.recurrence.as_ref().unwrap().end,
        RecurrenceEnd::AfterOccurrences(5)
    );
    assert!(holiday.all_day);
}

// ---------------------------------------------------------------------------
// The expansion engine against a day-by-day reference

fn months_between(a: NaiveDate, b: NaiveDate) -> i32 {
    (b.year() - a.year()) * 12 + b.month() as i32 - a.month() as i32
}

/// Whether `day` is an occurrence of the simple `rule` from `start`, by
/// the definition of each frequency (no BYSETPOS, no ordinals).
fn reference_matches(rule: &RecurrenceRule, start: NaiveDate, day: NaiveDate) -> bool {
    if day == start {
        return true;
    }
    let interval = rule.interval as i64;
    let weekday_ok = |d: NaiveDate| {
        rule.by_day.is_empty()
            || rule
                .by_day
                .iter()
                .any(|w| w.weekday as u32 == d.weekday().num_days_from_monday())
    };
    match rule.frequency {
        Frequency::Daily => (day - start).num_days() % interval == 0 && weekday_ok(day),
        Frequency::Weekly => {
            let monday = |d: NaiveDate| {
                d - chrono::Duration::days(d.weekday().num_days_from_monday() as i64)
            };
            let weeks = (monday(day) - monday(start)).num_days() / 7;
            let on_day = if rule.by_day.is_empty() {
                day.weekday() == start.weekday()
            } else {
                weekday_ok(day)
            };
            weeks % interval == 0 && on_day
        }
        Frequency::Monthly => {
            let wanted = match rule.by_month_day.first() {
                Some(d) if *d > 0 => *d as u32,
                Some(_) => {
                    let next = NaiveDate::from_ymd_opt(day.year(), day.month(), 1)
                        .unwrap()
                        .checked_add_months(chrono::Months::new(1))
                        .unwrap();
                    next.pred_opt().unwrap().day()
                }
                None => start.day(),
            };
            months_between(start, day) as i64 % interval == 0 && day.day() == wanted
        }
        Frequency::Yearly => {
            let month = rule.by_month.first().map_or(start.month(), |m| *m as u32);
            (day.year() - start.year()) as i64 % interval == 0
                && day.month() == month
                && day.day() == start.day()
        }
        _ => false,
    }
}

fn simple_rule() -> impl Strategy<Value = (RecurrenceRule, NaiveDate)> {
    let weekdays = prop::collection::vec(0u8..7, 0..4);
    (
        0u8..4,
        1u32..4,
        1u32..25,
        weekdays,
        prop::option::of(prop_oneof![1i8..29, Just(-1i8)]),
        1u8..13,
        0i64..800,
    )
        .prop_map(
            |(frequency, interval, count, days, month_day, month, offset)| {
                let start =
                    NaiveDate::from_ymd_opt(2023, 1, 1).unwrap() + chrono::Duration::days(offset);
                let weekday = |n: u8| {
                    [
                        Weekday::Monday,
                        Weekday::Tuesday,
                        Weekday::Wednesday,
                        Weekday::Thursday,
                        Weekday::Friday,
                        Weekday::Saturday,
                        Weekday::Sunday,
                    ][n as usize]
                };
                let mut rule = RecurrenceRule {
                    interval,
                    count: Some(count),
                    ..RecurrenceRule::default()
                };
                match frequency {
                    0 => {
                        rule.frequency = Frequency::Daily;
                        rule.by_day = days
                            .iter()
                            .map(|d| WeekdayNum {
                                ordinal: None,
                                weekday: weekday(*d),
                            })
                            .collect();
                    }
                    1 => {
                        rule.frequency = Frequency::Weekly;
                        rule.by_day = days
                            .iter()
                            .map(|d| WeekdayNum {
                                ordinal: None,
                                weekday: weekday(*d),
                            })
                            .collect();
                    }
                    2 => {
                        rule.frequency = Frequency::Monthly;
                        rule.by_month_day = month_day.into_iter().collect();
                    }
                    _ => {
                        rule.frequency = Frequency::Yearly;
                        rule.by_month = vec![month];
                    }
                }
                (rule, start)
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn expansion_agrees_with_a_day_by_day_reference((rule, start) in simple_rule()) {
        let at = |d: NaiveDate| d.and_hms_opt(9, 30, 0).unwrap();
        let horizon = start.year() + 120;
        let expanded: Vec<NaiveDateTime> = occurrences(&rule, at(start), None)
            .take_while(|d| d.year() < horizon)
            .collect();
        let count = rule.count.unwrap() as usize;
        let mut reference = Vec::new();
        let mut day = start;
        while reference.len() < count && day.year() < horizon {
            if reference_matches(&rule, start, day) {
                reference.push(at(day));
            }
            day = day.succ_opt().unwrap();
        }
        prop_assert_eq!(expanded, reference, "{:?} from {}", rule, start);
    }
}

// ---------------------------------------------------------------------------
// The expansion engine against calcard's own (a port of rust-rrule)

/// A random RRULE within RFC 5545's rules for which part goes with which
/// frequency; weeks start on Monday (the engine's BYWEEKNO uses ISO weeks).
fn rich_rule() -> impl Strategy<Value = String> {
    let nonzero = |range: std::ops::RangeInclusive<i32>| range.prop_filter("not zero", |n| *n != 0);
    let frequency = 0usize..4;
    let interval = 1u32..4;
    let months = prop::collection::vec(1u32..13, 0..3);
    let month_days = prop::collection::vec(nonzero(-31..=31), 0..3);
    let days = prop::collection::vec((prop::option::of(nonzero(-5..=5)), 0usize..7), 0..4);
    let set_positions = prop::collection::vec(nonzero(-3..=3), 0..3);
    let year_days = prop::collection::vec(nonzero(-366..=366), 0..2);
    let week_numbers = prop::collection::vec(nonzero(-53..=53), 0..2);
    (
        frequency,
        interval,
        months,
        month_days,
        days,
        set_positions,
        (year_days, week_numbers),
    )
        .prop_map(
            |(
                frequency,
                interval,
                months,
                month_days,
                days,
                set_positions,
                (year_days, week_numbers),
            )| {
                let names = ["DAILY", "WEEKLY", "MONTHLY", "YEARLY"];
                let codes = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
                let list = |values: Vec<String>| values.join(",");
                let mut rule = format!("FREQ={};INTERVAL={interval};WKST=MO", names[frequency]);
                let yearly = frequency == 3;
                // BYWEEKNO without BYDAY: RFC 5545 takes the weekday from
                // DTSTART, rrule-style engines every day of the week.
                let week_numbers = if days.is_empty() {
                    Vec::new()
                } else {
                    week_numbers
                };
                let by_year = yearly && (!year_days.is_empty() || !week_numbers.is_empty());
                if !months.is_empty() {
                    rule.push_str(&format!(
                        ";BYMONTH={}",
                        list(months.iter().map(u32::to_string).collect())
                    ));
                }
                if frequency != 1 && !month_days.is_empty() && !by_year {
                    rule.push_str(&format!(
                        ";BYMONTHDAY={}",
                        list(month_days.iter().map(i32::to_string).collect())
                    ));
                }
                if yearly && !year_days.is_empty() {
                    rule.push_str(&format!(
                        ";BYYEARDAY={}",
                        list(year_days.iter().map(i32::to_string).collect())
                    ));
                } else if yearly && !week_numbers.is_empty() {
                    rule.push_str(&format!(
                        ";BYWEEKNO={}",
                        list(week_numbers.iter().map(i32::to_string).collect())
                    ));
                }
                if !days.is_empty() {
                    // All entries positioned or none: for a mix (`MO,-1MO`)
                    // rrule-style engines intersect where RFC 5545 unites.
                    let positioned = (frequency == 2 || yearly) && !by_year && days[0].0.is_some();
                    let entries: Vec<String> = days
                        .iter()
                        .map(|(ordinal, day)| match ordinal {
                            _ if !positioned => codes[*day].to_string(),
                            Some(n) => format!("{n}{}", codes[*day]),
                            None => format!("1{}", codes[*day]),
                        })
                        .collect();
                    rule.push_str(&format!(";BYDAY={}", list(entries)));
                }
                if !set_positions.is_empty() && (!days.is_empty() || !month_days.is_empty()) {
                    rule.push_str(&format!(
                        ";BYSETPOS={}",
                        list(set_positions.iter().map(i32::to_string).collect())
                    ));
                }
                rule
            },
        )
}

/// calcard's occurrences of the event in `ics` after its start, as local times.
fn calcard_occurrences(ics: &str) -> Option<Vec<NaiveDateTime>> {
    let calcard::Entry::ICalendar(calendar) = calcard::Parser::new(ics).entry() else {
        return None;
    };
    let expanded = calendar.expand_dates(calcard::common::timezone::Tz::Floating, 10_000);
    if !expanded.errors.is_empty() {
        return None;
    }
    let mut starts: Vec<NaiveDateTime> = expanded
        .events
        .iter()
        .map(|e| e.start.naive_local())
        .collect();
    starts.sort_unstable();
    starts.dedup();
    Some(starts)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn expansion_agrees_with_calcard(rule in rich_rule(), offset in 0i64..1500) {
        let mut start = NaiveDate::from_ymd_opt(2022, 1, 1).unwrap() + chrono::Duration::days(offset);
        if rule.contains("WEEKLY") && rule.contains("BYSETPOS") {
            // rrule-style engines start the first week at DTSTART, not at
            // the week's first day, so BYSETPOS picks differently there.
            start -= chrono::Duration::days(i64::from(start.weekday().num_days_from_monday()));
        }
        let until = start.and_hms_opt(23, 59, 59).unwrap() + chrono::Duration::days(2 * 366);
        let ics = format!(
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:p\r\nDTSTART:{}\r\nDURATION:PT1H\r\nRRULE:{rule};UNTIL={}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            start.format("%Y%m%dT093000"),
            until.format("%Y%m%dT%H%M%S"),
        );
        let report = ferry_shared::inspect_ics(ics.as_bytes(), &ParseLimits::default()).unwrap();
        let parsed = report.items[0].rule.clone().unwrap();
        let first = start.and_hms_opt(9, 30, 0).unwrap();
        let until_local = NaiveDateTime::parse_from_str(&parsed.until.clone().unwrap().local, "%Y-%m-%dT%H:%M:%S").unwrap();
        if let Some(theirs) = calcard_occurrences(&ics) {
            // RFC 5545 makes the start the first occurrence; rrule-style
            // engines give it only when it matches: compare the rest.
            let ours: Vec<NaiveDateTime> = occurrences(&parsed, first, Some(until_local)).filter(|d| *d > first).collect();
            let theirs: Vec<NaiveDateTime> = theirs.into_iter().filter(|d| *d > first).collect();
            prop_assert_eq!(ours, theirs, "RRULE:{} from {}", rule, first);
        }
    }
}

// ---------------------------------------------------------------------------
// VTIMEZONEs of the corpus

#[test]
fn corpus_vtimezones_are_read_and_agree_with_the_tz_database() {
    use chrono::{Offset, TimeZone};
    use std::str::FromStr;
    let (mut read, mut compared, mut disagreements) = (0, 0, Vec::new());
    for path in files_under("fixtures/corpora", &["ics"]) {
        for zone in defined_zones(&std::fs::read(&path).unwrap()) {
            read += 1;
            let Ok(tz) = calcard::common::timezone::Tz::from_str(&zone.id) else {
                continue;
            };
            if tz.is_floating() {
                continue;
            }
            compared += 1;
            for month in [1, 4, 7, 10] {
                let noon = NaiveDate::from_ymd_opt(2024, month, 15)
                    .unwrap()
                    .and_hms_opt(12, 0, 0)
                    .unwrap();
                let theirs = tz.offset_from_utc_datetime(&noon).fix().local_minus_utc() / 60;
                let ours = zone.offset_at_utc(noon);
                if ours != theirs {
                    disagreements.push(format!(
                        "{} {}: {ours} vs {theirs} in month {month}",
                        path.display(),
                        zone.id
                    ));
                    break;
                }
            }
        }
    }
    assert!(
        read > 100 && compared > 50,
        "{read} read, {compared} compared"
    );
    // Old exports carry rules since changed (Brazil and Jordan stopped
    // daylight saving time), history that ended long ago (Hong Kong's
    // 1946 summer time read as a yearly change) or a broken VTIMEZONE;
    // nearly all must agree with today's rules.
    assert!(
        disagreements.len() * 8 < compared,
        "{read} read, {compared} compared: {disagreements:#?}"
    );
}

#[test]
fn a_zone_with_one_offset_is_spelled_out_without_changes() {
    let conversions = exchange_file(
        &repository("fixtures/ews/items/fixed-zone.ics"),
        AttendeeMode::Full,
    );
    let envelopes = requests(&conversions, 10);
    assert_eq!(envelopes.len(), 1);
    let xml = &envelopes[0];
    assert!(xml.contains(r#"<t:StartTimeZone Id="Ferry Island Time" Name="Ferry Island Time"><t:Periods><t:Period Bias="-PT5H45M" Name="Standard" Id="Std"/></t:Periods>"#), "{xml}");
    assert!(xml.contains(r#"<t:TransitionsGroup Id="0"><t:Transition><t:To Kind="Period">Std</t:To></t:Transition></t:TransitionsGroup>"#), "{xml}");
    assert!(xml.contains("<t:DailyRecurrence><t:Interval>2</t:Interval></t:DailyRecurrence><t:NumberedRecurrence><t:StartDate>2024-01-05</t:StartDate><t:NumberOfOccurrences>10</t:NumberOfOccurrences>"), "{xml}");
}

// ---------------------------------------------------------------------------
// Exchange patterns mean what the rules they replace mean

/// Whether `day` is an occurrence of the Exchange `pattern` of a series
/// starting on `start`, by Exchange's definition of each pattern.
fn exchange_matches(pattern: &Pattern, start: NaiveDate, day: NaiveDate) -> bool {
    use ferry_shared::convert::exchange::{DayOfWeek, WeekIndex};
    let days_in_month = |d: NaiveDate| {
        NaiveDate::from_ymd_opt(d.year(), d.month(), 1)
            .unwrap()
            .checked_add_months(chrono::Months::new(1))
            .unwrap()
            .pred_opt()
            .unwrap()
            .day()
    };
    let weekday = |d: NaiveDate| d.weekday().num_days_from_monday();
    let is_kind = |d: NaiveDate, kind: DayOfWeek| match kind {
        DayOfWeek::One(w) => weekday(d) == w as u32,
        DayOfWeek::AnyDay => true,
        DayOfWeek::WorkDay => weekday(d) < 5,
        DayOfWeek::WeekendDay => weekday(d) >= 5,
    };
    let is_nth = |d: NaiveDate, kind: DayOfWeek, index: WeekIndex| {
        let of_kind: Vec<NaiveDate> = (1..=days_in_month(d))
            .map(|n| NaiveDate::from_ymd_opt(d.year(), d.month(), n).unwrap())
            .filter(|x| is_kind(*x, kind))
            .collect();
        let picked = match index {
            WeekIndex::First => of_kind.first(),
            WeekIndex::Second => of_kind.get(1),
            WeekIndex::Third => of_kind.get(2),
            WeekIndex::Fourth => of_kind.get(3),
            WeekIndex::Last => of_kind.last(),
        };
        picked == Some(&d)
    };
    let every = |n: i64, interval: u32| n % i64::from(interval) == 0;
    match pattern {
        Pattern::Daily { interval } => every((day - start).num_days(), *interval),
        Pattern::Weekly {
            interval,
            days,
            first_day_of_week,
        } => {
            let week_of = |d: NaiveDate| {
                d - chrono::Duration::days(i64::from(
                    (7 + weekday(d) - *first_day_of_week as u32) % 7,
                ))
            };
            every((week_of(day) - week_of(start)).num_days() / 7, *interval)
                && days.iter().any(|w| *w as u32 == weekday(day))
        }
        Pattern::AbsoluteMonthly {
            interval,
            day_of_month,
        } => {
            every(i64::from(months_between(start, day)), *interval)
                && day.day() == u32::from(*day_of_month).min(days_in_month(day))
        }
        Pattern::RelativeMonthly {
            interval,
            days,
            index,
        } => every(i64::from(months_between(start, day)), *interval) && is_nth(day, *days, *index),
        Pattern::AbsoluteYearly {
            month,
            day_of_month,
        } => {
            day.month() == u32::from(*month)
                && day.day() == u32::from(*day_of_month).min(days_in_month(day))
        }
        Pattern::RelativeYearly { month, days, index } => {
            day.month() == u32::from(*month) && is_nth(day, *days, *index)
        }
    }
}

/// A random rule of the kinds Exchange patterns hold.
fn mappable_rule() -> impl Strategy<Value = String> {
    let codes = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
    let index = prop_oneof![1i32..5, Just(-1)];
    let day_set = prop_oneof![
        (0usize..7).prop_map(move |d| codes[d].to_string()),
        Just("MO,TU,WE,TH,FR".to_string()),
        Just("SA,SU".to_string()),
        Just("MO,TU,WE,TH,FR,SA,SU".to_string()),
    ];
    let weekdays = prop::collection::btree_set(0usize..7, 1..4).prop_map(move |set| {
        set.into_iter()
            .map(|d| codes[d])
            .collect::<Vec<_>>()
            .join(",")
    });
    (
        0usize..8,
        1u32..4,
        weekdays,
        0usize..7,
        prop_oneof![1i32..29, Just(-1)],
        index,
        day_set,
        1u32..13,
    )
        .prop_map(
            move |(kind, interval, weekdays, wkst, month_day, index, day_set, month)| match kind {
                0 => format!("FREQ=DAILY;INTERVAL={interval}"),
                1 => format!(
                    "FREQ=WEEKLY;INTERVAL={interval};BYDAY={weekdays};WKST={}",
                    codes[wkst]
                ),
                2 => format!("FREQ=MONTHLY;INTERVAL={interval};BYMONTHDAY={month_day}"),
                3 => format!(
                    "FREQ=MONTHLY;INTERVAL={interval};BYDAY={index}{}",
                    codes[wkst]
                ),
                4 => format!("FREQ=MONTHLY;INTERVAL={interval};BYDAY={day_set};BYSETPOS={index}"),
                5 => format!("FREQ=YEARLY;BYMONTH={month};BYMONTHDAY={month_day}"),
                6 => format!("FREQ=YEARLY;BYMONTH={month};BYDAY={index}{}", codes[wkst]),
                _ => format!("FREQ=YEARLY;BYMONTH={month};BYDAY={day_set};BYSETPOS={index}"),
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]
    #[test]
    fn exchange_patterns_give_the_rules_occurrences(
        rule in prop_oneof![mappable_rule(), rich_rule()],
        offset in 0i64..1500,
    ) {
        use ferry_shared::convert::exchange::expand::first_matching;
        use ferry_shared::convert::exchange::recurrence::pattern_of;
        let given = NaiveDate::from_ymd_opt(2022, 1, 1).unwrap() + chrono::Duration::days(offset);
        let ics = format!(
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:p\r\nDTSTART:{}\r\nRRULE:{rule}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            given.format("%Y%m%dT093000"),
        );
        let report = ferry_shared::inspect_ics(ics.as_bytes(), &ParseLimits::default()).unwrap();
        let parsed = report.items[0].rule.clone().unwrap();
        // The series as Exchange starts it: on the pattern's first day (a
        // start off the pattern becomes an item of its own).
        let Some(first) = first_matching(&parsed, given.and_hms_opt(9, 30, 0).unwrap()) else {
            return Ok(());
        };
        let start = first.date();
        let Ok(found) = pattern_of(&parsed, start) else { return Ok(()) };
        if found.approximation.is_some() {
            return Ok(());
        }
        let until = start + chrono::Duration::days(3 * 366);
        let ours: Vec<NaiveDate> = occurrences(&parsed, first, Some(until.and_hms_opt(23, 59, 59).unwrap()))
            .map(|d| d.date())
            .collect();
        let mut exchange = Vec::new();
        let mut day = start;
        while day <= until {
            if exchange_matches(&found.pattern, start, day) {
                exchange.push(day);
            }
            day = day.succ_opt().unwrap();
        }
        prop_assert_eq!(ours, exchange, "RRULE:{} from {} as {:?}", rule, start, found.pattern);
    }
}
