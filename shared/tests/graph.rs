//! The Microsoft Graph requests from the outside: every item of every
//! corpus file converted (full and flat mode), every request body
//! serialised to JSON and read back into its typed struct, never with
//! attendees, always with the source key; each event read back from its
//! JSON and compared field by field with the Exchange shape it was
//! written from, every difference a reported loss; golden requests
//! (`tests/snapshots/graph__*.snap`); Microsoft's documented answers
//! (`fixtures/graph/`) read; OData quoting.

#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::{defined_zones, exchange_file, files_under, repository};

use chrono::{Duration, NaiveDate, NaiveDateTime};
use ferry_shared::convert::exchange::{
    self, CalendarItem, ExchangeConversion, ExchangeItem, ExchangeOptions, ExchangeZone, Operation,
    Pattern, RecurrenceEnd, WallClock, convert,
};
use ferry_shared::convert::graph::resources::{
    self, Contact, DateTimeTimeZone, Event, PatternType, RangeType, TodoTask,
};
use ferry_shared::convert::graph::{
    self, BatchRequest, BatchResponse, Collection, CreatedItem, ErrorResponse, FoundItem,
    GraphAction, GraphConversion, GraphError, GraphRequest, GraphTarget, ItemList, Method, Outcome,
    RequestBody, TaskList, batches, delete_occurrence, find_by_source_key, find_occurrences,
    pick_occurrence, update_occurrence,
};
use ferry_shared::convert::{SOURCE_PROPERTY_NAME, SOURCE_PROPERTY_SET};
use ferry_shared::mapping::{AttendeeMode, MappingRules, WarningCode, map_report};
use ferry_shared::model::Weekday;
use ferry_shared::{ParseLimits, inspect};
use serde::de::DeserializeOwned;
use std::path::PathBuf;

fn target() -> GraphTarget {
    GraphTarget {
        task_list_id: Some("AAMkADIyAAAAABrJAAA=".into()),
        ..GraphTarget::default()
    }
}

/// The corpus, and the items written for the EWS and Graph tests.
fn corpus() -> Vec<PathBuf> {
    let mut files = files_under("fixtures/corpora", &["ics", "vcf"]);
    files.extend(files_under("fixtures/ews/items", &["ics", "vcf"]));
    files.extend(files_under("fixtures/graph/items", &["ics", "vcf"]));
    assert!(files.len() > 350, "corpus is missing: {}", files.len());
    files
}

/// `value` as JSON, read back as `T`: it must be the same.
fn round_trip<T>(value: &T) -> serde_json::Value
where
    T: serde::Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let text = serde_json::to_string(value).unwrap();
    let back: T = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert_eq!(&back, value);
    serde_json::from_str(&text).unwrap()
}

fn source_key_of(properties: &[resources::ExtendedProperty]) -> Option<&str> {
    let id = format!("String {{{SOURCE_PROPERTY_SET}}} Name {SOURCE_PROPERTY_NAME}");
    properties
        .iter()
        .find(|p| p.id == id)
        .map(|p| p.value.as_str())
}

/// Checks one request body: JSON that reads back into its struct, no
/// attendees, the source key when the item has one.
fn check_body(body: &RequestBody, source_key: Option<&str>) {
    let (json, carried) = match body {
        RequestBody::Event(event) => (
            round_trip(event.as_ref()),
            source_key_of(&event.single_value_extended_properties),
        ),
        RequestBody::Task(task) => (
            round_trip(task.as_ref()),
            source_key_of(&task.single_value_extended_properties),
        ),
        RequestBody::Contact(contact) => (
            round_trip(contact.as_ref()),
            source_key_of(&contact.single_value_extended_properties),
        ),
        RequestBody::TaskList(_) => unreachable!("an item's body is never a To Do list"),
    };
    assert!(json.get("attendees").is_none(), "{json}");
    assert_eq!(
        carried.map(str::to_string),
        source_key.map(ferry_shared::convert::encode_source_key),
        "{json}"
    );
    let untagged: RequestBody = serde_json::from_value(json).unwrap();
    assert_eq!(&untagged, body);
}

/// Every request the actions lead to, with made-up ids for the items a
/// transport would have found first.
fn requests(conversions: &[GraphConversion]) -> Vec<GraphRequest> {
    let target = target();
    let mut all = Vec::new();
    for action in conversions.iter().flat_map(|c| &c.actions) {
        match action {
            GraphAction::Create { request, .. } => all.push(request.clone()),
            GraphAction::DeleteOccurrence {
                series_key,
                original_start,
            } => {
                all.push(find_by_source_key(Collection::Events, series_key, &target).unwrap());
                all.push(find_occurrences("AAMkAGI1-series", original_start, &target));
                all.push(delete_occurrence("AAMkAGI1-occurrence", &target));
            }
            GraphAction::UpdateOccurrence {
                series_key,
                original_start,
                changes,
                ..
            } => {
                all.push(find_by_source_key(Collection::Events, series_key, &target).unwrap());
                all.push(find_occurrences("AAMkAGI1-series", original_start, &target));
                all.push(update_occurrence(
                    "AAMkAGI1-occurrence",
                    changes.as_ref().clone(),
                    &target,
                ));
            }
        }
    }
    all
}

