//! Seeding a real server with a generated mailbox, and the verifier's
//! verdicts on exact and inexact copies.

use ferry_testkit::dovecot::{Dovecot, DovecotOptions, Layout};
use ferry_testkit::mailgen::{MailboxSpec, generate};
use ferry_testkit::verify::{compare, seed, server_name, snapshot};

#[test]
fn a_seeded_mailbox_reads_back_exactly_and_differences_are_named() {
    let server = Dovecot::start(DovecotOptions::new(Layout::LegacyDotted)).unwrap();
    let folders = generate(&MailboxSpec::small(42));
    seed(&server, &folders).unwrap();
    let first = snapshot(&server, "alice", "alice-secret").unwrap();

    for folder in &folders {
        let name = server_name(Layout::LegacyDotted, &folder.path);
        let seen = first
            .get(&name)
            .unwrap_or_else(|| panic!("{name} missing: {:?}", first.keys()));
        assert_eq!(seen.messages.len(), folder.messages.len(), "{name}");
    }
    let inbox = &first["INBOX"];
    // Flags and dates arrived as generated.
    let generated = &folders[0].messages[0];
    let stored = &inbox.messages[0];
    assert_eq!(stored.flags.iter().cloned().collect::<Vec<_>>(), {
        let mut f = generated.flags.clone();
        f.sort();
        f
    });
    assert_eq!(
        stored.internal_date,
        generated
            .internal_date
            .with_timezone(&chrono::Utc)
            .to_rfc3339()
    );

    // Reading is read-only: a second snapshot is identical, UIDs included.
    let second = snapshot(&server, "alice", "alice-secret").unwrap();
    assert_eq!(first, second);
    assert!(compare(&first, &second, |n| n.to_string()).is_empty());

    // A missing and an extra message are both reported.
    let mut damaged = second.clone();
    let moved = damaged.get_mut("INBOX").unwrap().messages.pop().unwrap();
    damaged
        .get_mut("INBOX.Drafts")
        .unwrap()
        .messages
        .push(moved);
    let problems = compare(&first, &damaged, |n| n.to_string());
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(problems[0].contains("missing") || problems[1].contains("missing"));
    assert!(problems.iter().any(|p| p.contains("extra")));
}
