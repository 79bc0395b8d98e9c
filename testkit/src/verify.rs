//! Seeding a server with a generated mailbox, and the strict verifier:
//! snapshots of whole mailboxes compared message by message.
//!
//! A snapshot records, per folder, UIDVALIDITY and every message's UID,
//! SHA-256 of its bytes, flags and INTERNALDATE. Comparing the source's
//! snapshot with the target's proves nothing is missing, duplicated or
//! altered; comparing the source's with its own earlier one proves the
//! source was not touched.

use crate::dovecot::{Dovecot, Layout};
use crate::imap_client::TestClient;
use crate::mailgen::GeneratedFolder;
use bounded_static::IntoBoundedStatic;
use imap_codec::imap_types::command::CommandBody;
use imap_codec::imap_types::core::Literal;
use imap_codec::imap_types::datetime::DateTime;
use imap_codec::imap_types::fetch::{
    MacroOrMessageDataItemNames, MessageDataItem, MessageDataItemName,
};
use imap_codec::imap_types::flag::{Flag, FlagFetch, FlagNameAttribute};
use imap_codec::imap_types::mailbox::Mailbox;
use imap_codec::imap_types::response::Data;
use imap_codec::imap_types::sequence::SequenceSet;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::io;

/// The full server-side name of a generated folder on `layout`.
pub fn server_name(layout: Layout, path: &[String]) -> String {
    if path.len() == 1 && path[0] == "INBOX" {
        return "INBOX".to_string();
    }
    match layout {
        Layout::LegacyDotted => format!("INBOX.{}", path.join(".")),
        Layout::Slash => path.join("/"),
    }
}

fn mailbox(name: &str) -> Mailbox<'static> {
    let wire = if name.eq_ignore_ascii_case("INBOX") {
        "INBOX".to_string()
    } else {
        utf7_imap::encode_utf7_imap(name.to_string())
    };
    Mailbox::try_from(wire).expect("valid mailbox name")
}

/// The default folder mapping from a legacy server (`.`, `INBOX.`) to a
/// slash one, as the verifier expects it: `INBOX.Projects.2024` →
/// `Projects/2024`, a `/` inside a name becomes `_`.
pub fn legacy_to_slash(name: &str) -> String {
    if name == "INBOX" {
        return name.to_string();
    }
    let relative = name.strip_prefix("INBOX.").unwrap_or(name);
    relative
        .split('.')
        .map(|c| c.replace('/', "_"))
        .collect::<Vec<_>>()
        .join("/")
}

/// Appends `folders` to the first user of `server`, creating folders.
pub fn seed(server: &Dovecot, folders: &[GeneratedFolder]) -> io::Result<()> {
    let (user, password) = &server.options().users[0];
    seed_user(server, user, password, folders)
}

/// Appends `folders` to `user` of `server`, creating folders.
pub fn seed_user(
    server: &Dovecot,
    user: &str,
    password: &str,
    folders: &[GeneratedFolder],
) -> io::Result<()> {
    let mut client = TestClient::login(server.addr(), user, password)?;
    for folder in folders {
        let name = server_name(server.options().layout, &folder.path);
        if name != "INBOX" {
            // Folders that special_use config auto-created already exist.
            let _ = client.run(CommandBody::Create {
                mailbox: mailbox(&name),
            });
        }
        append_all(&mut client, &name, &folder.messages)?;
    }
    Ok(())
}

/// Appends messages to one folder with their flags and dates.
pub fn append_all(
    client: &mut TestClient,
    folder: &str,
    messages: &[crate::mailgen::GeneratedMessage],
) -> io::Result<()> {
    for message in messages {
        let flags = message
            .flags
            .iter()
            .map(|f| Flag::try_from(f.as_str()).map(IntoBoundedStatic::into_static))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| io::Error::other("bad flag"))?;
        let date =
            DateTime::try_from(message.internal_date).map_err(|_| io::Error::other("bad date"))?;
        let literal = Literal::try_from(message.bytes.clone())
            .map_err(|_| io::Error::other("bad literal"))?;
        let body = CommandBody::append(mailbox(folder), flags, Some(date), literal)
            .map_err(|_| io::Error::other("bad append"))?;
        client.run(body)?;
    }
    Ok(())
}

/// One message as the verifier sees it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct MessageRecord {
    pub sha256: [u8; 32],
    pub size: usize,
    pub flags: BTreeSet<String>,
    pub internal_date: String,
    pub uid: u32,
}

/// One folder's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderSnapshot {
    pub uidvalidity: u32,
    pub messages: Vec<MessageRecord>,
}

/// A whole mailbox: folder name (Unicode) → state.
pub type Snapshot = BTreeMap<String, FolderSnapshot>;

