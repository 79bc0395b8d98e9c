//! Admin mode through the API against real Dovecot servers whose admin
//! is a master user (SASL PLAIN with an authorization identity): admin
//! sign-in is refused when the mode is off or the password wrong; the
//! user list is checked line by line with plain errors; only an admin
//! session reaches `/api/admin`; a started group moves exactly its users
//! (their target mailboxes verified message by message against their
//! sources, the other group's untouched), a re-run copies nothing, the
//! service accounts' passwords are in no answer, log or store, and after a
//! restart a group's moves go on once the admin signs in again.

use crate::serve_kill::{Server, call, start_logging};
use crate::sign_in::{Answer, get, post, send, state_over, test_app};
use axum::http::StatusCode;
use ferry_backend::config::site::SiteConfig;
use ferry_testkit::dovecot::{Dovecot, DovecotOptions, Layout};
use ferry_testkit::mailgen::{MailboxSpec, generate};
use ferry_testkit::verify::{compare, legacy_to_slash, seed_user, snapshot};
use serde_json::{Value, json};
use std::process::Stdio;
use std::time::{Duration, Instant};

pub(crate) const SOURCE_CANARY: &str = "canary-AdminSource-pa55-91d2";
pub(crate) const TARGET_CANARY: &str = "canary-AdminTarget-pa55-37ab";
const USERS: [(&str, &str); 3] = [
    ("alice", "alice-secret"),
    ("bob", "bob-secret"),
    ("carol", "carol-secret"),
];
const LIST: &str = "source_user,target_user,group\nalice,alice,A\nbob,bob,A\ncarol,carol,B\n";

/// A Dovecot holding `USERS`, with `admin` (password `admin_password`)
/// as its master user.
fn dovecot(layout: Layout, admin_password: &str) -> Dovecot {
    let mut options = DovecotOptions::new(layout);
    options.users = USERS
        .iter()
        .map(|(user, password)| (user.to_string(), password.to_string()))
        .collect();
    options.master_user = Some(("admin".into(), admin_password.into()));
    Dovecot::start(options).unwrap()
}

pub(crate) struct Servers {
    pub(crate) source: Dovecot,
    pub(crate) target: Dovecot,
}

/// A legacy source where every user has mail of their own, and an empty
/// target.
pub(crate) fn servers() -> Servers {
    let source = dovecot(Layout::LegacyDotted, SOURCE_CANARY);
    let target = dovecot(Layout::Slash, TARGET_CANARY);
    for (index, (user, password)) in USERS.iter().enumerate() {
        let spec = MailboxSpec {
            messages: 20 + 5 * index,
            large_messages: 0,
            ..MailboxSpec::small(40 + index as u64)
        };
        seed_user(&source, user, password, &generate(&spec)).unwrap();
    }
    Servers { source, target }
}

fn admin_form(side: &str, server: &Dovecot, password: &str) -> Value {
    json!({
        "side": side,
        "server": {"type": "imap", "host": "127.0.0.1", "port": server.addr().port(), "security": "plain"},
        "user": "admin",
        "password": password,
        "act_as": "alice",
    })
}

/// The old server's service account signing in, with no session yet.
async fn admin_sign_in(router: &axum::Router, server: &Dovecot, password: &str) -> Answer {
    send(
        router,
        post(
            "/api/admin/sign-in",
            &admin_form("source", server, password),
            None,
        ),
    )
    .await
}

fn admin_site(max_users: usize) -> SiteConfig {
    let mut site = SiteConfig::default();
    site.admin.enabled = true;
    site.admin.max_users = max_users;
    site
}

