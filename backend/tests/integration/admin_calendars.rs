//! Admin mode moves calendars too, with the real `ferry serve`: the
//! old and new mail servers are Dovecots with a master user, the new
//! calendar server is the EWS test server (every request checked
//! against Microsoft's schemas) where a service account acts for each
//! user by impersonation. A wrong service password is a plain `401`; a
//! user the account may not act for is refused at sign-in; files are
//! matched to users by name (a file named after nobody is named back);
//! starting group A puts each A user's files into their own mailbox
//! (counted per mailbox, every request naming the right user in
//! `ExchangeImpersonation` and `X-AnchorMailbox`) while group B's stays
//! empty; running A again creates nothing; when Exchange denies acting
//! for one user, that user's calendar fails with a plain reason and the
//! other's goes on; the service password is in no answer, log or store.

use crate::admin::{
    SOURCE_CANARY, Servers, TARGET_CANARY, assert_moved_exactly, assert_secrets_absent, poll_group,
    servers, wait_for_users,
};
use crate::fixtures;
use crate::serve_kill::{Server, call, start_logging};
use crate::sign_in::{post, send, state_over};
use ferry_testkit::ews_server::EwsServer;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::process::Stdio;

pub const EWS_CANARY: &str = "canary-AdminEws-pa55-5e7f";
const LIST: &str = "source_user,target_user,group\nalice,alice,A\nbob,bob,A\ncarol,carol,B\n";

fn basic(user: &str, password: &str) -> String {
    use base64::Engine as _;
    let pair = format!("{user}:{password}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
}

/// A site listing both Dovecots and the EWS server, admin mode on (the
/// site's part of `ferry.toml`).
pub fn site(servers: &Servers, ews: &EwsServer) -> String {
    let imap = |id: &str, role: &str, port: u16| {
        format!(
            "[[servers]]\nid = \"{id}\"\nlabel = \"{id}\"\nkind = \"imap\"\nrole = \"{role}\"\n\
             host = \"127.0.0.1\"\nport = {port}\ntls = \"none\"\n"
        )
    };
    format!(
        "[network]\nallowed_networks = [\"127.0.0.0/8\"]\nallowed_ports = []\n\
         [login]\nattempts_per_address_per_minute = 100\n\
         [sessions]\nsecure_cookie = false\n[admin]\nenabled = true\n{}{}\
         [[servers]]\nid = \"exchange\"\nlabel = \"New Exchange\"\nkind = \"ews\"\nrole = \"target\"\nurl = \"{}\"\n",
        imap("old", "source", servers.source.addr().port()),
        imap("new", "target", servers.target.addr().port()),
        ews.url
    )
}

pub fn form(side: &str, id: &str, user: &str, password: &str, act_as: &str) -> Value {
    json!({"side": side, "server": {"type": "listed", "id": id}, "user": user, "password": password, "act_as": act_as})
}

pub fn file(name: &str, path: &str) -> Value {
    json!({"name": name, "text": std::fs::read_to_string(fixtures().join(path)).unwrap()})
}

/// The EWS test server letting the service account `svc` in.
fn exchange(name: &str) -> EwsServer {
    EwsServer::start(name, &basic("svc", EWS_CANARY), HashMap::new(), Vec::new())
}

fn is_final(state: &Value) -> bool {
    matches!(state.as_str(), Some("done" | "failed" | "cancelled"))
}

/// The listed users once every user of `group` has ended, mail and
/// calendar.
fn wait_for_group(server: &Server, cookie: &str, group: &str, answers: &mut String) -> Vec<Value> {
    poll_group(server, cookie, group, answers, |user| {
        is_final(&user["state"])
            && (user["calendar"].is_null() || is_final(&user["calendar"]["state"]))
    })
}

fn calendar_of<'a>(users: &'a [Value], name: &str) -> &'a Value {
    &users.iter().find(|u| u["source_user"] == name).unwrap()["calendar"]
}

/// `(to_insert, inserted, already_there, failed)` of a calendar view.
fn counts(calendar: &Value) -> (u64, u64, u64, u64) {
    let n = |key: &str| calendar[key].as_u64().unwrap();
    (
        n("to_insert"),
        n("inserted"),
        n("already_there"),
        n("failed"),
    )
}

