//! `ferry import` run as a user runs it, against a real Radicale: the
//! sample calendar and a corpus vCard file arrive (read back through
//! `DavClient`), a re-run finds everything already there, a wrong
//! password is a plain error that shows the password nowhere,
//! `--dry-run` connects to nothing, and a self-signed server is trusted
//! with its pinned certificate only.

use crate::fixtures;
use ferry_targets::caldav::xml::multistatus::XmlLimits;
use ferry_targets::caldav::{CollectionKind, DavClient};
use ferry_targets::http::{Credentials, HttpOptions};
use ferry_testkit::radicale::{Radicale, RadicaleOptions};
use secrecy::SecretString;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const CANARY: &str = "canary-Import-pa55word-9d2c";

/// The contacts file imported: ten vCards of the calcard corpus.
fn contacts_file() -> PathBuf {
    fixtures().join("corpora/calcard/vcard/009.vcf")
}

fn calendar_file() -> PathBuf {
    fixtures().join("../static/samples/team-calendar.ics")
}

/// `ferry import` of the two files into `url`, with `extra` options and
/// no password in the environment unless `env_password` gives one.
fn import(url: &str, extra: &[&str], env_password: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ferry"));
    command
        .arg("import")
        .arg(calendar_file())
        .arg(contacts_file())
        .args(["--to", "caldav", "--url", url, "--user", "alice"])
        .args(extra)
        .env_remove("FERRY_TARGET_PASSWORD");
    if let Some(password) = env_password {
        command.env("FERRY_TARGET_PASSWORD", password);
    }
    command.output().expect("ferry runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The resource names `ferry import` printed for `status` lines.
fn names_with(stdout: &str, status: &str) -> BTreeSet<String> {
    stdout
        .lines()
        .filter(|line| line.contains(&format!(": {status}: ")))
        .filter_map(|line| line.rsplit(" as ").next())
        .map(|rest| rest.split(':').next().unwrap_or(rest).trim().to_string())
        .collect()
}

/// Every resource in the collection of `kind` named `name`, with bodies.
fn stored(server: &Radicale, kind: CollectionKind, name: &str) -> Vec<(String, String)> {
    let (user, password) = &server.users()[0];
    let client = DavClient::new(
        url::Url::parse(&server.base_url()).unwrap(),
        Credentials::new(user.clone(), SecretString::from(password.clone())),
        HttpOptions::default(),
        XmlLimits::default(),
    )
    .unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let home = client.discover(kind).await.unwrap();
        let collections = client.collections(&home.home).await.unwrap();
        let collection = collections
            .iter()
            .find(|c| c.display_name.as_deref() == Some(name))
            .unwrap_or_else(|| panic!("no collection {name}: {collections:?}"));
        let mut resources = Vec::new();
        for resource in client.members(&collection.url).await.unwrap().into_keys() {
            let response = client.get(&collection.url, &resource).await.unwrap();
            assert_eq!(response.status, 200);
            resources.push((resource, text(&response.body)));
        }
        resources
    })
}

fn passfile(dir: &Path, password: &str) -> String {
    let path = dir.join("password");
    std::fs::write(&path, format!("{password}\n")).unwrap();
    path.display().to_string()
}

