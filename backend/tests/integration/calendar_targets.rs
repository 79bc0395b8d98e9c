//! Calendar targets in the web flow, driven in-process
//! (`Router::oneshot`) against the EWS test server (every request
//! checked against Microsoft's schemas) and a real Radicale: signing in
//! to a listed EWS or CalDAV server is checked first (a wrong password
//! is a plain `401`, no password in any answer); a calendar job puts the
//! team calendar and ten vCards in to `done`, counted on the server; a
//! re-run creates nothing; the upload limit is a plain `413`; another
//! user's job is `404`; a job cut off by a restart goes on when its user
//! signs in to the calendar again; addresses are checked against the EWS directory
//! (resolved, not found, ambiguous) and a CalDAV target says it has none.

use crate::fixtures;
use crate::sign_in::{get, post, send, test_app};
use axum::Router;
use axum::http::StatusCode;
use ferry_backend::config::ServeConfig;
use ferry_backend::config::site::{ServerConfig, SiteConfig};
use ferry_backend::server::{AppState, app};
use ferry_backend::store::Store;
use ferry_shared::convert::exchange::ExchangeOptions;
use ferry_shared::mapping::MappingRules;
use ferry_targets::caldav::xml::multistatus::XmlLimits;
use ferry_targets::caldav::{CollectionKind, DavClient};
use ferry_targets::http::{Credentials, HttpOptions};
use ferry_testkit::ews_server::EwsServer;
use ferry_testkit::exchange_series::series_starts;
use ferry_testkit::radicale::{Radicale, RadicaleOptions};
use secrecy::SecretString;
use serde_json::{Value, json};
use std::time::Duration;

const CANARY: &str = "canary-CalendarTarget-pa55-41c9";

pub fn calendar_text() -> String {
    std::fs::read_to_string(fixtures().join("../static/samples/team-calendar.ics")).unwrap()
}

pub fn contacts_text() -> String {
    std::fs::read_to_string(fixtures().join("corpora/calcard/vcard/009.vcf")).unwrap()
}

pub fn rules() -> MappingRules {
    MappingRules {
        default_zone: Some("Europe/Berlin".into()),
        ..MappingRules::default()
    }
}

