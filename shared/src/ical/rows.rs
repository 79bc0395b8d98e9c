//! A fast reader for what the preview's rows need from one event or task:
//! times, organizer, attendees, repeat rule, extra and excluded dates,
//! reminders and UID. It reads the content lines itself, without building
//! calcard's full tree, which makes the preview of a large file several
//! times faster.
//!
//! It only accepts the plain, common shapes of those properties. Whenever
//! something is unusual (an escape it does not know, a value form it does
//! not read, a nested component other than `VALARM`, a parameter it would
//! have to guess at), it gives up and returns `None`, and the item is read
//! with calcard as before. So it is never less right than the full reader:
//! the tests compare both, row by row, on every corpus file.

use super::item::{add_notes, shift};
use crate::model::{
    Attendee, AttendeeRole, DateValue, Frequency, Item, ItemKind, Participation, Person,
    Recurrence, RecurrenceRule, Weekday, WeekdayNum,
};
use chrono::TimeDelta;
use std::borrow::Cow;

/// Reads the rows' fields of the complete component `text` (from its
/// `BEGIN:` line through its `END:` line), or `None` when the full reader
/// must do it.
pub(super) fn read(text: &str, kind: ItemKind, line: usize) -> Option<Item> {
    let mut lines = ContentLines { rest: text };
    let Next::Line(begin) = lines.next_content(|_| true) else {
        return None;
    };
    let component = match kind {
        ItemKind::Event => "VEVENT",
        ItemKind::Task => "VTODO",
        ItemKind::Contact => return None,
    };
    if !is_begin_or_end(&begin, "BEGIN", component) {
        return None;
    }
    let mut item = Item::new(kind, line);
    let mut fields = Fields::default();
    let mut closed = false;
    loop {
        let content = match lines.next_content(is_used) {
            Next::End => break,
            Next::Unusual => return None,
            // Text after the item's END: the full reader decides.
            _ if closed => return None,
            Next::Skipped => continue,
            Next::Line(content) => content,
        };
        let property = Property::split(&content)?;
        if property.is("BEGIN") {
            if !property.value.eq_ignore_ascii_case("VALARM") {
                return None;
            }
            fields.alarms.push(read_alarm(&mut lines)?);
            continue;
        }
        if property.is("END") {
            if !property.value.eq_ignore_ascii_case(component) {
                return None;
            }
            closed = true;
            continue;
        }
        fields.take(property, &mut item)?;
    }
    if !closed {
        return None;
    }
    fields.finish(&mut item)?;
    Some(item)
}

fn is_begin_or_end(line: &str, keyword: &str, component: &str) -> bool {
    line.split_once(':').is_some_and(|(name, value)| {
        name.eq_ignore_ascii_case(keyword) && value.eq_ignore_ascii_case(component)
    })
}

/// What is collected before the item can be completed.
#[derive(Default)]
struct Fields {
    seen_uid: bool,
    seen_summary: bool,
    start: Option<DateValue>,
    end: Option<DateValue>,
    duration: Option<TimeDelta>,
    has_rrule: bool,
    /// Each alarm's trigger: `Some((seconds, related to end))` for a
    /// duration, `None` for a fixed time or no trigger.
    alarms: Vec<Option<(i64, bool)>>,
}

