//! The real `ferry serve` with a site key (`credentials_key_env`) and an
//! old mailbox signed in with OAuth2: killed with SIGKILL mid-copy, then
//! started again, the job renews the access with the kept (rotated)
//! refresh token and goes on by itself to an exact target. No token is
//! in the store's file or its write-ahead log; another key opens
//! nothing, and the job waits for its user.

use crate::jobs::Servers;
use crate::oauth_serve::sign_in_both;
use crate::oauth_sign_in::{KEY, REDIRECT, site_toml};
use crate::serve_kill::{
    KEY_VARIABLE, assert_another_key_opens_nothing, seeded_servers_with,
    start_and_wait_for_progress, start_with_key, stored, wait_in_store,
};
use ferry_testkit::dovecot::{DovecotOptions, Layout};
use ferry_testkit::oauth_provider::{ProviderOptions, TestOAuthProvider};
use ferry_testkit::verify::{compare, legacy_to_slash, snapshot};
use std::process::Stdio;
use std::time::Duration;

const SITE_KEY: &str = "9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b";

#[test]
fn with_a_site_key_an_oauth2_move_killed_mid_copy_renews_and_goes_on_after_restart() {
    let mut options = DovecotOptions::new(Layout::LegacyDotted);
    options.oauth2_key = Some(KEY.to_vec());
    let (source, target) = seeded_servers_with(options, 17);
    let servers = Servers { source, target };
    let provider = TestOAuthProvider::start(ProviderOptions::new(REDIRECT, KEY, "alice"));
    provider.set_token_lifetime(Duration::from_secs(2));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("ferry.toml"),
        format!(
            "data_dir = \"state\"\n[network]\nallowed_networks = [\"127.0.0.0/8\"]\nallowed_ports = []\n[sessions]\nsecure_cookie = false\n[store]\ncredentials_key_env = \"{KEY_VARIABLE}\"\n{}",
            site_toml(&servers, &provider, 0, None)
        ),
    )
    .unwrap();
    let owner = format!("127.0.0.1:{}/alice", servers.source.addr().port());

    let mut first = start_with_key(dir.path(), Stdio::null(), Some(SITE_KEY));
    let cookie = sign_in_both(&first, &mut String::new());
    // The token expires before the job connects: the job renews it, and
    // the provider rotates the refresh token (the first one is spent).
    std::thread::sleep(Duration::from_millis(2100));
    let id = start_and_wait_for_progress(&first, &cookie);
    assert_eq!(provider.counts().refreshes, 1);
    first.kill();

    let bytes = stored(dir.path());
    let issued = provider.issued_tokens();
    assert!(issued.len() >= 4, "two access and refresh tokens");
    for token in issued.iter().map(String::as_str).chain(["alice-secret"]) {
        assert!(
            !bytes.windows(token.len()).any(|w| w == token.as_bytes()),
            "a token or password is in the store in plain text"
        );
    }

    assert_another_key_opens_nothing(dir.path(), &owner, &id, SITE_KEY);
    assert_eq!(
        provider.counts().refreshes,
        1,
        "nothing renewed without the key"
    );

    // The right key: the kept sign-in renews the access and the job ends
    // with nobody signed in.
    let second = start_with_key(dir.path(), Stdio::null(), Some(SITE_KEY));
    let end = wait_in_store(dir.path(), &owner, &id, |view| {
        matches!(
            view["state"].as_str(),
            Some("done" | "failed" | "cancelled" | "waiting_for_sign_in")
        )
    });
    assert_eq!(end["state"], "done", "{end}");
    assert!(
        provider.counts().refreshes >= 2,
        "renewed after the restart"
    );
    drop(second);
    let source_mail = snapshot(&servers.source, "alice", "alice-secret").unwrap();
    let target_mail = snapshot(&servers.target, "alice", "alice-secret").unwrap();
    let problems = compare(&source_mail, &target_mail, legacy_to_slash);
    assert!(problems.is_empty(), "{problems:#?}");
}