#[test]
fn groups_put_each_users_calendar_files_into_their_own_mailbox_through_impersonation() {
    let servers = servers();
    let ews = exchange("admin-calendars");
    ews.deny_impersonation(&["carol"]);
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let config = format!("data_dir = \"state\"\n{}", site(&servers, &ews));
    std::fs::write(dir.join("ferry.toml"), config).unwrap();
    let log = std::fs::File::create(dir.join("serve.log")).unwrap();
    let server = start_logging(dir, Stdio::from(log));
    let answers = std::cell::RefCell::new(String::new());
    let request = |cookie: Option<&str>, path: &str, body: Value| {
        let (status, cookie, answer) = call(&server, "POST", path, cookie, Some(&body));
        answers.borrow_mut().push_str(&answer.to_string());
        (status, cookie, answer)
    };

    // Both mail service accounts, then the calendar's: a wrong password,
    // a user it may not act for, then right.
    let (status, cookie, body) = request(
        None,
        "/api/admin/sign-in",
        form("source", "old", "admin", SOURCE_CANARY, "alice"),
    );
    assert_eq!(status, 200, "{body}");
    let (status, cookie, body) = request(
        cookie.as_deref(),
        "/api/admin/sign-in",
        form("target", "new", "admin", TARGET_CANARY, "alice"),
    );
    assert_eq!(status, 200, "{body}");
    let cookie = cookie.unwrap();
    let (status, _, body) = request(
        Some(&cookie),
        "/api/admin/sign-in",
        form("target", "exchange", "svc", "canary-Wrong-pa55-77aa", ""),
    );
    assert_eq!(status, 401, "{body}");
    assert_eq!(body["error"]["code"], "sign_in_refused");
    let (status, _, body) = request(
        Some(&cookie),
        "/api/admin/sign-in",
        form("target", "exchange", "svc", EWS_CANARY, "carol"),
    );
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], "may_not_act");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("The service account may not act for carol"),
        "{body}"
    );
    let (status, cookie, body) = request(
        Some(&cookie),
        "/api/admin/sign-in",
        form("target", "exchange", "svc", EWS_CANARY, "alice"),
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["calendar"]["user"], "svc", "{body}");
    assert_eq!(body["source"]["user"], "admin", "the mail accounts stay");
    let cookie = cookie.unwrap();
    let admin = |path: &str, body: Value| {
        let (status, _, answer) = request(Some(&cookie), path, body);
        (status, answer)
    };

    // Files are matched to the list's users by name.
    let files = json!({"files": [
        file("alice.ics", "ews/items/all-day.ics"),
        file("ALICE.vcf", "corpora/calcard/vcard/009.vcf"),
        file("bob.vcf", "ews/items/contact.vcf"),
        file("bob.ics", "ews/items/task.ics"),
        file("carol.ics", "ews/items/all-day.ics"),
        file("dave.ics", "ews/items/all-day.ics"),
    ]});
    let (status, body) = admin("/api/admin/calendar-files", files.clone());
    assert_eq!(status, 400, "no list yet: {body}");
    assert_eq!(body["error"]["code"], "no_user_list");
    let (status, body) = admin("/api/admin/users", json!({ "csv": LIST }));
    assert_eq!(status, 200, "{body}");
    let (status, body) = admin("/api/admin/calendar-files", files);
    assert_eq!(status, 200, "{body}");
    let owners: Vec<(&str, &str)> = body["matched"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["file"].as_str().unwrap(),
                m["source_user"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        owners,
        [
            ("alice.ics", "alice"),
            ("ALICE.vcf", "alice"),
            ("bob.vcf", "bob"),
            ("bob.ics", "bob"),
            ("carol.ics", "carol")
        ]
    );
    assert_eq!(body["unmatched"], json!(["dave.ics"]));

    let before = ews.operations().len();
    let (status, body) = admin("/api/admin/groups/A/start", json!({}));
    assert_eq!(status, 202, "{body}");
    assert_eq!(body, json!({"queued": 2, "calendars": 2}));
    let users = wait_for_group(&server, &cookie, "A", &mut answers.borrow_mut());
    let alice = calendar_of(&users, "alice");
    assert_eq!(alice["state"], "done", "{alice:#}");
    assert_eq!(alice["files"], json!(["alice.ics", "ALICE.vcf"]));
    assert_eq!(counts(alice), (11, 11, 0, 0), "{alice:#}");
    assert_eq!(
        counts(calendar_of(&users, "bob")),
        (2, 2, 0, 0),
        "{users:#?}"
    );
    assert_eq!(calendar_of(&users, "carol")["state"], Value::Null);
    assert_eq!(ews.items_in("alice").len(), 11);
    assert_eq!(ews.items_in("bob").len(), 2);
    assert!(ews.items_in("carol").is_empty(), "group B was not started");
    assert_eq!(
        ews.items().len(),
        13,
        "nothing in the service account's own"
    );
    // Every request of the jobs acted for its user, and was routed to them.
    let (acted, anchors) = (ews.impersonated(), ews.anchors());
    for (acted, anchor) in acted.iter().zip(&anchors).skip(before) {
        assert!(
            matches!(acted.as_deref(), Some("alice" | "bob")),
            "{acted:?}"
        );
        assert_eq!(acted, anchor);
    }
    assert!(acted[before..].iter().any(|a| a.as_deref() == Some("bob")));
    assert_moved_exactly(&servers, "alice");
    assert_moved_exactly(&servers, "bob");

    // The cut-over: group A again creates nothing.
    let (status, body) = admin("/api/admin/groups/A/start", json!({}));
    assert_eq!(status, 202, "{body}");
    let users = wait_for_group(&server, &cookie, "A", &mut answers.borrow_mut());
    assert_eq!(counts(calendar_of(&users, "alice")), (11, 0, 11, 0));
    assert_eq!(counts(calendar_of(&users, "bob")), (2, 0, 2, 0));
    assert_eq!(ews.items().len(), 13, "a re-run creates nothing");

    // Exchange now denies acting for alice: her calendar fails plainly,
    // bob's goes on.
    ews.deny_impersonation(&["alice"]);
    let (status, body) = admin("/api/admin/groups/A/start", json!({}));
    assert_eq!(status, 202, "{body}");
    let users = wait_for_group(&server, &cookie, "A", &mut answers.borrow_mut());
    let alice = calendar_of(&users, "alice");
    assert_eq!(alice["state"], "failed", "{alice:#}");
    assert!(
        alice["reason"]
            .as_str()
            .unwrap()
            .starts_with("The service account may not act for alice"),
        "{alice:#}"
    );
    assert_eq!(calendar_of(&users, "bob")["state"], "done", "{users:#?}");
    assert_eq!(ews.items().len(), 13);
    assert!(ews.assert_requests_valid() > 0);

    drop(server);
    let canaries = [SOURCE_CANARY, TARGET_CANARY, EWS_CANARY, "canary-Wrong"];
    assert_secrets_absent(dir, &answers.into_inner(), &canaries);
}

