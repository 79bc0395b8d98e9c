//! The sans-I/O insert driven with answers shaped like Graph's
//! documented ones (`fixtures/graph/`), without a network.

use crate::error::Error;
use crate::ews::Step;
use crate::ews::report::Outcome;
use crate::graph::insert::Insert;
use crate::graph::options::GraphOptions;
use crate::http::{HttpRequest, HttpResponse};
use ferry_shared::convert::graph::resources::Contact;
use ferry_shared::convert::graph::values::source_key_properties;
use ferry_shared::convert::graph::{GraphAction, GraphTarget, create_contact};
use http::{HeaderMap, HeaderValue, StatusCode};
use std::time::{Duration, SystemTime};
use url::Url;

pub(super) fn contact(key: Option<&str>) -> GraphAction {
    let contact = Contact {
        display_name: Some("Ana Lima".into()),
        single_value_extended_properties: source_key_properties(key),
        ..Contact::default()
    };
    GraphAction::Create {
        source_key: key.map(str::to_string),
        request: create_contact(contact, &GraphTarget::default()).unwrap(),
        photo: None,
    }
}

pub(super) fn options() -> GraphOptions {
    GraphOptions {
        base_url: Url::parse("http://127.0.0.1:9/v1.0").unwrap(),
        ..GraphOptions::default()
    }
}

pub(super) fn expect_send(run: &mut Insert, method: http::Method) -> HttpRequest {
    match run.next_step() {
        Step::Send(request) if request.method == method => *request,
        other => panic!("expected {method}, got {other:?}"),
    }
}

pub(super) fn respond(run: &mut Insert, status: u16, retry_after: Option<&str>, body: &str) {
    let mut headers = HeaderMap::new();
    if let Some(value) = retry_after {
        headers.insert("retry-after", HeaderValue::from_str(value).unwrap());
    }
    let response = HttpResponse {
        url: Url::parse("http://127.0.0.1:9/v1.0/me/contacts").unwrap(),
        status: StatusCode::from_u16(status).unwrap(),
        headers,
        body: body.as_bytes().to_vec(),
    };
    run.on_response(&response, SystemTime::now());
}

pub(super) fn found(id: &str, key: &str) -> String {
    let item = serde_json::json!({
        "id": id,
        "singleValueExtendedProperties": source_key_properties(Some(key)),
    });
    serde_json::json!({ "value": [item] }).to_string()
}

pub(super) const NONE_FOUND: &str = r#"{"value": []}"#;
pub(super) const CREATED: &str = r#"{"id": "AAMk-new", "displayName": "Ana Lima"}"#;

/// An insert of `actions` whose first (a create, the only one looked
/// up) was just created as `AAMk-new`.
pub(super) fn first_created(actions: Vec<GraphAction>) -> Insert {
    let mut run = Insert::new(actions, options());
    expect_send(&mut run, http::Method::GET);
    respond(&mut run, 200, None, NONE_FOUND);
    expect_send(&mut run, http::Method::POST);
    respond(&mut run, 201, None, CREATED);
    run
}

/// The report of a run that has nothing more to send.
pub(super) fn done(mut run: Insert) -> crate::ews::report::InsertReport {
    assert!(matches!(run.next_step(), Step::Done));
    run.finish()
}

pub(super) fn lost() -> Error {
    Error::Http {
        host: "127.0.0.1".into(),
        reason: "connection closed before the answer".into(),
    }
}

#[test]
fn a_new_item_is_looked_up_then_created() {
    let mut run = Insert::new(vec![contact(Some("a@x"))], options());
    let lookup = expect_send(&mut run, http::Method::GET);
    assert!(
        lookup
            .url
            .as_str()
            .contains("$filter=singleValueExtendedProperties"),
        "{}",
        lookup.url
    );
    respond(&mut run, 200, None, NONE_FOUND);
    let post = expect_send(&mut run, http::Method::POST);
    assert_eq!(post.url.path(), "/v1.0/me/contacts");
    assert_eq!(post.headers["content-type"], "application/json");
    respond(&mut run, 201, None, CREATED);
    let report = done(run);
    assert_eq!(report.items[0].outcome, Outcome::Created);
    assert_eq!(report.items[0].item_id.as_ref().unwrap().id, "AAMk-new");
    assert_eq!(report.totals.requests_sent, 2);
}

#[test]
fn an_item_found_is_not_created_again() {
    let mut run = Insert::new(vec![contact(Some("a@x"))], options());
    expect_send(&mut run, http::Method::GET);
    respond(&mut run, 200, None, &found("AAMk-old", "a@x"));
    let report = done(run);
    assert_eq!(report.items[0].outcome, Outcome::AlreadyThere);
    assert_eq!(report.items[0].item_id.as_ref().unwrap().id, "AAMk-old");
}

#[test]
fn an_item_with_another_key_does_not_count_as_found() {
    let mut run = Insert::new(vec![contact(Some("a@x"))], options());
    expect_send(&mut run, http::Method::GET);
    respond(&mut run, 200, None, &found("AAMk-b", "b@x"));
    expect_send(&mut run, http::Method::POST);
}

#[test]
fn throttling_waits_as_asked_then_sends_the_same_request() {
    let mut run = Insert::new(vec![contact(Some("a@x"))], options());
    expect_send(&mut run, http::Method::GET);
    respond(&mut run, 200, None, NONE_FOUND);
    expect_send(&mut run, http::Method::POST);
    respond(
        &mut run,
        429,
        Some("3"),
        r#"{"error":{"code":"TooManyRequests","message":"x"}}"#,
    );
    assert!(matches!(run.next_step(), Step::Wait(d) if d == Duration::from_secs(3)));
    expect_send(&mut run, http::Method::POST);
    respond(&mut run, 503, None, "");
    assert!(matches!(run.next_step(), Step::Wait(d) if d == options().default_busy_wait));
    expect_send(&mut run, http::Method::POST);
    respond(&mut run, 201, None, CREATED);
    assert_eq!(run.finish().items[0].outcome, Outcome::Created);
}