impl Fields {
    /// Takes one property of the item; `None` when the full reader must
    /// read the item.
    fn take(&mut self, property: Property<'_>, item: &mut Item) -> Option<()> {
        let end_name = match item.kind {
            ItemKind::Task => "DUE",
            _ => "DTEND",
        };
        if property.is("UID") {
            if !self.seen_uid {
                item.uid = text(property.value)?;
                self.seen_uid = true;
            }
        } else if property.is("SUMMARY") {
            if !self.seen_summary {
                item.summary = text(property.value)?;
                self.seen_summary = true;
            }
        } else if property.is("DTSTART") {
            if self.start.is_none() {
                self.start = Some(single_date(&property)?);
            }
        } else if property.is(end_name) {
            if self.end.is_none() {
                self.end = Some(single_date(&property)?);
            }
        } else if property.is("DURATION") {
            if self.duration.is_none() {
                property.no_parameters()?;
                self.duration = Some(duration(property.value)?);
            }
        } else if property.is("RECURRENCE-ID") {
            if item.recurrence_id.is_none() {
                item.recurrence_id = Some(single_date(&property)?);
            }
        } else if property.is("ORGANIZER") {
            if item.organizer.is_none() {
                item.organizer = Some(person(&property)?);
            }
        } else if property.is("ATTENDEE") {
            item.attendees.push(attendee(&property)?);
        } else if property.is("RRULE") {
            if !self.has_rrule {
                property.no_parameters()?;
                item.rule = Some(rule(property.value)?);
                self.has_rrule = true;
            }
        } else if property.is("RDATE") {
            item.rdates.extend(date_list(&property)?);
        } else if property.is("EXDATE") {
            item.exdates.extend(date_list(&property)?);
        } else if property.is("EXRULE") {
            item.exrule = true;
        }
        Some(())
    }

    fn finish(self, item: &mut Item) -> Option<()> {
        let start = self.start;
        let mut end = self.end;
        if let (None, Some(start), Some(delta)) = (&end, &start, self.duration) {
            end = shift(start, delta);
        }
        item.all_day = start.as_ref().is_some_and(DateValue::is_date);
        item.start = start;
        item.end = end;
        item.recurrence = if item.recurrence_id.is_some() {
            Recurrence::Exception
        } else if self.has_rrule || !item.rdates.is_empty() {
            Recurrence::Series
        } else {
            Recurrence::None
        };
        let has_end = item.end.is_some();
        item.reminders = self
            .alarms
            .iter()
            .filter_map(|trigger| match trigger {
                Some((_, true)) if has_end => None,
                Some((seconds, _)) => Some(-seconds / 60),
                None => None,
            })
            .collect();
        add_notes(item, self.has_rrule, self.alarms.len());
        Some(())
    }
}

/// Reads a `VALARM` up to its `END:`, returning its trigger.
fn read_alarm(lines: &mut ContentLines<'_>) -> Option<Option<(i64, bool)>> {
    let mut trigger = None;
    let mut seen = false;
    loop {
        let content = match lines.next_content(|name| {
            ["BEGIN", "END", "TRIGGER"]
                .iter()
                .any(|used| used.eq_ignore_ascii_case(name))
        }) {
            Next::End | Next::Unusual => return None,
            Next::Skipped => continue,
            Next::Line(content) => content,
        };
        let property = Property::split(&content)?;
        if property.is("BEGIN") {
            return None;
        }
        if property.is("END") {
            return property
                .value
                .eq_ignore_ascii_case("VALARM")
                .then_some(trigger);
        }
        if property.is("TRIGGER") && !seen {
            seen = true;
            let mut related_to_end = false;
            let mut fixed_time = false;
            for parameter in property.parameters() {
                let (name, value) = parameter?;
                if name.eq_ignore_ascii_case("RELATED") {
                    related_to_end = match value {
                        v if v.eq_ignore_ascii_case("END") => true,
                        v if v.eq_ignore_ascii_case("START") => false,
                        _ => return None,
                    };
                } else if name.eq_ignore_ascii_case("VALUE") {
                    fixed_time = match value {
                        v if v.eq_ignore_ascii_case("DATE-TIME") => true,
                        v if v.eq_ignore_ascii_case("DURATION") => false,
                        _ => return None,
                    };
                }
            }
            let looks_fixed = property.value.starts_with(|c: char| c.is_ascii_digit());
            trigger = if fixed_time || looks_fixed {
                date(property.value)?;
                None
            } else {
                let delta = duration(property.value)?;
                Some((delta.num_seconds(), related_to_end))
            };
        }
    }
}

