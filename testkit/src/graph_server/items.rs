//! The items of the Graph stand-in: events, To Do tasks and contacts
//! created (each body read into Ferry's typed resource), found by
//! source key, a series' instances listed, occurrences deleted and
//! patched.

use super::{Answer, State, fixture};
use crate::http_server::Request;
use ferry_shared::convert::graph::resources::{Contact, Event, ExtendedProperty, TodoTask};
use ferry_shared::convert::graph::values::source_property_id;
use serde_json::{Value, json};

/// An item in the store.
#[derive(Debug, Clone)]
pub struct Stored {
    pub id: String,
    /// The collection's path: `/v1.0/me/events`.
    pub collection: String,
    /// The source-key property's value.
    pub key: Option<String>,
}

/// The source-key property among `properties`.
fn source_key(properties: &[ExtendedProperty]) -> Option<String> {
    let id = source_property_id();
    properties
        .iter()
        .find(|p| p.id.eq_ignore_ascii_case(&id))
        .map(|p| p.value.clone())
}

impl State {
    /// `POST` of an item: the body read into Ferry's typed resource of
    /// the collection, stored, answered with Microsoft's example.
    pub(super) fn create(&mut self, path: &str, request: &Request) -> Answer {
        if request.header("content-type") != Some("application/json") {
            return Answer::error(415, "ErrorInvalidRequest", "JSON only");
        }
        let read = if path.ends_with("/events") {
            serde_json::from_slice::<Event>(&request.body).map(|e| {
                (
                    source_key(&e.single_value_extended_properties),
                    "created-event.json",
                )
            })
        } else if path.ends_with("/tasks") {
            if !self.has_list(path) {
                return Answer::error(404, "ErrorItemNotFound", "no such To Do list");
            }
            serde_json::from_slice::<TodoTask>(&request.body).map(|t| {
                (
                    source_key(&t.single_value_extended_properties),
                    "created-todotask.json",
                )
            })
        } else if path.ends_with("/contacts") {
            serde_json::from_slice::<Contact>(&request.body).map(|c| {
                (
                    source_key(&c.single_value_extended_properties),
                    "created-contact.json",
                )
            })
        } else {
            return Answer::error(404, "ErrorItemNotFound", "no such collection");
        };
        let (key, example) = match read {
            Ok(read) => read,
            Err(err) => {
                return Answer::error(400, "RequestBodyRead", &err.to_string());
            }
        };
        let id = format!("AAMkAGI-{:04}=", self.items.len());
        self.items.push(Stored {
            id: id.clone(),
            collection: path.to_string(),
            key,
        });
        let mut body = fixture(example);
        body["id"] = Value::String(id);
        Answer::json(201, body)
    }

    /// `GET` of a collection by source key, as Graph answers the
    /// `$filter`/`$expand` lookup (`lookup-by-source-key.json`).
    pub(super) fn lookup(&mut self, url: &url::Url) -> Answer {
        let filter = url
            .query_pairs()
            .find(|(name, _)| name == "$filter")
            .map(|(_, value)| value.into_owned());
        let Some(wanted) = filter.as_deref().and_then(filtered_value) else {
            return Answer::error(400, "BadRequest", "lookup without $filter");
        };
        // Graph pages through the collection and answers what matches on
        // each page: a page may hold nothing yet link to the next.
        let collection: Vec<Stored> = self
            .items
            .iter()
            .filter(|item| item.collection == url.path())
            .cloned()
            .collect();
        let (page, next_link) = self.page(url, &collection);
        let value: Vec<Value> = page
            .iter()
            .filter(|item| item.key.as_deref() == Some(&wanted))
            .map(|item| {
                json!({
                    "@odata.etag": "W/\"ZlnW4RIAV06KYYwlrfNZvQAALfZeRQ==\"",
                    "id": item.id,
                    "singleValueExtendedProperties": [
                        { "id": source_property_id(), "value": wanted }
                    ]
                })
            })
            .collect();
        let mut body = fixture("lookup-by-source-key.json");
        body["value"] = Value::Array(value);
        Answer::json(200, with_next_link(body, next_link))
    }
}