// ---------------------------------------------------------------------------
// The corpus

#[test]
fn every_corpus_item_gives_valid_requests_without_attendees_with_source_keys() {
    let files = corpus();
    for mode in [AttendeeMode::Full, AttendeeMode::Flat] {
        let mut conversions = Vec::new();
        for path in &files {
            for exchange in exchange_file(path, mode) {
                conversions.push(graph::convert(&exchange, &target()).unwrap());
            }
        }
        let (mut events, mut tasks, mut contacts, mut series) = (0, 0, 0, 0);
        for conversion in &conversions {
            for action in &conversion.actions {
                match action {
                    GraphAction::Create {
                        source_key,
                        request,
                        ..
                    } => {
                        assert_eq!(request.method, Method::Post);
                        let body = request.body.as_ref().unwrap();
                        check_body(body, source_key.as_deref());
                        if source_key.is_none() {
                            assert!(
                                conversion.losses.iter().any(|l| l.field == "uid"),
                                "{conversion:?}"
                            );
                        }
                        match body {
                            RequestBody::Event(event) => {
                                events += 1;
                                assert!(request.url == "/me/events");
                                series += usize::from(event.recurrence.is_some());
                            }
                            RequestBody::Task(_) => {
                                tasks += 1;
                                assert!(request.url.starts_with("/me/todo/lists/"));
                            }
                            RequestBody::Contact(_) => {
                                contacts += 1;
                                assert_eq!(request.url, "/me/contacts");
                            }
                            RequestBody::TaskList(_) => unreachable!("not an item"),
                        }
                    }
                    GraphAction::UpdateOccurrence {
                        changes,
                        occurrence_key,
                        ..
                    } => check_body(
                        &RequestBody::Event(changes.clone()),
                        occurrence_key.as_deref(),
                    ),
                    GraphAction::DeleteOccurrence { .. } => {}
                }
            }
        }
        assert!(events > 500, "{mode:?}: {events} events");
        assert!(
            tasks > 5 && contacts > 50,
            "{tasks} tasks, {contacts} contacts"
        );
        assert!(series > 50, "{series} series");
        let all = requests(&conversions);
        let sent = batches(&all, 20).unwrap();
        assert_eq!(sent.len(), all.len().div_ceil(20));
        for batch in &sent {
            assert!(batch.requests.len() <= 20);
            let json = serde_json::to_string(batch).unwrap();
            let back: BatchRequest = serde_json::from_str(&json).unwrap();
            assert_eq!(&back, batch);
        }
        for request in &all {
            assert!(request.url.starts_with("/me/"), "{}", request.url);
            assert!(!request.url.contains(' '), "{}", request.url);
        }
    }
}

// ---------------------------------------------------------------------------
// Fidelity: each event read back from its JSON, compared field by field

/// An event's meaning, for comparison: instants in UTC (all-day items:
/// their days), recurrence on the series' own calendar.
#[derive(Debug, Clone, PartialEq)]
struct Comparable {
    subject: Option<String>,
    start: NaiveDateTime,
    end: NaiveDateTime,
    all_day: bool,
    recurrence: Option<(Pattern, NaiveDate, RecurrenceEnd)>,
    attendees: Vec<String>,
    body: Option<String>,
    reminder: Option<u32>,
    sensitivity: String,
    importance: String,
    categories: Vec<String>,
    location: Option<String>,
}

/// The loss field a difference in each compared field must be named by.
const FIELDS: [(&str, &str); 12] = [
    ("subject", "subject"),
    ("start", "start"),
    ("end", "end"),
    ("all_day", "all-day"),
    ("recurrence", "recurrence"),
    ("attendees", "attendees"),
    ("body", "attendees"),
    ("reminder", "reminder"),
    ("sensitivity", "sensitivity"),
    ("importance", "importance"),
    ("categories", "categories"),
    ("location", "location"),
];

fn name_of<T: serde::Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .unwrap()
        .as_str()
        .unwrap()
        .to_string()
}

/// A text as compared: an empty one is none (what an update sends to
/// clear a field).
fn text(value: Option<String>) -> Option<String> {
    value.filter(|text| !text.is_empty())
}

