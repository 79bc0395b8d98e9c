//! Graph's answers, as typed `serde` structs a transport deserialises the
//! JSON into (unknown properties ignored): the id of a created item,
//! lists of items found (with their source key, or the original start
//! of an occurrence), To Do lists, error bodies, and `$batch` answers
//! with a status, headers and body per request. [`Outcome`] says what
//! an answer means: done, wait and retry (`429`, `503`, `Retry-After`),
//! not found (`ErrorItemNotFound`), or failed.

use super::resources::ExtendedProperty;
use super::values::{source_property_id, source_property_value};
use crate::convert::exchange::WallClock;
use chrono::{DateTime, NaiveDateTime};
use serde::Deserialize;
use serde::de::IgnoredAny;
use std::collections::BTreeMap;

/// A created (or updated) item: its id.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CreatedItem {
    pub id: String,
}

/// A list of items (`value`), and the link to the next page if any.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ItemList<T> {
    pub value: Vec<T>,
    #[serde(default, rename = "@odata.nextLink")]
    pub next_link: Option<String>,
}

/// An item found: by source key, or as an occurrence of a series.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FoundItem {
    pub id: String,
    /// `singleInstance`, `occurrence`, `exception` or `seriesMaster`.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// An occurrence's start by the series' pattern, in UTC:
    /// `2024-03-11T08:00:00Z`.
    #[serde(default)]
    pub original_start: Option<String>,
    #[serde(default)]
    pub single_value_extended_properties: Vec<ExtendedProperty>,
}

impl FoundItem {
    /// Whether the item carries the source key `key`.
    pub fn has_source_key(&self, key: &str) -> bool {
        let (id, value) = (source_property_id(), source_property_value(key));
        self.single_value_extended_properties
            .iter()
            .any(|p| p.id.eq_ignore_ascii_case(&id) && p.value == value)
    }

    /// [`FoundItem::original_start`] read, in UTC.
    pub fn original_start_utc(&self) -> Option<NaiveDateTime> {
        let text = self.original_start.as_deref()?;
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|at| at.naive_utc())
    }
}

/// The occurrence among `found` whose original start is `original_start`.
pub fn pick_occurrence<'a>(
    found: &'a [FoundItem],
    original_start: &WallClock,
) -> Option<&'a FoundItem> {
    let wanted = original_start.to_utc();
    found
        .iter()
        .find(|item| item.original_start_utc() == Some(wanted))
}

/// A To Do list.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskList {
    pub id: String,
    pub display_name: String,
    /// `defaultList` for the default list.
    #[serde(default)]
    pub wellknown_list_name: Option<String>,
}

/// An error answer: `{"error": {"code": …, "message": …}}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ErrorResponse {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ErrorDetail {
    pub code: String,
    #[serde(default)]
    pub message: String,
}

/// What an answer means for the request it answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// 2xx.
    Done,
    /// `429` or `503`: send the request again, after the seconds the
    /// server asks for, if it says.
    RetryLater { after_seconds: Option<u64> },
    /// `404` or `ErrorItemNotFound`: the item is not (or no longer) there.
    NotFound { code: String, message: String },
    Failed {
        status: u16,
        code: String,
        message: String,
    },
}

impl Outcome {
    /// The meaning of an answer with HTTP `status`, its `Retry-After`
    /// header and its error body, when it has them.
    pub fn of(status: u16, retry_after: Option<&str>, error: Option<&ErrorResponse>) -> Self {
        let (code, message) = error
            .map(|e| (e.error.code.clone(), e.error.message.clone()))
            .unwrap_or_default();
        match status {
            200..=299 => Outcome::Done,
            429 | 503 => Outcome::RetryLater {
                after_seconds: retry_after.and_then(|s| s.trim().parse().ok()),
            },
            _ if status == 404 || code == "ErrorItemNotFound" => {
                Outcome::NotFound { code, message }
            }
            _ => Outcome::Failed {
                status,
                code,
                message,
            },
        }
    }
}

/// The body of a `$batch` answer; each answer's body read as `B`
/// ([`BatchBody`], or `serde_json::Value` to keep it whole).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(bound(deserialize = "B: Deserialize<'de>"))]
pub struct BatchResponse<B = BatchBody> {
    pub responses: Vec<BatchResponseItem<B>>,
}

/// The answer to one request of a batch.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(bound(deserialize = "B: Deserialize<'de>"))]
pub struct BatchResponseItem<B = BatchBody> {
    pub id: String,
    pub status: u16,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default = "none")]
    pub body: Option<B>,
}

fn none<B>() -> Option<B> {
    None
}

/// The body of one answer in a batch, by what it holds.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum BatchBody {
    Error(ErrorResponse),
    List(ItemList<FoundItem>),
    Item(CreatedItem),
    /// Anything else (Ferry's requests do not ask for it).
    Other(IgnoredAny),
}

impl<B> BatchResponseItem<B> {
    /// The position of the request answered in the list the batches were
    /// made from ([`super::batches`]).
    pub fn request_index(&self) -> Option<usize> {
        self.id.parse().ok()
    }

    /// The `Retry-After` header (names are case-insensitive).
    pub fn retry_after(&self) -> Option<&str> {
        self.headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("Retry-After"))
            .map(|(_, value)| value.as_str())
    }
}

impl BatchResponseItem {
    pub fn outcome(&self) -> Outcome {
        let error = match &self.body {
            Some(BatchBody::Error(error)) => Some(error),
            _ => None,
        };
        Outcome::of(self.status, self.retry_after(), error)
    }

    /// The id of the item created or updated, on success.
    pub fn created_id(&self) -> Option<&str> {
        match (&self.body, self.outcome()) {
            (Some(BatchBody::Item(item)), Outcome::Done) => Some(&item.id),
            _ => None,
        }
    }

    /// The items found, on success (a lookup).
    pub fn found(&self) -> &[FoundItem] {
        match &self.body {
            Some(BatchBody::List(list)) => &list.value,
            _ => &[],
        }
    }
}