/// The properties the rows use (plus `BEGIN`/`END`); the others are
/// skipped without unfolding them.
fn is_used(name: &str) -> bool {
    const USED: [&str; 15] = [
        "BEGIN",
        "END",
        "UID",
        "SUMMARY",
        "DTSTART",
        "DTEND",
        "DUE",
        "DURATION",
        "RECURRENCE-ID",
        "ORGANIZER",
        "ATTENDEE",
        "RRULE",
        "RDATE",
        "EXDATE",
        "EXRULE",
    ];
    USED.iter().any(|used| used.eq_ignore_ascii_case(name))
}

/// Content lines of a component, unfolded (RFC 5545 §3.1).
struct ContentLines<'a> {
    rest: &'a str,
}

impl<'a> ContentLines<'a> {
    fn physical(&mut self) -> Option<&'a str> {
        if self.rest.is_empty() {
            return None;
        }
        let end = memchr::memchr(b'\n', self.rest.as_bytes()).map_or(self.rest.len(), |i| i + 1);
        let (line, rest) = self.rest.split_at(end);
        self.rest = rest;
        Some(line.trim_end_matches(['\n', '\r']))
    }

    fn continues(&self) -> bool {
        matches!(self.rest.as_bytes().first(), Some(b' ' | b'\t'))
    }

    /// The next content line, unfolded when `wanted` says its property
    /// is needed, skipped (folds and all) when not.
    fn next_content(&mut self, wanted: impl Fn(&str) -> bool) -> Next<'a> {
        let Some(first) = self.physical() else {
            return Next::End;
        };
        let Some(name_end) = memchr::memchr2(b';', b':', first.as_bytes()) else {
            // Folded inside or right after the name: unfold first.
            let line = self.unfold(first);
            return match memchr::memchr2(b';', b':', line.as_bytes()) {
                Some(end) if !wanted(&line[..end]) && is_name(&line[..end]) => Next::Skipped,
                Some(_) => Next::Line(line),
                None => Next::Unusual,
            };
        };
        let name = &first[..name_end];
        if wanted(name) {
            return Next::Line(self.unfold(first));
        }
        if !is_name(name) {
            return Next::Unusual;
        }
        while self.continues() {
            self.physical();
        }
        Next::Skipped
    }

    /// `first` with the physical lines that continue it.
    fn unfold(&mut self, first: &'a str) -> Cow<'a, str> {
        let mut line = Cow::Borrowed(first);
        while self.continues() {
            if let Some(more) = self.physical() {
                line.to_mut().push_str(&more[1..]);
            }
        }
        line
    }
}

/// What [`ContentLines::next_content`] found.
enum Next<'a> {
    End,
    /// A property the caller does not need.
    Skipped,
    Line(Cow<'a, str>),
    /// Not a content line the fast reader understands.
    Unusual,
}

fn is_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// One content line split into name, parameters and value.
struct Property<'a> {
    name: &'a str,
    /// The raw parameters (after the name's `;`), empty when none.
    parameters: &'a str,
    value: &'a str,
}

impl<'a> Property<'a> {
    fn split(line: &'a str) -> Option<Self> {
        // calcard drops control characters (and sometimes what is next
        // to them): such lines are left to it.
        if line.bytes().any(|b| b < b' ' || b == 0x7f) {
            return None;
        }
        let name_end = memchr::memchr2(b';', b':', line.as_bytes())?;
        let name = &line[..name_end];
        if !is_name(name) {
            return None;
        }
        if line.as_bytes()[name_end] == b':' {
            return Some(Self {
                name,
                parameters: "",
                value: &line[name_end + 1..],
            });
        }
        // The value starts at the first colon outside quotes.
        let mut quoted = false;
        for (at, byte) in line.bytes().enumerate().skip(name_end + 1) {
            match byte {
                b'"' => quoted = !quoted,
                b':' if !quoted => {
                    return Some(Self {
                        name,
                        parameters: &line[name_end + 1..at],
                        value: &line[at + 1..],
                    });
                }
                _ => {}
            }
        }
        None
    }

    fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }

    fn no_parameters(&self) -> Option<()> {
        self.parameters.is_empty().then_some(())
    }

    /// The parameters as `(name, value)`, quotes removed; an item of
    /// `None` for any shape the full reader might read differently
    /// (several values, RFC 6868 escapes, stray quotes).
    fn parameters(&self) -> Parameters<'a> {
        Parameters {
            rest: self.parameters,
            seen: Vec::new(),
        }
    }

    /// The TZID parameter, trimmed; the only parameters a date may have
    /// are TZID and a VALUE that agrees with the value's form.
    fn date_parameters(&self, value_is_date: bool) -> Option<Option<String>> {
        let mut zone = None;
        for parameter in self.parameters() {
            let (name, value) = parameter?;
            if name.eq_ignore_ascii_case("TZID") {
                let value = value.trim();
                zone = (!value.is_empty()).then(|| value.to_string());
            } else if name.eq_ignore_ascii_case("VALUE") {
                let says_date = value.eq_ignore_ascii_case("DATE");
                if !(says_date || value.eq_ignore_ascii_case("DATE-TIME"))
                    || says_date != value_is_date
                {
                    return None;
                }
            } else {
                return None;
            }
        }
        Some(zone)
    }
}

/// Parameters of a property, one by one (see [`Property::parameters`]).
struct Parameters<'a> {
    rest: &'a str,
    /// Names so far: a name given twice is left to the full reader.
    seen: Vec<&'a str>,
}

impl<'a> Iterator for Parameters<'a> {
    type Item = Option<(&'a str, &'a str)>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let parameter = self.take();
        if parameter.is_none() {
            self.rest = "";
        }
        Some(parameter)
    }
}

impl<'a> Parameters<'a> {
    fn take(&mut self) -> Option<(&'a str, &'a str)> {
        let equals = memchr::memchr(b'=', self.rest.as_bytes())?;
        let name = &self.rest[..equals];
        if !is_name(name) || self.seen.iter().any(|seen| seen.eq_ignore_ascii_case(name)) {
            return None;
        }
        self.seen.push(name);
        let after = &self.rest[equals + 1..];
        let (value, next) = if after.as_bytes().first() == Some(&b'"') {
            let close = memchr::memchr(b'"', &after.as_bytes()[1..])? + 1;
            let next = &after[close + 1..];
            if !(next.is_empty() || next.as_bytes()[0] == b';') {
                return None;
            }
            (&after[1..close], next)
        } else {
            let end = memchr::memchr(b';', after.as_bytes()).unwrap_or(after.len());
            let value = &after[..end];
            if memchr::memchr2(b',', b'"', value.as_bytes()).is_some() {
                return None;
            }
            (value, &after[end..])
        };
        if memchr::memchr2(b'^', b'\\', value.as_bytes()).is_some() {
            return None;
        }
        self.rest = next.strip_prefix(';').unwrap_or(next);
        Some((name, value))
    }
}

/// TEXT (RFC 5545 §3.3.11) unescaped, trimmed; `Some(None)` when empty.
fn text(value: &str) -> Option<Option<String>> {
    let unescaped = if value.contains('\\') {
        let mut out = String::with_capacity(value.len());
        let mut chars = value.chars();
        while let Some(c) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next()? {
                'n' | 'N' => out.push('\n'),
                escaped @ ('\\' | ';' | ',') => out.push(escaped),
                _ => return None,
            }
        }
        Cow::Owned(out)
    } else if memchr::memchr2(b',', b';', value.as_bytes()).is_some() {
        return None;
    } else {
        Cow::Borrowed(value)
    };
    let trimmed = unescaped.trim();
    Some((!trimmed.is_empty()).then(|| trimmed.to_string()))
}