/// The Exchange shape, as compared.
fn from_exchange(item: &CalendarItem) -> Comparable {
    let instant = |time: &WallClock| {
        if item.all_day {
            time.local
        } else {
            time.to_utc()
        }
    };
    Comparable {
        subject: text(item.subject.clone()),
        start: instant(&item.start),
        end: instant(&item.end),
        all_day: item.all_day,
        recurrence: item
            .recurrence
            .as_ref()
            .map(|r| (r.pattern.clone(), r.start_date, r.end)),
        attendees: item
            .required_attendees
            .iter()
            .chain(&item.optional_attendees)
            .chain(&item.resources)
            .map(|m| m.email.clone())
            .collect(),
        body: text(item.body.clone()),
        reminder: item.reminder_minutes,
        sensitivity: format!("{:?}", item.sensitivity).to_lowercase(),
        importance: format!("{:?}", item.importance).to_lowercase(),
        categories: item.categories.clone(),
        location: text(item.location.clone()),
    }
}

fn wall_clock(value: &DateTimeTimeZone) -> WallClock {
    let local = NaiveDateTime::parse_from_str(&value.date_time, "%Y-%m-%dT%H:%M:%S").unwrap();
    let zone = match value.time_zone.as_str() {
        "UTC" => ExchangeZone::Utc,
        windows => ExchangeZone::Windows(windows.to_string()),
    };
    WallClock { local, zone }
}

fn weekday(day: resources::DayOfWeek) -> Weekday {
    use resources::DayOfWeek as D;
    match day {
        D::Monday => Weekday::Monday,
        D::Tuesday => Weekday::Tuesday,
        D::Wednesday => Weekday::Wednesday,
        D::Thursday => Weekday::Thursday,
        D::Friday => Weekday::Friday,
        D::Saturday => Weekday::Saturday,
        D::Sunday => Weekday::Sunday,
    }
}

/// `day` moved `shift` days along the week.
fn moved(day: Weekday, shift: i64) -> Weekday {
    const WEEK: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];
    WEEK[(day as i64 + shift).rem_euclid(7) as usize]
}

fn kind_of_day(days: &[resources::DayOfWeek]) -> exchange::DayOfWeek {
    match days.len() {
        7 => exchange::DayOfWeek::AnyDay,
        5 => exchange::DayOfWeek::WorkDay,
        2 => exchange::DayOfWeek::WeekendDay,
        _ => exchange::DayOfWeek::One(weekday(days[0])),
    }
}

fn index_of(index: Option<resources::WeekIndex>) -> exchange::WeekIndex {
    use resources::WeekIndex as I;
    match index.unwrap() {
        I::First => exchange::WeekIndex::First,
        I::Second => exchange::WeekIndex::Second,
        I::Third => exchange::WeekIndex::Third,
        I::Fourth => exchange::WeekIndex::Fourth,
        I::Last => exchange::WeekIndex::Last,
    }
}

/// Graph's recurrence on the calendar of the series' own zone: sent in
/// UTC, a series may start `shift` days off its local date.
fn read_recurrence(
    recurrence: &resources::PatternedRecurrence,
    shift: i64,
) -> (Pattern, NaiveDate, RecurrenceEnd) {
    let p = &recurrence.pattern;
    let date =
        |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap() - Duration::days(shift);
    let day_of_month = || {
        let day = p.day_of_month.unwrap();
        let back = i64::from(day) - shift;
        if (1..=28).contains(&day) && (1..=28).contains(&back) {
            back as u8
        } else {
            day
        }
    };
    let pattern = match p.kind {
        PatternType::Daily => Pattern::Daily {
            interval: p.interval,
        },
        PatternType::Weekly => {
            let mut days: Vec<Weekday> = p
                .days_of_week
                .iter()
                .map(|d| moved(weekday(*d), -shift))
                .collect();
            days.sort_by_key(|d| *d as u8);
            Pattern::Weekly {
                interval: p.interval,
                days,
                first_day_of_week: moved(weekday(p.first_day_of_week.unwrap()), -shift),
            }
        }
        PatternType::AbsoluteMonthly => Pattern::AbsoluteMonthly {
            interval: p.interval,
            day_of_month: day_of_month(),
        },
        PatternType::RelativeMonthly => Pattern::RelativeMonthly {
            interval: p.interval,
            days: kind_of_day(&p.days_of_week),
            index: index_of(p.index),
        },
        PatternType::AbsoluteYearly => Pattern::AbsoluteYearly {
            month: p.month.unwrap(),
            day_of_month: day_of_month(),
        },
        PatternType::RelativeYearly => Pattern::RelativeYearly {
            month: p.month.unwrap(),
            days: kind_of_day(&p.days_of_week),
            index: index_of(p.index),
        },
    };
    let range = &recurrence.range;
    let end = match range.kind {
        RangeType::NoEnd => RecurrenceEnd::Never,
        RangeType::EndDate => RecurrenceEnd::OnDate(date(range.end_date.as_deref().unwrap())),
        RangeType::Numbered => {
            RecurrenceEnd::AfterOccurrences(range.number_of_occurrences.unwrap())
        }
    };
    (pattern, date(&range.start_date), end)
}

