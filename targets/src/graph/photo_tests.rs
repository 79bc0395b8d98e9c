//! A contact's photo set after the contact by the sans-I/O insert.

use crate::ews::report::Outcome;
use crate::graph::insert::Insert;
use crate::graph::insert_tests::{
    contact, done, expect_send, first_created, found, lost, options, respond,
};
use ferry_shared::convert::graph::{ContactPhoto, GraphAction};
use http::Method;

const BYTES: &[u8] = &[0x89, b'P', b'N', b'G', 0, 1, 2, 0xff];

fn with_photo(key: &str) -> GraphAction {
    let mut action = contact(Some(key));
    if let GraphAction::Create { photo, .. } = &mut action {
        *photo = Some(ContactPhoto {
            content_type: "image/png".into(),
            bytes: BYTES.to_vec(),
        });
    }
    action
}

/// A run whose contact was just created; its photo comes next.
fn created_with_photo() -> Insert {
    first_created(vec![with_photo("a@x")])
}

#[test]
fn a_created_contact_gets_its_photo_put() {
    let mut run = created_with_photo();
    let put = expect_send(&mut run, Method::PUT);
    assert_eq!(put.url.path(), "/v1.0/me/contacts/AAMk-new/photo/$value");
    assert_eq!(put.headers["content-type"], "image/png");
    assert_eq!(put.body, BYTES);
    // A lost answer repeats the PUT (it sets the same bytes).
    run.on_error(lost());
    expect_send(&mut run, Method::PUT);
    respond(&mut run, 200, None, "");
    let report = done(run);
    assert_eq!(report.items[0].outcome, Outcome::Created);
}

#[test]
fn a_contact_found_gets_its_photo_only_when_it_has_none() {
    let mut run = Insert::new(vec![with_photo("a@x"), with_photo("b@x")], options());
    expect_send(&mut run, Method::POST); // the batch of two lookups
    let answer = serde_json::json!({ "responses": [
        { "id": "0", "status": 200, "body": serde_json::from_str::<serde_json::Value>(&found("A", "a@x")).unwrap() },
        { "id": "1", "status": 200, "body": serde_json::from_str::<serde_json::Value>(&found("B", "b@x")).unwrap() },
    ]});
    respond(&mut run, 200, None, &answer.to_string());
    let check = expect_send(&mut run, Method::GET);
    assert_eq!(check.url.path(), "/v1.0/me/contacts/A/photo");
    respond(
        &mut run,
        200,
        None,
        r#"{"id":"default","height":48,"width":48}"#,
    );
    let check = expect_send(&mut run, Method::GET);
    assert_eq!(check.url.path(), "/v1.0/me/contacts/B/photo");
    let missing = r#"{"error":{"code":"ErrorItemNotFound","message":"The photo wasn't found."}}"#;
    respond(&mut run, 404, None, missing);
    let put = expect_send(&mut run, Method::PUT);
    assert_eq!(put.url.path(), "/v1.0/me/contacts/B/photo/$value");
    respond(&mut run, 200, None, "");
    let report = done(run);
    assert_eq!(report.totals.already_there, 2);
}

#[test]
fn a_refused_photo_fails_the_item_but_keeps_the_contact_id() {
    let mut run = created_with_photo();
    expect_send(&mut run, Method::PUT);
    let error = r#"{"error":{"code":"ErrorInvalidImage","message":"not an image"}}"#;
    respond(&mut run, 400, None, error);
    let report = done(run);
    assert!(matches!(&report.items[0].outcome,
        Outcome::Failed { reason } if reason.contains("photo was not set: ErrorInvalidImage")));
    assert_eq!(report.items[0].item_id.as_ref().unwrap().id, "AAMk-new");
}
