//! EWS (Exchange Web Services) SOAP 1.1 requests written from the
//! Exchange shape ([`super::exchange`]), and their responses read. No
//! I/O: a transport sends what these functions write and hands back what
//! the server answered.
//!
//! * [`xml`]: the envelope, its header (server version, impersonation),
//!   and text made safe for XML;
//! * [`zone`]: `TimeZoneDefinition`s for Windows IDs and custom zones;
//! * [`items`]: `CalendarItem`, `Task` and `Contact` elements, in the
//!   order the schema's sequences demand;
//! * [`lookup`]: one FindItem for a batch's source keys (an `Or`
//!   restriction), read page by page;
//! * [`requests`]: CreateItem (batched), FindItem by source key and as a
//!   calendar view, DeleteItem and UpdateItem of an occurrence,
//!   ResolveNames;
//! * [`responses`]: the answers, read with quick-xml (DOCTYPEs and
//!   entities refused);
//! * [`autodiscover`]: SOAP Autodiscover's `GetUserSettings` for the
//!   EWS URLs, and its answer (settings, redirect or error code);
//! * [`autodiscover_pox`]: the POX Autodiscover fallback, read into the
//!   same answer;
//! * [`read_items`]: calendar items, tasks and contacts read back from a
//!   CreateItem request or a GetItem/FindItem answer.
//!
//! Requests never invite, cancel or notify anyone: calendar items are
//! created with `SendMeetingInvitations="SendToNone"`, occurrences are
//! deleted with `SendMeetingCancellations="SendToNone"` and updated with
//! `SendMeetingInvitationsOrCancellations="SendToNone"`.

pub mod autodiscover;
pub mod autodiscover_pox;
pub mod items;
pub mod lookup;
pub mod read_items;
pub mod requests;
pub mod responses;
pub mod xml;
pub mod zone;

pub use autodiscover::{UserSettingsAnswer, get_user_settings, read_get_user_settings};
pub use autodiscover_pox::{pox_request, read_pox_response};
pub use lookup::{FoundPage, PageRequest, find_by_source_keys, read_find_item_page};
pub use read_items::{read_create_item_request, read_get_item_response};
pub use requests::{
    CreateRequest, Folder, create_item_requests, delete_occurrence, find_by_source_key,
    find_occurrences, resolve_names, update_occurrence,
};
pub use responses::{
    FoundItem, ItemOutcome, ResolvedName, ResponseClass, read_create_item_response,
    read_find_item_response, read_item_outcomes, read_resolve_names_response,
};

use thiserror::Error;

/// The server version requests ask for unless told otherwise.
pub const DEFAULT_SERVER_VERSION: &str = "Exchange2013_SP1";

/// Settings every request carries in its SOAP header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EwsSettings {
    /// `RequestServerVersion`, e.g. `Exchange2013_SP1` (the default).
    pub server_version: String,
    /// The primary SMTP address of the mailbox to act for
    /// (`ExchangeImpersonation`); none to act as the signed-in account.
    pub impersonate: Option<String>,
}

impl Default for EwsSettings {
    fn default() -> Self {
        Self {
            server_version: DEFAULT_SERVER_VERSION.to_string(),
            impersonate: None,
        }
    }
}

/// An item's ID on the server, with its change key when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemId {
    pub id: String,
    pub change_key: Option<String>,
}

/// What can go wrong writing a request or reading a response.
#[derive(Debug, Error)]
pub enum EwsError {
    #[error("the request could not be written: {0}")]
    Write(#[from] std::io::Error),
    #[error("a batch must hold at least one item")]
    EmptyBatch,
    #[error("the response is not well-formed XML: {0}")]
    MalformedXml(String),
    /// An item element holds a value its field cannot take.
    #[error("an item cannot be read: {0}")]
    InvalidItem(String),
    #[error("the response is refused: {0}")]
    Refused(&'static str),
    #[error("the response is not the expected EWS answer: {0}")]
    Unexpected(String),
    /// The server asks to wait (`ErrorServerBusy`), for this long if it says.
    #[error("the server is busy; retry after {back_off_ms:?} ms")]
    ServerBusy { back_off_ms: Option<u64> },
    /// A SOAP fault (e.g. `ErrorSchemaValidation`, `ErrorImpersonateUserDenied`).
    #[error("the server refused the request ({code}): {message}")]
    Fault { code: String, message: String },
    /// A whole request answered with an error (FindItem, ResolveNames).
    #[error("the server answered {code}: {message}")]
    Response { code: String, message: String },
}
