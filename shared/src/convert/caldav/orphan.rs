//! Changed occurrences as strict servers take them.
//!
//! A changed occurrence whose series is not among the items written: RFC 4791 allows a resource of changed occurrences alone, but strict
//! servers (Radicale: "Main component missing") refuse it, and the item
//! would be lost. It is written instead as an event (or task) of its own:
//! no RECURRENCE-ID, and a UID of its own made from the series' UID and
//! the occurrence (`<uid>-<YYYYMMDDTHHMMSS>`, `<uid>-<YYYYMMDD>` for a
//! date), so the same file gives the same UID on every run and a re-run
//! finds it instead of copying it. What it repeats itself (an RRULE or
//! RDATEs, which a changed occurrence must not have) it keeps, as a
//! series of its own.
//!
//! A changed occurrence that repeats itself (RRULE or RDATE) next to its
//! series: RFC 5545 gives it no meaning and Radicale refuses it
//! ("Overwritten recurrence"); the repeats are left out, named.

use crate::model::{Item, Recurrence};

/// The words every such adjustment holds (the round-trip tests look for them).
pub const OWN_EVENT: &str = "written as an item of its own";

/// `item` (a changed occurrence of the series `uid`) as an item of its
/// own, and the named adjustment; None for an item that changes no
/// occurrence.
pub(super) fn standalone(item: &Item, uid: &str) -> Option<(Item, String)> {
    let occurrence = item.recurrence_id.as_ref()?;
    let own_uid = format!("{uid}-{}", occurrence.local.replace(['-', ':'], ""));
    let mut alone = item.clone();
    alone.uid = Some(own_uid.clone());
    alone.recurrence_id = None;
    alone.recurrence = if alone.rule.is_some() || !alone.rdates.is_empty() {
        Recurrence::Series
    } else {
        Recurrence::None
    };
    let adjustment = format!(
        "This changed occurrence ({}) belongs to a series (UID “{uid}”) that is not in the file, which strict servers refuse; it is {OWN_EVENT}, with the UID “{own_uid}”",
        occurrence.when()
    );
    Some((alone, adjustment))
}

/// `item` (a changed occurrence written with its series) without the
/// RRULE and RDATEs it should not have, and the named loss; None when it
/// has neither.
pub(super) fn without_repeats(item: &Item) -> Option<(Item, String)> {
    if item.recurrence_id.is_none() || (item.rule.is_none() && item.rdates.is_empty()) {
        return None;
    }
    let mut once = item.clone();
    once.rule = None;
    once.rdates.clear();
    let loss = "This changed occurrence repeats itself (RRULE or RDATE), which a changed occurrence cannot and strict servers refuse; its repeat rule and extra dates (RDATE) are left out".to_string();
    Some((once, loss))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DateValue, ItemKind};

    #[test]
    fn the_occurrence_becomes_an_event_with_a_stable_uid_of_its_own() {
        let mut moved = Item::new(ItemKind::Event, 9);
        moved.uid = Some("birthday@example.com".into());
        moved.recurrence_id = Some(DateValue::new("2013-12-10", None));
        moved.recurrence = Recurrence::Exception;
        moved.start = Some(DateValue::new("2013-12-11", None));
        let (alone, adjustment) = standalone(&moved, "birthday@example.com").unwrap();
        assert_eq!(alone.uid.as_deref(), Some("birthday@example.com-20131210"));
        assert_eq!(alone.recurrence_id, None);
        assert_eq!(alone.recurrence, Recurrence::None);
        assert_eq!(alone.start, moved.start);
        assert!(adjustment.contains(OWN_EVENT), "{adjustment}");
        assert_eq!(standalone(&moved, "birthday@example.com").unwrap().0, alone);

        let series = Item::new(ItemKind::Event, 1);
        assert_eq!(standalone(&series, "x"), None);
    }

    #[test]
    fn a_changed_occurrence_next_to_its_series_does_not_repeat() {
        let mut moved = Item::new(ItemKind::Event, 9);
        moved.recurrence_id = Some(DateValue::new("2021-11-01T15:00:00", Some("UTC")));
        assert_eq!(without_repeats(&moved), None);
        moved.rdates = vec![DateValue::new("2021-12-06T15:00:00", Some("UTC"))];
        let (once, loss) = without_repeats(&moved).unwrap();
        assert!(once.rdates.is_empty() && once.rule.is_none());
        assert!(
            loss.contains("repeat rule") && loss.contains("(RDATE)"),
            "{loss}"
        );
    }
}
