//! The discovery driven step by step with answers shaped like
//! Microsoft's published `GetUserSettings` responses.

use super::*;
use crate::ews::test_support::http_response;
use ferry_testkit::autodiscover_server::{Answer, pox_answer, user_settings_answer};

fn sent(run: &mut Autodiscover) -> (Url, String) {
    match run.next_step() {
        Step::Send(request) => (request.url, String::from_utf8(request.body).unwrap()),
        other => panic!("expected a request, got {other:?}"),
    }
}

fn answer(run: &mut Autodiscover, mailbox: &str, answer: Option<Answer>) {
    let body = user_settings_answer(mailbox, answer.as_ref());
    run.on_response(&http_response(200, &[], &body));
}

fn ews(external: Option<&str>, internal: Option<&str>) -> Option<Answer> {
    Some(Answer::EwsUrls {
        external: external.map(str::to_string),
        internal: internal.map(str::to_string),
    })
}

fn lost() -> Error {
    Error::Connect {
        host: "contoso.com".into(),
        port: 443,
        reason: "refused".into(),
    }
}

#[test]
fn the_candidates_are_asked_in_order_and_the_external_url_wins() {
    let mut run = Autodiscover::new("mara@Contoso.com", AutodiscoverOptions::default()).unwrap();
    let (first, body) = sent(&mut run);
    assert_eq!(
        first.as_str(),
        "https://contoso.com/autodiscover/autodiscover.svc"
    );
    assert!(
        body.contains("<a:Mailbox>mara@Contoso.com</a:Mailbox>"),
        "{body}"
    );
    run.on_error(lost());
    let (second, _) = sent(&mut run);
    assert_eq!(
        second.as_str(),
        "https://autodiscover.contoso.com/autodiscover/autodiscover.svc"
    );
    let urls = ews(
        Some("https://mail.contoso.com/EWS/Exchange.asmx"),
        Some("https://int.contoso.com/EWS/Exchange.asmx"),
    );
    answer(&mut run, "mara@contoso.com", urls);
    assert!(matches!(run.next_step(), Step::Done));
    assert_eq!(
        run.finish().unwrap().as_str(),
        "https://mail.contoso.com/EWS/Exchange.asmx"
    );
}

#[test]
fn the_internal_url_serves_when_there_is_no_external_one() {
    let mut run = Autodiscover::new("mara@contoso.com", AutodiscoverOptions::default()).unwrap();
    sent(&mut run);
    answer(
        &mut run,
        "mara@contoso.com",
        ews(None, Some("https://int.contoso.com/EWS/Exchange.asmx")),
    );
    assert_eq!(run.finish().unwrap().host_str(), Some("int.contoso.com"));
}

#[test]
fn a_redirect_address_asks_the_new_domain() {
    let mut run = Autodiscover::new("mara@contoso.com", AutodiscoverOptions::default()).unwrap();
    sent(&mut run);
    answer(
        &mut run,
        "mara@contoso.com",
        Some(Answer::RedirectAddress("mara@fabrikam.com".into())),
    );
    let (next, body) = sent(&mut run);
    assert_eq!(
        next.as_str(),
        "https://fabrikam.com/autodiscover/autodiscover.svc"
    );
    assert!(body.contains("mara@fabrikam.com"));
    answer(
        &mut run,
        "mara@fabrikam.com",
        ews(Some("https://mail.fabrikam.com/EWS/Exchange.asmx"), None),
    );
    assert_eq!(run.finish().unwrap().host_str(), Some("mail.fabrikam.com"));
}

