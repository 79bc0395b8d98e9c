//! The iCalendar corpus, written by Ferry's own writer, into new
//! calendars: each resource created (or refused with the server's
//! reason), every created one read back by Ferry's reader equal, field by
//! field, to the items it was written from (see [`crate::compare`]), and
//! a second run creating nothing (it tries again only what was refused).
//!
//! Speed: the server gets one resource of each shape, and those the
//! writer repairs for strict servers ([`REPAIRED`]) (see
//! [`corpus_resources`]): about 330 rather than all 4,400 (all took some
//! 240 s, as Radicale takes about 20 `PUT`s a second here); every one of
//! the 4,400 is still read back by Ferry's reader without the server.
//! Radicale checks a new item's UID against every item of its
//! collection, so they go into calendars of [`PER_CALENDAR`] resources
//! each, [`CALENDARS_AT_ONCE`] of them uploaded side by side, and the
//! read-back `GET`s run [`GETS_AT_ONCE`] at a time.

use crate::compare::unexplained;
use crate::corpus::{SentItem, WrittenResource, ics_files, shape, written_resources};
use crate::{base_url, client, credentials, runtime, start};
use ferry_shared::convert::caldav::orphan::OWN_EVENT;
use ferry_shared::{Item, ParseLimits, inspect};
use ferry_targets::caldav::upload::ResourceReport;
use ferry_targets::caldav::{
    CollectionSpec, DavClient, Resource, ResourceOutcome, Totals, UploadOptions, UploadReport,
    upload,
};
use ferry_testkit::radicale::Radicale;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Instant;
use tokio::runtime::Runtime;
use tokio::task::JoinSet;
use url::Url;

/// The resources Radicale 3 refuses, by source (`file:line` of the
/// first item), with words of the reason in its log: none. What it
/// refused before, the writer now repairs, naming each repair (see
/// `ferry_shared::convert::caldav`):
/// * a series mixing dates and date-times, or floating and zoned times
///   (DTSTART, DTEND, RECURRENCE-ID, EXDATE, RDATE: "unsupported operand
///   type(s) for -", "can't compare offset-naive and offset-aware
///   datetimes"): written in the kind of the start;
/// * a VTIMEZONE copied from the source that Radicale's library cannot
///   read ("Unsupported DTSTART param in VTIMEZONE"): replaced from the
///   time-zone database (or the file's own rules);
/// * EXDATEs or RDATEs in a zone neither defined nor an IANA name
///   ("VTIMEZONE components must contain a valid TZID"): a definition
///   from the time-zone database, or UTC when it does not know the name;
/// * changed occurrences whose series is not in the file ("Main
///   component missing", and "Overwritten recurrence with RRULESET" for
///   one with RDATEs): each an item of its own.
///
/// A refusal that comes back is listed here with its reason and why the
/// writer cannot repair it.
const KNOWN_REFUSALS: &[(&str, &str)] = &[];

/// The resources Radicale refused before the writer repaired them (see
/// [`KNOWN_REFUSALS`]): always sent, and each must be created.
const REPAIRED: &[&str] = &[
    "014.ics:7",
    "019.ics:21",
    "043.ics:2",
    "054.ics:1",
    "087.ics:5",
    "088.ics:20",
    "162.ics:191",
    "188.ics:22",
    "216.ics:14",
    "244.ics:20",
    "253.ics:27",
];

/// Resources per calendar.
const PER_CALENDAR: usize = 10;
/// Calendars uploaded at the same time.
const CALENDARS_AT_ONCE: usize = 8;
/// Read-back requests in flight.
const GETS_AT_ONCE: usize = 8;

/// The resources Ferry writes for the corpus that go to the server: the
/// first of each [`shape`] and the first of each file (the corpus holds
/// about 4,400 resources of some 310 shapes: large files repeat one
/// shape hundreds of times, with other texts and numbers). A name is
/// sent once (names come from UIDs, and the corpus repeats some, e.g.
/// RFC examples). Returns them and the number written in all.
fn corpus_resources() -> (Vec<WrittenResource>, usize) {
    let mut names = BTreeSet::new();
    let mut shapes = BTreeSet::new();
    let mut written_in_all = 0;
    let mut chosen = Vec::new();
    for path in ics_files() {
        let mut first_of_file = true;
        for written in written_resources(&path) {
            written_in_all += 1;
            let text = String::from_utf8_lossy(&written.resource.body).into_owned();
            let new_shape = shapes.insert(shape(&text));
            let repaired = REPAIRED.contains(&written.source.as_str());
            if (new_shape || first_of_file || repaired)
                && names.insert(written.resource.name.clone())
            {
                first_of_file = false;
                chosen.push(written);
            }
        }
    }
    (chosen, written_in_all)
}

