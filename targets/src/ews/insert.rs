//! The sans-I/O insert: the operations of a conversion in, HTTP requests
//! out, answers in, a report at the end. Creates go first, batch by
//! batch ([`crate::ews::create`]), then the occurrence operations
//! ([`crate::ews::occurrence`]), one request in flight at a time. A
//! `401`, or a failure no request can get past (TLS, a redirect to
//! another server), stops the run; what was not done then fails with it.

use crate::error::Error;
use crate::ews::answer::Answer;
use crate::ews::create::{CreateBatch, Entry};
use crate::ews::endpoint::Endpoint;
use crate::ews::ledger::Ledger;
use crate::ews::occurrence::{Change, OccurrenceChange};
use crate::ews::options::EwsOptions;
use crate::ews::report::{InsertReport, OperationKind, Outcome, Totals};
use crate::ews::step::Next;
use crate::http::{HttpRequest, HttpResponse};
use ferry_shared::convert::ews::Folder;
use ferry_shared::convert::exchange::Operation;
use std::collections::{HashSet, VecDeque};
use std::time::{Duration, SystemTime};

/// What the driver does next.
#[derive(Debug)]
pub enum Step {
    /// Send this request; hand the response (or the error) back.
    Send(Box<HttpRequest>),
    /// Sleep this long, then ask again.
    Wait(Duration),
    /// Nothing more to do: take the report.
    Done,
}

/// The state of one insert.
#[derive(Debug)]
pub struct Insert {
    options: EwsOptions,
    endpoint: Endpoint,
    ledger: Ledger,
    batches: VecDeque<CreateBatch>,
    changes: VecDeque<OccurrenceChange>,
    requests_sent: usize,
    stopped: Option<Error>,
}

impl Insert {
    /// An insert of `operations` (in the order [`convert`] gives them,
    /// any number of items) at `endpoint`.
    ///
    /// [`convert`]: ferry_shared::convert::exchange::convert
    pub fn new(operations: Vec<Operation>, endpoint: Endpoint, options: EwsOptions) -> Self {
        let mut ledger = Ledger::default();
        let mut by_folder: Vec<(Folder, Vec<Entry>)> =
            [Folder::Calendar, Folder::Tasks, Folder::Contacts]
                .into_iter()
                .map(|folder| (folder, Vec::new()))
                .collect();
        let mut keys = HashSet::new();
        let mut changes = VecDeque::new();
        for operation in operations {
            match operation {
                Operation::Create(item) => {
                    let key = item.source_key().map(str::to_string);
                    let index = ledger.open(OperationKind::Create, key.clone(), None);
                    if let Some(key) = key
                        && !keys.insert(key)
                    {
                        let reason =
                            "the same source key comes earlier in this run; not created twice";
                        ledger.settle(
                            index,
                            Outcome::Failed {
                                reason: reason.into(),
                            },
                            None,
                        );
                        continue;
                    }
                    let folder = Folder::of(&item);
                    if let Some((_, entries)) = by_folder.iter_mut().find(|(f, _)| *f == folder) {
                        entries.push(Entry { index, item });
                    }
                }
                Operation::DeleteOccurrence {
                    series_key,
                    original_start,
                } => {
                    let index = ledger.open(
                        OperationKind::DeleteOccurrence,
                        Some(series_key.clone()),
                        Some(original_start.clone()),
                    );
                    changes.push_back(OccurrenceChange::new(
                        index,
                        series_key,
                        original_start,
                        Change::Delete,
                    ));
                }
                Operation::UpdateOccurrence {
                    series_key,
                    original_start,
                    item,
                } => {
                    let index = ledger.open(
                        OperationKind::UpdateOccurrence,
                        Some(series_key.clone()),
                        Some(original_start.clone()),
                    );
                    changes.push_back(OccurrenceChange::new(
                        index,
                        series_key,
                        original_start,
                        Change::Update(item),
                    ));
                }
            }
        }
        let batch_size = options.batch_size.max(1);
        let mut batches = VecDeque::new();
        for (folder, entries) in by_folder {
            let mut entries = entries.into_iter().peekable();
            while entries.peek().is_some() {
                let batch: Vec<Entry> = entries.by_ref().take(batch_size).collect();
                batches.push_back(CreateBatch::new(folder, batch));
            }
        }
        Self {
            options,
            endpoint,
            ledger,
            batches,
            changes,
            requests_sent: 0,
            stopped: None,
        }
    }

