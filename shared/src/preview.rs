//! What the preview page shows for one file, kept small: one compact
//! [`PreviewRow`] per item (what the table needs, with the mapping's
//! status and warnings), counts by kind and status, and the conversion
//! report as CSV. The full items are re-read on demand for the detail
//! view ([`detail`]), so a file of 100,000 events never sits in memory
//! twice.

use crate::convert::caldav::zone_definitions;
use crate::convert::ews::EwsSettings;
use crate::convert::exchange::ExchangeOptions;
use crate::convert::requests::{
    DEFAULT_BATCH_SIZE, RequestContext, Target, WrittenRequests, write_requests,
};
use crate::ical::scan::Part;
use crate::inspect::{InspectError, inspect};
use crate::limits::ParseLimits;
use crate::mapping::zones::{ZoneKind, classify};
use crate::mapping::{
    DuplicateUids, ItemStatus, MappedItem, Mapper, MappingRules, MappingWarning, map_report,
};
use crate::model::{DateValue, Item, ItemKind, Recurrence};
use crate::report::{FileFormat, FileReport, Skipped, Warning};
use crate::text::SourceEncoding;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// One row of the preview table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewRow {
    /// Position of the item in its file (0-based), for [`detail`].
    pub index: usize,
    pub line: usize,
    pub kind: ItemKind,
    pub status: ItemStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Start as mapped (zone applied).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<DateValue>,
    /// End as people read it (the last day of an all-day event).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<DateValue>,
    /// Organizer as `Name <address>`, after mapping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organizer: Option<String>,
    /// Attendees in the source file (flat mode writes them as text).
    pub attendees: usize,
    pub recurrence: Recurrence,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<MappingWarning>,
    /// What duplicates are found by (UID and occurrence).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid_key: Option<String>,
    /// A contact's first e-mail address, after mapping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// A contact's company.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// The organizer's and attendees' addresses, after mapping (flat
    /// attendees are text by then: only the organizer's), each once: what
    /// the page's address check sends.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<String>,
}

impl PreviewRow {
    fn new(
        index: usize,
        line: usize,
        kind: ItemKind,
        attendees: usize,
        uid_key: Option<String>,
        mapped: MappedItem,
    ) -> Self {
        let end = mapped.item.end_for_display();
        let MappedItem {
            status,
            warnings,
            item,
        } = mapped;
        let (email, company) = match &item.contact {
            Some(contact) => (
                contact.emails.first().map(|e| e.value.clone()),
                contact.organization.clone(),
            ),
            None => (None, None),
        };
        let mut addresses: Vec<String> = Vec::new();
        let people = item
            .organizer
            .iter()
            .chain(item.attendees.iter().map(|a| &a.person));
        for email in people.filter_map(|person| person.email.as_deref()) {
            if !addresses
                .iter()
                .any(|known| known.eq_ignore_ascii_case(email))
            {
                addresses.push(email.to_string());
            }
        }
        Self {
            index,
            line,
            kind,
            status,
            email,
            company,
            addresses,
            summary: item.summary,
            start: item.start,
            end,
            organizer: item.organizer.as_ref().map(ToString::to_string),
            attendees,
            recurrence: item.recurrence,
            warnings,
            uid_key,
        }
    }

    /// True when `query` (lower case) is in the summary, organizer, a
    /// contact's e-mail or company, or a warning.
    pub fn matches(&self, query: &str) -> bool {
        let has = |text: &str| text.to_lowercase().contains(query);
        query.is_empty()
            || self.summary.as_deref().is_some_and(has)
            || self.organizer.as_deref().is_some_and(has)
            || self.email.as_deref().is_some_and(has)
            || self.company.as_deref().is_some_and(has)
            || self.warnings.iter().any(|w| has(&w.message))
    }
}

/// Items of one kind, by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusCounts {
    pub ok: usize,
    pub warning: usize,
    pub cannot_convert: usize,
}

impl StatusCounts {
    pub fn total(&self) -> usize {
        self.ok + self.warning + self.cannot_convert
    }

    fn add(&mut self, status: ItemStatus) {
        match status {
            ItemStatus::Ok => self.ok += 1,
            ItemStatus::Warning => self.warning += 1,
            ItemStatus::CannotConvert => self.cannot_convert += 1,
        }
    }
}