#[test]
fn import_creates_everything_once_then_finds_it_there() {
    let server = Radicale::start(RadicaleOptions::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let password = passfile(dir.path(), &server.users()[0].1);
    let options = ["--passfile", password.as_str()];

    let first = import(&server.base_url(), &options, None);
    let stdout = text(&first.stdout);
    assert_eq!(
        first.status.code(),
        Some(0),
        "{stdout}{}",
        text(&first.stderr)
    );
    let created = names_with(&stdout, "created");
    assert_eq!(created.len(), 15, "{stdout}");
    assert!(names_with(&stdout, "already there").is_empty(), "{stdout}");
    assert!(stdout.contains("(created by this run)"), "{stdout}");

    let calendar = stored(&server, CollectionKind::Calendar, "Imported calendar");
    let contacts = stored(&server, CollectionKind::AddressBook, "Imported contacts");
    let on_server: BTreeSet<String> = calendar
        .iter()
        .chain(&contacts)
        .map(|(name, _)| name.clone())
        .collect();
    assert_eq!(on_server, created);
    // The series and its moved occurrence are one resource.
    let standup = calendar
        .iter()
        .find(|(name, _)| name.starts_with("weekly-standup-2026"))
        .map(|(_, body)| body.clone())
        .unwrap();
    assert!(standup.contains("SUMMARY:Team stand-up\r\n"), "{standup}");
    assert!(standup.contains("RECURRENCE-ID"), "{standup}");
    let cards = contacts
        .iter()
        .filter(|(_, body)| body.contains("BEGIN:VCARD"));
    assert_eq!(cards.count(), contacts.len());

    let again = import(&server.base_url(), &options, None);
    let stdout = text(&again.stdout);
    assert_eq!(
        again.status.code(),
        Some(0),
        "{stdout}{}",
        text(&again.stderr)
    );
    assert!(names_with(&stdout, "created").is_empty(), "{stdout}");
    assert_eq!(names_with(&stdout, "already there"), created);
    assert!(
        stdout.contains(
            "All files: 16 items: 0 created, 16 already there, 0 refused, 0 failed, 0 not converted"
        ),
        "{stdout}"
    );
    assert!(!stdout.contains("(created by this run)"), "{stdout}");
    let calendar_again = stored(&server, CollectionKind::Calendar, "Imported calendar");
    assert_eq!(calendar_again.len(), calendar.len());
}

#[test]
fn a_wrong_password_is_a_plain_error_that_never_shows_the_password() {
    let server = Radicale::start(RadicaleOptions::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for output in [
        import(&server.base_url(), &[], Some(CANARY)),
        import(
            &server.base_url(),
            &["--passfile", &passfile(dir.path(), CANARY)],
            None,
        ),
    ] {
        let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
        assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
        assert!(
            stderr.contains("authentication failed (HTTP 401)")
                && stderr.contains("the server refused the user name or password"),
            "{stderr}"
        );
        assert!(stdout.contains("failed: "), "{stdout}");
        assert!(!stdout.contains(CANARY) && !stderr.contains(CANARY));
    }
    assert!(!server.log().contains(CANARY));
}

#[test]
fn dry_run_connects_to_nothing_and_bad_options_exit_2() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());

    let output = import(&url, &["--dry-run"], None);
    let stdout = text(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}{}",
        text(&output.stderr)
    );
    assert!(stdout.contains("Dry run: nothing is sent"), "{stdout}");
    assert!(
        stdout.contains("would be sent: Event “Team stand-up” as weekly-standup-2026"),
        "{stdout}"
    );
    assert!(names_with(&stdout, "created").is_empty());
    let accepted = listener.accept();
    assert!(
        accepted
            .as_ref()
            .is_err_and(|e| e.kind() == std::io::ErrorKind::WouldBlock),
        "a connection was made: {accepted:?}"
    );

    // Without a password (and not a dry run): a usage error, nothing sent.
    let output = import(&url, &[], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("a password is needed"));
    let with_password = format!("http://alice:{CANARY}@{}/", listener.local_addr().unwrap());
    let output = import(&with_password, &[], Some("x"));
    assert_eq!(output.status.code(), Some(2));
    assert!(!text(&output.stderr).contains(CANARY));
    assert!(listener.accept().is_err(), "no connection was made");
}

#[test]
fn a_self_signed_server_is_trusted_only_with_its_pinned_certificate() {
    let server = Radicale::start(RadicaleOptions {
        tls: true,
        ..RadicaleOptions::default()
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let password = passfile(dir.path(), &server.users()[0].1);
    let pem = server.dir().join("cert.pem").display().to_string();

    let unpinned = import(&server.base_url(), &["--passfile", &password], None);
    assert_eq!(unpinned.status.code(), Some(1));
    assert!(
        text(&unpinned.stderr).contains("TLS"),
        "{}",
        text(&unpinned.stderr)
    );

    let pinned = import(
        &server.base_url(),
        &["--passfile", &password, "--pin-certificate", &pem],
        None,
    );
    let stdout = text(&pinned.stdout);
    assert_eq!(
        pinned.status.code(),
        Some(0),
        "{stdout}{}",
        text(&pinned.stderr)
    );
    assert_eq!(names_with(&stdout, "created").len(), 15, "{stdout}");

    // Another certificate is not trusted; a missing file is a bad option.
    let other = dir.path().join("other.der");
    std::fs::write(&other, b"not this server's certificate").unwrap();
    let other = other.display().to_string();
    let mismatch = import(
        &server.base_url(),
        &["--passfile", &password, "--pin-certificate", &other],
        None,
    );
    assert_eq!(mismatch.status.code(), Some(1));
    assert!(text(&mismatch.stderr).contains("TLS"));
    let missing = dir.path().join("missing.pem").display().to_string();
    let missing = import(
        &server.base_url(),
        &["--passfile", &password, "--pin-certificate", &missing],
        None,
    );
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("cannot read the certificate"));
}
