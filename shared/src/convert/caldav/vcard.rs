//! A contact as a vCard 3.0 card for CardDAV `PUT`.
//!
//! Version 3.0 (RFC 2426) because it is what every CardDAV server and
//! client reads: RFC 6352 §6.1 requires CardDAV servers to support 3.0,
//! 4.0 only optionally, and Apple's, Google's and older servers and
//! clients store or hand out 3.0 cards.
//!
//! How the model's fields are written:
//! * `FN` is the display name (the item's summary; when it has none, the
//!   same fall-back the reader uses: the name, nickname, organization or
//!   first e-mail address); `N` is always written, as 3.0 requires.
//! * Labels (`work`, `cell`, `pref`, …) become one `TYPE=` list, `pref`
//!   included, in the model's order.
//! * The street of an address goes into ADR's street component (its lines
//!   as `\n`), the other components in theirs.
//! * A birthday without a year (`--MM-DD`, which 3.0 cannot say) is
//!   written Apple's way: year 1604 marked `X-APPLE-OMIT-YEAR=1604`.
//! * The item's sensitivity is `CLASS` (RFC 2426 §3.7.1).
//! * An inline photo is `ENCODING=b` with `TYPE=JPEG` (the short type for
//!   common images, the full media type otherwise), a linked one
//!   `VALUE=uri`; one that was too large to keep is a loss.

use super::WriteError;
use super::component::categories_and_class;
use super::resource::{content_uid, resource_name};
use super::text::{ContentLine, ObjectText, Property, plain_text};
use crate::model::{Contact, Item, ItemKind, Labeled, Photo, PostalAddress};
use chrono::NaiveDate;

/// One address object resource: what to `PUT` and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardResource {
    /// `<uid>.vcf` (see [`super::resource`]).
    pub name: String,
    pub uid: String,
    /// The vCard text (CR LF line ends, folded).
    pub text: String,
    /// What could not be written, in plain words.
    pub losses: Vec<String>,
}

/// Writes the contact `item` as a vCard 3.0 card.
pub fn card_resource(item: &Item) -> Result<CardResource, WriteError> {
    if item.kind != ItemKind::Contact {
        return Err(WriteError::WrongKind {
            line: item.line,
            kind: item.kind.label(),
            format: "vCard",
        });
    }
    let contact = item
        .contact
        .as_ref()
        .ok_or(WriteError::NoContact { line: item.line })?;
    let mut losses = Vec::new();
    let body = body(item, contact, &mut losses);
    let uid = match item
        .uid
        .as_deref()
        .map(plain_text)
        .filter(|uid| !uid.is_empty())
    {
        Some(uid) => uid,
        None => content_uid(&format!("VCARD\r\n{}", body.as_str())),
    };
    let mut text = ObjectText::default();
    text.push(Property::new("BEGIN").raw("VCARD"));
    text.push(Property::new("VERSION").raw("3.0"));
    text.push(Property::new("PRODID").text(super::icalendar::PRODUCT_ID));
    text.push(Property::new("UID").text(&uid));
    text.append(&body);
    text.push(Property::new("END").raw("VCARD"));
    Ok(CardResource {
        name: resource_name(&uid, "vcf"),
        uid,
        text: text.into_string(),
        losses,
    })
}

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|v| !v.trim().is_empty())
}

/// Every property but BEGIN, VERSION, PRODID, UID and END.
fn body(item: &Item, contact: &Contact, losses: &mut Vec<String>) -> ObjectText {
    let mut text = ObjectText::default();
    let display_name = present(&item.summary)
        .map(str::to_string)
        .or_else(|| contact.name.display())
        .or_else(|| contact.nickname.clone())
        .or_else(|| contact.organization.clone())
        .or_else(|| contact.emails.first().map(|email| email.value.clone()))
        .unwrap_or_default();
    text.push(Property::new("FN").text(&display_name));
    let name = &contact.name;
    let parts = [
        &name.family,
        &name.given,
        &name.middle,
        &name.prefix,
        &name.suffix,
    ]
    .map(|part| present(part).unwrap_or_default());
    text.push(Property::new("N").texts(&parts, ';'));
    if let Some(nickname) = present(&contact.nickname) {
        text.push(Property::new("NICKNAME").text(nickname));
    }
    for (property, entries) in [("EMAIL", &contact.emails), ("TEL", &contact.phones)] {
        for entry in entries.iter().filter(|e| !e.value.trim().is_empty()) {
            text.push(labeled(property, entry).text(&entry.value));
        }
    }
    for address in &contact.addresses {
        if let Some(line) = address_line(address) {
            text.push(line);
        }
    }
    let organization = present(&contact.organization);
    let department = present(&contact.department);
    if organization.is_some() || department.is_some() {
        let units: Vec<&str> = [organization.unwrap_or_default()]
            .into_iter()
            .chain(department)
            .collect();
        text.push(Property::new("ORG").texts(&units, ';'));
    }
    if let Some(title) = present(&contact.title) {
        text.push(Property::new("TITLE").text(title));
    }
    if let Some(birthday) = &contact.birthday {
        match birthday_line(birthday) {
            Some(line) => text.push(line),
            None => losses.push(format!(
                "The birthday “{birthday}” is not a date; it is left out"
            )),
        }
    }
    for url in contact.urls.iter().filter(|url| !url.trim().is_empty()) {
        text.push(Property::new("URL").raw(url));
    }
    if let Some(note) = present(&item.description) {
        text.push(Property::new("NOTE").text(note));
    }
    categories_and_class(&mut text, item);
    if let Some(photo) = &contact.photo {
        match photo_line(photo) {
            Some(line) => text.push(line),
            None => losses.push(
                "The photo was too large to keep when the file was read; it is left out"
                    .to_string(),
            ),
        }
    }
    text
}

