//! A small Microsoft Graph server on 127.0.0.1 for the Graph transport's
//! tests. Every JSON body is deserialised into Ferry's own typed
//! resources (`Event`, `TodoTask`, `Contact`, `NewTaskList`, which deny
//! unknown fields): a malformed or unknown body is answered `400`. It
//! keeps the items created by the value of Ferry's source-key property
//! ([`items`]), answers the lookup by source key, lists the instances of
//! the series it was told about, deletes and patches occurrences; keeps
//! To Do lists, the default one among them ([`todo`]); takes contact
//! photos ([`photo`]); answers JSON batches ([`batch`]); and, given a
//! page size, answers every list in pages linked by `@odata.nextLink`
//! ([`paging`]); finds directory users by address ([`users`]); says who
//! is signed in (`GET /me`). Its bodies are shaped like Microsoft's
//! documented examples (`fixtures/graph/`).
//!
//! It accepts exactly one bearer token ([`GraphServer::start`]), or
//! every live token the test OAuth2 provider signed with a key
//! ([`GraphServer::start_for_provider`]): the signature and `exp` are
//! checked, and `/me` is the token's `sub`.
//!
//! It can be scripted to misbehave once per entry ([`Scripted`]): `429`
//! or `503` with `Retry-After`, `401`, a request carried out and the
//! connection then dropped unanswered (at once, or after a stall longer
//! than the client's timeout), or a list whose next link points to
//! another server. An entry `on` a method hits the next request with
//! that method, alone or inside a batch (inside, the fault is that
//! request's own answer; a drop drops the whole batch after carrying it
//! out, a stall inside a batch is carried out and answered); an entry `on` `"$batch GET"` (and so on) hits only a request
//! inside a batch; an entry `on` [`BATCH`] hits the next `POST /$batch`
//! itself.

mod batch;
mod items;
mod paging;
mod photo;
mod todo;
pub mod users;

pub use items::Stored;

use crate::http_server::{self, Reply, Request};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// What [`Scripted::on`] names to hit the `POST /$batch` itself.
pub const BATCH: &str = "$batch";

/// One misbehaviour, for the first request with method `on` (`GET`,
/// `POST`; `$batch GET` inside a batch only; or [`BATCH`]) that arrives
/// after the ones before it.
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
    /// The request carried out, then no answer for this long (longer
    /// than the client's request timeout), then the connection closed.
    CommitThenStall { ms: u64 },
    /// A list answered with a next link to another server
    /// (`http://127.0.0.1:1/…`), which must never be followed.
    ForeignNextLink,
}

/// An answer before it is sent: alone, or inside a batch.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<Value>,
}

impl Answer {
    pub fn json(status: u16, body: Value) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Some(body),
        }
    }

    pub fn empty(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: None,
        }
    }

    pub fn error(status: u16, code: &str, message: &str) -> Self {
        Self::json(
            status,
            json!({ "error": { "code": code, "message": message } }),
        )
    }

    fn with_header(mut self, name: &'static str, value: String) -> Self {
        self.headers.push((name, value));
        self
    }

    fn reply(self) -> Reply {
        let body = self.body.map(|b| b.to_string()).unwrap_or_default();
        let mut reply = Reply::new(status_line(self.status), JSON, body);
        for (name, value) in self.headers {
            reply = reply.with_header(name, value);
        }
        reply
    }
}

fn status_line(status: u16) -> &'static str {
    match status {
        200 => "200 OK",
        201 => "201 Created",
        204 => "204 No Content",
        400 => "400 Bad Request",
        401 => "401 Unauthorized",
        404 => "404 Not Found",
        405 => "405 Method Not Allowed",
        415 => "415 Unsupported Media Type",
        429 => "429 Too Many Requests",
        503 => "503 Service Unavailable",
        _ => "500 Internal Server Error",
    }
}

const JSON: &str = "application/json";

/// Who `/me` is under the one-token mode.
pub const ONE_TOKEN_USER: &str = "me@graph.test";

