//! A contact's photo set after the contact: `PUT …/photo/$value` with
//! the image bytes and their media type. A contact created by this run
//! gets it straight away. A contact found already there (an earlier run,
//! or a `POST` whose answer was lost) is first asked for its photo
//! (`GET …/photo`): only a `404` (no photo) leads to the `PUT`, so a
//! re-run does not send every photo again, yet a run cut off between
//! the create and the photo is mended by the next one. The `PUT` sets
//! the same bytes however often it is repeated, so a lost answer just
//! repeats it.

use crate::graph::answer::Answer;
use crate::graph::options::GraphOptions;
use crate::graph::step::{Next, Outgoing};
use crate::tries::Tries;
use ferry_shared::convert::graph::{ContactPhoto, contact_photo, photo_value_url};
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Check,
    Upload,
}

/// The photo of one contact, on its way.
#[derive(Debug)]
pub struct PhotoStep {
    contact_id: String,
    photo: ContactPhoto,
    stage: Stage,
    wait: Option<Duration>,
    tries: Tries,
}

impl PhotoStep {
    /// The photo of contact `contact_id`; `created` (by this run) skips
    /// the check for a photo already there.
    pub fn new(contact_id: String, photo: ContactPhoto, created: bool) -> Self {
        Self {
            contact_id,
            photo,
            stage: if created { Stage::Upload } else { Stage::Check },
            wait: None,
            tries: Tries::default(),
        }
    }

    /// The contact's id on the server.
    pub fn contact_id(&self) -> &str {
        &self.contact_id
    }

    /// What to do next (never [`Next::Finished`]: the answers settle it).
    pub fn next_move(&mut self, options: &GraphOptions) -> Result<Next, String> {
        if let Some(wait) = self.wait.take() {
            return Ok(Next::Wait(wait));
        }
        let target = &options.target;
        let unusable = |err| format!("the photo's URL cannot be written: {err}");
        let outgoing = match self.stage {
            Stage::Check => {
                Outgoing::Graph(contact_photo(&self.contact_id, target).map_err(unusable)?)
            }
            Stage::Upload => Outgoing::Photo {
                url: photo_value_url(&self.contact_id, target).map_err(unusable)?,
                photo: self.photo.clone(),
            },
        };
        Ok(Next::Send(outgoing))
    }

    /// Takes the answer to the request last sent: `Some` once the photo
    /// is settled (`Err` with the reason it was not set).
    pub fn on_answer(
        &mut self,
        answer: Answer,
        options: &GraphOptions,
    ) -> Option<Result<(), String>> {
        match (answer, self.stage) {
            (Answer::Body(_), _) => Some(Ok(())),
            (Answer::NotFound(_), Stage::Check) => {
                self.stage = Stage::Upload;
                None
            }
            (Answer::Busy(wait), _) => match self.tries.busy(options) {
                Ok(()) => {
                    self.wait = Some(wait);
                    None
                }
                Err(reason) => Some(Err(reason)),
            },
            (Answer::Lost(reason), _) => self.tries.lost(&reason, options).err().map(Err),
            (Answer::NotFound(reason) | Answer::Refused(reason), _) => Some(Err(reason)),
        }
    }
}