#[tokio::test]
async fn admin_sign_in_is_refused_when_admin_mode_is_off_or_the_password_is_wrong() {
    let server = dovecot(Layout::LegacyDotted, SOURCE_CANARY);
    let off = test_app(SiteConfig::default(), true).await;
    let refused = admin_sign_in(&off.router, &server, SOURCE_CANARY).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.text);
    assert_eq!(
        send(&off.router, get("/api/admin/users", None))
            .await
            .status,
        404
    );
    let session = send(&off.router, get("/api/admin/session", None)).await;
    assert_eq!(session.json()["enabled"], false, "{}", session.text);

    let on = test_app(admin_site(5000), true).await;
    let wrong = admin_sign_in(&on.router, &server, "canary-Wrong-pa55-0c1d").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "{}", wrong.text);
    assert_eq!(wrong.json()["error"]["code"], "sign_in_refused");
    assert!(!wrong.text.contains("canary-Wrong"));
    assert!(wrong.cookie().is_none());

    let signed_in = admin_sign_in(&on.router, &server, SOURCE_CANARY).await;
    assert_eq!(signed_in.status, StatusCode::OK, "{}", signed_in.text);
    assert_eq!(signed_in.json()["source"]["user"], "admin");
    assert!(!signed_in.text.contains(SOURCE_CANARY));
    let cookie = signed_in.cookie().unwrap();
    let session = send(&on.router, get("/api/admin/session", Some(&cookie))).await;
    assert_eq!(session.json()["enabled"], true);
    assert_eq!(session.json()["source"]["user"], "admin");
    assert_eq!(session.json()["target"], Value::Null);
    // The admin's session is no user's: the user's page sees nobody, and
    // the user's jobs are out of reach.
    let as_user = send(&on.router, get("/api/session", Some(&cookie))).await;
    assert_eq!(as_user.json()["source"], Value::Null, "{}", as_user.text);
    let jobs = send(&on.router, get("/api/jobs", Some(&cookie))).await;
    assert_eq!(jobs.status, StatusCode::UNAUTHORIZED);
}

fn error_message(answer: &Answer) -> String {
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.text);
    assert_eq!(answer.json()["error"]["code"], "invalid_user_list");
    answer.json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn the_user_list_is_checked_line_by_line_and_only_admins_reach_it() {
    let server = dovecot(Layout::LegacyDotted, SOURCE_CANARY);
    let app = test_app(admin_site(3), true).await;
    let signed_in = admin_sign_in(&app.router, &server, SOURCE_CANARY).await;
    let admin = signed_in.cookie().unwrap();
    let upload = |csv: &str| post("/api/admin/users", &json!({ "csv": csv }), Some(&admin));

    let short = send(&app.router, upload("alice,alice,A\nbob,bob\n")).await;
    assert_eq!(
        error_message(&short),
        "Line 2: expected three values — source user, target user, group — but found 2."
    );
    let twice = send(
        &app.router,
        upload("alice,alice,A\nbob,bob,A\nalice,carol,B\n"),
    )
    .await;
    assert_eq!(
        error_message(&twice),
        "Line 3: the source user “alice” is listed already on line 1."
    );
    let too_many = send(&app.router, upload("a,a,A\nb,b,A\nc,c,B\nd,d,B\n")).await;
    assert_eq!(
        error_message(&too_many),
        "Line 4: the list holds more than 3 users; split it into several lists."
    );
    let broken = send(&app.router, upload("alice,\"al\nice\",A\n")).await;
    assert_eq!(
        error_message(&broken),
        "Line 1: the target user holds a line break or a NUL character."
    );

    let saved = send(&app.router, upload(LIST)).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    assert_eq!(saved.json(), json!({"users": 3, "groups": ["A", "B"]}));
    let listed = send(&app.router, get("/api/admin/users", Some(&admin))).await;
    let users = listed.json();
    assert_eq!(users.as_array().unwrap().len(), 3, "{users:#}");
    assert_eq!(users[2]["source_user"], "carol");
    assert_eq!(users[2]["group"], "B");
    assert_eq!(users[2]["state"], Value::Null, "not started");
    // Without the target's service account, no group starts.
    let half = send(
        &app.router,
        post("/api/admin/groups/A/start", &json!({}), Some(&admin)),
    )
    .await;
    assert_eq!(half.status, StatusCode::BAD_REQUEST, "{}", half.text);
    assert_eq!(half.json()["error"]["code"], "not_signed_in");

    // A signed-in user is no admin; nobody signed in is nobody.
    let user = send(
        &app.router,
        post(
            "/api/sign-in",
            &crate::sign_in::form("source", &server, "alice", "alice-secret"),
            None,
        ),
    )
    .await;
    let user = user.cookie().unwrap();
    for (cookie, status) in [(Some(user.as_str()), 403), (None, 401)] {
        for request in [
            get("/api/admin/users", cookie),
            post("/api/admin/users", &json!({ "csv": LIST }), cookie),
            post("/api/admin/groups/A/start", &json!({}), cookie),
            post("/api/admin/groups/A/cancel", &json!({}), cookie),
        ] {
            let answer = send(&app.router, request).await;
            assert_eq!(answer.status, status, "{}", answer.text);
        }
    }
}

