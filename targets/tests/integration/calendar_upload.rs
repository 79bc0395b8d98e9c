//! The whole iCalendar corpus into new calendars: each resource created
//! or refused with the server's reason, created ones read back equal to
//! what was sent, and a second run creating nothing.
//!
//! The corpus goes into calendars of [`PER_CALENDAR`] resources each:
//! Radicale checks a new item's UID against every item of its collection,
//! so one calendar of thousands makes the test quadratic in time.

use crate::compare::difference;
use crate::corpus::{ics_files, resources_of};
use crate::{base_url, client, credentials, runtime, start};
use ferry_targets::caldav::upload::ResourceReport;
use ferry_targets::caldav::{
    CollectionSpec, Resource, ResourceOutcome, Totals, UploadOptions, UploadReport, upload,
};
use ferry_testkit::radicale::Radicale;
use std::collections::BTreeSet;
use std::time::Instant;
use tokio::runtime::Runtime;

/// Resources per calendar.
const PER_CALENDAR: usize = 60;

/// Every corpus resource, the first of each name kept (names come from
/// UIDs, and the corpus repeats some, e.g. RFC examples).
fn corpus_resources() -> Vec<Resource> {
    let mut seen = BTreeSet::new();
    ics_files()
        .iter()
        .flat_map(|path| resources_of(path))
        .filter(|resource| seen.insert(resource.name.clone()))
        .collect()
}

/// One upload per calendar part; the reports in part order.
fn upload_parts(server: &Radicale, runtime: &Runtime, parts: &[&[Resource]]) -> Vec<UploadReport> {
    parts
        .iter()
        .enumerate()
        .map(|(index, part)| {
            let spec = CollectionSpec::calendar(format!("Corpus part {index:02}"));
            runtime
                .block_on(upload(
                    &base_url(server),
                    credentials(server),
                    &spec,
                    part.to_vec(),
                    &UploadOptions::default(),
                ))
                .unwrap()
        })
        .collect()
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

#[test]
fn corpus_is_uploaded_once_read_back_and_not_written_again() {
    let server = start();
    let runtime = runtime();
    let resources = corpus_resources();
    assert!(
        resources.len() > 300,
        "corpus too small: {}",
        resources.len()
    );
    let parts: Vec<&[Resource]> = resources.chunks(PER_CALENDAR).collect();

    let started = Instant::now();
    let first = upload_parts(&server, &runtime, &parts);
    let totals = sum(&first);
    eprintln!("first run: {totals:?} in {:?}", started.elapsed());
    assert!(first.iter().all(|report| report.collection_created));
    let reports: Vec<&ResourceReport> = first.iter().flat_map(|r| &r.resources).collect();
    assert_eq!(reports.len(), resources.len());
    assert_eq!(totals.failed, 0, "{:#?}", failures(&reports));
    assert_eq!(totals.already_there, 0);
    assert_eq!(totals.created + totals.refused, resources.len());
    assert_eq!(totals.puts_sent, resources.len());
    assert!(totals.created > resources.len() / 2, "{totals:?}");
    for report in &reports {
        if let ResourceOutcome::Refused { status, reason } = &report.outcome {
            eprintln!("refused {}: HTTP {status}: {reason}", report.name);
            assert!((400..600).contains(status));
            assert!(!reason.is_empty());
        }
    }

    // Read back: what the server holds means what was sent.
    let client = client(&server);
    let mut mismatches = Vec::new();
    runtime.block_on(async {
        for (report, part) in first.iter().zip(&parts) {
            for (outcome, sent) in report.resources.iter().zip(part.iter()) {
                assert_eq!(outcome.name, sent.name);
                if outcome.outcome != ResourceOutcome::Created {
                    continue;
                }
                let response = client.get(&report.collection, &sent.name).await.unwrap();
                assert_eq!(response.status, 200, "{}", sent.name);
                let stored = String::from_utf8(response.body).unwrap();
                let original = String::from_utf8_lossy(&sent.body);
                if let Some(difference) = difference(&original, &stored) {
                    mismatches.push(format!("{}: {difference}", sent.name));
                }
            }
        }
    });
    for mismatch in &mismatches {
        eprintln!("read back differently: {mismatch}");
    }
    assert!(
        mismatches.is_empty(),
        "{} read back differently: {mismatches:?}",
        mismatches.len()
    );

    // The same lists again: everything listed as there, no PUT sent for it.
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
}

fn failures(reports: &[&ResourceReport]) -> Vec<String> {
    reports
        .iter()
        .filter(|r| matches!(r.outcome, ResourceOutcome::Failed { .. }))
        .map(|r| format!("{}: {:?}", r.name, r.outcome))
        .collect()
}