/// A DTSTART-like property: one date or date-time.
fn single_date(property: &Property<'_>) -> Option<DateValue> {
    let (local, utc) = date(property.value)?;
    let zone = property.date_parameters(!local.contains('T'))?;
    Some(dated(local, utc, zone))
}

/// The dates of an RDATE or EXDATE line.
fn date_list(property: &Property<'_>) -> Option<Vec<DateValue>> {
    let mut values = Vec::new();
    let mut zone = None;
    for (at, text) in property.value.split(',').enumerate() {
        let (local, utc) = date(text)?;
        if at == 0 {
            zone = property.date_parameters(!local.contains('T'))?;
        } else if values
            .first()
            .is_some_and(|first: &DateValue| first.is_date() == local.contains('T'))
        {
            return None;
        }
        values.push(dated(local, utc, zone.clone()));
    }
    Some(values)
}

fn dated(local: String, utc: bool, zone: Option<String>) -> DateValue {
    if local.contains('T') {
        DateValue {
            local,
            zone: if utc { Some("UTC".to_string()) } else { zone },
        }
    } else {
        DateValue { local, zone: None }
    }
}

/// `YYYYMMDD` or `YYYYMMDDTHHMMSS[Z]` as `YYYY-MM-DD[THH:MM:SS]`, and
/// whether it is UTC. Anything else (or an impossible date) is `None`.
fn date(value: &str) -> Option<(String, bool)> {
    let bytes = value.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = bytes.get(range)?;
        part.iter().all(u8::is_ascii_digit).then(|| {
            part.iter()
                .fold(0u32, |n, digit| n * 10 + u32::from(digit - b'0'))
        })
    };
    let (year, month, day) = (digits(0..4)?, digits(4..6)?, digits(6..8)?);
    chrono::NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    let mut local = String::with_capacity(19);
    local.push_str(&value[0..4]);
    local.push('-');
    local.push_str(&value[4..6]);
    local.push('-');
    local.push_str(&value[6..8]);
    match bytes.len() {
        8 => return Some((local, false)),
        15 | 16 if bytes[8] == b'T' => {}
        _ => return None,
    }
    let utc = match bytes.get(15) {
        None => false,
        Some(b'Z') => true,
        Some(_) => return None,
    };
    let (hour, minute, second) = (digits(9..11)?, digits(11..13)?, digits(13..15)?);
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    local.push('T');
    local.push_str(&value[9..11]);
    local.push(':');
    local.push_str(&value[11..13]);
    local.push(':');
    local.push_str(&value[13..15]);
    Some((local, utc))
}

/// A DURATION (RFC 5545 §3.3.6).
fn duration(value: &str) -> Option<TimeDelta> {
    let (negative, rest) = match value.as_bytes().first()? {
        b'-' => (true, &value[1..]),
        b'+' => (false, &value[1..]),
        _ => (false, value),
    };
    let mut rest = rest.strip_prefix('P')?;
    let mut seconds: i64 = 0;
    let mut in_time = false;
    let mut any = false;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('T') {
            if in_time {
                return None;
            }
            in_time = true;
            rest = after;
            continue;
        }
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 9 {
            return None;
        }
        let number: i64 = rest[..digits].parse().ok()?;
        let unit = match (rest.as_bytes().get(digits)?, in_time) {
            (b'W', false) => 604_800,
            (b'D', false) => 86_400,
            (b'H', true) => 3_600,
            (b'M', true) => 60,
            (b'S', true) => 1,
            _ => return None,
        };
        seconds += number * unit;
        any = true;
        rest = &rest[digits + 1..];
    }
    if !any {
        return None;
    }
    TimeDelta::new(if negative { -seconds } else { seconds }, 0)
}

