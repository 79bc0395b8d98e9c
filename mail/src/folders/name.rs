//! A folder's name as its hierarchy components, independent of the server's
//! separator and namespace prefix.

use std::fmt;

/// A folder name split into hierarchy components, in Unicode.
///
/// `INBOX` is special: it is the only name compared without regard to case
/// (RFC 3501 §5.1), and it is kept as the single component `INBOX`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FolderName {
    components: Vec<String>,
}

impl FolderName {
    /// The inbox.
    pub fn inbox() -> Self {
        Self {
            components: vec!["INBOX".to_string()],
        }
    }

    /// Builds a name from components; empty components are dropped.
    pub fn from_components<I, S>(components: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut components: Vec<String> = components
            .into_iter()
            .map(Into::into)
            .filter(|c| !c.is_empty())
            .collect();
        if components.len() == 1 && components[0].eq_ignore_ascii_case("INBOX") {
            components[0] = "INBOX".to_string();
        }
        Self { components }
    }

    /// Splits a full server-side name (already decoded from modified UTF-7)
    /// at `separator` after removing the namespace `prefix`.
    ///
    /// `INBOX` is never under the prefix, whatever the server (the legacy
    /// `INBOX.` prefix is a namespace, INBOX itself sits at the top).
    pub fn from_server(full: &str, separator: Option<char>, prefix: &str) -> Self {
        if full.eq_ignore_ascii_case("INBOX") {
            return Self::inbox();
        }
        let relative = strip_prefix_ignoring_inbox_case(full, prefix).unwrap_or(full);
        match separator {
            Some(sep) => Self::from_components(relative.split(sep)),
            None => Self::from_components([relative]),
        }
    }

    /// The full server-side name (Unicode) under `prefix` with `separator`.
    /// A component that contains the separator has it replaced by
    /// `replacement`, as such a name cannot exist on the server otherwise.
    pub fn to_server(&self, separator: Option<char>, prefix: &str, replacement: char) -> String {
        if self.is_inbox() {
            return "INBOX".to_string();
        }
        let sep = separator.unwrap_or(replacement);
        let joined: Vec<String> = self
            .components
            .iter()
            .map(|c| match separator {
                Some(s) => c.replace(s, &replacement.to_string()),
                None => c.clone(),
            })
            .collect();
        format!("{prefix}{}", joined.join(&sep.to_string()))
    }

    pub fn is_inbox(&self) -> bool {
        self.components.len() == 1 && self.components[0] == "INBOX"
    }

    pub fn components(&self) -> &[String] {
        &self.components
    }

    /// The last component, e.g. `Projects` for `Archive/2024/Projects`.
    pub fn leaf(&self) -> Option<&str> {
        self.components.last().map(String::as_str)
    }

    /// The name with `/` between components: the form rules are written in.
    pub fn path(&self) -> String {
        self.components.join("/")
    }
}

impl fmt::Display for FolderName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path())
    }
}

/// Removes `prefix` from `full`; the `INBOX` part of a prefix such as
/// `INBOX.` matches in any case.
fn strip_prefix_ignoring_inbox_case<'a>(full: &'a str, prefix: &str) -> Option<&'a str> {
    if prefix.is_empty() {
        return Some(full);
    }
    if full.len() >= prefix.len() && full.is_char_boundary(prefix.len()) {
        let (head, rest) = full.split_at(prefix.len());
        // Compared as bytes: a name such as "INBÖX…" must not be cut inside
        // a character.
        let (head_bytes, prefix_bytes) = (head.as_bytes(), prefix.as_bytes());
        let inbox_prefix =
            prefix_bytes.len() > 5 && prefix_bytes[..5].eq_ignore_ascii_case(b"INBOX");
        let same = if inbox_prefix {
            head_bytes[..5].eq_ignore_ascii_case(b"INBOX") && head_bytes[5..] == prefix_bytes[5..]
        } else {
            head == prefix
        };
        if same {
            return Some(rest);
        }
    }
    None
}

/// The modified BASE64 alphabet of RFC 3501 §5.1.3 (`,` instead of `/`).
const MB64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

/// Decodes a mailbox name from IMAP's modified UTF-7 (RFC 3501 §5.1.3).
/// A name that is not valid modified UTF-7 is kept as it is.
pub fn decode_utf7(raw: &str) -> String {
    decode_strict(raw).unwrap_or_else(|| raw.to_string())
}

