//! Fidelity of the EWS path, item by item: every event, task and contact
//! of every corpus file (and of `fixtures/ews/items`), with full and with
//! flat attendees, is mapped, converted, written into CreateItem
//! envelopes, read back from them ([`ews::read_create_item_request`])
//! and compared field by field with the item as read from the file.
//! Times are compared as UTC instants worked out from the source's own
//! TZID, independently of the converter's zone resolution; series as
//! occurrence sets over a bounded window (EXDATEs as deletions, RDATEs
//! and expansions as single items); changed occurrences as updates.
//!
//! Every difference must be named: by a loss the conversion reported,
//! or (for what the mapping changes on purpose) by the mapping's warnings
//! and the attendee mode. An item neither changed by the mapping nor
//! with a loss must read back exactly. The losses and differences of the
//! whole corpus are summed up in a snapshot
//! (`tests/snapshots/ews_fidelity__loss_summary.snap`), so a change in
//! fidelity shows in review.

#![cfg(not(target_arch = "wasm32"))]

use calcard::common::timezone::Tz;
use chrono::{Datelike, Duration, Months, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use ferry_shared::convert::ews::{self, EwsSettings, create_item_requests};
use ferry_shared::convert::exchange::{
    CalendarItem, ContactItem, DayOfWeek, ExchangeConversion, ExchangeItem, ExchangeOptions,
    ExchangeRecurrence, ExchangeZone, Operation, Pattern, RecurrenceEnd, TaskItem, WeekIndex,
    convert, expand::occurrences,
};
use ferry_shared::mapping::zones::{ZoneKind, classify};
use ferry_shared::mapping::{
    AttendeeMode, ItemStatus, MappedItem, MappingRules, WarningCode, map_report,
};
use ferry_shared::model::{
    AttendeeRole, DateValue, Item, ItemKind, Participation, Sensitivity, TaskStatus, ZoneDefinition,
};
use ferry_shared::{ParseLimits, inspect};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;

const DATE_ZONE: &str = "Europe/Berlin";

/// How far after its start a series' occurrences are compared.
const WINDOW_DAYS: i64 = 3 * 366;

fn repository(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative)
}

/// The real-world corpora and the hand-written EWS items (zones files
/// define, all-day, series, a task, a contact).
fn corpus_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![
        repository("fixtures/corpora"),
        repository("fixtures/ews/items"),
    ];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("folder is readable") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "ics" || e == "vcf") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

// ---------------------------------------------------------------------------
// Source times, worked out from the source's TZID

/// A source zone: a tz database zone, a zone the file defines, or UTC.
enum SourceZone<'z> {
    Tz(Tz),
    Defined(&'z ZoneDefinition),
    Utc,
}

fn source_zone<'z>(tzid: Option<&str>, zones: &'z [ZoneDefinition]) -> SourceZone<'z> {
    let Some(tzid) = tzid else {
        return SourceZone::Utc;
    };
    let ids: Vec<String> = zones.iter().map(|z| z.id.clone()).collect();
    let by_name = |name: &str| Tz::from_str(name).ok().map(SourceZone::Tz);
    let found = match classify(tzid, &ids) {
        ZoneKind::Utc => Some(SourceZone::Utc),
        ZoneKind::Iana { .. } => by_name(tzid.trim()),
        ZoneKind::Windows { iana } => by_name(&iana),
        ZoneKind::DefinedInFile | ZoneKind::Unknown => zones
            .iter()
            .find(|z| z.id.trim() == tzid.trim())
            .map(SourceZone::Defined),
    };
    found.unwrap_or(SourceZone::Utc)
}

impl SourceZone<'_> {
    /// RFC 5545: a local time skipped by a change is read with the
    /// offset before the change; a repeated one as its first instance.
    fn to_utc(&self, local: NaiveDateTime) -> NaiveDateTime {
        match self {
            SourceZone::Utc => local,
            SourceZone::Defined(zone) => {
                local - Duration::minutes(i64::from(zone.offset_at_local(local)))
            }
            SourceZone::Tz(tz) => match tz.from_local_datetime(&local).earliest() {
                Some(at) => at.naive_utc(),
                None => {
                    let later = local + Duration::hours(1);
                    tz.from_local_datetime(&later)
                        .earliest()
                        .map_or(local, |at| at.naive_utc())
                }
            },
        }
    }

    fn local_at(&self, utc: NaiveDateTime) -> NaiveDateTime {
        match self {
            SourceZone::Utc => utc,
            SourceZone::Defined(zone) => {
                utc + Duration::minutes(i64::from(zone.offset_at_utc(utc)))
            }
            SourceZone::Tz(tz) => tz.from_utc_datetime(&utc).naive_local(),
        }
    }
}

fn local_of(value: &DateValue) -> Option<NaiveDateTime> {
    if value.is_date() {
        NaiveDate::parse_from_str(&value.local, "%Y-%m-%d")
            .ok()
            .map(|d| d.and_time(NaiveTime::MIN))
    } else {
        NaiveDateTime::parse_from_str(&value.local, "%Y-%m-%dT%H:%M:%S").ok()
    }
}

