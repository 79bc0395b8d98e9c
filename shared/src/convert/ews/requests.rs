//! The requests a transport sends: CreateItem in batches, FindItem by
//! source key and as a calendar view around an occurrence, DeleteItem
//! and UpdateItem of an occurrence, ResolveNames. Each returns the whole
//! SOAP envelope as text.

use super::items::{
    attendees, body, bool_text, categories, free_busy_name, importance_name, sensitivity_name,
    source_key_field, source_key_property, utc_time, write_item,
};
use super::xml::{XmlWriter, envelope, optional_element, text_element, xml_safe};
use super::{EwsError, EwsSettings, ItemId};
use crate::convert::encode_source_key;
use crate::convert::exchange::{CalendarItem, ExchangeItem, WallClock};
use chrono::Duration;
use std::io;

/// The mailbox folder an item kind lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Folder {
    Calendar,
    Tasks,
    Contacts,
}

impl Folder {
    /// The folder `item` is created in.
    pub fn of(item: &ExchangeItem) -> Self {
        match item {
            ExchangeItem::Event(_) => Folder::Calendar,
            ExchangeItem::Task(_) => Folder::Tasks,
            ExchangeItem::Contact(_) => Folder::Contacts,
        }
    }

    /// Its `DistinguishedFolderId`.
    pub fn distinguished_id(self) -> &'static str {
        match self {
            Folder::Calendar => "calendar",
            Folder::Tasks => "tasks",
            Folder::Contacts => "contacts",
        }
    }
}

/// One CreateItem request and the source keys of its items, in the
/// order of the response messages the server will answer with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateRequest {
    pub folder: Folder,
    pub envelope: String,
    pub source_keys: Vec<Option<String>>,
}

pub(super) fn folder_ids(w: &mut XmlWriter, element: &str, folder: Folder) -> io::Result<()> {
    w.create_element(element).write_inner_content(|w| {
        w.create_element("t:DistinguishedFolderId")
            .with_attribute(("Id", folder.distinguished_id()))
            .write_empty()?;
        Ok(())
    })?;
    Ok(())
}

/// CreateItem requests for `items`, at most `batch_size` items each;
/// items go to their kind's folder, so a batch holds one kind, in the
/// order given.
pub fn create_item_requests(
    items: &[ExchangeItem],
    settings: &EwsSettings,
    batch_size: usize,
) -> Result<Vec<CreateRequest>, EwsError> {
    if batch_size == 0 {
        return Err(EwsError::EmptyBatch);
    }
    let mut requests = Vec::new();
    for folder in [Folder::Calendar, Folder::Tasks, Folder::Contacts] {
        let of_folder: Vec<&ExchangeItem> = items
            .iter()
            .filter(|item| Folder::of(item) == folder)
            .collect();
        for batch in of_folder.chunks(batch_size) {
            let envelope = envelope(settings, |w| {
                w.create_element("m:CreateItem")
                    .with_attribute(("MessageDisposition", "SaveOnly"))
                    .with_attribute(("SendMeetingInvitations", "SendToNone"))
                    .write_inner_content(|w| {
                        folder_ids(w, "m:SavedItemFolderId", folder)?;
                        w.create_element("m:Items").write_inner_content(|w| {
                            batch.iter().try_for_each(|item| write_item(w, item))
                        })?;
                        Ok(())
                    })?;
                Ok(())
            })?;
            requests.push(CreateRequest {
                folder,
                envelope,
                source_keys: batch
                    .iter()
                    .map(|item| item.source_key().map(str::to_string))
                    .collect(),
            });
        }
    }
    Ok(requests)
}

/// FindItem for the items of `folder` whose source key is `key` (does
/// it exist already?). Series masters and single items are searched,
/// not occurrences.
pub fn find_by_source_key(
    folder: Folder,
    key: &str,
    settings: &EwsSettings,
) -> Result<String, EwsError> {
    envelope(settings, |w| {
        w.create_element("m:FindItem")
            .with_attribute(("Traversal", "Shallow"))
            .write_inner_content(|w| {
                item_shape(w, false)?;
                w.create_element("m:Restriction")
                    .write_inner_content(|w| key_equals(w, key))?;
                folder_ids(w, "m:ParentFolderIds", folder)
            })?;
        Ok(())
    })
}

