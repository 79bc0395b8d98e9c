//! Translating between the engine's plain types and IMAP commands and
//! responses (through imap-codec's typed values; no protocol text is
//! formatted from user data here).

use super::plan::{Signature, SourceMessage};
use crate::folders::mapping::{ServerFolder, ServerFolders};
use crate::folders::name::decode_utf7;
use crate::imap::{ImapError, Session};
use bounded_static::IntoBoundedStatic;
use imap_codec::imap_types::command::CommandBody;
use imap_codec::imap_types::core::{AString, IString, Literal, Vec1};
use imap_codec::imap_types::datetime::DateTime;
use imap_codec::imap_types::extensions::utf8::QuotedUtf8;
use imap_codec::imap_types::fetch::{
    MacroOrMessageDataItemNames, MessageDataItem, MessageDataItemName, Section,
};
use imap_codec::imap_types::flag::{Flag, FlagFetch, FlagPerm, StoreResponse, StoreType};
use imap_codec::imap_types::mailbox::Mailbox;
use imap_codec::imap_types::response::{Code, Data};
use imap_codec::imap_types::sequence::SequenceSet;
use std::collections::{BTreeSet, HashSet};

/// The mailbox value for a wire (modified UTF-7) name. With `utf8_names`
/// (the session enabled UTF8=ACCEPT) the name is sent as a UTF-8 quoted
/// string instead, as RFC 9755 asks.
pub fn mailbox(wire: &str, utf8_names: bool) -> Result<Mailbox<'static>, ImapError> {
    let refused = || ImapError::InvalidInput(format!("“{wire}” cannot be used as a folder name"));
    if utf8_names && !wire.eq_ignore_ascii_case("INBOX") {
        let name = crate::folders::name::decode_utf7(wire);
        if !name.is_ascii() {
            let quoted = QuotedUtf8::try_from(name).map_err(|_| refused())?;
            return Ok(Mailbox::from(AString::String(IString::QuotedUtf8(quoted))));
        }
    }
    Mailbox::try_from(wire.to_string()).map_err(|_| refused())
}

/// A UID set such as `1:5,9,12:14` from UIDs (any order).
pub fn uid_set(uids: &[u32]) -> Option<SequenceSet> {
    // Digits, colons and commas only: always a valid sequence set.
    SequenceSet::try_from(uid_set_text(uids).as_str()).ok()
}

fn uid_set_text(uids: &[u32]) -> String {
    let mut sorted = uids.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut parts: Vec<String> = Vec::new();
    let mut iter = sorted.into_iter().peekable();
    while let Some(start) = iter.next() {
        let mut end = start;
        while iter.peek() == Some(&(end + 1)) {
            end = iter.next().expect("peeked");
        }
        parts.push(if start == end {
            start.to_string()
        } else {
            format!("{start}:{end}")
        });
    }
    parts.join(",")
}

/// Lists a server's personal folders with their attributes and
/// subscriptions, and its namespace prefix and separator.
pub async fn list_folders(session: &mut Session) -> Result<ServerFolders, ImapError> {
    let mut prefix = String::new();
    let mut separator = None;
    if session.capabilities().has("NAMESPACE") {
        for data in session.run("NAMESPACE", CommandBody::Namespace).await?.data {
            if let Data::Namespace { personal, .. } = data
                && let Some(first) = personal.first()
            {
                prefix = String::from_utf8_lossy(first.prefix.as_ref()).into_owned();
                separator = first.delimiter.as_ref().map(|c| c.inner());
            }
        }
    }
    // XLIST only where it adds roles that SPECIAL-USE does not give.
    let caps = session.capabilities();
    let listed = if caps.has("XLIST") && !caps.has("SPECIAL-USE") {
        session.xlist().await?
    } else {
        let list =
            CommandBody::list("", "*").map_err(|_| ImapError::InvalidInput("LIST".into()))?;
        session.run("LIST", list.into_static()).await?
    };
    let utf8_names = session.utf8_names();
    let mut folders = Vec::new();
    for data in listed.data {
        if let Data::List {
            items,
            delimiter,
            mailbox,
        } = data
        {
            if separator.is_none() {
                separator = delimiter.as_ref().map(|c| c.inner());
            }
            folders.push(ServerFolder {
                name: mailbox_name(&mailbox, utf8_names),
                attributes: items.iter().map(|a| a.to_string()).collect(),
                subscribed: false,
            });
        }
    }
    let lsub = CommandBody::lsub("", "*").map_err(|_| ImapError::InvalidInput("LSUB".into()))?;
    let mut subscribed = HashSet::new();
    for data in session.run("LSUB", lsub.into_static()).await?.data {
        if let Data::Lsub { mailbox, .. } = data {
            subscribed.insert(mailbox_name(&mailbox, utf8_names));
        }
    }
    for folder in &mut folders {
        folder.subscribed = subscribed.contains(&folder.name) || folder.name == "INBOX";
    }
    Ok(ServerFolders {
        prefix,
        separator,
        folders,
    })
}

