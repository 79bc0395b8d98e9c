//! The iCalendar corpus as Ferry itself writes it for CalDAV: each file
//! read by Ferry's reader, mapped with the default rules, and its events
//! and tasks written by `calendar_resources` (a series and its changed
//! occurrences in one resource) — exactly what `ferry import` sends.
//! Files that cannot be read, and files without events or tasks, give no
//! resources. Each resource keeps the items it was written from, with
//! what the writer said each one lost or repaired for strict servers.

use ferry_shared::convert::caldav::{calendar_resources, zone_definitions};
use ferry_shared::mapping::{ItemStatus, MappingRules, map_report};
use ferry_shared::{Item, ItemKind, ParseLimits, inspect};
use ferry_targets::caldav::{ContentType, Resource};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Every `.ics` file under `fixtures/corpora`, sorted.
pub fn ics_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/corpora");
    let mut files = Vec::new();
    let mut folders = vec![root];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "ics") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// An item as sent, and what the writer said it lost.
#[derive(Debug, Clone)]
pub struct SentItem {
    pub item: Item,
    pub losses: Vec<String>,
}

/// One calendar object resource as written, with its source.
#[derive(Debug, Clone)]
pub struct WrittenResource {
    /// `file:line` of its first item, for messages.
    pub source: String,
    pub resource: Resource,
    pub items: Vec<SentItem>,
}

/// The resources Ferry writes for one file (see the module documentation).
pub fn written_resources(path: &Path) -> Vec<WrittenResource> {
    let limits = ParseLimits::default();
    let bytes = std::fs::read(path).unwrap();
    let Ok(report) = inspect(&bytes, &limits) else {
        return Vec::new();
    };
    let items: Vec<Item> = map_report(&report, &MappingRules::default())
        .into_iter()
        .filter(|m| m.status != ItemStatus::CannotConvert)
        .map(|m| m.item)
        .filter(|item| matches!(item.kind, ItemKind::Event | ItemKind::Task))
        .collect();
    if items.is_empty() {
        return Vec::new();
    }
    let text = ferry_shared::text::decode_content_lines(&bytes);
    let zones = zone_definitions(&text.text, &limits);
    let stamp = SystemTime::now().into();
    let written = calendar_resources(&items, &zones, stamp);
    let file = path.file_name().unwrap().to_string_lossy().into_owned();
    written
        .resources
        .into_iter()
        .map(|resource| {
            // The writer names each item it put in the resource by its line.
            let items: Vec<SentItem> = resource
                .items
                .iter()
                .filter_map(|written| {
                    let item = items.iter().find(|item| item.line == written.line)?;
                    Some(SentItem {
                        item: item.clone(),
                        losses: written.losses.clone(),
                    })
                })
                .collect();
            let line = items.first().map_or(0, |sent| sent.item.line);
            WrittenResource {
                source: format!("{file}:{line}"),
                resource: Resource {
                    name: resource.name,
                    body: resource.text.into_bytes(),
                    content_type: ContentType::Calendar,
                },
                items,
            }
        })
        .collect()
}

/// What a calendar text is made of, values aside: each content line's
/// name and parameter names, and for dates, times, repeat rules and
/// alarm triggers the form of the value (digits as `d`). Two resources
/// of one shape differ only in their texts and numbers.
pub fn shape(text: &str) -> String {
    const FORM_MATTERS: &[&str] = &[
        "BEGIN",
        "END",
        "DTSTART",
        "DTEND",
        "DUE",
        "RECURRENCE-ID",
        "RDATE",
        "EXDATE",
        "RRULE",
        "TRIGGER",
        "COMPLETED",
        "TZOFFSETFROM",
        "TZOFFSETTO",
    ];
    let unfolded = text.replace("\r\n ", "").replace("\r\n\t", "");
    let mut lines: Vec<String> = unfolded
        .lines()
        .filter_map(|line| {
            let (head, value) = line.split_once(':')?;
            let mut parts = head.split(';');
            let name = parts.next()?.to_ascii_uppercase();
            let mut parameters: Vec<&str> =
                parts.map(|p| p.split('=').next().unwrap_or(p)).collect();
            parameters.sort_unstable();
            let form = if FORM_MATTERS.contains(&name.as_str()) {
                value
                    .chars()
                    .map(|c| if c.is_ascii_digit() { 'd' } else { c })
                    .collect()
            } else {
                String::new()
            };
            Some(format!("{name};{}:{form}", parameters.join(";")))
        })
        .collect();
    lines.sort_unstable();
    lines.dedup();
    lines.join("\n")
}
