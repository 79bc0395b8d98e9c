//! The lookup of a batch's source keys, sans-I/O: one FindItem whose
//! restriction names every key (an `Or`), read page by page. The key set
//! stays the same for every page of one lookup, so the offsets the
//! server counts stay meaningful. At most
//! [`EwsOptions::max_lookup_pages`] pages of
//! [`EwsOptions::lookup_page_size`] items are read; a lookup that would
//! need more ends with [`Progress::PageLimit`], and its keys not found
//! by then cannot be known to be absent (so they are not created).

use crate::ews::options::EwsOptions;
use ferry_shared::convert::ews::{
    EwsError, Folder, FoundPage, ItemId, PageRequest, find_by_source_keys,
};

/// Where a lookup stands after a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Another page follows: ask for it.
    More,
    /// Every match has been listed: the keys not found are not there.
    Done,
    /// More pages follow than the options allow.
    PageLimit,
}

/// One lookup of a batch's keys.
#[derive(Debug, Clone)]
pub struct Lookup {
    /// The batch positions looked up and their source keys.
    keys: Vec<(usize, String)>,
    offset: usize,
    pages: usize,
}

impl Lookup {
    /// A lookup of `keys` (batch position, source key), from the first page.
    pub fn new(keys: Vec<(usize, String)>) -> Self {
        Self {
            keys,
            offset: 0,
            pages: 0,
        }
    }

    /// The batch positions looked up.
    pub fn positions(&self) -> impl Iterator<Item = usize> + '_ {
        self.keys.iter().map(|(pos, _)| *pos)
    }

    /// The FindItem for the current page.
    pub fn envelope(&self, folder: Folder, options: &EwsOptions) -> Result<String, EwsError> {
        let keys: Vec<&str> = self.keys.iter().map(|(_, key)| key.as_str()).collect();
        let page = PageRequest {
            offset: self.offset,
            max_entries: options.lookup_page_size.max(1),
        };
        find_by_source_keys(folder, &keys, page, &options.settings)
    }

    /// Takes a page of the answer: the positions found on it (with the
    /// item's ID) and how the lookup goes on. Items listed without a
    /// source key, or with one not asked for, are passed over.
    pub fn on_page(
        &mut self,
        page: FoundPage,
        options: &EwsOptions,
    ) -> (Vec<(usize, ItemId)>, Progress) {
        let listed = page.items.len();
        let mut found = Vec::new();
        for item in page.items {
            let Some(key) = item.source_key.as_deref() else {
                continue;
            };
            if let Some((pos, _)) = self.keys.iter().find(|(_, wanted)| wanted == key)
                && !found.iter().any(|(at, _)| at == pos)
            {
                found.push((*pos, item.id));
            }
        }
        self.pages += 1;
        if page.last || listed == 0 {
            return (found, Progress::Done);
        }
        if self.pages >= options.max_lookup_pages.max(1) {
            return (found, Progress::PageLimit);
        }
        let next = self.offset + listed;
        self.offset = page
            .next_offset
            .filter(|&at| at > self.offset)
            .unwrap_or(next);
        (found, Progress::More)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferry_shared::convert::ews::FoundItem;

    fn item(id: &str, key: Option<&str>) -> FoundItem {
        FoundItem {
            id: ItemId {
                id: id.into(),
                change_key: None,
            },
            calendar_item_type: None,
            start: None,
            end: None,
            original_start: None,
            source_key: key.map(str::to_string),
        }
    }

    fn page(items: Vec<FoundItem>, last: bool, next_offset: Option<usize>) -> FoundPage {
        FoundPage {
            items,
            last,
            next_offset,
            total: None,
        }
    }

    #[test]
    fn pages_are_followed_up_to_the_limit() {
        let options = EwsOptions {
            lookup_page_size: 2,
            max_lookup_pages: 2,
            ..EwsOptions::default()
        };
        let mut lookup = Lookup::new(vec![(0, "a".into()), (3, "b".into()), (4, "c".into())]);
        let first = lookup.envelope(Folder::Contacts, &options).unwrap();
        assert!(
            first.contains(r#"MaxEntriesReturned="2" Offset="0""#),
            "{first}"
        );
        let (found, progress) = lookup.on_page(
            page(vec![item("1", Some("b")), item("2", None)], false, Some(2)),
            &options,
        );
        assert_eq!(progress, Progress::More);
        assert_eq!(found.iter().map(|(p, _)| *p).collect::<Vec<_>>(), [3]);
        let second = lookup.envelope(Folder::Contacts, &options).unwrap();
        assert!(second.contains(r#"Offset="2""#), "{second}");
        let (found, progress) =
            lookup.on_page(page(vec![item("3", Some("a"))], false, None), &options);
        assert_eq!(progress, Progress::PageLimit);
        assert_eq!(found[0].0, 0);
    }

    #[test]
    fn the_last_page_ends_the_lookup() {
        let options = EwsOptions::default();
        let mut lookup = Lookup::new(vec![(0, "a".into())]);
        let (found, progress) = lookup.on_page(page(vec![], false, None), &options);
        assert!(found.is_empty());
        assert_eq!(progress, Progress::Done);
        let mut lookup = Lookup::new(vec![(0, "a".into())]);
        let (_, progress) = lookup.on_page(page(vec![item("1", Some("a"))], true, None), &options);
        assert_eq!(progress, Progress::Done);
    }
}
