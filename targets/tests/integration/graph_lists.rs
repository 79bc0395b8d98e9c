//! The Graph transport's lists, batches and photos against the test
//! server of [`ferry_testkit::graph_server`]: every list read to its last
//! page (`@odata.nextLink`), a next link to another server refused; the
//! lookups sent in `$batch`es of the size asked for, a `429` inside a
//! batch retried for its item alone, a lost batch answer looked up
//! again; tasks in a named To Do list made once; a contact's photo
//! arriving byte for byte, and not sent again by a re-run.

use crate::graph_insert::{
    DEFAULT_TASKS, TOKEN, actions, assert_exactly_once, assert_nothing_failed, batches,
    convert_file, creates, deletes, failures, options, post_json, posts, run_with, sent, server,
    target, updates,
};
use base64::Engine;
use ferry_targets::graph::{GraphOptions, TodoList};
use ferry_targets::http::{Credentials, HttpClient, HttpOptions};
use ferry_testkit::graph_server::{BATCH, Fault, GraphServer, Scripted};
use secrecy::SecretString;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// A server misbehaving once, `on` requests of that kind.
fn misbehaving(on: &'static str, fault: Fault) -> GraphServer {
    server(TOKEN, vec![Scripted { on, fault }])
}

#[test]
fn graph_lookups_go_in_batches_of_the_size_asked_for() {
    let server = server(TOKEN, Vec::new());
    let options = GraphOptions {
        batch_size: 2,
        ..options(&server)
    };
    let n = creates(&actions());
    let first = run_with(options.clone(), TOKEN, actions());
    assert_nothing_failed(&first);
    assert_exactly_once(&server);
    // Pairs in batches; an odd one out goes alone.
    assert_eq!(batches(&server), n / 2);
    let inside = server
        .requests()
        .iter()
        .filter(|r| r.ends_with("(in $batch)"))
        .count();
    assert_eq!(inside, n / 2 * 2);
    let second = run_with(options, TOKEN, actions());
    assert_nothing_failed(&second);
    assert_eq!(second.totals.created, 0);
    assert_eq!(posts(&server), n);
    assert_exactly_once(&server);
}

#[test]
fn graph_lists_in_pages_are_read_to_the_end() {
    let server = server(TOKEN, Vec::new());
    server.set_page_size(1);
    let first = run_with(options(&server), TOKEN, actions());
    assert_nothing_failed(&first);
    assert_exactly_once(&server);
    // A re-run finds every item, each on its own page of the lookup.
    let second = run_with(options(&server), TOKEN, actions());
    assert_nothing_failed(&second);
    assert_eq!(second.totals.created, 0);
    // Changed occurrences carry their own key: found done too.
    assert_eq!(
        second.totals.already_there,
        creates(&actions()) + deletes() + updates()
    );
    assert_exactly_once(&server);
    let requests = sent(&server);
    let pages = |what: &str| requests.iter().filter(|r| r.contains(what)).count();
    // Next pages of lookups are sent alone; the lists (2) and instances
    // took more than one page each.
    assert!(pages("GET /v1.0/me/events") > 0, "{requests:?}");
    assert!(pages("GET /v1.0/me/todo/lists") >= 2 * 2, "{requests:?}");
    assert!(pages("/instances") > 2 * deletes(), "{requests:?}");
}

#[test]
fn graph_too_many_pages_fail_the_items_uncreated() {
    let server = server(TOKEN, Vec::new());
    server.set_page_size(1);
    let options = GraphOptions {
        max_pages: 1,
        ..options(&server)
    };
    let report = run_with(options, TOKEN, actions());
    // The To Do lists (two pages) fail the tasks; the first lookups of a
    // collection fit one page.
    let failed = failures(&report);
    let tasks = failed
        .iter()
        .filter(|r| r.contains("more than 1 pages"))
        .count();
    assert!(tasks >= 1, "{failed:?}");
    assert!(
        server
            .items()
            .iter()
            .all(|i| !i.collection.ends_with("/tasks"))
    );
}

