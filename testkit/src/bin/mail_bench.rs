//! The mail benchmark: Ferry and mbsync copy the same seeded mailbox
//! between Dovecot servers on this machine, side by side, in one run.
//!
//! Run it with `bench/mail.sh` (which installs mbsync and GNU time and
//! builds Ferry in release mode). Dovecot runs with `mail_fsync = never`,
//! so the tools are measured rather than the disk. Reported per tool and
//! scenario (full copy, no-change rerun, +100 rerun): wall time, messages/s,
//! MB/s, peak RSS, and Ferry/mbsync ratios; plus an exactness check of
//! each tool's copy by the strict verifier.
//!
//! Usage: `mail_bench FERRY_BINARY [MESSAGES]`
//! With MAIL_BENCH_PROFILE=FILE, Ferry's full copy runs under `perf record`.

use ferry_testkit::dovecot::{Dovecot, DovecotOptions, Layout};
use ferry_testkit::imap_client::TestClient;
use ferry_testkit::mailgen::{MailboxSpec, generate};
use ferry_testkit::verify::{append_all, compare, seed, snapshot};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

#[derive(Debug, Clone, Copy, Default)]
struct Measure {
    seconds: f64,
    /// User plus system CPU time of the tool itself.
    cpu_seconds: f64,
    peak_rss_kb: u64,
}

fn server() -> Dovecot {
    let mut options = DovecotOptions::new(Layout::Slash);
    options.fsync = false;
    Dovecot::start(options).expect("dovecot starts")
}