/// The event read back from its JSON, as compared; `local_start` is the
/// series' first start on its own clock (for the recurrence).
fn from_graph(json: &str, local_start: NaiveDate) -> Comparable {
    let event: Event = serde_json::from_str(json).unwrap();
    let start = wall_clock(&event.start);
    let end = wall_clock(&event.end);
    let instant = |time: &WallClock| {
        if event.is_all_day {
            time.local
        } else {
            time.to_utc()
        }
    };
    let shift = (start.local.date() - local_start).num_days();
    Comparable {
        subject: text(event.subject.clone()),
        start: instant(&start),
        end: instant(&end),
        all_day: event.is_all_day,
        recurrence: event.recurrence.as_ref().map(|r| read_recurrence(r, shift)),
        attendees: Vec::new(),
        body: text(event.body.as_ref().map(|b| b.content.clone())),
        reminder: event
            .is_reminder_on
            .then_some(event.reminder_minutes_before_start)
            .flatten(),
        sensitivity: name_of(event.sensitivity),
        importance: name_of(event.importance),
        categories: event.categories.clone(),
        location: text(event.location.as_ref().map(|l| l.display_name.clone())),
    }
}

/// The names of the fields that differ.
fn differences(a: &Comparable, b: &Comparable) -> Vec<&'static str> {
    let mut found = Vec::new();
    let mut check = |same: bool, field: &'static str| {
        if !same {
            found.push(field);
        }
    };
    check(a.subject == b.subject, "subject");
    check(a.start == b.start, "start");
    check(a.end == b.end, "end");
    check(a.all_day == b.all_day, "all_day");
    check(a.recurrence == b.recurrence, "recurrence");
    check(a.attendees == b.attendees, "attendees");
    check(a.body == b.body, "body");
    check(a.reminder == b.reminder, "reminder");
    check(a.sensitivity == b.sensitivity, "sensitivity");
    check(a.importance == b.importance, "importance");
    check(a.categories == b.categories, "categories");
    check(a.location == b.location, "location");
    found
}

/// The events of a conversion (created, or changed occurrences) with the
/// Graph bodies written for them, in order.
fn events_and_bodies<'c>(
    exchange: &'c ExchangeConversion,
    graph: &'c GraphConversion,
) -> Vec<(&'c CalendarItem, &'c Event)> {
    let items: Vec<&CalendarItem> = exchange
        .operations
        .iter()
        .filter_map(|op| match op {
            Operation::Create(ExchangeItem::Event(event)) => Some(event.as_ref()),
            Operation::UpdateOccurrence { item, .. } => Some(item.as_ref()),
            _ => None,
        })
        .collect();
    let bodies: Vec<&Event> = graph
        .actions
        .iter()
        .filter_map(|action| match action {
            GraphAction::Create {
                request:
                    GraphRequest {
                        body: Some(RequestBody::Event(event)),
                        ..
                    },
                ..
            } => Some(event.as_ref()),
            GraphAction::UpdateOccurrence { changes, .. } => Some(changes.as_ref()),
            _ => None,
        })
        .collect();
    assert_eq!(items.len(), bodies.len());
    items.into_iter().zip(bodies).collect()
}

#[test]
fn every_corpus_event_reads_back_as_written_or_its_loss_is_named() {
    for mode in [AttendeeMode::Full, AttendeeMode::Flat] {
        let (mut compared, mut moved_attendees, mut flat_bodies) = (0, 0, 0);
        for path in corpus() {
            for exchange in exchange_file(&path, mode) {
                let graph = graph::convert(&exchange, &target()).unwrap();
                for (item, event) in events_and_bodies(&exchange, &graph) {
                    let json = serde_json::to_string(event).unwrap();
                    let source = from_exchange(item);
                    let back = from_graph(&json, item.start.local.date());
                    compared += 1;
                    for field in differences(&source, &back) {
                        let (_, loss) = FIELDS.iter().find(|(f, _)| *f == field).unwrap();
                        assert!(
                            graph.losses.iter().any(|l| l.field == *loss),
                            "{}: {field} differs without a “{loss}” loss\nsource: {source:#?}\nback: {back:#?}\nlosses: {:#?}",
                            path.display(),
                            graph.losses
                        );
                    }
                    // Moved into the body, not dropped.
                    let body = back.body.clone().unwrap_or_default();
                    for email in &source.attendees {
                        assert!(body.contains(email.as_str()), "{email} not in {body}");
                    }
                    moved_attendees += usize::from(!source.attendees.is_empty());
                    if mode == AttendeeMode::Flat {
                        assert!(source.attendees.is_empty());
                        if source
                            .body
                            .as_deref()
                            .is_some_and(|b| b.contains("Attendees:"))
                        {
                            assert_eq!(back.body, source.body);
                            flat_bodies += 1;
                        }
                    }
                }
            }
        }
        assert!(compared > 500, "{mode:?}: {compared} events compared");
        match mode {
            AttendeeMode::Full => assert!(moved_attendees > 20, "{moved_attendees}"),
            AttendeeMode::Flat => assert!(flat_bodies > 20, "{flat_bodies}"),
        }
    }
}

