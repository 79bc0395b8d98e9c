//! The EWS transport against the test server of [`crate::ews_server`]: a
//! team calendar (a recurring series with a moved occurrence), a series
//! with a removed date and a changed occurrence (flat attendees), a task
//! and contacts go in exactly once in every scenario — a clean run, busy
//! answers (per item and as a fault), items refused, `503` with
//! `Retry-After`, a CreateItem carried out whose answer is lost (the
//! connection dropped, or the request timed out) — and a re-run creates
//! nothing. A `401` stops the run, and neither the token
//! nor the password shows in any error or `Debug`. Every request sent
//! validates against Microsoft's schemas.

use ferry_shared::ParseLimits;
use ferry_shared::convert::ews::EwsSettings;
use ferry_shared::convert::exchange::{
    ExchangeItem, ExchangeOptions, Operation, WallClock, convert, expand::occurrences,
};
use ferry_shared::mapping::{AttendeeMode, MappingRules, map_report};
use ferry_targets::Error;
use ferry_targets::ews::{EwsClient, EwsOptions, InsertReport, OperationKind, Outcome};
use ferry_targets::http::Credentials;
use ferry_testkit::ews_server::{EwsServer, Fault, REFUSAL_TEXT, Scripted};
use secrecy::SecretString;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::time::{Duration, Instant};

const PASSWORD: &str = "canary-Pa55-ews-91c2";
const TOKEN: &str = "canary-T0ken-ews-4d7b";

/// Contacts with UIDs, one without (created, but never twice).
const CONTACTS: &str = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:contact-a@ferry.test\r\nFN:Ana Lima\r\nN:Lima;Ana;;;\r\nEMAIL:ana@ferry.test\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nUID:contact-b@ferry.test\r\nFN:Ben Okafor & Sons\r\nN:Okafor;Ben;;;\r\nTEL;TYPE=CELL:+49 170 1\r\nEND:VCARD\r\n";

fn repository(relative: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative)
}

/// The operations of a file, mapped with flat attendees, and the
/// occurrence starts (UTC) of each series it creates.
fn convert_file(bytes: &[u8]) -> (Vec<Operation>, HashMap<String, Vec<String>>) {
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
    let (mut operations, mut series) = (Vec::new(), HashMap::new());
    for mapped in map_report(&report, &rules) {
        for operation in convert(&mapped, &zones, &options).operations {
            if let (Operation::Create(ExchangeItem::Event(item)), Some(rule)) =
                (&operation, &mapped.item.rule)
                && item.recurrence.is_some()
            {
                let starts = occurrences(rule, item.start.local, None)
                    .take(400)
                    .map(|local| {
                        let at = WallClock {
                            local,
                            zone: item.start.zone.clone(),
                        };
                        at.to_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string()
                    })
                    .collect();
                series.insert(item.source_key.clone().unwrap(), starts);
            }
            operations.push(operation);
        }
    }
    (operations, series)
}

/// Everything the tests insert, and the series' occurrences.
pub(crate) fn corpus() -> (Vec<Operation>, HashMap<String, Vec<String>>) {
    let mut all = (Vec::new(), HashMap::new());
    for bytes in [
        std::fs::read(repository("static/samples/team-calendar.ics")).unwrap(),
        std::fs::read(repository("fixtures/ews/items/series.ics")).unwrap(),
        CONTACTS.as_bytes().to_vec(),
    ] {
        let (operations, series) = convert_file(&bytes);
        all.0.extend(operations);
        all.1.extend(series);
    }
    all
}

/// The source keys the creates carry.
pub(crate) fn created_keys(operations: &[Operation]) -> BTreeSet<String> {
    operations
        .iter()
        .filter_map(|op| match op {
            Operation::Create(item) => item.source_key().map(str::to_string),
            _ => None,
        })
        .collect()
}

fn basic() -> (Credentials, String) {
    use base64::Engine as _;
    let header = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("alice:{PASSWORD}"))
    );
    (
        Credentials::new("alice", SecretString::from(PASSWORD)),
        header,
    )
}

fn bearer() -> (Credentials, String) {
    (
        Credentials::bearer(SecretString::from(TOKEN)),
        format!("Bearer {TOKEN}"),
    )
}