/// The UTC instant of a source value; dates at midnight in the mailbox's zone.
fn instant(value: &DateValue, zones: &[ZoneDefinition]) -> Option<NaiveDateTime> {
    let local = local_of(value)?;
    let tzid = if value.is_date() {
        Some(DATE_ZONE)
    } else {
        value.zone.as_deref()
    };
    Some(source_zone(tzid, zones).to_utc(local))
}

// ---------------------------------------------------------------------------
// Differences

/// What the source and the read-back item disagree on: the field (named
/// as the converter names its losses) and how.
#[derive(Debug)]
struct Difference {
    field: &'static str,
    detail: String,
}

#[derive(Default)]
struct Differences(Vec<Difference>);

impl Differences {
    fn check<T: PartialEq + std::fmt::Debug>(&mut self, field: &'static str, source: T, read: T) {
        if source != read {
            self.0.push(Difference {
                field,
                detail: format!("source {source:?}, read back {read:?}"),
            });
        }
    }
}

/// XML 1.0 cannot hold most control characters; the writer replaces each
/// by U+FFFD, as the source text is compared.
fn as_xml_holds(text: &Option<String>) -> Option<String> {
    text.as_deref().map(|t| ews::xml::xml_safe(t).into_owned())
}

fn sensitivity_of(class: Option<Sensitivity>) -> &'static str {
    match class {
        None | Some(Sensitivity::Public) => "Normal",
        Some(Sensitivity::Private) => "Private",
        Some(Sensitivity::Confidential) => "Confidential",
    }
}

fn importance_of(priority: Option<u8>) -> &'static str {
    match priority {
        Some(1..=4) => "High",
        Some(6..=9) => "Low",
        _ => "Normal",
    }
}

fn common_fields(
    d: &mut Differences,
    item: &Item,
    subject: &Option<String>,
    body: &Option<String>,
    categories: &[String],
) {
    d.check("subject", as_xml_holds(&item.summary), subject.clone());
    d.check("body", as_xml_holds(&item.description), body.clone());
    d.check("categories", item.categories.as_slice(), categories);
}

fn event_fields(
    d: &mut Differences,
    item: &Item,
    read: &CalendarItem,
    zones: &[ZoneDefinition],
    mode: AttendeeMode,
) {
    common_fields(d, item, &read.subject, &read.body, &read.categories);
    d.check(
        "location",
        as_xml_holds(&item.location),
        read.location.clone(),
    );
    d.check(
        "sensitivity",
        sensitivity_of(item.sensitivity),
        ews::items::sensitivity_name(read.sensitivity),
    );
    d.check(
        "importance",
        importance_of(item.priority),
        ews::items::importance_name(read.importance),
    );
    d.check(
        "free-busy",
        item.show_as.map(|s| format!("{s:?}")),
        read.free_busy.map(|f| format!("{f:?}")),
    );
    d.check("all-day", item.all_day, read.all_day);
    let start = item.start.as_ref().and_then(|s| instant(s, zones));
    let end = match item.end.as_ref().and_then(|e| instant(e, zones)) {
        Some(end) if Some(end) >= start => Some(end),
        // RFC 5545: without an end a date lasts one day, a time none.
        _ => start.map(|s| s + Duration::days(i64::from(item.all_day))),
    };
    let repeats = item.rule.is_some() || !item.rdates.is_empty();
    if repeats && item.recurrence_id.is_none() && read.recurrence.is_none() {
        // A series created as single items: where they fall is compared
        // as occurrences; here, how long each lasts.
        d.check(
            "end",
            start.zip(end).map(|(s, e)| e - s),
            Some(read.end.to_utc() - read.start.to_utc()),
        );
    } else {
        d.check("start", start, Some(read.start.to_utc()));
        d.check("end", end, Some(read.end.to_utc()));
    }
    d.check(
        "reminder",
        item.reminders.clone(),
        read.reminder_minutes.map(i64::from).into_iter().collect(),
    );
    let attendees: BTreeSet<(String, &str)> = item
        .attendees
        .iter()
        .filter_map(|a| {
            let role = match a.role {
                AttendeeRole::Chair | AttendeeRole::Required => "required",
                AttendeeRole::Optional => "optional",
                AttendeeRole::NonParticipant => "for information",
                AttendeeRole::Resource => "resource",
            };
            Some((a.person.email.clone()?.to_lowercase(), role))
        })
        .collect();
    let read_attendees: BTreeSet<(String, &str)> = [
        (&read.required_attendees, "required"),
        (&read.optional_attendees, "optional"),
        (&read.resources, "resource"),
    ]
    .into_iter()
    .flat_map(|(list, role)| list.iter().map(move |m| (m.email.to_lowercase(), role)))
    .collect();
    d.check("attendees", attendees, read_attendees);
    if item
        .attendees
        .iter()
        .any(|a| a.status != Participation::NeedsAction)
    {
        d.0.push(Difference {
            field: "attendees",
            detail: "the attendees' answers are not held".into(),
        });
    }
    // An organizer only means something for a meeting (with attendees).
    if !item.attendees.is_empty() && item.organizer.as_ref().is_some_and(|o| o.email.is_some()) {
        d.0.push(Difference {
            field: "organizer",
            detail: "the mailbox's owner is the organizer".into(),
        });
    }
    // Attendees the target does not invite are named in the body: in
    // flat mode all of them, in full mode those without an address.
    let to_body: Vec<_> = item
        .attendees
        .iter()
        .filter(|a| mode == AttendeeMode::Flat || a.person.email.is_none())
        .collect();
    if mode == AttendeeMode::Full && !to_body.is_empty() {
        d.0.push(Difference {
            field: "attendees",
            detail: format!("{} without address named in the body", to_body.len()),
        });
    }
    let body = read.body.clone().unwrap_or_default();
    for attendee in to_body {
        let named = [&attendee.person.email, &attendee.person.name]
            .into_iter()
            .flatten()
            .any(|text| body.contains(text.as_str()));
        if !named {
            d.0.push(Difference {
                field: "attendees-in-body",
                detail: format!("{} is not named in the body", attendee.person),
            });
        }
    }
    let invited =
        read.required_attendees.len() + read.optional_attendees.len() + read.resources.len();
    if mode == AttendeeMode::Flat && invited > 0 {
        d.0.push(Difference {
            field: "attendees-in-body",
            detail: format!("{invited} attendee(s) invited in flat mode"),
        });
    }
}

