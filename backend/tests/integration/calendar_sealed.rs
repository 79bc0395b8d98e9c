//! The real `ferry serve` with a site key (`credentials_key_env`) and a
//! calendar job into the EWS test server: the server carries out the
//! first CreateItem and then stalls, and Ferry is killed with SIGKILL
//! right then, mid-run. Started again with another key, the job waits
//! for its user; with the right key, it goes on by itself and ends done
//! with every item on the server exactly once. The canary password is
//! in neither the store's file nor its write-ahead log nor the logs, and
//! the ended job's sealed target is gone from the store.

use crate::calendar_targets::{
    basic, calendar_text, contacts_text, files_series, start_job, totals,
};
use crate::serve_kill::{
    KEY_VARIABLE, Server, assert_another_key_opens_nothing, call, start_with_key, stored,
    wait_in_store,
};
use ferry_testkit::ews_server::{EwsServer, Fault, Scripted};
use serde_json::json;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

const CANARY: &str = "canary-SealedCal-pa55-8b3d";
const SITE_KEY: &str = "5d2e8f1a3c7b9e0d4f6a8c1e3b5d7f9a0c2e4b6d8f1a3c5e7b9d0f2a4c6e8b1d";

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

fn log(dir: &Path, name: &str) -> Stdio {
    Stdio::from(std::fs::File::create(dir.join(name)).unwrap())
}

#[test]
fn with_a_site_key_a_calendar_job_killed_mid_run_goes_on_by_itself_after_restart() {
    // The first CreateItem is carried out, then left unanswered for
    // longer than the test takes: the job is mid-run when killed.
    let ews = EwsServer::start(
        "sealed-calendar",
        &basic("alice", CANARY),
        files_series(),
        vec![Scripted {
            on: "CreateItem",
            fault: Fault::CommitThenStall { ms: 600_000 },
        }],
    );
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    std::fs::write(dir.join("ferry.toml"), config(ews.url.as_str())).unwrap();
    let port = ews.url.port().unwrap();
    let owner = format!("calendar:127.0.0.1:{port}/alice");

    let mut first = start_with_key(dir, log(dir, "first.log"), Some(SITE_KEY));
    let id = start_calendar_job(&first);
    let deadline = Instant::now() + Duration::from_secs(60);
    while ews.items().is_empty() {
        assert!(Instant::now() < deadline, "nothing was created");
        std::thread::sleep(Duration::from_millis(10));
    }
    first.kill();
    let created_before = ews.items().len();
    let mid_run = wait_in_store(dir, &owner, &id, |_| true);
    assert_eq!(mid_run["state"], "running", "{mid_run}");
    assert!(
        !stored(dir).windows(CANARY.len()).any(|w| w == CANARY.as_bytes()),
        "the password is in the store in plain text"
    );

    // Another key opens nothing: the job waits for its user.
    assert_another_key_opens_nothing(dir, &owner, &id, SITE_KEY);
    assert_eq!(ews.items().len(), created_before, "created without the key");

    // The right key: the job goes on and ends with nobody signed in.
    let second = start_with_key(dir, log(dir, "second.log"), Some(SITE_KEY));
    let end = wait_in_store(dir, &owner, &id, |view| {
        matches!(
            view["state"].as_str(),
            Some("done" | "failed" | "cancelled" | "waiting_for_sign_in")
        )
    });
    assert_eq!(end["state"], "done", "{end}");
    let (to_insert, inserted, already, failed) = totals(&end);
    assert!(to_insert >= 15, "{end}");
    assert_eq!(inserted + already, to_insert, "{end}");
    assert!(already > 0, "the items created before the kill were found: {end}");
    assert_eq!(failed, 0, "{end}");
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
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let store = ferry_backend::store::Store::open(&dir.join("state"))
            .await
            .unwrap();
        assert_eq!(store.sealed_credentials(&id).await.unwrap(), None);
        store.close().await;
    });
    assert!(!stored(dir).windows(CANARY.len()).any(|w| w == CANARY.as_bytes()));
    for name in ["first.log", "second.log", "other-key.log"] {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        assert!(!text.contains(CANARY), "{name} holds the password");
        assert!(!text.contains(SITE_KEY), "{name} holds the key");
    }
}