impl State {
    /// `GET …/events/{id}/instances`: the occurrences of a known series
    /// inside the window not deleted (`instances.json`).
    pub(super) fn instances(&mut self, url: &url::Url) -> Answer {
        let param = |name: &str| {
            url.query_pairs()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default()
        };
        let (from, to) = (param("startDateTime"), param("endDateTime"));
        let id = last_segment(url.path().trim_end_matches("/instances"));
        let Some(key) = self
            .items
            .iter()
            .find(|i| i.id == id)
            .and_then(|i| i.key.clone())
        else {
            return Answer::error(404, "ErrorItemNotFound", "no such series");
        };
        let starts: Vec<String> = (self.series.get(&key).cloned().unwrap_or_default())
            .into_iter()
            .filter(|s| *s >= from && *s <= to)
            .collect();
        let (starts, next_link) = self.page(url, &starts);
        let mut value = Vec::new();
        for start in starts {
            let occurrence = (key.clone(), start.clone());
            if self.deleted.contains(&occurrence) {
                continue;
            }
            let kind = if self.updated.contains_key(&occurrence) {
                "exception"
            } else {
                "occurrence"
            };
            let occurrence_id = format!("{id}_{}", start.replace([':', '-'], ""));
            self.listed
                .insert(occurrence_id.clone(), occurrence.clone());
            // A changed occurrence carries the key it was given.
            let mut listed = json!({ "id": occurrence_id, "type": kind, "originalStart": start });
            if let Some(Some(own)) = self.updated.get(&occurrence) {
                listed["singleValueExtendedProperties"] =
                    json!([{ "id": source_property_id(), "value": own }]);
            }
            value.push(listed);
        }
        let mut body = fixture("instances.json");
        body["value"] = Value::Array(value);
        Answer::json(200, with_next_link(body, next_link))
    }

    /// `DELETE …/events/{id}` of a listed occurrence.
    pub(super) fn delete(&mut self, path: &str) -> Answer {
        match self.listed.get(&last_segment(path)).cloned() {
            Some(occurrence) if !self.deleted.contains(&occurrence) => {
                self.updated.remove(&occurrence);
                self.deleted.insert(occurrence);
                Answer::empty(204)
            }
            _ => not_found(),
        }
    }

    /// `PATCH …/events/{id}` of a listed occurrence or a stored item,
    /// the body read as Ferry's `Event`.
    pub(super) fn patch(&mut self, path: &str, request: &Request) -> Answer {
        let event = match serde_json::from_slice::<Event>(&request.body) {
            Ok(event) => event,
            Err(err) => return Answer::error(400, "RequestBodyRead", &err.to_string()),
        };
        let id = last_segment(path);
        let key = source_key(&event.single_value_extended_properties);
        match self.listed.get(&id).cloned() {
            Some(occurrence) if !self.deleted.contains(&occurrence) => {
                self.updated.insert(occurrence, key);
            }
            _ if self.items.iter().any(|i| i.id == id) => {}
            _ => return not_found(),
        }
        let mut body = fixture("created-event.json");
        body["id"] = Value::String(id);
        Answer::json(200, body)
    }
}

/// `ErrorItemNotFound`, as Outlook answers it.
pub(super) fn not_found() -> Answer {
    Answer::error(
        404,
        "ErrorItemNotFound",
        "The specified object was not found in the store.",
    )
}

/// `body` with `@odata.nextLink` when there is a next page.
pub(super) fn with_next_link(mut body: Value, next_link: Option<String>) -> Value {
    if let Some(link) = next_link {
        body["@odata.nextLink"] = Value::String(link);
    }
    body
}

/// The last path segment, percent-decoded.
pub(super) fn last_segment(path: &str) -> String {
    let segment = path.rsplit('/').next().unwrap_or_default();
    percent_encoding::percent_decode_str(segment)
        .decode_utf8_lossy()
        .into_owned()
}

/// The value in `… and ep/value eq '<value>')` (OData quotes doubled).
fn filtered_value(filter: &str) -> Option<String> {
    let (_, rest) = filter.split_once("ep/value eq '")?;
    let literal = rest.strip_suffix("')")?;
    Some(literal.replace("''", "'"))
}