/// The UTC instant of a source time with a zone calcard knows (IANA or
/// Windows name, or UTC); none for floating times and other zones.
fn source_instant(value: &ferry_shared::model::DateValue) -> Option<NaiveDateTime> {
    use chrono::TimeZone;
    use std::str::FromStr;
    let local = NaiveDateTime::parse_from_str(&value.local, "%Y-%m-%dT%H:%M:%S").ok()?;
    let tz = calcard::common::timezone::Tz::from_str(value.zone.as_deref()?).ok()?;
    if tz.is_floating() {
        return None;
    }
    Some(tz.from_local_datetime(&local).earliest()?.naive_utc())
}

/// What the source file says of a single event (no repeat rule, not an
/// occurrence), checked against the Graph event written from it, end to
/// end: each difference must be a reported loss, or what the mapping
/// warned of (a zone it replaced, its tag of a meeting without
/// organizer). True when the start was compared.
fn check_against_source(
    source: &ferry_shared::model::Item,
    mapped: &ferry_shared::mapping::MappedItem,
    event: &Event,
    losses: &[exchange::Loss],
    rules: &MappingRules,
) -> bool {
    let expect = |same: bool, loss: &str| {
        if !same {
            assert!(
                losses.iter().any(|l| l.field == loss),
                "{:?} line {}: {loss} differs without a loss: {losses:#?}\n{event:#?}",
                source.summary,
                source.line
            );
        }
    };
    expect(
        text(source.summary.clone()) == text(event.subject.clone()),
        "subject",
    );
    expect(source.all_day == event.is_all_day, "all-day");
    let sensitivity = match source.sensitivity {
        None | Some(ferry_shared::model::Sensitivity::Public) => "normal",
        Some(ferry_shared::model::Sensitivity::Private) => "private",
        Some(ferry_shared::model::Sensitivity::Confidential) => "confidential",
    };
    expect(name_of(event.sensitivity) == sensitivity, "sensitivity");
    let reminder = source
        .reminders
        .iter()
        .find_map(|minutes| u32::try_from(*minutes).ok());
    let sent_reminder = event
        .is_reminder_on
        .then_some(event.reminder_minutes_before_start)
        .flatten();
    expect(reminder == sent_reminder, "reminder");
    for category in &event.categories {
        assert!(
            source.categories.contains(category) || *category == rules.missing_organizer_category,
            "{category} is not the source's"
        );
    }
    expect(
        source
            .categories
            .iter()
            .all(|c| event.categories.contains(c)),
        "categories",
    );
    let body = event
        .body
        .as_ref()
        .map(|b| b.content.as_str())
        .unwrap_or_default();
    for attendee in &source.attendees {
        let named = attendee
            .person
            .email
            .as_deref()
            .or(attendee.person.name.as_deref())
            .is_none_or(|name| body.contains(name));
        assert!(named, "{attendee:?} is not in the body: {body}");
    }
    let zone_replaced = mapped.warnings.iter().any(|w| {
        matches!(
            w.code,
            WarningCode::UnknownTimeZone | WarningCode::FloatingTime
        )
    });
    if !source.all_day
        && !zone_replaced
        && let Some(instant) = source.start.as_ref().and_then(source_instant)
    {
        expect(instant == wall_clock(&event.start).to_utc(), "start");
        return true;
    }
    false
}

