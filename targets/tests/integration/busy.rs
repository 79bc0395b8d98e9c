//! Answers Radicale never gives, from a scripted server: a busy server
//! is waited for as its `Retry-After` says, then the `PUT` is tried
//! again; one that stays busy fails the resource after the set tries; a
//! redirect to another server is not followed.

use crate::scripted::{Canned, Scripted};
use ferry_targets::Error;
use ferry_targets::caldav::{
    CollectionSpec, ContentType, Resource, ResourceOutcome, UploadOptions, upload,
};
use ferry_targets::http::Credentials;
use secrecy::SecretString;
use std::time::{Duration, Instant};

/// Discovery (home set named at the well-known URL), the home listing
/// with calendar `Cal`, and its empty member listing.
fn up_to_the_first_put() -> Vec<Canned> {
    let multistatus = |inner: &str| {
        format!(
            r#"<d:multistatus xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">{inner}</d:multistatus>"#
        )
    };
    vec![
        Canned::new(
            "207 Multi-Status",
            &multistatus(
                "<d:response><d:href>/</d:href><d:propstat><d:prop><c:calendar-home-set><d:href>/home/</d:href></c:calendar-home-set></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>",
            ),
        ),
        Canned::new(
            "207 Multi-Status",
            &multistatus(
                "<d:response><d:href>/home/cal/</d:href><d:propstat><d:prop><d:resourcetype><d:collection/><c:calendar/></d:resourcetype><d:displayname>Cal</d:displayname></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>",
            ),
        ),
        Canned::new(
            "207 Multi-Status",
            &multistatus(
                "<d:response><d:href>/home/cal/</d:href><d:propstat><d:prop><d:resourcetype><d:collection/></d:resourcetype></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>",
            ),
        ),
    ]
}

fn one_event() -> Vec<Resource> {
    vec![Resource {
        name: "a.ics".into(),
        body: b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".to_vec(),
        content_type: ContentType::Calendar,
    }]
}

fn credentials() -> Credentials {
    Credentials::new("alice", SecretString::from("secret"))
}

fn run(
    server: &Scripted,
    options: &UploadOptions,
) -> ferry_targets::Result<ferry_targets::caldav::UploadReport> {
    crate::runtime().block_on(upload(
        &server.base,
        credentials(),
        &CollectionSpec::calendar("Cal"),
        one_event(),
        options,
    ))
}

#[test]
fn busy_server_is_waited_for_then_the_put_is_repeated() {
    let mut script = up_to_the_first_put();
    script.push(Canned::new("503 Service Unavailable", "").header("Retry-After", "1"));
    script.push(Canned::new("201 Created", ""));
    let server = Scripted::start(script);
    let started = Instant::now();
    let report = run(&server, &UploadOptions::default()).unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After was not honoured"
    );
    assert_eq!(report.resources[0].outcome, ResourceOutcome::Created);
    assert_eq!(report.totals.puts_sent, 2);
    assert_eq!(
        server.requests(),
        [
            "PROPFIND /.well-known/caldav",
            "PROPFIND /home/",
            "PROPFIND /home/cal/",
            "PUT /home/cal/a.ics",
            "PUT /home/cal/a.ics"
        ]
    );
}

#[test]
fn a_server_busy_beyond_the_tries_fails_the_resource() {
    let mut script = up_to_the_first_put();
    for _ in 0..2 {
        script.push(Canned::new("429 Too Many Requests", ""));
    }
    let server = Scripted::start(script);
    let options = UploadOptions {
        max_busy_tries: 2,
        default_busy_wait: Duration::from_millis(10),
        ..UploadOptions::default()
    };
    let report = run(&server, &options).unwrap();
    assert!(
        matches!(&report.resources[0].outcome, ResourceOutcome::Failed { reason } if reason.contains("busy")),
        "{report:?}"
    );
    assert_eq!((report.totals.failed, report.totals.puts_sent), (1, 2));
}

#[test]
fn a_redirect_to_another_server_is_not_followed() {
    let server = Scripted::start(vec![
        Canned::new("301 Moved Permanently", "").header("Location", "http://127.0.0.2:1/dav/"),
    ]);
    let err = run(&server, &UploadOptions::default()).unwrap_err();
    assert!(matches!(err, Error::RedirectToOtherHost { .. }), "{err:?}");
    assert_eq!(server.requests(), ["PROPFIND /.well-known/caldav"]);
}
