//! Lookups batched and lists paged by the sans-I/O insert, driven with
//! answers shaped like Graph's (`fixtures/graph/batch-partial-failure.json`,
//! `@odata.nextLink`), without a network.

use crate::error::Error;
use crate::ews::Step;
use crate::ews::report::Outcome;
use crate::graph::insert::Insert;
use crate::graph::insert_tests::{
    CREATED, NONE_FOUND, contact, done, expect_send, found, lost, options, respond,
};
use crate::graph::options::GraphOptions;
use ferry_shared::convert::graph::BatchRequest;
use ferry_shared::convert::graph::values::source_key_properties;
use http::Method;
use serde_json::{Value, json};
use std::time::Duration;

fn contacts(n: usize) -> Vec<ferry_shared::convert::graph::GraphAction> {
    (0..n).map(|i| contact(Some(&format!("{i}@x")))).collect()
}

/// The batch a request carries.
fn batch_of(request: &crate::http::HttpRequest) -> BatchRequest {
    assert_eq!(request.url.path(), "/v1.0/$batch");
    assert_eq!(request.headers["content-type"], "application/json");
    serde_json::from_slice(&request.body).unwrap()
}

/// A `$batch` answer: `(id, status, retry-after, body)` per request.
fn batch_answer(answers: &[(&str, u16, Option<&str>, Value)]) -> String {
    let responses: Vec<Value> = answers
        .iter()
        .map(|(id, status, retry, body)| {
            let mut headers = json!({ "Content-Type": "application/json" });
            if let Some(retry) = retry {
                headers["Retry-After"] = json!(retry);
            }
            json!({ "id": id, "status": status, "headers": headers, "body": body })
        })
        .collect();
    json!({ "responses": responses }).to_string()
}

fn none_found() -> Value {
    serde_json::from_str(NONE_FOUND).unwrap()
}

fn found_value(id: &str, key: &str) -> Value {
    serde_json::from_str(&found(id, key)).unwrap()
}

#[test]
fn lookups_of_many_items_go_in_one_batch_and_a_throttled_one_waits_alone() {
    let mut run = Insert::new(contacts(3), options());
    let batch = batch_of(&expect_send(&mut run, Method::POST));
    assert_eq!(batch.requests.len(), 3);
    assert!(
        batch
            .requests
            .iter()
            .all(|r| r.method == ferry_shared::convert::graph::Method::Get
                && r.url.starts_with("/me/contacts?$filter="))
    );
    let throttled = json!({"error": {"code": "ApplicationThrottled", "message": "x"}});
    // Out of order, as Graph may answer.
    let answer = batch_answer(&[
        ("2", 200, None, none_found()),
        ("1", 429, Some("4"), throttled),
        ("0", 200, None, found_value("AAMk-0", "0@x")),
    ]);
    respond(&mut run, 200, None, &answer);
    // The others go on: item 2 is created before item 1 is retried.
    let post = expect_send(&mut run, Method::POST);
    assert_eq!(post.url.path(), "/v1.0/me/contacts");
    respond(&mut run, 201, None, CREATED);
    assert!(matches!(run.next_step(), Step::Wait(d) if d == Duration::from_secs(4)));
    let lookup = expect_send(&mut run, Method::GET);
    assert!(lookup.url.as_str().contains("$filter="), "{}", lookup.url);
    respond(&mut run, 200, None, NONE_FOUND);
    expect_send(&mut run, Method::POST);
    respond(&mut run, 201, None, CREATED);
    let report = done(run);
    let outcomes: Vec<_> = report.items.iter().map(|i| i.outcome.clone()).collect();
    assert_eq!(
        outcomes,
        [Outcome::AlreadyThere, Outcome::Created, Outcome::Created]
    );
    assert_eq!(report.totals.requests_sent, 4);
}

#[test]
fn the_batch_size_option_splits_the_lookups() {
    let options = GraphOptions {
        batch_size: 2,
        ..options()
    };
    let mut run = Insert::new(contacts(5), options);
    let first = batch_of(&expect_send(&mut run, Method::POST));
    assert_eq!(first.requests.len(), 2);
    let ids: Vec<_> = first.requests.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["0", "1"]);
    let answer = batch_answer(&[
        ("0", 200, None, found_value("A0", "0@x")),
        ("1", 200, None, found_value("A1", "1@x")),
    ]);
    respond(&mut run, 200, None, &answer);
    assert_eq!(
        batch_of(&expect_send(&mut run, Method::POST))
            .requests
            .len(),
        2
    );
}