/// The listed users until every user of `group` is done (a failure
/// stops the test with its reason).
fn wait_for_group(server: &Server, cookie: &str, group: &str, answers: &mut String) -> Vec<Value> {
    poll_group(server, cookie, group, answers, |user| {
        match user["state"].as_str() {
            Some("done") => true,
            Some("failed" | "cancelled") => panic!("{user:#}"),
            _ => false,
        }
    })
}

/// The listed users once `ended` holds for every user of `group`, each
/// answer kept in `answers`.
pub(crate) fn poll_group(
    server: &Server,
    cookie: &str,
    group: &str,
    answers: &mut String,
    ended: impl Fn(&Value) -> bool,
) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        let (status, _, users) = call(server, "GET", "/api/admin/users", Some(cookie), None);
        assert_eq!(status, 200, "{users}");
        answers.push_str(&users.to_string());
        let users = users.as_array().unwrap().clone();
        if users
            .iter()
            .filter(|user| user["group"] == group)
            .all(&ended)
        {
            return users;
        }
        assert!(Instant::now() < deadline, "group {group} ends: {users:#?}");
        std::thread::sleep(Duration::from_millis(300));
    }
}

fn user<'a>(users: &'a [Value], name: &str) -> &'a Value {
    users.iter().find(|u| u["source_user"] == name).unwrap()
}

pub(crate) fn assert_moved_exactly(servers: &Servers, name: &str) {
    let password = USERS.iter().find(|(user, _)| *user == name).unwrap().1;
    let source = snapshot(&servers.source, name, password).unwrap();
    let target = snapshot(&servers.target, name, password).unwrap();
    let problems = compare(&source, &target, legacy_to_slash);
    assert!(problems.is_empty(), "{name}: {problems:#?}");
}

#[test]
fn a_group_moves_exactly_its_users_a_rerun_copies_nothing_and_passwords_stay_secret() {
    let servers = servers();
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    std::fs::write(
        dir.join("ferry.toml"),
        "data_dir = \"state\"\n[network]\nallowed_networks = [\"127.0.0.0/8\"]\nallowed_ports = []\n\
         [sessions]\nsecure_cookie = false\n[admin]\nenabled = true\n",
    )
    .unwrap();
    let log = std::fs::File::create(dir.join("serve.log")).unwrap();
    let server = start_logging(dir, Stdio::from(log));
    let answers = std::cell::RefCell::new(String::new());
    let remember = |(status, cookie, body): (u16, Option<String>, Value)| {
        answers.borrow_mut().push_str(&body.to_string());
        (status, cookie, body)
    };

    let (status, cookie, body) = remember(call(
        &server,
        "POST",
        "/api/admin/sign-in",
        None,
        Some(&admin_form("source", &servers.source, SOURCE_CANARY)),
    ));
    assert_eq!(status, 200, "{body}");
    let (status, cookie, body) = remember(call(
        &server,
        "POST",
        "/api/admin/sign-in",
        cookie.as_deref(),
        Some(&admin_form("target", &servers.target, TARGET_CANARY)),
    ));
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["target"]["user"], "admin");
    let cookie = cookie.unwrap();
    // A request of the signed-in admin: its status and answer.
    let admin_post = |path: &str, body: Value| {
        let (status, _, answer) = remember(call(&server, "POST", path, Some(&cookie), Some(&body)));
        (status, answer)
    };
    let (status, body) = admin_post("/api/admin/users", json!({ "csv": LIST }));
    assert_eq!(status, 200, "{body}");

    let (status, body) = admin_post("/api/admin/groups/A/start", json!({}));
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["queued"], 2);
    let users = wait_for_group(&server, &cookie, "A", &mut answers.borrow_mut());
    for name in ["alice", "bob"] {
        let moved = user(&users, name);
        assert!(moved["total"].as_u64().unwrap() > 0, "{moved:#}");
        assert_eq!(moved["copied"], moved["total"], "{moved:#}");
        assert_moved_exactly(&servers, name);
    }
    assert_eq!(user(&users, "carol")["state"], Value::Null);
    let carol = snapshot(&servers.target, "carol", "carol-secret").unwrap();
    assert!(
        carol.values().all(|folder| folder.messages.is_empty()),
        "group B was not started: {carol:#?}"
    );

    // The cut-over: group A again copies nothing new.
    let (status, body) = admin_post("/api/admin/groups/A/start", json!({}));
    assert_eq!(status, 202, "{body}");
    let users = wait_for_group(&server, &cookie, "A", &mut answers.borrow_mut());
    for name in ["alice", "bob"] {
        assert_eq!(user(&users, name)["copied"], 0, "{users:#?}");
        assert_moved_exactly(&servers, name);
    }
    let (status, _) = admin_post("/api/admin/groups/B/cancel", json!({}));
    assert_eq!(status, 204);
    let (status, body) = admin_post("/api/admin/groups/C/start", json!({}));
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["error"]["code"], "unknown_group");

    drop(server);
    assert_secrets_absent(dir, &answers.into_inner(), &[SOURCE_CANARY, TARGET_CANARY]);
}

