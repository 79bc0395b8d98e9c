//! A Microsoft Graph calendar target signed in from the page through
//! OAuth2 (code with PKCE at the test provider, `side=calendar`), driven
//! in-process against the Graph stand-in, which accepts only the
//! provider's live signed tokens: `/me` names the user; a calendar job
//! puts the team calendar and a vCard in exactly once and a re-run
//! creates nothing; a job started after the access token expired renews
//! it first; a revoked refresh token makes the job wait for sign-in, and
//! signing in again lets it go on; addresses are checked against the
//! Microsoft 365 directory. No token shows up in an answer, nor (with
//! the real `ferry serve` logging at the most verbose level) in its log.

use crate::calendar_targets::{
    assert_all_put_in_once, assert_three_checked, calendar_text, contacts_text, files_series,
    rerun_finds_everything, rules, run_again, run_job, totals, wait_for_end,
};
use crate::oauth_sign_in::{
    KEY, REDIRECT, callback_request, location, oauth_site_toml, provider_redirect, set_cookie,
};
use crate::sign_in::{TestApp, get, post, send, test_app};
use axum::http::StatusCode;
use ferry_backend::config::site::SiteConfig;
use ferry_shared::convert::graph::values::source_property_value;
use ferry_testkit::graph_server::GraphServer;
use ferry_testkit::graph_server::users::DirectoryUser;
use ferry_testkit::oauth_provider::{ProviderOptions, TestOAuthProvider};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::Duration;

pub const USER: &str = "alice@contoso.test";

/// The occurrences of the files' series, as the Graph stand-in keys them.
pub fn series() -> HashMap<String, Vec<String>> {
    files_series()
        .into_iter()
        .map(|(key, starts)| (source_property_value(&key), starts))
        .collect()
}

/// The site: `m365`, the Graph stand-in signed in to through `provider`,
/// tokens renewed `margin_secs` before expiry.
pub fn site_toml(graph_url: &str, provider: &TestOAuthProvider, margin_secs: u64) -> String {
    let listed = format!(
        r#"
[[servers]]
id = "m365"
label = "Microsoft 365"
kind = "graph"
role = "target"
url = "{graph_url}"
auth = ["oauth2"]
oauth = "test"
"#
    );
    oauth_site_toml(&listed, provider, margin_secs, None)
}

struct Setup {
    graph: GraphServer,
    provider: TestOAuthProvider,
    app: TestApp,
}

/// The Graph stand-in, the provider (tokens living `lifetime`) and the
/// app, tokens renewed `margin_secs` before expiry.
async fn setup(lifetime: Duration, margin_secs: u64) -> Setup {
    let graph = GraphServer::start_for_provider(KEY, series(), Vec::new());
    let mut options = ProviderOptions::new(REDIRECT, KEY, USER);
    options.token_lifetime = lifetime;
    let provider = TestOAuthProvider::start(options);
    let site: SiteConfig =
        toml::from_str(&site_toml(graph.base_url.as_str(), &provider, margin_secs)).unwrap();
    site.validate().unwrap();
    let app = test_app(site, true).await;
    Setup {
        graph,
        provider,
        app,
    }
}

/// "Sign in with Microsoft 365" in the calendar step of the session
/// `cookie`: the callback's answer.
async fn sign_in_round(app: &TestApp, cookie: Option<&str>) -> crate::sign_in::Answer {
    let started = send(
        &app.router,
        get("/api/oauth/m365/start?side=calendar", cookie),
    )
    .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.text);
    let browser = set_cookie(&started, "__Secure-ferry-oauth").expect("the browser cookie");
    let redirect = provider_redirect(&location(&started)).await;
    send(&app.router, callback_request(&redirect, Some(&browser))).await
}

/// Signs in to the Graph target; the session cookie and every answer's
/// text.
async fn sign_in(app: &TestApp, cookie: Option<&str>) -> (String, String) {
    let answer = sign_in_round(app, cookie).await;
    assert_eq!(location(&answer), "/#move", "{:?}", answer.headers);
    let cookie = set_cookie(&answer, "__Host-ferry").expect("a new session");
    let session = send(&app.router, get("/api/session", Some(&cookie))).await;
    let view = session.json();
    assert_eq!(view["calendar"]["user"], USER, "{view}");
    assert_eq!(view["calendar"]["kind"], "graph");
    assert_eq!(view["calendar"]["server"], "Microsoft 365");
    let answers = format!("{:?}{}{}", answer.headers, answer.text, session.text);
    (cookie, answers)
}

