//! A wrong password is an authentication error, and the password appears
//! in no error text and no `Debug` output.

use crate::{base_url, runtime, start};
use ferry_targets::Error;
use ferry_targets::caldav::xml::multistatus::XmlLimits;
use ferry_targets::caldav::{CollectionKind, CollectionSpec, DavClient, UploadOptions, upload};
use ferry_targets::http::{Credentials, HttpOptions};
use secrecy::SecretString;

const CANARY: &str = "canary-Wr0ng-pa55word-5e1f";

fn wrong() -> Credentials {
    Credentials::new("alice", SecretString::from(CANARY))
}

fn assert_hidden(shown: &str) {
    assert!(!shown.contains(CANARY), "password leaked: {shown}");
}

#[test]
fn wrong_password_is_auth_failed_without_the_password_anywhere() {
    let server = start();
    let runtime = runtime();
    let client = DavClient::new(
        base_url(&server),
        wrong(),
        HttpOptions::default(),
        XmlLimits::default(),
    )
    .unwrap();
    let err = runtime
        .block_on(client.discover(CollectionKind::Calendar))
        .unwrap_err();
    assert!(matches!(err, Error::AuthFailed { status: 401 }), "{err:?}");
    assert_hidden(&format!("{err} {err:?} {err:#?}"));
    assert_hidden(&format!("{:?}", wrong()));

    let err = runtime
        .block_on(upload(
            &base_url(&server),
            wrong(),
            &CollectionSpec::calendar("Never"),
            Vec::new(),
            &UploadOptions::default(),
        ))
        .unwrap_err();
    assert!(matches!(err, Error::AuthFailed { .. }), "{err:?}");
    assert_hidden(&format!("{err} {err:?}"));
    assert_hidden(&server.log());
}

#[test]
fn unreachable_server_error_names_no_password() {
    // A port nobody listens on: the connect error must not carry it either.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let base = url::Url::parse(&format!("http://127.0.0.1:{port}/")).unwrap();
    let client =
        DavClient::new(base, wrong(), HttpOptions::default(), XmlLimits::default()).unwrap();
    let err = runtime()
        .block_on(client.discover(CollectionKind::AddressBook))
        .unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert_hidden(&format!("{err} {err:?}"));
}

#[test]
fn anonymous_requests_carry_no_authorization_and_no_probe() {
    use ferry_targets::http::{HttpClient, HttpRequest};
    use ferry_testkit::http_server::{self, Reply};
    use std::sync::{Arc, Mutex};
    let seen = Arc::new(Mutex::new(Vec::new()));
    let recorded = seen.clone();
    let address = http_server::start(Arc::new(move |request| {
        recorded.lock().unwrap().push(request.clone());
        Reply::new("200 OK", "application/json", "{}".into())
    }));
    let client = HttpClient::new(HttpOptions::default(), Credentials::anonymous()).unwrap();
    let url = url::Url::parse(&format!("http://{address}/token")).unwrap();
    let mut request = HttpRequest::new(http::Method::POST, url);
    request.body = b"grant_type=refresh_token".to_vec();
    let answer = runtime().block_on(client.send(request)).unwrap();
    assert_eq!(answer.status, 200);
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1, "one request, no probe first");
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].text(), "grant_type=refresh_token");
    assert_eq!(seen[0].header("authorization"), None);
}