/// Signs in the three service accounts in-process; the admin's cookie.
async fn sign_in_all(router: &axum::Router) -> String {
    let mut cookie: Option<String> = None;
    for body in [
        form("source", "old", "admin", SOURCE_CANARY, "alice"),
        form("target", "new", "admin", TARGET_CANARY, "alice"),
        form("target", "exchange", "svc", EWS_CANARY, "alice"),
    ] {
        let answer = send(router, post("/api/admin/sign-in", &body, cookie.as_deref())).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        cookie = answer.cookie();
    }
    cookie.unwrap()
}

/// Alice's calendar once its state is `state`.
async fn alice_calendar(router: &axum::Router, cookie: &str, state: &str) -> Value {
    let what = format!("alice's calendar {state}");
    let users = wait_for_users(router, cookie, &what, |users| {
        calendar_of(users, "alice")["state"] == state
    })
    .await;
    calendar_of(users.as_array().unwrap(), "alice").clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_restart_a_users_calendar_waits_for_the_service_account_and_goes_on() {
    let servers = servers();
    let ews = exchange("admin-calendars-restart");
    let site: ferry_backend::config::site::SiteConfig =
        toml::from_str(&site(&servers, &ews)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");

    let before = state_over(&data, site.clone()).await;
    let store = before.store.clone();
    let router = ferry_backend::server::app(before);
    let cookie = sign_in_all(&router).await;
    let list = send(
        &router,
        post("/api/admin/users", &json!({ "csv": LIST }), Some(&cookie)),
    )
    .await;
    assert_eq!(list.status, 200, "{}", list.text);
    let files = json!({"files": [file("alice.vcf", "corpora/calcard/vcard/009.vcf")]});
    let saved = send(
        &router,
        post("/api/admin/calendar-files", &files, Some(&cookie)),
    )
    .await;
    assert_eq!(saved.status, 200, "{}", saved.text);
    send(
        &router,
        post("/api/admin/groups/A/start", &json!({}), Some(&cookie)),
    )
    .await;
    alice_calendar(&router, &cookie, "done").await;
    assert_eq!(ews.items_in("alice").len(), 10);
    // The process dies while alice's calendar job is recorded as running.
    let owner = format!("admin:127.0.0.1:{}/admin", servers.source.addr().port());
    let job = store
        .admin_calendar(&owner, "alice")
        .await
        .unwrap()
        .unwrap()
        .job_id
        .unwrap();
    store
        .set_job_state(&job, ferry_shared::api::JobState::Running, None)
        .await
        .unwrap();

    let after = state_over(&data, site).await;
    after.jobs.recover().await.unwrap();
    let router = ferry_backend::server::app(after);
    // Only the mail accounts signed in: the calendar still waits.
    let mut cookie: Option<String> = None;
    for body in [
        form("source", "old", "admin", SOURCE_CANARY, "alice"),
        form("target", "new", "admin", TARGET_CANARY, "alice"),
    ] {
        let answer = send(
            &router,
            post("/api/admin/sign-in", &body, cookie.as_deref()),
        )
        .await;
        cookie = answer.cookie();
    }
    let waiting = alice_calendar(&router, cookie.as_deref().unwrap(), "waiting_for_sign_in").await;
    assert_eq!(waiting["files"], json!(["alice.vcf"]));
    let cookie = sign_in_all(&router).await;
    let calendar = alice_calendar(&router, &cookie, "done").await;
    assert_eq!(counts(&calendar), (10, 0, 10, 0), "{calendar:#}");
    assert_eq!(ews.items_in("alice").len(), 10, "nothing twice");
}