fn files() -> [(&'static str, String); 2] {
    [
        ("team-calendar.ics", calendar_text()),
        ("009.vcf", contacts_text()),
    ]
}

/// Job `id`'s view once it is no longer queued or running.
async fn settled(app: &TestApp, id: &str, cookie: &str) -> Value {
    for _ in 0..600 {
        let view = send(&app.router, get(&format!("/api/jobs/{id}"), Some(cookie)))
            .await
            .json();
        if view["state"] != "queued" && view["state"] != "running" {
            return view;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the job did not settle");
}

fn assert_no_token(provider: &TestOAuthProvider, answers: &str) {
    let tokens = provider.issued_tokens();
    assert!(!tokens.is_empty());
    for token in tokens {
        assert!(!answers.contains(&token), "a token is in an answer");
    }
}

/// "Sign in with Microsoft 365" on the real `server`, in the calendar
/// step; the session cookie. Every answer is added to `answers`.
pub fn sign_in_served(server: &crate::serve_kill::Server, answers: &mut String) -> String {
    use crate::oauth_serve::{cookie_named, header, provider_redirect};
    use crate::serve_kill::exchange;
    let start = "/api/oauth/m365/start?side=calendar";
    let (head, text) = exchange(server, "GET", start, None, None);
    answers.push_str(&(head.clone() + &text));
    let browser = cookie_named(&head, "ferry-oauth");
    let back = provider_redirect(header(&head, "location")[0]);
    let callback = back.strip_prefix("https://ferry.test").unwrap();
    let (head, text) = exchange(server, "GET", callback, Some(&browser), None);
    answers.push_str(&(head.clone() + &text));
    assert_eq!(header(&head, "location"), ["/#move"], "{head}");
    cookie_named(&head, "ferry")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_graph_target_signed_in_with_oauth2_takes_a_calendar_job_exactly_once() {
    let Setup {
        graph,
        provider,
        app,
    } = setup(Duration::from_secs(3600), 300).await;
    let site = send(&app.router, get("/api/site", None)).await.json();
    assert_eq!(site["servers"][0]["kind"], "graph", "{site}");
    assert_eq!(site["servers"][0]["oauth"], true, "{site}");
    // The mail sides are not Graph's, and a password is not taken.
    let wrong = send(&app.router, get("/api/oauth/m365/start?side=source", None)).await;
    assert_eq!(location(&wrong), "/?sign_in_error=wrong_side#move");
    let password = send(
        &app.router,
        post(
            "/api/sign-in",
            &json!({"side": "target", "server": {"type": "listed", "id": "m365"}, "user": USER, "password": "x"}),
            None,
        ),
    )
    .await;
    assert_eq!(password.json()["error"]["code"], "password_not_accepted");

    let (cookie, mut answers) = sign_in(&app, None).await;
    assert_eq!(provider.counts().codes_redeemed, 1);
    assert!(
        graph.requests().iter().any(|r| r == "GET /v1.0/me"),
        "{:?}",
        graph.requests()
    );

    let first = run_job(&app.router, &cookie, &files()).await;
    let to_insert = assert_all_put_in_once(&first, &graph.key_counts(), graph.updated().len());
    let stored = graph.items().len();

    let id = first["id"].as_str().unwrap();
    let second = rerun_finds_everything(&app.router, &cookie, id, to_insert).await;
    assert_eq!(graph.items().len(), stored, "a re-run creates nothing");
    assert_eq!(provider.counts().refreshes, 0, "the token was still fresh");

    answers.push_str(&first.to_string());
    answers.push_str(&second.to_string());
    assert_no_token(&provider, &answers);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_graph_job_renews_an_expired_token_and_waits_for_sign_in_when_refused() {
    // Two-second tokens, renewed only once really expired.
    let Setup {
        graph,
        provider,
        app,
    } = setup(Duration::from_secs(2), 0).await;
    let (cookie, mut answers) = sign_in(&app, None).await;
    // The job starts after the token's end: the stand-in would refuse it.
    tokio::time::sleep(Duration::from_millis(3100)).await;
    let first = run_job(&app.router, &cookie, &files()).await;
    let to_insert = assert_all_put_in_once(&first, &graph.key_counts(), graph.updated().len());
    assert_eq!(provider.counts().refreshes, 1, "renewed before connecting");
    let stored = graph.items().len();

    // The user revokes Ferry's access; later, a re-run cannot renew.
    provider.revoke_refresh_tokens();
    tokio::time::sleep(Duration::from_millis(3100)).await;
    let id = first["id"].as_str().unwrap();
    run_again(&app.router, id, &cookie).await;
    let waiting = settled(&app, id, &cookie).await;
    assert_eq!(waiting["state"], "waiting_for_sign_in", "{waiting:#}");
    let error = waiting["error"].as_str().unwrap_or_default();
    assert!(error.contains("sign in again"), "{waiting:#}");
    let check = send(
        &app.router,
        post(
            "/api/addresses/check",
            &json!({"addresses": ["bob@contoso.test"]}),
            Some(&cookie),
        ),
    )
    .await;
    assert_eq!(check.status, StatusCode::UNAUTHORIZED, "{}", check.text);
    assert_eq!(check.json()["error"]["code"], "sign_in_again");

    // Signing in again (same session) lets the job go on by itself.
    provider.set_token_lifetime(Duration::from_secs(3600));
    let (cookie, more) = sign_in(&app, Some(&cookie)).await;
    let done = wait_for_end(&app.router, &cookie, id).await;
    assert_eq!(done["state"], "done", "{done:#}");
    assert_eq!(totals(&done), (to_insert, 0, to_insert, 0), "{done}");
    assert_eq!(graph.items().len(), stored, "nothing twice");

    for text in [more, waiting.to_string(), done.to_string(), check.text] {
        answers.push_str(&text);
    }
    assert_no_token(&provider, &answers);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn addresses_are_checked_against_the_microsoft_365_directory() {
    let Setup {
        graph,
        provider,
        app,
    } = setup(Duration::from_secs(3600), 300).await;
    let user = |name: &str, mail: &str, proxies: &[&str]| DirectoryUser {
        display_name: name.into(),
        mail: mail.into(),
        user_principal_name: mail.into(),
        proxy_addresses: proxies.iter().map(|p| p.to_string()).collect(),
    };
    graph.set_directory(vec![
        user(
            "Ann Example",
            "ann@contoso.test",
            &["SMTP:ann@contoso.test"],
        ),
        user("Team One", "one@contoso.test", &["smtp:team@contoso.test"]),
        user("Team Two", "two@contoso.test", &["smtp:team@contoso.test"]),
    ]);
    let (cookie, mut answers) = sign_in(&app, None).await;
    let text = assert_three_checked(
        &app.router,
        &cookie,
        [
            "Ann@contoso.test",
            "nobody@contoso.test",
            "team@contoso.test",
        ],
    )
    .await;
    let lookups = graph
        .requests()
        .iter()
        .filter(|r| *r == "GET /v1.0/users")
        .count();
    assert_eq!(lookups, 3, "one lookup per address");
    answers.push_str(&text);
    assert_no_token(&provider, &answers);
}

#[test]
fn the_real_server_logs_no_graph_token() {
    use crate::oauth_serve::{assert_no_secret_logged, settled_view};
    use crate::serve_kill::{exchange, start_with};
    let graph = GraphServer::start_for_provider(KEY, series(), Vec::new());
    graph.set_directory(vec![DirectoryUser {
        display_name: "Ann Example".into(),
        mail: "ann@contoso.test".into(),
        user_principal_name: "ann@contoso.test".into(),
        proxy_addresses: Vec::new(),
    }]);
    let mut options = ProviderOptions::new(REDIRECT, KEY, USER);
    options.token_lifetime = Duration::from_secs(2);
    let provider = TestOAuthProvider::start(options);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("ferry.toml"),
        format!(
            "data_dir = \"state\"\n[network]\nallowed_networks = [\"127.0.0.0/8\"]\nallowed_ports = []\n[sessions]\nsecure_cookie = false\n{}",
            site_toml(graph.base_url.as_str(), &provider, 0)
        ),
    )
    .unwrap();
    let log = std::fs::File::create(dir.path().join("serve.log")).unwrap();
    let server = start_with(dir.path(), std::process::Stdio::from(log), &[]);
    let mut answers = String::new();
    let cookie = sign_in_served(&server, &mut answers);
    let mut ask = |method: &str, path: &str, cookie: Option<&str>, body: Option<&Value>| {
        let (head, text) = exchange(&server, method, path, cookie, body);
        answers.push_str(&head);
        answers.push_str(&text);
        (head, text)
    };
    let checked = json!({"addresses": ["ann@contoso.test"]});
    let (_, text) = ask(
        "POST",
        "/api/addresses/check",
        Some(&cookie),
        Some(&checked),
    );
    assert!(text.contains("\"resolved\""), "{text}");
    std::thread::sleep(Duration::from_millis(2100));
    let job = json!({
        "files": [{"name": "team-calendar.ics", "text": calendar_text()}],
        "rules": rules(),
    });
    let (_, text) = ask("POST", "/api/calendar-jobs", Some(&cookie), Some(&job));
    let view = settled_view(&server, &text, &cookie);
    answers.push_str(&view.to_string());
    assert_eq!(view["state"], "done", "{view:#}");
    assert!(provider.counts().refreshes >= 1, "the token was renewed");
    drop(server);

    assert_no_secret_logged(&dir.path().join("serve.log"), &answers, &provider, &[]);
}
