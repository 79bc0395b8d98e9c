//! Golden tests of the mapping: real and hand-written files, with the
//! rules a user would load, in full and flat mode.
#![cfg(not(target_arch = "wasm32"))]

use ferry_shared::mapping::{
    AttendeeMode, DomainRewrites, ItemStatus, MappedItem, MappingRules, UserMap, WarningCode,
    map_report,
};
use ferry_shared::{ParseLimits, inspect};
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn rules(mode: AttendeeMode, zone: Option<&str>) -> MappingRules {
    let text =
        |name: &str| std::fs::read_to_string(root().join("fixtures/mapping").join(name)).unwrap();
    MappingRules {
        users: UserMap::parse(&text("users.txt")).unwrap(),
        domains: DomainRewrites::parse(&text("domains.txt")).unwrap(),
        default_zone: zone.map(str::to_string),
        attendees: mode,
        ..MappingRules::default()
    }
}

fn mapped(path: &str, rules: &MappingRules) -> Vec<MappedItem> {
    let bytes = std::fs::read(root().join(path)).unwrap();
    let report = inspect(&bytes, &ParseLimits::default()).unwrap();
    map_report(&report, rules)
}

fn codes(item: &MappedItem) -> Vec<WarningCode> {
    item.warnings.iter().map(|w| w.code).collect()
}

#[test]
fn every_rule_is_applied_and_every_problem_named() {
    let items = mapped(
        "fixtures/mapping/meetings.ics",
        &rules(AttendeeMode::Full, None),
    );
    assert_eq!(items.len(), 5);

    let no_organizer = &items[0];
    assert_eq!(no_organizer.status, ItemStatus::Warning);
    assert_eq!(
        codes(no_organizer),
        [
            WarningCode::MissingOrganizer,
            WarningCode::UnresolvableAttendee
        ]
    );
    assert!(
        no_organizer
            .item
            .categories
            .contains(&"Meetings_MissingOrganizer".to_string())
    );
    assert_eq!(
        no_organizer.item.attendees[0].person.email.as_deref(),
        Some("ana@sumatra.onmicrosoft.com")
    );
    assert!(
        no_organizer
            .item
            .description
            .as_deref()
            .unwrap()
            .contains("Front desk (resource")
    );

    let floating = &items[1];
    assert_eq!(codes(floating), [WarningCode::FloatingTime]);
    assert_eq!(
        floating.item.organizer.as_ref().unwrap().email.as_deref(),
        Some("zyg-furmaniuk@sumatra.onmicrosoft.com")
    );
    let emails: Vec<_> = floating
        .item
        .attendees
        .iter()
        .map(|a| a.person.email.clone().unwrap())
        .collect();
    assert_eq!(
        emails,
        [
            "benjamin.okafor@sumatra.onmicrosoft.com",
            "guest@example.org"
        ]
    );

    let duplicate = &items[2];
    assert_eq!(
        codes(duplicate),
        [WarningCode::UnknownTimeZone, WarningCode::DuplicateUid]
    );
    assert!(
        duplicate.warnings[1].message.contains("line"),
        "{:?}",
        duplicate.warnings
    );

    let hourly = &items[3];
    assert_eq!(
        codes(hourly),
        [
            WarningCode::RecurrenceNotExpressible,
            WarningCode::RecurrenceNotExpressible
        ],
        "the file's own zone is known; the rule and the RDATE are not Exchange's"
    );

    assert_eq!(items[4].status, ItemStatus::CannotConvert);
}

#[test]
fn a_default_zone_settles_floating_and_unknown_times() {
    let items = mapped(
        "fixtures/mapping/meetings.ics",
        &rules(AttendeeMode::Full, Some("Europe/Lisbon")),
    );
    assert_eq!(
        items[1].item.start.as_ref().unwrap().zone.as_deref(),
        Some("Europe/Lisbon")
    );
    assert!(
        items[1].warnings[0]
            .message
            .contains("read as Europe/Lisbon")
    );
    assert_eq!(
        items[2].item.start.as_ref().unwrap().zone.as_deref(),
        Some("Europe/Lisbon")
    );
}