/// `EMAIL` or `TEL` with its labels as one `TYPE=` list.
fn labeled(property: &str, entry: &Labeled) -> Property {
    let labels: Vec<&str> = entry
        .labels
        .iter()
        .map(String::as_str)
        .filter(|label| !label.trim().is_empty())
        .collect();
    Property::new(property).param_list("TYPE", &labels)
}

/// `ADR`: post office box; extended address; street; locality; region;
/// postal code; country. None for an empty address.
fn address_line(address: &PostalAddress) -> Option<ContentLine> {
    let parts = [
        "",
        "",
        present(&address.street).unwrap_or_default(),
        present(&address.city).unwrap_or_default(),
        present(&address.region).unwrap_or_default(),
        present(&address.postal_code).unwrap_or_default(),
        present(&address.country).unwrap_or_default(),
    ];
    if parts.iter().all(|part| part.is_empty()) {
        return None;
    }
    let labels: Vec<&str> = address.labels.iter().map(String::as_str).collect();
    Some(
        Property::new("ADR")
            .param_list("TYPE", &labels)
            .texts(&parts, ';'),
    )
}

/// `BDAY` from `YYYY-MM-DD`, or from `--MM-DD` in Apple's way.
fn birthday_line(birthday: &str) -> Option<ContentLine> {
    /// A leap year before any real birthday, as Apple's clients use.
    const OMITTED_YEAR: &str = "1604";
    match birthday.strip_prefix("--") {
        Some(month_day) => {
            let date = format!("{OMITTED_YEAR}-{month_day}");
            NaiveDate::parse_from_str(&date, "%Y-%m-%d").ok()?;
            Some(
                Property::new("BDAY")
                    .param("X-APPLE-OMIT-YEAR", OMITTED_YEAR)
                    .raw(&date),
            )
        }
        None => {
            let date = NaiveDate::parse_from_str(birthday, "%Y-%m-%d").ok()?;
            Some(Property::new("BDAY").raw(&date.format("%Y-%m-%d").to_string()))
        }
    }
}

/// `PHOTO`, inline or linked; None when the model kept neither.
fn photo_line(photo: &Photo) -> Option<ContentLine> {
    let media_type = photo.media_type.as_deref().map(photo_type);
    if let Some(base64) = photo.base64.as_deref().filter(|b| !b.is_empty()) {
        let property = Property::new("PHOTO").param("ENCODING", "b");
        let property = match &media_type {
            Some(kind) => property.param("TYPE", kind),
            None => property,
        };
        return Some(property.raw(base64));
    }
    let url = photo.url.as_deref().filter(|url| !url.trim().is_empty())?;
    let property = Property::new("PHOTO").param("VALUE", "uri");
    let property = match &media_type {
        Some(kind) => property.param("TYPE", kind),
        None => property,
    };
    Some(property.raw(url))
}

/// `JPEG` for `image/jpeg` and the other common images; the media type
/// as it is otherwise.
fn photo_type(media_type: &str) -> String {
    match media_type.to_ascii_lowercase().strip_prefix("image/") {
        Some(subtype @ ("jpeg" | "png" | "gif" | "bmp" | "tiff" | "webp" | "heic")) => {
            subtype.to_ascii_uppercase()
        }
        _ => media_type.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(line: Option<ContentLine>) -> Option<String> {
        let mut text = ObjectText::default();
        text.push(line?);
        Some(text.into_string())
    }

    #[test]
    fn birthdays_with_and_without_a_year() {
        assert_eq!(
            written(birthday_line("1970-07-14")).as_deref(),
            Some("BDAY:1970-07-14\r\n")
        );
        assert_eq!(
            written(birthday_line("--02-29")).as_deref(),
            Some("BDAY;X-APPLE-OMIT-YEAR=1604:1604-02-29\r\n")
        );
        assert_eq!(written(birthday_line("--02-30")), None);
        assert_eq!(written(birthday_line("circa 1800")), None);
    }

    #[test]
    fn photo_types_are_short_for_common_images() {
        assert_eq!(photo_type("image/jpeg"), "JPEG");
        assert_eq!(photo_type("IMAGE/PNG"), "PNG");
        assert_eq!(photo_type("image/svg+xml"), "image/svg+xml");
        let linked = Photo {
            url: Some("https://example.com/me.gif".into()),
            media_type: Some("image/gif".into()),
            ..Photo::default()
        };
        assert_eq!(
            written(photo_line(&linked)).as_deref(),
            Some("PHOTO;VALUE=uri;TYPE=GIF:https://example.com/me.gif\r\n")
        );
        assert_eq!(written(photo_line(&Photo::default())), None);
    }
}
