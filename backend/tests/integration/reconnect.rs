//! Mail jobs whose connections drop mid-copy, driven in-process through
//! the API against real Dovecot servers behind a cutting proxy: the job
//! reconnects and ends done with the target exactly the source (nothing
//! twice), its progress never going back; an OAuth2 mailbox whose
//! connection drops after its access token expired renews the token on
//! reconnecting; a server that keeps refusing connections ends the job
//! `failed` after the bounded tries, in plain words.

use crate::jobs::{Servers, assert_target_is_source, run_again_to_done, seeded_servers, watch};
use crate::oauth_sign_in::{KEY, REDIRECT, app_for_toml, sign_in_both as oauth_sign_in, site_toml};
use crate::sign_in::{TestApp, get, post, send, test_app};
use axum::http::StatusCode;
use ferry_backend::config::site::SiteConfig;
use ferry_testkit::dovecot::{DovecotOptions, Layout};
use ferry_testkit::oauth_provider::{ProviderOptions, TestOAuthProvider};
use ferry_testkit::proxy::CuttingProxy;
use ferry_testkit::verify::snapshot;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::time::Duration;

/// Signs alice in to both mailboxes, reached on these loopback ports
/// (the proxies'); the session cookie.
async fn sign_in_through(app: &TestApp, source_port: u16, target_port: u16) -> String {
    let mut cookie = None;
    for (side, port) in [("source", source_port), ("target", target_port)] {
        let form = json!({
            "side": side,
            "server": {"type": "imap", "host": "127.0.0.1", "port": port, "security": "plain"},
            "user": "alice",
            "password": "alice-secret",
        });
        let answer = send(&app.router, post("/api/sign-in", &form, cookie.as_deref())).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
        cookie = answer.cookie();
    }
    cookie.unwrap()
}

async fn start_job(app: &TestApp, cookie: &str) -> String {
    let started = send(&app.router, post("/api/jobs", &json!({}), Some(cookie))).await;
    assert_eq!(started.status, StatusCode::CREATED, "{}", started.text);
    started.json()["id"].as_str().unwrap().to_string()
}

fn folders(view: &Value) -> &Vec<Value> {
    view["folders"].as_array().unwrap()
}

fn sum(view: &Value, field: &str) -> u64 {
    folders(view)
        .iter()
        .map(|f| f[field].as_u64().unwrap())
        .sum()
}

/// The views' progress never goes back: no folder's copied count
/// shrinks, none is counted twice (at the end, what was to copy was
/// copied, no more than the source holds), and the throughput chart
/// adds up to the bars across every reconnect.
fn assert_progress_truthful(views: &[Value], source_messages: u64) {
    let mut seen: HashMap<String, u64> = HashMap::new();
    for view in views {
        for folder in folders(view) {
            let copied = folder["copied"].as_u64().unwrap();
            let before = seen
                .insert(folder["source"].as_str().unwrap().to_string(), copied)
                .unwrap_or(0);
            assert!(copied >= before, "the bar went back: {view:#}");
        }
    }
    let last = views.last().unwrap();
    let copied = sum(last, "copied");
    assert_eq!(copied, sum(last, "to_copy"), "{last:#}");
    assert!(copied <= source_messages, "counted twice: {last:#}");
    assert!(copied > 0);
    assert!(folders(last).iter().all(|f| f["done"] == true), "{last:#}");
    let samples = last["throughput"].as_array().unwrap();
    let end = samples.last().unwrap();
    assert_eq!(end["messages"].as_u64(), Some(copied), "{last:#}");
    assert_eq!(
        end["bytes"].as_u64(),
        Some(sum(last, "bytes_done")),
        "{last:#}"
    );
}

/// How many messages the old mailbox holds.
fn source_messages(servers: &Servers) -> u64 {
    let mail = snapshot(&servers.source, "alice", "alice-secret").unwrap();
    mail.values()
        .map(|folder| folder.messages.len() as u64)
        .sum()
}

fn said_reconnected(views: &[Value]) -> bool {
    views.iter().any(|view| {
        view["state"] == "running"
            && view["error"]
                .as_str()
                .is_some_and(|note| note.contains("dropped; reconnect"))
    })
}

