//! The To Do list found or made before the tasks, driven with answers
//! shaped like Graph's (`fixtures/graph/todo-lists.json`).

use crate::ews::report::Outcome;
use crate::graph::insert::Insert;
use crate::graph::insert_tests::{NONE_FOUND, done, expect_send, lost, options, respond};
use crate::graph::options::{GraphOptions, TodoList};
use ferry_shared::convert::graph::resources::{Importance, TodoTask};
use ferry_shared::convert::graph::values::source_key_properties;
use ferry_shared::convert::graph::{GraphAction, GraphTarget, create_task};
use ferry_shared::convert::requests::TASK_LIST_PLACEHOLDER;
use http::Method;
use serde_json::json;

fn task(key: &str) -> GraphAction {
    let task = TodoTask {
        title: Some("Call the harbour".into()),
        body: None,
        categories: Vec::new(),
        importance: Importance::Normal,
        status: None,
        is_reminder_on: false,
        reminder_date_time: None,
        start_date_time: None,
        due_date_time: None,
        completed_date_time: None,
        single_value_extended_properties: source_key_properties(Some(key)),
    };
    let target = GraphTarget {
        task_list_id: Some(TASK_LIST_PLACEHOLDER.into()),
        ..GraphTarget::default()
    };
    GraphAction::Create {
        source_key: Some(key.into()),
        request: create_task(task, &target).unwrap(),
        photo: None,
    }
}

fn lists() -> String {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/graph/todo-lists.json");
    std::fs::read_to_string(path).unwrap()
}

fn named(name: &str) -> GraphOptions {
    GraphOptions {
        todo_list: TodoList::Named(name.into()),
        ..options()
    }
}

#[test]
fn tasks_go_to_the_default_list_by_default() {
    let mut run = Insert::new(vec![task("t@x")], options());
    let get = expect_send(&mut run, Method::GET);
    assert_eq!(get.url.path(), "/v1.0/me/todo/lists");
    respond(&mut run, 200, None, &lists());
    let lookup = expect_send(&mut run, Method::GET);
    assert_eq!(
        lookup.url.path(),
        "/v1.0/me/todo/lists/AAMkADIyAAAAABrJAAA%3D/tasks"
    );
    respond(&mut run, 200, None, NONE_FOUND);
    let post = expect_send(&mut run, Method::POST);
    assert_eq!(
        post.url.path(),
        "/v1.0/me/todo/lists/AAMkADIyAAAAABrJAAA%3D/tasks"
    );
    assert!(!post.url.as_str().contains(TASK_LIST_PLACEHOLDER));
}

#[test]
fn a_named_list_is_found_or_made_once() {
    let mut run = Insert::new(vec![task("t@x")], named("Harbour"));
    expect_send(&mut run, Method::GET);
    respond(&mut run, 200, None, &lists());
    let lookup = expect_send(&mut run, Method::GET);
    assert!(lookup.url.path().contains("/AAMkADIyAAAhrbPWAAA%3D/tasks"));

    let mut run = Insert::new(vec![task("t@x")], named("Ferry \"import\" & more"));
    expect_send(&mut run, Method::GET);
    respond(&mut run, 200, None, &lists());
    let create = expect_send(&mut run, Method::POST);
    assert_eq!(create.url.path(), "/v1.0/me/todo/lists");
    let body: serde_json::Value = serde_json::from_slice(&create.body).unwrap();
    assert_eq!(body, json!({ "displayName": "Ferry \"import\" & more" }));
    // The answer is lost: the lists are read again, and the list made
    // meanwhile is found, not made twice.
    run.on_error(lost());
    expect_send(&mut run, Method::GET);
    let made = json!({ "value": [
        { "id": "L-new", "displayName": "Ferry \"import\" & more", "wellknownListName": "none" }
    ]});
    respond(&mut run, 200, None, &made.to_string());
    let lookup = expect_send(&mut run, Method::GET);
    assert_eq!(lookup.url.path(), "/v1.0/me/todo/lists/L-new/tasks");
}

#[test]
fn without_a_list_the_tasks_fail_and_the_rest_goes_on() {
    let mut run = Insert::new(vec![task("t@x")], options());
    expect_send(&mut run, Method::GET);
    respond(&mut run, 200, None, r#"{"value": []}"#);
    let report = done(run);
    assert!(matches!(&report.items[0].outcome,
        Outcome::Failed { reason } if reason.contains("no default To Do list")));
}

#[test]
fn a_list_id_given_is_used_without_looking_and_the_placeholder_is_no_id() {
    let given = |id: &str| GraphOptions {
        target: GraphTarget {
            task_list_id: Some(id.into()),
            ..GraphTarget::default()
        },
        ..options()
    };
    // The placeholder counts as no id: the lists are read.
    let mut run = Insert::new(vec![task("t@x")], given(TASK_LIST_PLACEHOLDER));
    let first = expect_send(&mut run, Method::GET);
    assert_eq!(first.url.path(), "/v1.0/me/todo/lists");
    // A task written for a list id given goes there, unlooked-for.
    let mut action = task("t@x");
    if let GraphAction::Create { request, .. } = &mut action {
        request.url = "/me/todo/lists/L-1/tasks".into();
    }
    let mut run = Insert::new(vec![action], given("L-1"));
    let first = expect_send(&mut run, Method::GET);
    assert_eq!(first.url.path(), "/v1.0/me/todo/lists/L-1/tasks");
}