/// `IsEqualTo` on Ferry's extended property and `key`.
pub(super) fn key_equals(w: &mut XmlWriter, key: &str) -> io::Result<()> {
    w.create_element("t:IsEqualTo").write_inner_content(|w| {
        source_key_field(w)?;
        w.create_element("t:FieldURIOrConstant")
            .write_inner_content(|w| {
                w.create_element("t:Constant")
                    .with_attribute(("Value", encode_source_key(key).as_str()))
                    .write_empty()?;
                Ok(())
            })?;
        Ok(())
    })?;
    Ok(())
}

/// `IdOnly` plus what a transport matches on: the source key and, for
/// calendar views, the times and kind of each item.
pub(super) fn item_shape(w: &mut XmlWriter, calendar: bool) -> io::Result<()> {
    w.create_element("m:ItemShape").write_inner_content(|w| {
        text_element(w, "t:BaseShape", "IdOnly")?;
        w.create_element("t:AdditionalProperties")
            .write_inner_content(|w| {
                if calendar {
                    for field in [
                        "calendar:Start",
                        "calendar:End",
                        "calendar:CalendarItemType",
                        "calendar:OriginalStart",
                    ] {
                        w.create_element("t:FieldURI")
                            .with_attribute(("FieldURI", field))
                            .write_empty()?;
                    }
                }
                source_key_field(w)
            })?;
        Ok(())
    })?;
    Ok(())
}

/// How far around an occurrence's original start the calendar view
/// looks: wide enough that a mistaken zone cannot hide it; the
/// transport then picks the item whose `OriginalStart` is the one sought.
pub const OCCURRENCE_WINDOW_HOURS: i64 = 24;

/// FindItem with a CalendarView around `original_start` (UTC, ±
/// [`OCCURRENCE_WINDOW_HOURS`]): the occurrences there, to find the one
/// to delete or update.
pub fn find_occurrences(
    original_start: &WallClock,
    settings: &EwsSettings,
) -> Result<String, EwsError> {
    let at = original_start.to_utc();
    let window = Duration::hours(OCCURRENCE_WINDOW_HOURS);
    let format = "%Y-%m-%dT%H:%M:%SZ";
    let from = (at - window).format(format).to_string();
    let to = (at + window).format(format).to_string();
    envelope(settings, |w| {
        w.create_element("m:FindItem")
            .with_attribute(("Traversal", "Shallow"))
            .write_inner_content(|w| {
                item_shape(w, true)?;
                w.create_element("m:CalendarView")
                    .with_attribute(("StartDate", from.as_str()))
                    .with_attribute(("EndDate", to.as_str()))
                    .write_empty()?;
                folder_ids(w, "m:ParentFolderIds", Folder::Calendar)
            })?;
        Ok(())
    })
}

fn item_id(w: &mut XmlWriter, id: &ItemId) -> io::Result<()> {
    let mut element = w
        .create_element("t:ItemId")
        .with_attribute(("Id", xml_safe(&id.id).as_ref()));
    if let Some(change_key) = &id.change_key {
        element = element.with_attribute(("ChangeKey", xml_safe(change_key).as_ref()));
    }
    element.write_empty()?;
    Ok(())
}

/// DeleteItem of one occurrence, cancelling nothing to anyone.
pub fn delete_occurrence(id: &ItemId, settings: &EwsSettings) -> Result<String, EwsError> {
    envelope(settings, |w| {
        w.create_element("m:DeleteItem")
            .with_attribute(("DeleteType", "HardDelete"))
            .with_attribute(("SendMeetingCancellations", "SendToNone"))
            .write_inner_content(|w| {
                w.create_element("m:ItemIds")
                    .write_inner_content(|w| item_id(w, id))?;
                Ok(())
            })?;
        Ok(())
    })
}

/// One `SetItemField` of a calendar item: `field` (a `FieldURI`) and the
/// item holding just that field.
fn set_field(
    w: &mut XmlWriter,
    field: &str,
    value: impl FnOnce(&mut XmlWriter) -> io::Result<()>,
) -> io::Result<()> {
    w.create_element("t:SetItemField")
        .write_inner_content(|w| {
            w.create_element("t:FieldURI")
                .with_attribute(("FieldURI", field))
                .write_empty()?;
            w.create_element("t:CalendarItem")
                .write_inner_content(value)?;
            Ok(())
        })?;
    Ok(())
}

fn delete_field(w: &mut XmlWriter, field: &str) -> io::Result<()> {
    w.create_element("t:DeleteItemField")
        .write_inner_content(|w| {
            w.create_element("t:FieldURI")
                .with_attribute(("FieldURI", field))
                .write_empty()?;
            Ok(())
        })?;
    Ok(())
}