/// A folder's name as people read it: from modified UTF-7, or as it is
/// when the session enabled UTF8=ACCEPT (then `&` is just a character).
fn mailbox_name(mailbox: &Mailbox<'_>, utf8_names: bool) -> String {
    match mailbox {
        Mailbox::Inbox => "INBOX".to_string(),
        Mailbox::Other(other) => {
            let raw = String::from_utf8_lossy(other.as_ref());
            if utf8_names {
                raw.into_owned()
            } else {
                decode_utf7(&raw)
            }
        }
    }
}

/// What SELECT/EXAMINE said about a folder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FolderStatus {
    pub exists: u32,
    pub uidvalidity: u32,
    pub uidnext: u32,
    pub highestmodseq: Option<u64>,
    /// `None`: any flag or keyword may be stored (`\*`), else the list.
    pub permanent_flags: Option<BTreeSet<String>>,
}

impl FolderStatus {
    /// Keeps the flags the folder can store.
    pub fn storable(&self, flags: &BTreeSet<String>) -> BTreeSet<String> {
        match &self.permanent_flags {
            None => flags.clone(),
            Some(allowed) => flags
                .iter()
                .filter(|f| allowed.iter().any(|a| a.eq_ignore_ascii_case(f)))
                .cloned()
                .collect(),
        }
    }
}

/// Opens a folder: read-only (EXAMINE) on the source, read-write on the target.
pub async fn open_folder(
    session: &mut Session,
    wire: &str,
    read_only: bool,
) -> Result<FolderStatus, ImapError> {
    let body = if read_only {
        CommandBody::examine(mailbox(wire, session.utf8_names())?)
    } else {
        CommandBody::select(mailbox(wire, session.utf8_names())?)
    }
    .map_err(|_| ImapError::InvalidInput("folder".into()))?;
    let output = session
        .run(if read_only { "EXAMINE" } else { "SELECT" }, body)
        .await?;
    let mut status = FolderStatus {
        permanent_flags: Some(BTreeSet::new()),
        ..FolderStatus::default()
    };
    for data in output.data {
        if let Data::Exists(n) = data {
            status.exists = n;
        }
    }
    for code in output.codes {
        match code {
            Code::UidValidity(v) => status.uidvalidity = v.get(),
            Code::UidNext(v) => status.uidnext = v.get(),
            Code::HighestModSeq(v) => status.highestmodseq = Some(v.get()),
            Code::PermanentFlags(flags) => {
                if flags.iter().any(|f| matches!(f, FlagPerm::Asterisk)) {
                    status.permanent_flags = None;
                } else {
                    status.permanent_flags = Some(
                        flags
                            .iter()
                            .filter_map(|f| match f {
                                FlagPerm::Flag(flag) => Some(flag.to_string()),
                                FlagPerm::Asterisk => None,
                            })
                            .collect(),
                    );
                }
            }
            _ => {}
        }
    }
    Ok(status)
}

fn fetch_command(
    uids: &[u32],
    items: Vec<MessageDataItemName<'static>>,
) -> Option<CommandBody<'static>> {
    let set = uid_set(uids)?;
    CommandBody::fetch(
        set,
        MacroOrMessageDataItemNames::MessageDataItemNames(items),
        true,
    )
    .ok()
}

fn all_uids() -> CommandBody<'static> {
    CommandBody::fetch(
        SequenceSet::try_from("1:*").expect("valid"),
        MacroOrMessageDataItemNames::MessageDataItemNames(vec![
            MessageDataItemName::Uid,
            MessageDataItemName::Flags,
            MessageDataItemName::Rfc822Size,
            MessageDataItemName::InternalDate,
        ]),
        true,
    )
    .expect("valid fetch")
}