fn task_fields(d: &mut Differences, item: &Item, read: &TaskItem, zones: &[ZoneDefinition]) {
    common_fields(d, item, &read.subject, &read.body, &read.categories);
    d.check(
        "sensitivity",
        sensitivity_of(item.sensitivity),
        ews::items::sensitivity_name(read.sensitivity),
    );
    d.check(
        "importance",
        importance_of(item.priority),
        ews::items::importance_name(read.importance),
    );
    let start = item.start.as_ref().and_then(|v| instant(v, zones));
    let due = item.end.as_ref().and_then(|v| instant(v, zones));
    d.check("start", start, read.start.as_ref().map(|w| w.to_utc()));
    d.check("due", due, read.due.as_ref().map(|w| w.to_utc()));
    let fields = item.task.clone().unwrap_or_default();
    d.check(
        "completed",
        fields.completed.as_ref().and_then(|v| instant(v, zones)),
        read.completed.as_ref().map(|w| w.to_utc()),
    );
    let status = fields.status.map(|s| match s {
        TaskStatus::NotStarted => "NotStarted",
        TaskStatus::InProgress => "InProgress",
        TaskStatus::Completed => "Completed",
        TaskStatus::Cancelled => "Cancelled",
    });
    d.check(
        "status",
        status,
        read.status.map(|s| format!("{s:?}")).as_deref(),
    );
    // Exchange holds a completed task as 100 % done.
    let completed = fields.status == Some(TaskStatus::Completed);
    let percent = match fields.percent_complete {
        Some(100) | None if completed => None,
        other => other,
    };
    d.check("percent", percent, read.percent_complete);
    let reminder = item
        .reminders
        .first()
        .and_then(|minutes| Some(start.or(due)? - Duration::minutes(*minutes)));
    d.check(
        "reminder",
        (item.reminders.len() <= 1).then_some(reminder),
        Some(read.reminder_at.as_ref().map(|w| w.to_utc())),
    );
    if item.rule.is_some() || !item.rdates.is_empty() {
        d.0.push(Difference {
            field: "recurrence",
            detail: "the task is created once".into(),
        });
    }
    if item.recurrence_id.is_some() {
        d.0.push(Difference {
            field: "recurrence-id",
            detail: "the occurrence is a task of its own".into(),
        });
    }
}

