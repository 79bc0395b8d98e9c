//! Signing in with OAuth2 (code with PKCE) through the API, driven
//! in-process against the test provider and real Dovecot servers: the
//! old mailbox accepts only the provider's tokens (XOAUTH2), the new one
//! a password. A full sign-in lets a move run to the end; a forged,
//! reused or other browser's `state` is refused; a job outliving its
//! access token renews it (and keeps the rotated refresh token); a
//! revoked refresh token makes the job wait for sign-in, and signing in
//! again lets it go on. No token shows up in an answer.

use crate::jobs::{Servers, assert_target_is_source, seeded_servers, watch};
use crate::sign_in::{Answer, TestApp, get, post, send, test_app};
use axum::http::{StatusCode, header};
use ferry_backend::config::site::SiteConfig;
use ferry_mail::imap::{Credentials, Endpoint, Security, Session, SessionOptions};
use ferry_testkit::dovecot::{Dovecot, DovecotOptions, Layout, oauth2_token_with};
use ferry_testkit::oauth_provider::{ProviderOptions, TestOAuthProvider};
use secrecy::SecretString;
use serde_json::json;
use std::time::Duration;

pub const KEY: &[u8] = b"ferry-test-oauth2-signing-key-0123456789";
pub const REDIRECT: &str = "https://ferry.test/api/oauth/callback";

/// An OAuth2-only old mailbox (seeded) and a password new one.
pub fn oauth_servers() -> Servers {
    let mut options = DovecotOptions::new(Layout::LegacyDotted);
    options.oauth2_key = Some(KEY.to_vec());
    seeded_servers(options, 40, 11)
}

/// The site: `oauth-imap` (the old mailbox, through `provider`) and
/// `new-imap` (password), tokens renewed `margin_secs` before expiry.
pub fn site_toml(
    servers: &Servers,
    provider: &TestOAuthProvider,
    margin_secs: u64,
    secret_env: Option<&str>,
) -> String {
    let listed = format!(
        r#"
[[servers]]
id = "oauth-imap"
label = "Test Mail"
kind = "imap"
role = "source"
host = "127.0.0.1"
port = {source}
tls = "none"
auth = ["oauth2"]
oauth = "test"

[[servers]]
id = "new-imap"
label = "New Mail"
kind = "imap"
role = "target"
host = "127.0.0.1"
port = {target}
tls = "none"
"#,
        source = servers.source.addr().port(),
        target = servers.target.addr().port(),
    );
    oauth_site_toml(&listed, provider, margin_secs, secret_env)
}

/// A site listing `servers` (TOML) with the provider `test` at
/// `provider` (its client secret from `secret_env` when given), tokens
/// renewed `margin_secs` before expiry.
pub fn oauth_site_toml(
    servers: &str,
    provider: &TestOAuthProvider,
    margin_secs: u64,
    secret_env: Option<&str>,
) -> String {
    let secret = secret_env
        .map(|name| format!("client_secret_env = \"{name}\"\n"))
        .unwrap_or_default();
    format!(
        r#"
[login]
attempts_per_address_per_minute = 1000

[jobs]
token_refresh_margin_secs = {margin_secs}
{servers}
[oauth.test]
authorize_url = "{authorize}"
token_url = "{token}"
client_id = "ferry-test"
{secret}scopes = ["openid", "email", "offline_access"]
redirect_url = "{REDIRECT}"
"#,
        authorize = provider.authorize_url(),
        token = provider.token_url(),
    )
}

async fn app_for(servers: &Servers, provider: &TestOAuthProvider, margin_secs: u64) -> TestApp {
    app_for_toml(&site_toml(servers, provider, margin_secs, None)).await
}

/// The app for the site `toml` (loopback allowed).
pub async fn app_for_toml(toml: &str) -> TestApp {
    let site: SiteConfig = toml::from_str(toml).unwrap();
    site.validate().unwrap();
    test_app(site, true).await
}

/// The value of cookie `name` an answer sets, as `name=value`.
pub fn set_cookie(answer: &Answer, name: &str) -> Option<String> {
    answer
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .map(|value| value.split(';').next().unwrap_or_default().to_string())
        .find(|pair| pair.starts_with(&format!("{name}=")) && pair.len() > name.len() + 1)
}

pub fn location(answer: &Answer) -> String {
    answer.headers[header::LOCATION]
        .to_str()
        .unwrap()
        .to_string()
}

/// A client for the test provider: no redirects followed.
fn http_client() -> reqwest::Client {
    let tls = ferry_net::tls::client_config(None).unwrap();
    reqwest::Client::builder()
        .use_preconfigured_tls((*tls).clone())
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap()
}

