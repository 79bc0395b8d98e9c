//! The requests Ferry would send for a file's items to one target,
//! written out in full, with what each item loses on the way: what
//! `ferry convert` prints and what the preview page shows for an item.
//! Nothing is sent from here.

use super::caldav::{SourceZone, calendar_resources, card_resource};
use super::ews::{EwsSettings, create_item_requests};
use super::exchange::{ExchangeItem, ExchangeOptions, Loss, Operation, WallClock, convert};
use super::graph::{self, GraphAction, GraphTarget, Method};
use crate::mapping::{ItemStatus, MappedItem};
use crate::model::{ItemKind, ZoneDefinition};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where the items go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    /// Exchange Server through EWS (SOAP).
    Ews,
    /// Exchange Online through Microsoft Graph (JSON).
    Graph,
    /// Any CalDAV/CardDAV server (iCalendar and vCard resources).
    Caldav,
}

impl Target {
    /// Every target, for choices on the page.
    pub const ALL: [Target; 3] = [Target::Ews, Target::Graph, Target::Caldav];

    /// The name on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Target::Ews => "ews",
            Target::Graph => "graph",
            Target::Caldav => "caldav",
        }
    }

    /// The name people know.
    pub fn label(self) -> &'static str {
        match self {
            Target::Ews => "Exchange Server (EWS)",
            Target::Graph => "Microsoft 365 (Graph)",
            Target::Caldav => "CalDAV / CardDAV",
        }
    }

    /// The target named `name` (as [`Target::name`] gives it).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|target| target.name().eq_ignore_ascii_case(name))
    }
}

/// One request, as it would be sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// What it does, in plain words (`CreateItem: 3 items in calendar`,
    /// `PUT 1234.ics`).
    pub action: String,
    /// The request's body exactly as sent; empty for a step that needs
    /// the server's answer to an earlier request first (it is described
    /// in `action`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub body: String,
}

/// What one item loses on the way to the target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemLosses {
    /// The item's line in its file.
    pub line: usize,
    pub losses: Vec<String>,
}

/// The requests for a list of items, and their losses.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WrittenRequests {
    pub requests: Vec<Request>,
    pub losses: Vec<ItemLosses>,
}

/// What the requests depend on besides the items.
#[derive(Debug, Clone)]
pub struct RequestContext<'a> {
    /// The zones the items' file defines, read (for Exchange).
    pub zones: &'a [ZoneDefinition],
    /// The same zones as written in the file (copied for CalDAV).
    pub source_zones: &'a [SourceZone],
    pub exchange: ExchangeOptions,
    pub ews: EwsSettings,
    /// Items per EWS CreateItem request.
    pub batch_size: usize,
    /// DTSTAMP of written iCalendar components: the time of writing.
    pub stamp: DateTime<Utc>,
}

/// Items per EWS CreateItem request unless told otherwise.
pub const DEFAULT_BATCH_SIZE: usize = 50;

/// Writes the requests that would put `items` (as mapped) on `target`.
pub fn write_requests(
    target: Target,
    items: &[MappedItem],
    context: &RequestContext<'_>,
) -> WrittenRequests {
    match target {
        Target::Ews => ews_requests(items, context),
        Target::Graph => graph_requests(items, context),
        Target::Caldav => caldav_requests(items, context),
    }
}

fn ews_requests(items: &[MappedItem], context: &RequestContext<'_>) -> WrittenRequests {
    let mut written = WrittenRequests::default();
    let mut creates: Vec<ExchangeItem> = Vec::new();
    let mut later: Vec<Request> = Vec::new();
    for mapped in items {
        let conversion = convert(mapped, context.zones, &context.exchange);
        note_losses(&mut written, mapped.item.line, reasons(conversion.losses));
        for operation in conversion.operations {
            match operation {
                Operation::Create(item) => creates.push(item),
                Operation::DeleteOccurrence {
                    series_key,
                    original_start,
                } => later.push(Request {
                    action: format!(
                        "After the series “{}” is created: find its occurrence at {} and delete it (DeleteItem)",
                        visible_key(&series_key),
                        when(&original_start)
                    ),
                    body: String::new(),
                }),
                Operation::UpdateOccurrence {
                    series_key,
                    original_start,
                    ..
                } => later.push(Request {
                    action: format!(
                        "After the series “{}” is created: find its occurrence at {} and change it to this item (UpdateItem)",
                        visible_key(&series_key),
                        when(&original_start)
                    ),
                    body: String::new(),
                }),
            }
        }
    }
    match create_item_requests(&creates, &context.ews, context.batch_size.max(1)) {
        Ok(requests) => {
            for request in requests {
                let count = request.source_keys.len();
                written.requests.push(Request {
                    action: format!(
                        "CreateItem: {count} {} in {}",
                        if count == 1 { "item" } else { "items" },
                        request.folder.distinguished_id()
                    ),
                    body: request.envelope,
                });
            }
        }
        Err(error) => written.requests.push(Request {
            action: format!("The requests could not be written: {error}"),
            body: String::new(),
        }),
    }
    written.requests.extend(later);
    written
}