#[test]
fn every_single_corpus_event_keeps_what_its_source_says() {
    for mode in [AttendeeMode::Full, AttendeeMode::Flat] {
        let rules = MappingRules {
            default_zone: Some("Europe/Berlin".into()),
            attendees: mode,
            ..MappingRules::default()
        };
        let options = ExchangeOptions {
            date_zone: Some("Europe/Berlin".into()),
            ..ExchangeOptions::default()
        };
        let (mut checked, mut with_attendees, mut starts) = (0, 0, 0);
        for path in corpus() {
            let bytes = std::fs::read(&path).unwrap();
            let Ok(report) = inspect(&bytes, &ParseLimits::default()) else {
                continue;
            };
            let zones = defined_zones(&bytes);
            for (source, mapped) in report.items.iter().zip(map_report(&report, &rules)) {
                if source.kind != ferry_shared::model::ItemKind::Event
                    || source.rule.is_some()
                    || !source.rdates.is_empty()
                    || source.recurrence_id.is_some()
                {
                    continue;
                }
                let graph = graph::convert(&convert(&mapped, &zones, &options), &target()).unwrap();
                let [
                    GraphAction::Create {
                        request:
                            GraphRequest {
                                body: Some(RequestBody::Event(event)),
                                ..
                            },
                        ..
                    },
                ] = graph.actions.as_slice()
                else {
                    continue;
                };
                checked += 1;
                with_attendees += usize::from(!source.attendees.is_empty());
                starts += usize::from(check_against_source(
                    source,
                    &mapped,
                    event,
                    &graph.losses,
                    &rules,
                ));
            }
        }
        assert!(
            checked > 300 && with_attendees > 20 && starts > 100,
            "{mode:?}: {checked} checked, {with_attendees} with attendees, {starts} starts"
        );
    }
}

#[test]
fn the_comparison_catches_a_changed_field() {
    let conversions = exchange_file(
        &repository("fixtures/ews/items/series.ics"),
        AttendeeMode::Flat,
    );
    let graph = graph::convert(&conversions[0], &target()).unwrap();
    let (item, event) = events_and_bodies(&conversions[0], &graph)[0];
    let mut changed = event.clone();
    changed.start.time_zone = "UTC".into();
    changed.categories.pop();
    let json = serde_json::to_string(&changed).unwrap();
    let back = from_graph(&json, item.start.local.date());
    assert_eq!(
        differences(&from_exchange(item), &back),
        ["start", "categories"]
    );
}

// ---------------------------------------------------------------------------
// Golden requests

fn pretty(request: &GraphRequest) -> String {
    let mut text = format!("{} {}\n", name_of(request.method), request.url);
    if let Some(body) = &request.body {
        text.push_str(&serde_json::to_string_pretty(body).unwrap());
        text.push('\n');
    }
    text
}

/// The losses, then each request.
fn golden(relative: &str) -> String {
    let conversions: Vec<GraphConversion> =
        exchange_file(&repository(relative), AttendeeMode::Full)
            .iter()
            .map(|exchange| graph::convert(exchange, &target()).unwrap())
            .collect();
    let mut text = String::new();
    for loss in conversions.iter().flat_map(|c| &c.losses) {
        text.push_str(&format!("loss {}: {}\n", loss.field, loss.reason));
    }
    for request in requests(&conversions) {
        text.push_str(&pretty(&request));
    }
    text
}

#[test]
fn golden_series_with_deleted_and_changed_occurrence_and_attendees_in_the_body() {
    insta::assert_snapshot!(golden("fixtures/ews/items/series.ics"));
}

#[test]
fn golden_all_day_yearly() {
    insta::assert_snapshot!(golden("fixtures/ews/items/all-day.ics"));
}

#[test]
fn golden_custom_zone_sent_in_utc() {
    insta::assert_snapshot!(golden("fixtures/ews/items/custom-zone.ics"));
}

#[test]
fn golden_series_moved_to_the_utc_date() {
    insta::assert_snapshot!(golden("fixtures/graph/items/far-east-weekly.ics"));
}

#[test]
fn golden_task() {
    insta::assert_snapshot!(golden("fixtures/ews/items/task.ics"));
}

#[test]
fn golden_contact() {
    insta::assert_snapshot!(golden("fixtures/ews/items/contact.vcf"));
}

#[test]
fn golden_batch() {
    let conversions: Vec<GraphConversion> = exchange_file(
        &repository("fixtures/ews/items/series.ics"),
        AttendeeMode::Flat,
    )
    .iter()
    .map(|exchange| graph::convert(exchange, &target()).unwrap())
    .collect();
    let all = requests(&conversions);
    let sent = batches(&all, 4).unwrap();
    assert_eq!(sent.len(), 2);
    insta::assert_snapshot!(serde_json::to_string_pretty(&sent).unwrap());
}

// ---------------------------------------------------------------------------
// Targets, batches, OData