/// One upload per calendar part, [`CALENDARS_AT_ONCE`] at a time; the
/// reports in part order.
fn upload_parts(
    server: &Radicale,
    runtime: &Runtime,
    parts: &[Vec<Resource>],
) -> Vec<UploadReport> {
    runtime.block_on(async {
        let mut reports: Vec<Option<UploadReport>> = vec![None; parts.len()];
        let mut tasks = JoinSet::new();
        for (index, part) in parts.iter().enumerate() {
            while tasks.len() >= CALENDARS_AT_ONCE {
                let (done, report) = tasks.join_next().await.unwrap().unwrap();
                reports[done] = Some(report);
            }
            let (base, credentials) = (base_url(server), credentials(server));
            let part = part.clone();
            tasks.spawn(async move {
                let spec = CollectionSpec::calendar(format!("Corpus part {index:02}"));
                let report = upload(&base, credentials, &spec, part, &UploadOptions::default())
                    .await
                    .unwrap();
                (index, report)
            });
        }
        while let Some(joined) = tasks.join_next().await {
            let (done, report) = joined.unwrap();
            reports[done] = Some(report);
        }
        reports.into_iter().map(Option::unwrap).collect()
    })
}

fn sum(reports: &[UploadReport]) -> Totals {
    reports.iter().fold(Totals::default(), |mut all, report| {
        let t = report.totals;
        all.created += t.created;
        all.already_there += t.already_there;
        all.refused += t.refused;
        all.failed += t.failed;
        all.puts_sent += t.puts_sent;
        all
    })
}

/// `GET` of every created resource: `(collection, resource)` pairs in,
/// bodies out in the same order.
fn read_back(client: DavClient, runtime: &Runtime, wanted: Vec<(Url, String)>) -> Vec<String> {
    let client = Arc::new(client);
    runtime.block_on(async {
        let mut bodies: Vec<Option<String>> = vec![None; wanted.len()];
        let mut tasks = JoinSet::new();
        for (index, (collection, name)) in wanted.into_iter().enumerate() {
            while tasks.len() >= GETS_AT_ONCE {
                let (done, body) = tasks.join_next().await.unwrap().unwrap();
                bodies[done] = Some(body);
            }
            let client = client.clone();
            tasks.spawn(async move {
                let response = client.get(&collection, &name).await.unwrap();
                assert_eq!(response.status, 200, "{name}");
                (index, String::from_utf8(response.body).unwrap())
            });
        }
        while let Some(joined) = tasks.join_next().await {
            let (done, body) = joined.unwrap();
            bodies[done] = Some(body);
        }
        bodies.into_iter().map(Option::unwrap).collect()
    })
}

/// What differs between the items a resource was written from and what
/// the server returned, unexplained by a named loss (empty: nothing).
fn mismatches(written: &WrittenResource, stored: &str) -> Vec<String> {
    let report = match inspect(stored.as_bytes(), &ParseLimits::default()) {
        Ok(report) => report,
        Err(err) => return vec![format!("{}: not readable: {err}", written.source)],
    };
    let mut problems = Vec::new();
    if report.items.len() != written.items.len() {
        problems.push(format!(
            "{}: {} items sent, {} stored",
            written.source,
            written.items.len(),
            report.items.len()
        ));
    }
    for sent in &written.items {
        let back = report
            .items
            .iter()
            .find(|item| item.kind == sent.item.kind && same_occurrence(sent, item));
        match back {
            None => problems.push(format!(
                "{} line {}: not stored",
                written.source, sent.item.line
            )),
            Some(back) => {
                for difference in unexplained(&sent.item, back, &sent.losses) {
                    problems.push(format!(
                        "{} line {}: {} sent {} stored {}",
                        written.source,
                        sent.item.line,
                        difference.field,
                        difference.sent,
                        difference.stored
                    ));
                }
            }
        }
    }
    problems
}

