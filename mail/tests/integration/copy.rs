//! Whole-mailbox copies between a legacy (`.`, `INBOX.`) and an
//! Exchange-like (`/`) Dovecot, checked by the strict verifier.

use crate::logged_in;
use bounded_static::IntoBoundedStatic;
use ferry_mail::sync::{MemoryStore, SyncOptions, sync_mailbox};
use ferry_testkit::dovecot::{Dovecot, DovecotOptions, Layout};
use ferry_testkit::imap_client::TestClient;
use ferry_testkit::mailgen::{GeneratedMessage, MailboxSpec, generate};
use ferry_testkit::verify::{append_all, compare, legacy_to_slash as mapped, seed, snapshot};
use imap_codec::imap_types::command::CommandBody;
use imap_codec::imap_types::flag::{Flag, StoreResponse, StoreType};
use imap_codec::imap_types::mailbox::Mailbox;
use imap_codec::imap_types::response::Data;
use imap_codec::imap_types::sequence::SequenceSet;

struct Pair {
    source: Dovecot,
    target: Dovecot,
}

fn pair(seed_value: u64) -> Pair {
    let source = Dovecot::start(DovecotOptions::new(Layout::LegacyDotted)).unwrap();
    let mut target_options = DovecotOptions::new(Layout::Slash);
    target_options.special_use = vec![("Sent", "\\Sent"), ("Deleted Items", "\\Trash")];
    let target = Dovecot::start(target_options).unwrap();
    seed(&source, &generate(&MailboxSpec::small(seed_value))).unwrap();
    Pair { source, target }
}

