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
        let inbox_prefix = prefix.len() > 5 && prefix[..5].eq_ignore_ascii_case("INBOX");
        let same = if inbox_prefix {
            head[..5].eq_ignore_ascii_case("INBOX") && head[5..] == prefix[5..]
        } else {
            head == prefix
        };
        if same {
            return Some(rest);
        }
    }
    None
}

/// Decodes a mailbox name from IMAP's modified UTF-7 (RFC 3501 §5.1.3).
/// Names that are not valid modified UTF-7 are kept as they are.
pub fn decode_utf7(raw: &str) -> String {
    if raw.contains('&') {
        utf7_imap::decode_utf7_imap(raw.to_string())
    } else {
        raw.to_string()
    }
}

/// Encodes a mailbox name to IMAP's modified UTF-7.
pub fn encode_utf7(name: &str) -> String {
    utf7_imap::encode_utf7_imap(name.to_string())
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
    }
}
