//! The requests a transport sends, each a method, a URL relative to
//! `https://graph.microsoft.com/v1.0` and a typed JSON body: items
//! created in the mailbox's (or a chosen) calendar, To Do list or
//! contact folder; the "does it exist already?" lookup by source key;
//! a series' occurrences around an original start; the deletion and
//! update of one occurrence; the To Do lists, and a new one.

use super::odata::{path_segment, query, source_key_expand, source_key_filter};
use super::resources::{Contact, Event, NewTaskList, TodoTask};
use super::{GraphError, GraphTarget};
use crate::convert::exchange::WallClock;
use chrono::Duration;
use serde::{Deserialize, Serialize};

/// An HTTP method Ferry uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Post,
    Patch,
    Put,
    Delete,
}

/// A JSON body: one of the resources Ferry writes. Read back without
/// its URL, a body of only `displayName` reads as a contact: a reader
/// that must tell them apart reads by the URL's collection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RequestBody {
    Event(Box<Event>),
    Task(Box<TodoTask>),
    Contact(Box<Contact>),
    TaskList(NewTaskList),
}

/// One request: serialise `body` (when there is one) as JSON, with
/// `Content-Type: application/json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphRequest {
    pub method: Method,
    /// Relative to the API version: `/me/events`.
    pub url: String,
    pub body: Option<RequestBody>,
}

impl GraphRequest {
    fn get(url: String) -> Self {
        Self {
            method: Method::Get,
            url,
            body: None,
        }
    }

    fn post(url: String, body: RequestBody) -> Self {
        Self {
            method: Method::Post,
            url,
            body: Some(body),
        }
    }
}

/// The kinds of item collections Ferry writes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Collection {
    Events,
    Tasks,
    Contacts,
}

impl GraphTarget {
    /// `/me` or `/users/{id}`.
    pub fn mailbox_path(&self) -> String {
        match &self.user {
            None => "/me".to_string(),
            Some(user) => format!("/users/{}", path_segment(user)),
        }
    }

    /// The URL of the collection items of a kind are created in.
    pub fn collection_path(&self, collection: Collection) -> Result<String, GraphError> {
        let mailbox = self.mailbox_path();
        Ok(match collection {
            Collection::Events => match &self.calendar_id {
                None => format!("{mailbox}/events"),
                Some(id) => format!("{mailbox}/calendars/{}/events", path_segment(id)),
            },
            Collection::Tasks => {
                let list = self.task_list_id.as_ref().ok_or(GraphError::NoTaskList)?;
                format!("{mailbox}/todo/lists/{}/tasks", path_segment(list))
            }
            Collection::Contacts => match &self.contact_folder_id {
                None => format!("{mailbox}/contacts"),
                Some(id) => format!("{mailbox}/contactFolders/{}/contacts", path_segment(id)),
            },
        })
    }

    /// The URL of one event (a series, an item or an occurrence).
    fn event_path(&self, event_id: &str) -> String {
        format!("{}/events/{}", self.mailbox_path(), path_segment(event_id))
    }
}

/// `POST` of a new event.
pub fn create_event(event: Event, target: &GraphTarget) -> Result<GraphRequest, GraphError> {
    Ok(GraphRequest::post(
        target.collection_path(Collection::Events)?,
        RequestBody::Event(Box::new(event)),
    ))
}

/// `POST` of a new To Do task (needs [`GraphTarget::task_list_id`]).
pub fn create_task(task: TodoTask, target: &GraphTarget) -> Result<GraphRequest, GraphError> {
    Ok(GraphRequest::post(
        target.collection_path(Collection::Tasks)?,
        RequestBody::Task(Box::new(task)),
    ))
}

/// `POST` of a new contact.
pub fn create_contact(contact: Contact, target: &GraphTarget) -> Result<GraphRequest, GraphError> {
    Ok(GraphRequest::post(
        target.collection_path(Collection::Contacts)?,
        RequestBody::Contact(Box::new(contact)),
    ))
}

/// `GET` of the items of `collection` whose source key is `key` (does
/// it exist already?), with their id and source-key property. Events
/// are searched as series and single items, not occurrences.
pub fn find_by_source_key(
    collection: Collection,
    key: &str,
    target: &GraphTarget,
) -> Result<GraphRequest, GraphError> {
    let path = target.collection_path(collection)?;
    Ok(GraphRequest::get(format!(
        "{path}{}",
        query(&[
            ("$filter", source_key_filter(key)),
            ("$select", "id".to_string()),
            ("$expand", source_key_expand()),
        ])
    )))
}

/// How far around an occurrence's original start the instances are
/// asked for: wide enough that a time read in a mistaken zone is still
/// inside; the transport then picks the one whose `originalStart` is the
/// one sought ([`super::responses::pick_occurrence`]).
pub const OCCURRENCE_WINDOW_HOURS: i64 = 24;

/// `GET` of the occurrences and exceptions of the series `series_id`
/// around `original_start`.
pub fn find_occurrences(
    series_id: &str,
    original_start: &WallClock,
    target: &GraphTarget,
) -> GraphRequest {
    let at = original_start.to_utc();
    let window = Duration::hours(OCCURRENCE_WINDOW_HOURS);
    let format = "%Y-%m-%dT%H:%M:%SZ";
    GraphRequest::get(format!(
        "{}/instances{}",
        target.event_path(series_id),
        query(&[
            ("startDateTime", (at - window).format(format).to_string()),
            ("endDateTime", (at + window).format(format).to_string()),
            ("$select", "id,type,originalStart".to_string()),
            // A changed occurrence carries its own key: a re-run sees it
            // is done.
            ("$expand", source_key_expand()),
        ])
    ))
}

/// `DELETE` of one occurrence (Ferry never invites anyone, so nobody is
/// told).
pub fn delete_occurrence(occurrence_id: &str, target: &GraphTarget) -> GraphRequest {
    GraphRequest {
        method: Method::Delete,
        url: target.event_path(occurrence_id),
        body: None,
    }
}

/// `PATCH` of one occurrence to `changes` (the fields of a changed
/// occurrence, see [`super::GraphAction::UpdateOccurrence`]).
pub fn update_occurrence(
    occurrence_id: &str,
    changes: Event,
    target: &GraphTarget,
) -> GraphRequest {
    GraphRequest {
        method: Method::Patch,
        url: target.event_path(occurrence_id),
        body: Some(RequestBody::Event(Box::new(changes))),
    }
}

/// `GET` of the mailbox's To Do lists, to find the one tasks go to
/// (the default list has `wellknownListName` `defaultList`).
pub fn task_lists(target: &GraphTarget) -> GraphRequest {
    GraphRequest::get(format!("{}/todo/lists", target.mailbox_path()))
}

/// `POST` of a new To Do list named `name` (`todoTaskList`).
pub fn create_task_list(name: &str, target: &GraphTarget) -> GraphRequest {
    let list = NewTaskList {
        display_name: name.to_string(),
    };
    GraphRequest::post(
        format!("{}/todo/lists", target.mailbox_path()),
        RequestBody::TaskList(list),
    )
}