fn contact_fields(d: &mut Differences, item: &Item, read: &ContactItem) {
    let card = item.contact.clone().unwrap_or_default();
    d.check("notes", as_xml_holds(&item.description), read.notes.clone());
    d.check("categories", item.categories.as_slice(), &read.categories);
    d.check(
        "display-name",
        as_xml_holds(&item.summary.clone().or_else(|| card.name.display())),
        read.display_name.clone(),
    );
    let name = &card.name;
    d.check(
        "name",
        (
            &name.prefix,
            as_xml_holds(&name.given),
            as_xml_holds(&name.middle),
            as_xml_holds(&name.family),
            as_xml_holds(&name.suffix),
        ),
        (
            &None,
            read.given_name.clone(),
            read.middle_name.clone(),
            read.surname.clone(),
            read.generation.clone(),
        ),
    );
    d.check(
        "nickname",
        as_xml_holds(&card.nickname),
        read.nickname.clone(),
    );
    d.check(
        "company",
        (
            as_xml_holds(&card.organization),
            as_xml_holds(&card.department),
            as_xml_holds(&card.title),
        ),
        (
            read.company.clone(),
            read.department.clone(),
            read.job_title.clone(),
        ),
    );
    let trimmed = |list: &[ferry_shared::model::Labeled]| -> Vec<String> {
        list.iter()
            .map(|l| l.value.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect()
    };
    let read_emails: Vec<String> = read.emails.iter().map(|(_, v)| v.clone()).collect();
    d.check("email", trimmed(&card.emails), read_emails);
    let mut phones = trimmed(&card.phones);
    let mut read_phones: Vec<String> = read.phones.iter().map(|(_, v)| v.clone()).collect();
    phones.sort();
    read_phones.sort();
    d.check("phone", phones, read_phones);
    let addresses: Vec<_> = card
        .addresses
        .iter()
        .map(|a| {
            (
                as_xml_holds(&a.street),
                as_xml_holds(&a.city),
                as_xml_holds(&a.region),
                as_xml_holds(&a.country),
                as_xml_holds(&a.postal_code),
            )
        })
        .collect();
    let read_addresses: Vec<_> = read
        .addresses
        .iter()
        .map(|a| {
            (
                a.street.clone(),
                a.city.clone(),
                a.state.clone(),
                a.country.clone(),
                a.postal_code.clone(),
            )
        })
        .collect();
    d.check("address", addresses, read_addresses);
    d.check(
        "birthday",
        card.birthday.clone(),
        read.birthday.map(|b| b.format("%Y-%m-%d").to_string()),
    );
    d.check(
        "url",
        card.urls.clone(),
        read.business_home_page.clone().into_iter().collect(),
    );
}

// ---------------------------------------------------------------------------
// Series as occurrence sets

/// The occurrences (UTC) of the source series, up to `horizon`.
fn source_occurrences(
    item: &Item,
    zones: &[ZoneDefinition],
    horizon: NaiveDateTime,
) -> Option<BTreeSet<NaiveDateTime>> {
    let start_value = item.start.as_ref()?;
    let start = local_of(start_value)?;
    let zone = source_zone(
        if start_value.is_date() {
            Some(DATE_ZONE)
        } else {
            start_value.zone.as_deref()
        },
        zones,
    );
    // Other dates on the series' clock (a date: that day at the start's time).
    let on_clock = |value: &DateValue| -> Option<NaiveDateTime> {
        if value.is_date() {
            return Some(local_of(value)?.date().and_time(start.time()));
        }
        let local = zone.local_at(instant(value, zones)?);
        Some(if item.all_day {
            local.date().and_time(NaiveTime::MIN)
        } else {
            local
        })
    };
    let mut all: BTreeSet<NaiveDateTime> = match &item.rule {
        Some(rule) => {
            let until = rule.until.as_ref().map(|u| {
                if u.is_date() {
                    local_of(u).map_or(NaiveDateTime::MAX, |d| d + Duration::seconds(86_399))
                } else {
                    on_clock(u).unwrap_or(NaiveDateTime::MAX)
                }
            });
            occurrences(rule, start, until)
                .take_while(|at| zone.to_utc(*at) <= horizon)
                .take(5000)
                .collect()
        }
        None => BTreeSet::new(),
    };
    // RFC 5545: DTSTART always counts as the first occurrence.
    all.insert(start);
    all.extend(item.rdates.iter().filter_map(on_clock));
    for removed in item.exdates.iter().filter_map(on_clock) {
        all.remove(&removed);
    }
    Some(
        all.into_iter()
            .map(|at| zone.to_utc(at))
            .filter(|at| *at <= horizon)
            .collect(),
    )
}

fn days_in_month(d: NaiveDate) -> u32 {
    NaiveDate::from_ymd_opt(d.year(), d.month(), 1)
        .and_then(|first| first.checked_add_months(Months::new(1)))
        .and_then(|next| next.pred_opt())
        .map_or(31, |last| last.day())
}

fn months_between(a: NaiveDate, b: NaiveDate) -> i64 {
    i64::from(b.year() - a.year()) * 12 + i64::from(b.month()) - i64::from(a.month())
}

/// Whether `day` is an occurrence of `pattern` (for a series from
/// `start`), by Exchange's definition of each pattern.
fn exchange_matches(pattern: &Pattern, start: NaiveDate, day: NaiveDate) -> bool {
    let weekday = |d: NaiveDate| d.weekday().num_days_from_monday();
    let is_kind = |d: NaiveDate, kind: DayOfWeek| match kind {
        DayOfWeek::One(w) => weekday(d) == w as u32,
        DayOfWeek::AnyDay => true,
        DayOfWeek::WorkDay => weekday(d) < 5,
        DayOfWeek::WeekendDay => weekday(d) >= 5,
    };
    let is_nth = |d: NaiveDate, kind: DayOfWeek, index: WeekIndex| {
        let of_kind: Vec<NaiveDate> = (1..=days_in_month(d))
            .filter_map(|n| NaiveDate::from_ymd_opt(d.year(), d.month(), n))
            .filter(|x| is_kind(*x, kind))
            .collect();
        let picked = match index {
            WeekIndex::First => of_kind.first(),
            WeekIndex::Second => of_kind.get(1),
            WeekIndex::Third => of_kind.get(2),
            WeekIndex::Fourth => of_kind.get(3),
            WeekIndex::Last => of_kind.last(),
        };
        picked == Some(&d)
    };
    let every = |n: i64, interval: u32| n % i64::from(interval.max(1)) == 0;
    match pattern {
        Pattern::Daily { interval } => every((day - start).num_days(), *interval),
        Pattern::Weekly {
            interval,
            days,
            first_day_of_week,
        } => {
            let week_of = |d: NaiveDate| {
                d - Duration::days(i64::from((7 + weekday(d) - *first_day_of_week as u32) % 7))
            };
            every((week_of(day) - week_of(start)).num_days() / 7, *interval)
                && days.iter().any(|w| *w as u32 == weekday(day))
        }
        Pattern::AbsoluteMonthly {
            interval,
            day_of_month,
        } => {
            every(months_between(start, day), *interval)
                && day.day() == u32::from(*day_of_month).min(days_in_month(day))
        }
        Pattern::RelativeMonthly {
            interval,
            days,
            index,
        } => every(months_between(start, day), *interval) && is_nth(day, *days, *index),
        Pattern::AbsoluteYearly {
            month,
            day_of_month,
        } => {
            day.month() == u32::from(*month)
                && day.day() == u32::from(*day_of_month).min(days_in_month(day))
        }
        Pattern::RelativeYearly { month, days, index } => {
            day.month() == u32::from(*month) && is_nth(day, *days, *index)
        }
    }
}

/// The occurrences (UTC) of a read-back series master, up to `horizon`.
fn series_occurrences(
    master: &CalendarItem,
    recurrence: &ExchangeRecurrence,
    horizon: NaiveDateTime,
) -> Vec<NaiveDateTime> {
    let time = master.start.local.time();
    let mut found = Vec::new();
    let mut day = recurrence.start_date;
    loop {
        let at = master.start.zone.to_utc(day.and_time(time));
        let ended = match recurrence.end {
            RecurrenceEnd::Never => false,
            RecurrenceEnd::OnDate(last) => day > last,
            RecurrenceEnd::AfterOccurrences(n) => found.len() >= n as usize,
        };
        if ended || at > horizon {
            return found;
        }
        if exchange_matches(&recurrence.pattern, recurrence.start_date, day) {
            found.push(at);
        }
        let Some(next) = day.succ_opt() else {
            return found;
        };
        day = next;
    }
}

/// The occurrences (UTC) the target will hold: series, single items,
/// less the deleted ones, up to `horizon`.
fn target_occurrences(
    created: &[CalendarItem],
    conversion: &ExchangeConversion,
    horizon: NaiveDateTime,
) -> BTreeSet<NaiveDateTime> {
    let mut all = BTreeSet::new();
    for item in created {
        match &item.recurrence {
            Some(recurrence) => all.extend(series_occurrences(item, recurrence, horizon)),
            None => {
                all.insert(item.start.to_utc());
            }
        }
    }
    for operation in &conversion.operations {
        if let Operation::DeleteOccurrence { original_start, .. } = operation {
            all.remove(&original_start.to_utc());
        }
    }
    all.into_iter().filter(|at| *at <= horizon).collect()
}

// ---------------------------------------------------------------------------
// One item

/// Writes `items` into CreateItem envelopes and reads them back.
fn through_envelopes(items: &[ExchangeItem]) -> Vec<ExchangeItem> {
    if items.is_empty() {
        return Vec::new();
    }
    create_item_requests(items, &EwsSettings::default(), 100)
        .unwrap()
        .iter()
        .flat_map(|request| ews::read_create_item_request(&request.envelope).unwrap())
        .collect()
}

/// The Exchange shape as XML carries it: the photo goes separately, a
/// weekly series' first day of the week only when it matters, and task
/// dates as UTC instants.
fn as_xml_carries(item: &ExchangeItem) -> ExchangeItem {
    let mut item = item.clone();
    match &mut item {
        ExchangeItem::Contact(contact) => contact.photo = None,
        ExchangeItem::Event(event) => {
            if let Some(ExchangeRecurrence {
                pattern:
                    Pattern::Weekly {
                        interval: 1,
                        first_day_of_week,
                        ..
                    },
                ..
            }) = &mut event.recurrence
            {
                *first_day_of_week = ferry_shared::model::Weekday::Monday;
            }
        }
        ExchangeItem::Task(task) => {
            for time in [
                &mut task.reminder_at,
                &mut task.start,
                &mut task.due,
                &mut task.completed,
            ]
            .into_iter()
            .flatten()
            {
                *time = time.in_zone(&ExchangeZone::Utc);
            }
        }
    }
    item
}

/// Compares one item with what the target will hold: its differences.
fn differences(
    item: &Item,
    conversion: &ExchangeConversion,
    zones: &[ZoneDefinition],
    mode: AttendeeMode,
) -> Differences {
    let mut d = Differences::default();
    let mut written: Vec<ExchangeItem> = Vec::new();
    for operation in &conversion.operations {
        match operation {
            Operation::Create(created) => written.push(created.clone()),
            Operation::UpdateOccurrence { item, .. } => {
                written.push(ExchangeItem::Event(item.clone()))
            }
            Operation::DeleteOccurrence { .. } => {}
        }
    }
    let read = through_envelopes(&written);
    let expected: Vec<ExchangeItem> = written.iter().map(as_xml_carries).collect();
    assert_eq!(read, expected, "the reader gives back what was written");
    let Some(first) = read.first() else {
        let horizon = item
            .start
            .as_ref()
            .and_then(|s| instant(s, zones))
            .map(|start| start + Duration::days(WINDOW_DAYS));
        let no_occurrence = item.kind == ItemKind::Event
            && item.recurrence_id.is_none()
            && horizon
                .and_then(|horizon| source_occurrences(item, zones, horizon))
                .is_some_and(|all| all.is_empty());
        if !no_occurrence {
            d.0.push(Difference {
                field: "item",
                detail: "nothing is created".into(),
            });
        }
        return d;
    };
    match first {
        ExchangeItem::Task(task) => task_fields(&mut d, item, task, zones),
        ExchangeItem::Contact(contact) => contact_fields(&mut d, item, contact),
        ExchangeItem::Event(event) => {
            event_fields(&mut d, item, event, zones, mode);
            let events: Vec<CalendarItem> = read
                .iter()
                .filter_map(|i| match i {
                    ExchangeItem::Event(e) => Some(e.as_ref().clone()),
                    _ => None,
                })
                .collect();
            match &item.recurrence_id {
                Some(occurrence) => {
                    let updated = conversion.operations.iter().find_map(|op| match op {
                        Operation::UpdateOccurrence {
                            series_key,
                            original_start,
                            ..
                        } => Some((series_key.clone(), original_start.to_utc())),
                        _ => None,
                    });
                    d.check(
                        "recurrence-id",
                        item.uid.clone().zip(instant(occurrence, zones)),
                        updated,
                    );
                    if item.rule.is_some() || !item.rdates.is_empty() {
                        d.0.push(Difference {
                            field: "recurrence",
                            detail: "a changed occurrence does not repeat".into(),
                        });
                    }
                }
                None if item.rule.is_some() || !item.rdates.is_empty() => {
                    if let Some(start) = item.start.as_ref().and_then(|s| instant(s, zones)) {
                        let horizon = start + Duration::days(WINDOW_DAYS);
                        let source = source_occurrences(item, zones, horizon);
                        let target = target_occurrences(&events, conversion, horizon);
                        if source.as_ref() != Some(&target) {
                            let source = source.unwrap_or_default();
                            d.0.push(Difference {
                                field: "recurrence",
                                detail: format!(
                                    "occurrences differ: only in the source {:?}, only on the target {:?}",
                                    source.difference(&target).take(3).collect::<Vec<_>>(),
                                    target.difference(&source).take(3).collect::<Vec<_>>()
                                ),
                            });
                        }
                    }
                }
                None => {}
            }
        }
    }
    d
}

/// The loss fields that may explain a difference in `field`.
fn explaining_fields(field: &'static str, changed_occurrence: bool) -> Vec<&'static str> {
    match field {
        // A changed occurrence that cannot be matched to its series is
        // created as an item of its own, without repeating.
        "recurrence" if changed_occurrence => vec!["recurrence", "recurrence-id"],
        // A series' occurrences follow from its rule, its extra and
        // removed dates, and the zone its times are read in.
        "recurrence" => vec!["recurrence", "rdate", "exdate", "start"],
        "display-name" => vec!["name"],
        // Not created: a duplicate, or an event without a readable start.
        "item" => vec!["item", "uid", "start"],
        // Attendees moved to the body must be named there: nothing excuses it.
        "attendees-in-body" => Vec::new(),
        other => vec![other],
    }
}

/// The fields the mapping changed on purpose, each named by one of its
/// warnings or by the attendee mode.
fn mapped_fields(mapped: &MappedItem, mode: AttendeeMode) -> Vec<&'static str> {
    let mut fields = Vec::new();
    if mode == AttendeeMode::Flat {
        fields.extend(["attendees", "organizer", "body"]);
    }
    for warning in &mapped.warnings {
        fields.extend_from_slice(match warning.code {
            WarningCode::UnresolvableAttendee => &["attendees", "body"][..],
            WarningCode::MissingOrganizer => &["categories"][..],
            // The time is read in the default zone.
            WarningCode::FloatingTime | WarningCode::UnknownTimeZone => &[
                "start",
                "end",
                "due",
                "completed",
                "reminder",
                "recurrence",
                "recurrence-id",
            ][..],
            WarningCode::RecurrenceNotExpressible => &["recurrence"][..],
            WarningCode::Malformed | WarningCode::DuplicateUid | WarningCode::MissingData => {
                &[][..]
            }
        });
    }
    fields
}

/// Whether a difference in `field` is named: by a loss the conversion
/// reported (or one saying the item as a whole is not created), or by
/// the mapping's warnings and mode.
fn explained(
    field: &'static str,
    mapped: &MappedItem,
    conversion: &ExchangeConversion,
    mode: AttendeeMode,
) -> bool {
    let names = explaining_fields(field, mapped.item.recurrence_id.is_some());
    let by_loss = conversion
        .losses
        .iter()
        .any(|loss| names.contains(&loss.field.as_str()) || loss.field == "item");
    by_loss || (!names.is_empty() && mapped_fields(mapped, mode).contains(&field))
}

/// A loss's reason without what is particular to one item (names,
/// numbers, dates), to count alike reasons together.
fn reason_kind(reason: &str) -> String {
    let mut kind = String::new();
    let mut quoted = false;
    let mut in_number = false;
    for c in reason.chars() {
        match c {
            '“' => {
                quoted = true;
                kind.push_str("“…”");
            }
            '”' => quoted = false,
            _ if quoted => {}
            '0'..='9' => {
                if !in_number {
                    kind.push('N');
                }
                in_number = true;
                continue;
            }
            _ => kind.push(c),
        }
        in_number = false;
    }
    kind
}

#[test]
fn every_corpus_item_reads_back_as_its_source_up_to_the_losses_named() {
    let files = corpus_files();
    assert!(
        files.len() > 250,
        "corpus is missing: {} files",
        files.len()
    );
    let options = ExchangeOptions {
        date_zone: Some(DATE_ZONE.into()),
        ..ExchangeOptions::default()
    };
    let mut summary: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut differing: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut unexplained = Vec::new();
    let (mut compared, mut lossless) = (0usize, 0usize);
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let Ok(report) = inspect(&bytes, &ParseLimits::default()) else {
            continue;
        };
        let zones = ferry_shared::ical::vtimezone::defined_zones(&bytes, &ParseLimits::default());
        let name = path.file_name().unwrap().to_string_lossy();
        for mode in [AttendeeMode::Full, AttendeeMode::Flat] {
            let rules = MappingRules {
                default_zone: Some(DATE_ZONE.into()),
                attendees: mode,
                ..MappingRules::default()
            };
            let mapped = map_report(&report, &rules);
            assert_eq!(mapped.len(), report.items.len());
            for (source, mapped) in report.items.iter().zip(&mapped) {
                if !matches!(
                    source.kind,
                    ItemKind::Event | ItemKind::Task | ItemKind::Contact
                ) {
                    continue;
                }
                let conversion = convert(mapped, &zones, &options);
                for loss in &conversion.losses {
                    *summary
                        .entry((loss.field.clone(), reason_kind(&loss.reason)))
                        .or_default() += 1;
                }
                if mapped.status == ItemStatus::CannotConvert {
                    assert!(conversion.operations.is_empty());
                    continue;
                }
                compared += 1;
                let found = differences(source, &conversion, &zones, mode);
                // Neither mapped differently nor with a loss: exact.
                if conversion.losses.is_empty() && mapped.item == *source {
                    lossless += 1;
                    assert!(
                        found.0.is_empty(),
                        "{name} line {}: an item without loss or change reads back exactly: {:?}",
                        source.line,
                        found.0
                    );
                }
                for difference in found.0 {
                    *differing.entry(difference.field).or_default() += 1;
                    if !explained(difference.field, mapped, &conversion, mode) {
                        unexplained.push(format!(
                            "{name} line {} ({mode:?}): {}: {}; losses: {:?}",
                            source.line, difference.field, difference.detail, conversion.losses
                        ));
                    }
                }
            }
        }
    }
    assert!(compared > 1000, "only {compared} items compared");
    assert!(
        lossless > 100,
        "only {lossless} items without loss or change"
    );
    assert!(
        unexplained.is_empty(),
        "{} differences no loss names:\n{}",
        unexplained.len(),
        unexplained.join("\n")
    );
    let mut report = format!(
        "{compared} items compared (full and flat), {lossless} neither changed by the mapping nor with a loss\n"
    );
    let mut by_count: Vec<_> = summary.into_iter().collect();
    by_count.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    for ((field, reason), count) in by_count {
        report.push_str(&format!("{count:6}  {field}: {reason}\n"));
    }
    report
        .push_str("\ndifferences found (items, by field), each named by a loss or the mapping:\n");
    for (field, count) in differing {
        report.push_str(&format!("{count:6}  {field}\n"));
    }
    println!("{report}");
    insta::assert_snapshot!("loss_summary", report);
}

