//! One occurrence of a series deleted (EXDATE) or changed (an override),
//! after the creates. The series is found (this run's record, else the
//! lookup by its source key); its instances around the original start
//! are listed ([`find_occurrences`]) and the one whose `originalStart`
//! is the original start ([`pick_occurrence`]) is deleted or patched.
//! Done already counts as such: an occurrence no longer there was
//! deleted. A lost answer leads to the instances listed again before
//! anything is repeated (a `PATCH` repeated sets the same values). A
//! series expanded into single items has no series: the override's own
//! item (found by its key) is patched instead. Every list (a lookup, the
//! instances) is read to its last page ([`crate::graph::paging`]).

use crate::ews::ledger::Ledger;
use crate::ews::report::Outcome;
use crate::graph::answer::Answer;
use crate::graph::options::GraphOptions;
use crate::graph::paging::{PageError, Paged, Pages};
use crate::graph::step::{Next, Outgoing};
use crate::tries::Tries;
use ferry_shared::convert::ews::ItemId;
use ferry_shared::convert::exchange::WallClock;
use ferry_shared::convert::graph::resources::Event;
use ferry_shared::convert::graph::{
    Collection, FoundItem, GraphRequest, delete_occurrence, find_by_source_key, find_occurrences,
    pick_occurrence, update_occurrence,
};
use url::Url;

/// What is done to the occurrence.
#[derive(Debug, Clone)]
pub enum Change {
    Delete,
    /// The new fields, and the override's own source key.
    Update {
        changes: Box<Event>,
        own_key: Option<String>,
    },
}

#[derive(Debug, Clone)]
enum Stage {
    FindSeries,
    FindOwn,
    Instances(String),
    Apply(String),
    Settled,
}

/// The state of one occurrence change.
#[derive(Debug)]
pub struct OccurrenceChange {
    index: usize,
    series_key: String,
    original_start: WallClock,
    change: Change,
    stage: Stage,
    series_id: Option<String>,
    wait: Option<std::time::Duration>,
    tries: Tries,
    pages: Pages<FoundItem>,
    /// The next page of the list being read.
    next_page: Option<Url>,
}

impl OccurrenceChange {
    /// The change of ledger entry `index`.
    pub fn new(
        index: usize,
        series_key: String,
        original_start: WallClock,
        change: Change,
    ) -> Self {
        Self {
            index,
            series_key,
            original_start,
            change,
            stage: Stage::FindSeries,
            series_id: None,
            wait: None,
            tries: Tries::default(),
            pages: Pages::default(),
            next_page: None,
        }
    }

    fn own_key(&self) -> Option<&str> {
        match &self.change {
            Change::Update { own_key, .. } => own_key.as_deref(),
            Change::Delete => None,
        }
    }

    /// What to do next.
    pub fn next_move(&mut self, options: &GraphOptions, ledger: &mut Ledger) -> Next {
        if let Some(wait) = self.wait.take() {
            return Next::Wait(wait);
        }
        if let Some(page) = &self.next_page {
            return Next::Send(Outgoing::Page(page.clone()));
        }
        let target = &options.target;
        loop {
            let lookup = match self.stage.clone() {
                Stage::Settled => return Next::Finished,
                Stage::FindSeries => match ledger.id_of(&self.series_key) {
                    Some(id) => {
                        self.series_id = Some(id.id.clone());
                        self.stage = Stage::Instances(id.id.clone());
                        continue;
                    }
                    None => find_by_source_key(Collection::Events, &self.series_key, target),
                },
                Stage::FindOwn => {
                    let own = self.own_key().unwrap_or_default().to_string();
                    match ledger.id_of(&own) {
                        Some(id) => {
                            self.stage = Stage::Apply(id.id.clone());
                            continue;
                        }
                        None => find_by_source_key(Collection::Events, &own, target),
                    }
                }
                Stage::Instances(series) => {
                    let request = find_occurrences(&series, &self.original_start, target);
                    return Next::Send(Outgoing::Graph(request));
                }
                Stage::Apply(id) => return Next::Send(Outgoing::Graph(self.apply(&id, options))),
            };
            match lookup {
                Ok(request) => return Next::Send(Outgoing::Graph(request)),
                Err(err) => self.fail(format!("cannot look the series up: {err}"), ledger),
            }
        }
    }

