//! The To Do lists of the Graph stand-in: those of
//! `fixtures/graph/todo-lists.json` (the default list, `Tasks`, and
//! `Harbour`) to begin with, listed in pages, and new ones made by
//! `POST /me/todo/lists` (the body read as Ferry's `NewTaskList`).

use super::items::last_segment;
use super::{Answer, State, fixture};
use crate::http_server::Request;
use ferry_shared::convert::graph::resources::NewTaskList;
use serde_json::{Value, json};

/// The lists of the fixture.
pub(super) fn fixture_lists() -> Vec<Value> {
    match fixture("todo-lists.json")["value"].take() {
        Value::Array(lists) => lists,
        _ => Vec::new(),
    }
}

impl State {
    /// `GET /me/todo/lists`.
    pub(super) fn list_lists(&mut self, url: &url::Url) -> Answer {
        let lists = self.lists.clone();
        let (page, next_link) = self.page(url, &lists);
        let mut body = fixture("todo-lists.json");
        body["value"] = Value::Array(page);
        Answer::json(200, super::items::with_next_link(body, next_link))
    }

    /// `POST /me/todo/lists`.
    pub(super) fn create_list(&mut self, request: &Request) -> Answer {
        if request.header("content-type") != Some("application/json") {
            return Answer::error(415, "ErrorInvalidRequest", "JSON only");
        }
        let list = match serde_json::from_slice::<NewTaskList>(&request.body) {
            Ok(list) => list,
            Err(err) => return Answer::error(400, "RequestBodyRead", &err.to_string()),
        };
        let list = json!({
            "@odata.etag": "W/\"m1fdwWoFiE2YS9yegTKoYwAA/hqrzA==\"",
            "displayName": list.display_name,
            "isOwner": true,
            "isShared": false,
            "wellknownListName": "none",
            "id": format!("AAMkADIy-list-{}=", self.lists.len()),
        });
        self.lists.push(list.clone());
        Answer::json(201, list)
    }

    /// Whether the `…/todo/lists/{id}/tasks` of `path` names a list.
    pub(super) fn has_list(&self, path: &str) -> bool {
        let id = last_segment(path.trim_end_matches("/tasks"));
        self.lists.iter().any(|list| list["id"] == id.as_str())
    }
}
