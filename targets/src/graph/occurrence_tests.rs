//! Occurrences deleted and changed by the sans-I/O insert, driven with
//! answers shaped like Graph's (`fixtures/graph/instances.json`).

use crate::ews::Step;
use crate::ews::report::{OperationKind, Outcome};
use crate::graph::insert::Insert;
use crate::graph::insert_tests::{
    CREATED, NONE_FOUND, contact, done, expect_send, first_created, found, lost, options, respond,
};
use ferry_shared::convert::exchange::{ExchangeZone, WallClock};
use ferry_shared::convert::graph::GraphAction;
use ferry_shared::convert::graph::resources::Event;
use ferry_shared::convert::graph::values::source_key_properties;
use http::Method;

fn start() -> WallClock {
    WallClock {
        local: chrono::NaiveDate::from_ymd_opt(2024, 3, 11)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap(),
        zone: ExchangeZone::Utc,
    }
}

fn delete() -> GraphAction {
    GraphAction::DeleteOccurrence {
        series_key: "a@x".into(),
        original_start: start(),
    }
}

fn update(own_key: &str) -> GraphAction {
    GraphAction::UpdateOccurrence {
        series_key: "a@x".into(),
        original_start: start(),
        occurrence_key: Some(own_key.into()),
        changes: Box::new(moved(own_key)),
    }
}

/// An occurrence's new fields, read as Graph's `event` resource.
fn moved(own_key: &str) -> Event {
    serde_json::from_value(serde_json::json!({
        "subject": "Moved",
        "start": {"dateTime": "2024-03-11T10:00:00", "timeZone": "UTC"},
        "end": {"dateTime": "2024-03-11T11:00:00", "timeZone": "UTC"},
        "isAllDay": false,
        "sensitivity": "normal",
        "importance": "normal",
        "categories": [],
        "isReminderOn": false,
        "singleValueExtendedProperties": source_key_properties(Some(own_key)),
    }))
    .unwrap()
}

fn instances(starts: &[&str]) -> String {
    let value: Vec<_> = starts
        .iter()
        .enumerate()
        .map(|(n, at)| serde_json::json!({"id": format!("occ-{n}"), "type": "occurrence", "originalStart": at}))
        .collect();
    serde_json::json!({ "value": value }).to_string()
}

/// An insert whose first action (the series, here a contact stands in
/// for its create) was created as `AAMk-new`.
fn after_create(actions: Vec<GraphAction>) -> Insert {
    let mut all = vec![contact(Some("a@x"))];
    all.extend(actions);
    first_created(all)
}

#[test]
fn the_occurrence_at_the_original_start_is_deleted() {
    let mut run = after_create(vec![delete()]);
    let list = expect_send(&mut run, Method::GET);
    assert!(
        list.url.path().ends_with("/me/events/AAMk-new/instances"),
        "{}",
        list.url
    );
    respond(
        &mut run,
        200,
        None,
        &instances(&["2024-03-04T09:00:00Z", "2024-03-11T09:00:00Z"]),
    );
    let delete = expect_send(&mut run, Method::DELETE);
    assert!(delete.url.path().ends_with("/me/events/occ-1"));
    respond(&mut run, 204, None, "");
    let report = done(run);
    assert_eq!(report.items[1].kind, OperationKind::DeleteOccurrence);
    assert_eq!(report.items[1].outcome, Outcome::Changed);
}

#[test]
fn a_series_found_by_key_has_its_occurrence_patched() {
    let mut run = Insert::new(vec![update("a-moved@x")], options());
    let lookup = expect_send(&mut run, Method::GET);
    assert!(lookup.url.path().ends_with("/me/events"));
    respond(&mut run, 200, None, &found("AAMk-old", "a@x"));
    expect_send(&mut run, Method::GET);
    respond(&mut run, 200, None, &instances(&["2024-03-11T09:00:00Z"]));
    let patch = expect_send(&mut run, Method::PATCH);
    let body: serde_json::Value = serde_json::from_slice(&patch.body).unwrap();
    assert_eq!(body["subject"], "Moved");
    respond(&mut run, 200, None, CREATED);
    assert_eq!(run.finish().items[0].outcome, Outcome::Changed);
}

#[test]
fn an_occurrence_gone_already_counts_as_deleted() {
    let mut run = after_create(vec![delete()]);
    expect_send(&mut run, Method::GET);
    respond(&mut run, 200, None, &instances(&["2024-03-04T09:00:00Z"]));
    assert!(matches!(run.next_step(), Step::Done));
    assert_eq!(run.finish().items[1].outcome, Outcome::AlreadyThere);
}

#[test]
fn a_lost_delete_is_checked_again_before_it_is_repeated() {
    let mut run = after_create(vec![delete()]);
    expect_send(&mut run, Method::GET);
    respond(&mut run, 200, None, &instances(&["2024-03-11T09:00:00Z"]));
    expect_send(&mut run, Method::DELETE);
    run.on_error(lost());
    expect_send(&mut run, Method::GET);
    respond(&mut run, 200, None, &instances(&[]));
    assert!(matches!(run.next_step(), Step::Done));
    assert_eq!(run.finish().items[1].outcome, Outcome::AlreadyThere);
}

#[test]
fn without_a_series_the_overrides_own_item_is_patched() {
    let mut run = Insert::new(vec![update("a-moved@x")], options());
    expect_send(&mut run, Method::GET);
    respond(&mut run, 200, None, NONE_FOUND);
    let own = expect_send(&mut run, Method::GET);
    assert!(own.url.as_str().contains("a-moved@x"), "{}", own.url);
    respond(&mut run, 200, None, &found("AAMk-own", "a-moved@x"));
    let patch = expect_send(&mut run, Method::PATCH);
    assert!(patch.url.path().ends_with("/me/events/AAMk-own"));
    respond(&mut run, 200, None, CREATED);
    assert_eq!(run.finish().items[0].outcome, Outcome::Changed);
}

#[test]
fn a_delete_without_a_series_fails() {
    let mut run = Insert::new(vec![delete()], options());
    expect_send(&mut run, Method::GET);
    respond(&mut run, 200, None, NONE_FOUND);
    assert!(matches!(run.next_step(), Step::Done));
    assert!(matches!(
        &run.finish().items[0].outcome,
        Outcome::Failed { reason } if reason.contains("series is not on the server")
    ));
}
