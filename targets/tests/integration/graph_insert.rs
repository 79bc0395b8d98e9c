//! The Graph transport against the test server of
//! [`crate::graph_server`]: the team calendar (flat attendees, a moved
//! occurrence), a series with a removed date and a changed occurrence,
//! and a vCard from the calcard corpus go in exactly once in every
//! scenario, the occurrences deleted and changed —
//! a clean run, `429` and `503` with `Retry-After` (the waits obeyed), a
//! `POST`, `DELETE` or `PATCH` carried out whose answer is lost (the
//! connection dropped) —
//! and a re-run creates nothing. A `401` stops the run, and the token
//! shows in no error, reason or `Debug`. The tasks go to the default To
//! Do list, found by name. Paging, batches, named lists and photos:
//! [`crate::graph_lists`].

use ferry_shared::ParseLimits;
use ferry_shared::convert::exchange::{
    ExchangeItem, ExchangeOptions, Operation, WallClock, convert, expand::occurrences,
};
use ferry_shared::convert::graph::values::source_property_value;
use ferry_shared::convert::graph::{self, GraphAction, GraphTarget};
use ferry_shared::convert::requests::TASK_LIST_PLACEHOLDER;
use ferry_shared::mapping::{AttendeeMode, MappingRules, map_report};
use ferry_targets::Error;
use ferry_targets::ews::{InsertReport, OperationKind, Outcome};
use ferry_targets::graph::{GraphClient, GraphOptions};
use ferry_targets::http::Credentials;
use ferry_targets::http::{HttpClient, HttpOptions, HttpRequest};
use ferry_testkit::graph_server::{Fault, GraphServer, Scripted};
use secrecy::SecretString;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::time::{Duration, Instant};

pub(crate) const TOKEN: &str = "canary-T0ken-graph-7e3f";

fn repository(relative: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative)
}

/// Series' occurrence starts (UTC) by source-key value.
type Series = HashMap<String, Vec<String>>;

/// The Graph actions of a file, mapped with flat attendees, and the
/// occurrence starts of each series it creates.
pub(crate) fn convert_file(
    bytes: &[u8],
    target: &GraphTarget,
    series: &mut Series,
) -> Vec<GraphAction> {
    let limits = ParseLimits::default();
    let report = ferry_shared::inspect(bytes, &limits).unwrap();
    let zones = ferry_shared::ical::vtimezone::defined_zones(bytes, &limits);
    let rules = MappingRules {
        default_zone: Some("Europe/Berlin".into()),
        attendees: AttendeeMode::Flat,
        ..MappingRules::default()
    };
    let options = ExchangeOptions {
        date_zone: Some("Europe/Berlin".into()),
        ..ExchangeOptions::default()
    };
    let mut actions = Vec::new();
    for mapped in map_report(&report, &rules) {
        let exchange = convert(&mapped, &zones, &options);
        for operation in &exchange.operations {
            if let (Operation::Create(ExchangeItem::Event(item)), Some(rule)) =
                (operation, &mapped.item.rule)
                && item.recurrence.is_some()
            {
                let starts = occurrences(rule, item.start.local, None)
                    .take(400)
                    .map(|local| {
                        let zone = item.start.zone.clone();
                        let at = WallClock { local, zone };
                        at.to_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string()
                    })
                    .collect();
                let key = item.source_key.as_deref().unwrap();
                series.insert(source_property_value(key), starts);
            }
        }
        actions.extend(graph::convert(&exchange, target).unwrap().actions);
    }
    actions
}

/// The To Do list is chosen when the run starts (the placeholder of
/// written requests).
pub(crate) fn target() -> GraphTarget {
    GraphTarget {
        task_list_id: Some(TASK_LIST_PLACEHOLDER.into()),
        ..GraphTarget::default()
    }
}

/// The team calendar, a series with a removed date and a changed
/// occurrence, and one vCard (with a UID) of the corpus; the series'
/// occurrences.
pub(crate) fn corpus() -> (Vec<GraphAction>, Series) {
    let (mut actions, mut series) = (Vec::new(), Series::new());
    for file in [
        "static/samples/team-calendar.ics",
        "fixtures/ews/items/series.ics",
        "fixtures/corpora/calcard/vcard/011.vcf",
    ] {
        let bytes = std::fs::read(repository(file)).unwrap();
        actions.extend(convert_file(&bytes, &target(), &mut series));
    }
    (actions, series)
}

pub(crate) fn actions() -> Vec<GraphAction> {
    corpus().0
}

pub(crate) fn server(token: &str, script: Vec<Scripted>) -> GraphServer {
    GraphServer::start(token, corpus().1, script)
}

fn count(actions: &[GraphAction], kind: fn(&GraphAction) -> bool) -> usize {
    actions.iter().filter(|a| kind(a)).count()
}

pub(crate) fn deletes() -> usize {
    count(&actions(), |a| {
        matches!(a, GraphAction::DeleteOccurrence { .. })
    })
}