pub fn basic(user: &str, password: &str) -> String {
    use base64::Engine as _;
    let pair = format!("{user}:{password}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
}

fn server(id: &str, kind: &str, url: &str) -> ServerConfig {
    toml::from_str(&format!(
        "id = \"{id}\"\nlabel = \"New {kind}\"\nkind = \"{kind}\"\nrole = \"target\"\nurl = \"{url}\"\n"
    ))
    .unwrap()
}

fn site(servers: Vec<ServerConfig>) -> SiteConfig {
    let mut site = SiteConfig {
        servers,
        ..SiteConfig::default()
    };
    site.login.attempts_per_address_per_minute = 100;
    site
}

fn sign_in_form(id: &str, user: &str, password: &str) -> Value {
    json!({"side": "target", "server": {"type": "listed", "id": id}, "user": user, "password": password})
}

/// Signs in and returns the cookie, asserting the answer names the
/// calendar target and not the password.
async fn sign_in(router: &Router, id: &str, user: &str, password: &str) -> String {
    let answer = send(
        router,
        post("/api/sign-in", &sign_in_form(id, user, password), None),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_eq!(answer.json()["calendar"]["user"], user);
    assert!(!answer.text.contains(password));
    answer.cookie().unwrap()
}

pub fn start_job(files: &[(&str, String)]) -> Value {
    json!({
        "files": files.iter().map(|(name, text)| json!({"name": name, "text": text})).collect::<Vec<_>>(),
        "rules": rules(),
    })
}

/// Starts a calendar job and waits for its end; its view.
pub async fn run_job(router: &Router, cookie: &str, files: &[(&str, String)]) -> Value {
    let started = send(
        router,
        post("/api/calendar-jobs", &start_job(files), Some(cookie)),
    )
    .await;
    assert_eq!(started.status, StatusCode::CREATED, "{}", started.text);
    let id = started.json()["id"].as_str().unwrap().to_string();
    wait_for_end(router, cookie, &id).await
}

pub async fn wait_for_end(router: &Router, cookie: &str, id: &str) -> Value {
    for _ in 0..600 {
        let view = send(router, get(&format!("/api/jobs/{id}"), Some(cookie))).await;
        assert_eq!(view.status, StatusCode::OK, "{}", view.text);
        let json = view.json();
        if matches!(
            json["state"].as_str(),
            Some("done" | "failed" | "cancelled")
        ) {
            return json;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the job did not end");
}

/// `(to_insert, inserted, already_there, failed)` over all files.
pub fn totals(view: &Value) -> (u64, u64, u64, u64) {
    let files = view["files"].as_array().unwrap();
    let sum = |key: &str| files.iter().map(|f| f[key].as_u64().unwrap()).sum();
    (
        sum("to_insert"),
        sum("inserted"),
        sum("already_there"),
        sum("failed"),
    )
}

/// The view `first` of a job over the team calendar and the vCards is
/// done with every item put in, and the server holds each once
/// (`key_counts`), the standup's moved occurrence as the one change of
/// its series (`updated`). The number of items to put in.
pub fn assert_all_put_in_once(
    first: &Value,
    key_counts: &std::collections::BTreeMap<String, usize>,
    updated: usize,
) -> u64 {
    assert_eq!(first["state"], "done", "{first}");
    assert_eq!(first["kind"], "calendar");
    let (to_insert, inserted, already, failed) = totals(first);
    assert!(to_insert >= 15, "{first}");
    assert_eq!((inserted, already, failed), (to_insert, 0, 0), "{first}");
    assert_eq!(updated, 1, "the moved occurrence");
    assert_eq!(key_counts.len() as u64, to_insert - 1, "{key_counts:?}");
    assert!(key_counts.values().all(|n| *n == 1), "{key_counts:?}");
    to_insert
}

/// Runs job `id` again.
pub async fn run_again(router: &Router, id: &str, cookie: &str) {
    let again = send(
        router,
        post(&format!("/api/jobs/{id}/run"), &json!({}), Some(cookie)),
    )
    .await;
    assert_eq!(again.status, StatusCode::ACCEPTED, "{}", again.text);
}

/// Runs job `id` (of `to_insert` items) again: done, every item already
/// there. Its view.
pub async fn rerun_finds_everything(
    router: &Router,
    cookie: &str,
    id: &str,
    to_insert: u64,
) -> Value {
    run_again(router, id, cookie).await;
    let second = wait_for_end(router, cookie, id).await;
    assert_eq!(second["state"], "done", "{second}");
    assert_eq!(totals(&second), (to_insert, 0, to_insert, 0), "{second}");
    second
}

#[tokio::test]
async fn signing_in_to_ews_and_caldav_is_checked_first() {
    let ews = EwsServer::start(
        "web-sign-in",
        &basic("alice", CANARY),
        Default::default(),
        Vec::new(),
    );
    let radicale = Radicale::start(RadicaleOptions {
        users: vec![("alice".into(), CANARY.into())],
        ..RadicaleOptions::default()
    })
    .unwrap();
    let servers = vec![
        server("exchange", "ews", ews.url.as_str()),
        server("dav", "caldav", &radicale.base_url()),
        server("m365", "graph", "https://graph.microsoft.com/v1.0"),
    ];
    let app = test_app(site(servers.clone()), true).await;
    for id in ["exchange", "dav"] {
        let wrong = send(
            &app.router,
            post(
                "/api/sign-in",
                &sign_in_form(id, "alice", "canary-wrong-Pw-77"),
                None,
            ),
        )
        .await;
        assert_eq!(
            wrong.status,
            StatusCode::UNAUTHORIZED,
            "{id}: {}",
            wrong.text
        );
        assert_eq!(wrong.json()["error"]["code"], "sign_in_refused");
        assert_eq!(
            wrong.json()["error"]["message"],
            "The new mailbox refused the user name or password."
        );
        assert!(!wrong.text.contains("canary-wrong-Pw-77"));
        let cookie = sign_in(&app.router, id, "alice", CANARY).await;
        let session = send(&app.router, get("/api/session", Some(&cookie))).await;
        let kind = if id == "exchange" { "ews" } else { "caldav" };
        assert_eq!(session.json()["calendar"]["kind"], kind);
        assert!(
            session.json()["target"].is_null(),
            "the mail target is apart"
        );
        assert!(!session.text.contains(CANARY));
        let source = send(
            &app.router,
            post(
                "/api/sign-in",
                &json!({"side": "source", "server": {"type": "listed", "id": id}, "user": "alice", "password": CANARY}),
                None,
            ),
        )
        .await;
        assert_eq!(source.status, StatusCode::BAD_REQUEST);
        assert_eq!(source.json()["error"]["code"], "wrong_side");
    }
    let graph = send(
        &app.router,
        post("/api/sign-in", &sign_in_form("m365", "alice", CANARY), None),
    )
    .await;
    assert_eq!(graph.json()["error"]["code"], "not_supported_yet");

    // Without loopback allowed, the server's address is refused before
    // any connection.
    let strict = test_app(site(servers), false).await;
    let refused = send(
        &strict.router,
        post(
            "/api/sign-in",
            &sign_in_form("exchange", "alice", CANARY),
            None,
        ),
    )
    .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.text);
    assert_eq!(refused.json()["error"]["code"], "server_not_allowed");
    assert!(!refused.text.contains(CANARY));
}

/// The occurrences of the series of the team calendar and the vCards,
/// by source key, for the EWS and Graph stand-ins.
pub fn files_series() -> std::collections::HashMap<String, Vec<String>> {
    let options = ExchangeOptions {
        date_zone: Some("Europe/Berlin".into()),
        ..ExchangeOptions::default()
    };
    let mut series = series_starts(calendar_text().as_bytes(), &rules(), &options);
    series.extend(series_starts(
        contacts_text().as_bytes(),
        &rules(),
        &options,
    ));
    series
}

#[tokio::test]
async fn a_calendar_job_puts_the_files_into_ews_exactly_once() {
    let ews = EwsServer::start(
        "web-job",
        &basic("alice", CANARY),
        files_series(),
        Vec::new(),
    );
    let app = test_app(
        site(vec![server("exchange", "ews", ews.url.as_str())]),
        true,
    )
    .await;
    let cookie = sign_in(&app.router, "exchange", "alice", CANARY).await;
    let files = [
        ("team-calendar.ics", calendar_text()),
        ("009.vcf", contacts_text()),
    ];

    let first = run_job(&app.router, &cookie, &files).await;
    let to_insert = assert_all_put_in_once(&first, &ews.key_counts(), ews.updated().len());
    let stored = ews.items().len();

    let id = first["id"].as_str().unwrap();
    rerun_finds_everything(&app.router, &cookie, id, to_insert).await;
    assert_eq!(ews.items().len(), stored, "a re-run creates nothing");
    assert!(ews.assert_requests_valid() > 0);

    let csv = send(
        &app.router,
        get(&format!("/api/jobs/{id}/report.csv"), Some(&cookie)),
    )
    .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.text
            .starts_with("file,line,kind,title,outcome,reason,losses")
    );
    assert_eq!(
        csv.text.matches(",already_there,").count() as u64,
        to_insert,
        "{}",
        csv.text
    );
    let report = send(
        &app.router,
        get(&format!("/api/jobs/{id}/report.json"), Some(&cookie)),
    )
    .await;
    assert_eq!(
        report.json()["items"].as_array().unwrap().len() as u64,
        to_insert
    );
    assert!(!report.text.contains(CANARY));
}

#[tokio::test]
async fn a_calendar_job_puts_the_files_into_radicale_and_stays_its_owners() {
    let radicale = Radicale::start(RadicaleOptions {
        users: vec![
            ("alice".into(), CANARY.into()),
            ("bob".into(), "bob-secret".into()),
        ],
        ..RadicaleOptions::default()
    })
    .unwrap();
    let mut limited = site(vec![server("dav", "caldav", &radicale.base_url())]);
    limited.jobs.max_upload_bytes = 64 * 1024;
    let app = test_app(limited, true).await;
    let alice = sign_in(&app.router, "dav", "alice", CANARY).await;
    let files = [
        ("team-calendar.ics", calendar_text()),
        ("009.vcf", contacts_text()),
    ];

    let first = run_job(&app.router, &alice, &files).await;
    assert_eq!(first["state"], "done", "{first}");
    let (to_insert, inserted, _, failed) = totals(&first);
    assert_eq!((inserted, failed), (to_insert, 0), "{first}");
    let count = |kind, name: &'static str| {
        let client = DavClient::new(
            url::Url::parse(&radicale.base_url()).unwrap(),
            Credentials::new("alice", SecretString::from(CANARY)),
            HttpOptions::default(),
            XmlLimits::default(),
        )
        .unwrap();
        async move {
            let home = client.discover(kind).await.unwrap();
            let collections = client.collections(&home.home).await.unwrap();
            let collection = collections
                .iter()
                .find(|c| c.display_name.as_deref() == Some(name))
                .unwrap();
            client.members(&collection.url).await.unwrap().len()
        }
    };
    // Five UIDs (a series with its moved occurrence is one resource),
    // ten cards.
    assert_eq!(
        count(CollectionKind::Calendar, "Imported calendar").await,
        5
    );
    assert_eq!(
        count(CollectionKind::AddressBook, "Imported contacts").await,
        10
    );

    let id = first["id"].as_str().unwrap();
    let again = send(
        &app.router,
        post(&format!("/api/jobs/{id}/run"), &json!({}), Some(&alice)),
    )
    .await;
    assert_eq!(again.status, StatusCode::ACCEPTED);
    let second = wait_for_end(&app.router, &alice, id).await;
    assert_eq!(totals(&second), (to_insert, 0, to_insert, 0), "{second}");
    assert_eq!(
        count(CollectionKind::Calendar, "Imported calendar").await,
        5
    );

    // Bob sees nothing of Alice's job.
    let bob = sign_in(&app.router, "dav", "bob", "bob-secret").await;
    for path in [
        format!("/api/jobs/{id}"),
        format!("/api/jobs/{id}/report.csv"),
    ] {
        let answer = send(&app.router, get(&path, Some(&bob))).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
    }
    let rerun = send(
        &app.router,
        post(&format!("/api/jobs/{id}/run"), &json!({}), Some(&bob)),
    )
    .await;
    assert_eq!(rerun.status, StatusCode::NOT_FOUND);
    let listed = send(&app.router, get("/api/jobs", Some(&bob))).await;
    assert_eq!(listed.json(), json!([]));

    // More than the site's upload limit: a plain 413.
    let big = [("big.ics", "X".repeat(70 * 1024))];
    let too_large = send(
        &app.router,
        post("/api/calendar-jobs", &start_job(&big), Some(&alice)),
    )
    .await;
    assert_eq!(
        too_large.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        too_large.text
    );
    assert_eq!(too_large.json()["error"]["code"], "too_large");

    // A CalDAV server has no directory.
    let check = send(
        &app.router,
        post(
            "/api/addresses/check",
            &json!({"addresses": ["bob@example.com"]}),
            Some(&alice),
        ),
    )
    .await;
    assert_eq!(check.status, StatusCode::OK);
    assert!(
        check.json()["unavailable"]
            .as_str()
            .unwrap()
            .contains("no directory")
    );
}

/// Checks `addresses` in the session `cookie`: the first must be found
/// as Ann Example, the second not found, the third match two people.
/// The answer's text.
pub async fn assert_three_checked(router: &Router, cookie: &str, addresses: [&str; 3]) -> String {
    let answer = send(
        router,
        post(
            "/api/addresses/check",
            &json!({ "addresses": addresses }),
            Some(cookie),
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let checked = answer.json()["addresses"].clone();
    assert_eq!(checked[0]["status"], "resolved", "{checked}");
    assert_eq!(checked[0]["name"], "Ann Example");
    assert_eq!(checked[1]["status"], "not_found", "{checked}");
    assert_eq!(checked[2]["status"], "ambiguous", "{checked}");
    assert_eq!(checked[2]["candidates"].as_array().unwrap().len(), 2);
    answer.text
}

#[tokio::test]
async fn addresses_are_checked_against_the_ews_directory() {
    let ews = EwsServer::start(
        "web-resolve",
        &basic("alice", CANARY),
        Default::default(),
        Vec::new(),
    );
    ews.set_directory(&[
        ("Ann Example", "ann@example.com"),
        ("Team One", "team.one@example.com"),
        ("Team Two", "team.two@example.com"),
    ]);
    let mut limited = site(vec![server("exchange", "ews", ews.url.as_str())]);
    limited.jobs.max_addresses_checked = 3;
    let app = test_app(limited, true).await;
    let cookie = sign_in(&app.router, "exchange", "alice", CANARY).await;
    assert_three_checked(
        &app.router,
        &cookie,
        ["ann@example.com", "nobody@example.com", "team"],
    )
    .await;

    let too_many = send(
        &app.router,
        post(
            "/api/addresses/check",
            &json!({"addresses": ["a", "b", "c", "d"]}),
            Some(&cookie),
        ),
    )
    .await;
    assert_eq!(too_many.status, StatusCode::BAD_REQUEST);
    assert_eq!(too_many.json()["error"]["code"], "too_many_addresses");
    let nobody = send(
        &app.router,
        post("/api/addresses/check", &json!({"addresses": ["a"]}), None),
    )
    .await;
    assert_eq!(nobody.status, StatusCode::UNAUTHORIZED);
}

/// The app over the data folder `dir` (as after a restart: unfinished
/// jobs wait for their users), loopback allowed.
async fn app_over(dir: &std::path::Path, mut site: SiteConfig) -> Router {
    site.network.allowed_networks = vec!["127.0.0.0/8".parse().unwrap()];
    site.network.allowed_ports = Vec::new();
    let config = ServeConfig {
        data_dir: dir.join("data"),
        static_dir: dir.join("dist"),
        site,
        ..ServeConfig::default()
    };
    let store = Store::open(&config.data_dir).await.unwrap();
    let state = AppState::new(config, store);
    state.jobs.recover().await.unwrap();
    app(state)
}

#[tokio::test]
async fn a_calendar_job_cut_off_by_a_restart_goes_on_when_its_user_signs_in_again() {
    let radicale = Radicale::start(RadicaleOptions {
        users: vec![("alice".into(), CANARY.into())],
        ..RadicaleOptions::default()
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let servers = site(vec![server("dav", "caldav", &radicale.base_url())]);
    let before = app_over(dir.path(), servers.clone()).await;
    let cookie = sign_in(&before, "dav", "alice", CANARY).await;
    let files = [("team-calendar.ics", calendar_text())];
    let first = run_job(&before, &cookie, &files).await;
    assert_eq!(first["state"], "done", "{first}");
    let id = first["id"].as_str().unwrap();
    // As if Ferry was killed mid-run: the job is still marked running.
    let store = Store::open(&dir.path().join("data")).await.unwrap();
    store
        .set_job_state(id, ferry_shared::api::JobState::Running, None)
        .await
        .unwrap();

    let after = app_over(dir.path(), servers).await;
    let cookie = sign_in(&after, "dav", "alice", CANARY).await;
    let resumed = wait_for_end(&after, &cookie, id).await;
    assert_eq!(resumed["state"], "done", "{resumed}");
    let (to_insert, inserted, already, failed) = totals(&resumed);
    assert_eq!((inserted, already, failed), (0, to_insert, 0), "{resumed}");
}
