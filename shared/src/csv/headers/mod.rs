//! Which export a CSV file is, told from its first row alone: the column
//! names say whether it holds a calendar or contacts, which program wrote
//! it and in which language, and which column holds which field.
//!
//! Names are compared without regard to case, surrounding spaces, repeated
//! inner spaces or the kind of apostrophe. Each language has one table per
//! kind of export ([`calendar`], [`contacts`]); the table matching the most
//! columns wins.

mod calendar;
mod contacts;

pub(super) use calendar::CalendarColumn;
pub(super) use contacts::{AddressKind, AddressPart, ContactColumn, PhoneKind};

use super::records::Row;
use crate::report::FileFormat;
use std::collections::HashMap;
use std::hash::Hash;

/// The language of an export's column names (and of its words, such as
/// `True` or `Ein`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Language {
    English,
    German,
    French,
    Dutch,
}

/// What Ferry does with a known column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Handling {
    /// Its values go into the item.
    Moved,
    /// Its values are not moved (such as a meeting's mileage); like an
    /// unknown column, it is reported when it holds a value.
    Reported,
    /// Its values are not moved and not reported: Outlook derives them from
    /// other columns or fills in a default (an address's type, initials).
    Ignored,
}

/// A field a column can hold.
pub(super) trait Column: Copy + Eq + Hash {
    fn handling(self) -> Handling;
}

/// Column names as the exporting program writes them, each with the field
/// it holds. A name listed twice (French `Début`) stands for the first
/// column of that name, then for the second.
pub(super) type Table<F> = &'static [(&'static str, F)];

/// One non-blank value of a row, with the name of its column.
#[derive(Debug, Clone, Copy)]
pub(super) struct Cell<'a> {
    /// The column's name as written in the file.
    pub(super) column: &'a str,
    /// The value without surrounding white space.
    pub(super) value: &'a str,
    /// The value exactly as written.
    pub(super) raw: &'a str,
}

/// Which column of the file holds which field.
#[derive(Debug, Clone)]
pub(super) struct ColumnMap<F> {
    names: Vec<String>,
    fields: Vec<Option<F>>,
    positions: HashMap<F, Vec<usize>>,
}

impl<F: Column> ColumnMap<F> {
    fn new(names: &[String], table: Table<F>) -> Self {
        let mut occurrences: HashMap<String, usize> = HashMap::new();
        let mut fields = Vec::with_capacity(names.len());
        let mut positions: HashMap<F, Vec<usize>> = HashMap::new();
        for (column, name) in names.iter().enumerate() {
            let key = normalize(name);
            let seen = occurrences.entry(key.clone()).or_insert(0);
            let field = table
                .iter()
                .filter(|(known, _)| normalize(known) == key)
                .nth(*seen)
                .map(|(_, field)| *field);
            *seen += 1;
            if let Some(field) = field {
                positions.entry(field).or_default().push(column);
            }
            fields.push(field);
        }
        Self {
            names: names.to_vec(),
            fields,
            positions,
        }
    }

    /// Number of columns Ferry recognised.
    fn matched(&self) -> usize {
        self.fields.iter().flatten().count()
    }

    /// Number of columns the first row names.
    pub(super) fn width(&self) -> usize {
        self.names.len()
    }

    /// Whether the file has a column for `field`.
    pub(super) fn has(&self, field: F) -> bool {
        self.positions.contains_key(&field)
    }

    /// The first non-blank value of `field` in `row`.
    pub(super) fn cell<'a>(&'a self, row: &'a Row, field: F) -> Option<Cell<'a>> {
        self.positions.get(&field)?.iter().find_map(|&column| {
            let raw = row.get(column)?;
            let value = raw.trim();
            let name = self.names.get(column)?;
            (!value.is_empty()).then_some(Cell {
                column: name,
                value,
                raw,
            })
        })
    }

    /// `field` in `row` read with `read`; a value `read` does not accept
    /// is noted in `notes` (naming its column) and gives `None`.
    pub(super) fn read_or_note<T>(
        &self,
        row: &Row,
        field: F,
        read: impl Fn(&str) -> Option<T>,
        notes: &mut Vec<String>,
    ) -> Option<T> {
        let cell = self.cell(row, field)?;
        let value = read(cell.value);
        if value.is_none() {
            notes.push(super::values::not_understood(cell.column, cell.value));
        }
        value
    }

    /// The value of `field` in `row`, trimmed; `None` when blank.
    pub(super) fn text<'a>(&'a self, row: &'a Row, field: F) -> Option<&'a str> {
        self.cell(row, field).map(|cell| cell.value)
    }

    /// The names of the columns that are unknown or [`Handling::Reported`]
    /// and hold a value (one for which `holds_something` is true) in at
    /// least one row, in file order.
    pub(super) fn unused_with_values(
        &self,
        rows: &[Row],
        holds_something: impl Fn(&str) -> bool,
    ) -> Vec<&str> {
        self.names
            .iter()
            .zip(&self.fields)
            .enumerate()
            .filter(|(_, (_, field))| {
                field.is_none_or(|field| field.handling() == Handling::Reported)
            })
            .filter(|(column, _)| {
                rows.iter()
                    .any(|row| row.get(*column).is_some_and(&holds_something))
            })
            .map(|(_, (name, _))| name.as_str())
            .collect()
    }
}