async fn run(pair: &Pair, store: &MemoryStore) -> ferry_mail::sync::SyncReport {
    let mut source = logged_in(&pair.source).await;
    let mut target = logged_in(&pair.target).await;
    let report = sync_mailbox(
        &mut source,
        &mut target,
        store,
        &SyncOptions::new("alice"),
        &mut |_| {},
    )
    .await
    .expect("sync succeeds");
    source.logout().await;
    target.logout().await;
    report
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_copy_is_exact_and_reruns_add_nothing() {
    let pair = pair(1);
    let before = snapshot(&pair.source, "alice", "alice-secret").unwrap();
    let store = MemoryStore::default();

    let report = run(&pair, &store).await;
    let total: usize = before.values().map(|f| f.messages.len()).sum();
    assert_eq!(report.copied(), total);
    assert_eq!(report.failed(), 0, "{report:#?}");

    let after = snapshot(&pair.source, "alice", "alice-secret").unwrap();
    assert_eq!(before, after, "the source was not touched");
    let target = snapshot(&pair.target, "alice", "alice-secret").unwrap();
    let problems = compare(&after, &target, mapped);
    assert!(problems.is_empty(), "{problems:#?}");

    // A second run copies nothing and changes nothing; with CONDSTORE it
    // does not even list the folders' messages.
    let again = run(&pair, &store).await;
    assert_eq!(again.copied(), 0, "{again:#?}");
    assert!(again.folders.iter().all(|f| f.unchanged), "{again:#?}");
    assert_eq!(
        snapshot(&pair.target, "alice", "alice-secret").unwrap(),
        target
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incremental_rerun_copies_new_mail_and_carries_flag_changes() {
    let pair = pair(2);
    let store = MemoryStore::default();
    run(&pair, &store).await;

    // New mail arrives in two folders, and the user reads and flags some.
    let mut client = TestClient::login(pair.source.addr(), "alice", "alice-secret").unwrap();
    let new: Vec<GeneratedMessage> = generate(&MailboxSpec::small(99))[0].messages[..5].to_vec();
    append_all(&mut client, "INBOX", &new).unwrap();
    append_all(&mut client, "INBOX.Projects.Ferry", &new[..2]).unwrap();
    client.run(CommandBody::select("INBOX").unwrap()).unwrap();
    client
        .run(
            CommandBody::store(
                SequenceSet::try_from("1:3").unwrap(),
                StoreType::Add,
                StoreResponse::Silent,
                vec![Flag::Flagged, Flag::Seen],
                true,
            )
            .unwrap(),
        )
        .unwrap();
    drop(client);

    let report = run(&pair, &store).await;
    assert_eq!(report.copied(), 7, "{report:#?}");
    // CONDSTORE: only new and changed messages were listed.
    let inbox = report.folders.iter().find(|f| f.source == "INBOX").unwrap();
    assert!(inbox.listed <= 8, "listed {} of the inbox", inbox.listed);
    let flags_updated: usize = report.folders.iter().map(|f| f.flags_updated).sum();
    assert!((1..=3).contains(&flags_updated), "{flags_updated}");
    let source = snapshot(&pair.source, "alice", "alice-secret").unwrap();
    let target = snapshot(&pair.target, "alice", "alice-secret").unwrap();
    let problems = compare(&source, &target, mapped);
    assert!(problems.is_empty(), "{problems:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_state_adopts_what_an_earlier_run_copied() {
    // As after a kill between APPEND and recording it: the target holds
    // copies the state does not know. They are matched, not duplicated,
    // and true duplicates in the source still all arrive.
    let pair = pair(3);
    run(&pair, &MemoryStore::default()).await;
    let report = run(&pair, &MemoryStore::default()).await;
    assert_eq!(report.copied(), 0, "{report:#?}");
    let adopted: usize = report.folders.iter().map(|f| f.adopted).sum();
    assert!(adopted > 100, "{adopted}");
    let source = snapshot(&pair.source, "alice", "alice-secret").unwrap();
    let target = snapshot(&pair.target, "alice", "alice-secret").unwrap();
    let problems = compare(&source, &target, mapped);
    assert!(problems.is_empty(), "{problems:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscriptions_follow_the_source() {
    let pair = pair(4);
    let mut client = TestClient::login(pair.source.addr(), "alice", "alice-secret").unwrap();
    for folder in ["INBOX.Projects.Ferry", "INBOX.Réunions"] {
        let wire = ferry_mail::folders::name::encode_utf7(folder);
        client
            .run(CommandBody::subscribe(wire.as_str()).unwrap().into_static())
            .unwrap();
    }
    drop(client);
    run(&pair, &MemoryStore::default()).await;

    let mut client = TestClient::login(pair.target.addr(), "alice", "alice-secret").unwrap();
    let mut subscribed: Vec<String> = client
        .run(CommandBody::lsub("", "*").unwrap())
        .unwrap()
        .into_iter()
        .filter_map(|data| match data {
            Data::Lsub { mailbox, .. } => Some(match mailbox {
                Mailbox::Inbox => "INBOX".to_string(),
                Mailbox::Other(other) => {
                    ferry_mail::folders::name::decode_utf7(&String::from_utf8_lossy(other.as_ref()))
                }
            }),
            _ => None,
        })
        .collect();
    subscribed.sort();
    // The target's own role folders (auto-subscribed by its configuration)
    // aside, exactly the source's subscriptions are copied.
    subscribed.retain(|name| name != "Sent" && name != "Deleted Items");
    assert_eq!(subscribed, ["Projects/Ferry", "Réunions"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_message_rate_limit_is_kept() {
    let pair = pair(5);
    let source_before = snapshot(&pair.source, "alice", "alice-secret").unwrap();
    let total: usize = source_before.values().map(|f| f.messages.len()).sum();
    let largest = source_before
        .values()
        .map(|f| f.messages.len())
        .max()
        .unwrap();
    let mut options = SyncOptions::new("alice");
    options.rate.messages_per_second = Some(100.0);
    let mut source = logged_in(&pair.source).await;
    let mut target = logged_in(&pair.target).await;
    let started = std::time::Instant::now();
    let report = sync_mailbox(
        &mut source,
        &mut target,
        &MemoryStore::default(),
        &options,
        &mut |_| {},
    )
    .await
    .unwrap();
    let elapsed = started.elapsed().as_secs_f64();
    assert_eq!(report.copied(), total);
    // A lower bound only (the run may be slower, never faster than
    // allowed): every batch but the last waits for its turn, and the last
    // is at most one folder. Unlimited, this copy takes well under that.
    let fastest_allowed = (total - largest) as f64 / 100.0;
    assert!(
        fastest_allowed > 0.8,
        "the test mailbox is big enough to tell"
    );
    assert!(
        elapsed >= fastest_allowed,
        "{total} messages in {elapsed:.2} s"
    );
    let problems = compare(
        &snapshot(&pair.source, "alice", "alice-secret").unwrap(),
        &snapshot(&pair.target, "alice", "alice-secret").unwrap(),
        mapped,
    );
    assert!(problems.is_empty(), "{problems:#?}");
}

#[tokio::test]
async fn folder_stats_count_every_message_and_byte_read_only() {
    use ferry_mail::sync::stats::folder_stats;
    use ferry_testkit::verify::server_name;
    let server = Dovecot::start(DovecotOptions::new(Layout::LegacyDotted)).unwrap();
    let folders = generate(&MailboxSpec::small(21));
    seed(&server, &folders).unwrap();
    let before = snapshot(&server, "alice", "alice-secret").unwrap();
    let mut session = logged_in(&server).await;
    let stats = folder_stats(&mut session).await.unwrap();
    session.logout().await;
    for folder in &folders {
        let wire = server_name(Layout::LegacyDotted, &folder.path);
        let name = ferry_mail::folders::name::decode_utf7(&wire);
        let stat = stats
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("{name} not counted: {stats:#?}"));
        assert_eq!(stat.messages as usize, folder.messages.len(), "{name}");
        // IMAP sizes count line ends as CR LF (RFC822.SIZE).
        let crlf_size = |bytes: &[u8]| {
            let bare = bytes
                .iter()
                .enumerate()
                .filter(|(i, b)| **b == b'\n' && (*i == 0 || bytes[i - 1] != b'\r'))
                .count();
            (bytes.len() + bare) as u64
        };
        let bytes: u64 = folder.messages.iter().map(|m| crlf_size(&m.bytes)).sum();
        assert_eq!(stat.bytes, Some(bytes), "{name}");
    }
    // STATUS changed nothing, flags included.
    let after = snapshot(&server, "alice", "alice-secret").unwrap();
    assert!(compare(&before, &after, |n| n.to_string()).is_empty());
}