pub(crate) fn updates() -> usize {
    count(&actions(), |a| {
        matches!(a, GraphAction::UpdateOccurrence { .. })
    })
}

/// The source-key property values the creates carry.
fn created_keys(actions: &[GraphAction]) -> BTreeSet<String> {
    actions
        .iter()
        .filter_map(|action| match action {
            GraphAction::Create {
                source_key: Some(key),
                ..
            } => Some(source_property_value(key)),
            _ => None,
        })
        .collect()
}

pub(crate) fn creates(actions: &[GraphAction]) -> usize {
    count(actions, |a| matches!(a, GraphAction::Create { .. }))
}

/// Short waits, the server's API root.
pub(crate) fn options(server: &GraphServer) -> GraphOptions {
    GraphOptions {
        base_url: server.base_url.clone(),
        target: target(),
        default_busy_wait: Duration::from_millis(50),
        ..GraphOptions::default()
    }
}

fn run(server: &GraphServer, token: &str) -> InsertReport {
    run_with(options(server), token, actions())
}

/// `actions` carried out with `options`.
pub(crate) fn run_with(
    options: GraphOptions,
    token: &str,
    actions: Vec<GraphAction>,
) -> InsertReport {
    let credentials = Credentials::bearer(SecretString::from(token.to_string()));
    let client = GraphClient::new(credentials, options).unwrap();
    crate::runtime().block_on(client.insert(actions))
}

/// Every created key is in the store exactly once, the removed
/// occurrence is gone and the moved ones changed.
pub(crate) fn assert_exactly_once(server: &GraphServer) {
    let counts = server.key_counts();
    let expected = created_keys(&actions());
    assert!(
        expected.len() >= 3,
        "the corpus lost its items: {expected:?}"
    );
    assert_eq!(counts.keys().cloned().collect::<BTreeSet<_>>(), expected);
    assert!(
        counts.values().all(|&n| n == 1),
        "created twice: {counts:?}"
    );
    assert!(server.items().iter().all(|item| item.key.is_some()));
    assert!(
        deletes() >= 1 && updates() >= 2,
        "the corpus lost its EXDATE or overrides"
    );
    assert_eq!(server.deleted().len(), deletes());
    assert_eq!(server.updated().len(), updates());
    assert!(server.updated().values().all(Option::is_some));
}

/// The reasons of the operations that failed.
pub(crate) fn failures(report: &InsertReport) -> Vec<&str> {
    fn reason(item: &ferry_targets::ews::ItemReport) -> Option<&str> {
        match &item.outcome {
            Outcome::Failed { reason } => Some(reason),
            _ => None,
        }
    }
    report.items.iter().filter_map(reason).collect()
}

pub(crate) fn assert_nothing_failed(report: &InsertReport) {
    let failed: Vec<_> = report
        .items
        .iter()
        .filter(|i| matches!(i.outcome, Outcome::Failed { .. }))
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
    assert!(report.stopped.is_none(), "{:?}", report.stopped);
}

/// The requests sent (not those inside a batch).
pub(crate) fn sent(server: &GraphServer) -> Vec<String> {
    let requests = server.requests().into_iter();
    requests.filter(|r| !r.ends_with(" (in $batch)")).collect()
}

/// `POST`s of items (not of batches, not inside one).
pub(crate) fn posts(server: &GraphServer) -> usize {
    sent(server)
        .iter()
        .filter(|r| r.starts_with("POST ") && !r.ends_with("/$batch"))
        .count()
}

/// `POST /$batch`es.
pub(crate) fn batches(server: &GraphServer) -> usize {
    sent(server)
        .iter()
        .filter(|r| r.ends_with("/$batch"))
        .count()
}

/// The default To Do list of `fixtures/graph/todo-lists.json`, as a
/// collection path.
pub(crate) const DEFAULT_TASKS: &str = "/v1.0/me/todo/lists/AAMkADIyAAAAABrJAAA%3D/tasks";

#[test]
fn graph_clean_run_creates_everything_once_and_a_rerun_nothing() {
    let server = server(TOKEN, Vec::new());
    let first = run(&server, TOKEN);
    assert_nothing_failed(&first);
    assert_exactly_once(&server);
    let n = creates(&actions());
    assert_eq!(first.totals.created, n);
    assert!(
        first
            .items
            .iter()
            .filter(|i| i.kind == OperationKind::Create)
            .all(|i| i.item_id.is_some())
    );
    assert_eq!(posts(&server), n);
    // The lookups in one batch (the corpus has fewer than 20 items).
    assert!(n < 20);
    assert_eq!(batches(&server), 1);
    let tasks: Vec<_> = server
        .items()
        .into_iter()
        .filter(|i| i.collection.ends_with("/tasks"))
        .collect();
    assert!(!tasks.is_empty(), "the corpus lost its task");
    assert!(
        tasks.iter().all(|t| t.collection == DEFAULT_TASKS),
        "{tasks:?}"
    );
    // The moved occurrence of the team stand-up: reported, not done.
    assert!(
        first
            .items
            .iter()
            .any(|i| i.kind == OperationKind::UpdateOccurrence)
    );

    let second = run(&server, TOKEN);
    assert_nothing_failed(&second);
    assert_eq!(second.totals.created, 0);
    // Deleted occurrences are gone; changed ones carry their own key.
    assert_eq!(second.totals.already_there, n + deletes() + updates());
    assert_eq!(second.totals.changed, 0);
    assert_eq!(posts(&server), n, "the re-run sent a POST");
    assert_exactly_once(&server);
}

