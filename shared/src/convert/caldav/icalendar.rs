//! Calendar object resources for CalDAV `PUT` (RFC 4791 §4.1): one
//! VCALENDAR per UID, holding the series first and then its changed
//! occurrences, so that a series and its exceptions stay one resource.
//!
//! Time zones: see [`super::zones`]. A TZID is written as the item has it
//! (an IANA name such as `Europe/Berlin`, a Windows name, or one the
//! source file defined); the source file's VTIMEZONE for it, when given,
//! is copied into the resource.

use super::WriteError;
use super::agree::agree;
use super::component::{Component, write_component};
use super::orphan::{standalone, without_repeats};
use super::resource::resource_name;
use super::strict_zone::{write_missing_zone, write_zone};
use super::text::{ObjectText, Property};
use super::zones::SourceZone;
use crate::model::{DateValue, Item, ItemKind};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// The product identifier written in every calendar object.
pub const PRODUCT_ID: &str = "-//Ferry//Ferry mailbox mover//EN";

/// One calendar object resource: what to `PUT` and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarResource {
    /// The resource's name in the collection (`<uid>.ics`, see
    /// [`super::resource`]).
    pub name: String,
    /// The UID every component of the resource shares.
    pub uid: String,
    /// The VCALENDAR text (CR LF line ends, folded).
    pub text: String,
    /// What could not be written, or was repaired for strict servers, in
    /// plain words, for every item in it.
    pub losses: Vec<String>,
    /// The items it holds, in the order written, each with its own losses.
    pub items: Vec<WrittenItem>,
}

/// An item written into a resource: its line in its file and what of it
/// was lost or repaired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenItem {
    pub line: usize,
    pub losses: Vec<String>,
}

/// The resources for a list of events and tasks, and the items that
/// could not be written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CalendarResources {
    /// In the order each UID first appears.
    pub resources: Vec<CalendarResource>,
    pub refused: Vec<WriteError>,
}

impl CalendarResources {
    /// The resource the item of `line` was written into, and what it
    /// lost there; None for an item refused (or not given).
    pub fn of_item(&self, line: usize) -> Option<(&CalendarResource, &WrittenItem)> {
        self.resources.iter().find_map(|resource| {
            let item = resource.items.iter().find(|item| item.line == line)?;
            Some((resource, item))
        })
    }
}

/// An item and what was written for it.
struct Written<'a> {
    item: &'a Item,
    component: Component,
}

/// The components of one UID.
struct Group<'a> {
    uid: String,
    kind: ItemKind,
    series: Option<Written<'a>>,
    /// Changed occurrences, each with its occurrence.
    overrides: Vec<(String, Written<'a>)>,
}

/// Groups `items` by UID into calendar object resources, `stamp` being
/// the DTSTAMP of every component (the time of writing, in UTC). `zones`
/// are the definitions the items' file holds (see
/// [`super::zones::zone_definitions`]); each resource gets those it uses.
///
/// A later item repeating an earlier one's UID and occurrence is refused
/// as a duplicate (the mapping warns about it), and so is an item whose
/// UID an item of the other kind already has (a resource holds one kind).
///
/// What strict servers refuse is repaired, each repair named in the
/// losses: dates of a series of another kind than its start (see
/// `agree`), changed occurrences without their series or that
/// repeat themselves (see [`super::orphan`]), and time-zone definitions
/// they cannot read (see `strict_zone`).
pub fn calendar_resources<'a>(
    items: impl IntoIterator<Item = &'a Item>,
    zones: &[SourceZone],
    stamp: DateTime<Utc>,
) -> CalendarResources {
    let stamp = stamp.format("%Y%m%dT%H%M%SZ").to_string();
    let mut groups = Groups::default();
    let mut refused = Vec::new();
    for item in items {
        match write_component(item, &stamp) {
            Ok(component) => {
                if let Err(error) = groups.add(item, component) {
                    refused.push(error);
                }
            }
            Err(error) => refused.push(error),
        }
    }
    let mut resources = Vec::new();
    for group in groups.groups {
        for group in repaired(group, &stamp, &mut refused) {
            resources.push(resource(group, zones));
        }
    }
    CalendarResources { resources, refused }
}

/// The groups in the order their UIDs first appear, found by UID.
#[derive(Default)]
struct Groups<'a> {
    groups: Vec<Group<'a>>,
    index_of: HashMap<String, usize>,
}

impl<'a> Groups<'a> {
    fn add(&mut self, item: &'a Item, component: Component) -> Result<(), WriteError> {
        let index = match self.index_of.get(&component.uid) {
            Some(index) => *index,
            None => {
                self.index_of
                    .insert(component.uid.clone(), self.groups.len());
                self.groups.push(Group {
                    uid: component.uid.clone(),
                    kind: item.kind,
                    series: None,
                    overrides: Vec::new(),
                });
                self.groups.len() - 1
            }
        };
        let group = &mut self.groups[index];
        if group.kind != item.kind {
            return Err(WriteError::KindConflict {
                line: item.line,
                uid: group.uid.clone(),
            });
        }
        let written = Written { item, component };
        match &item.recurrence_id {
            None => match &group.series {
                Some(first) => Err(duplicate(item, first.item.line)),
                None => {
                    group.series = Some(written);
                    Ok(())
                }
            },
            Some(occurrence) => {
                let first = group
                    .overrides
                    .iter()
                    .find(|(seen, _)| *seen == occurrence.local);
                match first {
                    Some((_, first)) => Err(duplicate(item, first.item.line)),
                    None => {
                        let occurrence = occurrence.local.clone();
                        group.overrides.push((occurrence, written));
                        Ok(())
                    }
                }
            }
        }
    }
}