#[test]
fn redirects_are_limited_and_only_to_public_https() {
    let options = AutodiscoverOptions {
        max_redirects: 1,
        ..AutodiscoverOptions::default()
    };
    let mut run = Autodiscover::new("mara@contoso.com", options.clone()).unwrap();
    sent(&mut run);
    let again = Some(Answer::RedirectUrl(
        "https://ad.contoso.com/autodiscover/autodiscover.svc".into(),
    ));
    answer(&mut run, "mara@contoso.com", again.clone());
    assert_eq!(sent(&mut run).0.host_str(), Some("ad.contoso.com"));
    answer(&mut run, "mara@contoso.com", again);
    assert!(matches!(run.next_step(), Step::Done));
    let error = run.finish().unwrap_err().to_string();
    assert!(error.contains("after 1 redirects"), "{error}");

    for target in [
        "http://ad.contoso.com/autodiscover/autodiscover.svc",
        "https://127.0.0.1/autodiscover/autodiscover.svc",
        "https://10.0.0.5/autodiscover/autodiscover.svc",
    ] {
        let mut run = Autodiscover::new("mara@contoso.com", options.clone()).unwrap();
        sent(&mut run);
        answer(
            &mut run,
            "mara@contoso.com",
            Some(Answer::RedirectUrl(target.into())),
        );
        assert!(matches!(run.next_step(), Step::Done), "{target}");
        let error = run.finish().unwrap_err().to_string();
        assert!(error.contains("refused"), "{target}: {error}");
    }
}

#[test]
fn an_ews_url_on_a_private_address_is_refused() {
    let mut run = Autodiscover::new("mara@contoso.com", AutodiscoverOptions::default()).unwrap();
    sent(&mut run);
    answer(
        &mut run,
        "mara@contoso.com",
        ews(Some("https://192.168.0.2/EWS/Exchange.asmx"), None),
    );
    assert!(run.finish().unwrap_err().to_string().contains("private"));
}

#[test]
fn invalid_user_is_reported_as_the_server_said() {
    let mut run = Autodiscover::new("nobody@contoso.com", AutodiscoverOptions::default()).unwrap();
    sent(&mut run);
    answer(&mut run, "nobody@contoso.com", None);
    assert!(matches!(run.next_step(), Step::Done));
    let error = run.finish().unwrap_err().to_string();
    assert!(
        error.contains("InvalidUser") && error.contains("Invalid user: 'nobody@contoso.com'"),
        "{error}"
    );
}

#[test]
fn when_no_candidate_answers_each_reason_is_told() {
    let mut run = Autodiscover::new("mara@contoso.com", AutodiscoverOptions::default()).unwrap();
    sent(&mut run);
    run.on_response(&http_response(404, &[], "not here"));
    sent(&mut run);
    run.on_response(&http_response(200, &[], "<html>a parked domain</html>"));
    for _ in 0..2 {
        let (pox, body) = sent(&mut run);
        assert!(pox.path().ends_with("/autodiscover.xml") && body.contains("<EMailAddress>"));
        run.on_error(lost());
    }
    assert!(matches!(run.next_step(), Step::Done));
    let error = run.finish().unwrap_err().to_string();
    assert!(
        error.contains("HTTP 404") && error.contains("autodiscover.contoso.com"),
        "{error}"
    );
    let mut run = Autodiscover::new("mara@contoso.com", AutodiscoverOptions::default()).unwrap();
    sent(&mut run);
    run.on_response(&http_response(401, &[], ""));
    for _ in 0..3 {
        sent(&mut run);
        run.on_error(lost());
    }
    assert!(matches!(run.next_step(), Step::Done));
    assert!(matches!(run.finish(), Err(Error::AuthFailed { .. })));
    assert!(Autodiscover::new("not-an-address", AutodiscoverOptions::default()).is_err());
}

#[test]
fn the_pox_fallback_answers_when_no_soap_candidate_does() {
    let mut run = Autodiscover::new("mara@contoso.com", AutodiscoverOptions::default()).unwrap();
    for _ in 0..2 {
        sent(&mut run);
        run.on_error(lost());
    }
    let (pox, _) = sent(&mut run);
    assert_eq!(
        pox.as_str(),
        "https://contoso.com/autodiscover/autodiscover.xml"
    );
    let body = pox_answer(&ews(Some("https://mail.contoso.com/EWS/Exchange.asmx"), None).unwrap());
    run.on_response(&http_response(200, &[], &body));
    assert_eq!(run.finish().unwrap().host_str(), Some("mail.contoso.com"));
}
