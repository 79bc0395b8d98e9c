//! Contact photos in the Graph stand-in: `PUT …/contacts/{id}/photo/$value`
//! keeps the bytes and their media type exactly as received;
//! `GET …/contacts/{id}/photo` answers the photo's metadata, or `404`
//! when the contact has none.

use super::items::{last_segment, not_found};
use super::{Answer, State};
use crate::http_server::Request;
use serde_json::json;

impl State {
    /// The contact id of `…/contacts/{id}/photo[/$value]`, if it is one.
    fn photo_contact(&self, path: &str) -> Option<String> {
        let contact = path
            .trim_end_matches("/$value")
            .strip_suffix("/photo")?
            .to_string();
        let id = last_segment(&contact);
        let collection = contact.rsplit_once('/')?.0;
        self.items
            .iter()
            .any(|item| item.id == id && item.collection == collection)
            .then_some(id)
    }

    /// `GET …/photo`.
    pub(super) fn photo_info(&self, path: &str) -> Answer {
        let Some(id) = self.photo_contact(path) else {
            return not_found();
        };
        match self.photos.get(&id) {
            Some((media_type, _)) => Answer::json(
                200,
                json!({
                    "@odata.mediaContentType": media_type,
                    "id": "default",
                    "height": 96,
                    "width": 96,
                }),
            ),
            None => Answer::error(404, "ErrorItemNotFound", "The photo wasn't found."),
        }
    }

    /// `PUT …/photo/$value`.
    pub(super) fn put_photo(&mut self, path: &str, request: &Request) -> Answer {
        let Some(id) = self.photo_contact(path) else {
            return not_found();
        };
        let media_type = request.header("content-type").unwrap_or_default();
        if !media_type.starts_with("image/") || request.body.is_empty() {
            return Answer::error(400, "ErrorInvalidImage", "an image is expected");
        }
        self.photos
            .insert(id, (media_type.to_string(), request.body.clone()));
        Answer::empty(200)
    }
}
