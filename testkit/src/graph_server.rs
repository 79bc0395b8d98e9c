//! A small Microsoft Graph server on 127.0.0.1 for the Graph transport's
//! tests. Every `POST` body is deserialised into Ferry's own typed
//! resources (`Event`, `TodoTask`, `Contact`, which deny unknown
//! fields): a malformed or unknown body is answered `400`. It keeps the
//! items created by the value of Ferry's source-key property, answers
//! the lookup by source key, lists the instances of the series it was
//! told about, deletes and patches (typed `Event` bodies) occurrences,
//! and answers with bodies shaped like Microsoft's documented examples
//! (`fixtures/graph/`). It can be
//! scripted to misbehave once per entry: `429` or `503` with
//! `Retry-After`, `401`, or a request (`POST`, `DELETE`, `PATCH`)
//! carried out and the connection then dropped unanswered.

use crate::http_server::{self, Reply, Request};
use ferry_shared::convert::graph::resources::{Contact, Event, ExtendedProperty, TodoTask};
use ferry_shared::convert::graph::values::source_property_id;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// One misbehaviour, for the first request with method `on` (`GET`,
/// `POST`) that arrives after the ones before it.
pub struct Scripted {
    pub on: &'static str,
    pub fault: Fault,
}

pub enum Fault {
    /// `429` with `Retry-After: seconds` (`fixtures/graph/error-throttled.json`).
    Throttled { retry_after: u64 },
    /// `503` with `Retry-After: seconds`
    /// (`fixtures/graph/error-service-unavailable.json`).
    Unavailable { retry_after: u64 },
    /// `401`.
    Unauthorized,
    /// The request carried out, then the connection closed unanswered.
    CommitThenDrop,
}

/// An item in the store.
#[derive(Debug, Clone)]
pub struct Stored {
    pub id: String,
    /// The collection's path: `/v1.0/me/events`.
    pub collection: String,
    /// The source-key property's value.
    pub key: Option<String>,
}

#[derive(Default)]
struct State {
    authorization: String,
    items: Vec<Stored>,
    script: VecDeque<Scripted>,
    /// `METHOD path` of every request answered or dropped.
    requests: Vec<String>,
    /// Occurrence starts (UTC, `…Z`) of each series' source-key value.
    series: HashMap<String, Vec<String>>,
    /// Occurrence ids listed: (series key value, start).
    listed: HashMap<String, (String, String)>,
    deleted: HashSet<(String, String)>,
    /// Changed occurrences and the source-key value they carry now.
    updated: HashMap<(String, String), Option<String>>,
}

/// A running server; its threads end with the test process.
pub struct GraphServer {
    /// The API root: `http://127.0.0.1:port/v1.0`.
    pub base_url: url::Url,
    state: Arc<Mutex<State>>,
}

impl GraphServer {
    /// A server accepting exactly the bearer token `token`, knowing the
    /// occurrences of `series` (by source-key value), misbehaving as
    /// `script` says.
    pub fn start(token: &str, series: HashMap<String, Vec<String>>, script: Vec<Scripted>) -> Self {
        let state = Arc::new(Mutex::new(State {
            authorization: format!("Bearer {token}"),
            script: script.into(),
            series,
            ..State::default()
        }));
        let shared = state.clone();
        let address =
            http_server::start(Arc::new(move |request: &Request| handle(&shared, request)));
        let base_url = url::Url::parse(&format!("http://{address}/v1.0")).expect("a loopback URL");
        Self { base_url, state }
    }

    /// Everything created, in order.
    pub fn items(&self) -> Vec<Stored> {
        self.state.lock().unwrap().items.clone()
    }

    /// How often each source-key value is in the store.
    pub fn key_counts(&self) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for key in self.items().into_iter().filter_map(|item| item.key) {
            *counts.entry(key).or_default() += 1;
        }
        counts
    }

    /// Occurrences deleted: `(series key value, UTC start)`.
    pub fn deleted(&self) -> HashSet<(String, String)> {
        self.state.lock().unwrap().deleted.clone()
    }

    /// Occurrences changed, and the key value they carry now.
    pub fn updated(&self) -> HashMap<(String, String), Option<String>> {
        self.state.lock().unwrap().updated.clone()
    }

    /// `METHOD path` of every request, in order.
    pub fn requests(&self) -> Vec<String> {
        self.state.lock().unwrap().requests.clone()
    }
}

fn json_reply(status: &'static str, body: &Value) -> Reply {
    Reply::new(status, JSON, body.to_string())
}

const JSON: &str = "application/json";

fn fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/graph")
        .join(name);
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn error(status: &'static str, code: &str, message: &str) -> Reply {
    json_reply(
        status,
        &json!({ "error": { "code": code, "message": message } }),
    )
}

