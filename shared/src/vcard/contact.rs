//! From a card parsed by `calcard` to Ferry's [`Contact`] and the item
//! fields a contact fills (display name, UID, note, categories).

use super::photo::read_photo;
use super::values::{Texts, clean, first_of, labels};
use crate::limits::ParseLimits;
use crate::model::{Contact, Labeled, Name, PostalAddress};
use calcard::vcard::{VCard, VCardEntry, VCardKind, VCardParameterName, VCardProperty, VCardValue};
use chrono::NaiveDate;

/// What one card gives.
#[derive(Debug, Default)]
pub(super) struct ReadContact {
    pub contact: Contact,
    /// `FN`, or a name built from what the card has.
    pub display_name: Option<String>,
    pub uid: Option<String>,
    /// `NOTE`.
    pub note: Option<String>,
    pub categories: Vec<String>,
    /// Problems, in plain words.
    pub notes: Vec<String>,
}

/// Maps `vcard` into the model.
pub(super) fn read_contact(vcard: &VCard, limits: &ParseLimits) -> ReadContact {
    let mut texts = Texts::default();
    let mut notes = Vec::new();
    let mut contact = Contact {
        name: first_of(vcard, &VCardProperty::N, &mut notes)
            .map(|entry| name(entry, &mut texts))
            .unwrap_or_default(),
        nickname: clean(
            &vcard
                .properties(&VCardProperty::Nickname)
                .flat_map(|entry| texts.all(entry, " "))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        emails: labeled(vcard, &VCardProperty::Email, &mut texts),
        phones: labeled(vcard, &VCardProperty::Tel, &mut texts),
        addresses: vcard
            .properties(&VCardProperty::Adr)
            .filter_map(|entry| address(entry, &mut texts))
            .collect(),
        ..Contact::default()
    };
    if let Some(org) = first_of(vcard, &VCardProperty::Org, &mut notes) {
        let units = texts.all(org, ", ");
        let mut units = units.into_iter();
        contact.organization = units.next();
        contact.department = clean(&units.collect::<Vec<_>>().join(", "));
    }
    contact.title = first_of(vcard, &VCardProperty::Title, &mut notes)
        .and_then(|entry| texts.joined(entry, ", "));
    if let Some(entry) = first_of(vcard, &VCardProperty::Bday, &mut notes) {
        match birthday(entry) {
            Some(day) => contact.birthday = Some(day),
            None => notes.push(
                "The birthday (BDAY) could not be read as a date; it is left out".to_string(),
            ),
        }
    }
    contact.urls = vcard
        .properties(&VCardProperty::Url)
        .flat_map(|entry| entry.values.iter())
        .filter_map(|value| match value {
            VCardValue::Text(url) => clean(url),
            _ => None,
        })
        .collect();
    if let Some(entry) = first_of(vcard, &VCardProperty::Photo, &mut notes) {
        let (photo, note) = read_photo(entry, limits);
        contact.photo = photo;
        notes.extend(note);
    }

    let display_name = first_of(vcard, &VCardProperty::Fn, &mut notes)
        .and_then(|entry| texts.joined(entry, " "))
        .or_else(|| contact.name.display())
        .or_else(|| contact.nickname.clone())
        .or_else(|| contact.organization.clone())
        .or_else(|| contact.emails.first().map(|email| email.value.clone()));
    if display_name.is_none() {
        notes.push("This contact has no name and no e-mail address".to_string());
    }
    if is_group(vcard) {
        notes.push(
            "This card is a contact group (KIND:group); it is read as one contact, without its members"
                .to_string(),
        );
    }
    let uid =
        first_of(vcard, &VCardProperty::Uid, &mut notes).and_then(|entry| texts.joined(entry, ","));
    let note = clean(
        &vcard
            .properties(&VCardProperty::Note)
            .filter_map(|entry| texts.joined(entry, ","))
            .collect::<Vec<_>>()
            .join("\n\n"),
    );
    let mut categories: Vec<String> = Vec::new();
    for category in vcard
        .properties(&VCardProperty::Categories)
        .flat_map(|entry| texts.all(entry, ","))
    {
        if !categories.contains(&category) {
            categories.push(category);
        }
    }
    if texts.guessed_charset {
        notes.push(
            "Some text is not valid in the character set the card declares; it was read as Windows-1252"
                .to_string(),
        );
    }
    ReadContact {
        contact,
        display_name,
        uid,
        note,
        categories,
        notes,
    }
}

/// A group card: vCard 4.0 `KIND:group`, or Apple's 3.0 spelling
/// `X-ADDRESSBOOKSERVER-KIND:group`.
fn is_group(vcard: &VCard) -> bool {
    vcard
        .entries
        .iter()
        .filter(|entry| {
            entry.name == VCardProperty::Kind
                || entry
                    .name
                    .as_str()
                    .eq_ignore_ascii_case("X-ADDRESSBOOKSERVER-KIND")
        })
        .flat_map(|entry| entry.values.first())
        .any(|value| match value {
            VCardValue::Kind(kind) => *kind == VCardKind::Group,
            other => other
                .as_text()
                .is_some_and(|text| text.trim().eq_ignore_ascii_case("group")),
        })
}

/// `N`: family; given; additional; prefixes; suffixes.
fn name(entry: &VCardEntry, texts: &mut Texts) -> Name {
    Name {
        family: texts.component(entry, 0, " "),
        given: texts.component(entry, 1, " "),
        middle: texts.component(entry, 2, " "),
        prefix: texts.component(entry, 3, " "),
        suffix: texts.component(entry, 4, " "),
    }
}

/// `EMAIL` or `TEL` lines with their labels.
fn labeled(vcard: &VCard, property: &VCardProperty, texts: &mut Texts) -> Vec<Labeled> {
    vcard
        .properties(property)
        .filter_map(|entry| {
            let value = texts.joined(entry, ",")?;
            let value = strip_scheme(&value, property).to_string();
            Some(Labeled {
                value,
                labels: labels(entry),
            })
        })
        .collect()
}

/// `tel:+1…` (vCard 4.0 `VALUE=uri`) and `mailto:a@b` hold the bare value.
fn strip_scheme<'v>(value: &'v str, property: &VCardProperty) -> &'v str {
    let scheme = match property {
        VCardProperty::Tel => "tel:",
        VCardProperty::Email => "mailto:",
        _ => return value,
    };
    match value.get(..scheme.len()) {
        Some(head) if head.eq_ignore_ascii_case(scheme) => value[scheme.len()..].trim(),
        _ => value,
    }
}

