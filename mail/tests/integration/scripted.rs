//! Capabilities no server here offers (Dovecot 2.3 has neither XLIST nor
//! UTF8=ACCEPT), checked against a scripted IMAP server on loopback that
//! answers each command with what Gmail-style servers send, and records
//! what the client wrote.

use ferry_mail::imap::{Endpoint, Security, Session, SessionOptions};
use ferry_mail::sync::wire;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// Answers for one command name; `{tag}` becomes the command's tag.
type Script = Vec<(&'static str, Vec<&'static str>)>;

/// Serves one connection: the greeting, then the scripted answer to each
/// command line (by its command name). Returns the address and the lines
/// the client sent.
async fn scripted_server(greeting: &'static str, script: Script) -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = Arc::new(Mutex::new(Vec::new()));
    let log = received.clone();
    tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read).lines();
        write.write_all(greeting.as_bytes()).await.unwrap();
        while let Ok(Some(line)) = lines.next_line().await {
            log.lock().unwrap().push(line.clone());
            let mut words = line.splitn(3, ' ');
            let tag = words.next().unwrap_or("*").to_string();
            let command = words.next().unwrap_or("").to_ascii_uppercase();
            let answer = script
                .iter()
                .find(|(name, _)| *name == command)
                .map(|(_, answer)| answer.clone())
                .unwrap_or_else(|| vec!["{tag} BAD not in the script"]);
            for reply in answer {
                let reply = reply.replace("{tag}", &tag) + "\r\n";
                write.write_all(reply.as_bytes()).await.unwrap();
            }
        }
    });
    (port, received)
}

#[tokio::test]
async fn xlist_roles_and_utf8_names_are_used_when_offered() {
    let (port, received) = scripted_server(
        "* OK [CAPABILITY IMAP4rev1 XLIST ENABLE UTF8=ACCEPT LITERAL+] ready\r\n",
        vec![
            ("ENABLE", vec!["* ENABLED UTF8=ACCEPT", "{tag} OK enabled"]),
            (
                "XLIST",
                vec![
                    r#"* XLIST (\HasNoChildren \Inbox) "/" "Inbox""#,
                    r#"* XLIST (\HasNoChildren \Sent) "/" "[Gmail]/Gesendet""#,
                    r#"* XLIST (\HasNoChildren \Drafts) "/" "Entwürfe""#,
                    r#"* XLIST (\HasNoChildren) "/" "R&D""#,
                    "{tag} OK done",
                ],
            ),
            ("LSUB", vec![r#"* LSUB () "/" "Entwürfe""#, "{tag} OK done"]),
            (
                "EXAMINE",
                vec![
                    "* 0 EXISTS",
                    "* OK [UIDVALIDITY 7] ok",
                    "* OK [UIDNEXT 1] ok",
                    "{tag} OK [READ-ONLY] done",
                ],
            ),
        ],
    )
    .await;
    let endpoint = Endpoint {
        host: "127.0.0.1".into(),
        port,
        security: Security::Plain,
        pinned_certificate: None,
        address_policy: None,
    };
    let mut session = Session::connect(&endpoint, SessionOptions::default())
        .await
        .expect("connects");
    assert!(!session.utf8_names());
    session.enable_extensions(true).await.expect("ENABLE");
    assert!(session.utf8_names(), "the server enabled UTF8=ACCEPT");

    let folders = wire::list_folders(&mut session).await.expect("XLIST");
    let by_name = |name: &str| {
        folders
            .folders
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("{name} missing from {:?}", folders.folders))
    };
    assert!(by_name("INBOX").attributes.iter().any(|a| a == "\\Inbox"));
    assert!(
        by_name("[Gmail]/Gesendet")
            .attributes
            .iter()
            .any(|a| a == "\\Sent")
    );
    assert!(by_name("Entwürfe").subscribed);
    // With UTF-8 names, `&` is a plain character, not modified UTF-7.
    by_name("R&D");
    assert_eq!(folders.separator, Some('/'));

    // A name travels as UTF-8 once enabled (the engine keeps the modified
    // UTF-7 form internally).
    let status = wire::open_folder(&mut session, "Entw&APw-rfe", true)
        .await
        .expect("EXAMINE");
    assert_eq!(status.uidvalidity, 7);

    let sent = received.lock().unwrap().clone();
    let commands: Vec<&str> = sent
        .iter()
        .map(|line| line.split_once(' ').map_or("", |(_, rest)| rest))
        .collect();
    // CONDSTORE was asked for but is not offered: only UTF8=ACCEPT.
    assert_eq!(
        commands,
        [
            "ENABLE UTF8=ACCEPT",
            r#"XLIST "" *"#,
            r#"LSUB "" *"#,
            r#"EXAMINE "Entwürfe""#
        ],
        "{sent:?}"
    );
}
