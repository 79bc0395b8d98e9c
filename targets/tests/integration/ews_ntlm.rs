//! The EWS transport logging in with NTLM and Negotiate, against the EWS
//! test server behind [`ferry_testkit::ntlm_guard`] (sspi's server side
//! checking the NTLMv2 answer per connection, as IIS does): every item
//! goes in exactly once, one login serves a whole connection (NTLM raw,
//! or inside SPNEGO under Negotiate), the
//! negotiation is a body-less `GET`, a dropped connection is logged in
//! again, automatic picks from the server's offers, and a wrong password
//! stops the run with a plain error that shows no password.

use crate::ews_insert::{
    assert_exactly_once, assert_nothing_failed, corpus, created_keys, options, run,
};
use ferry_targets::Error;
use ferry_targets::ews::EwsClient;
use ferry_targets::http::{AuthMethod, Credentials};
use ferry_testkit::ews_server::{EwsServer, Fault, Scripted};
use ferry_testkit::http_server::{self, Reply, Request};
use ferry_testkit::ntlm_guard::{Negotiation, NtlmGuard};
use secrecy::SecretString;
use std::collections::BTreeSet;
use std::sync::Arc;

const USER: &str = "EXAMPLE\\alice";
const PASSWORD: &str = "canary-Ntlm-ews-Pa55-3c8d";

/// The EWS test server behind an NTLM guard for [`USER`] and
/// [`PASSWORD`], misbehaving as `script` says.
fn guarded(name: &str, script: Vec<Scripted>) -> (EwsServer, Arc<NtlmGuard>) {
    let guard = NtlmGuard::new(USER, PASSWORD);
    let server = EwsServer::start_behind(name, "", corpus().1, script, |inner| guard.wrap(inner));
    (server, guard)
}

fn credentials(method: AuthMethod, password: &str) -> Credentials {
    Credentials::with_method(USER, SecretString::from(password.to_string()), method)
}

/// Every negotiation was a body-less `GET` under `scheme`, wrapped in
/// SPNEGO under `Negotiate` only.
fn assert_negotiations_harmless(negotiations: &[Negotiation], scheme: &str) {
    assert!(!negotiations.is_empty());
    for negotiation in negotiations {
        assert_eq!(negotiation.scheme, scheme, "{negotiation:?}");
        let spnego = scheme == "Negotiate";
        assert_eq!(negotiation.spnego, spnego, "{negotiation:?}");
        assert_eq!(negotiation.method, "GET", "{negotiation:?}");
        assert_eq!(negotiation.body_bytes, 0, "{negotiation:?}");
    }
}

/// A clean run under `credentials`: everything once, one login on one
/// connection for all requests; the scheme the negotiations used.
fn clean_run(name: &str, credentials: Credentials, scheme: &str) {
    let (server, guard) = guarded(name, Vec::new());
    let report = run(&server, credentials, options());
    assert_nothing_failed(&report);
    assert_exactly_once(&server);
    assert_eq!(report.totals.created, created_keys(&corpus().0).len());
    assert!(report.totals.requests_sent > 5, "{:?}", report.totals);
    assert_eq!(
        guard.logins(),
        [1],
        "one login, on the first connection, for {} requests",
        report.totals.requests_sent
    );
    assert_eq!(guard.refused(), 0);
    assert_negotiations_harmless(&guard.negotiations(), scheme);
    assert_eq!(guard.negotiations().len(), 1);
    assert_eq!(server.operations().len(), report.totals.requests_sent);
    assert!(server.assert_requests_valid() >= report.totals.requests_sent);
}

#[test]
fn ntlm_creates_everything_once_over_one_logged_in_connection() {
    clean_run(
        "ntlm",
        Credentials::ntlm(USER, SecretString::from(PASSWORD)),
        "NTLM",
    );
}

#[test]
fn negotiate_creates_everything_once_over_one_logged_in_connection() {
    let credentials = Credentials::negotiate(USER, SecretString::from(PASSWORD));
    clean_run("negotiate", credentials, "Negotiate");
}

#[test]
fn automatic_takes_negotiate_when_offered() {
    clean_run(
        "automatic",
        credentials(AuthMethod::Automatic, PASSWORD),
        "Negotiate",
    );
}

#[test]
fn automatic_takes_basic_when_only_basic_is_offered() {
    use base64::Engine as _;
    let header = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"))
    );
    let server = EwsServer::start("automatic-basic", &header, corpus().1, Vec::new());
    let report = run(
        &server,
        credentials(AuthMethod::Automatic, PASSWORD),
        options(),
    );
    assert_nothing_failed(&report);
    assert_exactly_once(&server);
}