fn handle(state: &Mutex<State>, request: &Request) -> Reply {
    let mut state = state.lock().unwrap();
    let url = url::Url::parse(&format!("http://graph.test{}", request.target)).unwrap();
    let path = url.path().to_string();
    state.requests.push(format!("{} {path}", request.method));
    if request.header("authorization").unwrap_or_default() != state.authorization {
        return error(
            "401 Unauthorized",
            "InvalidAuthenticationToken",
            "Access token validation failure.",
        );
    }
    let fault = state
        .script
        .iter()
        .position(|s| s.on == request.method)
        .and_then(|at| state.script.remove(at))
        .map(|s| s.fault);
    match (request.method.as_str(), fault) {
        (_, Some(Fault::Unauthorized)) => error(
            "401 Unauthorized",
            "InvalidAuthenticationToken",
            "Access token has expired.",
        ),
        (_, Some(Fault::Throttled { retry_after })) => Reply::new(
            "429 Too Many Requests",
            JSON,
            fixture("error-throttled.json").to_string(),
        )
        .with_header("Retry-After", retry_after.to_string()),
        (_, Some(Fault::Unavailable { retry_after })) => Reply::new(
            "503 Service Unavailable",
            JSON,
            fixture("error-service-unavailable.json").to_string(),
        )
        .with_header("Retry-After", retry_after.to_string()),
        (_, fault) => {
            let reply = match request.method.as_str() {
                "GET" if path.ends_with("/instances") => state.instances(&url),
                "GET" => state.lookup(&url),
                "POST" => state.create(&path, request),
                "DELETE" => state.delete(&path),
                "PATCH" => state.patch(&path, request),
                other => error("405 Method Not Allowed", "ErrorInvalidRequest", other),
            };
            match fault {
                Some(Fault::CommitThenDrop) => Reply::Drop(std::time::Duration::ZERO),
                _ => reply,
            }
        }
    }
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
    fn create(&mut self, path: &str, request: &Request) -> Reply {
        if request.header("content-type") != Some("application/json") {
            return error(
                "415 Unsupported Media Type",
                "ErrorInvalidRequest",
                "JSON only",
            );
        }
        let read = if path.ends_with("/events") {
            serde_json::from_slice::<Event>(&request.body).map(|e| {
                (
                    source_key(&e.single_value_extended_properties),
                    "created-event.json",
                )
            })
        } else if path.ends_with("/tasks") {
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
            return error("404 Not Found", "ErrorItemNotFound", "no such collection");
        };
        let (key, example) = match read {
            Ok(read) => read,
            Err(err) => {
                return error("400 Bad Request", "RequestBodyRead", &err.to_string());
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
        json_reply("201 Created", &body)
    }

    /// `GET` of a collection by source key, as Graph answers the
    /// `$filter`/`$expand` lookup (`lookup-by-source-key.json`).
    fn lookup(&self, url: &url::Url) -> Reply {
        let filter = url
            .query_pairs()
            .find(|(name, _)| name == "$filter")
            .map(|(_, value)| value.into_owned());
        let Some(wanted) = filter.as_deref().and_then(filtered_value) else {
            return error("400 Bad Request", "BadRequest", "lookup without $filter");
        };
        let value: Vec<Value> = self
            .items
            .iter()
            .filter(|item| item.collection == url.path() && item.key.as_deref() == Some(&wanted))
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
        json_reply("200 OK", &body)
    }
}

impl State {
    /// `GET …/events/{id}/instances`: the occurrences of a known series
    /// inside the window not deleted (`instances.json`).
    fn instances(&mut self, url: &url::Url) -> Reply {
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
            return error("404 Not Found", "ErrorItemNotFound", "no such series");
        };
        let starts = self.series.get(&key).cloned().unwrap_or_default();
        let mut value = Vec::new();
        for start in starts.into_iter().filter(|s| *s >= from && *s <= to) {
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
            let mut listed = json!({ "id": occurrence_id, "type": kind, "originalStart": start });
            if let Some(Some(own)) = self.updated.get(&occurrence) {
                listed["singleValueExtendedProperties"] =
                    json!([{ "id": source_property_id(), "value": own }]);
            }
            value.push(listed);
        }
        let mut body = fixture("instances.json");
        body["value"] = Value::Array(value);
        json_reply("200 OK", &body)
    }

    /// `DELETE …/events/{id}` of a listed occurrence.
    fn delete(&mut self, path: &str) -> Reply {
        match self.listed.get(&last_segment(path)).cloned() {
            Some(occurrence) if !self.deleted.contains(&occurrence) => {
                self.updated.remove(&occurrence);
                self.deleted.insert(occurrence);
                Reply::new("204 No Content", JSON, String::new())
            }
            _ => error(
                "404 Not Found",
                "ErrorItemNotFound",
                "The specified object was not found in the store.",
            ),
        }
    }

    /// `PATCH …/events/{id}` of a listed occurrence or a stored item,
    /// the body read as Ferry's `Event`.
    fn patch(&mut self, path: &str, request: &Request) -> Reply {
        let event = match serde_json::from_slice::<Event>(&request.body) {
            Ok(event) => event,
            Err(err) => return error("400 Bad Request", "RequestBodyRead", &err.to_string()),
        };
        let id = last_segment(path);
        let key = source_key(&event.single_value_extended_properties);
        match self.listed.get(&id).cloned() {
            Some(occurrence) if !self.deleted.contains(&occurrence) => {
                self.updated.insert(occurrence, key);
            }
            _ if self.items.iter().any(|i| i.id == id) => {}
            _ => {
                return error(
                    "404 Not Found",
                    "ErrorItemNotFound",
                    "The specified object was not found in the store.",
                );
            }
        }
        let mut body = fixture("created-event.json");
        body["id"] = Value::String(id);
        json_reply("200 OK", &body)
    }
}

/// The last path segment, percent-decoded.
fn last_segment(path: &str) -> String {
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
