//! The source key: what an item is recognised by on the target (its UID,
//! plus the occurrence for a changed occurrence), and how it is stored
//! in Ferry's extended property (the same value through EWS and Graph,
//! so an item made through one is found through the other).

use super::caldav::resource::content_uid;
use super::ews::xml::xml_allowed;
use crate::mapping::DuplicateUids;
use crate::model::Item;

/// The key of `item`: its UID (and occurrence), or for an item without
/// UID its [`content_key`]. `None` only when the item cannot be written
/// out to be hashed.
pub fn source_key(item: &Item) -> Option<String> {
    DuplicateUids::key(item).or_else(|| content_key(item))
}

/// What recognises an item without UID on a re-run: the hash of its
/// content (the item as mapped, written as JSON, without its line in the
/// file and the notes read from it), as the CalDAV writer names such
/// items by the hash of their text. The same item in the same export
/// maps to the same key on every run and platform; an item changed in
/// the source, or mapped by changed rules, is a new item.
pub fn content_key(item: &Item) -> Option<String> {
    let mut content = item.clone();
    content.line = 0;
    content.notes.clear();
    let json = serde_json::to_string(&content).ok()?;
    Some(content_uid(&json))
}

/// A source key as stored in the extended property: `%`, control
/// characters and whatever else XML cannot hold (the key separates UID
/// and occurrence with U+0000) percent-encoded, so the value is exact
/// and unique.
pub fn encode_source_key(key: &str) -> String {
    let mut encoded = String::with_capacity(key.len());
    for c in key.chars() {
        if c == '%' || c.is_control() || !xml_allowed(c) {
            let mut buffer = [0; 4];
            for byte in c.encode_utf8(&mut buffer).bytes() {
                encoded.push_str(&format!("%{byte:02X}"));
            }
        } else {
            encoded.push(c);
        }
    }
    encoded
}

/// Reverses [`encode_source_key`].
pub fn decode_source_key(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(byte) = value
                .get(i + 1..i + 3)
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
        {
            decoded.push(byte);
            i += 3;
            continue;
        }
        decoded.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stored_exactly() {
        assert_eq!(encode_source_key("uid-1"), "uid-1");
        assert_eq!(
            encode_source_key("a%b\u{0}2024-01-01T09:00:00"),
            "a%25b%002024-01-01T09:00:00"
        );
        assert_eq!(encode_source_key("x\u{FFFE}"), "x%EF%BF%BE");
        assert_eq!(decode_source_key("a%25b%002024"), "a%b\u{0}2024");
        assert_eq!(decode_source_key("100%"), "100%");
        for key in ["plain", "a%b\u{0}c", "é\u{1}\u{FFFE}"] {
            assert_eq!(decode_source_key(&encode_source_key(key)), key);
        }
    }

    #[test]
    fn items_without_uid_are_keyed_by_content() {
        use crate::model::ItemKind;
        let mut card = Item::new(ItemKind::Contact, 12);
        card.summary = Some("Ana Lima".into());
        let key = source_key(&card).unwrap();
        assert!(key.starts_with("ferry-"), "{key}");
        // Where it stands in the file, and notes, do not matter.
        let mut moved = card.clone();
        moved.line = 400;
        moved.notes.push("The item has no UID".into());
        assert_eq!(source_key(&moved).as_deref(), Some(key.as_str()));
        // Its content does.
        let mut changed = card.clone();
        changed.summary = Some("Ana Lima-Souza".into());
        assert_ne!(source_key(&changed).as_deref(), Some(key.as_str()));
        // A UID wins.
        card.uid = Some("u-1".into());
        assert_eq!(source_key(&card).as_deref(), Some("u-1"));
    }
}