/// The comparison is not blind: a field changed on the way, with no loss
/// naming it, is found and left unexplained.
#[test]
fn a_difference_no_loss_names_is_caught() {
    let ics = b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:u1\r\nSUMMARY:Plan\r\nCATEGORIES:Work\r\n\
DTSTART;TZID=Europe/Berlin:20240701T090000\r\nDTEND;TZID=Europe/Berlin:20240701T100000\r\n\
RRULE:FREQ=WEEKLY;COUNT=4\r\nEXDATE;TZID=Europe/Berlin:20240708T090000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let report = inspect(ics, &ParseLimits::default()).unwrap();
    let rules = MappingRules {
        default_zone: Some(DATE_ZONE.into()),
        ..MappingRules::default()
    };
    let mapped = &map_report(&report, &rules)[0];
    let options = ExchangeOptions {
        date_zone: Some(DATE_ZONE.into()),
        ..ExchangeOptions::default()
    };
    let conversion = convert(mapped, &[], &options);
    assert!(conversion.losses.is_empty(), "{conversion:?}");
    let found = |conversion: &ExchangeConversion| {
        differences(&report.items[0], conversion, &[], AttendeeMode::Full).0
    };
    assert!(found(&conversion).is_empty(), "{:?}", found(&conversion));

    let mut tampered = conversion.clone();
    let Operation::Create(ExchangeItem::Event(event)) = &mut tampered.operations[0] else {
        panic!("{tampered:?}")
    };
    event.subject = Some("Other".into());
    event.categories.clear();
    event.start.local += Duration::hours(1);
    let fields: Vec<&str> = found(&tampered).iter().map(|d| d.field).collect();
    assert_eq!(fields, ["subject", "categories", "start", "recurrence"]);
    assert!(!explained("subject", mapped, &tampered, AttendeeMode::Full));

    // The removed date kept: the occurrences differ.
    let mut kept = conversion.clone();
    kept.operations
        .retain(|op| !matches!(op, Operation::DeleteOccurrence { .. }));
    let fields: Vec<&str> = found(&kept).iter().map(|d| d.field).collect();
    assert_eq!(fields, ["recurrence"]);
}