/// Counts by kind and status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub events: StatusCounts,
    pub tasks: StatusCounts,
    pub contacts: StatusCounts,
}

impl Counts {
    pub fn of(&self, kind: ItemKind) -> StatusCounts {
        match kind {
            ItemKind::Event => self.events,
            ItemKind::Task => self.tasks,
            ItemKind::Contact => self.contacts,
        }
    }

    /// All items by status.
    pub fn all(&self) -> StatusCounts {
        StatusCounts {
            ok: self.events.ok + self.tasks.ok + self.contacts.ok,
            warning: self.events.warning + self.tasks.warning + self.contacts.warning,
            cannot_convert: self.events.cannot_convert
                + self.tasks.cannot_convert
                + self.contacts.cannot_convert,
        }
    }
}

/// The preview of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilePreview {
    pub format: FileFormat,
    pub encoding: SourceEncoding,
    pub calendars: usize,
    pub rows: Vec<PreviewRow>,
    pub counts: Counts,
    pub skipped: Vec<Skipped>,
    pub warnings: Vec<Warning>,
    pub more_warnings: usize,
}

/// Collects rows item by item (duplicates are marked by [`merge_parts`]).
struct PreviewBuilder<'a> {
    rules: &'a MappingRules,
    mapper: Option<Mapper<'a>>,
    rows: Vec<PreviewRow>,
}

impl<'a> PreviewBuilder<'a> {
    fn new(rules: &'a MappingRules) -> Self {
        Self {
            rules,
            mapper: None,
            rows: Vec::new(),
        }
    }

    fn push(&mut self, source: Item, file_zones: &[String]) {
        let rules = self.rules;
        let mapper = self
            .mapper
            .get_or_insert_with(|| Mapper::new(rules, file_zones));
        let (line, kind, attendees) = (source.line, source.kind, source.attendees.len());
        let key = DuplicateUids::key(&source);
        let mapped = mapper.map_alone(source);
        let index = self.rows.len();
        self.rows
            .push(PreviewRow::new(index, line, kind, attendees, key, mapped));
    }

    fn finish(self, report: &FileReport) -> FilePreview {
        FilePreview {
            format: report.format,
            encoding: report.encoding,
            calendars: report.calendars,
            rows: self.rows,
            counts: Counts::default(),
            skipped: report.skipped.clone(),
            warnings: report.warnings.clone(),
            more_warnings: report.more_warnings,
        }
    }
}

/// Builds the preview of a report read with [`inspect`].
pub fn preview(report: &FileReport, rules: &MappingRules) -> FilePreview {
    let mut builder = PreviewBuilder::new(rules);
    for item in &report.items {
        builder.push(item.clone(), &report.time_zones);
    }
    let mut whole = builder.finish(report);
    finish_rows(&mut whole);
    whole
}

/// Reads `bytes` and builds its preview. iCalendar files, the large ones,
/// are read item by item: only the rows stay in memory.
pub fn preview_bytes(
    bytes: &[u8],
    limits: &ParseLimits,
    rules: &MappingRules,
) -> Result<FilePreview, InspectError> {
    if crate::inspect::is_icalendar(bytes) {
        let whole = preview_part(bytes, limits, rules, &Part::WHOLE, &[])?;
        return merge_parts(vec![whole], limits);
    }
    inspect(bytes, limits).map(|report| preview(&report, rules))
}

/// The preview of one part of an iCalendar file (see [`Part`]), before
/// [`merge_parts`] joins the parts. Its lines are counted from the part's
/// start; joining numbers them again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartPreview {
    pub preview: FilePreview,
    /// False when the cut was not between two items after all (a broken
    /// file): the caller then reads the file whole.
    pub clean: bool,
    /// Line breaks in the part: how far the next part's lines move down.
    pub lines: usize,
    /// The time zones the part defines (VTIMEZONE).
    pub zones_defined: Vec<String>,
    /// Every TZID the part's items use.
    pub zones_used: Vec<String>,
}