#[test]
fn graph_next_link_to_another_server_is_refused() {
    let server = misbehaving("GET", Fault::ForeignNextLink);
    let report = run_with(options(&server), TOKEN, actions());
    // The To Do lists linked elsewhere: the tasks fail, nothing else.
    let failed = failures(&report);
    assert!(!failed.is_empty());
    assert!(
        failed.iter().all(|r| r.contains("another server")),
        "{failed:?}"
    );
    assert!(
        server
            .items()
            .iter()
            .all(|i| !i.collection.ends_with("/tasks"))
    );
    assert!(report.stopped.is_none());
}

#[test]
fn graph_throttled_inside_a_batch_retries_that_item_alone() {
    let server = misbehaving("$batch GET", Fault::Throttled { retry_after: 1 });
    let started = Instant::now();
    let report = run_with(options(&server), TOKEN, actions());
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_nothing_failed(&report);
    assert_exactly_once(&server);
    let requests = sent(&server);
    assert_eq!(batches(&server), 1, "{requests:?}");
    // The throttled item looked up again alone, after the others' POSTs.
    let alone = requests
        .iter()
        .position(|r| {
            r.starts_with("GET /v1.0/me/")
                && r != "GET /v1.0/me/todo/lists"
                && !r.contains("/instances")
        })
        .unwrap_or_else(|| panic!("the throttled lookup not sent again: {requests:?}"));
    let first_post = requests
        .iter()
        .position(|r| r.starts_with("POST /v1.0/me/"))
        .unwrap();
    assert!(first_post < alone, "{requests:?}");
}

#[test]
fn graph_lost_batch_answer_leads_to_lookups_again() {
    let server = misbehaving(BATCH, Fault::CommitThenDrop);
    let report = run_with(options(&server), TOKEN, actions());
    assert_nothing_failed(&report);
    assert_exactly_once(&server);
    assert_eq!(batches(&server), 2);
    assert_eq!(posts(&server), creates(&actions()));
}

#[test]
fn graph_tasks_go_to_a_named_list_made_once() {
    let server = server(TOKEN, Vec::new());
    let options = GraphOptions {
        todo_list: TodoList::Named("Ferry import".into()),
        ..options(&server)
    };
    for _ in 0..2 {
        let report = run_with(options.clone(), TOKEN, actions());
        assert_nothing_failed(&report);
    }
    assert_exactly_once(&server);
    let lists = server.todo_lists();
    let made: Vec<_> = lists.iter().filter(|l| l.1 == "Ferry import").collect();
    assert_eq!(made.len(), 1, "{lists:?}");
    let tasks: Vec<_> = server
        .items()
        .into_iter()
        .filter(|i| i.collection.ends_with("/tasks"))
        .collect();
    assert!(!tasks.is_empty());
    for task in tasks {
        assert_ne!(task.collection, DEFAULT_TASKS);
        assert!(task.collection.contains("AAMkADIy-list-"), "{task:?}");
    }
}