/// UpdateItem of one occurrence (`id`) to the fields of `item` (a
/// changed occurrence), overwriting, notifying nobody. Times are sent in
/// UTC; the series keeps its zone.
pub fn update_occurrence(
    id: &ItemId,
    item: &CalendarItem,
    settings: &EwsSettings,
) -> Result<String, EwsError> {
    envelope(settings, |w| {
        w.create_element("m:UpdateItem")
            .with_attribute(("ConflictResolution", "AlwaysOverwrite"))
            .with_attribute(("SendMeetingInvitationsOrCancellations", "SendToNone"))
            .write_inner_content(|w| {
                w.create_element("m:ItemChanges").write_inner_content(|w| {
                    w.create_element("t:ItemChange").write_inner_content(|w| {
                        item_id(w, id)?;
                        w.create_element("t:Updates")
                            .write_inner_content(|w| occurrence_updates(w, item))?;
                        Ok(())
                    })?;
                    Ok(())
                })?;
                Ok(())
            })?;
        Ok(())
    })
}

fn occurrence_updates(w: &mut XmlWriter, item: &CalendarItem) -> io::Result<()> {
    match &item.subject {
        Some(subject) => set_field(w, "item:Subject", |w| text_element(w, "t:Subject", subject))?,
        None => delete_field(w, "item:Subject")?,
    }
    set_field(w, "item:Sensitivity", |w| {
        text_element(w, "t:Sensitivity", sensitivity_name(item.sensitivity))
    })?;
    match &item.body {
        Some(text) => set_field(w, "item:Body", |w| body(w, Some(text)))?,
        None => delete_field(w, "item:Body")?,
    }
    if item.categories.is_empty() {
        delete_field(w, "item:Categories")?;
    } else {
        set_field(w, "item:Categories", |w| categories(w, &item.categories))?;
    }
    set_field(w, "item:Importance", |w| {
        text_element(w, "t:Importance", importance_name(item.importance))
    })?;
    set_field(w, "item:ReminderIsSet", |w| {
        text_element(
            w,
            "t:ReminderIsSet",
            bool_text(item.reminder_minutes.is_some()),
        )
    })?;
    if let Some(minutes) = item.reminder_minutes {
        set_field(w, "item:ReminderMinutesBeforeStart", |w| {
            text_element(w, "t:ReminderMinutesBeforeStart", &minutes.to_string())
        })?;
    }
    if let Some(key) = &item.source_key {
        w.create_element("t:SetItemField")
            .write_inner_content(|w| {
                source_key_field(w)?;
                w.create_element("t:CalendarItem")
                    .write_inner_content(|w| source_key_property(w, Some(key)))?;
                Ok(())
            })?;
    }
    set_field(w, "calendar:Start", |w| {
        text_element(w, "t:Start", &utc_time(&item.start))
    })?;
    set_field(w, "calendar:End", |w| {
        text_element(w, "t:End", &utc_time(&item.end))
    })?;
    set_field(w, "calendar:IsAllDayEvent", |w| {
        text_element(w, "t:IsAllDayEvent", bool_text(item.all_day))
    })?;
    if let Some(free_busy) = item.free_busy {
        set_field(w, "calendar:LegacyFreeBusyStatus", |w| {
            text_element(w, "t:LegacyFreeBusyStatus", free_busy_name(free_busy))
        })?;
    }
    match &item.location {
        Some(location) => set_field(w, "calendar:Location", |w| {
            optional_element(w, "t:Location", Some(location))
        })?,
        None => delete_field(w, "calendar:Location")?,
    }
    for (field, element, list) in [
        (
            "calendar:RequiredAttendees",
            "t:RequiredAttendees",
            &item.required_attendees,
        ),
        (
            "calendar:OptionalAttendees",
            "t:OptionalAttendees",
            &item.optional_attendees,
        ),
        ("calendar:Resources", "t:Resources", &item.resources),
    ] {
        if !list.is_empty() {
            set_field(w, field, |w| attendees(w, element, list))?;
        }
    }
    Ok(())
}

/// ResolveNames for `entry` (a name or address), without contact data.
pub fn resolve_names(entry: &str, settings: &EwsSettings) -> Result<String, EwsError> {
    envelope(settings, |w| {
        w.create_element("m:ResolveNames")
            .with_attribute(("ReturnFullContactData", "false"))
            .write_inner_content(|w| text_element(w, "m:UnresolvedEntry", entry))?;
        Ok(())
    })
}
