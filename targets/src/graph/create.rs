//! One item created exactly once. With a source key, it is first looked
//! up ([`find_by_source_key`], every page read): found → already there.
//! Otherwise it is `POST`ed; `201` records the id Graph gave it. Busy
//! answers send the same request again after the wait; a lost answer to
//! the `POST` leads to a new lookup before any resend (Graph may have
//! created it). An item without a source key cannot be looked up: it is
//! sent once, and a lost answer fails it rather than risk a copy. A
//! contact's photo follows ([`crate::graph::photo`]).
//!
//! The lookup itself is sent by [`crate::graph::creates`], alone or in a
//! `$batch` with others; its answer comes back here either way.

use crate::ews::ledger::Ledger;
use crate::ews::report::Outcome;
use crate::graph::answer::Answer;
use crate::graph::options::GraphOptions;
use crate::graph::paging::{PageError, Paged, Pages};
use crate::graph::photo::PhotoStep;
use crate::graph::step::{Next, Outgoing};
use crate::tries::Tries;
use ferry_shared::convert::ews::ItemId;
use ferry_shared::convert::graph::{
    Collection, ContactPhoto, CreatedItem, FoundItem, GraphRequest, GraphTarget, RequestBody,
    find_by_source_key,
};
use std::time::Duration;
use url::Url;

#[derive(Debug)]
enum Phase {
    Lookup,
    /// The lookup's next page.
    Paging(Url),
    Post,
    /// The item is there (`outcome`); its photo follows.
    Photo(PhotoStep, Outcome),
    Settled,
}

/// The state of one create.
#[derive(Debug)]
pub struct Create {
    index: usize,
    key: Option<String>,
    lookup: Option<GraphRequest>,
    post: GraphRequest,
    photo: Option<ContactPhoto>,
    phase: Phase,
    wait: Option<Duration>,
    tries: Tries,
    pages: Pages<FoundItem>,
}

impl Create {
    /// The create of ledger entry `index`: `post`, recognised by `key`,
    /// then `photo` for a contact. The lookup goes to the same folder in
    /// `target`; `Err` (the reason) when it cannot, so the item would not
    /// be found again after a lost answer.
    pub fn new(
        index: usize,
        key: Option<String>,
        post: GraphRequest,
        photo: Option<ContactPhoto>,
        target: &GraphTarget,
    ) -> Result<Self, String> {
        let collection = match &post.body {
            Some(RequestBody::Event(_)) => Collection::Events,
            Some(RequestBody::Task(_)) => Collection::Tasks,
            Some(RequestBody::Contact(_)) => Collection::Contacts,
            Some(RequestBody::TaskList(_)) | None => return Err("a create without an item".into()),
        };
        let lookup = match &key {
            None => None,
            Some(key) => {
                let lookup = find_by_source_key(collection, key, target)
                    .map_err(|err| format!("cannot look the item up: {err}"))?;
                let same_folder = lookup
                    .url
                    .strip_prefix(post.url.as_str())
                    .is_some_and(|query| query.starts_with('?'));
                if !same_folder {
                    return Err(
                        "the item goes to another folder than GraphOptions::target names, \
                         where it would be looked up"
                            .into(),
                    );
                }
                Some(lookup)
            }
        };
        let phase = if lookup.is_some() {
            Phase::Lookup
        } else {
            Phase::Post
        };
        Ok(Self {
            index,
            key,
            lookup,
            post,
            photo,
            phase,
            wait: None,
            tries: Tries::default(),
            pages: Pages::default(),
        })
    }

    /// The ledger entry this create settles.
    pub fn index(&self) -> usize {
        self.index
    }

    /// The lookup to send, when the item is to be looked up next.
    pub fn pending_lookup(&self) -> Option<&GraphRequest> {
        match self.phase {
            Phase::Lookup => self.lookup.as_ref(),
            _ => None,
        }
    }

    pub fn is_settled(&self) -> bool {
        matches!(self.phase, Phase::Settled)
    }

    /// The wait Graph asked for before this item's next request.
    pub fn take_wait(&mut self) -> Option<Duration> {
        self.wait.take()
    }

