//! A contact's photo as Graph takes it: the image bytes themselves in a
//! request of its own (`PUT …/contacts/{id}/photo/$value`, the image's
//! media type as `Content-Type`), after the contact exists; and the
//! `GET …/contacts/{id}/photo` that tells whether a contact has one.
//! Only photos whose bytes the item kept are sent (see
//! [`crate::ParseLimits::max_photo_bytes`]); a linked one is not
//! fetched.

use super::odata::path_segment;
use super::requests::{Collection, GraphRequest, Method};
use super::{GraphError, GraphTarget};
use crate::model::Photo;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// The media type sent when the file names none.
pub const DEFAULT_PHOTO_TYPE: &str = "image/jpeg";

/// The image bytes of a contact's photo and their media type.
#[derive(Clone, PartialEq, Eq)]
pub struct ContactPhoto {
    /// `image/jpeg`, `image/png`, …
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for ContactPhoto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContactPhoto")
            .field("content_type", &self.content_type)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

/// Whether `text` is a media type `type/subtype` of token characters
/// (safe as a header value).
fn is_media_type(text: &str) -> bool {
    let token = |part: &str| {
        !part.is_empty()
            && part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    matches!(text.split_once('/'), Some((kind, sub)) if token(kind) && token(sub))
}

impl ContactPhoto {
    /// The photo's bytes and type; `Err` (the reason) when the item kept
    /// no bytes or they do not decode.
    pub fn of(photo: &Photo) -> Result<Self, String> {
        let Some(base64) = photo.base64.as_deref().filter(|b| !b.is_empty()) else {
            return Err(match &photo.url {
                Some(_) => "the photo is a link, which Ferry does not fetch".into(),
                None => "the photo was too large to keep when the file was read".into(),
            });
        };
        let cleaned: String = base64.split_whitespace().collect();
        let bytes = STANDARD
            .decode(cleaned.as_bytes())
            .map_err(|err| format!("the photo's base64 does not decode ({err})"))?;
        let content_type = match photo.media_type.as_deref().map(str::trim) {
            None | Some("") => DEFAULT_PHOTO_TYPE.to_string(),
            Some(kind) if is_media_type(kind) => kind.to_ascii_lowercase(),
            Some(kind) => return Err(format!("the photo's type “{kind}” is not a media type")),
        };
        Ok(Self {
            content_type,
            bytes,
        })
    }
}

/// The path of contact `contact_id`'s photo in the target's contacts.
fn photo_path(contact_id: &str, target: &GraphTarget) -> Result<String, GraphError> {
    let contacts = target.collection_path(Collection::Contacts)?;
    Ok(format!("{contacts}/{}/photo", path_segment(contact_id)))
}

/// `GET` of the photo's metadata: `404` when the contact has none.
pub fn contact_photo(contact_id: &str, target: &GraphTarget) -> Result<GraphRequest, GraphError> {
    Ok(GraphRequest {
        method: Method::Get,
        url: photo_path(contact_id, target)?,
        body: None,
    })
}

/// The URL (relative to the API version) the photo's bytes are `PUT`
/// to: `…/contacts/{id}/photo/$value`.
pub fn photo_value_url(contact_id: &str, target: &GraphTarget) -> Result<String, GraphError> {
    Ok(format!("{}/$value", photo_path(contact_id, target)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn photo(media_type: Option<&str>, base64: Option<&str>) -> Photo {
        Photo {
            media_type: media_type.map(str::to_string),
            size: 4,
            base64: base64.map(str::to_string),
            url: None,
        }
    }

    #[test]
    fn kept_bytes_are_decoded_with_their_type() {
        let read = ContactPhoto::of(&photo(Some("image/PNG"), Some("iVBO\n Rw=="))).unwrap();
        assert_eq!(read.content_type, "image/png");
        assert_eq!(read.bytes, [0x89, b'P', b'N', b'G']);
        let untyped = ContactPhoto::of(&photo(None, Some("AAEC"))).unwrap();
        assert_eq!(untyped.content_type, DEFAULT_PHOTO_TYPE);
        assert!(ContactPhoto::of(&photo(Some("image/png\r\nX: y"), Some("AAEC"))).is_err());
        assert!(ContactPhoto::of(&photo(None, None)).is_err());
        assert!(ContactPhoto::of(&photo(None, Some("%%%"))).is_err());
    }

    #[test]
    fn the_photo_url_encodes_the_id() {
        let target = GraphTarget::default();
        assert_eq!(
            photo_value_url("AAMk/x=", &target).unwrap(),
            "/me/contacts/AAMk%2Fx%3D/photo/$value"
        );
        assert_eq!(
            contact_photo("a", &target).unwrap().url,
            "/me/contacts/a/photo"
        );
    }
}