#[test]
fn graph_server_batches_as_documented() {
    let server = server(TOKEN, Vec::new());
    let credentials = Credentials::bearer(SecretString::from(TOKEN.to_string()));
    let client = HttpClient::new(HttpOptions::default(), credentials).unwrap();
    let get = |id: String| json!({ "id": id, "method": "GET", "url": "/me/todo/lists" });
    let batch = |requests: Vec<Value>| json!({ "requests": requests }).to_string();
    let send = |body: String| post_json(&client, &server, "/$batch", body.as_bytes());
    // More than 20, repeated ids, unknown fields: refused whole.
    let many = (0..21).map(|i| get(i.to_string())).collect();
    assert_eq!(send(batch(many)).status.as_u16(), 400);
    assert_eq!(
        send(batch(vec![get("a".into()), get("a".into())]))
            .status
            .as_u16(),
        400
    );
    let unknown = json!({ "requests": [get("a".into())], "atomic": true });
    assert_eq!(send(unknown.to_string()).status.as_u16(), 400);
    // Each request answered by its id, with its own status and body; a
    // body without Content-Type, and a bad one, refused alone.
    let contact = json!({ "displayName": "Ana" });
    let requests = vec![
        get("lists".into()),
        json!({ "id": "bare", "method": "POST", "url": "/me/contacts", "body": contact }),
        json!({ "id": "bad", "method": "POST", "url": "/me/contacts",
                "headers": { "Content-Type": "application/json" }, "body": { "displayName": 1 } }),
        json!({ "id": "ok", "method": "POST", "url": "/me/contacts",
                "headers": { "Content-Type": "application/json" }, "body": contact }),
    ];
    let response = send(batch(requests));
    assert_eq!(response.status.as_u16(), 200);
    let answer: Value = serde_json::from_slice(&response.body).unwrap();
    let status = |id: &str| {
        let responses = answer["responses"].as_array().unwrap();
        let item = responses.iter().find(|r| r["id"] == id).unwrap();
        (item["status"].as_u64().unwrap(), item["body"].clone())
    };
    let (lists, body) = status("lists");
    assert_eq!(lists, 200);
    assert_eq!(body["value"][0]["wellknownListName"], "defaultList");
    assert_eq!(status("bare").0, 400);
    assert_eq!(status("bad").0, 400);
    let (created, body) = status("ok");
    assert_eq!(created, 201);
    assert_eq!(server.items().len(), 1);
    assert_eq!(body["id"], server.items()[0].id.as_str());
}

#[test]
fn graph_photo_missing_after_a_cut_run_is_set_by_the_next() {
    let server = misbehaving("PUT", Fault::Unavailable { retry_after: 0 });
    let actions = photo_card();
    let once = GraphOptions {
        max_busy_tries: 1,
        ..options(&server)
    };
    let first = run_with(once, TOKEN, actions.clone());
    let failed = failures(&first);
    assert!(failed[0].contains("photo was not set"), "{failed:?}");
    let id = first.items[0].item_id.as_ref().unwrap().id.clone();
    assert_eq!(server.photo(&id), None);
    let second = run_with(options(&server), TOKEN, actions);
    assert_nothing_failed(&second);
    assert_eq!(second.totals.already_there, 1);
    assert_eq!(server.photo(&id).unwrap().1, png());
    assert_eq!(server.key_counts().values().sum::<usize>(), 1);
}

/// A 1×1 PNG.
const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

fn png() -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(PNG)
        .unwrap()
}

/// The actions of a vCard with a photo.
fn photo_card() -> Vec<ferry_shared::convert::graph::GraphAction> {
    let card = format!(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:photo-1@ferry.test\r\nFN:Ana Lima\r\nN:Lima;Ana;;;\r\nPHOTO;ENCODING=b;TYPE=PNG:{PNG}\r\nEND:VCARD\r\n"
    );
    let actions = convert_file(card.as_bytes(), &target(), &mut HashMap::new());
    assert_eq!(actions.len(), 1);
    actions
}

#[test]
fn graph_contact_photo_arrives_exactly_and_once() {
    let actions = photo_card();
    let server = server(TOKEN, Vec::new());
    let first = run_with(options(&server), TOKEN, actions.clone());
    assert_nothing_failed(&first);
    assert_eq!(first.totals.created, 1);
    let id = &first.items[0].item_id.as_ref().unwrap().id;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(PNG)
        .unwrap();
    assert_eq!(server.photo(id), Some(("image/png".to_string(), bytes)));
    let puts = |server: &GraphServer| {
        sent(server)
            .iter()
            .filter(|r| r.starts_with("PUT "))
            .count()
    };
    assert_eq!(puts(&server), 1);
    // A re-run finds the contact and its photo: nothing is sent again.
    let second = run_with(options(&server), TOKEN, actions);
    assert_nothing_failed(&second);
    assert_eq!(second.totals.already_there, 1);
    assert_eq!(puts(&server), 1);
    assert!(sent(&server).iter().any(|r| r.ends_with("/photo")));
}
