//! Special-use roles (RFC 6154): the Sent, Drafts, Trash, Junk and Archive
//! folders, which every server names differently and users' mail clients
//! find by role, not by name.
//!
//! A server that announces roles (SPECIAL-USE, or Gmail's XLIST) is
//! believed. Legacy servers announce nothing, so their folders are also
//! recognised by the names mail clients in common languages give them.

use serde::{Deserialize, Serialize};

/// A folder's special use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Sent,
    Drafts,
    Trash,
    Junk,
    Archive,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Sent,
        Role::Drafts,
        Role::Trash,
        Role::Junk,
        Role::Archive,
    ];

    /// From a LIST attribute such as `\Sent` (case-insensitive). XLIST's
    /// `\Spam` and `\AllMail` are understood too.
    pub fn from_attribute(attribute: &str) -> Option<Role> {
        let a = attribute.trim_start_matches('\\').to_ascii_lowercase();
        match a.as_str() {
            "sent" => Some(Role::Sent),
            "drafts" => Some(Role::Drafts),
            "trash" => Some(Role::Trash),
            "junk" | "spam" => Some(Role::Junk),
            "archive" | "allmail" => Some(Role::Archive),
            _ => None,
        }
    }

    /// The LIST attribute for this role.
    pub fn attribute(self) -> &'static str {
        match self {
            Role::Sent => "\\Sent",
            Role::Drafts => "\\Drafts",
            Role::Trash => "\\Trash",
            Role::Junk => "\\Junk",
            Role::Archive => "\\Archive",
        }
    }

    /// Guesses a role from a top-level folder's name, for servers without
    /// SPECIAL-USE. Matching ignores case; only whole names count.
    pub fn from_name(leaf: &str) -> Option<Role> {
        let name = leaf.trim().to_lowercase();
        KNOWN_NAMES
            .iter()
            .find(|(_, names)| names.contains(&name.as_str()))
            .map(|(role, _)| *role)
    }
}

/// Names mail clients and servers give role folders (English, German,
/// French, Dutch, Spanish, Italian, Portuguese, Polish, plus common
/// variants of Outlook, Thunderbird, Apple Mail, Gmail and Courier).
const KNOWN_NAMES: &[(Role, &[&str])] = &[
    (
        Role::Sent,
        &[
            "sent",
            "sent items",
            "sent messages",
            "sent mail",
            "outbox sent",
            "gesendet",
            "gesendete elemente",
            "gesendete objekte",
            "gesendete nachrichten",
            "envoyés",
            "éléments envoyés",
            "messages envoyés",
            "envoyes",
            "elements envoyes",
            "verzonden",
            "verzonden items",
            "verzonden berichten",
            "enviados",
            "elementos enviados",
            "posta inviata",
            "inviati",
            "itens enviados",
            "wysłane",
            "elementy wysłane",
        ],
    ),
    (
        Role::Drafts,
        &[
            "drafts",
            "draft",
            "entwürfe",
            "entwurf",
            "brouillons",
            "concepten",
            "borradores",
            "bozze",
            "rascunhos",
            "wersje robocze",
        ],
    ),
    (
        Role::Trash,
        &[
            "trash",
            "deleted items",
            "deleted messages",
            "deleted",
            "bin",
            "papierkorb",
            "gelöschte elemente",
            "gelöschte objekte",
            "corbeille",
            "éléments supprimés",
            "prullenbak",
            "verwijderde items",
            "papelera",
            "elementos eliminados",
            "cestino",
            "posta eliminata",
            "lixeira",
            "itens excluídos",
            "kosz",
            "elementy usunięte",
        ],
    ),
    (
        Role::Junk,
        &[
            "junk",
            "spam",
            "junk e-mail",
            "junk email",
            "junk mail",
            "bulk mail",
            "junk-e-mail",
            "spamverdacht",
            "courrier indésirable",
            "courrier indesirable",
            "ongewenste e-mail",
            "correo no deseado",
            "posta indesiderata",
            "lixo eletrônico",
            "wiadomości-śmieci",
        ],
    ),
    (
        Role::Archive,
        &[
            "archive", "archives", "archiv", "archief", "archivo", "archivio", "arquivo",
            "archiwum",
        ],
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_map_to_roles() {
        assert_eq!(Role::from_attribute("\\Sent"), Some(Role::Sent));
        assert_eq!(Role::from_attribute("\\SPAM"), Some(Role::Junk));
        assert_eq!(Role::from_attribute("\\HasNoChildren"), None);
        for role in Role::ALL {
            assert_eq!(Role::from_attribute(role.attribute()), Some(role));
        }
    }

    #[test]
    fn localized_names_are_recognised() {
        assert_eq!(Role::from_name("Sent Items"), Some(Role::Sent));
        assert_eq!(Role::from_name("Gesendete Elemente"), Some(Role::Sent));
        assert_eq!(Role::from_name("Éléments supprimés"), Some(Role::Trash));
        assert_eq!(Role::from_name("Verwijderde items"), Some(Role::Trash));
        assert_eq!(Role::from_name("Ongewenste e-mail"), Some(Role::Junk));
        assert_eq!(Role::from_name("Entwürfe"), Some(Role::Drafts));
        assert_eq!(Role::from_name("Projects"), None);
    }
}
