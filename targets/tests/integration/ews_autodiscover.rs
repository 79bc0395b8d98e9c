//! Autodiscover against the Autodiscover test server of
//! [`ferry_testkit::autodiscover_server`]: the EWS URL found after an
//! unreachable candidate, a `RedirectUrl` followed once to a second
//! server, redirects to another scheme or to a private host refused
//! without a request, `InvalidUser` reported as the server put it, and
//! loopback refused unless the options allow it.

use ferry_targets::Error;
use ferry_targets::ews::autodiscover::Autodiscover;
use ferry_targets::ews::{AutodiscoverOptions, EwsClient, EwsOptions};
use ferry_targets::http::Credentials;
use ferry_testkit::autodiscover_server::{Answer, AutodiscoverServer};
use secrecy::SecretString;
use std::collections::HashMap;
use url::Url;

const EWS: &str = "http://127.0.0.1:9/EWS/Exchange.asmx";

fn loopback() -> EwsOptions {
    EwsOptions {
        autodiscover: AutodiscoverOptions {
            allow_loopback: true,
            ..AutodiscoverOptions::default()
        },
        ..EwsOptions::default()
    }
}

fn server(mailboxes: &[(&str, Answer)]) -> AutodiscoverServer {
    AutodiscoverServer::start(
        mailboxes
            .iter()
            .map(|(mailbox, answer)| (mailbox.to_string(), answer.clone()))
            .collect::<HashMap<_, _>>(),
    )
}

fn ews_urls() -> Answer {
    Answer::EwsUrls {
        external: Some(EWS.into()),
        internal: None,
    }
}

/// Discovers `address` at `candidates`.
fn discover(address: &str, candidates: Vec<Url>, options: EwsOptions) -> Result<Url, Error> {
    let discovery =
        Autodiscover::with_candidates(address, candidates, options.autodiscover.clone());
    let credentials = Credentials::new("mara", SecretString::from("pw"));
    crate::runtime().block_on(EwsClient::discover(discovery, credentials, &options))
}

/// A candidate nobody listens on.
fn unreachable() -> Url {
    Url::parse("http://127.0.0.1:1/autodiscover/autodiscover.svc").unwrap()
}

#[test]
fn the_ews_url_is_found_after_an_unreachable_candidate() {
    let server = server(&[("mara@ferry.test", ews_urls())]);
    let found = discover(
        "Mara@ferry.test",
        vec![unreachable(), server.url.clone()],
        loopback(),
    )
    .unwrap();
    assert_eq!(found.as_str(), EWS);
    assert_eq!(
        server.asked(),
        [(
            "/autodiscover/autodiscover.svc".to_string(),
            Some("Mara@ferry.test".to_string())
        )]
    );
}

#[test]
fn a_redirect_url_is_followed_once() {
    let second = server(&[("mara@ferry.test", ews_urls())]);
    let first = server(&[(
        "mara@ferry.test",
        Answer::RedirectUrl(second.url.to_string()),
    )]);
    let found = discover("mara@ferry.test", vec![first.url.clone()], loopback()).unwrap();
    assert_eq!(found.as_str(), EWS);
    assert_eq!(first.asked().len(), 1);
    assert_eq!(second.asked().len(), 1);
}

#[test]
fn a_redirect_to_another_scheme_or_a_private_host_is_refused() {
    for target in [
        "ftp://127.0.0.1/autodiscover/autodiscover.svc",
        "http://autodiscover.ferry.test/autodiscover/autodiscover.svc",
        "https://10.20.30.40/autodiscover/autodiscover.svc",
    ] {
        let server = server(&[("mara@ferry.test", Answer::RedirectUrl(target.into()))]);
        let error = discover("mara@ferry.test", vec![server.url.clone()], loopback()).unwrap_err();
        assert!(
            matches!(&error, Error::Autodiscover(text) if text.contains("refused")),
            "{target}: {error}"
        );
        assert_eq!(server.asked().len(), 1, "{target}");
    }
}

#[test]
fn an_unknown_mailbox_is_reported_plainly() {
    let server = server(&[("mara@ferry.test", ews_urls())]);
    let error = discover("nobody@ferry.test", vec![server.url.clone()], loopback()).unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("InvalidUser") && text.contains("Invalid user: 'nobody@ferry.test'"),
        "{text}"
    );
}

#[test]
fn loopback_is_refused_unless_allowed_and_a_given_url_is_used_as_is() {
    let server = server(&[("mara@ferry.test", ews_urls())]);
    let error = discover(
        "mara@ferry.test",
        vec![server.url.clone()],
        EwsOptions::default(),
    )
    .unwrap_err();
    assert!(error.to_string().contains("loopback"), "{error}");
    assert!(server.asked().is_empty());
    let given = Url::parse("https://mail.ferry.test/EWS/Exchange.asmx").unwrap();
    let credentials = Credentials::new("mara", SecretString::from("pw"));
    let used = crate::runtime().block_on(EwsClient::ews_url(
        Some(given.clone()),
        "mara@ferry.test",
        credentials,
        &EwsOptions::default(),
    ));
    assert_eq!(used.unwrap(), given);
}

#[test]
fn the_pox_fallback_finds_the_url_when_soap_does_not_answer() {
    let server = server(&[("mara@ferry.test", ews_urls())]);
    let mut pox = server.url.clone();
    pox.set_path("/autodiscover/autodiscover.xml");
    let found = discover("mara@ferry.test", vec![unreachable(), pox], loopback()).unwrap();
    assert_eq!(found.as_str(), EWS);
    assert_eq!(server.asked()[0].0, "/autodiscover/autodiscover.xml");
    let mut pox = server.url.clone();
    pox.set_path("/autodiscover/autodiscover.xml");
    let error = discover("nobody@ferry.test", vec![pox], loopback()).unwrap_err();
    assert!(error.to_string().contains("can't be found"), "{error}");
}
