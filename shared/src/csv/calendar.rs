//! One calendar row as an event. Times are floating: the file has no time
//! zone, the mapping step applies the one the user picks.
//!
//! All-day events keep dates only, with the end exclusive as in iCalendar.
//! Outlook writes them that way already (an all-day event on 21 April ends
//! on 22 April at 00:00); an end on or before the start, as other programs
//! write, is read as a one-day event.

use super::dates::{DateOrder, Parsed, parse_date, parse_time};
use super::headers::{CalendarColumn as C, ColumnMap};
use super::people::{people, person};
use super::records::Row;
use super::uid::UidDeriver;
use super::values;
use crate::model::{Attendee, AttendeeRole, DateValue, Item, ItemKind, Participation};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};

/// Every row as an event, in file order.
pub(super) fn read_events(rows: &[Row], columns: &ColumnMap<C>, order: DateOrder) -> Vec<Item> {
    let mut uids = UidDeriver::default();
    rows.iter()
        .map(|row| {
            let mut item = EventReader {
                row,
                columns,
                order,
                item: Item::new(ItemKind::Event, row.line),
            }
            .read();
            let parts = [
                item.summary.clone().unwrap_or_default(),
                item.start
                    .as_ref()
                    .map(|s| s.local.clone())
                    .unwrap_or_default(),
                item.end
                    .as_ref()
                    .map(|e| e.local.clone())
                    .unwrap_or_default(),
            ];
            let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
            uids.assign(&mut item, &parts, "subject, start and end");
            item
        })
        .collect()
}

/// Reads one row into `item`, noting what it cannot read.
struct EventReader<'a> {
    row: &'a Row,
    columns: &'a ColumnMap<C>,
    order: DateOrder,
    item: Item,
}

/// A start or end: a day, or a day and a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Moment {
    Day(NaiveDate),
    At(NaiveDateTime),
}

impl Moment {
    fn date_time(self) -> NaiveDateTime {
        match self {
            Moment::Day(date) => date.and_time(NaiveTime::MIN),
            Moment::At(date_time) => date_time,
        }
    }

    fn value(self) -> DateValue {
        match self {
            Moment::Day(date) => DateValue::new(date.format("%Y-%m-%d").to_string(), None),
            Moment::At(at) => DateValue::new(at.format("%Y-%m-%dT%H:%M:%S").to_string(), None),
        }
    }
}