#[test]
fn requests_go_to_the_chosen_mailbox_and_folders() {
    let chosen = GraphTarget {
        user: Some("zyg@ferry.test".into()),
        calendar_id: Some("AAMk/cal=".into()),
        task_list_id: Some("list-1".into()),
        contact_folder_id: Some("folder-1".into()),
    };
    let conversions = exchange_file(
        &repository("fixtures/ews/items/contact.vcf"),
        AttendeeMode::Full,
    );
    let graph = graph::convert(&conversions[0], &chosen).unwrap();
    let GraphAction::Create { request, .. } = &graph.actions[0] else {
        panic!("{graph:?}");
    };
    assert_eq!(
        request.url,
        "/users/zyg%40ferry.test/contactFolders/folder-1/contacts"
    );
    let events = exchange_file(
        &repository("fixtures/ews/items/all-day.ics"),
        AttendeeMode::Full,
    );
    let graph = graph::convert(&events[0], &chosen).unwrap();
    let GraphAction::Create { request, .. } = &graph.actions[0] else {
        panic!("{graph:?}");
    };
    assert_eq!(
        request.url,
        "/users/zyg%40ferry.test/calendars/AAMk%2Fcal%3D/events"
    );
    let tasks = exchange_file(
        &repository("fixtures/ews/items/task.ics"),
        AttendeeMode::Full,
    );
    assert_eq!(
        graph::convert(&tasks[0], &GraphTarget::default()),
        Err(GraphError::NoTaskList)
    );
    assert_eq!(
        graph::task_lists(&GraphTarget::default()).url,
        "/me/todo/lists"
    );
    assert_eq!(batches(&[], 0), Err(GraphError::BatchSize(0)));
    assert_eq!(batches(&[], 21), Err(GraphError::BatchSize(21)));
}

/// Percent-decodes a URL (the test's own, simple reader).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[test]
fn odata_filters_quote_the_key() {
    let key = "o'brien's@ferry.test\u{0}2024-03-18T09:00:00";
    let request = find_by_source_key(Collection::Events, key, &target()).unwrap();
    assert_eq!(request.method, Method::Get);
    assert!(!request.url.contains(' ') && !request.url.contains('{'));
    let (path, query) = request.url.split_once('?').unwrap();
    assert_eq!(path, "/me/events");
    let parameters: Vec<(String, String)> = query
        .split('&')
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap();
            (name.to_string(), percent_decode(value))
        })
        .collect();
    assert_eq!(
        parameters[0],
        (
            "$filter".to_string(),
            "singleValueExtendedProperties/Any(ep: ep/id eq 'String {9c8f0e2a-6b1d-4f5e-a3c7-2d4b8e1f6a90} Name FerrySourceKey' and ep/value eq 'o''brien''s@ferry.test%002024-03-18T09:00:00')".to_string()
        )
    );
    assert_eq!(parameters[1], ("$select".to_string(), "id".to_string()));
    assert_eq!(
        parameters[2].1,
        "singleValueExtendedProperties($filter=id eq 'String {9c8f0e2a-6b1d-4f5e-a3c7-2d4b8e1f6a90} Name FerrySourceKey')"
    );
    let tasks = find_by_source_key(Collection::Tasks, "a&b=c", &target()).unwrap();
    assert!(
        tasks
            .url
            .starts_with("/me/todo/lists/AAMkADIyAAAAABrJAAA%3D/tasks?$filter=")
    );
    assert!(tasks.url.contains("'a%26b%3Dc'"), "{}", tasks.url);
}

// ---------------------------------------------------------------------------
// Answers (fixtures/graph, after Microsoft's documented examples)

