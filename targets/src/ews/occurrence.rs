//! One occurrence of a series deleted (EXDATE) or changed (an override),
//! after the creates. The series is found (this run's record, else
//! FindItem by its source key); a calendar view around the original
//! start lists the occurrences there, and the one whose `OriginalStart`
//! is the original start (in UTC) and which carries the series' key is
//! deleted or updated. Done already counts as such: an occurrence no
//! longer there was deleted, one carrying the override's own key was
//! changed. A series expanded into single items has no series item: the
//! override's own item (found by its key) is updated instead.

use crate::ews::answer::{Answer, Tries, Trouble, busy_wait};
use crate::ews::ledger::Ledger;
use crate::ews::options::EwsOptions;
use crate::ews::report::Outcome;
use crate::ews::step::Next;
use chrono::{DateTime, NaiveDateTime};
use ferry_shared::convert::ews::{
    Folder, FoundItem, ItemId, ItemOutcome, ResponseClass, delete_occurrence, find_by_source_key,
    find_occurrences, read_find_item_response, read_item_outcomes, update_occurrence,
};
use ferry_shared::convert::exchange::{CalendarItem, WallClock};
use std::time::Duration;

/// The `ResponseCode` of a busy item, and of an item already gone.
const SERVER_BUSY: &str = "ErrorServerBusy";
const ITEM_NOT_FOUND: &str = "ErrorItemNotFound";

/// What is done to the occurrence.
#[derive(Debug, Clone)]
pub enum Change {
    Delete,
    Update(Box<CalendarItem>),
}

/// Where the operation stands.
#[derive(Debug, Clone)]
enum Stage {
    FindSeries,
    /// The series is not there: the override's own item is looked for.
    FindOwn,
    View,
    Apply(ItemId),
}

/// The state of one occurrence operation.
#[derive(Debug)]
pub struct OccurrenceChange {
    index: usize,
    series_key: String,
    original_start: WallClock,
    change: Change,
    stage: Stage,
    wait: Option<Duration>,
    tries: Tries,
    finished: bool,
}

