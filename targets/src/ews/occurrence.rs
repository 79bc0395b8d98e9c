//! One occurrence of a series deleted (EXDATE) or changed (an override),
//! after the creates. The series is found (this run's record, else
//! FindItem by its source key); a calendar view around the original
//! start lists the occurrences there, and the one whose `OriginalStart`
//! is the original start (in UTC) and which carries the series' key is
//! deleted or updated. Done already counts as such: an occurrence no
//! longer there was deleted, one carrying the override's own key was
//! changed. An occurrence at that time showing no source key at all is
//! neither touched nor taken as done (it may be another series'). A
//! series expanded into single items has no series item: the override's
//! own item (found by its key) is updated instead.

use crate::ews::answer::{Answer, Trouble, busy_wait};
use crate::ews::ledger::Ledger;
use crate::ews::options::EwsOptions;
use crate::ews::report::Outcome;
use crate::ews::step::Next;
use crate::tries::Tries;
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
        let at_start: Vec<FoundItem> = found
            .into_iter()
            .filter(|item| item.original_start.as_deref().and_then(utc) == Some(wanted))
            .collect();
        let unmarked = at_start.iter().any(|item| item.source_key.is_none());
        let occurrence = at_start.into_iter().find(|item| {
            item.source_key.as_deref() == Some(self.series_key.as_str())
                || (own.is_some() && item.source_key == own)
        });
        let when = wanted.format("%Y-%m-%d %H:%M");
        match (occurrence, &self.change) {
            // Which series an occurrence without the key belongs to cannot
            // be told: neither touched nor taken as done.
            (None, _) if unmarked => self.settle(
                Outcome::Failed {
                    reason: format!(
                        "an occurrence originally at {when} UTC shows no source key; it is not known to be this series'"
                    ),
                },
                None,
                ledger,
            ),
            (None, Change::Delete) => self.settle(Outcome::AlreadyThere, None, ledger),
            (None, Change::Update(_)) => self.settle(
                Outcome::Failed {
                    reason: format!("the series has no occurrence originally at {when} UTC"),
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

#[cfg(test)]
mod tests {
    use crate::error::Error;
    use crate::ews::insert::Insert;
    use crate::ews::options::EwsOptions;
    use crate::ews::report::{OperationKind, Outcome};
    use crate::ews::test_support::{
        Listed, Message, expect_send, fixture, found, insert, operations, outcomes, respond,
    };
    use ferry_shared::convert::exchange::Operation;

    const SERIES: &str = "weekly-1@ferry.test";
    /// The removed date (EXDATE) and the changed occurrence, in UTC.
    const REMOVED: &str = "2024-03-11T08:00:00Z";
    const CHANGED: &str = "2024-03-18T08:00:00Z";

    fn series() -> Vec<Operation> {
        operations(&fixture("fixtures/ews/items/series.ics"))
    }

    /// The override's own source key.
    fn own_key(operations: &[Operation]) -> String {
        operations
            .iter()
            .find_map(|op| match op {
                Operation::UpdateOccurrence { item, .. } => item.source_key.clone(),
                _ => None,
            })
            .unwrap()
    }

    fn occurrence<'a>(id: &'a str, key: &'a str, start: &'a str) -> Listed<'a> {
        Listed {
            id,
            key: Some(key),
            original_start: Some(start),
        }
    }

    /// Runs up to the first calendar view: the series created.
    fn series_created() -> Insert {
        let mut run = insert(series(), EwsOptions::default());
        expect_send(&mut run, "FindItem");
        respond(&mut run, 200, &[], &found(&[]));
        expect_send(&mut run, "CreateItem");
        let created = outcomes("CreateItemResponse", &[Message::Success("series-id")]);
        respond(&mut run, 200, &[], &created);
        run
    }

    #[test]
    fn the_matching_occurrence_is_deleted_and_the_override_updated() {
        let mut run = series_created();
        let view = expect_send(&mut run, "FindItem");
        assert!(
            view.contains(r#"StartDate="2024-03-10T08:00:00Z""#)
                && view.contains(r#"EndDate="2024-03-12T08:00:00Z""#),
            "{view}"
        );
        let listed = found(&[
            occurrence("other-series", "other@x", REMOVED),
            occurrence("wrong-day", SERIES, "2024-03-13T08:00:00Z"),
            occurrence("the-one", SERIES, REMOVED),
        ]);
        respond(&mut run, 200, &[], &listed);
        let delete = expect_send(&mut run, "DeleteItem");
        assert!(delete.contains(r#"Id="the-one""#), "{delete}");
        let deleted = outcomes("DeleteItemResponse", &[Message::Success("the-one")]);
        respond(&mut run, 200, &[], &deleted);

        expect_send(&mut run, "FindItem");
        respond(
            &mut run,
            200,
            &[],
            &found(&[occurrence("moved", SERIES, CHANGED)]),
        );
        let update = expect_send(&mut run, "UpdateItem");
        assert!(update.contains(r#"Id="moved""#) && update.contains("Team sync (moved)"));
        let updated = outcomes("UpdateItemResponse", &[Message::Success("moved-2")]);
        respond(&mut run, 200, &[], &updated);
        let report = run.finish();
        let got: Vec<_> = report
            .items
            .iter()
            .map(|i| (i.kind, i.outcome.clone()))
            .collect();
        assert_eq!(
            got,
            [
                (OperationKind::Create, Outcome::Created),
                (OperationKind::DeleteOccurrence, Outcome::Changed),
                (OperationKind::UpdateOccurrence, Outcome::Changed),
            ]
        );
        assert_eq!(report.items[2].item_id.as_ref().unwrap().id, "moved-2");
    }

    #[test]
    fn changes_done_before_count_as_already_there() {
        let operations = series();
        let own = own_key(&operations);
        let mut run = insert(operations, EwsOptions::default());
        expect_send(&mut run, "FindItem");
        let series_item = Listed {
            id: "series-id",
            key: Some(SERIES),
            original_start: None,
        };
        respond(&mut run, 200, &[], &found(&[series_item]));
        // The series is known now: straight to the calendar view, where
        // the removed occurrence is gone.
        expect_send(&mut run, "FindItem");
        respond(&mut run, 200, &[], &found(&[]));
        expect_send(&mut run, "FindItem");
        respond(
            &mut run,
            200,
            &[],
            &found(&[occurrence("exception", &own, CHANGED)]),
        );
        let report = run.finish();
        assert_eq!(report.totals.already_there, 3, "{report:?}");
        assert_eq!(report.totals.requests_sent, 3);
    }

    #[test]
    fn without_a_series_the_overrides_own_item_is_updated() {
        let operations: Vec<Operation> = series()
            .into_iter()
            .filter(|op| !matches!(op, Operation::Create(_)))
            .collect();
        let own = own_key(&operations);
        let mut run = insert(operations, EwsOptions::default());
        assert!(expect_send(&mut run, "FindItem").contains(SERIES));
        respond(&mut run, 200, &[], &found(&[]));
        // The deletion has nothing to delete from.
        assert!(expect_send(&mut run, "FindItem").contains(SERIES));
        respond(&mut run, 200, &[], &found(&[]));
        let find_own = expect_send(&mut run, "FindItem");
        assert!(find_own.contains("%00"), "{find_own}");
        let own_item = Listed {
            id: "own-id",
            key: Some(&own),
            original_start: None,
        };
        respond(&mut run, 200, &[], &found(&[own_item]));
        assert!(expect_send(&mut run, "UpdateItem").contains(r#"Id="own-id""#));
        let updated = outcomes("UpdateItemResponse", &[Message::Success("own-id")]);
        respond(&mut run, 200, &[], &updated);
        let report = run.finish();
        assert_eq!(
            report.items[0].outcome,
            Outcome::Failed {
                reason: "the series is not on the server".into()
            }
        );
        assert_eq!(report.items[1].outcome, Outcome::Changed);
    }

    #[test]
    fn an_occurrence_without_the_key_is_not_touched() {
        let mut run = series_created();
        expect_send(&mut run, "FindItem");
        let unmarked = Listed {
            id: "whose",
            key: None,
            original_start: Some(REMOVED),
        };
        respond(&mut run, 200, &[], &found(&[unmarked]));
        expect_send(&mut run, "FindItem");
        respond(&mut run, 200, &[], &found(&[]));
        let report = run.finish();
        assert!(
            matches!(&report.items[1].outcome, Outcome::Failed { reason } if reason.contains("shows no source key")),
            "{report:?}"
        );
        assert_eq!(report.totals.requests_sent, 4);
    }

    #[test]
    fn a_lost_change_is_checked_again_before_it_is_repeated() {
        let mut run = series_created();
        expect_send(&mut run, "FindItem");
        respond(
            &mut run,
            200,
            &[],
            &found(&[occurrence("the-one", SERIES, REMOVED)]),
        );
        expect_send(&mut run, "DeleteItem");
        run.on_error(Error::Timeout {
            step: "request",
            limit: std::time::Duration::from_secs(60),
        });
        // Looked at again: the server had deleted it.
        expect_send(&mut run, "FindItem");
        respond(&mut run, 200, &[], &found(&[]));
        expect_send(&mut run, "FindItem");
        respond(&mut run, 200, &[], &found(&[]));
        let report = run.finish();
        assert_eq!(report.items[1].outcome, Outcome::AlreadyThere);
        assert!(
            matches!(&report.items[2].outcome, Outcome::Failed { reason } if reason.contains("no occurrence originally at 2024-03-18 08:00")),
            "{report:?}"
        );
    }
}