/// `ADR`: post office box; extended address; street; locality; region;
/// postal code; country. The first three make the street, one per line.
fn address(entry: &VCardEntry, texts: &mut Texts) -> Option<PostalAddress> {
    let street_lines: Vec<String> = [2, 1, 0]
        .into_iter()
        .filter_map(|index| texts.component(entry, index, ", "))
        .collect();
    let address = PostalAddress {
        labels: labels(entry),
        street: clean(&street_lines.join("\n")),
        city: texts.component(entry, 3, ", "),
        region: texts.component(entry, 4, ", "),
        postal_code: texts.component(entry, 5, ", "),
        country: texts.component(entry, 6, ", "),
    };
    let empty = address.street.is_none()
        && address.city.is_none()
        && address.region.is_none()
        && address.postal_code.is_none()
        && address.country.is_none();
    (!empty).then_some(address)
}

/// `BDAY` as `YYYY-MM-DD`, or `--MM-DD` when the year is unknown (left
/// out, or Apple's placeholder year marked by `X-APPLE-OMIT-YEAR`).
fn birthday(entry: &VCardEntry) -> Option<String> {
    let (year, month, day) = match entry.values.first()? {
        VCardValue::PartialDateTime(date) => (date.year, date.month?, date.day?),
        // calcard reads dates by the card's version; a card without
        // VERSION may still write `1963-09-21`.
        VCardValue::Text(text) => date_from_text(text)?,
        _ => return None,
    };
    let year = year.filter(|year| Some(*year) != omitted_year(entry));
    format_birthday(year, month, day)
}

