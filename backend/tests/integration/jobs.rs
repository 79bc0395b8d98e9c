//! Jobs through the API, driven in-process against two real Dovecot
//! servers: a signed-in user starts a move, watches it over server-sent
//! events to the end, and the target then holds exactly the source's
//! mail; the report downloads; another user cannot see or stop the job
//! (404); a job whose credentials were lost in a restart waits for its
//! user and goes on, without duplicates, when they sign in again.

use crate::sign_in::{TestApp, form, get, post, send, test_app};
use axum::http::{StatusCode, header};
use ferry_backend::config::site::SiteConfig;
use ferry_testkit::dovecot::{Dovecot, DovecotOptions, Layout};
use ferry_testkit::mailgen::{MailboxSpec, generate};
use ferry_testkit::verify::{compare, legacy_to_slash, seed, snapshot};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use std::time::Duration;
use tower::ServiceExt;

pub struct Servers {
    pub source: Dovecot,
    pub target: Dovecot,
}

fn servers() -> Servers {
    let mut source_options = DovecotOptions::new(Layout::LegacyDotted);
    source_options
        .users
        .push(("bob".into(), "bob-secret".into()));
    seeded_servers(source_options, 60, 7)
}

/// A legacy source started with `source_options`, seeded with `messages`
/// (generated from `seed_value`), and an empty slash-separated target.
pub fn seeded_servers(source_options: DovecotOptions, messages: usize, seed_value: u64) -> Servers {
    let source = Dovecot::start(source_options).unwrap();
    let target = Dovecot::start(DovecotOptions::new(Layout::Slash)).unwrap();
    let spec = MailboxSpec {
        messages,
        large_messages: 0,
        ..MailboxSpec::small(seed_value)
    };
    seed(&source, &generate(&spec)).unwrap();
    Servers { source, target }
}

/// Signs `user` in to both servers; the session cookie.
async fn sign_in_both(app: &TestApp, servers: &Servers, user: &str, password: &str) -> String {
    let first = send(
        &app.router,
        post(
            "/api/sign-in",
            &form("source", &servers.source, user, password),
            None,
        ),
    )
    .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    let cookie = first.cookie().unwrap();
    let second = send(
        &app.router,
        post(
            "/api/sign-in",
            &form("target", &servers.target, "alice", "alice-secret"),
            Some(&cookie),
        ),
    )
    .await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.text);
    second.cookie().unwrap()
}