/// Reads part of an iCalendar file; `other_zones` are zones the other
/// parts define (see [`parts_to_read_again`]).
pub fn preview_part(
    bytes: &[u8],
    limits: &ParseLimits,
    rules: &MappingRules,
    part: &Part,
    other_zones: &[String],
) -> Result<PartPreview, InspectError> {
    let mut builder = PreviewBuilder::new(rules);
    let mut zones_used: HashSet<String> = HashSet::new();
    let (report, clean) = crate::ical::read_ics_part(
        bytes,
        limits,
        crate::ical::Detail::Rows,
        part,
        other_zones,
        &mut |item, zones| {
            for zone in item.dates().filter_map(|date| date.zone.as_deref()) {
                if !zones_used.contains(zone) {
                    zones_used.insert(zone.to_string());
                }
            }
            builder.push(item, zones);
        },
    )?;
    let zones_defined = report
        .time_zones
        .iter()
        .filter(|zone| !other_zones.contains(zone))
        .cloned()
        .collect();
    let mut zones_used: Vec<String> = zones_used.into_iter().collect();
    zones_used.sort_unstable();
    Ok(PartPreview {
        preview: builder.finish(&report),
        clean,
        lines: memchr::memchr_iter(b'\n', bytes).count(),
        zones_defined,
        zones_used,
    })
}

/// After a first read of every part on its own: the zones all parts
/// define, and the parts that use one of them defined in another part
/// (rare: VTIMEZONEs usually open the file). Those parts must be read
/// again with the zones, so their times are not called unknown.
pub fn parts_to_read_again(parts: &[PartPreview]) -> (Vec<String>, Vec<usize>) {
    let mut defined: Vec<String> = Vec::new();
    for zone in parts.iter().flat_map(|part| &part.zones_defined) {
        if !defined.contains(zone) {
            defined.push(zone.clone());
        }
    }
    let again = parts
        .iter()
        .enumerate()
        .filter(|(_, part)| {
            part.zones_used.iter().any(|zone| {
                classify(zone, &part.zones_defined) == ZoneKind::Unknown
                    && classify(zone, &defined) == ZoneKind::DefinedInFile
            })
        })
        .map(|(index, _)| index)
        .collect();
    (defined, again)
}

/// Joins the parts of a file, in order, into its preview: lines numbered
/// from the file's start, duplicate UIDs found across parts, counts, and
/// warnings kept to the limit. A whole file is one part.
pub fn merge_parts(
    parts: Vec<PartPreview>,
    limits: &ParseLimits,
) -> Result<FilePreview, InspectError> {
    let mut merged: Option<FilePreview> = None;
    let mut offset = 0;
    for part in parts {
        let mut preview = part.preview;
        if offset > 0 {
            move_down(&mut preview, offset);
        }
        offset += part.lines;
        match &mut merged {
            None => merged = Some(preview),
            Some(merged) => {
                merged.calendars += preview.calendars;
                merged.rows.extend(preview.rows);
                merged.skipped.extend(preview.skipped);
                merged.warnings.extend(preview.warnings);
                merged.more_warnings += preview.more_warnings;
            }
        }
    }
    let Some(mut merged) = merged else {
        return Err(InspectError::Empty);
    };
    if merged.rows.len() > limits.max_items {
        return Err(InspectError::TooManyItems {
            limit: limits.max_items,
        });
    }
    let extra = merged.warnings.len().saturating_sub(limits.max_warnings);
    merged.warnings.truncate(limits.max_warnings);
    merged.more_warnings += extra;
    finish_rows(&mut merged);
    Ok(merged)
}

/// Numbers a part's lines from the file's start.
fn move_down(preview: &mut FilePreview, lines: usize) {
    for row in &mut preview.rows {
        row.line += lines;
        for warning in &mut row.warnings {
            warning.move_down(lines);
        }
    }
    for skipped in &mut preview.skipped {
        skipped.line += lines;
    }
    for warning in &mut preview.warnings {
        if let Some(line) = &mut warning.line {
            *line += lines;
        }
    }
}

/// Numbers the rows, names duplicate UIDs (across the whole file) and
/// counts by kind and status.
fn finish_rows(preview: &mut FilePreview) {
    let mut duplicates = DuplicateUids::default();
    let mut counts = Counts::default();
    for (index, row) in preview.rows.iter_mut().enumerate() {
        row.index = index;
        if let Some(first) = duplicates.earlier(row.uid_key.as_deref(), row.line) {
            row.warnings.push(DuplicateUids::warning(first));
            if row.status == ItemStatus::Ok {
                row.status = ItemStatus::Warning;
            }
        }
        match row.kind {
            ItemKind::Event => counts.events.add(row.status),
            ItemKind::Task => counts.tasks.add(row.status),
            ItemKind::Contact => counts.contacts.add(row.status),
        }
    }
    preview.counts = counts;
}