/// Whether `stored` is the occurrence `sent` changes (or both are
/// series). Two named repairs change it: a changed occurrence without its
/// series is written as an item of its own, without RECURRENCE-ID; one
/// of another kind than its series' start is written in the start's
/// kind, on the same date.
fn same_occurrence(sent: &SentItem, stored: &Item) -> bool {
    let repaired = |words: &str| sent.losses.iter().any(|loss| loss.contains(words));
    match (&sent.item.recurrence_id, &stored.recurrence_id) {
        (Some(_), None) => repaired(OWN_EVENT),
        (Some(sent), Some(stored)) if repaired("Occurrence (RECURRENCE-ID):") => {
            sent.local.get(..10) == stored.local.get(..10)
        }
        (sent, stored) => sent == stored,
    }
}

#[test]
fn corpus_is_written_uploaded_once_read_back_equal_and_not_written_again() {
    let all_started = Instant::now();
    let server = start();
    let runtime = runtime();
    let (written, written_in_all) = corpus_resources();
    assert!(written.len() > 300, "corpus too small: {}", written.len());
    eprintln!(
        "{} of the {written_in_all} resources written for the corpus are sent",
        written.len()
    );
    let parts: Vec<Vec<Resource>> = written
        .chunks(PER_CALENDAR)
        .map(|chunk| chunk.iter().map(|w| w.resource.clone()).collect())
        .collect();
    let written_parts: Vec<&[WrittenResource]> = written.chunks(PER_CALENDAR).collect();

    let started = Instant::now();
    let first = upload_parts(&server, &runtime, &parts);
    let totals = sum(&first);
    eprintln!(
        "first run: {} resources in {} calendars: {totals:?} in {:?}",
        written.len(),
        parts.len(),
        started.elapsed()
    );
    assert!(first.iter().all(|report| report.collection_created));
    let reports: Vec<&ResourceReport> = first.iter().flat_map(|r| &r.resources).collect();
    assert_eq!(reports.len(), written.len());
    assert_eq!(totals.failed, 0, "{:#?}", failures(&reports));
    assert_eq!(totals.already_there, 0);
    assert_eq!(totals.created + totals.refused, written.len());
    assert_eq!(totals.puts_sent, written.len());
    // Radicale's 400 says only "Bad Request"; its log says why. Every
    // refusal must be one of the documented ones, for its reason.
    let log = server.log();
    let mut refused = Vec::new();
    for (report, written) in reports.iter().zip(written.iter()) {
        if let ResourceOutcome::Refused { status, reason } = &report.outcome {
            let why = log
                .lines()
                .find(|line| {
                    line.contains("Bad PUT request") && line.contains(&format!("/{}'", report.name))
                })
                .unwrap_or_default();
            eprintln!(
                "refused {} ({}): HTTP {status}: {reason}: {why}",
                report.name, written.source
            );
            assert!((400..600).contains(status));
            assert!(!reason.is_empty());
            let documented = KNOWN_REFUSALS
                .iter()
                .any(|(source, words)| *source == written.source && why.contains(words));
            assert!(
                documented,
                "undocumented refusal of {}: {why}",
                written.source
            );
            refused.push(written.source.as_str());
        }
    }
    let unseen: Vec<_> = KNOWN_REFUSALS
        .iter()
        .filter(|(source, _)| !refused.contains(source))
        .collect();
    assert!(
        unseen.is_empty(),
        "documented refusals that no longer happen: {unseen:?}"
    );
    for source in REPAIRED {
        let created = reports.iter().zip(written.iter()).any(|(report, written)| {
            written.source == *source && report.outcome == ResourceOutcome::Created
        });
        assert!(created, "the repaired {source} is not created");
    }

    // Read back: the server holds the items sent, field by field.
    let started = Instant::now();
    let mut sent = Vec::new();
    let mut wanted = Vec::new();
    for (report, part) in first.iter().zip(&written_parts) {
        for (outcome, written) in report.resources.iter().zip(part.iter()) {
            assert_eq!(outcome.name, written.resource.name);
            if outcome.outcome != ResourceOutcome::Created {
                continue;
            }
            sent.push(written);
            wanted.push((report.collection.clone(), written.resource.name.clone()));
        }
    }
    let bodies = read_back(client(&server), &runtime, wanted);
    let problems: Vec<String> = sent
        .iter()
        .zip(&bodies)
        .flat_map(|(written, stored)| mismatches(written, stored))
        .collect();
    let items: usize = sent.iter().map(|w| w.items.len()).sum();
    eprintln!(
        "read back {} resources ({items} items) in {:?}",
        bodies.len(),
        started.elapsed()
    );
    for problem in &problems {
        eprintln!("read back differently: {problem}");
    }
    assert!(
        problems.is_empty(),
        "{} differences: {problems:#?}",
        problems.len()
    );

    // The same lists again: everything listed as there, no PUT sent.
    let started = Instant::now();
    let second = upload_parts(&server, &runtime, &parts);
    let again = sum(&second);
    eprintln!("second run: {again:?} in {:?}", started.elapsed());
    assert!(second.iter().all(|report| !report.collection_created));
    for (first, second) in first.iter().zip(&second) {
        assert_eq!(first.collection, second.collection);
    }
    assert_eq!(again.created, 0);
    assert_eq!(again.already_there, totals.created);
    assert_eq!(again.refused, totals.refused);
    assert_eq!(
        again.puts_sent, totals.refused,
        "only refused ones are tried again"
    );
    eprintln!("whole test: {:?}", all_started.elapsed());
}