fn duplicate(item: &Item, first_line: usize) -> WriteError {
    WriteError::Duplicate {
        line: item.line,
        first_line,
    }
}

/// `group` as strict servers take it: without its series, each changed
/// occurrence a group of its own; with it, every item's dates of their
/// start's kind and no changed occurrence repeating itself. An item
/// whose repaired text cannot be written is refused.
fn repaired<'a>(group: Group<'a>, stamp: &str, refused: &mut Vec<WriteError>) -> Vec<Group<'a>> {
    let Group {
        uid,
        kind,
        series,
        overrides,
    } = group;
    let Some(series) = series else {
        let mut alone = Vec::new();
        for (_, written) in overrides {
            let Some((item, adjustment)) = standalone(written.item, &uid) else {
                continue;
            };
            match rewritten(written, item, vec![adjustment], None, stamp) {
                Ok(written) => alone.push(Group {
                    uid: written.component.uid.clone(),
                    kind,
                    series: Some(written),
                    overrides: Vec::new(),
                }),
                Err(error) => refused.push(error),
            }
        }
        return alone;
    };
    let start = series.item.start.clone();
    let mut repaired_overrides = Vec::new();
    for (occurrence, written) in overrides {
        let (mut item, losses) = match without_repeats(written.item) {
            Some((item, loss)) => (item, vec![loss]),
            None => (written.item.clone(), Vec::new()),
        };
        item.uid = Some(uid.clone());
        match rewritten(written, item, losses, start.as_ref(), stamp) {
            Ok(written) => repaired_overrides.push((occurrence, written)),
            Err(error) => refused.push(error),
        }
    }
    let mut item = series.item.clone();
    item.uid = Some(uid.clone());
    let series = match rewritten(series, item, Vec::new(), None, stamp) {
        Ok(series) => Some(series),
        Err(error) => {
            refused.push(error);
            None
        }
    };
    vec![Group {
        uid,
        kind,
        series,
        overrides: repaired_overrides,
    }]
}

/// `written` again from `item`, a repair of its item, once its dates are
/// of their start's kind (`series_start` for a changed occurrence), with
/// `adjustments` and those of [`agree`] among its losses; as it was when
/// nothing needed repairing.
fn rewritten<'a>(
    written: Written<'a>,
    item: Item,
    mut adjustments: Vec<String>,
    series_start: Option<&DateValue>,
    stamp: &str,
) -> Result<Written<'a>, WriteError> {
    let item = match agree(&item, series_start) {
        Some((agreed, more)) => {
            adjustments.extend(more);
            agreed
        }
        None => item,
    };
    if adjustments.is_empty() {
        return Ok(written);
    }
    let mut component = write_component(&item, stamp)?;
    component.losses.extend(adjustments);
    Ok(Written {
        item: written.item,
        component,
    })
}

fn resource(group: Group<'_>, zones: &[SourceZone]) -> CalendarResource {
    let mut text = ObjectText::default();
    text.push(Property::new("BEGIN").raw("VCALENDAR"));
    text.push(Property::new("VERSION").raw("2.0"));
    text.push(Property::new("PRODID").text(PRODUCT_ID));
    text.push(Property::new("CALSCALE").raw("GREGORIAN"));
    let written: Vec<Written<'_>> = group
        .series
        .into_iter()
        .chain(group.overrides.into_iter().map(|(_, written)| written))
        .collect();
    let year = written
        .iter()
        .find_map(|w| w.item.start.as_ref())
        .and_then(|start| start.local.get(..4))
        .and_then(|year| year.parse().ok());
    let mut zone_losses = Vec::new();
    let mut written_zones: Vec<&str> = Vec::new();
    for tzid in written.iter().flat_map(|w| &w.component.zones) {
        if written_zones.contains(&tzid.as_str()) {
            continue;
        }
        let loss = match zones.iter().find(|zone| zone.tzid == *tzid) {
            Some(definition) => write_zone(definition, year, &mut text),
            None => write_missing_zone(tzid, year, &mut text),
        };
        if let Some(loss) = loss {
            zone_losses.push((tzid.clone(), loss));
        }
        written_zones.push(tzid);
    }
    // A replaced zone is named once for the resource, and for each item
    // using it.
    let mut losses: Vec<String> = zone_losses.iter().map(|(_, loss)| loss.clone()).collect();
    let mut items = Vec::new();
    for Written { item, component } in written {
        text.append(&component.text);
        losses.extend(component.losses.iter().cloned());
        let mut item_losses = component.losses;
        item_losses.extend(
            zone_losses
                .iter()
                .filter(|(tzid, _)| component.zones.contains(tzid))
                .map(|(_, loss)| loss.clone()),
        );
        items.push(WrittenItem {
            line: item.line,
            losses: item_losses,
        });
    }
    text.push(Property::new("END").raw("VCALENDAR"));
    CalendarResource {
        name: resource_name(&group.uid, "ics"),
        uid: group.uid,
        text: text.into_string(),
        losses,
        items,
    }
}