/// The To Do list named in written Graph requests: the real one is
/// chosen (or made) when the move starts.
pub const TASK_LIST_PLACEHOLDER: &str = "chosen-to-do-list";

fn graph_requests(items: &[MappedItem], context: &RequestContext<'_>) -> WrittenRequests {
    let mut written = WrittenRequests::default();
    let target = GraphTarget {
        task_list_id: Some(TASK_LIST_PLACEHOLDER.to_string()),
        ..GraphTarget::default()
    };
    let mut later = Vec::new();
    for mapped in items {
        let exchange = convert(mapped, context.zones, &context.exchange);
        let conversion = match graph::convert(&exchange, &target) {
            Ok(conversion) => conversion,
            Err(error) => {
                note_losses(&mut written, mapped.item.line, vec![error.to_string()]);
                continue;
            }
        };
        note_losses(&mut written, mapped.item.line, reasons(conversion.losses));
        for action in conversion.actions {
            match action {
                GraphAction::Create { request, photo, .. } => {
                    written.requests.push(Request {
                        action: format!("{} {}", method_name(request.method), request.url),
                        body: request
                            .body
                            .as_ref()
                            .and_then(|body| serde_json::to_string_pretty(body).ok())
                            .unwrap_or_default(),
                    });
                    if let Some(photo) = photo {
                        written.requests.push(Request {
                            action: format!(
                                "After the contact is created: PUT …/photo/$value ({}, {} bytes)",
                                photo.content_type,
                                photo.bytes.len()
                            ),
                            body: String::new(),
                        });
                    }
                }
                GraphAction::DeleteOccurrence {
                    series_key,
                    original_start,
                } => later.push(Request {
                    action: format!(
                        "After the series “{}” is created: find its occurrence at {} (GET …/instances) and DELETE it",
                        visible_key(&series_key),
                        when(&original_start)
                    ),
                    body: String::new(),
                }),
                GraphAction::UpdateOccurrence {
                    series_key,
                    original_start,
                    changes,
                    ..
                } => later.push(Request {
                    action: format!(
                        "After the series “{}” is created: find its occurrence at {} (GET …/instances) and PATCH it with",
                        visible_key(&series_key),
                        when(&original_start)
                    ),
                    body: serde_json::to_string_pretty(&changes).unwrap_or_default(),
                }),
            }
        }
    }
    written.requests.extend(later);
    written
}

fn method_name(method: Method) -> &'static str {
    match method {
        Method::Get => "GET",
        Method::Post => "POST",
        Method::Patch => "PATCH",
        Method::Put => "PUT",
        Method::Delete => "DELETE",
    }
}

fn caldav_requests(items: &[MappedItem], context: &RequestContext<'_>) -> WrittenRequests {
    let mut written = WrittenRequests::default();
    let convertible = |kind: ItemKind| {
        items
            .iter()
            .filter(move |m| m.status != ItemStatus::CannotConvert && m.item.kind == kind)
    };
    let calendar = calendar_resources(
        convertible(ItemKind::Event)
            .chain(convertible(ItemKind::Task))
            .map(|m| &m.item),
        context.source_zones,
        context.stamp,
    );
    for resource in calendar.resources {
        written.requests.push(Request {
            action: format!("PUT {} (If-None-Match: *)", resource.name),
            body: resource.text,
        });
        // A resource holds a series and its changed occurrences: each
        // item's losses (and repairs) under its own line.
        for item in resource.items {
            note_losses(&mut written, item.line, item.losses);
        }
    }
    for refused in calendar.refused {
        note_losses(&mut written, refused.line(), vec![refused.to_string()]);
    }
    for mapped in convertible(ItemKind::Contact) {
        match card_resource(&mapped.item) {
            Ok(card) => {
                written.requests.push(Request {
                    action: format!("PUT {} (If-None-Match: *)", card.name),
                    body: card.text,
                });
                note_losses(&mut written, mapped.item.line, card.losses);
            }
            Err(error) => note_losses(&mut written, mapped.item.line, vec![error.to_string()]),
        }
    }
    for mapped in items
        .iter()
        .filter(|m| m.status == ItemStatus::CannotConvert)
    {
        let reasons = mapped.warnings.iter().map(|w| w.message.clone()).collect();
        note_losses(&mut written, mapped.item.line, reasons);
    }
    written.losses.sort_by_key(|item| item.line);
    written
}

fn reasons(losses: Vec<Loss>) -> Vec<String> {
    losses.into_iter().map(|loss| loss.reason).collect()
}

fn note_losses(written: &mut WrittenRequests, line: usize, losses: Vec<String>) {
    if losses.is_empty() {
        return;
    }
    match written.losses.iter_mut().find(|item| item.line == line) {
        Some(item) => item.losses.extend(losses),
        None => written.losses.push(ItemLosses { line, losses }),
    }
}

/// A source key as people read it (UID, then the occurrence).
fn visible_key(key: &str) -> String {
    key.replace('\u{0}', " at ")
}

fn when(at: &WallClock) -> String {
    format!("{} ({})", at.local.format("%Y-%m-%d %H:%M"), at.zone.id())
}