/// Every message of the open folder: UID, flags, size, date (no bodies).
/// With `changed_since` (CONDSTORE), only messages new or changed since
/// that HIGHESTMODSEQ are listed.
pub async fn list_messages(
    session: &mut Session,
    exists: u32,
    changed_since: Option<u64>,
) -> Result<Vec<SourceMessage>, ImapError> {
    if exists == 0 {
        return Ok(Vec::new());
    }
    let mut command = all_uids();
    if let (Some(modseq), CommandBody::Fetch { modifiers, .. }) = (changed_since, &mut command)
        && let Some(modseq) = std::num::NonZeroU64::new(modseq)
    {
        modifiers.push(imap_codec::imap_types::command::FetchModifier::ChangedSince(modseq));
    }
    let mut messages: Vec<SourceMessage> = fetch(session, command)
        .await?
        .into_iter()
        .map(|m| SourceMessage {
            uid: m.uid,
            flags: m.flags,
            size: m.size,
            internal_date: m.internal_date.map_or(0, |d| d.as_ref().timestamp()),
        })
        .collect();
    messages.sort_by_key(|m| m.uid);
    Ok(messages)
}

fn flag_names(flags: Vec<FlagFetch<'_>>) -> BTreeSet<String> {
    flags
        .into_iter()
        .filter_map(|f| match f {
            FlagFetch::Flag(flag) => Some(flag.to_string()),
            FlagFetch::Recent => None,
        })
        .collect()
}

/// Signatures (Message-ID, Date, first Received, size) of `uids`.
pub async fn signatures(
    session: &mut Session,
    uids: &[u32],
) -> Result<Vec<(u32, Signature)>, ImapError> {
    let fields = ["MESSAGE-ID", "DATE", "RECEIVED"]
        .into_iter()
        .map(|f| AString::try_from(f).expect("valid header name"))
        .collect::<Vec<_>>();
    let section = Section::HeaderFields(None, Vec1::try_from(fields).expect("three fields"));
    let Some(command) = fetch_command(
        uids,
        vec![
            MessageDataItemName::Uid,
            MessageDataItemName::Rfc822Size,
            MessageDataItemName::BodyExt {
                section: Some(section),
                partial: None,
                peek: true,
            },
        ],
    ) else {
        return Ok(Vec::new());
    };
    Ok(fetch(session, command)
        .await?
        .into_iter()
        .map(|m| (m.uid, Signature::from_headers(&m.bytes, m.size)))
        .collect())
}

/// UIDs of every message of the open folder.
pub async fn all_uid_list(session: &mut Session, exists: u32) -> Result<Vec<u32>, ImapError> {
    // Every UID, changed or not.
    Ok(list_messages(session, exists, None)
        .await?
        .into_iter()
        .map(|m| m.uid)
        .collect())
}

/// What one untagged FETCH response said about a message. Items that were
/// not asked for keep their empty value.
#[derive(Debug, Clone, Default)]
pub struct FetchedMessage {
    pub uid: u32,
    pub flags: BTreeSet<String>,
    pub size: u32,
    pub internal_date: Option<DateTime>,
    /// The body item asked for: the whole message, a section or a part.
    pub bytes: Vec<u8>,
}

/// Runs a UID FETCH and decodes every response that carries a UID. The one
/// place FETCH items are read.
async fn fetch(
    session: &mut Session,
    command: CommandBody<'_>,
) -> Result<Vec<FetchedMessage>, ImapError> {
    let mut out = Vec::new();
    for data in session.run("FETCH", command).await?.data {
        let Data::Fetch { items, .. } = data else {
            continue;
        };
        let mut m = FetchedMessage::default();
        for item in items.into_iter() {
            match item {
                MessageDataItem::Uid(uid) => m.uid = uid.get(),
                MessageDataItem::Flags(flags) => m.flags = flag_names(flags),
                MessageDataItem::Rfc822Size(size) => m.size = size,
                MessageDataItem::InternalDate(date) => m.internal_date = Some(date),
                MessageDataItem::BodyExt { data, .. } => m.bytes = body_bytes(data),
                _ => {}
            }
        }
        if m.uid != 0 {
            out.push(m);
        }
    }
    Ok(out)
}

/// Bodies, flags and dates of `uids`, read with BODY.PEEK (the source's
/// \Seen flags never change).
pub async fn fetch_messages(
    session: &mut Session,
    uids: &[u32],
) -> Result<Vec<FetchedMessage>, ImapError> {
    let Some(command) = fetch_command(
        uids,
        vec![
            MessageDataItemName::Uid,
            MessageDataItemName::Flags,
            MessageDataItemName::InternalDate,
            MessageDataItemName::BodyExt {
                section: None,
                partial: None,
                peek: true,
            },
        ],
    ) else {
        return Ok(Vec::new());
    };
    fetch(session, command).await
}

