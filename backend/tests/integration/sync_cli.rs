//! `ferry sync` run as an admin runs it, between real Dovecot servers.

use ferry_testkit::dovecot::{Dovecot, DovecotOptions, Layout};
use ferry_testkit::mailgen::{MailboxSpec, generate};
use ferry_testkit::verify::{compare, legacy_to_slash as mapped, seed, snapshot};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

struct Setup {
    source: Dovecot,
    target: Dovecot,
    dir: tempfile::TempDir,
}

fn setup(spec: MailboxSpec) -> Setup {
    setup_with(spec, DovecotOptions::new(Layout::Slash))
}

fn setup_with(spec: MailboxSpec, target_options: DovecotOptions) -> Setup {
    let source = Dovecot::start(DovecotOptions::new(Layout::LegacyDotted)).unwrap();
    let target = Dovecot::start(target_options).unwrap();
    seed(&source, &generate(&spec)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pass1"), "alice-secret\n").unwrap();
    std::fs::write(dir.path().join("pass2"), "alice-secret\n").unwrap();
    Setup {
        source,
        target,
        dir,
    }
}

fn sync_command(s: &Setup, extra: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ferry"));
    let dir = s.dir.path();
    command
        .arg("sync")
        .args([
            "--host1",
            "127.0.0.1",
            "--port1",
            &s.source.addr().port().to_string(),
            "--notls1",
        ])
        .args(["--user1", "alice", "--passfile1"])
        .arg(dir.join("pass1"))
        .args([
            "--host2",
            "127.0.0.1",
            "--port2",
            &s.target.addr().port().to_string(),
            "--notls2",
        ])
        .args(["--user2", "alice", "--passfile2"])
        .arg(dir.join("pass2"))
        .arg("--state-dir")
        .arg(dir.join("state"))
        .args(extra)
        .env_remove("FERRY_PASSWORD1")
        .env_remove("FERRY_PASSWORD2");
    command
}

fn run(s: &Setup, extra: &[&str]) -> Output {
    sync_command(s, extra).output().expect("ferry runs")
}

fn assert_exact(s: &Setup) {
    let source = snapshot(&s.source, "alice", "alice-secret").unwrap();
    let target = snapshot(&s.target, "alice", "alice-secret").unwrap();
    let problems = compare(&source, &target, mapped);
    assert!(problems.is_empty(), "{problems:#?}");
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn copies_everything_then_nothing_and_reports_statistics() {
    let s = setup(MailboxSpec::small(11));
    let first = run(&s, &[]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(
        stderr(&first).contains("Messages copied: 1"),
        "{}",
        stderr(&first)
    );
    assert_exact(&s);

    let second = run(&s, &["--json"]);
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(stderr(&second).is_empty() || !stderr(&second).contains("copying"));
    let last = String::from_utf8_lossy(&second.stdout)
        .lines()
        .last()
        .unwrap()
        .to_string();
    let report: serde_json::Value = serde_json::from_str(&last).unwrap();
    let copied: u64 = report["report"]["folders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["copied"].as_u64().unwrap())
        .sum();
    assert_eq!(copied, 0, "a rerun appends nothing");
    assert_exact(&s);
}

#[test]
fn killed_mid_copy_resumes_without_loss_or_duplicates() {
    let s = setup(MailboxSpec {
        messages: 600,
        ..MailboxSpec::small(12)
    });
    let mut child = sync_command(&s, &["--json", "--batch-messages", "10"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until some batches are confirmed, then kill -9.
    let stdout = child.stdout.take().unwrap();
    let mut copied_events = 0;
    for line in BufReader::new(stdout).lines() {
        if line.unwrap().contains("\"event\":\"copied\"") {
            copied_events += 1;
            if copied_events == 5 {
                break;
            }
        }
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert_eq!(copied_events, 5, "the run was still copying when killed");

    let resumed = run(&s, &[]);
    assert!(resumed.status.success(), "{}", stderr(&resumed));
    assert_exact(&s);
}

#[test]
fn a_connection_dropped_mid_copy_is_resumed_by_reconnecting() {
    let s = setup(MailboxSpec::small(15));
    // The source connection dies after 1.5 MB, in the middle of a batch.
    let proxy = ferry_testkit::proxy::CuttingProxy::start(s.source.addr(), 1_500_000).unwrap();
    let mut command = sync_command(&s, &["--batch-messages", "20"]);
    let args: Vec<String> = command
        .get_args()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let port = s.source.addr().port().to_string();
    let mut patched = Command::new(env!("CARGO_BIN_EXE_ferry"));
    let proxy_port = proxy.addr().port().to_string();
    patched.args(args.iter().map(|a| {
        if *a == port {
            proxy_port.clone()
        } else {
            a.clone()
        }
    }));
    command = patched;
    let output = command.output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(proxy.cuts(), 1, "the connection was cut");
    assert!(
        stderr(&output).contains("reconnecting"),
        "{}",
        stderr(&output)
    );
    assert_exact(&s);
}

#[test]
fn filters_dry_run_just_folders_and_just_login() {
    let s = setup(MailboxSpec::small(13));

    let dry = run(&s, &["--dry"]);
    assert!(dry.status.success(), "{}", stderr(&dry));
    assert!(
        stderr(&dry).contains("INBOX.Sent Items → Sent Items (will be created)"),
        "{}",
        stderr(&dry)
    );
    let target = snapshot(&s.target, "alice", "alice-secret").unwrap();
    assert_eq!(
        target.len(),
        1,
        "a dry run creates nothing: {:?}",
        target.keys()
    );

    let login = run(&s, &["--justlogin"]);
    assert!(login.status.success());
    assert!(stderr(&login).contains("Logged in to both servers"));

    let folders = run(&s, &["--justfolders"]);
    assert!(folders.status.success(), "{}", stderr(&folders));
    let target = snapshot(&s.target, "alice", "alice-secret").unwrap();
    assert!(
        target.contains_key("Projects/Ferry/Specs"),
        "{:?}",
        target.keys()
    );
    assert!(target.contains_key("Q1_Q2 Reports"), "{:?}", target.keys());
    assert!(target.values().all(|f| f.messages.is_empty()));

    // The one large message (2–3 MB; ordinary ones stay under 1.5 MB) is
    // skipped with its reason.
    let sized = run(&s, &["--maxsize", "1600000", "--json"]);
    assert!(sized.status.success(), "{}", stderr(&sized));
    let last = String::from_utf8_lossy(&sized.stdout)
        .lines()
        .last()
        .unwrap()
        .to_string();
    let report: serde_json::Value = serde_json::from_str(&last).unwrap();
    let skipped: Vec<String> = report["report"]["folders"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| {
            f["skipped"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s[1].as_str().unwrap().to_string())
        })
        .collect();
    assert_eq!(skipped, ["larger than --maxsize"]);
}

#[test]
fn a_refused_append_is_reported_and_the_run_goes_on() {
    let mut target = DovecotOptions::new(Layout::Slash);
    target.max_mail_size = Some(1_600_000);
    let s = setup_with(MailboxSpec::small(16), target);
    let output = run(&s, &[]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "some messages failed: {}",
        stderr(&output)
    );
    let text = stderr(&output);
    assert_eq!(
        text.matches("not copied: the target refused it").count(),
        1,
        "{text}"
    );
    assert!(text.contains("failed: 1"), "{text}");
    let source = snapshot(&s.source, "alice", "alice-secret").unwrap();
    let copy = snapshot(&s.target, "alice", "alice-secret").unwrap();
    let problems = compare(&source, &copy, mapped);
    assert_eq!(
        problems.len(),
        1,
        "only the refused message is missing: {problems:#?}"
    );
    assert!(problems[0].contains("missing"));
}

#[test]
fn automap_sends_role_folders_to_the_targets_own() {
    let mut target = DovecotOptions::new(Layout::Slash);
    target.special_use = vec![("Gesendete Elemente", "\\Sent"), ("Papierkorb", "\\Trash")];
    let s = setup_with(MailboxSpec::small(17), target);
    let output = run(&s, &["--automap"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let source = snapshot(&s.source, "alice", "alice-secret").unwrap();
    let copy = snapshot(&s.target, "alice", "alice-secret").unwrap();
    assert!(
        !copy.contains_key("Sent Items") && !copy.contains_key("Trash"),
        "{:?}",
        copy.keys()
    );
    let problems = compare(&source, &copy, |name| match name {
        "INBOX.Sent Items" => "Gesendete Elemente".to_string(),
        "INBOX.Trash" => "Papierkorb".to_string(),
        other => mapped(other),
    });
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn prefix_and_separator_overrides_place_the_folders() {
    let s = setup(MailboxSpec {
        messages: 20,
        large_messages: 0,
        ..MailboxSpec::small(18)
    });
    let output = run(&s, &["--justfolders", "--prefix2", "Migrated/"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let target = snapshot(&s.target, "alice", "alice-secret").unwrap();
    assert!(
        target.contains_key("Migrated/Projects/Ferry/Specs"),
        "{:?}",
        target.keys()
    );
    assert!(target.contains_key("INBOX"));
    assert!(!target.contains_key("Projects"), "{:?}", target.keys());
}

#[test]
fn compressed_connections_copy_exactly() {
    let mut source_options = DovecotOptions::new(Layout::LegacyDotted);
    source_options.compress = true;
    let mut target_options = DovecotOptions::new(Layout::Slash);
    target_options.compress = true;
    let source = Dovecot::start(source_options).unwrap();
    let target = Dovecot::start(target_options).unwrap();
    seed(&source, &generate(&MailboxSpec::small(19))).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pass1"), "alice-secret\n").unwrap();
    std::fs::write(dir.path().join("pass2"), "alice-secret\n").unwrap();
    let s = Setup {
        source,
        target,
        dir,
    };
    let output = run(&s, &["--compress1", "--compress2"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_exact(&s);
}

#[test]
fn an_admin_acts_for_the_user_with_sasl_plain_authorization() {
    let mut source = DovecotOptions::new(Layout::LegacyDotted);
    source.master_user = Some(("admin".into(), "admin-secret".into()));
    let source = Dovecot::start(source).unwrap();
    let target = Dovecot::start(DovecotOptions::new(Layout::Slash)).unwrap();
    seed(
        &source,
        &generate(&MailboxSpec {
            messages: 30,
            large_messages: 0,
            ..MailboxSpec::small(20)
        }),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pass1"), "admin-secret\n").unwrap();
    std::fs::write(dir.path().join("pass2"), "alice-secret\n").unwrap();
    let s = Setup {
        source,
        target,
        dir,
    };
    // The admin's password opens alice's mailbox; alice's is never given.
    let output = run(&s, &["--authuser1", "admin"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_exact(&s);
}

/// The token with one signature character changed (not the last one, whose
/// low bits are padding in base64url).
fn tampered(token: &str) -> String {
    let mut bytes = token.as_bytes().to_vec();
    let at = bytes.len() - 10;
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    String::from_utf8(bytes).unwrap()
}

#[test]
fn oauth2_access_tokens_log_in_with_xoauth2_and_oauthbearer() {
    let key = b"ferry-test-signing-key-0123456789".to_vec();
    let mut source = DovecotOptions::new(Layout::LegacyDotted);
    source.oauth2_key = Some(key.clone());
    let mut target = DovecotOptions::new(Layout::Slash);
    target.oauth2_key = Some(key);
    let source = Dovecot::start(source).unwrap();
    let target = Dovecot::start(target).unwrap();
    seed(
        &source,
        &generate(&MailboxSpec {
            messages: 30,
            large_messages: 0,
            ..MailboxSpec::small(21)
        }),
    )
    .unwrap();
    let token1 = source.oauth2_token("alice").unwrap();
    let token2 = target.oauth2_token("alice").unwrap();
    let dir = tempfile::tempdir().unwrap();
    // No passwords at all: the tokens are the credentials.
    std::fs::write(dir.path().join("pass1"), "wrong\n").unwrap();
    std::fs::write(dir.path().join("pass2"), "wrong\n").unwrap();
    let s = Setup {
        source,
        target,
        dir,
    };
    let output = sync_command(&s, &[])
        .args(["--authmech1", "XOAUTH2", "--authmech2", "OAUTHBEARER"])
        .env("FERRY_OAUTH_TOKEN1", &token1)
        .env("FERRY_OAUTH_TOKEN2", &token2)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_exact(&s);
    assert!(
        !stderr(&output).contains(&token1[token1.len() - 20..]),
        "the token is never printed"
    );

    // A token signed with another key is refused with a plain error.
    let output = sync_command(&s, &["--retries", "0"])
        .args(["--authmech1", "XOAUTH2"])
        .env("FERRY_OAUTH_TOKEN1", tampered(&token1))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("source: login failed"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_wrong_password_is_a_plain_error_that_never_shows_the_secret() {
    let s = setup(MailboxSpec {
        messages: 5,
        large_messages: 0,
        ..MailboxSpec::small(14)
    });
    std::fs::write(s.dir.path().join("pass2"), "canary-7f3a9\n").unwrap();
    let output = run(&s, &["--retries", "0"]);
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(text.contains("target: login failed"), "{text}");
    assert!(!text.contains("canary"), "{text}");
    assert!(!String::from_utf8_lossy(&output.stdout).contains("canary"));
    let db = std::fs::read(s.dir.path().join("state/ferry.sqlite3")).unwrap_or_default();
    assert!(!db.windows(12).any(|w| w == b"canary-7f3a9"));
    let _ = Path::new("");
}

/// Quotes one argument for `sh -c` (single quotes, with `'` spelled out).
fn shell_quote(arg: &std::ffi::OsStr) -> String {
    format!("'{}'", arg.to_string_lossy().replace('\'', r"'\''"))
}

#[test]
fn a_terminal_gets_a_progress_bar_and_a_pipe_gets_plain_lines() {
    let s = setup(MailboxSpec::small(12));
    // Under `script`, ferry's stderr is a pseudo-terminal, as in a shell.
    let command = sync_command(&s, &[]);
    let line = std::iter::once(command.get_program())
        .chain(command.get_args())
        .map(shell_quote)
        .collect::<Vec<_>>()
        .join(" ");
    let output = Command::new("script")
        .args(["--quiet", "--return", "--command", &line, "/dev/null"])
        .env_remove("FERRY_PASSWORD1")
        .env_remove("FERRY_PASSWORD2")
        .env("COLUMNS", "120")
        .output()
        .expect("script (util-linux) runs");
    let shown = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{shown}");
    // The bar: folder counter, the bar itself, bytes and an ETA, redrawn in
    // place (carriage return or cursor movement), then the summary.
    assert!(shown.contains("ETA"), "{shown}");
    assert!(
        shown.contains(&format!("/{}] ", 15)) || shown.contains("] INBOX"),
        "{shown}"
    );
    assert!(shown.contains("\u{1b}[") || shown.contains('\r'), "{shown}");
    assert!(shown.contains("Messages copied"), "{shown}");
    assert_exact(&s);

    // Through a pipe the same run prints plain lines and no bar.
    let piped = run(&s, &[]);
    assert!(piped.status.success(), "{}", stderr(&piped));
    assert!(!stderr(&piped).contains("ETA"), "{}", stderr(&piped));
    assert!(!stderr(&piped).contains('\u{1b}'), "{}", stderr(&piped));
}