/// Short waits and small batches, so that batching and retries show.
pub(crate) fn options() -> EwsOptions {
    EwsOptions {
        batch_size: 3,
        default_busy_wait: Duration::from_millis(50),
        ..EwsOptions::default()
    }
}

pub(crate) fn run(
    server: &EwsServer,
    credentials: Credentials,
    options: EwsOptions,
) -> InsertReport {
    let client = EwsClient::new(server.url.clone(), credentials, options).unwrap();
    crate::runtime().block_on(client.insert(corpus().0))
}

/// The store holds every created key exactly once, the removed
/// occurrence is gone and the moved ones changed.
pub(crate) fn assert_exactly_once(server: &EwsServer) {
    let (operations, _) = corpus();
    let counts = server.key_counts();
    let expected = created_keys(&operations);
    assert_eq!(
        counts.keys().cloned().collect::<BTreeSet<_>>(),
        expected,
        "missing or extra items"
    );
    assert!(
        counts.values().all(|&n| n == 1),
        "created twice: {counts:?}"
    );
    let keyless = server.items().iter().filter(|i| i.key.is_none()).count();
    assert!(keyless <= 1, "{keyless} items without key");
    let deletes = operations
        .iter()
        .filter(|op| matches!(op, Operation::DeleteOccurrence { .. }))
        .count();
    let updates = operations
        .iter()
        .filter(|op| matches!(op, Operation::UpdateOccurrence { .. }))
        .count();
    assert_eq!(server.deleted().len(), deletes);
    assert_eq!(server.updated().len(), updates);
    assert!(
        deletes >= 1 && updates >= 2,
        "the corpus lost its EXDATE or overrides"
    );
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

#[test]
fn a_clean_run_creates_everything_once_and_a_rerun_nothing() {
    let (credentials, header) = basic();
    let server = EwsServer::start("clean", &header, corpus().1, Vec::new());
    let started = Instant::now();
    let first = run(&server, credentials.clone(), options());
    assert_nothing_failed(&first);
    assert_exactly_once(&server);
    let creates = created_keys(&corpus().0).len();
    assert_eq!(first.totals.created, creates);
    assert_eq!(
        first.totals.changed,
        server.deleted().len() + server.updated().len()
    );
    assert_eq!(first.totals.already_there, 0);
    assert!(first.items.iter().all(|i| match i.kind {
        OperationKind::Create => i.item_id.is_some(),
        _ => i.original_start.is_some(),
    }));

    let stored = server.items().len();
    let second = run(&server, credentials, options());
    assert_nothing_failed(&second);
    assert_eq!(second.totals.created, 0);
    assert_eq!(second.totals.changed, 0);
    assert_eq!(second.totals.already_there, second.items.len());
    assert_eq!(server.items().len(), stored, "the re-run created something");
    assert!(
        !server
            .operations()
            .iter()
            .skip(first.totals.requests_sent)
            .any(|op| op != "FindItem"),
        "the re-run wrote: {:?}",
        server.operations()
    );
    assert!(server.assert_requests_valid() >= first.totals.requests_sent);
    println!("clean run and re-run: {:?}", started.elapsed());
}

#[test]
fn busy_answers_are_waited_for_and_only_the_busy_items_sent_again() {
    let (credentials, header) = bearer();
    let script = vec![
        Scripted {
            on: "CreateItem",
            fault: Fault::BusyItems {
                positions: vec![0, 2],
                back_off_ms: 300,
            },
        },
        Scripted {
            on: "FindItem",
            fault: Fault::ServerBusy { back_off_ms: 200 },
        },
        Scripted {
            on: "DeleteItem",
            fault: Fault::ServerBusy { back_off_ms: 100 },
        },
    ];
    let server = EwsServer::start("busy", &header, corpus().1, script);
    let started = Instant::now();
    let options = EwsOptions {
        anchor_mailbox: Some("zyg@sumatra.local".into()),
        settings: EwsSettings {
            impersonate: Some("zyg@sumatra.local".into()),
            ..EwsSettings::default()
        },
        ..options()
    };
    let report = run(&server, credentials, options);
    assert!(
        started.elapsed() >= Duration::from_millis(600),
        "the back-offs were not obeyed: {:?}",
        started.elapsed()
    );
    assert_nothing_failed(&report);
    assert_exactly_once(&server);
    assert!(
        server
            .anchors()
            .iter()
            .all(|a| a.as_deref() == Some("zyg@sumatra.local"))
    );
    // The busy create is followed, after its wait, by a CreateItem of
    // just the two busy items (no lookup: they were refused, not lost).
    let operations = server.operations();
    let first_create = operations.iter().position(|op| op == "CreateItem").unwrap();
    assert_eq!(operations[first_create + 1], "CreateItem");
    server.assert_requests_valid();
}

#[test]
fn refused_items_fail_with_the_servers_message_and_a_rerun_adds_them() {
    let (credentials, header) = basic();
    let script = vec![Scripted {
        on: "CreateItem",
        fault: Fault::RefuseItems { positions: vec![1] },
    }];
    let server = EwsServer::start("refused", &header, corpus().1, script);
    let report = run(&server, credentials.clone(), options());
    let failed: Vec<_> = report
        .items
        .iter()
        .filter_map(|i| match &i.outcome {
            Outcome::Failed { reason } => Some(reason.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        failed,
        [format!("ErrorInvalidPropertyValue: {REFUSAL_TEXT}")],
        "{report:#?}"
    );
    assert_eq!(report.totals.failed, 1);
    let again = run(&server, credentials, options());
    assert_nothing_failed(&again);
    assert_eq!(again.totals.created, 1);
    assert_exactly_once(&server);
    server.assert_requests_valid();
}

#[test]
fn unavailable_is_waited_for_as_retry_after_says() {
    let (credentials, header) = basic();
    let script = vec![Scripted {
        on: "CreateItem",
        fault: Fault::Unavailable { retry_after: 1 },
    }];
    let server = EwsServer::start("unavailable", &header, corpus().1, script);
    let started = Instant::now();
    let report = run(&server, credentials, options());
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_nothing_failed(&report);
    assert_exactly_once(&server);
    server.assert_requests_valid();
}

#[test]
fn a_create_whose_answer_is_lost_is_looked_up_not_sent_twice() {
    let (credentials, header) = basic();
    let script = vec![
        Scripted {
            on: "CreateItem",
            fault: Fault::CommitThenDrop,
        },
        Scripted {
            on: "CreateItem",
            fault: Fault::CommitThenDrop,
        },
    ];
    let server = EwsServer::start("dropped", &header, corpus().1, script);
    let report = run(&server, credentials, options());
    assert_nothing_failed(&report);
    assert_exactly_once(&server);
    // The items of the two dropped batches were looked up and found,
    // not created again.
    let creates = created_keys(&corpus().0).len();
    assert!(report.totals.already_there >= 2, "{report:#?}");
    assert_eq!(report.totals.created + report.totals.already_there, creates);
    let operations = server.operations();
    let dropped = operations.iter().position(|op| op == "CreateItem").unwrap();
    assert_eq!(operations[dropped + 1], "FindItem");
    server.assert_requests_valid();
}

#[test]
fn a_create_that_times_out_is_looked_up_not_sent_twice() {
    let (credentials, header) = bearer();
    let script = vec![Scripted {
        on: "CreateItem",
        fault: Fault::CommitThenStall { ms: 1500 },
    }];
    let server = EwsServer::start("stalled", &header, corpus().1, script);
    let mut options = options();
    options.http.request_timeout = Duration::from_millis(500);
    let report = run(&server, credentials, options);
    assert_nothing_failed(&report);
    assert_exactly_once(&server);
    assert!(report.totals.already_there >= 1, "{report:#?}");
    server.assert_requests_valid();
}

#[test]
fn an_item_without_uid_is_found_by_its_content_after_a_lost_create() {
    let (credentials, header) = basic();
    let contact = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:No Uid\r\nN:Uid;No;;;\r\nEND:VCARD\r\n";
    let (operations, _) = convert_file(contact.as_bytes());
    let script = vec![Scripted {
        on: "CreateItem",
        fault: Fault::CommitThenDrop,
    }];
    let server = EwsServer::start("keyless", &header, HashMap::new(), script);
    let client = EwsClient::new(server.url.clone(), credentials, options()).unwrap();
    let report = crate::runtime().block_on(client.insert(operations.clone()));
    assert_eq!(server.items().len(), 1);
    assert_eq!(
        report.items[0].outcome,
        Outcome::AlreadyThere,
        "{report:#?}"
    );
    assert_eq!(server.operations(), ["FindItem", "CreateItem", "FindItem"]);
    // A re-run finds it too.
    let again = crate::runtime().block_on(client.insert(operations));
    assert_eq!(again.items[0].outcome, Outcome::AlreadyThere);
    assert_eq!(server.items().len(), 1);
    assert_eq!(server.assert_requests_valid(), 4);
}

#[test]
fn unauthorized_stops_the_run_and_no_secret_shows() {
    for (credentials, _) in [basic(), bearer()] {
        let server = EwsServer::start("unauthorized", "Basic other", HashMap::new(), Vec::new());
        let report = run(&server, credentials.clone(), options());
        assert!(
            matches!(report.stopped, Some(Error::AuthFailed { status: 401 })),
            "{:?}",
            report.stopped
        );
        assert_eq!(report.totals.failed, report.items.len());
        assert_eq!(report.totals.requests_sent, 1);
        assert!(server.items().is_empty());
        let shown = format!(
            "{report:?} {:?} {credentials:?} {:?}",
            report.stopped.as_ref().map(ToString::to_string),
            options()
        );
        assert!(
            !shown.contains(PASSWORD) && !shown.contains(TOKEN),
            "{shown}"
        );
    }
    // A 401 scripted in the middle of a run stops it there.
    let (credentials, header) = bearer();
    let script = vec![Scripted {
        on: "CreateItem",
        fault: Fault::Unauthorized,
    }];
    let server = EwsServer::start("unauthorized-later", &header, corpus().1, script);
    let report = run(&server, credentials, options());
    assert!(matches!(report.stopped, Some(Error::AuthFailed { .. })));
    assert_eq!(
        server.operations().last().map(String::as_str),
        Some("CreateItem")
    );
    assert!(!format!("{report:?}").contains(TOKEN));
}

#[test]
fn one_lookup_per_batch_instead_of_one_per_item() {
    let (credentials, header) = basic();
    let creates: Vec<Operation> = corpus()
        .0
        .into_iter()
        .filter(|op| matches!(op, Operation::Create(_)))
        .collect();
    let keyed = created_keys(&creates).len();
    let mut per_folder: HashMap<&'static str, usize> = HashMap::new();
    for op in &creates {
        if let Operation::Create(item) = op {
            let folder = match item {
                ExchangeItem::Event(_) => "calendar",
                ExchangeItem::Task(_) => "tasks",
                ExchangeItem::Contact(_) => "contacts",
            };
            *per_folder.entry(folder).or_default() += 1;
        }
    }
    let batch_size = options().batch_size;
    let batches: usize = per_folder.values().map(|n| n.div_ceil(batch_size)).sum();
    let server = EwsServer::start("lookups", &header, HashMap::new(), Vec::new());
    let client = EwsClient::new(server.url.clone(), credentials, options()).unwrap();
    let first = crate::runtime().block_on(client.insert(creates.clone()));
    assert_nothing_failed(&first);
    assert_eq!(server.count("FindItem"), batches);
    assert_eq!(server.count("CreateItem"), batches);
    // The re-run finds every item with one lookup per batch.
    let second = crate::runtime().block_on(client.insert(creates));
    assert_eq!(second.totals.already_there, keyed);
    assert_eq!(server.count("FindItem"), 2 * batches);
    assert_eq!(server.count("CreateItem"), batches);
    println!(
        "lookups for {keyed} keyed items in {batches} batches: {batches} (one per item: {keyed})"
    );
    assert!(batches < keyed, "the corpus is too small to show batching");
    server.assert_requests_valid();
}

#[test]
fn a_lookup_answered_in_small_pages_still_finds_everything() {
    let (credentials, header) = basic();
    let server = EwsServer::start("paged", &header, corpus().1, Vec::new());
    let paged = EwsOptions {
        lookup_page_size: 1,
        ..options()
    };
    let first = run(&server, credentials.clone(), paged.clone());
    assert_nothing_failed(&first);
    let finds = server.count("FindItem");
    let second = run(&server, credentials, paged);
    assert_nothing_failed(&second);
    assert_eq!(second.totals.created, 0);
    assert_eq!(second.totals.already_there, second.items.len());
    assert_exactly_once(&server);
    // Every found item took a page of its own.
    assert!(
        server.count("FindItem") - finds > finds,
        "{:?}",
        server.operations()
    );
    server.assert_requests_valid();
}