fn decode_strict(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let shifted = &rest[at + 1..];
        let end = shifted.find('-')?;
        let encoded = &shifted[..end];
        if encoded.is_empty() {
            out.push('&');
        } else {
            let mut bits: u32 = 0;
            let mut count = 0;
            let mut units: Vec<u16> = Vec::new();
            let mut bytes: Vec<u8> = Vec::new();
            for c in encoded.bytes() {
                let value = MB64.iter().position(|b| *b == c)? as u32;
                bits = (bits << 6) | value;
                count += 6;
                if count >= 8 {
                    count -= 8;
                    bytes.push((bits >> count) as u8);
                    bits &= (1 << count) - 1;
                }
            }
            if !bytes.len().is_multiple_of(2) || bits != 0 {
                return None;
            }
            for pair in bytes.chunks(2) {
                units.push(u16::from_be_bytes([pair[0], pair[1]]));
            }
            let decoded = String::from_utf16(&units).ok()?;
            // Printable ASCII must not be encoded (it would not round-trip).
            if decoded.chars().any(|c| (' '..='~').contains(&c)) {
                return None;
            }
            out.push_str(&decoded);
        }
        rest = &shifted[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// Encodes a mailbox name to IMAP's modified UTF-7.
pub fn encode_utf7(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 8);
    let mut pending: Vec<u16> = Vec::new();
    let flush = |pending: &mut Vec<u16>, out: &mut String| {
        if pending.is_empty() {
            return;
        }
        out.push('&');
        let bytes: Vec<u8> = pending.iter().flat_map(|u| u.to_be_bytes()).collect();
        for chunk in bytes.chunks(3) {
            let n = chunk.len();
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let v = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..=n {
                out.push(MB64[((v >> (18 - 6 * i)) & 63) as usize] as char);
            }
        }
        out.push('-');
        pending.clear();
    };
    for c in name.chars() {
        if (' '..='~').contains(&c) {
            flush(&mut pending, &mut out);
            if c == '&' {
                out.push_str("&-");
            } else {
                out.push(c);
            }
        } else {
            let mut buf = [0u16; 2];
            pending.extend_from_slice(c.encode_utf16(&mut buf));
        }
    }
    flush(&mut pending, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_dotted_names_lose_their_prefix() {
        let name = FolderName::from_server("INBOX.Sent Items", Some('.'), "INBOX.");
        assert_eq!(name.components(), ["Sent Items"]);
        assert_eq!(name.to_server(Some('/'), "", '_'), "Sent Items");
        let nested = FolderName::from_server("inbox.Projects.2024", Some('.'), "INBOX.");
        assert_eq!(nested.path(), "Projects/2024");
        assert_eq!(nested.to_server(Some('/'), "", '_'), "Projects/2024");
        assert_eq!(
            nested.to_server(Some('.'), "INBOX.", '_'),
            "INBOX.Projects.2024"
        );
    }

    #[test]
    fn inbox_is_inbox_in_any_case_and_never_prefixed() {
        assert!(FolderName::from_server("Inbox", Some('.'), "INBOX.").is_inbox());
        assert_eq!(
            FolderName::inbox().to_server(Some('.'), "INBOX.", '_'),
            "INBOX"
        );
        // A folder merely named like the inbox one level down is not INBOX.
        assert!(!FolderName::from_server("INBOX.INBOX.x", Some('.'), "INBOX.").is_inbox());
    }

    #[test]
    fn non_ascii_near_the_prefix_does_not_split_a_character() {
        // Found by the folder_rules fuzz target: "INBÖ" cut at byte 5.
        let name = FolderName::from_server("INBÖX.a", Some('.'), "INBOX.");
        assert_eq!(name.components(), ["INBÖX", "a"]);
    }

    #[test]
    fn a_separator_inside_a_component_is_replaced() {
        // "Q1/Q2" is one folder on a '.' server; on a '/' server it would
        // be two levels.
        let name = FolderName::from_server("INBOX.Q1/Q2 reports", Some('.'), "INBOX.");
        assert_eq!(name.to_server(Some('/'), "", '_'), "Q1_Q2 reports");
        // And a dotted name from a '/' server going to a '.' server.
        let name = FolderName::from_server("v1.2 notes", Some('/'), "");
        assert_eq!(name.to_server(Some('.'), "INBOX.", '_'), "INBOX.v1_2 notes");
    }

    #[test]
    fn modified_utf7_round_trips() {
        assert_eq!(decode_utf7("Entw&APw-rfe"), "Entwürfe");
        assert_eq!(decode_utf7("&ZeVnLIqe-"), "日本語");
        assert_eq!(
            encode_utf7("Éléments envoyés"),
            "&AMk-l&AOk-ments envoy&AOk-s"
        );
        assert_eq!(decode_utf7(&encode_utf7("A & B")), "A & B");
        assert_eq!(encode_utf7("A & B"), "A &- B");
        // RFC 3501's own example, and characters outside the BMP.
        assert_eq!(
            encode_utf7("~peter/mail/台北/日本語"),
            "~peter/mail/&U,BTFw-/&ZeVnLIqe-"
        );
        assert_eq!(decode_utf7(&encode_utf7("📧 Inbox 😀")), "📧 Inbox 😀");
        // Found by the folder_rules fuzz target: a leading U+FEFF was lost.
        assert_eq!(decode_utf7(&encode_utf7("\u{feff}:\0")), "\u{feff}:\0");
        // Invalid encodings are kept as they are.
        assert_eq!(decode_utf7("&Jjo"), "&Jjo");
        assert_eq!(decode_utf7("&AEE-"), "&AEE-", "encoded ASCII is not valid");
    }
}
