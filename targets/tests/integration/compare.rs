//! Field-by-field comparison of an item as sent (mapped, then written by
//! Ferry's writer) with the same item as Radicale returns it, read again
//! by Ferry's own reader.
//!
//! Compared: kind, UID, occurrence, summary, description, location,
//! start, end, all-day, organizer, attendees, recurrence kind, repeat
//! rule, extra and excluded dates, reminders, categories, sensitivity,
//! free/busy, priority, and the task fields. Not compared: the line and
//! the reader's notes (positions in another text).
//!
//! A difference is accepted only when it is explained:
//! * by a loss the writer named for the item — the field's own words
//!   must appear in one of its losses ([`LOSS_WORDS`]);
//! * by the writer's documented rule for items without UID (it gives
//!   them `ferry-` and a hash of their text).
//!
//! * by one of Radicale's documented normalisations. It stores what its
//!   iCalendar library (vobject) re-serialises: property order, folding,
//!   parameter quoting change no field Ferry reads, but two do:
//!   - a time in a zone that is UTC under another name (`Etc/GMT`, …)
//!     comes back as UTC, with the same clock time ([`UTC_ALIASES`]);
//!   - a task's COMPLETED given in a zone comes back in UTC (RFC 5545
//!     §3.8.2.1 wants UTC there): the same status and percentage, and a
//!     time that differs by the zone's offset (whole minutes, so the
//!     seconds stay).

use ferry_shared::convert::caldav::orphan::OWN_EVENT;
use ferry_shared::{DateValue, Item};
use std::fmt::Debug;

/// Zone names that mean UTC; Radicale writes times in them as UTC.
pub const UTC_ALIASES: &[&str] = &[
    "Etc/GMT",
    "Etc/GMT+0",
    "Etc/GMT-0",
    "Etc/GMT0",
    "Etc/UTC",
    "Etc/Universal",
    "Etc/Zulu",
    "Etc/Greenwich",
    "GMT",
];

/// For each field a loss can explain: words of the writer's loss text.
/// Besides what the model cannot hold, the writer names what it repairs
/// for strict servers: dates of another kind than the series' start
/// (written in the start's kind), a changed occurrence without its series
/// (an item of its own: another UID, no occurrence) or repeating itself
/// (its repeats left out).
pub const LOSS_WORDS: &[(&str, &str)] = &[
    ("rule", "repeat rule"),
    ("exrule", "EXRULE"),
    ("end", "End (DTEND):"),
    ("end", "Due date (DUE):"),
    ("rdates", "Extra dates (RDATE):"),
    ("rdates", "repeats itself"),
    ("exdates", "Excluded dates (EXDATE):"),
    ("recurrence_id", "Occurrence (RECURRENCE-ID):"),
    ("uid", OWN_EVENT),
    ("recurrence_id", OWN_EVENT),
    ("recurrence", OWN_EVENT),
];

/// One field that differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub field: &'static str,
    pub sent: String,
    pub stored: String,
}

/// The differences between `sent` and `stored` that neither a named loss
/// nor a documented rule explains.
pub fn unexplained(sent: &Item, stored: &Item, losses: &[String]) -> Vec<Difference> {
    differences(sent, stored)
        .into_iter()
        .filter(|difference| !explained(difference, sent, stored, losses))
        .collect()
}

fn explained(difference: &Difference, sent: &Item, stored: &Item, losses: &[String]) -> bool {
    let named_loss = LOSS_WORDS.iter().any(|(field, words)| {
        *field == difference.field && losses.iter().any(|loss| loss.contains(words))
    });
    let generated_uid = difference.field == "uid"
        && sent.uid.as_deref().is_none_or(|uid| uid.trim().is_empty())
        && stored
            .uid
            .as_deref()
            .is_some_and(|uid| uid.starts_with("ferry-"));
    named_loss
        || generated_uid
        || utc_under_another_name(difference.field, sent, stored)
        || completed_moved_to_utc(difference.field, sent, stored)
}

/// The field is equal once UTC's other names are read as UTC.
fn utc_under_another_name(field: &'static str, sent: &Item, stored: &Item) -> bool {
    let as_utc = |item: &Item| {
        let mut item = item.clone();
        let dates = item
            .start
            .iter_mut()
            .chain(&mut item.end)
            .chain(&mut item.recurrence_id)
            .chain(&mut item.rdates)
            .chain(&mut item.exdates)
            .chain(item.task.iter_mut().flat_map(|task| &mut task.completed));
        for date in dates {
            if date
                .zone
                .as_deref()
                .is_some_and(|z| UTC_ALIASES.contains(&z))
            {
                date.zone = Some("UTC".into());
            }
        }
        item
    };
    !differences(&as_utc(sent), &as_utc(stored))
        .iter()
        .any(|difference| difference.field == field)
}

/// A task's COMPLETED in a zone, stored in UTC (see the module
/// documentation).
fn completed_moved_to_utc(field: &'static str, sent: &Item, stored: &Item) -> bool {
    let (Some(sent), Some(stored)) = (&sent.task, &stored.task) else {
        return false;
    };
    let seconds = |date: &DateValue| {
        date.local
            .get(date.local.len().saturating_sub(2)..)
            .map(str::to_string)
    };
    field == "task"
        && sent.status == stored.status
        && sent.percent_complete == stored.percent_complete
        && match (&sent.completed, &stored.completed) {
            (Some(zoned), Some(utc)) => {
                zoned.zone.as_deref().is_some_and(|zone| zone != "UTC")
                    && utc.zone.as_deref() == Some("UTC")
                    && !zoned.is_date()
                    && seconds(zoned) == seconds(utc)
            }
            _ => false,
        }
}