/// Where to cut a file so that a part starts with an item: the offset in
/// `window` (bytes from somewhere in the file) of the first line that is
/// exactly `BEGIN:VEVENT` or `BEGIN:VTODO`, right after a line break.
pub fn split_point(window: &[u8]) -> Option<usize> {
    memchr::memchr_iter(b'\n', window).find_map(|newline| {
        let start = newline + 1;
        let rest = &window[start..];
        let line_end = memchr::memchr(b'\n', rest)?;
        let line = rest[..line_end]
            .strip_suffix(b"\r")
            .unwrap_or(&rest[..line_end]);
        (line == b"BEGIN:VEVENT" || line == b"BEGIN:VTODO").then_some(start)
    })
}

/// One item in full: as read, and as it will be written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemDetail {
    pub original: Item,
    pub mapped: MappedItem,
    /// The requests that would put it on each target (see
    /// [`item_requests`]); empty until asked for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requests: Vec<TargetRequests>,
}

/// The requests for one target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetRequests {
    pub target: Target,
    pub written: WrittenRequests,
}

/// The requests that would put the item of `detail` (read from `bytes`)
/// on every target, with the zones its file defines and default
/// settings; `stamp` is the time of writing.
pub fn item_requests(
    bytes: &[u8],
    limits: &ParseLimits,
    rules: &MappingRules,
    detail: &ItemDetail,
    stamp: chrono::DateTime<chrono::Utc>,
) -> Vec<TargetRequests> {
    let is_calendar = crate::inspect::is_icalendar(bytes);
    let zones = if is_calendar {
        crate::ical::vtimezone::defined_zones(bytes, limits)
    } else {
        Vec::new()
    };
    let source_zones = if is_calendar {
        zone_definitions(&crate::text::decode_content_lines(bytes).text, limits)
    } else {
        Vec::new()
    };
    let context = RequestContext {
        zones: &zones,
        source_zones: &source_zones,
        exchange: ExchangeOptions {
            date_zone: rules.default_zone.clone(),
            ..ExchangeOptions::default()
        },
        ews: EwsSettings::default(),
        batch_size: DEFAULT_BATCH_SIZE,
        stamp,
    };
    let items = std::slice::from_ref(&detail.mapped);
    Target::ALL
        .into_iter()
        .map(|target| TargetRequests {
            target,
            written: write_requests(target, items, &context),
        })
        .collect()
}

/// Reads `bytes` again and returns item `index` in full.
pub fn detail(
    bytes: &[u8],
    limits: &ParseLimits,
    rules: &MappingRules,
    index: usize,
) -> Result<Option<ItemDetail>, InspectError> {
    if !crate::inspect::is_icalendar(bytes) {
        let report = inspect(bytes, limits)?;
        let Some(original) = report.items.get(index) else {
            return Ok(None);
        };
        // Duplicate UIDs are found across the file, so map the whole report.
        let mapped = map_report(&report, rules).swap_remove(index);
        return Ok(Some(ItemDetail {
            original: original.clone(),
            mapped,
            requests: Vec::new(),
        }));
    }
    // iCalendar files may be huge: read item by item, keep only the one
    // wanted, and look for an earlier duplicate of it on the way.
    let mut duplicates = DuplicateUids::default();
    let mut seen = 0;
    let mut found: Option<ItemDetail> = None;
    crate::ical::read_ics(
        bytes,
        limits,
        crate::ical::Detail::Full,
        &mut |item, zones| {
            let position = seen;
            seen += 1;
            let earlier = duplicates.earlier(DuplicateUids::key(&item).as_deref(), item.line);
            if position != index {
                return;
            }
            let mut mapped = Mapper::new(rules, zones).map_alone(item.clone());
            if let Some(first) = earlier {
                mapped.add(DuplicateUids::warning(first));
            }
            found = Some(ItemDetail {
                original: item,
                mapped,
                requests: Vec::new(),
            });
        },
    )?;
    Ok(found)
}