    /// What to do next.
    pub fn next_step(&mut self) -> Step {
        if self.stopped.is_some() {
            return Step::Done;
        }
        loop {
            let next = if let Some(batch) = self.batches.front_mut() {
                batch.next(&self.options, &mut self.ledger)
            } else if let Some(change) = self.changes.front_mut() {
                change.next(&self.options, &mut self.ledger)
            } else {
                return Step::Done;
            };
            match next {
                Next::Send(envelope) => {
                    self.requests_sent += 1;
                    return Step::Send(Box::new(self.endpoint.request(envelope)));
                }
                Next::Wait(wait) => return Step::Wait(wait),
                Next::Finished => {
                    if self.batches.pop_front().is_none() {
                        self.changes.pop_front();
                    }
                }
            }
        }
    }

    /// Takes the response to the request last sent; `now` dates a
    /// `Retry-After` given as a date.
    pub fn on_response(&mut self, response: &HttpResponse, now: SystemTime) {
        let answer = Answer::of_response(response, &self.options, now);
        self.on_answer(answer);
    }

    /// Takes the error that ended the request last sent.
    pub fn on_error(&mut self, error: Error) {
        self.on_answer(Answer::of_error(error));
    }

    fn on_answer(&mut self, answer: Result<Answer, Error>) {
        match answer {
            Err(error) => self.stopped = Some(error),
            Ok(answer) => {
                if let Some(batch) = self.batches.front_mut() {
                    batch.on_answer(answer, &self.options, &mut self.ledger);
                } else if let Some(change) = self.changes.front_mut() {
                    change.on_answer(answer, &self.options, &mut self.ledger);
                }
            }
        }
    }

    /// The report: every operation's outcome and the totals.
    pub fn finish(self) -> InsertReport {
        let reason = match &self.stopped {
            Some(error) => format!("not done: the run stopped ({error})"),
            None => "not done".to_string(),
        };
        let items = self.ledger.into_reports(&reason);
        InsertReport {
            totals: Totals::of(&items, self.requests_sent),
            items,
            stopped: self.stopped,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ews::test_support::{
        Message, contact, expect_send, found, insert, operations, outcomes, respond,
    };

    #[test]
    fn unauthorized_stops_the_run_and_fails_what_is_left() {
        let mut run = insert(operations(&contact("a@x")), EwsOptions::default());
        expect_send(&mut run, "FindItem");
        respond(&mut run, 401, &[], "");
        assert!(matches!(run.next_step(), Step::Done));
        let report = run.finish();
        assert!(matches!(
            report.stopped,
            Some(Error::AuthFailed { status: 401 })
        ));
        assert_eq!(
            report.items[0].outcome,
            Outcome::Failed {
                reason: "not done: the run stopped (authentication failed (HTTP 401))".into()
            }
        );
    }

    #[test]
    fn a_failure_no_request_gets_past_stops_the_run() {
        let mut run = insert(operations(&contact("a@x")), EwsOptions::default());
        expect_send(&mut run, "FindItem");
        run.on_error(Error::Tls {
            host: "127.0.0.1".into(),
            reason: "unknown issuer".into(),
        });
        assert!(matches!(run.next_step(), Step::Done));
        assert!(matches!(run.finish().stopped, Some(Error::Tls { .. })));
    }

    #[test]
    fn a_key_given_twice_is_created_once() {
        let mut twice = operations(&contact("a@x"));
        twice.extend(operations(&contact("a@x")));
        let mut run = insert(twice, EwsOptions::default());
        expect_send(&mut run, "FindItem");
        respond(&mut run, 200, &[], &found(&[]));
        let create = expect_send(&mut run, "CreateItem");
        assert_eq!(create.matches("<t:Contact>").count(), 1, "{create}");
        let created = outcomes("CreateItemResponse", &[Message::Success("id-a")]);
        respond(&mut run, 200, &[], &created);
        assert!(matches!(run.next_step(), Step::Done));
        let report = run.finish();
        assert_eq!(report.items[0].outcome, Outcome::Created);
        assert!(matches!(
            &report.items[1].outcome,
            Outcome::Failed { reason } if reason.contains("earlier in this run")
        ));
    }

    #[test]
    fn nothing_to_do_is_done_at_once() {
        let mut run = insert(Vec::new(), EwsOptions::default());
        assert!(matches!(run.next_step(), Step::Done));
        assert_eq!(run.finish().totals, Totals::default());
    }
}