/// Every compared field that differs.
pub fn differences(sent: &Item, stored: &Item) -> Vec<Difference> {
    let mut found = Vec::new();
    let mut check = |field: &'static str, a: &dyn Debug, b: &dyn Debug| {
        let (sent, stored) = (format!("{a:?}"), format!("{b:?}"));
        if sent != stored {
            found.push(Difference {
                field,
                sent,
                stored,
            });
        }
    };
    check("kind", &sent.kind, &stored.kind);
    check("uid", &sent.uid, &stored.uid);
    check("recurrence_id", &sent.recurrence_id, &stored.recurrence_id);
    check("summary", &sent.summary, &stored.summary);
    check("description", &sent.description, &stored.description);
    check("location", &sent.location, &stored.location);
    check("start", &sent.start, &stored.start);
    check("end", &sent.end, &stored.end);
    check("all_day", &sent.all_day, &stored.all_day);
    check("organizer", &sent.organizer, &stored.organizer);
    check("attendees", &sent.attendees, &stored.attendees);
    check("recurrence", &sent.recurrence, &stored.recurrence);
    check("rule", &sent.rule, &stored.rule);
    check("rdates", &sent.rdates, &stored.rdates);
    check("exdates", &sent.exdates, &stored.exdates);
    check("exrule", &sent.exrule, &stored.exrule);
    check("reminders", &sent.reminders, &stored.reminders);
    check("categories", &sent.categories, &stored.categories);
    check("sensitivity", &sent.sensitivity, &stored.sensitivity);
    check("show_as", &sent.show_as, &stored.show_as);
    check("priority", &sent.priority, &stored.priority);
    check("task", &sent.task, &stored.task);
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferry_shared::{DateValue, ItemKind};

    fn event() -> Item {
        Item {
            uid: Some("a".into()),
            summary: Some("x".into()),
            start: Some(DateValue::new("2020-01-01T10:00:00", Some("Europe/Berlin"))),
            ..Item::new(ItemKind::Event, 1)
        }
    }

    #[test]
    fn line_and_notes_are_not_compared() {
        let stored = Item {
            line: 40,
            notes: vec!["read with a note".into()],
            ..event()
        };
        assert_eq!(differences(&event(), &stored), []);
    }

    #[test]
    fn each_changed_field_is_a_difference() {
        let stored = Item {
            summary: Some("y".into()),
            reminders: vec![15],
            ..event()
        };
        let fields: Vec<_> = differences(&event(), &stored)
            .iter()
            .map(|d| d.field)
            .collect();
        assert_eq!(fields, ["summary", "reminders"]);
        assert_eq!(unexplained(&event(), &stored, &[]).len(), 2);
    }

    #[test]
    fn only_a_named_loss_or_a_generated_uid_explains_a_difference() {
        let stored = Item {
            exrule: false,
            ..event()
        };
        let sent = Item {
            exrule: true,
            ..event()
        };
        assert_eq!(unexplained(&sent, &stored, &[]).len(), 1);
        let named = ["The exclusion rule (EXRULE) was not kept".to_string()];
        assert_eq!(unexplained(&sent, &stored, &named), []);
        // A loss about another field explains nothing here.
        let other = ["The repeat rule has both an end date and a count".to_string()];
        assert_eq!(unexplained(&sent, &stored, &other).len(), 1);

        let without_uid = Item {
            uid: None,
            ..event()
        };
        let generated = Item {
            uid: Some("ferry-0123".into()),
            ..event()
        };
        assert_eq!(unexplained(&without_uid, &generated, &[]), []);
        let other_uid = Item {
            uid: Some("b".into()),
            ..event()
        };
        assert_eq!(unexplained(&event(), &other_uid, &[]).len(), 1);
    }

    #[test]
    fn radicale_s_normalisations_are_explained_and_nothing_more() {
        let at = |local: &str, zone: &str| Some(DateValue::new(local, Some(zone)));
        let gmt = Item {
            start: at("2012-08-21T21:00:00", "Etc/GMT"),
            ..event()
        };
        let utc = Item {
            start: at("2012-08-21T21:00:00", "UTC"),
            ..event()
        };
        assert_eq!(unexplained(&gmt, &utc, &[]), []);
        let later = Item {
            start: at("2012-08-21T22:00:00", "UTC"),
            ..event()
        };
        assert_eq!(unexplained(&gmt, &later, &[]).len(), 1);

        let task = |completed: Option<DateValue>, percent: Option<u8>| Item {
            task: Some(ferry_shared::model::TaskFields {
                completed,
                percent_complete: percent,
                ..Default::default()
            }),
            ..Item::new(ItemKind::Task, 1)
        };
        let monaco = task(at("2013-07-16T10:57:45", "Europe/Monaco"), Some(100));
        let in_utc = task(at("2013-07-16T08:57:45", "UTC"), Some(100));
        assert_eq!(unexplained(&monaco, &in_utc, &[]), []);
        let other_percent = task(at("2013-07-16T08:57:45", "UTC"), Some(50));
        assert_eq!(unexplained(&monaco, &other_percent, &[]).len(), 1);
        let other_seconds = task(at("2013-07-16T08:57:00", "UTC"), Some(100));
        assert_eq!(unexplained(&monaco, &other_seconds, &[]).len(), 1);
    }
}