/// `len` bytes of message `uid` from `offset` (BODY.PEEK[]<offset.len>).
pub async fn fetch_chunk(
    session: &mut Session,
    uid: u32,
    offset: u32,
    len: u32,
) -> Result<Vec<u8>, ImapError> {
    let Some(length) = std::num::NonZeroU32::new(len) else {
        return Ok(Vec::new());
    };
    let Some(command) = fetch_command(
        &[uid],
        vec![
            MessageDataItemName::Uid,
            MessageDataItemName::BodyExt {
                section: None,
                partial: Some((offset, length)),
                peek: true,
            },
        ],
    ) else {
        return Ok(Vec::new());
    };
    Ok(fetch(session, command)
        .await?
        .into_iter()
        .next()
        .map(|m| m.bytes)
        .unwrap_or_default())
}

/// The APPEND of a message that is streamed: imap-codec encodes mailbox,
/// flags and date around a one-byte stand-in literal, whose announcement
/// the connection replaces with the real size.
pub fn append_probe(
    wire: &str,
    utf8_names: bool,
    flags: &BTreeSet<String>,
    date: Option<DateTime>,
) -> Result<CommandBody<'static>, ImapError> {
    CommandBody::append(
        mailbox(wire, utf8_names)?,
        typed_flags(flags),
        date,
        Literal::unvalidated(&b"x"[..]).into_non_sync(),
    )
    .map_err(|_| ImapError::InvalidInput("the message cannot be appended".into()))
}

/// Flags, INTERNALDATE and the bytes from `size - 1` on of one message, in
/// one FETCH: what a streamed copy needs before it starts. `bytes` holds
/// exactly one byte when the message really is `size` bytes long.
pub async fn fetch_meta_and_tail(
    session: &mut Session,
    uid: u32,
    size: u32,
) -> Result<FetchedMessage, ImapError> {
    let Some(command) = fetch_command(
        &[uid],
        vec![
            MessageDataItemName::Uid,
            MessageDataItemName::Flags,
            MessageDataItemName::InternalDate,
            MessageDataItemName::BodyExt {
                section: None,
                partial: Some((
                    size.saturating_sub(1),
                    std::num::NonZeroU32::new(2).expect("2 > 0"),
                )),
                peek: true,
            },
        ],
    ) else {
        return Ok(FetchedMessage::default());
    };
    Ok(fetch(session, command)
        .await?
        .into_iter()
        .next()
        .unwrap_or_default())
}

/// The octets of a FETCH body item (NIL is empty).
fn body_bytes(data: imap_codec::imap_types::core::NString<'_>) -> Vec<u8> {
    data.0
        .map(|d| d.into_inner().into_owned())
        .unwrap_or_default()
}

/// Flags as typed values; names that are not valid flags are dropped.
pub fn typed_flags(flags: &BTreeSet<String>) -> Vec<Flag<'static>> {
    flags
        .iter()
        .filter(|f| !f.eq_ignore_ascii_case("\\Recent"))
        .filter_map(|f| {
            Flag::try_from(f.as_str())
                .ok()
                .map(IntoBoundedStatic::into_static)
        })
        .collect()
}

/// APPEND of one message, with a non-synchronizing literal when allowed.
/// The message is borrowed: it is encoded once, straight into the output.
pub fn append_command<'a>(
    wire: &str,
    utf8_names: bool,
    message: &'a FetchedMessage,
    flags: &BTreeSet<String>,
    literal_plus: bool,
) -> Result<CommandBody<'a>, ImapError> {
    if memchr::memchr(0, &message.bytes).is_some() {
        return Err(ImapError::InvalidInput(
            "the message holds a NUL byte".into(),
        ));
    }
    // Checked just above (and the bytes came from a server's literal).
    let literal = Literal::unvalidated(message.bytes.as_slice());
    let literal = if literal_plus {
        literal.into_non_sync()
    } else {
        literal
    };
    CommandBody::append(
        mailbox(wire, utf8_names)?,
        typed_flags(flags),
        message.internal_date.clone(),
        literal,
    )
    .map_err(|_| ImapError::InvalidInput("the message cannot be appended".into()))
}

/// Replaces the flags of one target message.
pub fn store_flags(target_uid: u32, flags: &BTreeSet<String>) -> Option<CommandBody<'static>> {
    CommandBody::store(
        uid_set(&[target_uid])?,
        StoreType::Replace,
        StoreResponse::Silent,
        typed_flags(flags),
        true,
    )
    .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_sets_are_compact_ranges() {
        assert_eq!(uid_set_text(&[5, 1, 2, 3, 9, 11, 12, 12]), "1:3,5,9,11:12");
        assert!(uid_set(&[7]).is_some());
        assert!(uid_set(&[]).is_none());
    }
}
