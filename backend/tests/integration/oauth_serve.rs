//! The real `ferry serve`, logging at the most verbose level, signing a
//! user in through the test provider as a confidential client (its
//! secret from the environment) and running a move whose access token
//! expires first: the client secret and every token issued are in no
//! log line and no answer.

use crate::oauth_sign_in::{REDIRECT, oauth_servers, site_toml};
use crate::serve_kill::{Server, exchange, start_with};
use ferry_testkit::oauth_provider::{ProviderOptions, TestOAuthProvider};
use serde_json::{Value, json};
use std::process::Stdio;
use std::time::{Duration, Instant};

const SECRET: &str = "canary-Client-5ecret-9d2a";
const SECRET_ENV: &str = "FERRY_TEST_OAUTH_CLIENT_SECRET";

pub fn header<'a>(head: &'a str, name: &str) -> Vec<&'a str> {
    head.lines()
        .filter_map(|line| line.split_once(": "))
        .filter(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value)
        .collect()
}

pub fn cookie_named(head: &str, name: &str) -> String {
    header(head, "set-cookie")
        .into_iter()
        .map(|value| value.split(';').next().unwrap().to_string())
        .find(|pair| pair.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} cookie in {head}"))
}

/// The provider's redirect back from `authorize_url` (blocking: this
/// test has no runtime).
pub fn provider_redirect(authorize_url: &str) -> String {
    let url = url::Url::parse(authorize_url).unwrap();
    let authority = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap());
    let mut stream = std::net::TcpStream::connect(&authority).unwrap();
    let target = format!("{}?{}", url.path(), url.query().unwrap_or_default());
    use std::io::{Read, Write};
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    let mut buffer = [0u8; 4096];
    // The test server keeps the connection open: read the head only.
    while !response.contains("\r\n\r\n") {
        let read = stream.read(&mut buffer).unwrap();
        assert!(read > 0, "{response}");
        response.push_str(&String::from_utf8_lossy(&buffer[..read]));
    }
    assert!(response.starts_with("HTTP/1.1 302"), "{response}");
    header(&response, "location")[0].to_string()
}

/// Signs alice in on `server`: the old mailbox through the provider,
/// the new one with a password; the session cookie. The answers are
/// added to `answers`.
pub fn sign_in_both(server: &Server, answers: &mut String) -> String {
    let (head, text) = exchange(
        server,
        "GET",
        "/api/oauth/oauth-imap/start?side=source&user=alice",
        None,
        None,
    );
    answers.push_str(&head);
    answers.push_str(&text);
    assert!(head.starts_with("HTTP/1.1 303"), "{head}");
    let browser = cookie_named(&head, "ferry-oauth");
    let back = provider_redirect(header(&head, "location")[0]);
    let callback = back.strip_prefix("https://ferry.test").unwrap();
    let (head, text) = exchange(server, "GET", callback, Some(&browser), None);
    answers.push_str(&head);
    answers.push_str(&text);
    assert_eq!(header(&head, "location"), ["/#move"], "{head}");
    let cookie = cookie_named(&head, "ferry");

    let target = json!({"side": "target", "server": {"type": "listed", "id": "new-imap"}, "user": "alice", "password": "alice-secret"});
    let (head, text) = exchange(server, "POST", "/api/sign-in", Some(&cookie), Some(&target));
    assert!(head.starts_with("HTTP/1.1 200"), "{head}{text}");
    cookie_named(&head, "ferry")
}

fn job_state(server: &Server, id: &str, cookie: &str) -> Value {
    let (_, text) = exchange(
        server,
        "GET",
        &format!("/api/jobs/{id}"),
        Some(cookie),
        None,
    );
    serde_json::from_str(&text).unwrap()
}

/// The view of the job `created` (the answer that started it) once it
/// is no longer queued or running (within two minutes).
pub fn settled_view(server: &Server, created: &str, cookie: &str) -> Value {
    let id = serde_json::from_str::<Value>(created).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let started = Instant::now();
    loop {
        let view = job_state(server, &id, cookie);
        if view["state"] != "queued" && view["state"] != "running" {
            return view;
        }
        assert!(started.elapsed() < Duration::from_secs(120), "{view}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn the_client_secret_and_the_tokens_are_in_no_log_or_answer() {
    let servers = oauth_servers();
    let mut options = ProviderOptions::new(REDIRECT, crate::oauth_sign_in::KEY, "alice");
    options.client_secret = Some(SECRET.into());
    options.token_lifetime = Duration::from_secs(2);
    let provider = TestOAuthProvider::start(options);
    let server_dir = tempfile::tempdir().unwrap();
    let dir = server_dir.path();
    std::fs::write(
        dir.join("ferry.toml"),
        format!(
            "data_dir = \"state\"\n[network]\nallowed_networks = [\"127.0.0.0/8\"]\nallowed_ports = []\n[sessions]\nsecure_cookie = false\n{}",
            site_toml(&servers, &provider, 0, Some(SECRET_ENV))
        ),
    )
    .unwrap();
    let log = std::fs::File::create(dir.join("serve.log")).unwrap();
    let server = start_with(dir, Stdio::from(log), &[(SECRET_ENV, SECRET)]);
    let mut answers = String::new();
    let cookie = sign_in_both(&server, &mut answers);
    std::thread::sleep(Duration::from_millis(2100));
    let (_, text) = exchange(
        &server,
        "POST",
        "/api/jobs",
        Some(&cookie),
        Some(&json!({})),
    );
    let view = settled_view(&server, &text, &cookie);
    answers.push_str(&view.to_string());
    assert_eq!(view["state"], "done", "{view:#}");
    assert!(provider.counts().refreshes >= 1, "the token was renewed");
    drop(server);

    assert_no_secret_logged(&dir.join("serve.log"), &answers, &provider, &[SECRET]);
}

/// The log at `log` tells of a token renewal, yet neither it nor
/// `answers` holds a token `provider` issued (a sign-in's and a
/// renewal's at least) or any of `more`.
pub fn assert_no_secret_logged(
    log: &std::path::Path,
    answers: &str,
    provider: &TestOAuthProvider,
    more: &[&str],
) {
    let log = std::fs::read_to_string(log).unwrap();
    assert!(
        log.contains("an OAuth2 access token was renewed"),
        "the log covers the renewal"
    );
    let tokens = provider.issued_tokens();
    assert!(
        tokens.len() >= 4,
        "a sign-in and a renewal: {}",
        tokens.len()
    );
    for secret in tokens
        .iter()
        .map(String::as_str)
        .chain(more.iter().copied())
    {
        assert!(!log.contains(secret), "the log holds a secret");
        assert!(!answers.contains(secret), "an answer holds a secret");
    }
}
