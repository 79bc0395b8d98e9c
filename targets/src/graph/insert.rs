//! The sans-I/O insert: the actions of a conversion in, HTTP requests
//! out, answers in, a report at the end. Creates go first, one at a
//! time, in order ([`crate::graph::create`]), then the occurrence
//! actions ([`crate::graph::occurrence`]), one request in flight. A
//! `401`, or a failure no request can get past (TLS, a redirect to
//! another server), stops the run; what was not done then fails with it.

use crate::error::Error;
use crate::ews::Step;
use crate::ews::ledger::Ledger;
use crate::ews::report::{InsertReport, OperationKind, Outcome, Totals};
use crate::graph::answer::Answer;
use crate::graph::create::Create;
use crate::graph::endpoint::http_request;
use crate::graph::occurrence::{Change, OccurrenceChange};
use crate::graph::options::GraphOptions;
use crate::graph::step::Next;
use crate::http::HttpResponse;
use ferry_shared::convert::graph::GraphAction;
use std::collections::{HashSet, VecDeque};
use std::time::SystemTime;

/// The state of one insert.
#[derive(Debug)]
pub struct Insert {
    options: GraphOptions,
    ledger: Ledger,
    creates: VecDeque<Create>,
    changes: VecDeque<OccurrenceChange>,
    requests_sent: usize,
    stopped: Option<Error>,
}

impl Insert {
    /// An insert of `actions` (in the order
    /// [`convert`](ferry_shared::convert::graph::convert) gives them).
    pub fn new(actions: Vec<GraphAction>, options: GraphOptions) -> Self {
        let mut ledger = Ledger::default();
        let mut creates = VecDeque::new();
        let mut changes = VecDeque::new();
        let mut keys = HashSet::new();
        for action in actions {
            match action {
                GraphAction::Create {
                    source_key,
                    request,
                } => {
                    let index = ledger.open(OperationKind::Create, source_key.clone(), None);
                    if let Some(key) = &source_key
                        && !keys.insert(key.clone())
                    {
                        let reason =
                            "the same source key comes earlier in this run; not created twice";
                        let outcome = Outcome::Failed {
                            reason: reason.into(),
                        };
                        ledger.settle(index, outcome, None);
                        continue;
                    }
                    match Create::new(index, source_key, request, &options) {
                        Ok(create) => creates.push_back(create),
                        Err(reason) => ledger.settle(index, Outcome::Failed { reason }, None),
                    }
                }
                GraphAction::DeleteOccurrence {
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
                GraphAction::UpdateOccurrence {
                    series_key,
                    original_start,
                    occurrence_key,
                    changes: fields,
                } => {
                    let index = ledger.open(
                        OperationKind::UpdateOccurrence,
                        Some(series_key.clone()),
                        Some(original_start.clone()),
                    );
                    let change = Change::Update {
                        changes: fields,
                        own_key: occurrence_key,
                    };
                    changes.push_back(OccurrenceChange::new(
                        index,
                        series_key,
                        original_start,
                        change,
                    ));
                }
            }
        }
        Self {
            options,
            ledger,
            creates,
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
            let next = if let Some(create) = self.creates.front_mut() {
                create.next_move()
            } else if let Some(change) = self.changes.front_mut() {
                change.next_move(&self.options, &mut self.ledger)
            } else {
                return Step::Done;
            };
            match next {
                Next::Send(request) => match http_request(&self.options.base_url, &request) {
                    Ok(http) => {
                        self.requests_sent += 1;
                        return Step::Send(Box::new(http));
                    }
                    Err(error) => self.on_answer(Ok(Answer::Refused(error.to_string()))),
                },
                Next::Wait(wait) => return Step::Wait(wait),
                Next::Finished => {
                    if self.creates.pop_front().is_none() {
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
                if let Some(create) = self.creates.front_mut() {
                    create.on_answer(answer, &self.options, &mut self.ledger);
                } else if let Some(change) = self.changes.front_mut() {
                    change.on_answer(answer, &self.options, &mut self.ledger);
                }
            }
        }
    }

    /// The report: every action's outcome and the totals.
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