/// `YYYY-MM-DD`, `YYYYMMDD`, `--MM-DD` or `--MMDD`, with any time after
/// a `T` ignored.
fn date_from_text(text: &str) -> Option<(Option<u16>, u8, u8)> {
    let date = text.trim().split(['T', 't']).next()?;
    let (year_known, digits) = match date.strip_prefix("--") {
        Some(rest) => (false, rest.replace('-', "")),
        None => (true, date.replace('-', "")),
    };
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let number = |range: std::ops::Range<usize>| digits.get(range)?.parse::<u16>().ok();
    match (year_known, digits.len()) {
        (true, 8) => Some((
            Some(number(0..4)?),
            u8::try_from(number(4..6)?).ok()?,
            u8::try_from(number(6..8)?).ok()?,
        )),
        (false, 4) => Some((
            None,
            u8::try_from(number(0..2)?).ok()?,
            u8::try_from(number(2..4)?).ok()?,
        )),
        _ => None,
    }
}

fn format_birthday(year: Option<u16>, month: u8, day: u8) -> Option<String> {
    match year {
        // Two- or three-digit years ("70-7-14") are guesses, not dates.
        Some(year) if year >= 1000 => {
            let valid = NaiveDate::from_ymd_opt(i32::from(year), u32::from(month), u32::from(day))?;
            Some(valid.format("%Y-%m-%d").to_string())
        }
        Some(_) => None,
        None => {
            // 2000 is a leap year: 29 February is a valid birthday.
            NaiveDate::from_ymd_opt(2000, u32::from(month), u32::from(day))?;
            Some(format!("--{month:02}-{day:02}"))
        }
    }
}