/// None of `canaries` is in the log of `ferry serve` run in `dir`, in
/// `answers` or in its store.
pub(crate) fn assert_secrets_absent(dir: &std::path::Path, answers: &str, canaries: &[&str]) {
    let log = std::fs::read_to_string(dir.join("serve.log")).unwrap();
    assert!(log.lines().count() > 2, "the log was written");
    for canary in canaries {
        assert!(!log.contains(canary), "the log holds a service password");
        assert!(
            !answers.contains(canary),
            "an answer holds a service password"
        );
        for file in ["state/ferry.sqlite3", "state/ferry.sqlite3-wal"] {
            let bytes = std::fs::read(dir.join(file)).unwrap_or_default();
            assert!(
                !bytes.windows(canary.len()).any(|w| w == canary.as_bytes()),
                "{file} holds a service password"
            );
        }
    }
}

/// The listed users (in-process) once `ready` holds for them (`what`
/// names it when it never does).
pub(crate) async fn wait_for_users(
    router: &axum::Router,
    cookie: &str,
    what: &str,
    ready: impl Fn(&[Value]) -> bool,
) -> Value {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let users = send(router, get("/api/admin/users", Some(cookie)))
            .await
            .json();
        if ready(users.as_array().unwrap()) {
            return users;
        }
        assert!(Instant::now() < deadline, "{what}: {users:#}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The listed users (in-process) until every user of `group` has
/// `state`.
async fn wait_in_process(router: &axum::Router, cookie: &str, group: &str, state: &str) -> Value {
    wait_for_users(router, cookie, &format!("group {group} {state}"), |users| {
        users
            .iter()
            .filter(|user| user["group"] == group)
            .all(|user| user["state"] == state)
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_restart_a_groups_moves_wait_for_the_admin_and_go_on() {
    let servers = servers();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let make = || state_over(&data, admin_site(5000));
    let sign_in_both = |router: axum::Router| {
        let (source, target) = (&servers.source, &servers.target);
        async move {
            let first = admin_sign_in(&router, source, SOURCE_CANARY).await;
            let cookie = first.cookie().unwrap();
            let second = send(
                &router,
                post(
                    "/api/admin/sign-in",
                    &admin_form("target", target, TARGET_CANARY),
                    Some(&cookie),
                ),
            )
            .await;
            assert_eq!(second.status, StatusCode::OK, "{}", second.text);
            (cookie, second.cookie().unwrap())
        }
    };

    let before = make().await;
    let store = before.store.clone();
    let router = ferry_backend::server::app(before);
    let (_, cookie) = sign_in_both(router.clone()).await;
    let saved = send(
        &router,
        post("/api/admin/users", &json!({ "csv": LIST }), Some(&cookie)),
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    send(
        &router,
        post("/api/admin/groups/A/start", &json!({}), Some(&cookie)),
    )
    .await;
    wait_in_process(&router, &cookie, "A", "done").await;
    // The process dies while alice's move is recorded as running.
    let owner = format!("admin:127.0.0.1:{}/admin", servers.source.addr().port());
    let members = store.admin_group(&owner, "A").await.unwrap();
    let alice = members[0].job_id.clone().unwrap();
    store
        .set_job_state(&alice, ferry_shared::api::JobState::Running, None)
        .await
        .unwrap();

    let after = make().await;
    assert_eq!(after.jobs.recover().await.unwrap(), (0, 1));
    let router = ferry_backend::server::app(after);
    // Signed in again, the service accounts carry the waiting move on.
    let (_, cookie) = sign_in_both(router.clone()).await;
    let users = wait_in_process(&router, &cookie, "A", "done").await;
    assert_eq!(
        user(users.as_array().unwrap(), "alice")["copied"],
        0,
        "{users:#}"
    );
    assert_moved_exactly(&servers, "alice");
    assert_moved_exactly(&servers, "bob");
}