/// Where the provider sends the browser from `authorize_url`: the
/// redirect URI with `code` and `state`.
pub async fn provider_redirect(authorize_url: &str) -> String {
    let response = http_client().get(authorize_url).send().await.unwrap();
    assert_eq!(
        response.status().as_u16(),
        302,
        "{:?}",
        response.text().await
    );
    response.headers()["location"].to_str().unwrap().to_string()
}

/// The callback request a browser makes from the provider's redirect,
/// with its `ferry-oauth` cookie.
pub fn callback_request(
    redirect: &str,
    browser: Option<&str>,
) -> axum::http::Request<axum::body::Body> {
    let path = redirect.strip_prefix("https://ferry.test").unwrap();
    get(path, browser)
}

/// A whole "Sign in with" round on `side` of the session `cookie`; the
/// callback's answer, and the callback request's path (to try again).
async fn oauth_round(
    app: &TestApp,
    cookie: Option<&str>,
    side: &str,
) -> (Answer, String, Option<String>) {
    let started = send(
        &app.router,
        get(
            &format!("/api/oauth/oauth-imap/start?side={side}&user=alice"),
            cookie,
        ),
    )
    .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.text);
    let browser = set_cookie(&started, "__Secure-ferry-oauth").expect("the browser cookie");
    let redirect = provider_redirect(&location(&started)).await;
    let answer = send(&app.router, callback_request(&redirect, Some(&browser))).await;
    (answer, redirect, Some(browser))
}

/// Signs in to the old mailbox with OAuth2, then the new one with a
/// password; the session cookie.
pub async fn sign_in_both(app: &TestApp) -> String {
    let (answer, _, _) = oauth_round(app, None, "source").await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text);
    assert_eq!(location(&answer), "/#move");
    let cookie = set_cookie(&answer, "__Host-ferry").expect("a session");
    let target = send(
        &app.router,
        post(
            "/api/sign-in",
            &json!({"side": "target", "server": {"type": "listed", "id": "new-imap"}, "user": "alice", "password": "alice-secret"}),
            Some(&cookie),
        ),
    )
    .await;
    assert_eq!(target.status, StatusCode::OK, "{}", target.text);
    target.cookie().unwrap()
}

/// The job's views until its end, which must be done.
async fn run_to_done(app: &TestApp, id: &str, cookie: &str) -> Vec<serde_json::Value> {
    let views = watch(app, id, cookie).await;
    let last = views.last().unwrap();
    assert_eq!(last["state"], "done", "{last:#}");
    views
}