/// The name (CN) and address of an organizer or attendee.
fn person(property: &Property<'_>) -> Option<Person> {
    let mut name = None;
    for parameter in property.parameters() {
        let (parameter, value) = parameter?;
        if parameter.eq_ignore_ascii_case("CN") {
            let value = value.trim();
            name = (!value.is_empty()).then(|| value.to_string());
        }
    }
    if property
        .value
        .bytes()
        .any(|b| matches!(b, b'\\' | b',' | b';' | b'"'))
    {
        return None;
    }
    let address = property
        .value
        .split_once(':')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("mailto"))
        .map_or(property.value, |(_, address)| address)
        .trim();
    let email = (!address.is_empty() && !address.eq_ignore_ascii_case("mailto"))
        .then(|| address.to_string());
    Some(Person { name, email })
}

fn attendee(property: &Property<'_>) -> Option<Attendee> {
    let person = person(property)?;
    let (mut role, mut status, mut resource) =
        (AttendeeRole::Required, Participation::NeedsAction, false);
    for parameter in property.parameters() {
        let (name, value) = parameter?;
        let is = |wanted: &str| value.eq_ignore_ascii_case(wanted);
        if name.eq_ignore_ascii_case("CUTYPE") {
            resource = is("ROOM") || is("RESOURCE");
        } else if name.eq_ignore_ascii_case("ROLE") {
            role = if is("CHAIR") {
                AttendeeRole::Chair
            } else if is("OPT-PARTICIPANT") {
                AttendeeRole::Optional
            } else if is("NON-PARTICIPANT") {
                AttendeeRole::NonParticipant
            } else {
                AttendeeRole::Required
            };
        } else if name.eq_ignore_ascii_case("PARTSTAT") {
            status = if is("ACCEPTED") {
                Participation::Accepted
            } else if is("DECLINED") {
                Participation::Declined
            } else if is("TENTATIVE") {
                Participation::Tentative
            } else if is("DELEGATED") {
                Participation::Delegated
            } else {
                Participation::NeedsAction
            };
        }
    }
    Some(Attendee {
        person,
        role: if resource {
            AttendeeRole::Resource
        } else {
            role
        },
        status,
    })
}

/// An RRULE value in its plain form; `None` for anything unusual.
fn rule(value: &str) -> Option<RecurrenceRule> {
    let mut rule = RecurrenceRule::default();
    let mut seen: Vec<&str> = Vec::new();
    for part in value.split(';') {
        let (key, value) = part.split_once('=')?;
        if value.is_empty() || seen.iter().any(|k| k.eq_ignore_ascii_case(key)) {
            return None;
        }
        seen.push(key);
        let key = key.to_ascii_uppercase();
        match key.as_str() {
            "FREQ" => rule.frequency = frequency(value)?,
            "INTERVAL" => rule.interval = u32::from(value.parse::<u16>().ok()?.max(1)),
            "COUNT" => rule.count = Some(value.parse().ok()?),
            "UNTIL" => {
                let (local, utc) = date(value)?;
                rule.until = Some(dated(local, utc, None));
            }
            "BYDAY" => rule.by_day = list(value, weekday_num)?,
            "BYMONTHDAY" => rule.by_month_day = list(value, |v| ranged(v, 31))?,
            "BYMONTH" => {
                rule.by_month = list(value, |v| v.parse().ok().filter(|m| (1..=12).contains(m)))?
            }
            "BYSETPOS" => rule.by_set_pos = list(value, |v| ranged(v, 366))?,
            "BYYEARDAY" => rule.by_year_day = list(value, |v| ranged(v, 366))?,
            "BYWEEKNO" => rule.by_week_no = list(value, |v| ranged(v, 53))?,
            "BYHOUR" | "BYMINUTE" | "BYSECOND" => {
                list(value, |v| v.parse::<u8>().ok().filter(|n| *n <= 60))?;
                rule.by_time = true;
            }
            "WKST" => rule.week_start = Some(weekday(value)?),
            _ => return None,
        }
    }
    seen.iter()
        .any(|k| k.eq_ignore_ascii_case("FREQ"))
        .then_some(rule)
}

fn list<T>(value: &str, one: impl Fn(&str) -> Option<T>) -> Option<Vec<T>> {
    value.split(',').map(one).collect()
}

