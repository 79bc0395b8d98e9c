//! The real `ferry serve` with a site key (`credentials_key_env`) and a
//! calendar job into the EWS test server: the server carries out the
//! first CreateItem and then stalls, and Ferry is killed with SIGKILL
//! right then, mid-run. Started again with another key, the job waits
//! for its user; with the right key, it goes on by itself and ends done
//! with every item on the server exactly once. The canary password is
//! in neither the store's file nor its write-ahead log nor the logs, and
//! the ended job's sealed target is gone from the store. The same holds
//! for an admin's calendar job, whose EWS service account acts for a
//! listed user (impersonation).

use crate::admin::{SOURCE_CANARY, TARGET_CANARY, servers};
use crate::admin_calendars::{EWS_CANARY, file, form, site};
use crate::calendar_targets::{
    basic, calendar_text, contacts_text, files_series, start_job, totals,
};
use crate::serve_kill::{
    KEY_VARIABLE, Server, assert_another_key_opens_nothing, call, start_with_key, stored,
    wait_in_store,
};
use ferry_backend::store::Store;
use ferry_testkit::ews_server::{EwsServer, Fault, Scripted};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

const CANARY: &str = "canary-SealedCal-pa55-8b3d";
pub const SITE_KEY: &str = "5d2e8f1a3c7b9e0d4f6a8c1e3b5d7f9a0c2e4b6d8f1a3c5e7b9d0f2a4c6e8b1d";

/// `ferry.toml` keeping credentials with the key in `KEY_VARIABLE`,
/// listing the EWS server at `url`.
fn config(url: &str) -> String {
    format!(
        "data_dir = \"state\"\n[network]\nallowed_networks = [\"127.0.0.0/8\"]\nallowed_ports = []\n\
         [sessions]\nsecure_cookie = false\n[login]\nattempts_per_address_per_minute = 100\n\
         [store]\ncredentials_key_env = \"{KEY_VARIABLE}\"\n\
         [[servers]]\nid = \"exchange\"\nlabel = \"New Exchange\"\nkind = \"ews\"\nrole = \"target\"\nurl = \"{url}\"\n"
    )
}

/// Signs alice in to the listed EWS server and starts a calendar job of
/// the team calendar and the vCards; its id.
fn start_calendar_job(server: &Server) -> String {
    let form = json!({"side": "target", "server": {"type": "listed", "id": "exchange"}, "user": "alice", "password": CANARY});
    let (status, cookie, body) = call(server, "POST", "/api/sign-in", None, Some(&form));
    assert_eq!(status, 200, "{body}");
    let files = [
        ("team-calendar.ics", calendar_text()),
        ("009.vcf", contacts_text()),
    ];
    let (status, _, created) = call(
        server,
        "POST",
        "/api/calendar-jobs",
        cookie.as_deref(),
        Some(&start_job(&files)),
    );
    assert_eq!(status, 201, "{created}");
    created["id"].as_str().unwrap().to_string()
}

/// The EWS test server letting `authorization` in, carrying out the
/// first CreateItem and then leaving it unanswered for longer than a
/// test takes: a job is mid-run when killed then.
fn stalling(name: &str, authorization: &str, series: HashMap<String, Vec<String>>) -> EwsServer {
    EwsServer::start(
        name,
        authorization,
        series,
        vec![Scripted {
            on: "CreateItem",
            fault: Fault::CommitThenStall { ms: 600_000 },
        }],
    )
}

/// Kills `server` once `created` counts an item; how many it counts
/// then.
pub fn kill_mid_run(mut server: Server, created: impl Fn() -> usize) -> usize {
    let deadline = Instant::now() + Duration::from_secs(60);
    while created() == 0 {
        assert!(Instant::now() < deadline, "nothing was created");
        std::thread::sleep(Duration::from_millis(10));
    }
    server.kill();
    created()
}

/// Whether any of `secrets` is in the store's file or its WAL, or in
/// the logs `logs` in `dir`.
pub fn assert_nowhere_on_disk(dir: &Path, logs: &[&str], secrets: &[&str]) {
    let stored = stored(dir);
    for secret in secrets {
        assert!(
            !stored.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "a secret is in the store in plain text"
        );
        for name in logs {
            let text = std::fs::read_to_string(dir.join(name)).unwrap();
            assert!(!text.contains(secret), "{name} holds a secret");
        }
    }
}

/// The store of `dir`, opened as a second process would, with a
/// runtime to ask it on.
fn store_of(dir: &Path) -> (tokio::runtime::Runtime, Store) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let store = runtime.block_on(Store::open(&dir.join("state"))).unwrap();
    (runtime, store)
}

/// The ended job `id`'s sealed credentials are gone from the store.
pub fn assert_unsealed(dir: &Path, id: &str) {
    let (runtime, store) = store_of(dir);
    let kept = runtime.block_on(store.sealed_credentials(id)).unwrap();
    assert_eq!(kept, None);
    runtime.block_on(store.close());
}

/// Waits for job `id` to end (or wait) after a restart: done, every
/// item put in or found there, some found (created before the kill).
pub fn assert_resumed_to_done(dir: &Path, owner: &str, id: &str) -> (u64, u64, u64, u64) {
    let end = wait_in_store(dir, owner, id, |view| {
        matches!(
            view["state"].as_str(),
            Some("done" | "failed" | "cancelled" | "waiting_for_sign_in")
        )
    });
    assert_eq!(end["state"], "done", "{end}");
    let counts = totals(&end);
    let (to_insert, inserted, already, failed) = counts;
    assert_eq!(inserted + already, to_insert, "{end}");
    assert!(
        already > 0,
        "the items created before the kill were found: {end}"
    );
    assert_eq!(failed, 0, "{end}");
    counts
}

