//! Calendar object resources for CalDAV `PUT` (RFC 4791 §4.1): one
//! VCALENDAR per UID, holding the series first and then its changed
//! occurrences, so that a series and its exceptions stay one resource.
//!
//! Time zones: see [`super::zones`]. A TZID is written as the item has it
//! (an IANA name such as `Europe/Berlin`, a Windows name, or one the
//! source file defined); the source file's VTIMEZONE for it, when given,
//! is copied into the resource.

use super::WriteError;
use super::component::{Component, write_component};
use super::resource::resource_name;
use super::text::{ObjectText, Property};
use super::zones::SourceZone;
use crate::model::{Item, ItemKind};
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
    /// What could not be written, in plain words, for every item in it.
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

/// The components of one UID.
struct Group {
    uid: String,
    kind: ItemKind,
    series: Option<(usize, Component)>,
    /// Changed occurrences: the occurrence, its item's line, its text.
    overrides: Vec<(String, usize, Component)>,
}

/// Groups `items` by UID into calendar object resources, `stamp` being
/// the DTSTAMP of every component (the time of writing, in UTC). `zones`
/// are the definitions the items' file holds (see
/// [`super::zones::zone_definitions`]); each resource gets those it uses.
///
/// A later item repeating an earlier one's UID and occurrence is refused
/// as a duplicate (the mapping warns about it), and so is an item whose
/// UID an item of the other kind already has (a resource holds one kind).
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
    CalendarResources {
        resources: groups
            .groups
            .into_iter()
            .map(|group| resource(group, zones))
            .collect(),
        refused,
    }
}

/// The groups in the order their UIDs first appear, found by UID.
#[derive(Default)]
struct Groups {
    groups: Vec<Group>,
    index_of: HashMap<String, usize>,
}

impl Groups {
    fn add(&mut self, item: &Item, component: Component) -> Result<(), WriteError> {
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
        match &item.recurrence_id {
            None => match &group.series {
                Some((first, _)) => Err(duplicate(item, *first)),
                None => {
                    group.series = Some((item.line, component));
                    Ok(())
                }
            },
            Some(occurrence) => {
                let first = group
                    .overrides
                    .iter()
                    .find(|(seen, _, _)| *seen == occurrence.local);
                match first {
                    Some((_, first, _)) => Err(duplicate(item, *first)),
                    None => {
                        let occurrence = occurrence.local.clone();
                        group.overrides.push((occurrence, item.line, component));
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

fn resource(group: Group, zones: &[SourceZone]) -> CalendarResource {
    let mut text = ObjectText::default();
    text.push(Property::new("BEGIN").raw("VCALENDAR"));
    text.push(Property::new("VERSION").raw("2.0"));
    text.push(Property::new("PRODID").text(PRODUCT_ID));
    text.push(Property::new("CALSCALE").raw("GREGORIAN"));
    let components: Vec<Component> = group
        .series
        .into_iter()
        .map(|(_, component)| component)
        .chain(group.overrides.into_iter().map(|(_, _, c)| c))
        .collect();
    let mut written_zones: Vec<&str> = Vec::new();
    for tzid in components.iter().flat_map(|c| &c.zones) {
        let definition = zones.iter().find(|zone| zone.tzid == *tzid);
        if let Some(definition) = definition
            && !written_zones.contains(&tzid.as_str())
        {
            definition.write(&mut text);
            written_zones.push(tzid);
        }
    }
    let mut losses = Vec::new();
    for component in components {
        text.append(&component.text);
        losses.extend(component.losses);
    }
    text.push(Property::new("END").raw("VCALENDAR"));
    CalendarResource {
        name: resource_name(&group.uid, "ics"),
        uid: group.uid,
        text: text.into_string(),
        losses,
    }
}
