//! The Graph transport against the test server of
//! [`crate::graph_server`]: the team calendar (flat attendees, a moved
//! occurrence), a series with a removed date and a changed occurrence,
//! and a vCard from the calcard corpus go in exactly once in every
//! scenario, the occurrences deleted and changed —
//! a clean run, `429` and `503` with `Retry-After` (the waits obeyed), a
//! `POST`, `DELETE` or `PATCH` carried out whose answer is lost (the
//! connection dropped) —
//! and a re-run creates nothing. A `401` stops the run, and the token
//! shows in no error, reason or `Debug`.

use ferry_shared::ParseLimits;
use ferry_shared::convert::exchange::{
    ExchangeItem, ExchangeOptions, Operation, WallClock, convert, expand::occurrences,
};
use ferry_shared::convert::graph::values::source_property_value;
use ferry_shared::convert::graph::{self, GraphAction, GraphTarget};
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

const TOKEN: &str = "canary-T0ken-graph-7e3f";

fn repository(relative: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative)
}

/// Series' occurrence starts (UTC) by source-key value.
type Series = HashMap<String, Vec<String>>;

/// The Graph actions of a file, mapped with flat attendees, and the
/// occurrence starts of each series it creates.
fn convert_file(bytes: &[u8], target: &GraphTarget, series: &mut Series) -> Vec<GraphAction> {
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

fn target() -> GraphTarget {
    GraphTarget {
        task_list_id: Some("AAMkAGI-tasks=".into()),
        ..GraphTarget::default()
    }
}

/// The team calendar, a series with a removed date and a changed
/// occurrence, and one vCard (with a UID) of the corpus; the series'
/// occurrences.
fn corpus() -> (Vec<GraphAction>, Series) {
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

fn actions() -> Vec<GraphAction> {
    corpus().0
}

fn server(token: &str, script: Vec<Scripted>) -> GraphServer {
    GraphServer::start(token, corpus().1, script)
}

fn count(actions: &[GraphAction], kind: fn(&GraphAction) -> bool) -> usize {
    actions.iter().filter(|a| kind(a)).count()
}

fn deletes() -> usize {
    count(&actions(), |a| {
        matches!(a, GraphAction::DeleteOccurrence { .. })
    })
}

fn updates() -> usize {
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

fn creates(actions: &[GraphAction]) -> usize {
    count(actions, |a| matches!(a, GraphAction::Create { .. }))
}

/// Short waits, the server's API root.
fn options(server: &GraphServer) -> GraphOptions {
    GraphOptions {
        base_url: server.base_url.clone(),
        target: target(),
        default_busy_wait: Duration::from_millis(50),
        ..GraphOptions::default()
    }
}

fn run(server: &GraphServer, token: &str) -> InsertReport {
    let credentials = Credentials::bearer(SecretString::from(token.to_string()));
    let client = GraphClient::new(credentials, options(server)).unwrap();
    crate::runtime().block_on(client.insert(actions()))
}

/// Every created key is in the store exactly once, the removed
/// occurrence is gone and the moved ones changed.
fn assert_exactly_once(server: &GraphServer) {
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

fn assert_nothing_failed(report: &InsertReport) {
    let failed: Vec<_> = report
        .items
        .iter()
        .filter(|i| matches!(i.outcome, Outcome::Failed { .. }))
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
    assert!(report.stopped.is_none(), "{:?}", report.stopped);
}

fn posts(server: &GraphServer) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.starts_with("POST "))
        .count()
}

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
    // A lookup and a POST per item, instances and a change per
    // occurrence, and the two refused.
    let sent = 2 * creates(&actions()) + 2 * (deletes() + updates()) + 2;
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
    assert_eq!(server.requests().len(), 1, "{:?}", server.requests());
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
    assert_eq!(server.requests().len(), 2, "{:?}", server.requests());
    assert!(server.items().is_empty());
    assert_eq!(report.totals.failed, report.items.len());
    assert!(!format!("{report:?}").contains(TOKEN));
}

#[test]
fn graph_server_refuses_bodies_that_are_not_ferrys_resources() {
    let server = server(TOKEN, Vec::new());
    let credentials = Credentials::bearer(SecretString::from(TOKEN.to_string()));
    let client = HttpClient::new(HttpOptions::default(), credentials).unwrap();
    let url = url::Url::parse(&format!("{}/me/contacts", server.base_url)).unwrap();
    for body in [
        r#"{"displayName":"A","nickname":"unknown field"}"#,
        "{not json",
    ] {
        let mut request = HttpRequest::new(http::Method::POST, url.clone());
        request.headers.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        request.body = body.as_bytes().to_vec();
        let response = crate::runtime().block_on(client.send(request)).unwrap();
        assert_eq!(response.status.as_u16(), 400, "{body}");
    }
    assert!(server.items().is_empty());
}