/// What a file is, with where each of its fields is.
#[derive(Debug, Clone)]
pub(super) enum Layout {
    Calendar {
        language: Language,
        columns: ColumnMap<CalendarColumn>,
    },
    Contacts {
        format: FileFormat,
        language: Language,
        columns: ColumnMap<ContactColumn>,
    },
}

/// The layout whose table matches the most of `names`, among those whose
/// essential columns are present: subject and start date for a calendar; a
/// name, company or e-mail column (and one more) for contacts.
pub(super) fn detect(names: &[String]) -> Option<Layout> {
    let mut best = None;
    for (language, table) in calendar::TABLES {
        let columns = ColumnMap::new(names, table);
        if columns.has(CalendarColumn::Subject) && columns.has(CalendarColumn::StartDate) {
            offer(&mut best, columns.matched(), || Layout::Calendar {
                language,
                columns,
            });
        }
    }
    for (language, table) in contacts::OUTLOOK_TABLES {
        let columns = ColumnMap::new(names, table);
        let named = [
            ContactColumn::FirstName,
            ContactColumn::LastName,
            ContactColumn::Company,
            ContactColumn::Email(1),
        ]
        .into_iter()
        .any(|field| columns.has(field));
        if named && columns.matched() >= 2 {
            offer(&mut best, columns.matched(), || Layout::Contacts {
                format: FileFormat::OutlookContactsCsv,
                language,
                columns,
            });
        }
    }
    let columns = ColumnMap::new(names, contacts::MDAEMON);
    if columns.has(ContactColumn::FullName) && columns.has(ContactColumn::Email(1)) {
        offer(&mut best, columns.matched(), || Layout::Contacts {
            format: FileFormat::MdaemonContactsCsv,
            language: Language::English,
            columns,
        });
    }
    best.map(|(_, layout)| layout)
}

/// Keeps `layout` when it matches more columns than the best so far (the
/// first of equals wins, so English before other languages).
fn offer(best: &mut Option<(usize, Layout)>, matched: usize, layout: impl FnOnce() -> Layout) {
    if best.as_ref().is_none_or(|(so_far, _)| matched > *so_far) {
        *best = Some((matched, layout()));
    }
}

/// A column name as shown to people: without surrounding white space or a
/// stray byte-order mark.
pub(super) fn display_name(name: &str) -> String {
    name.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .to_string()
}

/// A column name reduced for comparison: lower case, single spaces,
/// straight apostrophes.
fn normalize(name: &str) -> String {
    display_name(name)
        .replace('\u{2019}', "'")
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn names_match_without_case_spaces_or_curly_apostrophes() {
        assert_eq!(normalize("  ALL DAY   event "), "all day event");
        assert_eq!(
            normalize("\u{feff}Organisateur d\u{2019}une réunion"),
            "organisateur d'une réunion"
        );
    }

    #[test]
    fn a_repeated_name_stands_for_its_table_entries_in_order() {
        let Some(Layout::Calendar { language, columns }) = detect(&names(&[
            "Objet",
            "Début",
            "Début",
            "Fin",
            "Fin",
            "Catégories",
        ])) else {
            panic!("French calendar not detected");
        };
        assert_eq!(language, Language::French);
        assert_eq!(columns.fields[1], Some(CalendarColumn::StartDate));
        assert_eq!(columns.fields[2], Some(CalendarColumn::StartTime));
        assert_eq!(columns.fields[3], Some(CalendarColumn::EndDate));
        assert_eq!(columns.fields[4], Some(CalendarColumn::EndTime));
    }

    #[test]
    fn contacts_need_a_name_company_or_address_column() {
        assert!(detect(&names(&["Categories", "Notes"])).is_none());
        assert!(matches!(
            detect(&names(&["First Name", "Notes"])),
            Some(Layout::Contacts {
                format: FileFormat::OutlookContactsCsv,
                language: Language::English,
                ..
            })
        ));
        assert!(matches!(
            detect(&names(&["fullName", "email"])),
            Some(Layout::Contacts {
                format: FileFormat::MdaemonContactsCsv,
                ..
            })
        ));
    }

    #[test]
    fn the_language_matching_most_columns_wins() {
        let Some(Layout::Calendar { language, .. }) = detect(&names(&[
            "Subject",
            "Start Date",
            "Betreff",
            "Beginnt am",
            "Beginnt um",
            "Ort",
        ])) else {
            panic!("calendar not detected");
        };
        assert_eq!(language, Language::German);
    }

    #[test]
    fn every_table_is_recognised_as_itself_with_all_its_columns() {
        for (expected, table) in calendar::TABLES {
            let header: Vec<String> = table.iter().map(|(name, _)| name.to_string()).collect();
            let Some(Layout::Calendar { language, columns }) = detect(&header) else {
                panic!("{expected:?} calendar not detected");
            };
            assert_eq!(language, expected);
            assert_eq!(columns.matched(), header.len(), "{expected:?} calendar");
        }
        for (expected, table) in contacts::OUTLOOK_TABLES {
            let header: Vec<String> = table.iter().map(|(name, _)| name.to_string()).collect();
            let Some(Layout::Contacts {
                language, columns, ..
            }) = detect(&header)
            else {
                panic!("{expected:?} contacts not detected");
            };
            assert_eq!(language, expected);
            assert_eq!(columns.matched(), header.len(), "{expected:?} contacts");
        }
    }
}