/// Runs `command` under GNU time, returning wall time and peak RSS.
fn timed(command: Command, label: &str) -> Measure {
    let report = tempfile::NamedTempFile::new().unwrap();
    let program = command.get_program().to_owned();
    let args: Vec<_> = command.get_args().map(|a| a.to_owned()).collect();
    let envs: Vec<_> = command
        .get_envs()
        .map(|(k, v)| (k.to_owned(), v.map(|v| v.to_owned())))
        .collect();
    let mut wrapped = Command::new("/usr/bin/time");
    wrapped
        .arg("-f")
        .arg("%e %M %U %S")
        .arg("-o")
        .arg(report.path())
        .arg(program)
        .args(args);
    for (key, value) in envs {
        match value {
            Some(v) => wrapped.env(key, v),
            None => wrapped.env_remove(key),
        };
    }
    let started = Instant::now();
    let output = wrapped.output().expect("the tool runs");
    let seconds = started.elapsed().as_secs_f64();
    if !output.status.success() {
        eprintln!(
            "{label} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let text = std::fs::read_to_string(report.path()).unwrap_or_default();
    let fields: Vec<&str> = text
        .lines()
        .last()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    let number = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    Measure {
        seconds,
        cpu_seconds: number(2) + number(3),
        peak_rss_kb: number(1) as u64,
    }
}

/// One line of the Markdown table for `messages` messages and `bytes` bytes.
fn row(
    scenario: &str,
    tool: &str,
    m: &Measure,
    messages: usize,
    bytes: usize,
    ratio: &str,
) -> String {
    format!(
        "| {scenario} | {tool} | {:.2} | {:.0} | {:.1} | {:.2} | {:.1} | {ratio} |",
        m.seconds,
        messages as f64 / m.seconds,
        bytes as f64 / 1e6 / m.seconds,
        m.cpu_seconds,
        m.peak_rss_kb as f64 / 1024.0
    )
}

fn ferry(bin: &Path, source: &Dovecot, target: &Dovecot, state: &Path) -> Command {
    let mut command = Command::new(bin);
    command
        .arg("sync")
        .args([
            "--host1",
            "127.0.0.1",
            "--port1",
            &source.addr().port().to_string(),
            "--notls1",
            "--user1",
            "alice",
        ])
        .args([
            "--host2",
            "127.0.0.1",
            "--port2",
            &target.addr().port().to_string(),
            "--notls2",
            "--user2",
            "alice",
        ])
        .arg("--state-dir")
        .arg(state)
        .env("FERRY_PASSWORD1", "alice-secret")
        .env("FERRY_PASSWORD2", "alice-secret")
        .env("RUST_LOG", "warn");
    command
}

fn mbsync(config: &Path) -> Command {
    let mut command = Command::new("mbsync");
    command.arg("-q").arg("-c").arg(config).arg("-a");
    command
}

fn mbsync_config(dir: &Path, source: &Dovecot, target: &Dovecot) -> PathBuf {
    let state = dir.join("mbsync-state");
    std::fs::create_dir_all(&state).unwrap();
    let config = format!(
        "IMAPAccount src\nHost 127.0.0.1\nPort {}\nUser alice\nPass alice-secret\nSSLType None\nAuthMechs LOGIN\n\n\
         IMAPStore src\nAccount src\n\n\
         IMAPAccount dst\nHost 127.0.0.1\nPort {}\nUser alice\nPass alice-secret\nSSLType None\nAuthMechs LOGIN\n\n\
         IMAPStore dst\nAccount dst\n\n\
         Channel copy\nFar :src:\nNear :dst:\nPatterns *\nCreate Near\nSync Pull\nSyncState {}/\n",
        source.addr().port(),
        target.addr().port(),
        state.display()
    );
    let path = dir.join("mbsyncrc");
    std::fs::write(&path, config).unwrap();
    path
}

fn main() {
    let mut args = std::env::args().skip(1);
    let ferry_bin = PathBuf::from(
        args.next()
            .expect("usage: mail_bench FERRY_BINARY [MESSAGES]"),
    );
    let messages: usize = args
        .next()
        .map(|n| n.parse().expect("a number"))
        .unwrap_or(10_000);
    let spec = MailboxSpec {
        messages,
        ..MailboxSpec::benchmark(2026)
    };
    let work = tempfile::tempdir().unwrap();

    eprintln!("generating and seeding {messages} messages…");
    let source = server();
    let folders = generate(&spec);
    let total_messages: usize = folders.iter().map(|f| f.messages.len()).sum();
    let total_bytes: usize = folders
        .iter()
        .flat_map(|f| &f.messages)
        .map(|m| m.bytes.len())
        .sum();
    seed(&source, &folders).unwrap();
    drop(folders);
    let source_before = snapshot(&source, "alice", "alice-secret").unwrap();
    eprintln!(
        "source: {total_messages} messages, {:.0} MB",
        total_bytes as f64 / 1e6
    );

    let ferry_target = server();
    let mbsync_target = server();
    let config = mbsync_config(work.path(), &source, &mbsync_target);
    let state = work.path().join("ferry-state");

    eprintln!("full copy…");
    let ferry_full = match std::env::var_os("MAIL_BENCH_PROFILE") {
        // Profile Ferry's full copy with `perf record` instead of timing it.
        Some(path) => {
            let plain = ferry(&ferry_bin, &source, &ferry_target, &state);
            let mut perf = Command::new("perf");
            perf.args(["record", "-F", "999", "-g", "-o"])
                .arg(path)
                .arg(plain.get_program())
                .args(plain.get_args());
            for (key, value) in plain.get_envs() {
                if let Some(value) = value {
                    perf.env(key, value);
                }
            }
            timed(perf, "ferry under perf")
        }
        None => timed(ferry(&ferry_bin, &source, &ferry_target, &state), "ferry"),
    };
    let mbsync_full = timed(mbsync(&config), "mbsync");
    eprintln!("no-change rerun…");
    let ferry_again = timed(ferry(&ferry_bin, &source, &ferry_target, &state), "ferry");
    let mbsync_again = timed(mbsync(&config), "mbsync");

    let new = generate(&MailboxSpec {
        messages: 300,
        large_messages: 0,
        ..MailboxSpec::small(7)
    })[0]
        .messages[..100]
        .to_vec();
    let mut client = TestClient::login(source.addr(), "alice", "alice-secret").unwrap();
    append_all(&mut client, "INBOX", &new).unwrap();
    drop(client);
    let plus_bytes: usize = new.iter().map(|m| m.bytes.len()).sum();
    eprintln!("+100 rerun…");
    let ferry_plus = timed(ferry(&ferry_bin, &source, &ferry_target, &state), "ferry");
    let mbsync_plus = timed(mbsync(&config), "mbsync");

    let source_after = snapshot(&source, "alice", "alice-secret").unwrap();
    let ferry_copy = snapshot(&ferry_target, "alice", "alice-secret").unwrap();
    let mbsync_copy = snapshot(&mbsync_target, "alice", "alice-secret").unwrap();
    let same = |n: &str| n.to_string();
    let ferry_problems = compare(&source_after, &ferry_copy, same);
    let mbsync_problems = compare(&source_after, &mbsync_copy, same);
    let source_changed = source_before.iter().any(|(name, folder)| {
        source_after
            .get(name)
            .map(|f| &f.messages[..folder.messages.len()])
            != Some(&folder.messages[..])
    });

    println!(
        "| scenario | tool | wall s | msg/s | MB/s | CPU s | peak RSS MB | Ferry/mbsync speed |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|");
    for (name, f, m, n, b) in [
        (
            "full copy",
            ferry_full,
            mbsync_full,
            total_messages,
            total_bytes,
        ),
        (
            "no-change rerun",
            ferry_again,
            mbsync_again,
            total_messages,
            0,
        ),
        ("+100 rerun", ferry_plus, mbsync_plus, 100, plus_bytes),
    ] {
        let ratio = format!("{:.2}×", m.seconds / f.seconds);
        println!("{}", row(name, "Ferry", &f, n, b, &ratio));
        println!("{}", row(name, "mbsync", &m, n, b, ""));
    }
    println!();
    println!(
        "Exactness (strict verifier: bytes, flags, INTERNALDATE, counts): Ferry {} differences, mbsync {} differences; source changed: {}.",
        ferry_problems.len(),
        mbsync_problems.len(),
        source_changed
    );
    for problem in ferry_problems.iter().take(5) {
        eprintln!("ferry: {problem}");
    }
}
