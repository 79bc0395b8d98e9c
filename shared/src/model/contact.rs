//! The contact part of the item model (from vCard and CSV exports).

use serde::{Deserialize, Serialize};

/// A person's or organisation's contact card.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Contact {
    #[serde(skip_serializing_if = "Name::is_empty")]
    pub name: Name,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nickname: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub emails: Vec<Labeled>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub phones: Vec<Labeled>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<PostalAddress>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// `YYYY-MM-DD`, or `--MM-DD` when the year is unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birthday: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub urls: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub photo: Option<Photo>,
}

/// The parts of a structured name (vCard `N`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Name {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub given: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub middle: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suffix: Option<String>,
}

impl Name {
    pub fn is_empty(&self) -> bool {
        self == &Name::default()
    }

    /// `Given Middle Family`, skipping the parts that are missing.
    pub fn display(&self) -> Option<String> {
        let parts: Vec<&str> = [&self.given, &self.middle, &self.family]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    }
}

/// An e-mail address or phone number with its label (`work`, `home`,
/// `cell`, …; lower case, as in vCard TYPE).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Labeled {
    pub value: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<String>,
}

/// A postal address (vCard `ADR`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PostalAddress {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// A contact's picture. The bytes are kept (base64) only up to
/// [`crate::ParseLimits::max_photo_bytes`]; larger ones are noted and
/// left out.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Photo {
    /// e.g. `image/jpeg`; none when the file does not say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Size of the decoded picture in bytes.
    pub size: usize,
    /// The picture, base64-encoded, when within the limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base64: Option<String>,
    /// A link to the picture instead of the picture itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}
