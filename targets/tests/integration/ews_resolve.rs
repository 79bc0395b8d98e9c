//! ResolveNames against the EWS test server's directory: an address
//! found, one not found, an ambiguous name, each asked in a request of
//! its own that validates against Microsoft's schemas; a `401` stops
//! the call.

use ferry_targets::Error;
use ferry_targets::ews::{EwsClient, EwsOptions, Resolution};
use ferry_targets::http::Credentials;
use ferry_testkit::ews_server::EwsServer;
use secrecy::SecretString;
use std::collections::HashMap;

const TOKEN: &str = "canary-T0ken-resolve-3e1";

fn client(server: &EwsServer) -> EwsClient {
    let credentials = Credentials::bearer(SecretString::from(TOKEN));
    EwsClient::new(server.url.clone(), credentials, EwsOptions::default()).unwrap()
}

#[test]
fn addresses_resolve_to_found_not_found_or_ambiguous() {
    let server = EwsServer::start(
        "resolve",
        &format!("Bearer {TOKEN}"),
        HashMap::new(),
        Vec::new(),
    );
    server.set_directory(&[
        ("Ana Lima", "ana@ferry.test"),
        ("Ben Okafor & Sons", "ben@ferry.test"),
        ("Benedikt Roth", "benedikt@ferry.test"),
    ]);
    let addresses: Vec<String> = ["ANA@ferry.test", "nobody@ferry.test", "ben"]
        .iter()
        .map(|a| a.to_string())
        .collect();
    let got = crate::runtime()
        .block_on(client(&server).resolve_names(&addresses))
        .unwrap();
    assert_eq!(got.len(), 3);
    assert_eq!(got[0].0, "ANA@ferry.test");
    assert_eq!(
        got[0].1,
        Resolution::Resolved {
            name: Some("Ana Lima".into()),
            email: "ana@ferry.test".into()
        }
    );
    assert_eq!(got[1].1, Resolution::NotFound);
    assert!(
        matches!(&got[2].1, Resolution::Ambiguous { candidates } if candidates.len() == 2 && candidates[0].name.as_deref() == Some("Ben Okafor & Sons")),
        "{got:?}"
    );
    assert_eq!(server.count("ResolveNames"), 3);
    assert_eq!(server.assert_requests_valid(), 3);
}

#[test]
fn a_refused_token_stops_the_call() {
    let server = EwsServer::start("resolve-401", "Bearer other", HashMap::new(), Vec::new());
    let addresses = vec!["ana@ferry.test".to_string()];
    let got = crate::runtime().block_on(client(&server).resolve_names(&addresses));
    assert!(
        matches!(got, Err(Error::AuthFailed { status: 401 })),
        "{got:?}"
    );
    assert!(!format!("{got:?}").contains(TOKEN));
}