impl EventReader<'_> {
    fn read(mut self) -> Item {
        self.item.summary = self.text(C::Subject).map(str::to_string);
        self.item.location = self.text(C::Location).map(str::to_string);
        self.item.description = self
            .columns
            .cell(self.row, C::Description)
            .map(|cell| cell.raw.to_string());
        self.when();
        self.people();
        self.item.categories = self
            .text(C::Categories)
            .map(values::list)
            .unwrap_or_default();
        let private = self
            .word(C::Private, values::boolean)
            .and_then(|private| private.then_some(crate::model::Sensitivity::Private));
        let sensitivity = self.word(C::Sensitivity, values::sensitivity);
        self.item.sensitivity = values::stricter(sensitivity, private);
        self.item.show_as = self.word(C::ShowTimeAs, values::show_as);
        self.item.priority = self.word(C::Priority, values::priority);
        if let Some(note) = self.row.extra_fields_note(self.columns.width()) {
            self.item.notes.push(note);
        }
        self.item
    }

    fn text(&self, field: C) -> Option<&str> {
        self.columns.text(self.row, field)
    }

    /// A field read with `read`, or a note when it holds something else.
    fn word<T>(&mut self, field: C, read: fn(&str) -> Option<T>) -> Option<T> {
        self.columns
            .read_or_note(self.row, field, read, &mut self.item.notes)
    }

    fn date(&mut self, field: C) -> Parsed<NaiveDate> {
        let Some(cell) = self.columns.cell(self.row, field) else {
            return Parsed::Blank;
        };
        let date = parse_date(cell.value, self.order);
        if date == Parsed::Unreadable {
            self.item
                .notes
                .push(values::unreadable("date", cell.column, cell.value));
        }
        date
    }

    fn time(&mut self, field: C) -> Parsed<NaiveTime> {
        let Some(cell) = self.columns.cell(self.row, field) else {
            return Parsed::Blank;
        };
        let time = parse_time(cell.value);
        if time == Parsed::Unreadable {
            self.item
                .notes
                .push(values::unreadable("time", cell.column, cell.value));
        }
        time
    }

    /// Start, end, all-day and reminder.
    fn when(&mut self) {
        let start_date = self.date(C::StartDate);
        let start_time = self.time(C::StartTime);
        let end_date = self.date(C::EndDate);
        let end_time = self.time(C::EndTime);
        let all_day_flag = self.word(C::AllDayEvent, values::boolean);
        // A start without a time is a whole day, whatever the flag says.
        let all_day = all_day_flag == Some(true) || start_time == Parsed::Blank;

        let start = match (start_date, start_time) {
            (Parsed::Value(date), _) if all_day => Some(Moment::Day(date)),
            (Parsed::Value(date), Parsed::Value(time)) => Some(Moment::At(date.and_time(time))),
            (Parsed::Blank, _) => {
                self.item
                    .notes
                    .push("The event has no start date".to_string());
                None
            }
            _ => None,
        };
        let end = match (start, end_date, end_time) {
            (Some(Moment::Day(first)), end, _) => {
                let next_day = first.checked_add_signed(TimeDelta::days(1));
                match end {
                    Parsed::Value(end) if end > first => Some(Moment::Day(end)),
                    _ => next_day.map(Moment::Day),
                }
            }
            (_, Parsed::Value(date), Parsed::Value(time)) => Some(Moment::At(date.and_time(time))),
            (Some(Moment::At(start)), Parsed::Blank, Parsed::Value(time)) => {
                Some(Moment::At(start.date().and_time(time)))
            }
            (_, Parsed::Value(_), Parsed::Blank) => {
                self.item
                    .notes
                    .push("The end has a date but no time; it was left out".to_string());
                None
            }
            _ => None,
        };
        if let (Some(start), Some(end)) = (start, end)
            && end < start
        {
            self.item.notes.push(format!(
                "The end ({}) is before the start ({})",
                end.value().when(),
                start.value().when()
            ));
        }
        self.item.all_day = all_day && start.is_some();
        self.item.start = start.map(Moment::value);
        self.item.end = end.map(Moment::value);
        if let Some(start) = start {
            self.reminder(start);
        }
    }

    /// A reminder that is on, as minutes before the start.
    fn reminder(&mut self, start: Moment) {
        if self.word(C::ReminderOnOff, values::boolean) != Some(true) {
            return;
        }
        let date = self.date(C::ReminderDate);
        let time = self.time(C::ReminderTime);
        let at = match (date, time) {
            (Parsed::Value(date), Parsed::Value(time)) => Some(date.and_time(time)),
            (Parsed::Value(date), Parsed::Blank) => Some(date.and_time(NaiveTime::MIN)),
            (Parsed::Blank, _) => {
                self.item
                    .notes
                    .push("The reminder is on but has no date; it was left out".to_string());
                None
            }
            _ => None,
        };
        if let Some(at) = at {
            let minutes = (start.date_time() - at).num_minutes();
            self.item.reminders.push(minutes);
        }
    }

    /// Organizer, attendees and resources.
    fn people(&mut self) {
        self.item.organizer = self.text(C::MeetingOrganizer).and_then(person);
        for (field, role) in [
            (C::RequiredAttendees, AttendeeRole::Required),
            (C::OptionalAttendees, AttendeeRole::Optional),
            (C::MeetingResources, AttendeeRole::Resource),
        ] {
            let attendees = self.text(field).map(people).unwrap_or_default();
            self.item
                .attendees
                .extend(attendees.into_iter().map(|person| Attendee {
                    person,
                    role,
                    status: Participation::NeedsAction,
                }));
        }
    }
}
