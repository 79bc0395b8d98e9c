//! The Graph transport's lists, batches and photos against the test
//! server of [`ferry_testkit::graph_server`]: every list read to its last
//! page (`@odata.nextLink`), a next link to another server refused; the
//! lookups sent in `$batch`es of the size asked for, a `429` inside a
//! batch retried for its item alone, a lost batch answer looked up
//! again; tasks in a named To Do list made once; a contact's photo
//! arriving byte for byte, and not sent again by a re-run.

use crate::graph_insert::{
    DEFAULT_TASKS, TOKEN, actions, assert_exactly_once, assert_nothing_failed, batches,
    convert_file, creates, deletes, failures, options, posts, run_with, sent, server, target,
};
use base64::Engine;
use ferry_targets::graph::{GraphOptions, TodoList};
use ferry_testkit::graph_server::{BATCH, Fault, Scripted};
use std::collections::HashMap;
use std::time::{Duration, Instant};

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
    assert_eq!(second.totals.already_there, creates(&actions()) + deletes());
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
    let script = vec![Scripted {
        on: "GET",
        fault: Fault::ForeignNextLink,
    }];
    let server = server(TOKEN, script);
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
    let script = vec![Scripted {
        on: "$batch GET",
        fault: Fault::Throttled { retry_after: 1 },
    }];
    let server = server(TOKEN, script);
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
    let script = vec![Scripted {
        on: BATCH,
        fault: Fault::CommitThenDrop,
    }];
    let server = server(TOKEN, script);
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

/// A 1×1 PNG.
const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

#[test]
fn graph_contact_photo_arrives_exactly_and_once() {
    let card = format!(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:photo-1@ferry.test\r\nFN:Ana Lima\r\nN:Lima;Ana;;;\r\nPHOTO;ENCODING=b;TYPE=PNG:{PNG}\r\nEND:VCARD\r\n"
    );
    let actions = convert_file(card.as_bytes(), &target(), &mut HashMap::new());
    assert_eq!(actions.len(), 1);
    let server = server(TOKEN, Vec::new());
    let first = run_with(options(&server), TOKEN, actions.clone());
    assert_nothing_failed(&first);
    assert_eq!(first.totals.created, 1);
    let id = &first.items[0].item_id.as_ref().unwrap().id;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(PNG)
        .unwrap();
    assert_eq!(server.photo(id), Some(("image/png".to_string(), bytes)));
    let puts = |server: &ferry_testkit::graph_server::GraphServer| {
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
