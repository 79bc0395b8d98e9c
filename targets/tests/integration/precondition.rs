//! `If-None-Match: *` answered `412`: the resource is already there, and
//! the first body stays.

use crate::{base_url, client, credentials, runtime, start};
use ferry_targets::caldav::outcome::PutOutcome;
use ferry_targets::caldav::{
    CollectionKind, CollectionSpec, ContentType, Resource, ResourceOutcome, UploadOptions, upload,
};

const FIRST: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Ferry//test//EN\r\nBEGIN:VEVENT\r\nUID:same@ferry.test\r\nDTSTAMP:20240101T000000Z\r\nDTSTART:20240102T100000Z\r\nSUMMARY:first\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

#[test]
fn a_second_put_of_the_same_name_is_already_there() {
    let server = start();
    let client = client(&server);
    let runtime = runtime();
    runtime.block_on(async {
        let home = client.discover(CollectionKind::Calendar).await.unwrap();
        let collection = client
            .ensure_collection(&home.home, &CollectionSpec::calendar("Precondition"))
            .await
            .unwrap();
        assert!(collection.created);
        let put = |body: &str| {
            client.put_new(
                &collection.url,
                "same.ics",
                body.as_bytes().to_vec(),
                ContentType::Calendar,
            )
        };
        assert_eq!(put(FIRST).await.unwrap(), PutOutcome::Created);
        let second = FIRST.replace("SUMMARY:first", "SUMMARY:second");
        assert_eq!(put(&second).await.unwrap(), PutOutcome::AlreadyThere);
        let stored = client.get(&collection.url, "same.ics").await.unwrap();
        let text = String::from_utf8(stored.body).unwrap();
        assert!(
            text.contains("SUMMARY:first") && !text.contains("SUMMARY:second"),
            "{text}"
        );
        let again = client
            .ensure_collection(&home.home, &CollectionSpec::calendar("Precondition"))
            .await
            .unwrap();
        assert_eq!(again.url, collection.url);
        assert!(!again.created);
    });
}

#[test]
fn upload_counts_a_412_as_already_there() {
    // Two resources of one name in one list: the listing made before the
    // PUTs does not know either, so the second PUT meets a 412.
    let server = start();
    let resource = Resource {
        name: "twice.ics".into(),
        body: FIRST.as_bytes().to_vec(),
        content_type: ContentType::Calendar,
    };
    let options = UploadOptions {
        concurrency: 1,
        ..UploadOptions::default()
    };
    let report = runtime()
        .block_on(upload(
            &base_url(&server),
            credentials(&server),
            &CollectionSpec::calendar("Twice"),
            vec![resource.clone(), resource],
            &options,
        ))
        .unwrap();
    assert_eq!(report.resources[0].outcome, ResourceOutcome::Created);
    assert_eq!(report.resources[1].outcome, ResourceOutcome::AlreadyThere);
    assert_eq!(
        (
            report.totals.created,
            report.totals.already_there,
            report.totals.puts_sent
        ),
        (1, 1, 2)
    );
}