#[derive(Default)]
pub(crate) struct State {
    authorization: String,
    /// With a key: every live token signed with it is accepted.
    key: Option<Vec<u8>>,
    /// Who the request being answered signed in as.
    signed_in: String,
    /// The API root: `http://127.0.0.1:port/v1.0`.
    base_url: Option<url::Url>,
    items: Vec<Stored>,
    script: VecDeque<Scripted>,
    /// `METHOD path` of every request answered or dropped; a request
    /// inside a batch is followed by ` (in $batch)`.
    requests: Vec<String>,
    /// Occurrence starts (UTC, `…Z`) of each series' source-key value.
    series: HashMap<String, Vec<String>>,
    /// Occurrence ids listed: (series key value, start).
    listed: HashMap<String, (String, String)>,
    deleted: HashSet<(String, String)>,
    /// Changed occurrences and the source-key value they carry now.
    updated: HashMap<(String, String), Option<String>>,
    /// To Do lists (`todoTaskList`), in order.
    lists: Vec<Value>,
    /// Contact photos by contact id: media type and bytes.
    photos: HashMap<String, (String, Vec<u8>)>,
    /// Items per page of a list; none for one page.
    page_size: Option<usize>,
    /// The next list answered links to another server.
    foreign_next_link: bool,
    /// The users `GET /users` finds.
    directory: Vec<users::DirectoryUser>,
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
            lists: todo::fixture_lists(),
            ..State::default()
        }));
        let shared = state.clone();
        let address =
            http_server::start(Arc::new(move |request: &Request| handle(&shared, request)));
        let base_url = url::Url::parse(&format!("http://{address}/v1.0")).expect("a loopback URL");
        state.lock().unwrap().base_url = Some(base_url.clone());
        Self { base_url, state }
    }

    /// A server accepting every live token signed with `key` (those of
    /// [`crate::oauth_provider::TestOAuthProvider`] started with it), as
    /// [`GraphServer::start`] otherwise.
    pub fn start_for_provider(
        key: &[u8],
        series: HashMap<String, Vec<String>>,
        script: Vec<Scripted>,
    ) -> Self {
        let server = Self::start("", series, script);
        server.state.lock().unwrap().key = Some(key.to_vec());
        server
    }

    /// Answers every list in pages of at most `size` items (at least 1).
    pub fn set_page_size(&self, size: usize) {
        self.state.lock().unwrap().page_size = Some(size.max(1));
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

    /// `METHOD path` of every request, in order (see [`State`]).
    pub fn requests(&self) -> Vec<String> {
        self.state.lock().unwrap().requests.clone()
    }

    /// The To Do lists: `(id, displayName, wellknownListName)`.
    pub fn todo_lists(&self) -> Vec<(String, String, String)> {
        let state = self.state.lock().unwrap();
        let text = |list: &Value, name: &str| list[name].as_str().unwrap_or_default().to_string();
        state
            .lists
            .iter()
            .map(|l| {
                (
                    text(l, "id"),
                    text(l, "displayName"),
                    text(l, "wellknownListName"),
                )
            })
            .collect()
    }

    /// The users `GET /users?$filter=…` finds.
    pub fn set_directory(&self, users: Vec<users::DirectoryUser>) {
        self.state.lock().unwrap().directory = users;
    }

    /// The photo of contact `id`: media type and bytes.
    pub fn photo(&self, id: &str) -> Option<(String, Vec<u8>)> {
        self.state.lock().unwrap().photos.get(id).cloned()
    }
}