/// The conversion report as CSV (RFC 4180, UTF-8, header row): one row
/// per item of every file, with status and warnings.
pub fn report_csv<'a>(files: impl IntoIterator<Item = (&'a str, &'a FilePreview)>) -> String {
    let mut out = csv::Writer::from_writer(Vec::new());
    let header = [
        "File",
        "Line",
        "Kind",
        "Status",
        "Title",
        "Start",
        "End",
        "Time zone",
        "Organizer",
        "Attendees",
        "Repeats",
        "Warnings",
    ];
    // Writing to a Vec cannot fail; a failure would only lose rows, never
    // panic.
    let _ = out.write_record(header);
    for (name, file) in files {
        for row in &file.rows {
            let zone = row
                .start
                .as_ref()
                .and_then(|s| s.zone_label())
                .unwrap_or_default()
                .to_string();
            let warnings: Vec<&str> = row.warnings.iter().map(|w| w.message.as_str()).collect();
            let _ = out.write_record([
                name.to_string(),
                row.line.to_string(),
                row.kind.label().to_string(),
                row.status.label().to_string(),
                row.summary.clone().unwrap_or_default(),
                row.start.as_ref().map(DateValue::when).unwrap_or_default(),
                row.end.as_ref().map(DateValue::when).unwrap_or_default(),
                zone,
                row.organizer.clone().unwrap_or_default(),
                row.attendees.to_string(),
                match row.recurrence {
                    Recurrence::None => "No",
                    Recurrence::Series => "Yes",
                    Recurrence::Exception => "Changed occurrence",
                }
                .to_string(),
                warnings.join(" | "),
            ]);
        }
    }
    String::from_utf8(out.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEAM: &[u8] = include_bytes!("../../static/samples/team-calendar.ics");

    #[test]
    fn rows_carry_their_mapped_addresses_once_each() {
        let rules = MappingRules {
            domains: crate::mapping::DomainRewrites::parse("sumatra.local=sumatra.example")
                .unwrap(),
            ..MappingRules::default()
        };
        let file = preview_bytes(TEAM, &ParseLimits::default(), &rules).unwrap();
        assert_eq!(
            file.rows[0].addresses,
            [
                "zyg@sumatra.example",
                "ana@sumatra.example",
                "ben@sumatra.example",
                "chloe@sumatra.example"
            ]
        );
        let flat = MappingRules {
            attendees: crate::mapping::AttendeeMode::Flat,
            ..MappingRules::default()
        };
        let file = preview_bytes(TEAM, &ParseLimits::default(), &flat).unwrap();
        assert_eq!(file.rows[0].addresses, ["zyg@sumatra.local"]);
    }

    #[test]
    fn rows_counts_and_csv_agree() {
        let rules = MappingRules {
            default_zone: Some("Europe/Berlin".into()),
            ..MappingRules::default()
        };
        let file = preview_bytes(TEAM, &ParseLimits::default(), &rules).unwrap();
        assert_eq!(file.rows.len(), 6);
        assert_eq!(file.counts.all().total(), 6);
        assert_eq!(file.counts.tasks.total(), 1);
        let csv = report_csv([("team-calendar.ics", &file)]);
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(records.len(), 6);
        assert_eq!(&records[0][4], "Team stand-up");
        assert_eq!(&records[0][5], "2026-11-02 09:30");
        assert_eq!(&records[0][7], "Europe/Berlin");
        assert_eq!(&records[0][10], "Yes");
        assert_eq!(&records[5][2], "Task");
        let one = detail(TEAM, &ParseLimits::default(), &rules, 1)
            .unwrap()
            .unwrap();
        assert_eq!(one.original.summary, file.rows[1].summary);
        assert!(one.original.recurrence_id.is_some());
        assert!(
            detail(TEAM, &ParseLimits::default(), &rules, 6)
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn search_looks_at_titles_organizers_and_warnings() {
        let file = preview_bytes(TEAM, &ParseLimits::default(), &MappingRules::default()).unwrap();
        let hits = |q: &str| file.rows.iter().filter(|r| r.matches(q)).count();
        assert_eq!(hits(""), 6);
        assert_eq!(hits("stand-up"), 2);
        assert_eq!(hits("zygmunt"), 2);
        assert_eq!(hits("ana@sumatra"), 1);
        assert_eq!(hits("no such thing"), 0);
    }
}