/// The job views pushed over `/events` until the job ends.
pub async fn watch(app: &TestApp, id: &str, cookie: &str) -> Vec<Value> {
    let response = app
        .router
        .clone()
        .oneshot(get(&format!("/api/jobs/{id}/events"), Some(cookie)))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "text/event-stream"
    );
    let mut body = response.into_body();
    let mut views = Vec::new();
    let mut text = String::new();
    let read = async {
        while let Some(frame) = body.frame().await {
            let Ok(data) = frame.unwrap().into_data() else {
                continue;
            };
            text.push_str(&String::from_utf8_lossy(&data));
            while let Some(end) = text.find("\n\n") {
                let block: String = text.drain(..end + 2).collect();
                for line in block.lines() {
                    if let Some(json) = line.strip_prefix("data: ") {
                        views.push(serde_json::from_str::<Value>(json).unwrap());
                    }
                }
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(120), read)
        .await
        .expect("the job ends within two minutes");
    views
}

/// Runs job `id` again and watches it end done; the views.
pub async fn run_again_to_done(app: &TestApp, id: &str, cookie: &str) -> Vec<Value> {
    let again = send(
        &app.router,
        post(&format!("/api/jobs/{id}/run"), &json!({}), Some(cookie)),
    )
    .await;
    assert_eq!(again.status, StatusCode::ACCEPTED, "{}", again.text);
    let views = watch(app, id, cookie).await;
    let last = views.last().unwrap();
    assert_eq!(last["state"], "done", "{last:#}");
    views
}

pub fn assert_target_is_source(servers: &Servers) {
    let source = snapshot(&servers.source, "alice", "alice-secret").unwrap();
    let target = snapshot(&servers.target, "alice", "alice-secret").unwrap();
    let problems = compare(&source, &target, legacy_to_slash);
    assert!(problems.is_empty(), "{problems:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_moves_their_mail_watches_it_and_gets_the_report() {
    let servers = servers();
    let app = test_app(SiteConfig::default(), true).await;
    let cookie = sign_in_both(&app, &servers, "alice", "alice-secret").await;

    let started = send(&app.router, post("/api/jobs", &json!({}), Some(&cookie))).await;
    assert_eq!(started.status, StatusCode::CREATED, "{}", started.text);
    let id = started.json()["id"].as_str().unwrap().to_string();

    let views = watch(&app, &id, &cookie).await;
    let last = views.last().unwrap();
    assert_eq!(last["state"], "done", "{last:#}");
    assert!(views.len() >= 2, "progress was pushed: {views:#?}");
    let folders = last["folders"].as_array().unwrap();
    assert!(!folders.is_empty());
    let copied: u64 = folders.iter().map(|f| f["copied"].as_u64().unwrap()).sum();
    let to_copy: u64 = folders.iter().map(|f| f["to_copy"].as_u64().unwrap()).sum();
    assert_eq!(copied, to_copy);
    assert!(copied > 0, "{copied}");
    assert!(folders.iter().all(|f| f["done"] == true));
    assert_target_is_source(&servers);
    // The throughput chart's samples: from nothing at the start to the
    // run's totals at its end, in time order.
    let bytes_done: u64 = folders
        .iter()
        .map(|f| f["bytes_done"].as_u64().unwrap())
        .sum();
    let samples = throughput(last);
    assert!(samples.len() >= 2, "{samples:?}");
    assert_eq!(samples[0], (0, 0), "{samples:?}");
    assert_eq!(
        *samples.last().unwrap(),
        (bytes_done, copied),
        "{samples:?}"
    );
    assert!(samples.windows(2).all(|w| w[0] <= w[1]), "{samples:?}");

    let list = send(&app.router, get("/api/jobs", Some(&cookie))).await;
    assert_eq!(list.json()[0]["id"], id.as_str());
    let csv = send(
        &app.router,
        get(&format!("/api/jobs/{id}/report.csv"), Some(&cookie)),
    )
    .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.text
            .starts_with("source folder,target folder,to copy,copied"),
        "{}",
        csv.text
    );
    assert_eq!(csv.text.lines().count(), folders.len() + 1);
    let report = send(
        &app.router,
        get(&format!("/api/jobs/{id}/report.json"), Some(&cookie)),
    )
    .await;
    assert_eq!(report.json()["state"], "done");

    // The cut-over: run again, nothing is copied twice.
    let views = run_again_to_done(&app, &id, &cookie).await;
    let copied_again: u64 = views.last().unwrap()["folders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["copied"].as_u64().unwrap())
        .sum();
    assert_eq!(copied_again, 0);
    assert_eq!(
        throughput(views.last().unwrap()).last(),
        Some(&(0, 0)),
        "a new run starts a new series"
    );
    assert_target_is_source(&servers);
}

/// A view's throughput samples as (bytes, messages).
fn throughput(view: &Value) -> Vec<(u64, u64)> {
    let mut millis = 0;
    view["throughput"]
        .as_array()
        .unwrap()
        .iter()
        .map(|point| {
            let at = point["millis"].as_u64().unwrap();
            assert!(at >= millis, "samples out of order: {view}");
            millis = at;
            (
                point["bytes"].as_u64().unwrap(),
                point["messages"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_user_cannot_see_or_control_a_job() {
    let servers = servers();
    let app = test_app(SiteConfig::default(), true).await;
    let alice = sign_in_both(&app, &servers, "alice", "alice-secret").await;
    let bob = sign_in_both(&app, &servers, "bob", "bob-secret").await;
    let started = send(&app.router, post("/api/jobs", &json!({}), Some(&alice))).await;
    let id = started.json()["id"].as_str().unwrap().to_string();
    for request in [
        get(&format!("/api/jobs/{id}"), Some(&bob)),
        get(&format!("/api/jobs/{id}/events"), Some(&bob)),
        get(&format!("/api/jobs/{id}/report.csv"), Some(&bob)),
        post(&format!("/api/jobs/{id}/cancel"), &json!({}), Some(&bob)),
        post(&format!("/api/jobs/{id}/run"), &json!({}), Some(&bob)),
    ] {
        let answer = send(&app.router, request).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{}", answer.text);
    }
    let bobs = send(&app.router, get("/api/jobs", Some(&bob))).await;
    assert_eq!(bobs.json(), json!([]));
    // Without a session: 401, not the job.
    let anonymous = send(&app.router, get(&format!("/api/jobs/{id}"), None)).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    // Alice may stop her own.
    let cancelled = send(
        &app.router,
        post(&format!("/api/jobs/{id}/cancel"), &json!({}), Some(&alice)),
    )
    .await;
    assert_eq!(cancelled.status, StatusCode::NO_CONTENT);
    let view = send(&app.router, get(&format!("/api/jobs/{id}"), Some(&alice))).await;
    assert!(
        matches!(view.json()["state"].as_str(), Some("cancelled" | "done")),
        "{}",
        view.text
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_that_lost_its_credentials_waits_and_goes_on_after_sign_in() {
    let servers = servers();
    let dir = tempfile::tempdir().unwrap();
    let site = {
        let mut site = SiteConfig::default();
        site.network.allowed_networks = vec!["127.0.0.0/8".parse().unwrap()];
        site.network.allowed_ports = Vec::new();
        site
    };
    let make = |site: SiteConfig| {
        let data = dir.path().join("data");
        async move {
            let config = ferry_backend::config::ServeConfig {
                data_dir: data.clone(),
                site,
                ..Default::default()
            };
            let store = ferry_backend::store::Store::open(&data).await.unwrap();
            ferry_backend::server::AppState::new(config, store)
        }
    };
    // A job recorded as running by a process that then died.
    let before = make(site.clone()).await;
    before
        .store
        .create_job(&ferry_backend::store::jobs::NewJob {
            id: "job-1".into(),
            owner: format!("127.0.0.1:{}/alice", servers.source.addr().port()),
            source: ferry_shared::api::Account {
                server: "127.0.0.1".into(),
                user: "alice".into(),
            },
            target: ferry_shared::api::Account {
                server: "127.0.0.1".into(),
                user: "alice".into(),
            },
            pair: format!(
                "alice@127.0.0.1:{} -> alice@127.0.0.1:{}",
                servers.source.addr().port(),
                servers.target.addr().port()
            ),
            folders: None,
        })
        .await
        .unwrap();
    before
        .store
        .set_job_state("job-1", ferry_shared::api::JobState::Running, None)
        .await
        .unwrap();
    // The restart.
    let state = make(site).await;
    assert_eq!(state.jobs.recover().await.unwrap(), (0, 1));
    let app = TestApp {
        router: ferry_backend::server::app(state),
        _dir: tempfile::tempdir().unwrap(),
    };
    let source_only = send(
        &app.router,
        post(
            "/api/sign-in",
            &form("source", &servers.source, "alice", "alice-secret"),
            None,
        ),
    )
    .await;
    let cookie = source_only.cookie().unwrap();
    let waiting = send(&app.router, get("/api/jobs/job-1", Some(&cookie))).await;
    assert_eq!(
        waiting.json()["state"],
        "waiting_for_sign_in",
        "{}",
        waiting.text
    );
    let both = send(
        &app.router,
        post(
            "/api/sign-in",
            &form("target", &servers.target, "alice", "alice-secret"),
            Some(&cookie),
        ),
    )
    .await;
    let cookie = both.cookie().unwrap();
    let views = watch(&app, "job-1", &cookie).await;
    assert_eq!(views.last().unwrap()["state"], "done", "{views:#?}");
    assert_target_is_source(&servers);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_user_sees_the_folders_and_moves_only_those_chosen() {
    let servers = servers();
    let app = test_app(SiteConfig::default(), true).await;
    let cookie = sign_in_both(&app, &servers, "alice", "alice-secret").await;
    let listed = send(&app.router, get("/api/folders", Some(&cookie))).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text);
    let folders = listed.json();
    let folders = folders.as_array().unwrap();
    let total: u64 = folders
        .iter()
        .map(|f| f["messages"].as_u64().unwrap())
        .sum();
    assert!(total >= 50, "{folders:#?}");
    assert!(
        folders.iter().all(|f| f["bytes"].as_u64().is_some()),
        "{folders:#?}"
    );
    let inbox = folders.iter().find(|f| f["name"] == "INBOX").unwrap();

    let none = send(
        &app.router,
        post("/api/jobs", &json!({"folders": []}), Some(&cookie)),
    )
    .await;
    assert_eq!(none.json()["error"]["code"], "nothing_chosen");
    let started = send(
        &app.router,
        post("/api/jobs", &json!({"folders": ["INBOX"]}), Some(&cookie)),
    )
    .await;
    assert_eq!(started.status, StatusCode::CREATED, "{}", started.text);
    let id = started.json()["id"].as_str().unwrap().to_string();
    let views = watch(&app, &id, &cookie).await;
    let last = views.last().unwrap();
    assert_eq!(last["state"], "done", "{last:#}");
    let moved = last["folders"].as_array().unwrap();
    assert_eq!(moved.len(), 1, "{moved:#?}");
    assert_eq!(moved[0]["source"], "INBOX");
    assert_eq!(moved[0]["copied"], inbox["messages"]);
}