#[test]
fn busy_too_often_fails_the_item() {
    let options = GraphOptions {
        max_busy_tries: 2,
        ..options()
    };
    let mut run = Insert::new(vec![contact(Some("a@x"))], options);
    expect_send(&mut run, http::Method::GET);
    respond(&mut run, 503, Some("0"), "");
    assert!(matches!(run.next_step(), Step::Wait(_)));
    expect_send(&mut run, http::Method::GET);
    respond(&mut run, 503, Some("0"), "");
    assert!(matches!(run.next_step(), Step::Done));
    assert!(matches!(
        &run.finish().items[0].outcome,
        Outcome::Failed { reason } if reason.contains("still busy after 2 tries")
    ));
}

#[test]
fn a_lost_answer_to_the_post_is_looked_up_before_any_resend() {
    let mut run = Insert::new(vec![contact(Some("a@x"))], options());
    expect_send(&mut run, http::Method::GET);
    respond(&mut run, 200, None, NONE_FOUND);
    expect_send(&mut run, http::Method::POST);
    run.on_error(lost());
    expect_send(&mut run, http::Method::GET);
    respond(&mut run, 200, None, &found("AAMk-new", "a@x"));
    let report = done(run);
    assert_eq!(report.items[0].outcome, Outcome::AlreadyThere);
    assert_eq!(report.totals.requests_sent, 3);
}

#[test]
fn a_lost_answer_without_a_key_is_not_sent_again() {
    let mut run = Insert::new(vec![contact(None)], options());
    expect_send(&mut run, http::Method::POST);
    run.on_error(lost());
    assert!(matches!(run.next_step(), Step::Done));
    assert!(matches!(
        &run.finish().items[0].outcome,
        Outcome::Failed { reason } if reason.contains("not sent again")
    ));
}

#[test]
fn a_refusal_fails_the_item_with_graphs_code_and_message() {
    // One lookup at a time: the second item's comes after the first POST.
    let options = GraphOptions {
        batch_size: 1,
        ..options()
    };
    let mut run = Insert::new(vec![contact(Some("a@x")), contact(Some("b@x"))], options);
    expect_send(&mut run, http::Method::GET);
    respond(&mut run, 200, None, NONE_FOUND);
    expect_send(&mut run, http::Method::POST);
    let error = r#"{"error":{"code":"ErrorInvalidProperty","message":"displayName is too long."}}"#;
    respond(&mut run, 400, None, error);
    expect_send(&mut run, http::Method::GET);
    let report = run.finish();
    assert_eq!(
        report.items[0].outcome,
        Outcome::Failed {
            reason: "ErrorInvalidProperty: displayName is too long.".into()
        }
    );
}

#[test]
fn unauthorized_stops_the_run_and_fails_what_is_left() {
    let mut run = Insert::new(vec![contact(Some("a@x")), contact(Some("b@x"))], options());
    // Both lookups in one `$batch`.
    expect_send(&mut run, http::Method::POST);
    respond(&mut run, 401, None, "");
    let report = done(run);
    assert!(matches!(
        report.stopped,
        Some(Error::AuthFailed { status: 401 })
    ));
    assert_eq!(report.totals.failed, 2);
    assert!(matches!(
        &report.items[1].outcome,
        Outcome::Failed { reason } if reason.contains("authentication failed (HTTP 401)")
    ));
}

#[test]
fn a_key_given_twice_is_created_once() {
    let mut run = Insert::new(vec![contact(Some("a@x")), contact(Some("a@x"))], options());
    expect_send(&mut run, http::Method::GET);
    respond(&mut run, 200, None, NONE_FOUND);
    expect_send(&mut run, http::Method::POST);
    respond(&mut run, 201, None, CREATED);
    let report = done(run);
    assert_eq!(report.items[0].outcome, Outcome::Created);
    assert!(matches!(
        &report.items[1].outcome,
        Outcome::Failed { reason } if reason.contains("earlier in this run")
    ));
}

#[test]
fn an_item_for_another_folder_than_the_lookups_is_not_sent() {
    let options = GraphOptions {
        target: GraphTarget {
            contact_folder_id: Some("AAMk-folder".into()),
            ..GraphTarget::default()
        },
        ..options()
    };
    let run = Insert::new(vec![contact(Some("a@x"))], options);
    let report = done(run);
    assert_eq!(report.totals.requests_sent, 0);
    assert!(matches!(
        &report.items[0].outcome,
        Outcome::Failed { reason } if reason.contains("another folder")
    ));
}

#[test]
fn answers_lost_too_often_fail_the_item() {
    let mut run = Insert::new(vec![contact(Some("a@x"))], options());
    for _ in 0..2 {
        expect_send(&mut run, http::Method::GET);
        run.on_error(lost());
    }
    expect_send(&mut run, http::Method::GET);
    respond(&mut run, 200, None, NONE_FOUND);
    expect_send(&mut run, http::Method::POST);
    run.on_error(lost());
    let report = done(run);
    assert_eq!(report.totals.requests_sent, 4);
    assert!(matches!(
        &report.items[0].outcome,
        Outcome::Failed { reason } if reason.starts_with("no answer after 3 tries")
    ));
}