async fn start_job(app: &TestApp, cookie: &str) -> String {
    let started = send(&app.router, post("/api/jobs", &json!({}), Some(cookie))).await;
    assert_eq!(started.status, StatusCode::CREATED, "{}", started.text);
    started.json()["id"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_with_oauth2_lets_a_move_run_to_the_end() {
    let servers = oauth_servers();
    let provider = TestOAuthProvider::start(ProviderOptions::new(REDIRECT, KEY, "alice"));
    let app = app_for(&servers, &provider, 300).await;

    let site = send(&app.router, get("/api/site", None)).await.json();
    assert_eq!(site["servers"][0]["oauth"], true, "{site}");
    assert_eq!(site["servers"][1]["oauth"], false, "{site}");
    let password = send(
        &app.router,
        post(
            "/api/sign-in",
            &json!({"side": "source", "server": {"type": "listed", "id": "oauth-imap"}, "user": "alice", "password": "alice-secret"}),
            None,
        ),
    )
    .await;
    assert_eq!(password.json()["error"]["code"], "password_not_accepted");

    let (answer, _, _) = oauth_round(&app, None, "source").await;
    assert_eq!(location(&answer), "/#move", "{:?}", answer.headers);
    let first = set_cookie(&answer, "__Host-ferry").unwrap();
    let session = send(&app.router, get("/api/session", Some(&first)))
        .await
        .json();
    assert_eq!(session["source"]["user"], "alice", "{session}");
    assert_eq!(session["source"]["server"], "Test Mail");
    assert_eq!(provider.counts().codes_redeemed, 1);

    let cookie = sign_in_both(&app).await;
    let id = start_job(&app, &cookie).await;
    let views = run_to_done(&app, &id, &cookie).await;
    assert_target_is_source(&servers);

    let mut answers = answer.text.clone();
    for view in &views {
        answers.push_str(&view.to_string());
    }
    answers.push_str(&format!("{:?}", answer.headers));
    for token in provider.issued_tokens() {
        assert!(!answers.contains(&token), "a token is in an answer");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_reused_or_foreign_states_are_refused() {
    let servers = oauth_servers();
    let provider = TestOAuthProvider::start(ProviderOptions::new(REDIRECT, KEY, "alice"));
    let app = app_for(&servers, &provider, 300).await;
    let expired = "/?sign_in_error=sign_in_expired#move";

    // A state Ferry never gave.
    let forged = send(
        &app.router,
        get(
            "/api/oauth/callback?code=x&state=forged",
            Some("__Secure-ferry-oauth=b"),
        ),
    )
    .await;
    assert_eq!(forged.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&forged), expired);
    assert!(set_cookie(&forged, "__Host-ferry").is_none());

    // The real callback, once: a second time is refused.
    let (answer, redirect, browser) = oauth_round(&app, None, "source").await;
    assert_eq!(location(&answer), "/#move");
    let again = send(&app.router, callback_request(&redirect, browser.as_deref())).await;
    assert_eq!(location(&again), expired);
    assert!(set_cookie(&again, "__Host-ferry").is_none());

    // Another browser (without, or with another, ferry-oauth cookie)
    // cannot finish someone's sign-in; and the attempt ends it.
    let started = send(
        &app.router,
        get("/api/oauth/oauth-imap/start?side=source", None),
    )
    .await;
    let redirect = provider_redirect(&location(&started)).await;
    for cookie in [None, Some("__Secure-ferry-oauth=someone-else")] {
        let foreign = send(&app.router, callback_request(&redirect, cookie)).await;
        assert_eq!(location(&foreign), expired);
    }
    let browser = set_cookie(&started, "__Secure-ferry-oauth").unwrap();
    let late = send(&app.router, callback_request(&redirect, Some(&browser))).await;
    assert_eq!(location(&late), expired);
    assert_eq!(
        provider.counts().codes_redeemed,
        1,
        "only the one real sign-in"
    );

    // The provider's refusal comes back as a plain code.
    let started = send(
        &app.router,
        get("/api/oauth/oauth-imap/start?side=source", None),
    )
    .await;
    let browser = set_cookie(&started, "__Secure-ferry-oauth").unwrap();
    let state = url::Url::parse(&location(&started))
        .unwrap()
        .query_pairs()
        .find(|(name, _)| name == "state")
        .unwrap()
        .1
        .into_owned();
    let denied = send(
        &app.router,
        get(
            &format!("/api/oauth/callback?error=access_denied&state={state}"),
            Some(&browser),
        ),
    )
    .await;
    assert_eq!(location(&denied), "/?sign_in_error=sign_in_cancelled#move");

    // Unknown servers and sides the server does not take.
    for (path, code) in [
        ("/api/oauth/new-imap/start?side=target", "unknown_server"),
        ("/api/oauth/oauth-imap/start?side=target", "wrong_side"),
        ("/api/oauth/oauth-imap/start?side=sideways", "invalid_input"),
    ] {
        let refused = send(&app.router, get(path, None)).await;
        assert_eq!(
            location(&refused),
            format!("/?sign_in_error={code}#move"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn the_provider_refuses_a_wrong_verifier() {
    let provider = TestOAuthProvider::start(ProviderOptions::new(REDIRECT, KEY, "alice"));
    let verifier = SecretString::from("a".repeat(43));
    let challenge = ferry_backend::oauth::pkce::challenge(&verifier);
    let authorize = format!(
        "{}?response_type=code&client_id=ferry-test&redirect_uri={}&state=s&code_challenge={challenge}&code_challenge_method=S256",
        provider.authorize_url(),
        url::form_urlencoded::byte_serialize(REDIRECT.as_bytes()).collect::<String>()
    );
    let redirect = provider_redirect(&authorize).await;
    let code = url::Url::parse(&redirect)
        .unwrap()
        .query_pairs()
        .find(|(name, _)| name == "code")
        .unwrap()
        .1
        .into_owned();
    let trade = |verifier: &str| {
        http_client()
            .post(provider.token_url())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(
                url::form_urlencoded::Serializer::new(String::new())
                    .append_pair("grant_type", "authorization_code")
                    .append_pair("code", &code)
                    .append_pair("redirect_uri", REDIRECT)
                    .append_pair("client_id", "ferry-test")
                    .append_pair("code_verifier", verifier)
                    .finish(),
            )
            .send()
    };
    let wrong = trade(&"b".repeat(43)).await.unwrap();
    assert_eq!(wrong.status().as_u16(), 400);
    assert!(wrong.text().await.unwrap().contains("invalid_grant"));
    // The code was used up by the wrong try.
    let right = trade(&"a".repeat(43)).await.unwrap();
    assert_eq!(right.status().as_u16(), 400);
    assert_eq!(provider.counts().codes_redeemed, 0);
}

/// Dovecot refuses an access token past its `exp`: what makes renewal
/// necessary.
async fn assert_dovecot_refuses_expired_tokens(server: &Dovecot) {
    let endpoint = Endpoint {
        host: "127.0.0.1".into(),
        port: server.addr().port(),
        security: Security::Plain,
        pinned_certificate: None,
        address_policy: None,
    };
    let token = oauth2_token_with(KEY, "alice", Duration::from_secs(1));
    let credentials = Credentials::XOAuth2 {
        user: "alice".into(),
        token: SecretString::from(token),
    };
    let mut fresh = Session::connect(&endpoint, SessionOptions::default())
        .await
        .unwrap();
    fresh
        .authenticate(&credentials)
        .await
        .expect("a live token works");
    fresh.logout().await;
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let mut late = Session::connect(&endpoint, SessionOptions::default())
        .await
        .unwrap();
    assert!(
        late.authenticate(&credentials).await.is_err(),
        "an expired token is refused"
    );
}

/// Both mailboxes signed in, the old one with a 2-second access token
/// and no renewal margin (a token is renewed only once really expired);
/// the session cookie.
async fn signed_in_with_short_tokens() -> (Servers, TestOAuthProvider, TestApp, String) {
    let servers = oauth_servers();
    let provider = TestOAuthProvider::start(ProviderOptions::new(REDIRECT, KEY, "alice"));
    provider.set_token_lifetime(Duration::from_secs(2));
    let app = app_for(&servers, &provider, 0).await;
    let cookie = sign_in_both(&app).await;
    (servers, provider, app, cookie)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_outliving_its_access_token_renews_it() {
    let (servers, provider, app, cookie) = signed_in_with_short_tokens().await;
    assert_eq!(provider.counts().refreshes, 0);
    // The job waits (as in a full queue) past the token's end.
    tokio::time::sleep(Duration::from_millis(3100)).await;
    let id = start_job(&app, &cookie).await;
    run_to_done(&app, &id, &cookie).await;
    assert_target_is_source(&servers);
    assert_eq!(provider.counts().refreshes, 1);

    // Again, later: the rotated refresh token (the first one is spent)
    // renews it once more.
    tokio::time::sleep(Duration::from_millis(3100)).await;
    let again = send(
        &app.router,
        post(&format!("/api/jobs/{id}/run"), &json!({}), Some(&cookie)),
    )
    .await;
    assert_eq!(again.status, StatusCode::ACCEPTED, "{}", again.text);
    run_to_done(&app, &id, &cookie).await;
    assert_eq!(provider.counts().refreshes, 2);
    // Last (a refused sign-in slows the server's next ones down).
    assert_dovecot_refuses_expired_tokens(&servers.source).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_refresh_token_makes_the_job_wait_for_sign_in() {
    let (servers, provider, app, cookie) = signed_in_with_short_tokens().await;
    provider.revoke_refresh_tokens();
    tokio::time::sleep(Duration::from_millis(3100)).await;
    let id = start_job(&app, &cookie).await;
    // Waiting is not an end: the view is asked until it says so.
    let mut last = serde_json::Value::Null;
    for _ in 0..300 {
        last = send(&app.router, get(&format!("/api/jobs/{id}"), Some(&cookie)))
            .await
            .json();
        if last["state"] != "queued" && last["state"] != "running" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(last["state"], "waiting_for_sign_in", "{last:#}");
    let error = last["error"].as_str().unwrap_or_default();
    assert!(error.contains("sign in again"), "{last:#}");
    assert!(provider.counts().refused >= 1);

    // Signing in again (the same session, its target kept) lets it go on.
    provider.set_token_lifetime(Duration::from_secs(3600));
    let (answer, _, _) = oauth_round(&app, Some(&cookie), "source").await;
    assert_eq!(location(&answer), "/#move");
    let cookie = set_cookie(&answer, "__Host-ferry").unwrap();
    let session = send(&app.router, get("/api/session", Some(&cookie)))
        .await
        .json();
    assert_eq!(session["target"]["user"], "alice", "{session}");
    run_to_done(&app, &id, &cookie).await;
    assert_target_is_source(&servers);
}
