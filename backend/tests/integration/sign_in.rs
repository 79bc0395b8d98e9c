//! Signing in through the API, driven in-process (`Router::oneshot`)
//! against a real Dovecot on loopback: the mailbox is checked before it
//! counts, the session id changes at each sign-in and rides in a strict
//! cookie, a wrong password is a plain `401` that shows the password
//! nowhere, attempts are limited (`429` with `Retry-After`), loopback is
//! refused unless the site allows it, and requests from other sites are
//! refused.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use ferry_backend::config::ServeConfig;
use ferry_backend::config::site::SiteConfig;
use ferry_backend::server::{AppState, app};
use ferry_backend::store::Store;
use ferry_testkit::dovecot::{Dovecot, DovecotOptions, Layout};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

const CANARY: &str = "canary-SignIn-pa55-7f3e";

pub struct TestApp {
    pub router: Router,
    pub _dir: tempfile::TempDir,
}

/// The app with `site` (its network allowing loopback when
/// `allow_loopback`).
pub async fn test_app(mut site: SiteConfig, allow_loopback: bool) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    if allow_loopback {
        site.network.allowed_networks = vec!["127.0.0.0/8".parse().unwrap()];
        site.network.allowed_ports = Vec::new();
    }
    let config = ServeConfig {
        data_dir: dir.path().join("data"),
        static_dir: dir.path().join("dist"),
        site,
        ..ServeConfig::default()
    };
    let store = Store::open(&config.data_dir).await.unwrap();
    TestApp {
        router: app(AppState::new(config, store)),
        _dir: dir,
    }
}

/// The app's state with `site` (loopback allowed) over the store in
/// `data`: made again on the same folder, it is Ferry after a restart.
pub async fn state_over(data: &std::path::Path, mut site: SiteConfig) -> AppState {
    site.network.allowed_networks = vec!["127.0.0.0/8".parse().unwrap()];
    site.network.allowed_ports = Vec::new();
    let config = ServeConfig {
        data_dir: data.to_path_buf(),
        site,
        ..ServeConfig::default()
    };
    AppState::new(config, Store::open(data).await.unwrap())
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap()
    }

    /// The session cookie set, as `name=value`.
    pub fn cookie(&self) -> Option<String> {
        let value = self.headers.get(header::SET_COOKIE)?.to_str().ok()?;
        Some(value.split(';').next()?.to_string())
    }
}

pub async fn send(router: &Router, request: Request<Body>) -> Answer {
    let response = router.clone().oneshot(request).await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    let body = response.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        headers,
        text: String::from_utf8(body.to_vec()).unwrap(),
    }
}