    /// What to do next.
    pub fn next_move(&mut self, options: &GraphOptions, ledger: &mut Ledger) -> Next {
        if let Some(wait) = self.wait.take() {
            return Next::Wait(wait);
        }
        let photo = match &mut self.phase {
            Phase::Settled => return Next::Finished,
            Phase::Lookup => match &self.lookup {
                Some(lookup) => return Next::Send(Outgoing::Graph(lookup.clone())),
                None => return Next::Send(Outgoing::Graph(self.post.clone())),
            },
            Phase::Paging(url) => return Next::Send(Outgoing::Page(url.clone())),
            Phase::Post => return Next::Send(Outgoing::Graph(self.post.clone())),
            Phase::Photo(step, _) => step.next_move(options),
        };
        match photo {
            Ok(next) => next,
            Err(reason) => {
                self.photo_failed(&reason, ledger);
                Next::Finished
            }
        }
    }

    /// Takes the answer to the request last sent.
    pub fn on_answer(&mut self, answer: Answer, options: &GraphOptions, ledger: &mut Ledger) {
        if let Phase::Photo(step, _) = &mut self.phase {
            return match step.on_answer(answer, options) {
                None => {}
                Some(Ok(())) => self.photo_done(ledger),
                Some(Err(reason)) => self.photo_failed(&reason, ledger),
            };
        }
        match answer {
            Answer::Body(body) => match self.phase {
                Phase::Lookup | Phase::Paging(_) => match self.pages.take(&body, options) {
                    Ok(Paged::Next(url)) => self.phase = Phase::Paging(url),
                    Ok(Paged::Done(found)) => self.on_found(&found, ledger),
                    Err(PageError::Unreadable(reason)) => self.on_lost(&reason, options, ledger),
                    Err(PageError::Refused(reason)) => self.fail(reason, ledger),
                },
                Phase::Post => match serde_json::from_slice::<CreatedItem>(&body) {
                    Ok(created) => self.there(Outcome::Created, created.id, ledger),
                    Err(err) => self.on_lost(&format!("unreadable answer: {err}"), options, ledger),
                },
                Phase::Photo(..) | Phase::Settled => {}
            },
            Answer::Busy(wait) => match self.tries.busy(options) {
                Ok(()) => self.wait = Some(wait),
                Err(reason) => self.fail(reason, ledger),
            },
            Answer::Lost(reason) => self.on_lost(&reason, options, ledger),
            Answer::Refused(reason) | Answer::NotFound(reason) => self.fail(reason, ledger),
        }
    }

    fn on_found(&mut self, found: &[FoundItem], ledger: &mut Ledger) {
        let key = self.key.as_deref().unwrap_or_default();
        match found.iter().find(|item| item.has_source_key(key)) {
            Some(item) => self.there(Outcome::AlreadyThere, item.id.clone(), ledger),
            None => self.phase = Phase::Post,
        }
    }

    /// The item is on the server: settled, or its photo comes next.
    fn there(&mut self, outcome: Outcome, id: String, ledger: &mut Ledger) {
        match self.photo.take() {
            Some(photo) => {
                let created = outcome == Outcome::Created;
                self.phase = Phase::Photo(PhotoStep::new(id, photo, created), outcome);
            }
            None => self.settle(outcome, Some(id), ledger),
        }
    }

    fn photo_done(&mut self, ledger: &mut Ledger) {
        if let Phase::Photo(step, outcome) = std::mem::replace(&mut self.phase, Phase::Settled) {
            self.settle(outcome, Some(step.contact_id().to_string()), ledger);
        }
    }

    fn photo_failed(&mut self, reason: &str, ledger: &mut Ledger) {
        if let Phase::Photo(step, _) = std::mem::replace(&mut self.phase, Phase::Settled) {
            let reason = format!("the contact is there, but its photo was not set: {reason}");
            let id = Some(step.contact_id().to_string());
            self.settle(Outcome::Failed { reason }, id, ledger);
        }
    }

    fn on_lost(&mut self, reason: &str, options: &GraphOptions, ledger: &mut Ledger) {
        if self.lookup.is_none() {
            let reason = format!(
                "the answer was lost ({reason}); without a source key the item cannot be \
                 looked up, so it is not sent again"
            );
            return self.fail(reason, ledger);
        }
        self.pages.reset();
        match self.tries.lost(reason, options) {
            Ok(()) => self.phase = Phase::Lookup,
            Err(reason) => self.fail(reason, ledger),
        }
    }

    fn fail(&mut self, reason: String, ledger: &mut Ledger) {
        self.settle(Outcome::Failed { reason }, None, ledger);
    }

    fn settle(&mut self, outcome: Outcome, id: Option<String>, ledger: &mut Ledger) {
        let id = id.map(|id| ItemId {
            id,
            change_key: None,
        });
        ledger.settle(self.index, outcome, id);
        self.phase = Phase::Settled;
    }
}