#[test]
fn golden_full_mode() {
    insta::assert_json_snapshot!(mapped(
        "fixtures/mapping/meetings.ics",
        &rules(AttendeeMode::Full, Some("Europe/Berlin"))
    ));
}

#[test]
fn golden_flat_mode_writes_attendees_into_the_description() {
    let items = mapped(
        "static/samples/team-calendar.ics",
        &rules(AttendeeMode::Flat, Some("Europe/Berlin")),
    );
    assert!(items.iter().all(|m| m.item.attendees.is_empty()));
    let standup = &items[0].item;
    let body = standup.description.as_deref().unwrap();
    assert!(
        body.contains("Organizer: Zygmunt Furmaniuk <zyg-furmaniuk@sumatra.onmicrosoft.com>"),
        "{body}"
    );
    assert!(
        body.contains(
            "- Ben Okafor <benjamin.okafor@sumatra.onmicrosoft.com> (optional, tentative)"
        ),
        "{body}"
    );
    insta::assert_json_snapshot!(items);
}

#[test]
fn every_corpus_file_maps_without_panic_and_statuses_follow_warnings() {
    let mut checked = 0;
    for dir in [
        "fixtures/corpora/calcard/ical",
        "fixtures/corpora/calcard/vcard",
        "fixtures/corpora/biweekly",
        "fixtures/csv",
        "fixtures/vcard",
        "fixtures/xcal",
    ] {
        for entry in std::fs::read_dir(root().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let Ok(report) = inspect(&std::fs::read(&path).unwrap(), &ParseLimits::default())
            else {
                continue;
            };
            for mode in [AttendeeMode::Full, AttendeeMode::Flat] {
                let items = map_report(&report, &rules(mode, None));
                assert_eq!(items.len(), report.items.len());
                for item in &items {
                    match item.status {
                        ItemStatus::Ok => assert!(item.warnings.is_empty(), "{path:?}"),
                        _ => assert!(!item.warnings.is_empty(), "{path:?}"),
                    }
                    if mode == AttendeeMode::Flat {
                        assert!(item.item.attendees.is_empty());
                    }
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 350, "{checked}");
}

#[test]
fn the_streamed_preview_equals_the_preview_of_the_whole_report() {
    use ferry_shared::preview::{preview, preview_bytes};
    let rules = rules(AttendeeMode::Full, Some("Europe/Berlin"));
    let mut compared = 0;
    for dir in [
        "fixtures/corpora/calcard/ical",
        "fixtures/corpora/biweekly",
        "fixtures/mapping",
    ] {
        for entry in std::fs::read_dir(root().join(dir)).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            let limits = ParseLimits::default();
            match (
                inspect(&bytes, &limits),
                preview_bytes(&bytes, &limits, &rules),
            ) {
                (Ok(report), Ok(streamed)) => {
                    assert_eq!(streamed, preview(&report, &rules));
                    compared += 1;
                }
                (Err(a), Err(b)) => assert_eq!(a, b),
                (a, b) => panic!("{a:?} vs {b:?}"),
            }
        }
    }
    assert!(compared > 250, "{compared}");
}

#[test]
fn the_detail_of_an_item_is_its_mapping_in_the_whole_file() {
    use ferry_shared::preview::detail;
    let rules = rules(AttendeeMode::Flat, Some("Europe/Berlin"));
    for path in [
        "fixtures/mapping/meetings.ics",
        "static/samples/team-calendar.ics",
    ] {
        let bytes = std::fs::read(root().join(path)).unwrap();
        let report = inspect(&bytes, &ParseLimits::default()).unwrap();
        let mapped = map_report(&report, &rules);
        for (index, (original, mapped)) in report.items.iter().zip(&mapped).enumerate() {
            let one = detail(&bytes, &ParseLimits::default(), &rules, index)
                .unwrap()
                .unwrap();
            assert_eq!(&one.original, original, "{path} item {index}");
            assert_eq!(&one.mapped, mapped, "{path} item {index}");
        }
        assert!(
            detail(&bytes, &ParseLimits::default(), &rules, report.items.len())
                .unwrap()
                .is_none()
        );
    }
}