/// A POST as Ferry's page sends it.
pub fn post(uri: &str, body: &Value, cookie: Option<&str>) -> Request<Body> {
    let mut request = Request::post(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-ferry-request", "1")
        .header(header::HOST, "ferry.test");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    request.body(Body::from(body.to_string())).unwrap()
}

pub fn get(uri: &str, cookie: Option<&str>) -> Request<Body> {
    let mut request = Request::get(uri);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    request.body(Body::empty()).unwrap()
}

pub fn form(side: &str, server: &Dovecot, user: &str, password: &str) -> Value {
    json!({
        "side": side,
        "server": {"type": "imap", "host": "127.0.0.1", "port": server.addr().port(), "security": "plain"},
        "user": user,
        "password": password,
    })
}

#[tokio::test]
async fn sign_in_checks_the_mailbox_and_gives_a_new_session_each_time() {
    let (source, target) = (
        Dovecot::start(DovecotOptions::new(Layout::LegacyDotted)).unwrap(),
        Dovecot::start(DovecotOptions::new(Layout::LegacyDotted)).unwrap(),
    );
    let app = test_app(SiteConfig::default(), true).await;

    let first = send(
        &app.router,
        post(
            "/api/sign-in",
            &form("source", &source, "alice", "alice-secret"),
            None,
        ),
    )
    .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    assert_eq!(first.json()["source"]["user"], "alice");
    let set_cookie = first.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_string();
    for part in [
        "__Host-ferry=",
        "HttpOnly",
        "Secure",
        "SameSite=Strict",
        "Path=/",
    ] {
        assert!(set_cookie.contains(part), "{set_cookie}");
    }
    let first_cookie = first.cookie().unwrap();

    let view = send(&app.router, get("/api/session", Some(&first_cookie))).await;
    assert_eq!(view.json()["source"]["server"], "127.0.0.1");
    assert!(view.json()["target"].is_null());

    let second = send(
        &app.router,
        post(
            "/api/sign-in",
            &form("target", &target, "alice", "alice-secret"),
            Some(&first_cookie),
        ),
    )
    .await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.text);
    let second_cookie = second.cookie().unwrap();
    assert_ne!(second_cookie, first_cookie, "a new id at each sign-in");
    assert_eq!(second.json()["source"]["user"], "alice");
    assert_eq!(second.json()["target"]["user"], "alice");
    let old = send(&app.router, get("/api/session", Some(&first_cookie))).await;
    assert!(old.json()["source"].is_null(), "the old id is dead");

    let out = send(
        &app.router,
        post("/api/sign-out", &json!({}), Some(&second_cookie)),
    )
    .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert!(
        out.headers[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    let gone = send(&app.router, get("/api/session", Some(&second_cookie))).await;
    assert!(gone.json()["target"].is_null());
}

#[tokio::test]
async fn a_wrong_password_is_a_plain_401_and_repeated_failures_wait() {
    let server = Dovecot::start(DovecotOptions::new(Layout::LegacyDotted)).unwrap();
    let mut site = SiteConfig::default();
    site.login.failures_per_account_per_hour = 2;
    let app = test_app(site, true).await;
    for _ in 0..2 {
        let refused = send(
            &app.router,
            post(
                "/api/sign-in",
                &form("source", &server, "alice", CANARY),
                None,
            ),
        )
        .await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{}", refused.text);
        assert_eq!(refused.json()["error"]["code"], "sign_in_refused");
        assert_eq!(
            refused.json()["error"]["message"],
            "The old mailbox refused the user name or password."
        );
        assert!(!refused.text.contains(CANARY));
        assert!(refused.headers.get(header::SET_COOKIE).is_none());
    }
    // The account now waits, even with the right password.
    let waiting = send(
        &app.router,
        post(
            "/api/sign-in",
            &form("source", &server, "Alice", "alice-secret"),
            None,
        ),
    )
    .await;
    assert_eq!(
        waiting.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        waiting.text
    );
    let retry: u64 = waiting.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 3000 && retry <= 3600, "{retry}");
}

#[tokio::test]
async fn attempts_per_address_are_limited() {
    let server = Dovecot::start(DovecotOptions::new(Layout::LegacyDotted)).unwrap();
    let mut site = SiteConfig::default();
    site.login.attempts_per_address_per_minute = 2;
    let app = test_app(site, true).await;
    let mut statuses = Vec::new();
    for user in ["a", "b", "c"] {
        let answer = send(
            &app.router,
            post("/api/sign-in", &form("source", &server, user, "x"), None),
        )
        .await;
        statuses.push(answer.status);
        if answer.status == StatusCode::TOO_MANY_REQUESTS {
            assert!(answer.headers.contains_key(header::RETRY_AFTER));
            assert_eq!(answer.json()["error"]["code"], "too_many_attempts");
        }
    }
    assert_eq!(
        statuses,
        [
            StatusCode::UNAUTHORIZED,
            StatusCode::UNAUTHORIZED,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
}

#[tokio::test]
async fn loopback_and_private_hosts_are_refused_unless_the_site_allows_them() {
    let server = Dovecot::start(DovecotOptions::new(Layout::LegacyDotted)).unwrap();
    let mut site = SiteConfig::default();
    site.network.allowed_ports = Vec::new();
    let app = test_app(site, false).await;
    for host in [
        "127.0.0.1",
        "localhost",
        "10.0.0.1",
        "::ffff:127.0.0.1",
        "169.254.169.254",
    ] {
        let mut body = form("source", &server, "alice", "alice-secret");
        body["server"]["host"] = json!(host);
        let answer = send(&app.router, post("/api/sign-in", &body, None)).await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{host}: {}",
            answer.text
        );
        assert_eq!(
            answer.json()["error"]["code"],
            "server_not_allowed",
            "{host}"
        );
        assert!(
            answer.json()["error"]["message"]
                .as_str()
                .unwrap()
                .contains("which Ferry may not connect to"),
            "{}",
            answer.text
        );
    }
    // A port off the default list.
    let strict = test_app(SiteConfig::default(), false).await;
    let answer = send(
        &strict.router,
        post(
            "/api/sign-in",
            &form("source", &server, "alice", "alice-secret"),
            None,
        ),
    )
    .await;
    assert_eq!(
        answer.json()["error"]["code"],
        "server_not_allowed",
        "{}",
        answer.text
    );
    assert!(
        answer.text.contains("is not one this site allows"),
        "{}",
        answer.text
    );
}

#[tokio::test]
async fn requests_from_other_sites_and_bad_input_are_refused() {
    let app = test_app(SiteConfig::default(), true).await;
    let body = json!({
        "side": "source",
        "server": {"type": "imap", "host": "127.0.0.1", "port": 1, "security": "plain"},
        "user": "alice",
        "password": CANARY,
    });
    let no_header = Request::post("/api/sign-in")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let cross = Request::post("/api/sign-in")
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-ferry-request", "1")
        .header(header::HOST, "ferry.test")
        .header(header::ORIGIN, "https://evil.example")
        .body(Body::from(body.to_string()))
        .unwrap();
    for request in [no_header, cross] {
        let answer = send(&app.router, request).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{}", answer.text);
        assert_eq!(answer.json()["error"]["code"], "cross_site_request");
    }
    // A form post (not JSON) is refused too.
    let form_post = Request::post("/api/sign-in")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("x-ferry-request", "1")
        .body(Body::from("user=alice"))
        .unwrap();
    assert_eq!(
        send(&app.router, form_post).await.status,
        StatusCode::UNSUPPORTED_MEDIA_TYPE
    );
    // A user name with a line break never reaches a server.
    let mut injected = body.clone();
    injected["user"] = json!("alice\r\na2 DELETE INBOX");
    let answer = send(&app.router, post("/api/sign-in", &injected, None)).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.json()["error"]["code"], "invalid_input");
    assert!(!answer.text.contains(CANARY));
}

#[tokio::test]
async fn a_site_with_servers_offers_them_and_only_them() {
    let text = "[[servers]]\nid = \"old\"\nlabel = \"Old mail\"\nkind = \"imap\"\nrole = \"source\"\nhost = \"127.0.0.1\"\n";
    let site = ServeConfig::from_toml(text, &Default::default())
        .unwrap()
        .site;
    let app = test_app(site, true).await;
    let view = send(&app.router, get("/api/site", None)).await.json();
    assert_eq!(view["typed_servers"], false);
    assert_eq!(view["servers"][0]["label"], "Old mail");
    assert_eq!(view["servers"][0]["sides"], json!(["source"]));
    let typed = json!({
        "side": "source",
        "server": {"type": "imap", "host": "imap.example", "port": 993},
        "user": "alice", "password": "x",
    });
    let answer = send(&app.router, post("/api/sign-in", &typed, None)).await;
    assert_eq!(
        answer.json()["error"]["code"],
        "unknown_server",
        "{}",
        answer.text
    );
    let wrong_side = json!({
        "side": "target", "server": {"type": "listed", "id": "old"},
        "user": "alice", "password": "x",
    });
    let answer = send(&app.router, post("/api/sign-in", &wrong_side, None)).await;
    assert_eq!(
        answer.json()["error"]["code"],
        "wrong_side",
        "{}",
        answer.text
    );
}

#[tokio::test]
async fn a_self_signed_server_is_trusted_only_when_the_site_pins_its_certificate() {
    let server = Dovecot::start(DovecotOptions {
        tls: true,
        ..DovecotOptions::new(Layout::LegacyDotted)
    })
    .unwrap();
    let port = server.tls_addr().unwrap().port();
    // Typed by the user: the certificate is not from a trusted authority.
    let app = test_app(SiteConfig::default(), true).await;
    let mut typed = form("source", &server, "alice", "alice-secret");
    typed["server"]["port"] = json!(port);
    typed["server"]["security"] = json!("tls");
    let refused = send(&app.router, post("/api/sign-in", &typed, None)).await;
    assert_eq!(refused.status, StatusCode::BAD_GATEWAY, "{}", refused.text);
    assert_eq!(refused.json()["error"]["code"], "server_unreachable");
    assert!(refused.text.contains("certificate"), "{}", refused.text);

    // Listed by the site with its certificate pinned: trusted.
    let dir = tempfile::tempdir().unwrap();
    let pem = dir.path().join("server.der");
    std::fs::write(&pem, server.certificate_der().unwrap()).unwrap();
    let text = format!(
        "[[servers]]\nid = \"old\"\nlabel = \"Old mail\"\nkind = \"imap\"\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"implicit\"\npinned_certificate = {:?}\n",
        pem.display().to_string()
    );
    let site = ServeConfig::from_toml(&text, &Default::default())
        .unwrap()
        .site;
    let app = test_app(site, true).await;
    let listed = json!({
        "side": "source", "server": {"type": "listed", "id": "old"},
        "user": "alice", "password": "alice-secret",
    });
    let answer = send(&app.router, post("/api/sign-in", &listed, None)).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_eq!(answer.json()["source"]["server"], "Old mail");
}
