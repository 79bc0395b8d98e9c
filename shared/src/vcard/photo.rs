//! A contact's picture (`PHOTO`): inline (vCard 2.1/3.0 `ENCODING=b` or
//! `BASE64`, vCard 4.0 `data:` URIs) or a link. Inline pictures are kept
//! only up to [`ParseLimits::max_photo_bytes`]; a larger one is noted and
//! left out, keeping its size and media type.

use super::values::clean;
use crate::limits::ParseLimits;
use crate::model::Photo;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use calcard::vcard::{VCardEntry, VCardParameterName, VCardParameterValue, VCardValue};

/// The photo of `entry`, and a note when it is not kept whole.
pub(super) fn read_photo(
    entry: &VCardEntry,
    limits: &ParseLimits,
) -> (Option<Photo>, Option<String>) {
    let unreadable = || {
        (
            None,
            Some("The photo could not be read; it is left out".to_string()),
        )
    };
    match entry.values.first() {
        Some(VCardValue::Binary(data)) => {
            let media_type = data
                .content_type
                .as_deref()
                .and_then(clean)
                .map(|media_type| media_type.to_ascii_lowercase())
                .or_else(|| declared_media_type(entry));
            let size = data.data.len();
            if size == 0 {
                return unreadable();
            }
            let mut photo = Photo {
                media_type,
                size,
                ..Photo::default()
            };
            if size <= limits.max_photo_bytes {
                photo.base64 = Some(STANDARD.encode(&data.data));
                (Some(photo), None)
            } else {
                let note = format!(
                    "The photo is {}, larger than the limit of {}; it is left out",
                    size_label(size, Rounding::Up),
                    size_label(limits.max_photo_bytes, Rounding::Down)
                );
                (Some(photo), Some(note))
            }
        }
        Some(VCardValue::Text(text)) => match clean(text) {
            // An inline picture calcard could not decode stays as text;
            // only a link is kept as one.
            Some(url) if is_link(&url) => (
                Some(Photo {
                    media_type: declared_media_type(entry),
                    url: Some(url),
                    ..Photo::default()
                }),
                None,
            ),
            _ => unreadable(),
        },
        _ => unreadable(),
    }
}

/// A URL with a scheme (`http:`, `https:`, `cid:` …, but not `data:`) or
/// one starting `www.`.
fn is_link(text: &str) -> bool {
    if text.starts_with("www.") {
        return true;
    }
    let Some((scheme, rest)) = text.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    let scheme_is_valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    scheme_is_valid
        && !scheme.eq_ignore_ascii_case("data")
        && !rest.is_empty()
        && !text.contains(char::is_whitespace)
}

/// The media type the parameters give: `MEDIATYPE=image/png` (4.0) or a
/// picture type (`TYPE=JPEG`, or 2.1's bare `GIF`).
fn declared_media_type(entry: &VCardEntry) -> Option<String> {
    entry
        .params
        .iter()
        .find_map(|parameter| match (&parameter.name, &parameter.value) {
            (VCardParameterName::Mediatype, VCardParameterValue::Text(text)) => {
                clean(text).map(|text| text.to_ascii_lowercase())
            }
            (VCardParameterName::Type, VCardParameterValue::Text(text)) => image_type(text),
            (VCardParameterName::Other(name), VCardParameterValue::Null) => image_type(name),
            _ => None,
        })
}

/// `image/…` for a vCard 2.1/3.0 picture type.
fn image_type(token: &str) -> Option<String> {
    let token = token.trim().to_ascii_lowercase();
    if token.starts_with("image/") {
        return Some(token);
    }
    let subtype = match token.as_str() {
        "jpeg" | "jpg" => "jpeg",
        "tiff" | "tif" => "tiff",
        "png" | "gif" | "bmp" | "webp" | "heic" => token.as_str(),
        _ => return None,
    };
    Some(format!("image/{subtype}"))
}

#[derive(Debug, Clone, Copy)]
enum Rounding {
    Up,
    Down,
}

/// `812 bytes` or `257 KB` (1 KB = 1024 bytes). The photo's size rounds
/// up and the limit down, so a photo just over the limit never reads as
/// equal to it.
fn size_label(bytes: usize, rounding: Rounding) -> String {
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    let kilobytes = match rounding {
        Rounding::Up => bytes.div_ceil(1024),
        Rounding::Down => bytes / 1024,
    };
    format!("{kilobytes} KB")
}

#[cfg(test)]
mod tests {
    use super::*;
    use calcard::vcard::VCard;
    use calcard::{Entry, Parser};

    fn photo_of(line: &str, max_photo_bytes: usize) -> (Option<Photo>, Option<String>) {
        let text = format!("BEGIN:VCARD\r\nVERSION:3.0\r\n{line}\r\nEND:VCARD\r\n");
        let Entry::VCard(vcard) = Parser::new(&text).entry() else {
            panic!("a card");
        };
        let vcard: VCard = vcard;
        let entry = vcard
            .entries
            .iter()
            .find(|entry| entry.name == calcard::vcard::VCardProperty::Photo)
            .expect("a PHOTO");
        let limits = ParseLimits {
            max_photo_bytes,
            ..ParseLimits::default()
        };
        read_photo(entry, &limits)
    }

    // The first 12 bytes of a JPEG file.
    const JPEG_START: &str = "/9j/4AAQSkZJRgABAQAAAQAB";

    #[test]
    fn small_inline_photo_is_kept() {
        let (photo, note) = photo_of(&format!("PHOTO;ENCODING=b;TYPE=JPEG:{JPEG_START}"), 100);
        assert_eq!(note, None);
        let photo = photo.expect("a photo");
        assert_eq!(photo.size, 18);
        assert_eq!(photo.media_type.as_deref(), Some("image/jpeg"));
        assert_eq!(photo.base64.as_deref(), Some(JPEG_START));
    }

    #[test]
    fn large_inline_photo_is_noted_and_left_out() {
        let (photo, note) = photo_of(&format!("PHOTO;ENCODING=b;TYPE=JPEG:{JPEG_START}"), 10);
        let photo = photo.expect("size and type are kept");
        assert_eq!((photo.size, photo.base64), (18, None));
        assert_eq!(
            note.as_deref(),
            Some("The photo is 18 bytes, larger than the limit of 10 bytes; it is left out")
        );
    }

    #[test]
    fn linked_photo_keeps_its_url_and_type() {
        let (photo, note) = photo_of("PHOTO;VALUE=URI;TYPE=GIF:http://example.com/me.gif", 10);
        assert_eq!(note, None);
        let photo = photo.expect("a photo");
        assert_eq!(photo.url.as_deref(), Some("http://example.com/me.gif"));
        assert_eq!(photo.media_type.as_deref(), Some("image/gif"));
        assert_eq!(photo.size, 0);
    }

    #[test]
    fn undecodable_photo_is_noted() {
        let (photo, note) = photo_of("PHOTO;ENCODING=b;TYPE=JPEG:not base64 at all!", 100);
        assert_eq!(photo, None);
        assert!(note.is_some_and(|note| note.contains("could not be read")));
    }

    #[test]
    fn sizes_read_plainly() {
        assert_eq!(size_label(1023, Rounding::Up), "1023 bytes");
        assert_eq!(size_label(256 * 1024 + 1, Rounding::Up), "257 KB");
        assert_eq!(size_label(256 * 1024 + 1023, Rounding::Down), "256 KB");
    }
}
