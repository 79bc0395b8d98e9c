//! JSON batching in the Graph stand-in, as Microsoft documents it: a
//! `POST /$batch` whose body holds `requests`, 1 to 20 of them, each
//! exactly `{id, method, url, headers, body}` with a unique id and a URL
//! relative to the API version (anything else refuses the whole batch,
//! `400`); each is carried out as if it had come alone — its body read
//! into Ferry's typed resource, faults scripted on `$batch GET` or on
//! its method included — and answered in
//! `responses[{id, status, headers, body}]`, in reverse order, as Graph
//! may answer in any order. A request's own error (a body that is not
//! a resource, one without `Content-Type`) is its own answer.

use super::{Answer, BATCH, Fault, State};
use crate::http_server::Request;
use ferry_shared::convert::graph::MAX_BATCH_REQUESTS;
use serde_json::{Map, Value, json};
use std::collections::HashSet;

/// One request of a batch, as sent.
struct Entry {
    id: String,
    method: String,
    url: String,
    /// Names lower-cased.
    headers: Vec<(String, String)>,
    body: Option<Value>,
}

const METHODS: [&str; 5] = ["GET", "POST", "PATCH", "PUT", "DELETE"];
const FIELDS: [&str; 5] = ["id", "method", "url", "headers", "body"];

/// The requests of a batch body; `Err` (why) when it is not one.
fn entries(body: &[u8]) -> Result<Vec<Entry>, String> {
    let batch: Value = serde_json::from_slice(body).map_err(|err| err.to_string())?;
    let envelope = batch.as_object().ok_or("a batch is an object")?;
    let requests = match envelope.get("requests") {
        Some(Value::Array(requests)) if envelope.len() == 1 => requests,
        _ => return Err("a batch is exactly {\"requests\": […]}".into()),
    };
    if requests.is_empty() || requests.len() > MAX_BATCH_REQUESTS {
        let count = requests.len();
        return Err(format!(
            "A batch holds 1 to {MAX_BATCH_REQUESTS} requests, not {count}."
        ));
    }
    let mut ids = HashSet::new();
    let mut entries = Vec::with_capacity(requests.len());
    for request in requests {
        let fields = request.as_object().ok_or("a request is an object")?;
        if let Some(unknown) = fields.keys().find(|k| !FIELDS.contains(&k.as_str())) {
            return Err(format!("unknown property {unknown:?} in a request"));
        }
        let text = |name: &str| fields.get(name).and_then(Value::as_str).unwrap_or_default();
        let (id, method, url) = (text("id"), text("method"), text("url"));
        if id.is_empty() || !ids.insert(id.to_string()) {
            return Err("Batch request ids must be unique and not empty.".into());
        }
        if !METHODS.contains(&method) || url.is_empty() {
            return Err(format!("request {id:?}: a method and a URL are required"));
        }
        let mut headers = Vec::new();
        match fields.get("headers") {
            None => {}
            Some(Value::Object(given)) => {
                for (name, value) in given {
                    let value = value.as_str().ok_or("header values are strings")?;
                    headers.push((name.to_ascii_lowercase(), value.to_string()));
                }
            }
            Some(_) => return Err("headers are an object".into()),
        }
        entries.push(Entry {
            id: id.to_string(),
            method: method.to_string(),
            url: url.to_string(),
            headers,
            body: fields.get("body").cloned(),
        });
    }
    Ok(entries)
}

impl State {
    /// `POST /$batch`: the answer, and whether to drop the connection
    /// instead (a drop scripted inside).
    pub(super) fn batch(&mut self, request: &Request) -> (Answer, bool) {
        if request.header("content-type") != Some("application/json") {
            return (Answer::error(415, "BadRequest", "JSON only"), false);
        }
        let entries = match entries(&request.body) {
            Ok(entries) => entries,
            Err(reason) => return (Answer::error(400, "BadRequest", &reason), false),
        };
        let root = self
            .base_url
            .as_ref()
            .map(|url| url.path().to_string())
            .unwrap_or_default();
        let mut drop = false;
        let mut responses = Vec::with_capacity(entries.len());
        for entry in entries {
            let inner = Request {
                connection: request.connection,
                method: entry.method.clone(),
                target: format!("{root}{}", entry.url),
                headers: entry.headers,
                body: entry
                    .body
                    .as_ref()
                    .and_then(|body| serde_json::to_vec(body).ok())
                    .unwrap_or_default(),
            };
            let answer = self.inner(&entry.url, &inner, entry.body.is_some(), &mut drop);
            let mut headers = Map::new();
            for (name, value) in &answer.headers {
                headers.insert((*name).to_string(), Value::String(value.clone()));
            }
            if answer.body.is_some() {
                headers.insert("Content-Type".into(), json!("application/json"));
            }
            let mut response =
                json!({ "id": entry.id, "status": answer.status, "headers": headers });
            if let Some(body) = answer.body {
                response["body"] = body;
            }
            responses.push(response);
        }
        responses.reverse();
        (Answer::json(200, json!({ "responses": responses })), drop)
    }

    /// One request of a batch, carried out.
    fn inner(
        &mut self,
        relative: &str,
        request: &Request,
        has_body: bool,
        drop: &mut bool,
    ) -> Answer {
        let Ok(url) = url::Url::parse(&format!("http://graph.test{}", request.target)) else {
            return Answer::error(400, "BadRequest", "Invalid request URL.");
        };
        self.requests
            .push(format!("{} {} (in $batch)", request.method, url.path()));
        if !relative.starts_with('/') || url.path().ends_with("/$batch") {
            return Answer::error(400, "BadRequest", "Invalid request URL.");
        }
        if has_body && request.header("content-type").is_none() {
            return Answer::error(400, "BadRequest", "Content-Type header is required.");
        }
        let inside = format!("{BATCH} {}", request.method);
        let fault = self
            .take_fault(&inside)
            .or_else(|| self.take_fault(&request.method));
        match fault {
            Some(Fault::CommitThenDrop) => {
                *drop = true;
                self.route(request, &url)
            }
            Some(fault) => self.faulty(fault, request, &url),
            None => self.route(request, &url),
        }
    }
}
