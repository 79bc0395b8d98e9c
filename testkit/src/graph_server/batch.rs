//! JSON batching in the Graph stand-in, as Microsoft documents it: a
//! `POST /$batch` whose body (read as Ferry's typed `BatchRequest`, each
//! request's body one of Ferry's resources) holds 1 to 20 requests
//! `{id, method, url, headers, body}` with unique ids and URLs relative
//! to the API version; each is carried out as if it had come alone
//! (faults scripted on `$batch GET` or on its method included) and
//! answered in
//! `responses[{id, status, headers, body}]` — in reverse order, as
//! Graph may answer in any order. The batch itself is `200` unless it
//! is malformed.

use super::{Answer, BATCH, Fault, State};
use crate::http_server::Request;
use ferry_shared::convert::graph::{BatchRequest, MAX_BATCH_REQUESTS};
use serde_json::{Map, Value, json};
use std::collections::HashSet;

impl State {
    /// `POST /$batch`: the answer, and whether to drop the connection
    /// instead (a drop scripted inside).
    pub(super) fn batch(&mut self, request: &Request) -> (Answer, bool) {
        if request.header("content-type") != Some("application/json") {
            return (Answer::error(415, "BadRequest", "JSON only"), false);
        }
        let batch = match serde_json::from_slice::<BatchRequest>(&request.body) {
            Ok(batch) => batch,
            Err(err) => return (Answer::error(400, "BadRequest", &err.to_string()), false),
        };
        let count = batch.requests.len();
        if count == 0 || count > MAX_BATCH_REQUESTS {
            let message = format!("A batch holds 1 to {MAX_BATCH_REQUESTS} requests, not {count}.");
            return (Answer::error(400, "BadRequest", &message), false);
        }
        let mut ids = HashSet::new();
        if !batch
            .requests
            .iter()
            .all(|r| !r.id.is_empty() && ids.insert(r.id.clone()))
        {
            let message = "Batch request ids must be unique and not empty.";
            return (Answer::error(400, "BadRequest", message), false);
        }
        let root = self
            .base_url
            .as_ref()
            .map(|url| url.path().to_string())
            .unwrap_or_default();
        let mut drop = false;
        let mut responses = Vec::with_capacity(count);
        for entry in batch.requests {
            let method = serde_json::to_value(entry.method)
                .ok()
                .and_then(|m| m.as_str().map(str::to_string))
                .unwrap_or_default();
            let headers: Vec<(String, String)> = entry
                .headers
                .iter()
                .map(|(name, value)| (name.to_ascii_lowercase(), value.clone()))
                .collect();
            let inner = Request {
                connection: request.connection,
                method: method.clone(),
                target: format!("{root}{}", entry.url),
                headers,
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