const MESSAGES: usize = 300;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_dropped_mid_copy_are_reconnected_and_the_target_is_exact() {
    let servers = seeded_servers(DovecotOptions::new(Layout::LegacyDotted), MESSAGES, 21);
    let source = CuttingProxy::forwarding(servers.source.addr()).unwrap();
    let target = CuttingProxy::forwarding(servers.target.addr()).unwrap();
    let mut site = SiteConfig::default();
    site.jobs.reconnect_delay_secs = 0;
    let app = test_app(site, true).await;
    let cookie = sign_in_through(&app, source.addr().port(), target.addr().port()).await;
    let signed_in = (source.connections(), target.connections());

    // Twice the old server's connection drops mid-fetch (1 MB in); once
    // the new server's drops among the appends (4 KB of answers in).
    source.cut_next(2, 1_000_000, Duration::ZERO);
    target.cut_next(1, 4_000, Duration::ZERO);
    let id = start_job(&app, &cookie).await;
    let views = watch(&app, &id, &cookie).await;
    let last = views.last().unwrap();
    assert_eq!(last["state"], "done", "{last:#}");
    assert_eq!(last["error"], Value::Null, "{last:#}");
    assert_eq!((source.cuts(), target.cuts()), (2, 1));
    assert!(
        source.connections() - signed_in.0 >= 4 && target.connections() - signed_in.1 >= 4,
        "each drop was followed by new connections: {} {}",
        source.connections(),
        target.connections()
    );
    assert!(said_reconnected(&views), "{views:#?}");
    assert_progress_truthful(&views, source_messages(&servers));
    assert_target_is_source(&servers);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_keeps_refusing_fails_the_job_after_the_bounded_tries() {
    let servers = seeded_servers(DovecotOptions::new(Layout::LegacyDotted), 20, 22);
    let source = CuttingProxy::forwarding(servers.source.addr()).unwrap();
    let mut site = SiteConfig::default();
    site.jobs.reconnect_attempts = 2;
    site.jobs.reconnect_delay_secs = 1;
    let app = test_app(site, true).await;
    let cookie = sign_in_through(&app, source.addr().port(), servers.target.addr().port()).await;
    let signed_in = source.connections();

    source.refuse(true);
    let id = start_job(&app, &cookie).await;
    let views = watch(&app, &id, &cookie).await;
    let last = views.last().unwrap();
    assert_eq!(last["state"], "failed", "{last:#}");
    let reason = last["error"].as_str().unwrap();
    assert!(
        reason.starts_with("The old mailbox could not be opened")
            && reason.contains("reconnected 2 times in a row")
            && reason.ends_with("Run it again to go on where it stopped."),
        "{reason}"
    );
    assert_eq!(
        source.connections() - signed_in,
        3,
        "the first try and two more"
    );
    assert!(said_reconnected(&views), "{views:#?}");

    // The server back, running it again copies everything.
    source.refuse(false);
    run_again_to_done(&app, &id, &cookie).await;
    assert_target_is_source(&servers);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_drop_after_the_access_token_expired_renews_it_on_reconnecting() {
    let mut options = DovecotOptions::new(Layout::LegacyDotted);
    options.oauth2_key = Some(KEY.to_vec());
    let servers: Servers = seeded_servers(options, MESSAGES, 23);
    let source = CuttingProxy::forwarding(servers.source.addr()).unwrap();
    let provider = TestOAuthProvider::start(ProviderOptions::new(REDIRECT, KEY, "alice"));
    provider.set_token_lifetime(Duration::from_secs(2));
    // The site's old server is the proxy; tokens renewed only once expired.
    let toml = site_toml(&servers, &provider, 0, None).replace(
        &format!("port = {}\n", servers.source.addr().port()),
        &format!("port = {}\n", source.addr().port()),
    );
    let app = app_for_toml(&toml).await;
    let cookie = oauth_sign_in(&app).await;
    assert_eq!(provider.counts().refreshes, 0);

    // The old server's connection hangs 1 MB in, past the token's end,
    // then drops.
    source.cut_next(1, 1_000_000, Duration::from_millis(2500));
    let id = start_job(&app, &cookie).await;
    let views = watch(&app, &id, &cookie).await;
    let last = views.last().unwrap();
    assert_eq!(last["state"], "done", "{last:#}");
    assert_eq!(source.cuts(), 1);
    assert!(
        provider.counts().refreshes >= 1,
        "the reconnect renewed the token"
    );
    assert!(said_reconnected(&views), "{views:#?}");
    assert_progress_truthful(&views, source_messages(&servers));
    assert_target_is_source(&servers);
    let view = send(&app.router, get(&format!("/api/jobs/{id}"), Some(&cookie)))
        .await
        .text;
    for token in provider.issued_tokens() {
        assert!(!view.contains(&token), "a token is in an answer");
    }
}
