//! The sans-I/O insert: the actions of a conversion in, HTTP requests
//! out, answers in, a report at the end. Creates go one at a time, in
//! order ([`crate::graph::create`]), one request in flight. A `401`, or
//! a failure no request can get past (TLS, a redirect to another
//! server), stops the run; what was not done then fails with it.
//! Occurrence actions are not carried out yet: each is reported failed
//! with [`OCCURRENCES_NOT_SUPPORTED`].

use crate::error::Error;
use crate::ews::Step;
use crate::ews::ledger::Ledger;
use crate::ews::report::{InsertReport, OperationKind, Outcome, Totals};
use crate::graph::answer::Answer;
use crate::graph::create::{Create, Next};
use crate::graph::endpoint::http_request;
use crate::graph::options::GraphOptions;
use crate::http::HttpResponse;
use ferry_shared::convert::graph::GraphAction;
use std::collections::{HashSet, VecDeque};
use std::time::SystemTime;

/// The reason an occurrence action fails with, for now.
pub const OCCURRENCES_NOT_SUPPORTED: &str =
    "deleting or changing one occurrence is not supported over Microsoft Graph yet";

/// The state of one insert.
#[derive(Debug)]
pub struct Insert {
    options: GraphOptions,
    ledger: Ledger,
    creates: VecDeque<Create>,
    requests_sent: usize,
    stopped: Option<Error>,
}

impl Insert {
    /// An insert of `actions` (in the order
    /// [`convert`](ferry_shared::convert::graph::convert) gives them).
    pub fn new(actions: Vec<GraphAction>, options: GraphOptions) -> Self {
        let mut ledger = Ledger::default();
        let mut creates = VecDeque::new();
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
                } => not_supported(
                    &mut ledger,
                    OperationKind::DeleteOccurrence,
                    series_key,
                    original_start,
                ),
                GraphAction::UpdateOccurrence {
                    series_key,
                    original_start,
                    ..
                } => not_supported(
                    &mut ledger,
                    OperationKind::UpdateOccurrence,
                    series_key,
                    original_start,
                ),
            }
        }
        Self {
            options,
            ledger,
            creates,
            requests_sent: 0,
            stopped: None,
        }
    }

    /// What to do next.
    pub fn next_step(&mut self) -> Step {
        if self.stopped.is_some() {
            return Step::Done;
        }
        while let Some(create) = self.creates.front_mut() {
            match create.next_move() {
                Next::Send(request) => match http_request(&self.options.base_url, &request) {
                    Ok(http) => {
                        self.requests_sent += 1;
                        return Step::Send(Box::new(http));
                    }
                    Err(error) => create.on_answer(
                        Answer::Refused(error.to_string()),
                        &self.options,
                        &mut self.ledger,
                    ),
                },
                Next::Wait(wait) => return Step::Wait(wait),
                Next::Finished => {
                    self.creates.pop_front();
                }
            }
        }
        Step::Done
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

fn not_supported(
    ledger: &mut Ledger,
    kind: OperationKind,
    series_key: String,
    original_start: ferry_shared::convert::exchange::WallClock,
) {
    let index = ledger.open(kind, Some(series_key), Some(original_start));
    let reason = OCCURRENCES_NOT_SUPPORTED.to_string();
    ledger.settle(index, Outcome::Failed { reason }, None);
}
