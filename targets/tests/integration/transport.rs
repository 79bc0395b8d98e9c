//! The transport's guards against a real server: TLS with a pinned
//! self-signed certificate (and refused without the pin), the response
//! size limit, and the address policy applied to each connection.

use crate::{base_url, credentials, runtime, start};
use ferry_net::address::AddressPolicy;
use ferry_targets::Error;
use ferry_targets::caldav::xml::multistatus::XmlLimits;
use ferry_targets::caldav::{CollectionKind, DavClient};
use ferry_targets::http::HttpOptions;
use ferry_testkit::radicale::{Radicale, RadicaleOptions};

fn tls_server() -> Radicale {
    Radicale::start(RadicaleOptions {
        tls: true,
        ..RadicaleOptions::default()
    })
    .unwrap()
}

fn discover(server: &Radicale, options: HttpOptions) -> Result<url::Url, Error> {
    let client = DavClient::new(
        base_url(server),
        credentials(server),
        options,
        XmlLimits::default(),
    )?;
    runtime()
        .block_on(client.discover(CollectionKind::Calendar))
        .map(|home| home.home)
}

#[test]
fn tls_with_the_pinned_certificate_is_trusted() {
    let server = tls_server();
    assert!(server.base_url().starts_with("https://"));
    let options = HttpOptions {
        pinned_certificate: server.certificate_der(),
        ..HttpOptions::default()
    };
    let home = discover(&server, options).unwrap();
    assert_eq!(home.as_str(), format!("{}alice/", server.base_url()));
}

#[test]
fn tls_without_the_pin_is_refused() {
    let server = tls_server();
    let err = discover(&server, HttpOptions::default()).unwrap_err();
    assert!(matches!(err, Error::Tls { .. }), "{err:?}");
}

#[test]
fn a_response_over_the_size_limit_is_an_error() {
    let server = start();
    let options = HttpOptions {
        max_response_bytes: 64,
        ..HttpOptions::default()
    };
    let err = discover(&server, options).unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { limit: 64 }),
        "{err:?}"
    );
}

#[test]
fn each_connection_goes_only_where_the_address_policy_allows() {
    let server = start();
    let strict = HttpOptions {
        address_policy: Some(AddressPolicy {
            allowed_ports: Vec::new(),
            ..AddressPolicy::default()
        }),
        ..HttpOptions::default()
    };
    let err = discover(&server, strict).unwrap_err();
    assert!(
        matches!(&err, Error::Connect { reason, .. } if reason.contains("127.0.0.1")),
        "{err:?}"
    );
    let loopback_allowed = HttpOptions {
        address_policy: Some(AddressPolicy::allowing(vec![
            "127.0.0.0/8".parse().unwrap(),
        ])),
        ..HttpOptions::default()
    };
    assert!(discover(&server, loopback_allowed).is_ok());
}