#[test]
fn automatic_stops_when_no_offer_is_spoken() {
    let address = http_server::start(Arc::new(|_: &Request| {
        Reply::new("401 Unauthorized", "text/html", String::new())
            .with_header("WWW-Authenticate", "Bearer realm=\"ews\"".into())
    }));
    let url = url::Url::parse(&format!("http://{address}/EWS/Exchange.asmx")).unwrap();
    let credentials = credentials(AuthMethod::Automatic, PASSWORD);
    let client = EwsClient::new(url, credentials, options()).unwrap();
    let report = crate::runtime().block_on(client.insert(corpus().0));
    let Some(error @ Error::NoAuthMethod { offered }) = &report.stopped else {
        panic!("{:?}", report.stopped);
    };
    assert_eq!(offered, "Bearer");
    assert_eq!(
        error.to_string(),
        "the server offers no login method Ferry speaks (Negotiate, NTLM or Basic); it offers: Bearer"
    );
    assert_eq!(report.totals.failed, report.items.len());
}

#[test]
fn a_dropped_connection_is_logged_in_again_and_nothing_is_created_twice() {
    let script = vec![Scripted {
        on: "CreateItem",
        fault: Fault::CommitThenDrop,
    }];
    let (server, guard) = guarded("ntlm-dropped", script);
    let report = run(&server, credentials(AuthMethod::Ntlm, PASSWORD), options());
    assert_nothing_failed(&report);
    assert_exactly_once(&server);
    let logins = guard.logins();
    assert_eq!(logins.len(), 2, "one login per connection: {logins:?}");
    assert_eq!(
        logins.iter().collect::<BTreeSet<_>>().len(),
        2,
        "{logins:?}"
    );
    assert_negotiations_harmless(&guard.negotiations(), "NTLM");
}

#[test]
fn a_forgotten_login_is_made_again_before_the_request_goes_again() {
    // The server answers 401 on the logged-in connection: nothing was
    // done, so the client logs in anew and sends the request again.
    let script = vec![Scripted {
        on: "CreateItem",
        fault: Fault::Unauthorized,
    }];
    let (server, guard) = guarded("ntlm-forgotten", script);
    let report = run(&server, credentials(AuthMethod::Ntlm, PASSWORD), options());
    assert_nothing_failed(&report);
    assert_exactly_once(&server);
    assert_eq!(guard.logins().len(), 2, "{:?}", guard.logins());
}

#[test]
fn a_wrong_password_stops_the_run_and_no_password_shows() {
    const WRONG: &str = "canary-Wr0ng-ntlm-77a1";
    for method in [
        AuthMethod::Ntlm,
        AuthMethod::Negotiate,
        AuthMethod::Automatic,
    ] {
        let (server, guard) = guarded("ntlm-wrong", Vec::new());
        let credentials = credentials(method, WRONG);
        let report = run(&server, credentials.clone(), options());
        let Some(error @ Error::AuthFailed { status: 401 }) = &report.stopped else {
            panic!("{method:?}: {:?}", report.stopped);
        };
        assert_eq!(error.to_string(), "authentication failed (HTTP 401)");
        assert_eq!(report.totals.failed, report.items.len());
        assert_eq!(
            report.totals.requests_sent,
            1,
            "{method:?} {:?} {:?} {:?} {:?}",
            guard.negotiations(),
            guard.refused(),
            report.items.len(),
            report.stopped
        );
        assert!(server.items().is_empty());
        assert!(server.operations().is_empty(), "the guard let a request in");
        assert_eq!(guard.refused(), 1, "{method:?}");
        assert!(guard.logins().is_empty());
        let shown = format!("{report:?} {error} {error:?} {credentials:?}");
        assert!(
            !shown.contains(WRONG) && !shown.contains(PASSWORD),
            "{shown}"
        );
    }
}

#[test]
fn a_wrong_user_is_refused_too() {
    let (server, guard) = guarded("ntlm-user", Vec::new());
    let other = Credentials::ntlm("EXAMPLE\\mallory", SecretString::from(PASSWORD));
    let report = run(&server, other, options());
    assert!(
        matches!(report.stopped, Some(Error::AuthFailed { status: 401 })),
        "{:?}",
        report.stopped
    );
    assert!(server.items().is_empty());
    assert_eq!(guard.refused(), 1);
}