/// Microsoft's published CreateItem requests (`fixtures/ews/samples`),
/// written by others, read into the Exchange shape.
#[test]
fn microsoft_create_item_samples_are_read() {
    let read = |name: &str| {
        let path = repository("fixtures/ews/samples").join(name);
        ews::read_create_item_request(&std::fs::read_to_string(path).unwrap()).unwrap()
    };
    let mut samples = 0;
    for entry in std::fs::read_dir(repository("fixtures/ews/samples")).unwrap() {
        let path = entry.unwrap().path();
        let xml = std::fs::read_to_string(&path).unwrap();
        if path.to_string_lossy().ends_with("-req.xml") && xml.contains("CreateItem") {
            let items = ews::read_create_item_request(&xml).unwrap();
            assert!(!items.is_empty(), "{path:?}");
            samples += 1;
        }
    }
    assert!(samples >= 8, "{samples} samples");

    let series = read("how-to-create-a-recurring-series-by-using-ews-in-exchange--01-req.xml");
    let [ExchangeItem::Event(event)] = series.as_slice() else {
        panic!("{series:?}")
    };
    assert_eq!(event.subject.as_deref(), Some("Weekly Update Meeting"));
    assert_eq!(
        event.reminder_minutes,
        Some(30),
        "a reminder time means a reminder"
    );
    assert_eq!(event.start.to_utc().to_string(), "2014-03-08 21:21:32.868");
    assert_eq!(event.required_attendees.len(), 3);
    assert_eq!(event.required_attendees[0].email, "Mack@contoso.com");
    let recurrence = event.recurrence.as_ref().unwrap();
    assert_eq!(
        recurrence.pattern,
        Pattern::Weekly {
            interval: 1,
            days: vec![ferry_shared::model::Weekday::Saturday],
            first_day_of_week: ferry_shared::model::Weekday::Monday,
        }
    );
    assert_eq!(recurrence.start_date.to_string(), "2014-03-08");
    assert_eq!(recurrence.end, RecurrenceEnd::AfterOccurrences(10));

    let all_day = read("how-to-create-all-day-events-by-using-ews-in-exchange--01-req.xml");
    let [ExchangeItem::Event(event)] = all_day.as_slice() else {
        panic!("{all_day:?}")
    };
    assert!(event.all_day);
    assert_eq!(
        event.free_busy,
        Some(ferry_shared::convert::exchange::FreeBusy::OutOfOffice)
    );
    assert_eq!(event.end.to_utc().to_string(), "2014-06-10 04:00:00");

    let task = read("createitem-operation-task--01-req.xml");
    let [ExchangeItem::Task(task)] = task.as_slice() else {
        panic!("{task:?}")
    };
    assert_eq!(task.subject.as_deref(), Some("My task"));
    assert_eq!(
        task.due.as_ref().map(|d| d.to_utc().to_string()).as_deref(),
        Some("2006-10-26 21:32:52")
    );
    assert_eq!(
        task.status,
        Some(ferry_shared::convert::exchange::TaskStatus::NotStarted)
    );

    let contact = read("createitem-operation-contact--01-req.xml");
    let [ExchangeItem::Contact(contact)] = contact.as_slice() else {
        panic!("{contact:?}")
    };
    assert_eq!(
        (contact.given_name.as_deref(), contact.surname.as_deref()),
        (Some("Tanja"), Some("Plate"))
    );
    assert_eq!(contact.company.as_deref(), Some("Blue Yonder Airlines"));
    assert_eq!(contact.emails[0].1, "tplate@example.com");
    assert_eq!(contact.phones[0].1, "4255550199");
    assert_eq!(contact.addresses[0].city.as_deref(), Some("La Habra"));
    assert_eq!(contact.job_title.as_deref(), Some("Manager"));
}