fn omitted_year(entry: &VCardEntry) -> Option<u16> {
    let name = VCardParameterName::Other("X-APPLE-OMIT-YEAR".to_string());
    entry
        .parameters(&name)
        .find_map(|value| value.as_text())
        .and_then(|year| year.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use calcard::{Entry, Parser};

    fn read(lines: &str) -> ReadContact {
        let text = format!("BEGIN:VCARD\r\n{lines}END:VCARD\r\n");
        let Entry::VCard(vcard) = Parser::new(&text).entry() else {
            panic!("a card");
        };
        read_contact(&vcard, &ParseLimits::default())
    }

    #[test]
    fn a_full_card_fills_every_field() {
        let read = read(concat!(
            "VERSION:4.0\r\n",
            "FN:Dr. John Q. Public Esq.\r\n",
            "N:Public;John;Quinlan,Q.;Dr.;Esq.\r\n",
            "NICKNAME:Johnny,JQ\r\n",
            "EMAIL;TYPE=work;PREF=1:mailto:john@example.com\r\n",
            "TEL;VALUE=uri;TYPE=\"cell,voice\":tel:+1-555-0100\r\n",
            "ADR;TYPE=home:PO Box 1;Apt 2;1 Main St;Springfield;IL;62701;USA\r\n",
            "ORG:ACME\\, Inc.;Sales;East\r\n",
            "TITLE:Manager\r\n",
            "BDAY:19700714\r\n",
            "URL:https://example.com/\r\n",
            "NOTE:Line one\\nLine two\r\n",
            "CATEGORIES:Friends,Work,Friends\r\n",
            "UID:urn:uuid:42\r\n",
        ));
        assert!(read.notes.is_empty(), "{:?}", read.notes);
        assert_eq!(
            read.display_name.as_deref(),
            Some("Dr. John Q. Public Esq.")
        );
        assert_eq!(read.uid.as_deref(), Some("urn:uuid:42"));
        assert_eq!(read.note.as_deref(), Some("Line one\nLine two"));
        assert_eq!(read.categories, ["Friends", "Work"]);
        let c = read.contact;
        assert_eq!(c.name.family.as_deref(), Some("Public"));
        assert_eq!(c.name.middle.as_deref(), Some("Quinlan Q."));
        assert_eq!(c.name.prefix.as_deref(), Some("Dr."));
        assert_eq!(c.name.suffix.as_deref(), Some("Esq."));
        assert_eq!(c.nickname.as_deref(), Some("Johnny, JQ"));
        assert_eq!(c.emails[0].value, "john@example.com");
        assert_eq!(c.emails[0].labels, ["work", "pref"]);
        assert_eq!(c.phones[0].value, "+1-555-0100");
        assert_eq!(c.phones[0].labels, ["cell", "voice"]);
        let address = &c.addresses[0];
        assert_eq!(
            address.street.as_deref(),
            Some("1 Main St\nApt 2\nPO Box 1")
        );
        assert_eq!(address.city.as_deref(), Some("Springfield"));
        assert_eq!(address.postal_code.as_deref(), Some("62701"));
        assert_eq!(address.labels, ["home"]);
        assert_eq!(c.organization.as_deref(), Some("ACME, Inc."));
        assert_eq!(c.department.as_deref(), Some("Sales, East"));
        assert_eq!(c.title.as_deref(), Some("Manager"));
        assert_eq!(c.birthday.as_deref(), Some("1970-07-14"));
        assert_eq!(c.urls, ["https://example.com/"]);
    }

    #[test]
    fn the_display_name_falls_back_in_order() {
        let shown = |lines: &str| read(lines).display_name;
        assert_eq!(
            shown("N:Doe;Jane;;;\r\nORG:X\r\n").as_deref(),
            Some("Jane Doe")
        );
        assert_eq!(shown("ORG:X\r\nEMAIL:a@b\r\n").as_deref(), Some("X"));
        assert_eq!(shown("EMAIL:a@b\r\n").as_deref(), Some("a@b"));
        let nameless = read("TEL:123\r\n");
        assert_eq!(nameless.display_name, None);
        assert_eq!(
            nameless.notes,
            ["This contact has no name and no e-mail address"]
        );
    }

    #[test]
    fn birthdays_without_a_year_or_with_a_bad_one() {
        let day = |lines: &str| read(lines).contact.birthday;
        assert_eq!(
            day("VERSION:4.0\r\nBDAY:--0229\r\n").as_deref(),
            Some("--02-29")
        );
        assert_eq!(
            day("VERSION:3.0\r\nBDAY;X-APPLE-OMIT-YEAR=1604:1604-03-15\r\n").as_deref(),
            Some("--03-15")
        );
        assert_eq!(
            day("VERSION:3.0\r\nBDAY:1996-04-15\r\n").as_deref(),
            Some("1996-04-15")
        );
        let bad = read("VERSION:3.0\r\nFN:x\r\nBDAY:70-7-14\r\n");
        assert_eq!(bad.contact.birthday, None);
        assert_eq!(
            bad.notes,
            ["The birthday (BDAY) could not be read as a date; it is left out"]
        );
        assert_eq!(day("VERSION:3.0\r\nBDAY:1996-02-30\r\n"), None);
        assert_eq!(
            day("VERSION:3.0\r\nBDAY:1963-09-21T00:00:00\r\n").as_deref(),
            Some("1963-09-21")
        );
        assert_eq!(
            day("BDAY;VALUE=text:--12-24\r\n").as_deref(),
            Some("--12-24")
        );
        assert_eq!(day("BDAY;VALUE=text:circa 1800\r\n"), None);
    }

    #[test]
    fn groups_are_noted() {
        let note = "This card is a contact group (KIND:group); it is read as one contact, without its members";
        assert_eq!(
            read("VERSION:4.0\r\nKIND:group\r\nFN:Team\r\n").notes,
            [note]
        );
        assert_eq!(
            read("VERSION:3.0\r\nX-ADDRESSBOOKSERVER-KIND:group\r\nFN:Team\r\n").notes,
            [note]
        );
        assert!(
            read("VERSION:4.0\r\nKIND:individual\r\nFN:Me\r\n")
                .notes
                .is_empty()
        );
    }

    #[test]
    fn empty_values_are_left_out() {
        let read = read("FN:x\r\nTEL;HOME;FAX:\r\nEMAIL:\r\nADR:;;;;;;\r\nURL:\r\n");
        let c = read.contact;
        assert!(c.phones.is_empty() && c.emails.is_empty());
        assert!(c.addresses.is_empty() && c.urls.is_empty());
    }
}