pub fn log(dir: &Path, name: &str) -> Stdio {
    Stdio::from(std::fs::File::create(dir.join(name)).unwrap())
}

#[test]
fn with_a_site_key_a_calendar_job_killed_mid_run_goes_on_by_itself_after_restart() {
    let ews = stalling("sealed-calendar", &basic("alice", CANARY), files_series());
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    std::fs::write(dir.join("ferry.toml"), config(ews.url.as_str())).unwrap();
    let port = ews.url.port().unwrap();
    let owner = format!("calendar:127.0.0.1:{port}/alice");

    let first = start_with_key(dir, log(dir, "first.log"), Some(SITE_KEY));
    let id = start_calendar_job(&first);
    let created_before = kill_mid_run(first, || ews.items_in("alice").len());
    let mid_run = wait_in_store(dir, &owner, &id, |_| true);
    assert_eq!(mid_run["state"], "running", "{mid_run}");
    assert_nowhere_on_disk(dir, &[], &[CANARY]);

    // Another key opens nothing: the job waits for its user.
    assert_another_key_opens_nothing(dir, &owner, &id, SITE_KEY);
    assert_eq!(ews.items().len(), created_before, "created without the key");

    // The right key: the job goes on and ends with nobody signed in.
    let second = start_with_key(dir, log(dir, "second.log"), Some(SITE_KEY));
    let (to_insert, ..) = assert_resumed_to_done(dir, &owner, &id);
    assert!(to_insert >= 15);
    let key_counts = ews.key_counts();
    assert!(key_counts.values().all(|n| *n == 1), "{key_counts:?}");
    assert_eq!(
        key_counts.len() as u64 + ews.updated().len() as u64,
        to_insert,
        "{key_counts:?}"
    );
    assert!(ews.assert_requests_valid() > 0);
    drop(second);

    // Ended, its sealed target is gone; no secret is anywhere on disk.
    assert_unsealed(dir, &id);
    let logs = ["first.log", "second.log", "other-key.log"];
    assert_nowhere_on_disk(dir, &logs, &[CANARY, SITE_KEY]);
}

#[test]
fn with_a_site_key_an_admins_calendar_job_acting_for_a_user_goes_on_after_restart() {
    let servers = servers();
    let ews = stalling(
        "sealed-admin-calendar",
        &basic("svc", EWS_CANARY),
        HashMap::new(),
    );
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let config = format!(
        "data_dir = \"state\"\n{}[store]\ncredentials_key_env = \"{KEY_VARIABLE}\"\n",
        site(&servers, &ews)
    );
    std::fs::write(dir.join("ferry.toml"), config).unwrap();
    let owner = format!("admin:127.0.0.1:{}/admin", servers.source.addr().port());

    let first = start_with_key(dir, log(dir, "first.log"), Some(SITE_KEY));
    let mut cookie: Option<String> = None;
    for body in [
        form("source", "old", "admin", SOURCE_CANARY, "alice"),
        form("target", "new", "admin", TARGET_CANARY, "alice"),
        form("target", "exchange", "svc", EWS_CANARY, "alice"),
    ] {
        let (status, set, answer) = call(
            &first,
            "POST",
            "/api/admin/sign-in",
            cookie.as_deref(),
            Some(&body),
        );
        assert_eq!(status, 200, "{answer}");
        cookie = set;
    }
    let admin = |path: &str, body: Value| {
        let (status, _, answer) = call(&first, "POST", path, cookie.as_deref(), Some(&body));
        assert!(matches!(status, 200 | 202), "{path}: {answer}");
    };
    admin(
        "/api/admin/users",
        json!({"csv": "source_user,target_user,group\nalice,alice,A\n"}),
    );
    let files = json!({"files": [file("alice.vcf", "corpora/calcard/vcard/009.vcf")]});
    admin("/api/admin/calendar-files", files);
    admin("/api/admin/groups/A/start", json!({}));
    let created_before = kill_mid_run(first, || ews.items_in("alice").len());
    let id = job_of_alice(dir, &owner);
    assert_nowhere_on_disk(dir, &[], &[EWS_CANARY, SOURCE_CANARY, TARGET_CANARY]);

    assert_another_key_opens_nothing(dir, &owner, &id, SITE_KEY);
    assert_eq!(ews.items().len(), created_before, "created without the key");

    let second = start_with_key(dir, log(dir, "second.log"), Some(SITE_KEY));
    let (to_insert, ..) = assert_resumed_to_done(dir, &owner, &id);
    assert_eq!(to_insert, 10);
    assert_eq!(ews.items_in("alice").len(), 10, "each once, in her mailbox");
    assert_eq!(
        ews.items().len(),
        10,
        "nothing in the service account's own"
    );
    let key_counts = ews.key_counts();
    assert!(key_counts.values().all(|n| *n == 1), "{key_counts:?}");
    assert!(
        ews.impersonated()
            .iter()
            .skip(1)
            .all(|a| a.as_deref() == Some("alice")),
        "every request of the job acted for alice"
    );
    drop(second);
    assert_unsealed(dir, &id);
    let logs = ["first.log", "second.log", "other-key.log"];
    assert_nowhere_on_disk(
        dir,
        &logs,
        &[EWS_CANARY, SOURCE_CANARY, TARGET_CANARY, SITE_KEY],
    );
}

/// The id of alice's calendar job of the admin `owner`, from the store.
fn job_of_alice(dir: &Path, owner: &str) -> String {
    let (runtime, store) = store_of(dir);
    let calendar = runtime.block_on(store.admin_calendar(owner, "alice"));
    runtime.block_on(store.close());
    let calendar = calendar.unwrap().expect("alice has a calendar");
    calendar.job_id.expect("alice's calendar job was started")
}