/// A signed number within `-limit..=limit`, not zero.
fn ranged<T: TryFrom<i32>>(value: &str, limit: i32) -> Option<T> {
    let number: i32 = value.parse().ok()?;
    if number == 0 || number.abs() > limit || value.starts_with('+') {
        return None;
    }
    T::try_from(number).ok()
}

fn frequency(value: &str) -> Option<Frequency> {
    Some(match value.to_ascii_uppercase().as_str() {
        "YEARLY" => Frequency::Yearly,
        "MONTHLY" => Frequency::Monthly,
        "WEEKLY" => Frequency::Weekly,
        "DAILY" => Frequency::Daily,
        "HOURLY" => Frequency::Hourly,
        "MINUTELY" => Frequency::Minutely,
        "SECONDLY" => Frequency::Secondly,
        _ => return None,
    })
}

fn weekday(value: &str) -> Option<Weekday> {
    Some(match value.to_ascii_uppercase().as_str() {
        "MO" => Weekday::Monday,
        "TU" => Weekday::Tuesday,
        "WE" => Weekday::Wednesday,
        "TH" => Weekday::Thursday,
        "FR" => Weekday::Friday,
        "SA" => Weekday::Saturday,
        "SU" => Weekday::Sunday,
        _ => return None,
    })
}

/// `MO`, `2TU`, `-1FR`.
fn weekday_num(value: &str) -> Option<WeekdayNum> {
    let split = value.len().checked_sub(2)?;
    if !value.is_char_boundary(split) {
        return None;
    }
    let (ordinal, day) = value.split_at(split);
    let ordinal = if ordinal.is_empty() {
        None
    } else {
        Some(ranged::<i16>(ordinal, 53)?)
    };
    Some(WeekdayNum {
        ordinal,
        weekday: weekday(day)?,
    })
}

#[cfg(test)]
mod tests {
    use super::super::item::{Detail, read_item};
    use super::super::scan::scan;
    use super::*;
    use crate::limits::ParseLimits;
    use std::path::{Path, PathBuf};

    /// The fields the rows use, as the full reader reads them.
    fn row_fields(item: &Item) -> Item {
        Item {
            kind: item.kind,
            line: item.line,
            uid: item.uid.clone(),
            recurrence_id: item.recurrence_id.clone(),
            summary: item.summary.clone(),
            start: item.start.clone(),
            end: item.end.clone(),
            all_day: item.all_day,
            organizer: item.organizer.clone(),
            attendees: item.attendees.clone(),
            recurrence: item.recurrence,
            rule: item.rule.clone(),
            rdates: item.rdates.clone(),
            exdates: item.exdates.clone(),
            exrule: item.exrule,
            reminders: item.reminders.clone(),
            notes: item.notes.clone(),
            ..Item::default()
        }
    }

