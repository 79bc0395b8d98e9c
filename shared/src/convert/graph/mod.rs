//! Microsoft Graph v1.0 requests written from the Exchange shape
//! ([`super::exchange`]), and their answers read. No I/O: a transport
//! serialises the typed bodies with `serde_json`, sends them, and reads
//! what the server answered into the typed answers here.
//!
//! * [`resources`]: `event`, `todoTask`, `contact` and the types they
//!   share, as `serde` structs;
//! * [`values`]: times, zones, the source-key property, importance and
//!   sensitivity;
//! * [`event`], [`recurrence`], [`attendees`], [`task`], [`contact`]:
//!   each kind of item, its recurrence, and the attendees written into
//!   the body;
//! * [`odata`]: OData literals and filters, URL encoding;
//! * [`requests`]: creation, lookup by source key, occurrences of a
//!   series, deletion and update of an occurrence, To Do lists;
//! * [`photo`]: a contact's photo, sent after the contact;
//! * [`batch`]: `$batch` requests of at most 20;
//! * [`responses`]: created items, lookups, errors, throttling and
//!   `$batch` answers.
//!
//! Graph e-mails every attendee of an event it creates or changes, so a
//! request never carries attendees: flat mode is forced, and attendees
//! an item still has are written into its body (a loss says so).

pub mod attendees;
pub mod batch;
pub mod contact;
pub mod event;
pub mod odata;
pub mod photo;
pub mod recurrence;
pub mod requests;
pub mod resources;
pub mod responses;
pub mod task;
pub mod values;

pub use batch::{BATCH_URL, BatchEntry, BatchRequest, MAX_BATCH_REQUESTS, batches};
pub use photo::{ContactPhoto, contact_photo, photo_value_url};
pub use requests::{
    Collection, GraphRequest, Method, RequestBody, create_contact, create_event, create_task,
    create_task_list, delete_occurrence, find_by_source_key, find_occurrences, task_lists,
    update_occurrence,
};
pub use responses::{
    BatchResponse, BatchResponseItem, CreatedItem, ErrorResponse, FoundItem, ItemList, Outcome,
    TaskList, pick_occurrence,
};

use crate::convert::exchange::{ExchangeConversion, ExchangeItem, Loss, Operation, WallClock};
use event::Purpose;
use resources::Event;
use thiserror::Error;

/// Where items go: whose mailbox, and which calendar, To Do list and
/// contact folder (the defaults when none).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GraphTarget {
    /// The user's id or principal name (`/users/{id}`); none for the
    /// signed-in user (`/me`).
    pub user: Option<String>,
    /// A calendar's id; none for the default calendar.
    pub calendar_id: Option<String>,
    /// The To Do list tasks go to; To Do has no default list URL, see
    /// [`requests::task_lists`].
    pub task_list_id: Option<String>,
    /// A contact folder's id; none for the default contacts.
    pub contact_folder_id: Option<String>,
}

/// What can go wrong writing requests.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum GraphError {
    #[error("a task is to be created but no To Do list is chosen")]
    NoTaskList,
    #[error("a batch holds 1 to {MAX_BATCH_REQUESTS} requests, not {0}")]
    BatchSize(usize),
}

/// One thing to do on the target, in Graph's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GraphAction {
    /// Send `request`; the item created is recognised by `source_key`.
    /// A contact's `photo` is sent after it ([`photo`]).
    Create {
        source_key: Option<String>,
        request: GraphRequest,
        photo: Option<ContactPhoto>,
    },
    /// Find the series by `series_key` ([`find_by_source_key`]), its
    /// occurrence at `original_start` ([`find_occurrences`],
    /// [`pick_occurrence`]), then [`delete_occurrence`].
    DeleteOccurrence {
        series_key: String,
        original_start: WallClock,
    },
    /// As for a deletion, then [`update_occurrence`] with `changes`.
    /// When the series was expanded into single items, the occurrence is
    /// the item found by `changes`' own source key (`occurrence_key`).
    UpdateOccurrence {
        series_key: String,
        original_start: WallClock,
        occurrence_key: Option<String>,
        changes: Box<Event>,
    },
}

/// What converting one item gives: its actions, and every loss (the
/// Exchange shape's, then Graph's own).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GraphConversion {
    pub actions: Vec<GraphAction>,
    pub losses: Vec<Loss>,
}

fn create_request(
    item: &ExchangeItem,
    target: &GraphTarget,
    losses: &mut Vec<Loss>,
) -> Result<GraphRequest, GraphError> {
    match item {
        ExchangeItem::Event(item) => {
            create_event(event::event(item, Purpose::Create, losses), target)
        }
        ExchangeItem::Task(item) => create_task(task::todo_task(item, losses), target),
        ExchangeItem::Contact(item) => create_contact(contact::contact(item, losses), target),
    }
}

/// The photo a contact takes along; one that cannot be sent is a loss.
fn contact_photo_of(item: &ExchangeItem, losses: &mut Vec<Loss>) -> Option<ContactPhoto> {
    let ExchangeItem::Contact(contact) = item else {
        return None;
    };
    match ContactPhoto::of(contact.photo.as_ref()?) {
        Ok(photo) => Some(photo),
        Err(reason) => {
            losses.push(Loss::new("photo", format!("{reason}; it is left out")));
            None
        }
    }
}

/// The Graph actions of one converted item.
pub fn convert(
    conversion: &ExchangeConversion,
    target: &GraphTarget,
) -> Result<GraphConversion, GraphError> {
    let mut own = Vec::new();
    let mut actions = Vec::with_capacity(conversion.operations.len());
    for operation in &conversion.operations {
        actions.push(match operation {
            Operation::Create(item) => GraphAction::Create {
                source_key: item.source_key().map(str::to_string),
                request: create_request(item, target, &mut own)?,
                photo: contact_photo_of(item, &mut own),
            },
            Operation::DeleteOccurrence {
                series_key,
                original_start,
            } => GraphAction::DeleteOccurrence {
                series_key: series_key.clone(),
                original_start: original_start.clone(),
            },
            Operation::UpdateOccurrence {
                series_key,
                original_start,
                item,
            } => GraphAction::UpdateOccurrence {
                series_key: series_key.clone(),
                original_start: original_start.clone(),
                occurrence_key: item.source_key.clone(),
                changes: Box::new(event::event(item, Purpose::Update, &mut own)),
            },
        });
    }
    // The items of an expanded series lose the same: named once.
    let mut losses = conversion.losses.clone();
    for loss in own {
        if !losses.contains(&loss) {
            losses.push(loss);
        }
    }
    Ok(GraphConversion { actions, losses })
}
