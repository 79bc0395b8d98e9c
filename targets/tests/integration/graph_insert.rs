//! The Graph transport against the test server of
//! [`crate::graph_server`]: the team calendar (flat attendees) and a
//! vCard from the calcard corpus go in exactly once in every scenario —
//! a clean run, `429` and `503` with `Retry-After` (the waits obeyed), a
//! `POST` carried out whose answer is lost (the connection dropped) —
//! and a re-run creates nothing. A `401` stops the run, and the token
//! shows in no error, reason or `Debug`.

use crate::graph_server::{Fault, GraphServer, Scripted};
use ferry_shared::ParseLimits;
use ferry_shared::convert::exchange::{ExchangeOptions, convert};
use ferry_shared::convert::graph::values::source_property_value;
use ferry_shared::convert::graph::{self, GraphAction, GraphTarget};
use ferry_shared::mapping::{AttendeeMode, MappingRules, map_report};
use ferry_targets::Error;
use ferry_targets::ews::{InsertReport, OperationKind, Outcome};
use ferry_targets::graph::insert::OCCURRENCES_NOT_SUPPORTED;
use ferry_targets::graph::{GraphClient, GraphOptions};
use ferry_targets::http::Credentials;
use ferry_targets::http::{HttpClient, HttpOptions, HttpRequest};
use secrecy::SecretString;
use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

const TOKEN: &str = "canary-T0ken-graph-7e3f";

fn repository(relative: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative)
}

/// The Graph actions of a file, mapped with flat attendees.
fn convert_file(bytes: &[u8], target: &GraphTarget) -> Vec<GraphAction> {
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

/// The team calendar and one vCard (with a UID) of the corpus.
fn actions() -> Vec<GraphAction> {
    let mut all = Vec::new();
    for file in [
        "static/samples/team-calendar.ics",
        "fixtures/corpora/calcard/vcard/011.vcf",
    ] {
        all.extend(convert_file(
            &std::fs::read(repository(file)).unwrap(),
            &target(),
        ));
    }
    all
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
    actions
        .iter()
        .filter(|a| matches!(a, GraphAction::Create { .. }))
        .count()
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

/// Every created key is in the store exactly once.
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
}

/// No create failed; occurrence actions fail as not supported yet.
fn assert_nothing_failed(report: &InsertReport) {
    for item in report
        .items
        .iter()
        .filter(|i| i.kind != OperationKind::Create)
    {
        let reason = OCCURRENCES_NOT_SUPPORTED.to_string();
        assert_eq!(item.outcome, Outcome::Failed { reason });
    }
    let failed: Vec<_> = report
        .items
        .iter()
        .filter(|i| i.kind == OperationKind::Create && matches!(i.outcome, Outcome::Failed { .. }))
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
    let server = GraphServer::start(TOKEN, Vec::new());
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
    assert_eq!(second.totals.already_there, n);
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
    let server = GraphServer::start(TOKEN, script);
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
    assert_eq!(report.totals.requests_sent, 2 * creates(&actions()) + 2);
}

#[test]
fn graph_dropped_after_commit_creates_each_key_exactly_once() {
    let script = (0..2)
        .map(|_| Scripted {
            on: "POST",
            fault: Fault::CommitThenDrop,
        })
        .collect();
    let server = GraphServer::start(TOKEN, script);
    let report = run(&server, TOKEN);
    assert_nothing_failed(&report);
    assert_exactly_once(&server);
    assert_eq!(report.totals.already_there, 2, "{:#?}", report.items);
    assert_eq!(report.totals.created, creates(&actions()) - 2);
    assert_eq!(posts(&server), creates(&actions()));
}

#[test]
fn graph_unauthorized_stops_the_run_and_never_shows_the_token() {
    let server = GraphServer::start("the-server-wants-another-token", Vec::new());
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
    let server = GraphServer::start(TOKEN, script);
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
    let server = GraphServer::start(TOKEN, Vec::new());
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