    fn calendar_files(folder: &Path, found: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                calendar_files(&path, found);
            } else if path.extension().is_some_and(|e| e == "ics") {
                found.push(path);
            }
        }
    }

    #[test]
    fn reads_every_corpus_item_like_the_full_reader_or_leaves_it_to_it() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
        let mut files = Vec::new();
        calendar_files(&root, &mut files);
        assert!(files.len() > 250, "{} files", files.len());
        let limits = ParseLimits::default();
        let (mut fast, mut items) = (0, 0);
        for path in files {
            let bytes = std::fs::read(&path).unwrap();
            let decoded = crate::text::decode_content_lines(&bytes);
            let Ok(outline) = scan(&decoded.text, &limits) else {
                continue;
            };
            for span in &outline.components {
                let kind = match span.name.as_str() {
                    "VEVENT" => ItemKind::Event,
                    "VTODO" => ItemKind::Task,
                    _ => continue,
                };
                items += 1;
                let full = read_item(span, kind, &limits, Detail::Full);
                let rows = read_item(span, kind, &limits, Detail::Rows);
                assert_eq!(
                    row_fields(&rows),
                    row_fields(&full),
                    "{} line {}",
                    path.display(),
                    span.line
                );
                if span.complete && read(span.text, kind, span.line).is_some() {
                    fast += 1;
                }
            }
        }
        // Most items take the fast path, so the comparison means something.
        assert!(fast * 10 > items * 9, "{fast} of {items} items read fast");
    }

    #[test]
    fn unusual_shapes_are_left_to_the_full_reader() {
        let item = |body: &str| {
            let text = format!("BEGIN:VEVENT\r\n{body}\r\nEND:VEVENT\r\n");
            read(&text, ItemKind::Event, 1)
        };
        assert!(item("UID:1\r\nDTSTART:20240101T090000Z").is_some());
        assert!(item("SUMMARY:a\\xb").is_none(), "unknown escape");
        assert!(item("DTSTART:2024-01-01").is_none(), "dashes");
        assert!(item("DTSTART;VALUE=DATE:20240101T090000").is_none());
        assert!(item("DTSTART;X-FOO=1:20240101").is_none());
        assert!(item("ATTENDEE;CN=\"A^'B\":mailto:a@b").is_none());
        assert!(item("RRULE:FREQ=MONTHLY;BYMONTH=5L").is_none());
        assert!(item("RDATE;VALUE=PERIOD:20240101T090000Z/PT1H").is_none());
        assert!(item("BEGIN:X-THING\r\nEND:X-THING").is_none());
        assert!(item("no colon here").is_none());
        assert!(item("DTSTART;TZID=A \u{0}B:20240101T090000").is_none());
        assert!(item("SUMMARY:tab\there").is_none());
        assert!(
            item("ORGANIZER;CN=A;CN=B:mailto:a@b").is_none(),
            "a parameter twice"
        );
    }

    #[test]
    fn folded_and_escaped_text_and_alarms() {
        let text = "BEGIN:VEVENT\r\nUID:u-1\r\nSUMMARY:Lunch\\, then \\;\r\n  a walk\r\nDTSTART;TZID=\"Europe/Berlin\":20240301T120000\r\nDURATION:PT1H30M\r\nORGANIZER;CN=\"Ana, B.\":MAILTO:ana@example.org\r\nATTENDEE;ROLE=OPT-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:bo@example.org\r\nATTENDEE;CUTYPE=ROOM:mailto:room@example.org\r\nRRULE:FREQ=MONTHLY;BYDAY=-1FR;COUNT=3\r\nEXDATE;TZID=Europe/Berlin:20240329T120000,20240426T120000\r\nBEGIN:VALARM\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\nBEGIN:VALARM\r\nTRIGGER;VALUE=DATE-TIME:20240301T080000Z\r\nEND:VALARM\r\nEND:VEVENT\r\n";
        let item = read(text, ItemKind::Event, 7).unwrap();
        assert_eq!(item.summary.as_deref(), Some("Lunch, then ; a walk"));
        assert_eq!(
            item.end,
            Some(DateValue::new("2024-03-01T13:30:00", Some("Europe/Berlin")))
        );
        let organizer = item.organizer.as_ref().unwrap();
        assert_eq!(organizer.name.as_deref(), Some("Ana, B."));
        assert_eq!(organizer.email.as_deref(), Some("ana@example.org"));
        assert_eq!(item.attendees[0].role, AttendeeRole::Optional);
        assert_eq!(item.attendees[0].status, Participation::Accepted);
        assert_eq!(item.attendees[1].role, AttendeeRole::Resource);
        let rule = item.rule.as_ref().unwrap();
        assert_eq!(rule.by_day[0].ordinal, Some(-1));
        assert_eq!(rule.count, Some(3));
        assert_eq!(item.exdates.len(), 2);
        assert_eq!(item.reminders, vec![15]);
        assert_eq!(item.notes.len(), 1, "{:?}", item.notes);
    }
}