/// Reads every folder of `user` on `server` read-only (EXAMINE, BODY.PEEK).
pub fn snapshot(server: &Dovecot, user: &str, password: &str) -> io::Result<Snapshot> {
    let mut client = TestClient::login(server.addr(), user, password)?;
    let listed = client.run(
        CommandBody::list("", "*")
            .map_err(|_| io::Error::other("list"))?
            .into_static(),
    )?;
    let mut snapshot = Snapshot::new();
    for data in listed {
        let Data::List { items, mailbox, .. } = data else {
            continue;
        };
        if items.contains(&FlagNameAttribute::Noselect) {
            continue;
        }
        let wire = match &mailbox {
            Mailbox::Inbox => "INBOX".to_string(),
            Mailbox::Other(other) => String::from_utf8_lossy(other.as_ref()).into_owned(),
        };
        let name = if wire == "INBOX" {
            wire.clone()
        } else {
            utf7_imap::decode_utf7_imap(wire.clone())
        };
        client
            .run(CommandBody::examine(mailbox.clone()).map_err(|_| io::Error::other("examine"))?)?;
        let uidvalidity = uidvalidity_of(&mut client, &mailbox)?;
        let items = MacroOrMessageDataItemNames::MessageDataItemNames(vec![
            MessageDataItemName::Uid,
            MessageDataItemName::Flags,
            MessageDataItemName::InternalDate,
            MessageDataItemName::BodyExt {
                section: None,
                partial: None,
                peek: true,
            },
        ]);
        let fetch = CommandBody::fetch(SequenceSet::try_from("1:*").expect("valid"), items, true)
            .map_err(|_| io::Error::other("fetch"))?;
        let mut messages = Vec::new();
        // An empty folder answers "1:*" with nothing, or with NO on some
        // servers.
        let fetched: Vec<Data<'static>> = client.run(fetch.into_static()).unwrap_or_default();
        for data in fetched {
            if let Data::Fetch { items, .. } = data {
                messages.push(record(items.into_iter().collect()));
            }
        }
        messages.sort_by_key(|m| m.uid);
        snapshot.insert(
            name,
            FolderSnapshot {
                uidvalidity,
                messages,
            },
        );
    }
    Ok(snapshot)
}

fn uidvalidity_of(client: &mut TestClient, mailbox: &Mailbox<'static>) -> io::Result<u32> {
    let data = client.run(CommandBody::Status {
        mailbox: mailbox.clone(),
        item_names: vec![imap_codec::imap_types::status::StatusDataItemName::UidValidity].into(),
    })?;
    for d in data {
        if let Data::Status { items, .. } = d {
            for item in items.iter() {
                if let imap_codec::imap_types::status::StatusDataItem::UidValidity(v) = item {
                    return Ok(v.get());
                }
            }
        }
    }
    Err(io::Error::other("no UIDVALIDITY"))
}

fn record(items: Vec<MessageDataItem<'static>>) -> MessageRecord {
    let mut record = MessageRecord {
        sha256: [0; 32],
        size: 0,
        flags: BTreeSet::new(),
        internal_date: String::new(),
        uid: 0,
    };
    for item in items {
        match item {
            MessageDataItem::Uid(uid) => record.uid = uid.get(),
            MessageDataItem::Flags(flags) => {
                record.flags = flags
                    .into_iter()
                    .filter_map(|f| match f {
                        FlagFetch::Flag(flag) => Some(flag.to_string()),
                        FlagFetch::Recent => None,
                    })
                    .collect();
            }
            MessageDataItem::InternalDate(date) => {
                // As an instant: maildir keeps the time, not the zone.
                record.internal_date = date.as_ref().with_timezone(&chrono::Utc).to_rfc3339();
            }
            MessageDataItem::BodyExt { data, .. } => {
                let bytes = data
                    .0
                    .map(|d| d.into_inner().into_owned())
                    .unwrap_or_default();
                record.size = bytes.len();
                record.sha256 = Sha256::digest(&bytes).into();
            }
            _ => {}
        }
    }
    record
}

/// Compares a source snapshot with a target snapshot. `target_name` maps a
/// source folder name to the target's. Returns every difference, in words;
/// empty means the copy is exact (UIDs are not compared: they differ).
pub fn compare(
    source: &Snapshot,
    target: &Snapshot,
    target_name: impl Fn(&str) -> String,
) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, folder) in source {
        let mapped = target_name(name);
        let Some(copy) = target.get(&mapped) else {
            if !folder.messages.is_empty() {
                problems.push(format!("{name}: target folder {mapped} is missing"));
            }
            continue;
        };
        let key = |m: &MessageRecord| (m.sha256, m.flags.clone(), m.internal_date.clone());
        let mut want: BTreeMap<_, i64> = BTreeMap::new();
        for m in &folder.messages {
            *want.entry(key(m)).or_default() += 1;
        }
        for m in &copy.messages {
            *want.entry(key(m)).or_default() -= 1;
        }
        for ((sha, flags, date), count) in want {
            let id = format!("{:02x}{:02x}{:02x}{:02x}", sha[0], sha[1], sha[2], sha[3]);
            if count > 0 {
                problems.push(format!(
                    "{name} → {mapped}: {count} × message {id} {flags:?} {date} missing"
                ));
            } else if count < 0 {
                problems.push(format!(
                    "{name} → {mapped}: {} × message {id} {flags:?} {date} extra",
                    -count
                ));
            }
        }
    }
    problems
}
