//! Reading `calcard`'s vCard properties as plain text: values, their
//! labels (`TYPE`), and the one property kept when a card repeats one that
//! should appear once.

use crate::text::decode;
use calcard::common::IanaString;
use calcard::vcard::{
    VCard, VCardEntry, VCardParameterName, VCardParameterValue, VCardProperty, VCardValue,
};

/// Turns values into text, remembering when bytes had to be guessed.
#[derive(Debug, Default)]
pub(super) struct Texts {
    /// Some value was not valid in its declared character set (`calcard`
    /// then hands over bytes) and was read as UTF-8 or Windows-1252.
    pub guessed_charset: bool,
}

impl Texts {
    /// The text of one value; the parts of a multi-valued component are
    /// joined with `join`. `None` when empty or not text.
    pub fn value(&mut self, value: &VCardValue, join: &str) -> Option<String> {
        match value {
            VCardValue::Text(text) => clean(text),
            VCardValue::Component(parts) => {
                let parts: Vec<String> = parts.iter().filter_map(|part| clean(part)).collect();
                clean(&parts.join(join))
            }
            VCardValue::Binary(data) if data.content_type.is_none() => {
                self.guessed_charset = true;
                clean(&decode(&data.data).text)
            }
            VCardValue::Sex(_) | VCardValue::GramGender(_) | VCardValue::Kind(_) => {
                value.as_text().and_then(clean)
            }
            VCardValue::Integer(number) => Some(number.to_string()),
            VCardValue::Float(number) => Some(number.to_string()),
            VCardValue::Binary(_) | VCardValue::Boolean(_) | VCardValue::PartialDateTime(_) => None,
        }
    }

    /// The `index`-th component of a structured value (`N`, `ADR`, `ORG`).
    pub fn component(&mut self, entry: &VCardEntry, index: usize, join: &str) -> Option<String> {
        self.value(entry.values.get(index)?, join)
    }

    /// Every value of `entry` that has text.
    pub fn all(&mut self, entry: &VCardEntry, join: &str) -> Vec<String> {
        entry
            .values
            .iter()
            .filter_map(|value| self.value(value, join))
            .collect()
    }

    /// The values of `entry` as one text, joined with `join`.
    pub fn joined(&mut self, entry: &VCardEntry, join: &str) -> Option<String> {
        clean(&self.all(entry, join).join(join))
    }
}

/// Trimmed text with line breaks as `\n`; `None` when empty.
pub(super) fn clean(text: &str) -> Option<String> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    Some(if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_string()
    })
}

/// The first `property` of the card that has a value. When the card holds
/// others with different values (and they are not alternative spellings,
/// `ALTID`), a note says which one was kept.
pub(super) fn first_of<'c>(
    vcard: &'c VCard,
    property: &VCardProperty,
    notes: &mut Vec<String>,
) -> Option<&'c VCardEntry> {
    let mut present = vcard
        .entries
        .iter()
        .filter(|entry| &entry.name == property && entry.values.iter().any(has_content));
    let first = present.next()?;
    let (mut others, mut different) = (0, false);
    for other in present {
        others += 1;
        different |= other.values != first.values
            && (other.alt_id().is_none() || other.alt_id() != first.alt_id());
    }
    if different {
        notes.push(format!(
            "The card has {} {} lines with different values; only the first is kept",
            others + 1,
            property.as_str()
        ));
    }
    Some(first)
}

fn has_content(value: &VCardValue) -> bool {
    match value {
        VCardValue::Text(text) => !text.trim().is_empty(),
        VCardValue::Component(parts) => parts.iter().any(|part| !part.trim().is_empty()),
        _ => true,
    }
}

/// Labels of an e-mail address, phone number or postal address, lower
/// case and without repeats: its `TYPE`s (`work`, `home`, `cell`, …),
/// `pref` when it is the preferred one, and vCard 2.1's bare types
/// (`EMAIL;INTERNET;HOME:`).
pub(super) fn labels(entry: &VCardEntry) -> Vec<String> {
    let mut labels: Vec<String> = Vec::new();
    for parameter in &entry.params {
        let found: Vec<String> = match (&parameter.name, &parameter.value) {
            (VCardParameterName::Type, VCardParameterValue::Type(kind)) => {
                vec![kind.as_str().to_ascii_lowercase()]
            }
            (VCardParameterName::Type, VCardParameterValue::Text(text)) => text
                .split(',')
                .map(|label| label.trim().trim_matches('"').to_lowercase())
                .collect(),
            (VCardParameterName::Pref, VCardParameterValue::Null)
            | (VCardParameterName::Pref, VCardParameterValue::Integer(1)) => {
                vec!["pref".to_string()]
            }
            (VCardParameterName::Other(name), VCardParameterValue::Null) if is_bare_type(name) => {
                vec![name.to_lowercase()]
            }
            _ => Vec::new(),
        };
        for label in found {
            if !label.is_empty() && !labels.contains(&label) {
                labels.push(label);
            }
        }
    }
    labels
}

/// A vCard 2.1 parameter written without a name that is a type
/// (`INTERNET`, `MSG`, `PARCEL`), not an encoding or an extension.
fn is_bare_type(name: &str) -> bool {
    const NOT_TYPES: [&str; 6] = ["BASE64", "B", "Q", "7BIT", "8BIT", "QUOTED-PRINTABLE"];
    !name.is_empty()
        && name.bytes().all(|b| b.is_ascii_alphanumeric())
        && !NOT_TYPES
            .iter()
            .any(|other| name.eq_ignore_ascii_case(other))
}

#[cfg(test)]
mod tests {
    use super::*;
    use calcard::{Entry, Parser};

    fn card(text: &str) -> VCard {
        match Parser::new(text).entry() {
            Entry::VCard(vcard) => vcard,
            other => panic!("not a card: {other:?}"),
        }
    }

    #[test]
    fn labels_come_from_every_way_of_writing_types() {
        let vcard = card(
            "BEGIN:VCARD\r\nEMAIL;PREF;INTERNET;HOME:a@b\r\nEMAIL;TYPE=WORK,INTERNET;TYPE=pref:c@d\r\nTEL;TYPE=\"voice,cell\";PREF=1:1\r\nTEL;PREF=2;X-CUSTOM=1;X-FLAG:2\r\nEND:VCARD\r\n",
        );
        let found: Vec<Vec<String>> = vcard.entries.iter().map(labels).collect();
        assert_eq!(
            found,
            [
                vec!["pref", "internet", "home"],
                vec!["work", "internet", "pref"],
                vec!["voice", "cell", "pref"],
                vec![],
            ]
        );
    }

    #[test]
    fn only_different_repeats_are_noted() {
        let vcard = card(
            "BEGIN:VCARD\r\nORG:A\r\nORG:A\r\nTITLE:\r\nTITLE:Boss\r\nTITLE:Chief\r\nEND:VCARD\r\n",
        );
        let mut notes = Vec::new();
        let org = first_of(&vcard, &VCardProperty::Org, &mut notes);
        assert!(org.is_some());
        assert!(notes.is_empty(), "{notes:?}");
        let title = first_of(&vcard, &VCardProperty::Title, &mut notes);
        assert_eq!(title.and_then(|t| t.values[0].as_text()), Some("Boss"));
        assert_eq!(
            notes,
            ["The card has 2 TITLE lines with different values; only the first is kept"]
        );
    }

    #[test]
    fn text_is_trimmed_and_line_breaks_unified() {
        assert_eq!(clean("  a\r\nb\rc "), Some("a\nb\nc".to_string()));
        assert_eq!(clean(" \r\n "), None);
    }
}