#[test]
fn a_lost_batch_answer_leads_to_the_lookups_again_never_a_create() {
    let mut run = Insert::new(contacts(2), options());
    let first = batch_of(&expect_send(&mut run, Method::POST));
    run.on_error(lost());
    let again = batch_of(&expect_send(&mut run, Method::POST));
    assert_eq!(first, again);
    // An unreadable answer, and one leaving an item out, count as lost.
    respond(&mut run, 200, None, "{not json");
    batch_of(&expect_send(&mut run, Method::POST));
    // Item 1 left out: its third lost answer, the limit.
    let answer = batch_answer(&[("0", 200, None, found_value("A0", "0@x"))]);
    respond(&mut run, 200, None, &answer);
    let report = done(run);
    assert_eq!(report.items[0].outcome, Outcome::AlreadyThere);
    assert!(matches!(&report.items[1].outcome,
        Outcome::Failed { reason } if reason.starts_with("no answer after 3 tries")));
    assert_eq!(report.totals.created, 0);
}

#[test]
fn a_busy_batch_waits_and_a_401_inside_stops_the_run() {
    let mut run = Insert::new(contacts(2), options());
    expect_send(&mut run, Method::POST);
    respond(&mut run, 503, Some("2"), "");
    assert!(matches!(run.next_step(), Step::Wait(d) if d == Duration::from_secs(2)));
    expect_send(&mut run, Method::POST);
    let answer = batch_answer(&[("0", 200, None, none_found()), ("1", 401, None, json!({}))]);
    respond(&mut run, 200, None, &answer);
    let report = done(run);
    assert!(matches!(
        report.stopped,
        Some(Error::AuthFailed { status: 401 })
    ));
    assert_eq!(report.totals.created, 0);
}

fn page(items: Value, next: Option<&str>) -> String {
    let mut page = json!({ "value": items });
    if let Some(link) = next {
        page["@odata.nextLink"] = json!(link);
    }
    page.to_string()
}

fn item(id: &str, key: &str) -> Value {
    json!({ "id": id, "singleValueExtendedProperties": source_key_properties(Some(key)) })
}

#[test]
fn a_lookup_is_read_to_its_last_page() {
    let mut run = Insert::new(vec![contact(Some("a@x"))], options());
    expect_send(&mut run, Method::GET);
    let next = "http://127.0.0.1:9/v1.0/me/contacts?$skiptoken=2";
    respond(
        &mut run,
        200,
        None,
        &page(json!([item("B", "b@x")]), Some(next)),
    );
    let second = expect_send(&mut run, Method::GET);
    assert_eq!(second.url.as_str(), next);
    respond(&mut run, 200, None, &page(json!([item("A", "a@x")]), None));
    let report = done(run);
    assert_eq!(report.items[0].outcome, Outcome::AlreadyThere);
    assert_eq!(report.items[0].item_id.as_ref().unwrap().id, "A");
}

#[test]
fn a_next_link_to_another_server_is_never_followed() {
    for link in [
        "http://127.0.0.1:10/v1.0/me/contacts?$skiptoken=2",
        "https://127.0.0.1:9/v1.0/me/contacts?$skiptoken=2",
        "http://graph.invalid/v1.0/me/contacts",
    ] {
        let mut run = Insert::new(vec![contact(Some("a@x"))], options());
        expect_send(&mut run, Method::GET);
        respond(&mut run, 200, None, &page(json!([]), Some(link)));
        assert!(matches!(run.next_step(), Step::Done), "{link}");
        let report = run.finish();
        assert_eq!(report.totals.requests_sent, 1);
        assert!(
            matches!(&report.items[0].outcome,
            Outcome::Failed { reason } if reason.contains("another server")),
            "{link}"
        );
    }
}

#[test]
fn more_pages_than_allowed_fail_the_item_uncreated() {
    let options = GraphOptions {
        max_pages: 2,
        ..options()
    };
    let mut run = Insert::new(vec![contact(Some("a@x"))], options);
    let next = Some("http://127.0.0.1:9/v1.0/me/contacts?$skiptoken=x");
    expect_send(&mut run, Method::GET);
    respond(&mut run, 200, None, &page(json!([]), next));
    expect_send(&mut run, Method::GET);
    respond(&mut run, 200, None, &page(json!([]), next));
    let report = done(run);
    assert!(matches!(&report.items[0].outcome,
        Outcome::Failed { reason } if reason.contains("more than 2 pages")));
}

#[test]
fn a_lost_page_reads_the_list_again_from_the_start() {
    let mut run = Insert::new(vec![contact(Some("a@x"))], options());
    expect_send(&mut run, Method::GET);
    let next = Some("http://127.0.0.1:9/v1.0/me/contacts?$skiptoken=x");
    respond(&mut run, 200, None, &page(json!([]), next));
    expect_send(&mut run, Method::GET);
    run.on_error(lost());
    let first = expect_send(&mut run, Method::GET);
    assert!(first.url.as_str().contains("$filter="), "{}", first.url);
}
