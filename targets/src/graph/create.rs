//! One item created exactly once. With a source key, it is first looked
//! up ([`find_by_source_key`]): found → already there. Otherwise it is
//! `POST`ed; `201` records the id Graph gave it. Busy answers send the
//! same request again after the wait; a lost answer to the `POST` leads
//! to a new lookup before any resend (Graph may have created it). An
//! item without a source key cannot be looked up: it is sent once, and
//! a lost answer fails it rather than risk a copy.

use crate::ews::ledger::Ledger;
use crate::ews::report::Outcome;
use crate::graph::answer::Answer;
use crate::graph::options::GraphOptions;
use crate::graph::step::Next;
use crate::tries::Tries;
use ferry_shared::convert::ews::ItemId;
use ferry_shared::convert::graph::{
    Collection, CreatedItem, FoundItem, GraphRequest, ItemList, RequestBody, find_by_source_key,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Lookup,
    Post,
    Settled,
}

/// The state of one create.
#[derive(Debug)]
pub struct Create {
    index: usize,
    key: Option<String>,
    lookup: Option<GraphRequest>,
    post: GraphRequest,
    phase: Phase,
    wait: Option<std::time::Duration>,
    tries: Tries,
}

impl Create {
    /// The create of ledger entry `index`: `post`, recognised by `key`.
    /// The lookup goes to the same folder in `options.target`; `Err`
    /// (the reason) when it cannot, so the item would not be found
    /// again after a lost answer.
    pub fn new(
        index: usize,
        key: Option<String>,
        post: GraphRequest,
        options: &GraphOptions,
    ) -> Result<Self, String> {
        let collection = match &post.body {
            Some(RequestBody::Event(_)) => Collection::Events,
            Some(RequestBody::Task(_)) => Collection::Tasks,
            Some(RequestBody::Contact(_)) => Collection::Contacts,
            None => return Err("a create without a body".into()),
        };
        let lookup = match &key {
            None => None,
            Some(key) => {
                let lookup = find_by_source_key(collection, key, &options.target)
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
            phase,
            wait: None,
            tries: Tries::default(),
        })
    }

    /// What to do next.
    pub fn next_move(&mut self) -> Next {
        if let Some(wait) = self.wait.take() {
            return Next::Wait(wait);
        }
        match (self.phase, &self.lookup) {
            (Phase::Settled, _) => Next::Finished,
            (Phase::Lookup, Some(lookup)) => Next::Send(lookup.clone()),
            _ => Next::Send(self.post.clone()),
        }
    }

    /// Takes the answer to the request last sent.
    pub fn on_answer(&mut self, answer: Answer, options: &GraphOptions, ledger: &mut Ledger) {
        match answer {
            Answer::Body(body) => match self.phase {
                Phase::Lookup => match serde_json::from_slice::<ItemList<FoundItem>>(&body) {
                    Ok(list) => self.on_found(&list.value, ledger),
                    Err(err) => self.on_lost(&format!("unreadable lookup: {err}"), options, ledger),
                },
                Phase::Post => match serde_json::from_slice::<CreatedItem>(&body) {
                    Ok(created) => self.settle(Outcome::Created, Some(created.id), ledger),
                    Err(err) => self.on_lost(&format!("unreadable answer: {err}"), options, ledger),
                },
                Phase::Settled => {}
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
            Some(item) => self.settle(Outcome::AlreadyThere, Some(item.id.clone()), ledger),
            None => self.phase = Phase::Post,
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