fn answer<T: DeserializeOwned>(name: &str) -> T {
    let text = std::fs::read_to_string(repository(&format!("fixtures/graph/{name}"))).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn created_items_lookups_and_lists_are_read() {
    for (name, id) in [
        ("created-event.json", "AAMkAGI1AAAt8AHjAAA="),
        ("created-todotask.json", "AlMKXwbQAAAJws6wcAAAA="),
        ("created-contact.json", "AAMkAGI2THk0AAA="),
    ] {
        assert_eq!(answer::<CreatedItem>(name).id, id);
    }
    let found: ItemList<FoundItem> = answer("lookup-by-source-key.json");
    assert_eq!(found.value.len(), 1);
    assert!(found.value[0].has_source_key("weekly-1@ferry.test"));
    assert!(!found.value[0].has_source_key("weekly-2@ferry.test"));
    assert_eq!(found.next_link, None);

    let instances: ItemList<FoundItem> = answer("instances.json");
    let original_start = WallClock {
        local: NaiveDateTime::parse_from_str("2024-03-13T09:00:00", "%Y-%m-%dT%H:%M:%S").unwrap(),
        zone: ExchangeZone::Windows("W. Europe Standard Time".into()),
    };
    let picked = pick_occurrence(&instances.value, &original_start).unwrap();
    assert_eq!(picked.kind.as_deref(), Some("exception"));
    assert!(picked.id.ends_with("P2l="));
    let elsewhere = WallClock {
        local: original_start.local + Duration::hours(1),
        ..original_start
    };
    assert_eq!(pick_occurrence(&instances.value, &elsewhere), None);

    let lists: ItemList<TaskList> = answer("todo-lists.json");
    let default = lists
        .value
        .iter()
        .find(|l| l.wellknown_list_name.as_deref() == Some("defaultList"))
        .unwrap();
    assert_eq!(
        (default.id.as_str(), default.display_name.as_str()),
        ("AAMkADIyAAAAABrJAAA=", "Tasks")
    );
}

#[test]
fn errors_mean_retry_not_found_or_failed() {
    let not_found: ErrorResponse = answer("error-item-not-found.json");
    assert_eq!(
        Outcome::of(404, None, Some(&not_found)),
        Outcome::NotFound {
            code: "ErrorItemNotFound".into(),
            message: "The specified object was not found in the store.".into()
        }
    );
    let throttled: ErrorResponse = answer("error-throttled.json");
    assert_eq!(
        Outcome::of(429, Some("7"), Some(&throttled)),
        Outcome::RetryLater {
            after_seconds: Some(7)
        }
    );
    let unavailable: ErrorResponse = answer("error-service-unavailable.json");
    assert_eq!(unavailable.error.code, "serviceNotAvailable");
    assert_eq!(
        Outcome::of(503, Some("30"), Some(&unavailable)),
        Outcome::RetryLater {
            after_seconds: Some(30)
        }
    );
    assert_eq!(
        Outcome::of(503, Some("Wed, 21 Oct 2015 07:28:00 GMT"), None),
        Outcome::RetryLater {
            after_seconds: None
        }
    );
    assert_eq!(Outcome::of(201, None, None), Outcome::Done);
}

#[test]
fn batch_answers_are_read_per_request_with_partial_failures() {
    let batch: BatchResponse = answer("batch-partial-failure.json");
    let by_index = |index: usize| {
        batch
            .responses
            .iter()
            .find(|r| r.request_index() == Some(index))
            .unwrap()
    };
    assert_eq!(batch.responses.len(), 6);
    assert_eq!(by_index(0).outcome(), Outcome::Done);
    assert_eq!(by_index(0).created_id(), Some("AAMkAGI1AAAt8AHjAAA="));
    assert_eq!(
        by_index(1).outcome(),
        Outcome::RetryLater {
            after_seconds: Some(7)
        }
    );
    assert_eq!(by_index(1).created_id(), None);
    assert!(matches!(
        by_index(2).outcome(),
        Outcome::NotFound { ref code, .. } if code == "ErrorItemNotFound"
    ));
    assert_eq!(by_index(3).outcome(), Outcome::Done);
    assert_eq!(by_index(3).body, None);
    assert_eq!(by_index(4).found(), []);
    assert_eq!(
        by_index(5).outcome(),
        Outcome::Failed {
            status: 400,
            code: "ErrorInvalidRequest".into(),
            message: "Your request can't be completed. The recurrence pattern is invalid.".into()
        }
    );
}

#[test]
fn to_do_and_contacts_name_what_they_cannot_hold() {
    let task = exchange_file(
        &repository("fixtures/ews/items/task.ics"),
        AttendeeMode::Full,
    );
    let graph = graph::convert(&task[0], &target()).unwrap();
    let fields: Vec<&str> = graph.losses.iter().map(|l| l.field.as_str()).collect();
    assert!(fields.contains(&"percent-complete"), "{fields:?}");
    assert!(fields.contains(&"due"), "{fields:?}");
    let GraphAction::Create { request, .. } = &graph.actions[0] else {
        panic!();
    };
    let Some(RequestBody::Task(todo)) = &request.body else {
        panic!();
    };
    let todo: &TodoTask = todo;
    assert_eq!(
        todo.due_date_time.as_ref().unwrap().date_time,
        "2024-03-08T00:00:00"
    );
    let contact = exchange_file(
        &repository("fixtures/ews/items/contact.vcf"),
        AttendeeMode::Full,
    );
    let graph = graph::convert(&contact[0], &target()).unwrap();
    assert!(
        graph
            .losses
            .iter()
            .any(|l| l.field == "phone" && l.reason.contains("+49 30 1235"))
    );
    let GraphAction::Create { request, .. } = &graph.actions[0] else {
        panic!();
    };
    let Some(RequestBody::Contact(card)) = &request.body else {
        panic!();
    };
    let card: &Contact = card;
    assert_eq!(card.email_addresses.len(), 3);
    assert_eq!(card.mobile_phone.as_deref(), Some("+49 170 5678"));
}
