//! `ferry serve` killed with SIGKILL in the middle of a user's mail move,
//! then started again on the same data folder: the job waits for its
//! user, goes on when they sign in again, and ends with the target
//! holding exactly the source's mail — nothing lost, nothing twice. The
//! password never reaches the store's file. With a site key
//! (`credentials_key_env`), the job goes on by itself after the restart
//! — but not with another key.

use ferry_testkit::dovecot::{Dovecot, DovecotOptions, Layout};
use ferry_testkit::mailgen::{MailboxSpec, generate};
use ferry_testkit::verify::{compare, legacy_to_slash, seed, snapshot};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const KEY_VARIABLE: &str = "FERRY_TEST_CREDENTIALS_KEY";

pub struct Server {
    child: Child,
    pub authority: String,
}

impl Server {
    /// Kills it with SIGKILL, as a crash would.
    pub fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(dir: &Path) -> Server {
    start_logging(dir, Stdio::null())
}

/// `ferry serve` with its log (at the most verbose level) going to `log`.
pub fn start_logging(dir: &Path, log: Stdio) -> Server {
    start_with(dir, log, &[])
}

/// As [`start_logging`], with `FERRY_TEST_CREDENTIALS_KEY` set to `key`.
pub fn start_with_key(dir: &Path, log: Stdio, key: Option<&str>) -> Server {
    match key {
        Some(key) => start_with(dir, log, &[(KEY_VARIABLE, key)]),
        None => start_with(dir, log, &[]),
    }
}

/// As [`start_logging`], with `env` set.
pub fn start_with(dir: &Path, log: Stdio, env: &[(&str, &str)]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .current_dir(dir)
        .args(["serve", "--listen", "127.0.0.1:0", "--config"])
        .arg(dir.join("ferry.toml"))
        .env("RUST_LOG", "trace")
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .expect("ferry starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let authority = line
        .trim()
        .strip_prefix("Ferry is running at http://")
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
        .trim_end_matches('/')
        .to_string();
    Server { child, authority }
}

/// One request as the page sends it; the status, the cookie set and the
/// JSON body.
pub fn call(
    server: &Server,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    body: Option<&Value>,
) -> (u16, Option<String>, Value) {
    let (head, text) = exchange(server, method, path, cookie, body);
    let status = head[9..12].parse().unwrap();
    let cookie = head
        .lines()
        .find_map(|line| line.strip_prefix("set-cookie: "))
        .map(|value| value.split(';').next().unwrap().to_string());
    (
        status,
        cookie,
        serde_json::from_str(&text).unwrap_or(Value::Null),
    )
}

/// One request as the page sends it; the answer's head and body.
pub fn exchange(
    server: &Server,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    body: Option<&Value>,
) -> (String, String) {
    let mut stream = TcpStream::connect(&server.authority).unwrap();
    let body = body.map(Value::to_string).unwrap_or_default();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nx-ferry-request: 1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        server.authority,
        body.len()
    );
    if let Some(cookie) = cookie {
        head.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    write!(stream, "{head}\r\n{body}").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, text) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    (head.to_string(), text.to_string())
}

fn sign_in(server: &Server, source: &Dovecot, target: &Dovecot) -> String {
    let form = |side: &str, port: u16| {
        json!({
            "side": side,
            "server": {"type": "imap", "host": "127.0.0.1", "port": port, "security": "plain"},
            "user": "alice", "password": "alice-secret",
        })
    };
    let (status, cookie, body) = call(
        server,
        "POST",
        "/api/sign-in",
        None,
        Some(&form("source", source.addr().port())),
    );
    assert_eq!(status, 200, "{body}");
    let (status, cookie, body) = call(
        server,
        "POST",
        "/api/sign-in",
        cookie.as_deref(),
        Some(&form("target", target.addr().port())),
    );
    assert_eq!(status, 200, "{body}");
    cookie.unwrap()
}

pub fn copied(view: &Value) -> u64 {
    view["folders"].as_array().map_or(0, |folders| {
        folders
            .iter()
            .map(|f| f["copied"].as_u64().unwrap_or(0))
            .sum()
    })
}

/// A source seeded with enough mail (1,500 messages and 3 large ones) for
/// a move to be killed part way, and an empty target.
fn seeded_servers(seed_number: u64) -> (Dovecot, Dovecot) {
    seeded_servers_with(DovecotOptions::new(Layout::LegacyDotted), seed_number)
}

/// [`seeded_servers`] with the source started with `source_options`.
pub fn seeded_servers_with(source_options: DovecotOptions, seed_number: u64) -> (Dovecot, Dovecot) {
    let source = Dovecot::start(source_options).unwrap();
    let target = Dovecot::start(DovecotOptions::new(Layout::Slash)).unwrap();
    let spec = MailboxSpec {
        messages: 1500,
        large_messages: 3,
        ..MailboxSpec::small(seed_number)
    };
    seed(&source, &generate(&spec)).unwrap();
    (source, target)
}

/// Starts a move on `server` and waits until some, not all, is copied;
/// the job's id.
pub fn start_and_wait_for_progress(server: &Server, cookie: &str) -> String {
    let (status, _, created) = call(server, "POST", "/api/jobs", Some(cookie), Some(&json!({})));
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (_, _, view) = call(
            server,
            "GET",
            &format!("/api/jobs/{id}"),
            Some(cookie),
            None,
        );
        if copied(&view) > 0 {
            assert_ne!(
                view["state"], "done",
                "the copy ended before the kill: {view}"
            );
            return id;
        }
        assert!(Instant::now() < deadline, "no progress: {view}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_move_killed_mid_copy_goes_on_after_restart_and_sign_in_without_duplicates() {
    let (source, target) = seeded_servers(11);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("ferry.toml"),
        "data_dir = \"state\"\n[network]\nallowed_networks = [\"127.0.0.0/8\"]\nallowed_ports = []\n[sessions]\nsecure_cookie = false\n",
    )
    .unwrap();

    let mut first = start(dir.path());
    let cookie = sign_in(&first, &source, &target);
    // Killed once some, not all, is copied.
    let id = start_and_wait_for_progress(&first, &cookie);
    first.kill();

    let second = start(dir.path());
    let cookie = sign_in(&second, &source, &target);
    let deadline = Instant::now() + Duration::from_secs(120);
    let end = loop {
        let (_, _, view) = call(
            &second,
            "GET",
            &format!("/api/jobs/{id}"),
            Some(&cookie),
            None,
        );
        if matches!(
            view["state"].as_str(),
            Some("done" | "failed" | "cancelled")
        ) {
            break view;
        }
        assert!(Instant::now() < deadline, "the job did not end: {view}");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(end["state"], "done", "{end}");
    let source_mail = snapshot(&source, "alice", "alice-secret").unwrap();
    let target_mail = snapshot(&target, "alice", "alice-secret").unwrap();
    let problems = compare(&source_mail, &target_mail, legacy_to_slash);
    assert!(problems.is_empty(), "{problems:#?}");
    let database = std::fs::read(dir.path().join("state/ferry.sqlite3")).unwrap();
    let wal = std::fs::read(dir.path().join("state/ferry.sqlite3-wal")).unwrap_or_default();
    for bytes in [database, wal] {
        assert!(
            !bytes
                .windows(b"alice-secret".len())
                .any(|w| w == b"alice-secret"),
            "the password is in the store"
        );
    }
}

#[test]
fn a_canary_password_is_in_no_log_answer_or_store() {
    const CANARY: &str = "canary-Serve-pa55-c41f";
    let server_dir = tempfile::tempdir().unwrap();
    let dir = server_dir.path();
    std::fs::write(
        dir.join("ferry.toml"),
        "data_dir = \"state\"\n[network]\nallowed_networks = [\"127.0.0.0/8\"]\nallowed_ports = []\n[sessions]\nsecure_cookie = false\n",
    )
    .unwrap();
    let source = Dovecot::start(DovecotOptions::new(Layout::LegacyDotted)).unwrap();
    let log = std::fs::File::create(dir.join("serve.log")).unwrap();
    let server = start_logging(dir, Stdio::from(log));
    let mut answers = String::new();
    for (user, password) in [("alice", CANARY), ("alice", "alice-secret")] {
        let body = json!({
            "side": "source",
            "server": {"type": "imap", "host": "127.0.0.1", "port": source.addr().port(), "security": "plain"},
            "user": user, "password": password,
        });
        let (_, _, answer) = call(&server, "POST", "/api/sign-in", None, Some(&body));
        answers.push_str(&answer.to_string());
    }
    drop(server);
    let log = std::fs::read_to_string(dir.join("serve.log")).unwrap();
    assert!(log.lines().count() > 2, "the log was written: {log}");
    assert!(!log.contains(CANARY), "the log holds the password");
    assert!(!log.contains("alice-secret"), "the log holds a password");
    assert!(answers.contains("sign_in_refused"), "{answers}");
    assert!(!answers.contains(CANARY), "{answers}");
    assert!(!answers.contains("alice-secret"));
    for file in ["state/ferry.sqlite3", "state/ferry.sqlite3-wal"] {
        let bytes = std::fs::read(dir.join(file)).unwrap_or_default();
        assert!(!bytes.windows(CANARY.len()).any(|w| w == CANARY.as_bytes()));
    }
}

/// A site key that opens nothing: `ferry serve` started on `dir` with
/// it leaves job `id` (`owner`'s) waiting for its user, copying
/// nothing, and its log names neither that key nor `key`, the right one.
pub fn assert_another_key_opens_nothing(dir: &Path, owner: &str, id: &str, key: &str) {
    const OTHER_KEY: &str = "0000000000000000000000000000000000000000000000000000000000000001";
    let log_path = dir.join("other-key.log");
    let other = start_with_key(
        dir,
        Stdio::from(std::fs::File::create(&log_path).unwrap()),
        Some(OTHER_KEY),
    );
    let waiting = wait_in_store(dir, owner, id, |view| {
        view["state"] == "waiting_for_sign_in"
    });
    let copied_then = copied(&waiting);
    std::thread::sleep(Duration::from_secs(1));
    let still = wait_in_store(dir, owner, id, |_| true);
    assert_eq!(still["state"], "waiting_for_sign_in", "{still}");
    assert_eq!(copied(&still), copied_then, "it copied without credentials");
    drop(other);
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(log.contains("do not open with this key"), "{log}");
    assert!(
        !log.contains(key) && !log.contains(OTHER_KEY),
        "a key is in the log"
    );
}

/// The store's file and its write-ahead log, as bytes on disk.
pub fn stored(dir: &Path) -> Vec<u8> {
    ["state/ferry.sqlite3", "state/ferry.sqlite3-wal"]
        .map(|file| std::fs::read(dir.join(file)).unwrap_or_default())
        .concat()
}

/// Polls the job's row in the store (as a second process reading the
/// same SQLite file) until `done` holds for it; the view.
pub fn wait_in_store(dir: &Path, owner: &str, id: &str, done: impl Fn(&Value) -> bool) -> Value {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    runtime.block_on(async {
        let store = ferry_backend::store::Store::open(&dir.join("state"))
            .await
            .unwrap();
        loop {
            let job = store.job(id, owner).await.unwrap().unwrap();
            let view = serde_json::to_value(&job).unwrap();
            if done(&view) {
                store.close().await;
                return view;
            }
            assert!(Instant::now() < deadline, "waited too long: {view}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
}

#[test]
fn with_a_site_key_a_killed_move_goes_on_by_itself_after_restart_but_not_with_another_key() {
    const KEY: &str = "3f1c0e6a9b2d4c8e7a5f1b3d9c0e2a4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a5c";
    let (source, target) = seeded_servers(13);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("ferry.toml"),
        format!("data_dir = \"state\"\n[network]\nallowed_networks = [\"127.0.0.0/8\"]\nallowed_ports = []\n[sessions]\nsecure_cookie = false\n[store]\ncredentials_key_env = \"{KEY_VARIABLE}\"\n"),
    )
    .unwrap();
    let owner = format!("127.0.0.1:{}/alice", source.addr().port());

    // Without the variable, Ferry refuses to start rather than keep
    // credentials some other way.
    let refused = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .current_dir(dir.path())
        .args(["serve", "--listen", "127.0.0.1:0", "--config"])
        .arg(dir.path().join("ferry.toml"))
        .env_remove(KEY_VARIABLE)
        .output()
        .unwrap();
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains(KEY_VARIABLE), "{said}");

    let mut first = start_with_key(dir.path(), Stdio::null(), Some(KEY));
    let cookie = sign_in(&first, &source, &target);
    let id = start_and_wait_for_progress(&first, &cookie);
    first.kill();
    let bytes = stored(dir.path());
    assert!(
        !bytes
            .windows(b"alice-secret".len())
            .any(|w| w == b"alice-secret"),
        "the password is in the store in plain text"
    );

    // Another key opens nothing: the job waits for its user.
    assert_another_key_opens_nothing(dir.path(), &owner, &id, KEY);

    // The right key: the job goes on and ends with nobody signed in.
    let second = start_with_key(dir.path(), Stdio::null(), Some(KEY));
    let end = wait_in_store(dir.path(), &owner, &id, |view| {
        matches!(
            view["state"].as_str(),
            Some("done" | "failed" | "cancelled")
        )
    });
    assert_eq!(end["state"], "done", "{end}");
    let source_mail = snapshot(&source, "alice", "alice-secret").unwrap();
    let target_mail = snapshot(&target, "alice", "alice-secret").unwrap();
    let problems = compare(&source_mail, &target_mail, legacy_to_slash);
    assert!(problems.is_empty(), "{problems:#?}");
    // Ended, its credentials are gone from the store too.
    drop(second);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let store = ferry_backend::store::Store::open(&dir.path().join("state"))
            .await
            .unwrap();
        assert_eq!(store.sealed_credentials(&id).await.unwrap(), None);
        store.close().await;
    });
}
