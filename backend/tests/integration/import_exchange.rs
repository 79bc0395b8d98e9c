//! `ferry import --to ews` and `--to graph` run as a user runs them,
//! against the EWS and Graph stand-ins of `ferry-testkit` (no Exchange
//! can run here): the team calendar (a weekly series with a moved
//! occurrence, a task) and ten corpus vCards arrive, each source key
//! exactly once; every EWS request validates against Microsoft's
//! schemas; a re-run creates nothing and says “already there”; a wrong
//! password or token is a plain error that shows the secret nowhere;
//! `--dry-run` connects to nothing; missing options exit 2.

use crate::fixtures;
use ferry_shared::convert::exchange::ExchangeOptions;
use ferry_shared::convert::graph::values::source_property_value;
use ferry_shared::mapping::MappingRules;
use ferry_testkit::ews_server::EwsServer;
use ferry_testkit::exchange_series::series_starts;
use ferry_testkit::graph_server::GraphServer;
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Command, Output};

const PASSWORD: &str = "canary-Ews-pa55word-51af";
const TOKEN: &str = "canary-Graph-t0ken-0be4";

fn files() -> [PathBuf; 2] {
    [
        fixtures().join("../static/samples/team-calendar.ics"),
        fixtures().join("corpora/calcard/vcard/009.vcf"),
    ]
}

/// Each series' occurrences, as `ferry import` converts the files with
/// `--zone Europe/Berlin`.
fn series() -> HashMap<String, Vec<String>> {
    let rules = MappingRules {
        default_zone: Some("Europe/Berlin".into()),
        ..MappingRules::default()
    };
    let options = ExchangeOptions {
        date_zone: Some("Europe/Berlin".into()),
        ..ExchangeOptions::default()
    };
    files()
        .iter()
        .flat_map(|path| series_starts(&std::fs::read(path).unwrap(), &rules, &options))
        .collect()
}