/// Two Lotus Notes files use the zone name “Western/Central Europe”: 088
/// defines it, 103 and 104 do not. Radicale resolves a name a resource
/// does not define from a table shared by its whole process, so 103 was
/// read as UTC or as 088's zone depending on which upload came first, and
/// once refused ("can't subtract offset-naive and offset-aware
/// datetimes"). Each resource now defines every zone it uses that is not
/// an IANA name: created whatever the order, and read back as sent.
#[test]
fn a_zone_name_files_share_is_created_whatever_was_uploaded_first() {
    let runtime = runtime();
    let files = ["088.ics", "103.ics", "104.ics"];
    let corpus =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/corpora/calcard/ical");
    for order in [[0, 1, 2], [1, 2, 0], [2, 0, 1]] {
        let server = start();
        let mut sent = Vec::new();
        for index in order {
            let written = written_resources(&corpus.join(files[index]));
            assert!(!written.is_empty(), "{}", files[index]);
            for resource in &written {
                let text = String::from_utf8_lossy(&resource.resource.body);
                assert!(
                    text.contains("TZID:Western/Central Europe\r\n"),
                    "{} leaves the zone undefined:\n{text}",
                    resource.source
                );
            }
            let resources = written.iter().map(|w| w.resource.clone()).collect();
            let report = runtime.block_on(async {
                let spec = CollectionSpec::calendar("Lotus Notes".to_string());
                upload(
                    &base_url(&server),
                    credentials(&server),
                    &spec,
                    resources,
                    &UploadOptions::default(),
                )
                .await
                .unwrap()
            });
            for outcome in &report.resources {
                assert_eq!(
                    outcome.outcome,
                    ResourceOutcome::Created,
                    "{} in the order {order:?}: {}",
                    outcome.name,
                    server.log()
                );
                sent.push((report.collection.clone(), outcome.name.clone()));
            }
            let wanted = written
                .iter()
                .map(|w| (report.collection.clone(), w.resource.name.clone()))
                .collect();
            let stored = read_back(client(&server), &runtime, wanted);
            for (written, stored) in written.iter().zip(&stored) {
                assert_eq!(mismatches(written, stored), Vec::<String>::new());
            }
        }
        assert_eq!(
            sent.len(),
            4,
            "088 holds one resource, 103 two, 104 one: {sent:?}"
        );
    }
}

/// The resources the server does not see are checked without it: every
/// resource Ferry writes for the corpus, read by Ferry's reader, holds
/// the items it was written from.
#[test]
fn every_corpus_resource_reads_back_as_its_items_without_the_server() {
    let mut resources = 0;
    let mut problems = Vec::new();
    for path in ics_files() {
        for written in written_resources(&path) {
            resources += 1;
            let text = String::from_utf8_lossy(&written.resource.body).into_owned();
            problems.extend(mismatches(&written, &text));
        }
    }
    assert!(resources > 4000, "{resources} resources");
    assert!(
        problems.is_empty(),
        "{} differences: {problems:#?}",
        problems.len()
    );
}

fn failures(reports: &[&ResourceReport]) -> Vec<String> {
    reports
        .iter()
        .filter(|r| matches!(r.outcome, ResourceOutcome::Failed { .. }))
        .map(|r| format!("{}: {:?}", r.name, r.outcome))
        .collect()
}
