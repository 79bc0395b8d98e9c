//! How much a mailbox holds, folder by folder, for the page's "what to
//! move" step: STATUS (MESSAGES, and SIZE where the server offers
//! RFC 8438's STATUS=SIZE) on every selectable folder. Read-only: STATUS
//! opens nothing and changes no flag.

use super::wire::{list_folders, mailbox};
use crate::imap::{ImapError, Session};
use imap_codec::imap_types::command::CommandBody;
use imap_codec::imap_types::response::Data;
use imap_codec::imap_types::status::{StatusDataItem, StatusDataItemName};
use serde::Serialize;

/// One folder's counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FolderStat {
    /// The folder's full name as people read it.
    pub name: String,
    pub messages: u32,
    /// Octets, when the server says (STATUS=SIZE).
    pub bytes: Option<u64>,
}

/// The counts of every selectable folder of the session's mailbox, in
/// the server's order.
pub async fn folder_stats(session: &mut Session) -> Result<Vec<FolderStat>, ImapError> {
    let folders = list_folders(session).await?;
    let with_size = session.capabilities().has("STATUS=SIZE");
    let mut names = vec![StatusDataItemName::Messages];
    if with_size {
        names.push(StatusDataItemName::Size);
    }
    let utf8_names = session.utf8_names();
    let mut stats = Vec::new();
    for folder in &folders.folders {
        if folder.attributes.iter().any(|a| {
            a.eq_ignore_ascii_case("\\Noselect") || a.eq_ignore_ascii_case("\\NonExistent")
        }) {
            continue;
        }
        let wire = if folder.name.eq_ignore_ascii_case("INBOX") {
            "INBOX".to_string()
        } else {
            crate::folders::name::encode_utf7(&folder.name)
        };
        let command = CommandBody::Status {
            mailbox: mailbox(&wire, utf8_names)?,
            item_names: names.clone().into(),
        };
        let mut stat = FolderStat {
            name: folder.name.clone(),
            messages: 0,
            bytes: None,
        };
        for data in session.run("STATUS", command).await?.data {
            if let Data::Status { items, .. } = data {
                for item in items.iter() {
                    match item {
                        StatusDataItem::Messages(n) => stat.messages = *n,
                        StatusDataItem::Size(n) => stat.bytes = Some(*n),
                        _ => {}
                    }
                }
            }
        }
        stats.push(stat);
    }
    Ok(stats)
}
