//! Stable UIDs for CSV rows. CSV exports carry no UID, so Ferry derives one
//! from what identifies a row (an event's subject, start and end), so that
//! running the same migration twice recognises the items it already moved.
//!
//! The hash is FNV-1a (64 bit): small, fixed, and the same on every
//! platform and in every version, which a UID must be.

use crate::model::Item;
use std::collections::HashMap;

const PREFIX: &str = "ferry-csv-";

fn fnv1a(text: &str) -> u64 {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    text.bytes().fold(OFFSET_BASIS, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(PRIME)
    })
}

/// Gives each row of a file its UID, telling apart rows that would get the
/// same one.
#[derive(Debug, Default)]
pub(super) struct UidDeriver {
    /// For each key: how many rows had it, and the line of the first.
    seen: HashMap<String, (usize, usize)>,
}

impl UidDeriver {
    /// Sets `item.uid` from `parts`. A row identical in `parts` to an
    /// earlier one gets its UID from its position among them, and a note
    /// saying so (`what` names the parts, e.g. "subject, start and end").
    pub(super) fn assign(&mut self, item: &mut Item, parts: &[&str], what: &str) {
        let key = parts.join("\u{1f}");
        let (count, first_line) = self.seen.entry(key.clone()).or_insert((0, item.line));
        *count += 1;
        let text = if *count == 1 {
            key
        } else {
            item.notes.push(format!(
                "Line {first_line} has the same {what}; Ferry tells the rows apart by their order in the file, so keep that order when exporting again"
            ));
            format!("{key}\u{1f}#{count}")
        };
        item.uid = Some(format!("{PREFIX}{:016x}", fnv1a(&text)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ItemKind;

    #[test]
    fn fnv1a_matches_the_published_test_vectors() {
        assert_eq!(fnv1a(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a("foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn same_parts_same_uid_across_files_and_duplicates_are_told_apart() {
        let mut first_file = UidDeriver::default();
        let mut second_file = UidDeriver::default();
        let mut a = Item::new(ItemKind::Event, 2);
        let mut b = Item::new(ItemKind::Event, 9);
        first_file.assign(&mut a, &["Stand-up", "2024-03-04T09:00:00"], "subject");
        second_file.assign(&mut b, &["Stand-up", "2024-03-04T09:00:00"], "subject");
        assert_eq!(a.uid, b.uid);
        assert!(
            a.uid
                .as_deref()
                .is_some_and(|u| u.starts_with("ferry-csv-"))
        );
        assert!(a.notes.is_empty());

        let mut again = Item::new(ItemKind::Event, 5);
        first_file.assign(&mut again, &["Stand-up", "2024-03-04T09:00:00"], "subject");
        assert_ne!(again.uid, a.uid);
        assert_eq!(again.notes.len(), 1);
        assert!(again.notes[0].starts_with("Line 2 has the same subject"));
    }
}