    fn apply(&self, id: &str, options: &GraphOptions) -> GraphRequest {
        match &self.change {
            Change::Delete => delete_occurrence(id, &options.target),
            Change::Update { changes, .. } => {
                update_occurrence(id, (**changes).clone(), &options.target)
            }
        }
    }

    /// Takes the answer to the request last sent.
    pub fn on_answer(&mut self, answer: Answer, options: &GraphOptions, ledger: &mut Ledger) {
        match answer {
            Answer::Body(body) => self.on_body(&body, options, ledger),
            Answer::Busy(wait) => match self.tries.busy(options) {
                Ok(()) => self.wait = Some(wait),
                Err(reason) => self.fail(reason, ledger),
            },
            Answer::Lost(reason) => self.on_lost(&reason, options, ledger),
            Answer::NotFound(reason) => match (&self.stage, &self.change) {
                (Stage::Apply(_), Change::Delete) => {
                    self.settle(Outcome::AlreadyThere, None, ledger)
                }
                _ => self.fail(reason, ledger),
            },
            Answer::Refused(reason) => self.fail(reason, ledger),
        }
    }

    fn on_body(&mut self, body: &[u8], options: &GraphOptions, ledger: &mut Ledger) {
        if let Stage::Apply(id) = &self.stage {
            let id = id.clone();
            return self.settle(Outcome::Changed, Some(id), ledger);
        }
        let found = match self.pages.take(body, options) {
            Ok(Paged::Next(url)) => return self.next_page = Some(url),
            Ok(Paged::Done(found)) => {
                self.next_page = None;
                found
            }
            Err(PageError::Unreadable(reason)) => return self.on_lost(&reason, options, ledger),
            Err(PageError::Refused(reason)) => return self.fail(reason, ledger),
        };
        match self.stage.clone() {
            Stage::FindSeries => match found.iter().find(|i| i.has_source_key(&self.series_key)) {
                Some(series) => {
                    self.series_id = Some(series.id.clone());
                    self.stage = Stage::Instances(series.id.clone());
                }
                None if self.own_key().is_some() => self.stage = Stage::FindOwn,
                None => self.fail("the series is not on the server".into(), ledger),
            },
            Stage::FindOwn => {
                let own = self.own_key().unwrap_or_default().to_string();
                match found.iter().find(|i| i.has_source_key(&own)) {
                    Some(item) => self.stage = Stage::Apply(item.id.clone()),
                    None => self.fail(
                        "neither the series nor the changed occurrence is on the server".into(),
                        ledger,
                    ),
                }
            }
            Stage::Instances(_) => {
                let own = self.own_key().map(str::to_string);
                match (pick_occurrence(&found, &self.original_start), &self.change) {
                    (Some(occurrence), Change::Update { .. })
                        if own
                            .as_deref()
                            .is_some_and(|key| occurrence.has_source_key(key)) =>
                    {
                        let id = occurrence.id.clone();
                        self.settle(Outcome::AlreadyThere, Some(id), ledger)
                    }
                    (Some(occurrence), _) => self.stage = Stage::Apply(occurrence.id.clone()),
                    (None, Change::Delete) => self.settle(Outcome::AlreadyThere, None, ledger),
                    (None, Change::Update { .. }) => self.fail(
                        "the series has no occurrence at the original start".into(),
                        ledger,
                    ),
                }
            }
            Stage::Apply(_) | Stage::Settled => {}
        }
    }

    /// A lost answer: the request is repeated, except a change, before
    /// which the occurrences are listed again.
    fn on_lost(&mut self, reason: &str, options: &GraphOptions, ledger: &mut Ledger) {
        self.pages.reset();
        self.next_page = None;
        if let Err(reason) = self.tries.lost(reason, options) {
            return self.fail(reason, ledger);
        }
        if let (Stage::Apply(_), Some(series)) = (&self.stage, &self.series_id) {
            self.stage = Stage::Instances(series.clone());
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
        self.stage = Stage::Settled;
    }
}
