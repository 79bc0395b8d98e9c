//! The harness starts real Dovecot servers of both layouts, side by side.

use ferry_testkit::dovecot::{Dovecot, DovecotOptions, Layout};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Sends one command after logging in and returns the lines up to its tag.
fn talk(server: &Dovecot, command: &str) -> Vec<String> {
    let stream = TcpStream::connect(server.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    write!(writer, "a LOGIN alice alice-secret\r\nb {command}\r\n").unwrap();
    let mut lines = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        assert!(
            !line.is_empty(),
            "connection closed; log:\n{}",
            server.log()
        );
        if line.starts_with("b ") {
            assert!(line.starts_with("b OK"), "{line}\n{}", server.log());
            return lines;
        }
        if line.starts_with("* ") {
            lines.push(line.trim_end().to_string());
        }
    }
}

#[test]
fn legacy_and_slash_servers_run_side_by_side() {
    let mut legacy_options = DovecotOptions::new(Layout::LegacyDotted);
    legacy_options.special_use = vec![("Sent Items", "\\Sent")];
    let legacy = Dovecot::start(legacy_options).unwrap();
    let mut slash_options = DovecotOptions::new(Layout::Slash);
    slash_options.compress = true;
    slash_options.special_use = vec![("Sent", "\\Sent"), ("Deleted Items", "\\Trash")];
    let slash = Dovecot::start(slash_options).unwrap();
    assert_ne!(legacy.addr(), slash.addr());

    assert_eq!(
        talk(&legacy, "NAMESPACE"),
        [r#"* NAMESPACE (("INBOX." ".")) NIL NIL"#]
    );
    assert_eq!(
        talk(&slash, "NAMESPACE"),
        [r#"* NAMESPACE (("" "/")) NIL NIL"#]
    );

    let legacy_list = talk(&legacy, r#"LIST "" "*" RETURN (SPECIAL-USE)"#);
    assert!(
        legacy_list
            .iter()
            .any(|l| l.contains(r#"\Sent) "." "INBOX.Sent Items""#)),
        "{legacy_list:?}"
    );
    let slash_list = talk(&slash, r#"LIST "" "*" RETURN (SPECIAL-USE)"#);
    assert!(
        slash_list
            .iter()
            .any(|l| l.contains(r#"\Trash) "/" "Deleted Items""#)),
        "{slash_list:?}"
    );

    let capabilities = talk(&slash, "CAPABILITY").join(" ");
    assert!(capabilities.contains("COMPRESS=DEFLATE"), "{capabilities}");
    assert!(capabilities.contains("UIDPLUS") && capabilities.contains("CONDSTORE"));
}
