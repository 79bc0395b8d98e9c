//! One batch of creates, exactly once. Each item with a source key is
//! first looked up (FindItem restricted on the extended property): found
//! means already there. The rest go in one CreateItem, whose per-item
//! answers settle them: created (its ItemId kept), `ErrorServerBusy`
//! (tried again after `BackOffMilliseconds`, alone with the other busy
//! ones), or failed with the server's message. When the answer to a
//! CreateItem is lost, the server may have created the items: they are
//! looked up again before anything is sent again, and an item without a
//! source key, which cannot be looked up, is not sent again.

use crate::ews::answer::{Answer, Tries, Trouble, busy_wait};
use crate::ews::ledger::Ledger;
use crate::ews::options::EwsOptions;
use crate::ews::report::Outcome;
use crate::ews::step::Next;
use ferry_shared::convert::ews::{
    Folder, ItemId, ItemOutcome, ResponseClass, create_item_requests, find_by_source_key,
    read_create_item_response, read_find_item_response,
};
use ferry_shared::convert::exchange::ExchangeItem;
use std::collections::VecDeque;
use std::time::Duration;

/// The `ResponseCode` of a busy item.
const SERVER_BUSY: &str = "ErrorServerBusy";

/// One item to create and its operation's index in the ledger.
#[derive(Debug, Clone)]
pub struct Entry {
    pub index: usize,
    pub item: ExchangeItem,
}

/// What the request in flight was.
#[derive(Debug, Clone)]
enum InFlight {
    /// FindItem for the entry at this position.
    Find(usize),
    /// CreateItem of the entries at these positions, in order.
    Create(Vec<usize>),
}

/// The state of one batch (all of one folder).
#[derive(Debug)]
pub struct CreateBatch {
    folder: Folder,
    entries: Vec<Entry>,
    /// Positions not settled yet, in order.
    open: Vec<usize>,
    to_look_up: VecDeque<usize>,
    in_flight: Option<InFlight>,
    wait: Option<Duration>,
    tries: Tries,
}

impl CreateBatch {
    /// A batch of `entries`, all of `folder`.
    pub fn new(folder: Folder, entries: Vec<Entry>) -> Self {
        let to_look_up = (0..entries.len())
            .filter(|&pos| entries[pos].item.source_key().is_some())
            .collect();
        Self {
            folder,
            open: (0..entries.len()).collect(),
            entries,
            to_look_up,
            in_flight: None,
            wait: None,
            tries: Tries::default(),
        }
    }

    /// The next request (or wait) of the batch.
    pub fn next(&mut self, options: &EwsOptions, ledger: &mut Ledger) -> Next {
        if let Some(wait) = self.wait.take() {
            return Next::Wait(wait);
        }
        while let Some(pos) = self.to_look_up.pop_front() {
            let Some(key) = self.open_key(pos) else {
                continue;
            };
            match find_by_source_key(self.folder, &key, &options.settings) {
                Ok(envelope) => {
                    self.in_flight = Some(InFlight::Find(pos));
                    return Next::Send(envelope);
                }
                Err(err) => self.fail(pos, format!("the lookup cannot be written: {err}"), ledger),
            }
        }
        if self.open.is_empty() {
            return Next::Finished;
        }
        let items: Vec<ExchangeItem> = self
            .open
            .iter()
            .map(|&pos| self.entries[pos].item.clone())
            .collect();
        match create_item_requests(&items, &options.settings, items.len()).map(Vec::into_iter) {
            Ok(mut requests) => match (requests.next(), requests.next()) {
                (Some(request), None) if request.folder == self.folder => {
                    self.in_flight = Some(InFlight::Create(self.open.clone()));
                    Next::Send(request.envelope)
                }
                _ => {
                    self.fail_open("the items do not fit one CreateItem request", ledger);
                    Next::Finished
                }
            },
            Err(err) => {
                self.fail_open(&format!("the request cannot be written: {err}"), ledger);
                Next::Finished
            }
        }
    }

    /// Takes the answer to the request in flight.
    pub fn on_answer(&mut self, answer: Answer, options: &EwsOptions, ledger: &mut Ledger) {
        match self.in_flight.take() {
            Some(InFlight::Find(pos)) => self.on_find(pos, answer, options, ledger),
            Some(InFlight::Create(positions)) => {
                self.on_create(&positions, answer, options, ledger)
            }
            None => {}
        }
    }