#[test]
fn graph_throttled_run_waits_as_asked() {
    let script = vec![
        Scripted {
            on: "POST",
            fault: Fault::Throttled { retry_after: 1 },
        },
        Scripted {
            on: "GET",
            fault: Fault::Unavailable { retry_after: 1 },
        },
    ];
    let server = server(TOKEN, script);
    let started = Instant::now();
    let report = run(&server, TOKEN);
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_nothing_failed(&report);
    assert_exactly_once(&server);
    assert_eq!(report.totals.created, creates(&actions()));
    // The To Do lists, one batch of lookups, a POST per item, instances
    // and a change per occurrence, and the two refused (the lists'
    // GET and the first POST).
    let sent = 1 + 1 + creates(&actions()) + 2 * (deletes() + updates()) + 2;
    assert_eq!(report.totals.requests_sent, sent);
}

#[test]
fn graph_dropped_after_commit_creates_each_key_exactly_once() {
    let drop = |on| Scripted {
        on,
        fault: Fault::CommitThenDrop,
    };
    let script = vec![drop("POST"), drop("POST"), drop("DELETE"), drop("PATCH")];
    let server = server(TOKEN, script);
    let report = run(&server, TOKEN);
    assert_nothing_failed(&report);
    assert_exactly_once(&server);
    // Two creates, the deletion and the patch found done (the changed
    // occurrence, listed again, carries its own key).
    assert_eq!(report.totals.already_there, 4, "{:#?}", report.items);
    assert_eq!(report.totals.created, creates(&actions()) - 2);
    assert_eq!(report.totals.changed, deletes() + updates() - 2);
    assert_eq!(posts(&server), creates(&actions()));
}

#[test]
fn graph_unauthorized_stops_the_run_and_never_shows_the_token() {
    let server = server("the-server-wants-another-token", Vec::new());
    let report = run(&server, TOKEN);
    assert!(matches!(
        report.stopped,
        Some(Error::AuthFailed { status: 401 })
    ));
    assert_eq!(report.totals.failed, report.items.len());
    assert_eq!(sent(&server).len(), 1, "{:?}", server.requests());
    assert!(server.items().is_empty());
    let shown = format!(
        "{report:?} {} {:?}",
        report
            .stopped
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        Credentials::bearer(SecretString::from(TOKEN.to_string()))
    );
    assert!(!shown.contains(TOKEN), "{shown}");
    assert!(shown.contains("authentication failed"));
}

#[test]
fn graph_token_refused_mid_run_stops_it() {
    let script = vec![Scripted {
        on: "POST",
        fault: Fault::Unauthorized,
    }];
    let server = server(TOKEN, script);
    let report = run(&server, TOKEN);
    assert!(matches!(
        report.stopped,
        Some(Error::AuthFailed { status: 401 })
    ));
    // The To Do lists, the batch of lookups, the POST refused.
    assert_eq!(sent(&server).len(), 3, "{:?}", server.requests());
    assert!(server.items().is_empty());
    assert_eq!(report.totals.failed, report.items.len());
    assert!(!format!("{report:?}").contains(TOKEN));
}

#[test]
fn graph_server_refuses_bodies_that_are_not_ferrys_resources() {
    let server = server(TOKEN, Vec::new());
    let credentials = Credentials::bearer(SecretString::from(TOKEN.to_string()));
    let client = HttpClient::new(HttpOptions::default(), credentials).unwrap();
    for body in [
        r#"{"displayName":"A","nickname":"unknown field"}"#,
        "{not json",
    ] {
        let response = post_json(&client, &server, "/me/contacts", body.as_bytes());
        assert_eq!(response.status.as_u16(), 400, "{body}");
    }
    assert!(server.items().is_empty());
}

/// `body` `POST`ed as JSON to `path` below the server's API root.
pub(crate) fn post_json(
    client: &HttpClient,
    server: &GraphServer,
    path: &str,
    body: &[u8],
) -> ferry_targets::http::HttpResponse {
    let url = url::Url::parse(&format!("{}{path}", server.base_url)).unwrap();
    let mut request = HttpRequest::new(http::Method::POST, url);
    request.headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    request.body = body.to_vec();
    crate::runtime().block_on(client.send(request)).unwrap()
}