impl OccurrenceChange {
    /// The operation at ledger `index` on the occurrence of `series_key`
    /// originally at `original_start`.
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
            wait: None,
            tries: Tries::default(),
            finished: false,
        }
    }

    /// The override's own source key (none for a deletion).
    fn own_key(&self) -> Option<&str> {
        match &self.change {
            Change::Delete => None,
            Change::Update(item) => item.source_key.as_deref(),
        }
    }

    /// The next request (or wait).
    pub fn next(&mut self, options: &EwsOptions, ledger: &mut Ledger) -> Next {
        if self.finished {
            return Next::Finished;
        }
        if let Some(wait) = self.wait.take() {
            return Next::Wait(wait);
        }
        if matches!(self.stage, Stage::FindSeries) && ledger.id_of(&self.series_key).is_some() {
            self.stage = Stage::View;
        }
        let settings = &options.settings;
        let envelope = match &self.stage {
            Stage::FindSeries => find_by_source_key(Folder::Calendar, &self.series_key, settings),
            Stage::FindOwn => match self.own_key() {
                Some(key) => find_by_source_key(Folder::Calendar, key, settings),
                None => {
                    self.settle(series_missing(), None, ledger);
                    return Next::Finished;
                }
            },
            Stage::View => find_occurrences(&self.original_start, settings),
            Stage::Apply(id) => match &self.change {
                Change::Delete => delete_occurrence(id, settings),
                Change::Update(item) => update_occurrence(id, item, settings),
            },
        };
        match envelope {
            Ok(envelope) => Next::Send(envelope),
            Err(err) => {
                let reason = format!("the request cannot be written: {err}");
                self.settle(Outcome::Failed { reason }, None, ledger);
                Next::Finished
            }
        }
    }

    /// Takes the answer to the request of the current stage.
    pub fn on_answer(&mut self, answer: Answer, options: &EwsOptions, ledger: &mut Ledger) {
        let read = match self.stage.clone() {
            Stage::FindSeries => answer
                .read(options, read_find_item_response)
                .map(|found| self.on_series(&found, ledger)),
            Stage::FindOwn => answer
                .read(options, read_find_item_response)
                .map(|found| self.on_own(found, ledger)),
            Stage::View => answer
                .read(options, read_find_item_response)
                .map(|found| self.on_view(found, ledger)),
            Stage::Apply(id) => answer
                .read(options, read_item_outcomes)
                .and_then(|outcomes| self.on_applied(id, outcomes, options, ledger)),
        };
        let Err(trouble) = read else {
            return;
        };
        let retry = match trouble {
            Trouble::Busy(wait) => self.tries.busy(options).map(|()| self.wait = Some(wait)),
            Trouble::Lost(reason) => self.tries.lost(&reason, options).map(|()| {
                // A change whose answer was lost is checked again first.
                if matches!(self.stage, Stage::Apply(_)) {
                    self.stage = Stage::View;
                }
            }),
            Trouble::Refused(reason) => Err(reason),
        };
        if let Err(reason) = retry {
            self.settle(Outcome::Failed { reason }, None, ledger);
        }
    }

    fn on_series(&mut self, found: &[FoundItem], ledger: &mut Ledger) {
        self.tries = Tries::default();
        if has_key(found, &self.series_key).is_some() {
            self.stage = Stage::View;
        } else if self.own_key().is_some() {
            self.stage = Stage::FindOwn;
        } else {
            self.settle(series_missing(), None, ledger);
        }
    }

    fn on_own(&mut self, found: Vec<FoundItem>, ledger: &mut Ledger) {
        self.tries = Tries::default();
        let own = self.own_key().map(str::to_string);
        match found
            .into_iter()
            .find(|item| own.is_some() && item.source_key == own)
        {
            Some(item) => self.stage = Stage::Apply(item.id),
            None => self.settle(
                Outcome::Failed {
                    reason: "neither the series nor this occurrence is on the server".into(),
                },
                None,
                ledger,
            ),
        }
    }

    fn on_view(&mut self, found: Vec<FoundItem>, ledger: &mut Ledger) {
        self.tries = Tries::default();
        let wanted = self.original_start.to_utc();
        let own = self.own_key().map(str::to_string);
        let occurrence = found.into_iter().find(|item| {
            item.original_start.as_deref().and_then(utc) == Some(wanted)
                && (item.source_key.as_deref() == Some(self.series_key.as_str())
                    || (own.is_some() && item.source_key == own))
        });
        match (occurrence, &self.change) {
            (None, Change::Delete) => self.settle(Outcome::AlreadyThere, None, ledger),
            (None, Change::Update(_)) => self.settle(
                Outcome::Failed {
                    reason: format!(
                        "the series has no occurrence originally at {} UTC",
                        wanted.format("%Y-%m-%d %H:%M")
                    ),
                },
                None,
                ledger,
            ),
            (Some(item), Change::Update(_)) if own.is_some() && item.source_key == own => {
                self.settle(Outcome::AlreadyThere, Some(item.id), ledger)
            }
            (Some(item), _) => self.stage = Stage::Apply(item.id),
        }
    }

    fn on_applied(
        &mut self,
        id: ItemId,
        outcomes: Vec<ItemOutcome>,
        options: &EwsOptions,
        ledger: &mut Ledger,
    ) -> Result<(), Trouble> {
        let Some(outcome) = outcomes.into_iter().next() else {
            return Err(Trouble::Lost("the server answered no message".into()));
        };
        if outcome.class != ResponseClass::Error {
            let id = outcome.item_id.unwrap_or(id);
            self.settle(Outcome::Changed, Some(id), ledger);
            return Ok(());
        }
        if outcome.code == SERVER_BUSY {
            return Err(Trouble::Busy(busy_wait(outcome.back_off_ms, options)));
        }
        if outcome.code == ITEM_NOT_FOUND && matches!(self.change, Change::Delete) {
            self.settle(Outcome::AlreadyThere, None, ledger);
            return Ok(());
        }
        let reason = match outcome.message_text {
            Some(text) => format!("{}: {text}", outcome.code),
            None => outcome.code,
        };
        self.settle(Outcome::Failed { reason }, None, ledger);
        Ok(())
    }

    fn settle(&mut self, outcome: Outcome, id: Option<ItemId>, ledger: &mut Ledger) {
        self.finished = true;
        ledger.settle(self.index, outcome, id);
    }
}

fn series_missing() -> Outcome {
    Outcome::Failed {
        reason: "the series is not on the server".into(),
    }
}

/// The item of a FindItem by `key`: one carrying the key, or one
/// without the property shown (the restriction matched it).
fn has_key<'a>(found: &'a [FoundItem], key: &str) -> Option<&'a FoundItem> {
    found
        .iter()
        .find(|item| item.source_key.as_deref().is_none_or(|found| found == key))
}

/// A time as EWS writes it (`2024-03-11T08:00:00Z`, or with an offset),
/// in UTC.
fn utc(text: &str) -> Option<NaiveDateTime> {
    DateTime::parse_from_rfc3339(text.trim())
        .ok()
        .map(|at| at.naive_utc())
}
