//! The words Outlook writes into its CSV fields — yes/no, priority,
//! sensitivity, free/busy — in every language Ferry reads, and lists
//! separated by semicolons.
//!
//! Words are compared without regard to case. `True`/`False` (English),
//! `Ein`/`Aus` (German), `Vrai`/`Faux` (French), `Waar`/`Onwaar` (Dutch)
//! and `Normal`/`Normale` are confirmed by real exports (see
//! `fixtures/csv/README.md`); the other translations are Outlook's labels
//! for the same choices.

use crate::model::{Sensitivity, ShowAs};

fn is_one_of(value: &str, words: &[&str]) -> bool {
    let value = value.trim().to_lowercase();
    words.contains(&value.as_str())
}

/// A yes/no field.
pub(super) fn boolean(value: &str) -> Option<bool> {
    const YES: &[&str] = &[
        "true", "yes", "1", "on", "ein", "ja", "wahr", "vrai", "oui", "waar",
    ];
    const NO: &[&str] = &[
        "false", "no", "0", "off", "aus", "nein", "falsch", "faux", "non", "onwaar", "nee",
    ];
    if is_one_of(value, YES) {
        Some(true)
    } else if is_one_of(value, NO) {
        Some(false)
    } else {
        None
    }
}

/// Outlook's importance as an iCalendar priority: high 1, normal 5, low 9.
pub(super) fn priority(value: &str) -> Option<u8> {
    if is_one_of(value, &["high", "hoch", "haute", "élevée", "hoog"]) {
        Some(1)
    } else if is_one_of(value, &["normal", "normale", "normaal"]) {
        Some(5)
    } else if is_one_of(value, &["low", "niedrig", "basse", "faible", "laag"]) {
        Some(9)
    } else {
        None
    }
}

/// Outlook's sensitivity. iCalendar has no "personal": like Exchange, Ferry
/// treats it as private.
pub(super) fn sensitivity(value: &str) -> Option<Sensitivity> {
    if is_one_of(value, &["normal", "normale", "normaal"]) {
        Some(Sensitivity::Public)
    } else if is_one_of(
        value,
        &[
            "personal",
            "persönlich",
            "personnel",
            "personnelle",
            "persoonlijk",
            "private",
            "privat",
            "privé",
            "privée",
            "prive",
        ],
    ) {
        Some(Sensitivity::Private)
    } else if is_one_of(
        value,
        &[
            "confidential",
            "vertraulich",
            "confidentiel",
            "confidentielle",
            "vertrouwelijk",
        ],
    ) {
        Some(Sensitivity::Confidential)
    } else {
        None
    }
}

/// The stricter of two sensitivities (a private flag and a sensitivity
/// column can both be set).
pub(super) fn stricter(a: Option<Sensitivity>, b: Option<Sensitivity>) -> Option<Sensitivity> {
    let rank = |s: &Option<Sensitivity>| match s {
        None => 0,
        Some(Sensitivity::Public) => 1,
        Some(Sensitivity::Private) => 2,
        Some(Sensitivity::Confidential) => 3,
    };
    if rank(&b) > rank(&a) { b } else { a }
}

/// "Show time as": Outlook writes the number of its busy status (0 free,
/// 1 tentative, 2 busy, 3 out of office, 4 working elsewhere — the values
/// of `PidLidBusyStatus`); the words are accepted too.
pub(super) fn show_as(value: &str) -> Option<ShowAs> {
    match value.trim() {
        "0" => return Some(ShowAs::Free),
        "1" => return Some(ShowAs::Tentative),
        "2" => return Some(ShowAs::Busy),
        "3" => return Some(ShowAs::OutOfOffice),
        "4" => return Some(ShowAs::WorkingElsewhere),
        _ => {}
    }
    if is_one_of(
        value,
        &["free", "frei", "libre", "disponible", "beschikbaar", "vrij"],
    ) {
        Some(ShowAs::Free)
    } else if is_one_of(
        value,
        &[
            "tentative",
            "mit vorbehalt",
            "provisoire",
            "onder voorbehoud",
            "voorlopig",
        ],
    ) {
        Some(ShowAs::Tentative)
    } else if is_one_of(
        value,
        &["busy", "gebucht", "beschäftigt", "occupé", "bezet"],
    ) {
        Some(ShowAs::Busy)
    } else if is_one_of(
        value,
        &[
            "out of office",
            "abwesend",
            "absent",
            "absent du bureau",
            "afwezig",
            "niet op kantoor",
        ],
    ) {
        Some(ShowAs::OutOfOffice)
    } else if is_one_of(
        value,
        &[
            "working elsewhere",
            "woanders tätig",
            "travail à l'extérieur",
            "elders aan het werk",
        ],
    ) {
        Some(ShowAs::WorkingElsewhere)
    } else {
        None
    }
}

/// The entries of a `;`-separated list (categories, attendees), trimmed,
/// empty ones left out.
pub(super) fn list(value: &str) -> Vec<String> {
    value
        .split(';')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(str::to_string)
        .collect()
}

/// The note for a field whose value Ferry does not understand.
pub(super) fn not_understood(column: &str, value: &str) -> String {
    format!("{column} “{value}” is not a value Ferry understands; it was left out")
}

/// The note for a date or time (`what`) Ferry cannot read.
pub(super) fn unreadable(what: &str, column: &str, value: &str) -> String {
    format!("{column} “{value}” is not a {what} Ferry can read")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yes_and_no_in_every_language() {
        for yes in ["True", "EIN", "vrai", "Waar", "1"] {
            assert_eq!(boolean(yes), Some(true), "{yes}");
        }
        for no in ["False", "Aus", "Faux", "onwaar", "0"] {
            assert_eq!(boolean(no), Some(false), "{no}");
        }
        assert_eq!(boolean("maybe"), None);
    }

    #[test]
    fn priorities_and_sensitivities() {
        assert_eq!(priority("High"), Some(1));
        assert_eq!(priority("Normale"), Some(5));
        assert_eq!(priority("Niedrig"), Some(9));
        assert_eq!(priority("urgent"), None);
        assert_eq!(sensitivity("Personal"), Some(Sensitivity::Private));
        assert_eq!(sensitivity("Vertraulich"), Some(Sensitivity::Confidential));
        assert_eq!(
            stricter(Some(Sensitivity::Confidential), Some(Sensitivity::Private)),
            Some(Sensitivity::Confidential)
        );
        assert_eq!(
            stricter(Some(Sensitivity::Public), Some(Sensitivity::Private)),
            Some(Sensitivity::Private)
        );
    }

    #[test]
    fn show_time_as_numbers_and_words() {
        assert_eq!(show_as("0"), Some(ShowAs::Free));
        assert_eq!(show_as("2"), Some(ShowAs::Busy));
        assert_eq!(show_as("3"), Some(ShowAs::OutOfOffice));
        assert_eq!(show_as("Out of Office"), Some(ShowAs::OutOfOffice));
        assert_eq!(show_as("5"), None);
    }

    #[test]
    fn lists_drop_empty_entries() {
        assert_eq!(list(" a ;; b;"), vec!["a", "b"]);
        assert!(list(" ; ").is_empty());
    }
}