pub(crate) fn fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/graph")
        .join(name);
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn handle(state: &Mutex<State>, request: &Request) -> Reply {
    let mut state = state.lock().unwrap();
    let url = url::Url::parse(&format!("http://graph.test{}", request.target)).unwrap();
    let path = url.path().to_string();
    state.requests.push(format!("{} {path}", request.method));
    let Some(user) = state.user_of(request.header("authorization").unwrap_or_default()) else {
        return Answer::error(
            401,
            "InvalidAuthenticationToken",
            "Access token validation failure.",
        )
        .reply();
    };
    state.signed_in = user;
    let is_batch = request.method == "POST" && path.ends_with("/$batch");
    let on = if is_batch { BATCH } else { &request.method };
    let fault = state.take_fault(on);
    let drop_after = match &fault {
        Some(Fault::CommitThenDrop) => Some(std::time::Duration::ZERO),
        Some(Fault::CommitThenStall { ms }) => Some(std::time::Duration::from_millis(*ms)),
        _ => None,
    };
    if is_batch {
        return match (fault, drop_after) {
            (_, Some(after)) => {
                state.batch(request);
                Reply::Drop(after)
            }
            (Some(fault), None) => state.faulty(fault, request, &url).reply(),
            (None, None) => match state.batch(request) {
                (answer, false) => answer.reply(),
                (_, true) => Reply::Drop(std::time::Duration::ZERO),
            },
        };
    }
    match (fault, drop_after) {
        (_, Some(after)) => {
            state.route(request, &url);
            Reply::Drop(after)
        }
        (Some(fault), None) => state.faulty(fault, request, &url).reply(),
        (None, None) => state.route(request, &url).reply(),
    }
}

impl State {
    /// Who the `Authorization` value signs in as, if it is accepted.
    fn user_of(&self, authorization: &str) -> Option<String> {
        match &self.key {
            Some(key) => {
                let token = authorization.strip_prefix("Bearer ")?;
                crate::dovecot::oauth2_token_user(key, token)
            }
            None => (authorization == self.authorization).then(|| ONE_TOKEN_USER.to_string()),
        }
    }

    /// `GET /me`: the signed-in user.
    fn me(&self) -> Answer {
        Answer::json(
            200,
            serde_json::json!({
                "displayName": self.signed_in,
                "mail": self.signed_in,
                "userPrincipalName": self.signed_in,
            }),
        )
    }

    /// The first scripted fault for `on`, taken from the script.
    fn take_fault(&mut self, on: &str) -> Option<Fault> {
        let at = self.script.iter().position(|s| s.on == on)?;
        self.script.remove(at).map(|s| s.fault)
    }

    /// The answer a fault other than a drop gives.
    fn faulty(&mut self, fault: Fault, request: &Request, url: &url::Url) -> Answer {
        match fault {
            Fault::Unauthorized => Answer::error(
                401,
                "InvalidAuthenticationToken",
                "Access token has expired.",
            ),
            Fault::Throttled { retry_after } => Answer::json(429, fixture("error-throttled.json"))
                .with_header("Retry-After", retry_after.to_string()),
            Fault::Unavailable { retry_after } => {
                Answer::json(503, fixture("error-service-unavailable.json"))
                    .with_header("Retry-After", retry_after.to_string())
            }
            Fault::ForeignNextLink => {
                self.foreign_next_link = true;
                self.route(request, url)
            }
            Fault::CommitThenDrop | Fault::CommitThenStall { .. } => self.route(request, url),
        }
    }

    /// A request carried out (alone or inside a batch).
    fn route(&mut self, request: &Request, url: &url::Url) -> Answer {
        let path = url.path();
        match request.method.as_str() {
            "GET" if path.ends_with("/instances") => self.instances(url),
            "GET" if path.ends_with("/todo/lists") => self.list_lists(url),
            "GET" if path.ends_with("/photo") => self.photo_info(path),
            "GET" if path.ends_with("/users") => users::answer(&self.directory, url),
            "GET" if path.ends_with("/me") => self.me(),
            "GET" => self.lookup(url),
            "POST" if path.ends_with("/todo/lists") => self.create_list(request),
            "POST" => self.create(path, request),
            "PUT" if path.ends_with("/photo/$value") => self.put_photo(path, request),
            "DELETE" => self.delete(path),
            "PATCH" => self.patch(path, request),
            other => Answer::error(405, "ErrorInvalidRequest", other),
        }
    }
}