    fn on_find(&mut self, pos: usize, answer: Answer, options: &EwsOptions, ledger: &mut Ledger) {
        let trouble = match answer.read(options, read_find_item_response) {
            Ok(found) => {
                self.tries = Tries::default();
                let key = self.open_key(pos);
                let found = found.into_iter().find(|item| {
                    item.source_key.is_none() || item.source_key.as_deref() == key.as_deref()
                });
                if let Some(item) = found {
                    self.settle(pos, Outcome::AlreadyThere, Some(item.id), ledger);
                }
                return;
            }
            Err(trouble) => trouble,
        };
        let retry = match trouble {
            Trouble::Busy(wait) => self.tries.busy(options).map(|()| self.wait = Some(wait)),
            Trouble::Lost(reason) => self.tries.lost(&reason, options),
            Trouble::Refused(reason) => Err(format!("the lookup was refused: {reason}")),
        };
        match retry {
            Ok(()) => self.to_look_up.push_front(pos),
            Err(reason) => self.fail(pos, reason, ledger),
        }
    }

    fn on_create(
        &mut self,
        positions: &[usize],
        answer: Answer,
        options: &EwsOptions,
        ledger: &mut Ledger,
    ) {
        let trouble = match answer.read(options, read_create_item_response) {
            Ok(outcomes) if outcomes.len() == positions.len() => {
                self.on_outcomes(positions, outcomes, options, ledger);
                return;
            }
            Ok(outcomes) => Trouble::Lost(format!(
                "the server answered {} messages for {} items",
                outcomes.len(),
                positions.len()
            )),
            Err(trouble) => trouble,
        };
        match trouble {
            // Nothing was created: the same items go again after the wait.
            Trouble::Busy(wait) => match self.tries.busy(options) {
                Ok(()) => self.wait = Some(wait),
                Err(reason) => self.fail_all(positions, &reason, ledger),
            },
            Trouble::Lost(reason) => match self.tries.lost(&reason, options) {
                Ok(()) => self.look_up_again(positions, ledger),
                Err(reason) => self.fail_all(positions, &reason, ledger),
            },
            Trouble::Refused(reason) => self.fail_all(positions, &reason, ledger),
        }
    }

    fn on_outcomes(
        &mut self,
        positions: &[usize],
        outcomes: Vec<ItemOutcome>,
        options: &EwsOptions,
        ledger: &mut Ledger,
    ) {
        let mut busy: Vec<(usize, Option<u64>)> = Vec::new();
        for (&pos, outcome) in positions.iter().zip(outcomes) {
            if outcome.class != ResponseClass::Error {
                self.settle(pos, Outcome::Created, outcome.item_id, ledger);
            } else if outcome.code == SERVER_BUSY {
                busy.push((pos, outcome.back_off_ms));
            } else {
                let reason = match outcome.message_text {
                    Some(text) => format!("{}: {text}", outcome.code),
                    None => outcome.code,
                };
                self.fail(pos, reason, ledger);
            }
        }
        if busy.is_empty() {
            self.tries = Tries::default();
            return;
        }
        match self.tries.busy(options) {
            Ok(()) => {
                let longest = busy
                    .iter()
                    .map(|&(_, back_off)| busy_wait(back_off, options))
                    .max();
                self.wait = longest;
            }
            Err(reason) => {
                for (pos, _) in busy {
                    self.fail(pos, reason.clone(), ledger);
                }
            }
        }
    }

    /// After a lost CreateItem: its keyed items are looked up before
    /// anything is created again; keyless ones are not sent again.
    fn look_up_again(&mut self, positions: &[usize], ledger: &mut Ledger) {
        for &pos in positions {
            if self.open_key(pos).is_some() {
                self.to_look_up.push_back(pos);
            } else if self.open.contains(&pos) {
                self.fail(
                    pos,
                    "the server's answer was lost and the item has no source key to check whether it was created; not sent again".into(),
                    ledger,
                );
            }
        }
    }

    /// The source key of the open entry at `pos`.
    fn open_key(&self, pos: usize) -> Option<String> {
        if !self.open.contains(&pos) {
            return None;
        }
        self.entries
            .get(pos)
            .and_then(|entry| entry.item.source_key())
            .map(str::to_string)
    }

    fn settle(&mut self, pos: usize, outcome: Outcome, id: Option<ItemId>, ledger: &mut Ledger) {
        self.open.retain(|&open| open != pos);
        if let Some(entry) = self.entries.get(pos) {
            ledger.settle(entry.index, outcome, id);
        }
    }

    fn fail(&mut self, pos: usize, reason: String, ledger: &mut Ledger) {
        self.settle(pos, Outcome::Failed { reason }, None, ledger);
    }

    fn fail_all(&mut self, positions: &[usize], reason: &str, ledger: &mut Ledger) {
        for &pos in positions {
            if self.open.contains(&pos) {
                self.fail(pos, reason.to_string(), ledger);
            }
        }
    }

    fn fail_open(&mut self, reason: &str, ledger: &mut Ledger) {
        let open = self.open.clone();
        self.fail_all(&open, reason, ledger);
    }
}
