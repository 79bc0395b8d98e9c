//! All creates of a run, with their lookups batched. The items waiting
//! for a lookup by source key are looked up together: up to
//! [`GraphOptions::batch_size`] `GET`s in one `POST /$batch` (a single
//! one goes alone). Each answer inside the batch is read as if it had
//! come alone and handed to its item: found → already there; not found
//! → that item's `POST` comes next; `429`/`503` → that item waits its own
//! `Retry-After` while the others go on (the wait is taken, the longest
//! of the items in it, just before their next batch); `401` stops the
//! run. A batch whose answer is lost (or unreadable, or leaves an item
//! out) counts as a lost answer for each of its items: they are looked
//! up again, never created blind.
//!
//! The creates themselves are *not* batched: one `POST` each, in
//! order, each after its own lookup said "not there". Graph carries out
//! the requests of a batch independently and may answer some and not
//! others; a lost batch answer would leave up to 20 creates in doubt at
//! once, and a batch retried whole would create again whatever had gone
//! through. One `POST` at a time keeps the doubt to one item, which the
//! next lookup settles. The cost is a round trip per item created,
//! against one per batch of lookups; on a re-run (most items found)
//! almost every request is saved.

use crate::ews::ledger::Ledger;
use crate::ews::report::Outcome;
use crate::graph::answer::Answer;
use crate::graph::create::Create;
use crate::graph::options::GraphOptions;
use crate::graph::step::{Next, Outgoing};
use ferry_shared::convert::graph::{
    BatchResponse, ContactPhoto, GraphRequest, GraphTarget, batches,
};
use serde_json::Value;
use std::time::SystemTime;

/// What the request in flight was sent for.
#[derive(Debug, Default)]
enum InFlight {
    #[default]
    Nothing,
    /// One item's request (by position in `items`).
    One(usize),
    /// A batch of lookups, in the batch's order.
    Batch(Vec<usize>),
}

/// The creates of a run, in order.
#[derive(Debug, Default)]
pub struct Creates {
    items: Vec<Create>,
    in_flight: InFlight,
}

impl Creates {
    /// Adds the create of ledger entry `index` (its key, request and
    /// photo), kept in ledger order; or fails it when it cannot be looked
    /// up in `target`.
    pub fn add_new(
        &mut self,
        ledger: &mut Ledger,
        index: usize,
        (key, request, photo): (Option<String>, GraphRequest, Option<ContactPhoto>),
        target: &GraphTarget,
    ) {
        match Create::new(index, key, request, photo, target) {
            Ok(create) => {
                let at = self.items.partition_point(|c| c.index() < index);
                self.items.insert(at, create);
            }
            Err(reason) => ledger.settle(index, Outcome::Failed { reason }, None),
        }
    }

    /// What to do next: an item past its lookup first (a page, its
    /// `POST`, its photo), else the next lookups.
    pub fn next_move(&mut self, options: &GraphOptions, ledger: &mut Ledger) -> Next {
        loop {
            let single = self
                .items
                .iter()
                .position(|c| !c.is_settled() && c.pending_lookup().is_none());
            if let Some(at) = single {
                match self.items[at].next_move(options, ledger) {
                    Next::Finished => continue,
                    next => {
                        self.in_flight = InFlight::One(at);
                        return next;
                    }
                }
            }
            let chosen: Vec<usize> = (0..self.items.len())
                .filter(|&at| self.items[at].pending_lookup().is_some())
                .take(options.batch_size())
                .collect();
            if chosen.is_empty() {
                return Next::Finished;
            }
            let wait = chosen
                .iter()
                .filter_map(|&at| self.items[at].take_wait())
                .max();
            if let Some(wait) = wait {
                return Next::Wait(wait);
            }
            if let [at] = chosen[..] {
                self.in_flight = InFlight::One(at);
                return self.items[at].next_move(options, ledger);
            }
            let lookups: Vec<GraphRequest> = chosen
                .iter()
                .filter_map(|&at| self.items[at].pending_lookup().cloned())
                .collect();
            match batches(&lookups, lookups.len()) {
                Ok(mut batch) if batch.len() == 1 => {
                    self.in_flight = InFlight::Batch(chosen);
                    return Next::Send(Outgoing::Batch(batch.remove(0)));
                }
                // Unreachable: 2 to 20 lookups make one batch.
                _ => {
                    self.in_flight = InFlight::One(chosen[0]);
                    return self.items[chosen[0]].next_move(options, ledger);
                }
            }
        }
    }

    /// Takes the answer to the request last sent; `now` dates the waits
    /// inside a batch. `Err`: a `401` inside a batch, the run stops.
    pub fn on_answer(
        &mut self,
        answer: Answer,
        now: SystemTime,
        options: &GraphOptions,
        ledger: &mut Ledger,
    ) -> Result<(), crate::error::Error> {
        match std::mem::take(&mut self.in_flight) {
            InFlight::Nothing => {}
            InFlight::One(at) => self.items[at].on_answer(answer, options, ledger),
            InFlight::Batch(chosen) => match answer {
                Answer::Body(body) => self.on_batch(&chosen, &body, now, options, ledger)?,
                Answer::Busy(wait) => self.each(&chosen, || Answer::Busy(wait), options, ledger),
                Answer::Lost(reason) => {
                    self.each(&chosen, || Answer::Lost(reason.clone()), options, ledger)
                }
                Answer::Refused(reason) | Answer::NotFound(reason) => {
                    let reason = format!("the batch of lookups was refused: {reason}");
                    self.each(&chosen, || Answer::Refused(reason.clone()), options, ledger)
                }
            },
        }
        Ok(())
    }

    fn each(
        &mut self,
        chosen: &[usize],
        answer: impl Fn() -> Answer,
        options: &GraphOptions,
        ledger: &mut Ledger,
    ) {
        for &at in chosen {
            self.items[at].on_answer(answer(), options, ledger);
        }
    }

    fn on_batch(
        &mut self,
        chosen: &[usize],
        body: &[u8],
        now: SystemTime,
        options: &GraphOptions,
        ledger: &mut Ledger,
    ) -> Result<(), crate::error::Error> {
        let batch = match serde_json::from_slice::<BatchResponse<Value>>(body) {
            Ok(batch) => batch,
            Err(err) => {
                let reason = format!("unreadable batch answer: {err}");
                self.each(chosen, || Answer::Lost(reason.clone()), options, ledger);
                return Ok(());
            }
        };
        for (position, &at) in chosen.iter().enumerate() {
            let answer = match batch
                .responses
                .iter()
                .find(|item| item.request_index() == Some(position))
            {
                Some(item) => Answer::of_batch_item(item, options, now)?,
                None => Answer::Lost("the batch answer left this lookup out".into()),
            };
            self.items[at].on_answer(answer, options, ledger);
        }
        Ok(())
    }
}
