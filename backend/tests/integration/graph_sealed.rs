//! The real `ferry serve` with a site key and a calendar job into the
//! Microsoft Graph stand-in, signed in through the test OAuth2 provider.
//! The access token expires before the job starts, so the job renews it
//! first and the provider rotates the refresh token (spending the one
//! from the sign-in); the job keeps the new one sealed. The stand-in
//! then carries out the first create and stalls, and Ferry is killed
//! with SIGKILL. Another key opens nothing (the job waits, renewing
//! nothing); the right key renews the access with the kept refresh token
//! and the job ends done, every item on the server once. No token is in
//! the store's file, its write-ahead log or the logs.

use crate::calendar_sealed::{
    SITE_KEY, assert_nowhere_on_disk, assert_resumed_to_done, assert_unsealed, kill_mid_run, log,
};
use crate::calendar_targets::{calendar_text, contacts_text, start_job};
use crate::graph_calendar::{USER, series, sign_in_served, site_toml};
use crate::oauth_sign_in::{KEY, REDIRECT};
use crate::serve_kill::{KEY_VARIABLE, assert_another_key_opens_nothing, call, start_with_key};
use ferry_testkit::graph_server::{Fault, GraphServer, Scripted};
use ferry_testkit::oauth_provider::{ProviderOptions, TestOAuthProvider};
use std::time::Duration;

#[test]
fn with_a_site_key_a_graph_calendar_job_killed_mid_run_renews_and_goes_on_after_restart() {
    let stall = Scripted {
        on: "POST",
        fault: Fault::CommitThenStall { ms: 600_000 },
    };
    let graph = GraphServer::start_for_provider(KEY, series(), vec![stall]);
    let provider = TestOAuthProvider::start(ProviderOptions {
        token_lifetime: Duration::from_secs(2),
        ..ProviderOptions::new(REDIRECT, KEY, USER)
    });
    let config = format!(
        "data_dir = \"state\"\n[network]\nallowed_networks = [\"127.0.0.0/8\"]\nallowed_ports = []\n\
         [sessions]\nsecure_cookie = false\n[store]\ncredentials_key_env = \"{KEY_VARIABLE}\"\n{}",
        site_toml(graph.base_url.as_str(), &provider, 0)
    );
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    std::fs::write(dir.join("ferry.toml"), config).unwrap();
    let url = &graph.base_url;
    let owner = format!(
        "calendar:{}:{}/{USER}",
        url.host_str().unwrap(),
        url.port().unwrap()
    );

    let first = start_with_key(dir, log(dir, "first.log"), Some(SITE_KEY));
    let cookie = sign_in_served(&first, &mut String::new());
    // The access token expires before the job connects.
    std::thread::sleep(Duration::from_millis(2100));
    let files = [
        ("team-calendar.ics", calendar_text()),
        ("009.vcf", contacts_text()),
    ];
    let (status, _, created) = call(
        &first,
        "POST",
        "/api/calendar-jobs",
        Some(&cookie),
        Some(&start_job(&files)),
    );
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    let created_before = kill_mid_run(first, || graph.items().len());
    assert_eq!(provider.counts().refreshes, 1, "renewed before the run");
    let tokens = provider.issued_tokens();
    assert!(tokens.len() >= 4, "two access and refresh tokens");
    let tokens: Vec<&str> = tokens.iter().map(String::as_str).collect();
    assert_nowhere_on_disk(dir, &[], &tokens);

    assert_another_key_opens_nothing(dir, &owner, &id, SITE_KEY);
    assert_eq!(provider.counts().refreshes, 1, "renewed without the key");
    assert_eq!(
        graph.items().len(),
        created_before,
        "created without the key"
    );

    // The right key: the kept (rotated) refresh token renews the access.
    let second = start_with_key(dir, log(dir, "second.log"), Some(SITE_KEY));
    let (to_insert, ..) = assert_resumed_to_done(dir, &owner, &id);
    assert!(
        provider.counts().refreshes >= 2,
        "renewed after the restart"
    );
    assert_eq!(provider.counts().refused, 0, "no spent token was offered");
    let key_counts = graph.key_counts();
    assert!(key_counts.values().all(|n| *n == 1), "{key_counts:?}");
    assert!(key_counts.len() as u64 <= to_insert, "{key_counts:?}");
    drop(second);
    assert_unsealed(dir, &id);
    let tokens = provider.issued_tokens();
    let mut secrets: Vec<&str> = tokens.iter().map(String::as_str).collect();
    secrets.push(SITE_KEY);
    let logs = ["first.log", "second.log", "other-key.log"];
    assert_nowhere_on_disk(dir, &logs, &secrets);
}