/// `ferry import` of the files with `arguments`, the secret variables
/// set as `env` says and no others.
fn import(arguments: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ferry"));
    command
        .arg("import")
        .args(files())
        .args(["--zone", "Europe/Berlin"])
        .args(arguments)
        .env_remove("FERRY_TARGET_PASSWORD")
        .env_remove("FERRY_TARGET_TOKEN");
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("ferry runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// How many item lines start with `status`.
fn count(stdout: &str, status: &str) -> usize {
    stdout
        .lines()
        .filter(|line| line.starts_with("line ") && line.contains(&format!(": {status}: ")))
        .count()
}

fn basic(user: &str, password: &str) -> String {
    use base64::Engine as _;
    let pair = format!("{user}:{password}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
}

/// Every item of the two files: 5 events (one a moved occurrence), 1
/// task, 10 contacts.
const ITEMS: usize = 16;

#[test]
fn ews_import_creates_everything_once_and_a_rerun_nothing() {
    let server = EwsServer::start("import", &basic("alice", PASSWORD), series(), Vec::new());
    let url = server.url.to_string();
    let arguments = ["--to", "ews", "--url", &url, "--user", "alice"];
    let secret = [("FERRY_TARGET_PASSWORD", PASSWORD)];

    let first = import(&arguments, &secret);
    let (stdout, stderr) = (text(&first.stdout), text(&first.stderr));
    assert_eq!(first.status.code(), Some(0), "{stdout}{stderr}");
    assert_eq!(count(&stdout, "created"), ITEMS, "{stdout}");
    assert!(
        stdout.contains("created: Event “Team stand-up”"),
        "{stdout}"
    );
    let keys = server.key_counts();
    // Every event, task and contact once; the moved occurrence is a
    // change of its series, not an item of its own.
    assert_eq!(keys.len(), ITEMS - 1, "{keys:?}");
    assert!(keys.values().all(|n| *n == 1), "{keys:?}");
    assert_eq!(server.updated().len(), 1, "the moved stand-up");
    let creates = server
        .operations()
        .iter()
        .filter(|op| *op == "CreateItem")
        .count();

    let again = import(&arguments, &secret);
    let stdout = text(&again.stdout);
    assert_eq!(again.status.code(), Some(0), "{stdout}");
    assert_eq!(count(&stdout, "already there"), ITEMS, "{stdout}");
    assert!(
        stdout.contains("All files: 16 items: 0 created, 16 already there"),
        "{stdout}"
    );
    assert_eq!(server.key_counts(), keys, "a re-run adds nothing");
    let creates_after = server
        .operations()
        .iter()
        .filter(|op| *op == "CreateItem")
        .count();
    assert_eq!(creates_after, creates, "no CreateItem on the re-run");
    assert!(server.assert_requests_valid() > 0);
}

#[test]
fn graph_import_creates_everything_once_and_a_rerun_nothing() {
    let series = series()
        .into_iter()
        .map(|(key, starts)| (source_property_value(&key), starts))
        .collect();
    let server = GraphServer::start(TOKEN, series, Vec::new());
    let url = server.base_url.to_string();
    let arguments = ["--to", "graph", "--url", &url];
    let secret = [("FERRY_TARGET_TOKEN", TOKEN)];

    let first = import(&arguments, &secret);
    let (stdout, stderr) = (text(&first.stdout), text(&first.stderr));
    assert_eq!(first.status.code(), Some(0), "{stdout}{stderr}");
    assert_eq!(count(&stdout, "created"), ITEMS, "{stdout}");
    let keys = server.key_counts();
    assert_eq!(keys.len(), ITEMS - 1, "{keys:?}");
    assert!(keys.values().all(|n| *n == 1), "{keys:?}");
    assert_eq!(server.updated().len(), 1, "the moved stand-up");
    let posts = server
        .requests()
        .iter()
        .filter(|r| r.starts_with("POST") && !r.contains("$batch"))
        .count();

    let again = import(&arguments, &secret);
    let stdout = text(&again.stdout);
    assert_eq!(again.status.code(), Some(0), "{stdout}");
    assert_eq!(count(&stdout, "already there"), ITEMS, "{stdout}");
    assert_eq!(server.key_counts(), keys, "a re-run adds nothing");
    let posts_after = server
        .requests()
        .iter()
        .filter(|r| r.starts_with("POST") && !r.contains("$batch"))
        .count();
    assert_eq!(posts_after, posts, "no POST on the re-run");
}

#[test]
fn a_refused_sign_in_is_a_plain_error_that_never_shows_the_secret() {
    let ews = EwsServer::start(
        "refused",
        &basic("alice", "the-right-one"),
        HashMap::new(),
        Vec::new(),
    );
    let graph = GraphServer::start("the-right-token", HashMap::new(), Vec::new());
    let (ews_url, graph_url) = (ews.url.to_string(), graph.base_url.to_string());
    for (arguments, secret) in [
        (
            vec!["--to", "ews", "--url", &ews_url, "--user", "alice"],
            ("FERRY_TARGET_PASSWORD", PASSWORD),
        ),
        (
            vec!["--to", "ews", "--url", &ews_url],
            ("FERRY_TARGET_TOKEN", TOKEN),
        ),
        (
            vec!["--to", "graph", "--url", &graph_url],
            ("FERRY_TARGET_TOKEN", TOKEN),
        ),
    ] {
        let output = import(&arguments, &[secret]);
        let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
        assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
        assert!(
            stderr.contains("the server refused the sign-in")
                && stderr.contains("Nothing more is sent"),
            "{stderr}"
        );
        assert_eq!(count(&stdout, "failed"), ITEMS, "{stdout}");
        assert!(
            stdout.contains("not sent: the server refused the sign-in"),
            "the second file is not sent: {stdout}"
        );
        for secret in [PASSWORD, TOKEN] {
            assert!(!stdout.contains(secret) && !stderr.contains(secret));
        }
    }
    assert!(ews.items().is_empty() && graph.items().is_empty());
}

#[test]
fn dry_run_connects_to_nothing_and_missing_options_exit_2() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!(
        "http://{}/EWS/Exchange.asmx",
        listener.local_addr().unwrap()
    );
    for target in ["ews", "graph"] {
        let output = import(&["--to", target, "--url", &url, "--dry-run"], &[]);
        let stdout = text(&output.stdout);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{stdout}{}",
            text(&output.stderr)
        );
        assert!(stdout.contains("Dry run: nothing is sent"), "{stdout}");
        assert!(
            stdout.contains("would be sent: Event “Team stand-up” into the calendar"),
            "{stdout}"
        );
        assert_eq!(count(&stdout, "would be sent"), ITEMS, "{stdout}");
    }
    assert!(listener.accept().is_err(), "no connection was made");

    for (arguments, complaint) in [
        (
            vec!["--to", "ews", "--user", "alice"],
            "--to ews needs --server",
        ),
        (vec!["--to", "ews", "--url", &url], "--to ews needs --user"),
        (
            vec!["--to", "graph", "--url", &url],
            "an OAuth2 access token is needed",
        ),
        (
            vec!["--to", "caldav", "--user", "alice"],
            "--to caldav needs --url",
        ),
    ] {
        let output = import(&arguments, &[("FERRY_TARGET_PASSWORD", PASSWORD)]);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(complaint), "{stderr}");
        assert!(!stderr.contains(PASSWORD));
    }
    assert!(listener.accept().is_err(), "no connection was made");
}

#[test]
fn ews_import_logs_in_with_ntlm_or_negotiate() {
    use ferry_testkit::ntlm_guard::NtlmGuard;
    let guard = NtlmGuard::new("FERRY\\alice", PASSWORD);
    let server = EwsServer::start_behind("import-ntlm", "", series(), Vec::new(), |inner| {
        guard.wrap(inner)
    });
    let url = server.url.to_string();
    let secret = [("FERRY_TARGET_PASSWORD", PASSWORD)];
    for auth in ["ntlm", "negotiate", "automatic"] {
        let arguments = [
            "--to",
            "ews",
            "--url",
            &url,
            "--user",
            "FERRY\\alice",
            "--auth",
            auth,
        ];
        let output = import(&arguments, &secret);
        let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
        assert_eq!(output.status.code(), Some(0), "{auth}: {stdout}{stderr}");
        assert_eq!(
            count(&stdout, "created") + count(&stdout, "already there"),
            ITEMS,
            "{auth}: {stdout}"
        );
    }
    assert!(server.key_counts().values().all(|n| *n == 1));
    assert_eq!(server.key_counts().len(), ITEMS - 1);
    assert!(guard.logins().len() >= 3, "{:?}", guard.logins());

    let wrong = import(
        &[
            "--to",
            "ews",
            "--url",
            &url,
            "--user",
            "FERRY\\alice",
            "--auth",
            "ntlm",
        ],
        &[("FERRY_TARGET_PASSWORD", "canary-wrong-Ntlm-5a1")],
    );
    let (stdout, stderr) = (text(&wrong.stdout), text(&wrong.stderr));
    assert_eq!(wrong.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains("the server refused the sign-in"),
        "{stderr}"
    );
    assert!(!stdout.contains("canary-wrong") && !stderr.contains("canary-wrong"));
}
