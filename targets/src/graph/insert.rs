//! The sans-I/O insert: the actions of a conversion in, HTTP requests
//! out, answers in, a report at the end. When tasks are to go to a To Do
//! list chosen by name ([`GraphOptions::todo_list`]: the target names no
//! list id, or the placeholder of written requests), the list is found
//! or made first ([`crate::graph::todo_list`]) and put in the tasks'
//! URLs. Then the creates, their lookups batched
//! ([`crate::graph::creates`]), then the occurrence actions
//! ([`crate::graph::occurrence`]), one request in flight. A `401`, or a
//! failure no request can get past (TLS, a redirect to another server),
//! stops the run; what was not done then fails with it.

use crate::error::Error;
use crate::ews::Step;
use crate::ews::ledger::Ledger;
use crate::ews::report::{InsertReport, OperationKind, Outcome, Totals};
use crate::graph::answer::Answer;
use crate::graph::creates::Creates;
use crate::graph::endpoint::outgoing_request;
use crate::graph::occurrence::{Change, OccurrenceChange};
use crate::graph::options::GraphOptions;
use crate::graph::step::Next;
use crate::graph::todo_list::TodoListStep;
use crate::graph::waiting_tasks::WaitingTasks;
use crate::http::HttpResponse;
use ferry_shared::convert::graph::GraphAction;
use std::collections::{HashSet, VecDeque};
use std::time::SystemTime;

/// Which step the request in flight belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    TodoList,
    Creates,
    Changes,
}

/// The state of one insert.
#[derive(Debug)]
pub struct Insert {
    options: GraphOptions,
    ledger: Ledger,
    todo_list: Option<TodoListStep>,
    waiting_tasks: WaitingTasks,
    creates: Creates,
    changes: VecDeque<OccurrenceChange>,
    stage: Stage,
    requests_sent: usize,
    stopped: Option<Error>,
}

impl Insert {
    /// An insert of `actions` (in the order
    /// [`convert`](ferry_shared::convert::graph::convert) gives them).
    pub fn new(actions: Vec<GraphAction>, options: GraphOptions) -> Self {
        let mut ledger = Ledger::default();
        let mut creates = Creates::default();
        let mut waiting_tasks = WaitingTasks::default();
        let by_name = WaitingTasks::wait_in(&options.target);
        let mut changes = VecDeque::new();
        let mut keys = HashSet::new();
        for action in actions {
            match action {
                GraphAction::Create {
                    source_key,
                    request,
                    photo,
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
                    let held = match by_name {
                        true => waiting_tasks.hold(index, source_key, request),
                        false => Some((source_key, request)),
                    };
                    if let Some((key, request)) = held {
                        let create = (key, request, photo);
                        creates.add_new(&mut ledger, index, create, &options.target);
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
            todo_list: (!waiting_tasks.is_empty()).then(TodoListStep::default),
            options,
            ledger,
            waiting_tasks,
            creates,
            changes,
            stage: Stage::TodoList,
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
            let next = match self.stage {
                Stage::TodoList => match &mut self.todo_list {
                    Some(step) => step.next_move(&self.options),
                    None => Next::Finished,
                },
                Stage::Creates => self.creates.next_move(&self.options, &mut self.ledger),
                Stage::Changes => match self.changes.front_mut() {
                    Some(change) => change.next_move(&self.options, &mut self.ledger),
                    None => return Step::Done,
                },
            };
            match next {
                Next::Send(outgoing) => match outgoing_request(&self.options.base_url, &outgoing) {
                    Ok(http) => {
                        self.requests_sent += 1;
                        return Step::Send(Box::new(http));
                    }
                    Err(error) => {
                        let refused = Answer::Refused(error.to_string());
                        self.on_answer(Ok(refused), SystemTime::UNIX_EPOCH);
                    }
                },
                Next::Wait(wait) => return Step::Wait(wait),
                Next::Finished => match self.stage {
                    Stage::TodoList => {
                        let list = self.todo_list.take().and_then(|s| s.result().cloned());
                        let waiting = std::mem::take(&mut self.waiting_tasks);
                        if let Some(list) = list {
                            let (creates, ledger) = (&mut self.creates, &mut self.ledger);
                            waiting.release(list, &self.options.target, creates, ledger);
                        }
                        self.stage = Stage::Creates;
                    }
                    Stage::Creates => self.stage = Stage::Changes,
                    Stage::Changes => {
                        self.changes.pop_front();
                    }
                },
            }
        }
    }

    /// Takes the response to the request last sent; `now` dates a
    /// `Retry-After` given as a date.
    pub fn on_response(&mut self, response: &HttpResponse, now: SystemTime) {
        let answer = Answer::of_response(response, &self.options, now);
        self.on_answer(answer, now);
    }

    /// Takes the error that ended the request last sent.
    pub fn on_error(&mut self, error: Error) {
        // A lost exchange has no body to date.
        self.on_answer(Answer::of_error(error), SystemTime::UNIX_EPOCH);
    }

    fn on_answer(&mut self, answer: Result<Answer, Error>, now: SystemTime) {
        let answer = match answer {
            Err(error) => return self.stopped = Some(error),
            Ok(answer) => answer,
        };
        let (options, ledger) = (&self.options, &mut self.ledger);
        match self.stage {
            Stage::TodoList => {
                if let Some(step) = &mut self.todo_list {
                    step.on_answer(answer, options);
                }
            }
            Stage::Creates => {
                if let Err(error) = self.creates.on_answer(answer, now, options, ledger) {
                    self.stopped = Some(error);
                }
            }
            Stage::Changes => {
                if let Some(change) = self.changes.front_mut() {
                    change.on_answer(answer, options, ledger);
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
