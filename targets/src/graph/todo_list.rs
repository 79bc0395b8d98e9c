//! The To Do list tasks go to, found or made before the first task:
//! the lists are read (`GET /me/todo/lists`, every page), and the one
//! [`GraphOptions::todo_list`] names is taken — the default list
//! (`wellknownListName` `defaultList`), or the list with that display
//! name, created (`POST /me/todo/lists`) when there is none. A re-run
//! finds the list it made, so it is made once. A lost answer to the
//! `POST` leads to the lists read again before any resend, as for items.

use crate::graph::answer::Answer;
use crate::graph::options::{GraphOptions, TodoList};
use crate::graph::paging::{PageError, Paged, Pages};
use crate::graph::step::{Next, Outgoing};
use crate::tries::Tries;
use ferry_shared::convert::graph::{CreatedItem, TaskList, create_task_list, task_lists};
use std::time::Duration;
use url::Url;

/// The well-known name of the user's default list.
pub const DEFAULT_LIST: &str = "defaultList";

#[derive(Debug)]
enum Stage {
    /// Reading the lists (the next page, if any).
    List(Option<Url>),
    Create(String),
    /// The list's id, or why there is none.
    Done(Result<String, String>),
}

/// Finding (or making) the To Do list.
#[derive(Debug)]
pub struct TodoListStep {
    stage: Stage,
    pages: Pages<TaskList>,
    wait: Option<Duration>,
    tries: Tries,
}

impl Default for TodoListStep {
    fn default() -> Self {
        Self {
            stage: Stage::List(None),
            pages: Pages::default(),
            wait: None,
            tries: Tries::default(),
        }
    }
}

impl TodoListStep {
    /// The list's id once known, or why there is none.
    pub fn result(&self) -> Option<&Result<String, String>> {
        match &self.stage {
            Stage::Done(result) => Some(result),
            _ => None,
        }
    }

    /// What to do next.
    pub fn next_move(&mut self, options: &GraphOptions) -> Next {
        if let Some(wait) = self.wait.take() {
            return Next::Wait(wait);
        }
        let target = &options.target;
        match &self.stage {
            Stage::List(None) => Next::Send(Outgoing::Graph(task_lists(target))),
            Stage::List(Some(page)) => Next::Send(Outgoing::Page(page.clone())),
            Stage::Create(name) => Next::Send(Outgoing::Graph(create_task_list(name, target))),
            Stage::Done(_) => Next::Finished,
        }
    }

    /// Takes the answer to the request last sent.
    pub fn on_answer(&mut self, answer: Answer, options: &GraphOptions) {
        match answer {
            Answer::Body(body) => self.on_body(&body, options),
            Answer::Busy(wait) => match self.tries.busy(options) {
                Ok(()) => self.wait = Some(wait),
                Err(reason) => self.stage = Stage::Done(Err(reason)),
            },
            Answer::Lost(reason) => self.on_lost(&reason, options),
            Answer::NotFound(reason) | Answer::Refused(reason) => {
                self.stage = Stage::Done(Err(reason));
            }
        }
    }

    fn on_body(&mut self, body: &[u8], options: &GraphOptions) {
        if let Stage::Create(_) = self.stage {
            self.stage = match serde_json::from_slice::<CreatedItem>(body) {
                Ok(list) => Stage::Done(Ok(list.id)),
                Err(err) => return self.on_lost(&format!("unreadable answer: {err}"), options),
            };
            return;
        }
        match self.pages.take(body, options) {
            Ok(Paged::Next(url)) => self.stage = Stage::List(Some(url)),
            Ok(Paged::Done(lists)) => self.stage = pick(&lists, &options.todo_list),
            Err(PageError::Unreadable(reason)) => self.on_lost(&reason, options),
            Err(PageError::Refused(reason)) => self.stage = Stage::Done(Err(reason)),
        }
    }

    /// Reads the lists again (a list made meanwhile is found).
    fn on_lost(&mut self, reason: &str, options: &GraphOptions) {
        self.pages.reset();
        self.stage = match self.tries.lost(reason, options) {
            Ok(()) => Stage::List(None),
            Err(reason) => Stage::Done(Err(reason)),
        };
    }
}

/// The list chosen among `lists`, or the one to make.
fn pick(lists: &[TaskList], wanted: &TodoList) -> Stage {
    let found = lists.iter().find(|list| match wanted {
        TodoList::Default => list.wellknown_list_name.as_deref() == Some(DEFAULT_LIST),
        TodoList::Named(name) => list.display_name == *name,
    });
    match (found, wanted) {
        (Some(list), _) => Stage::Done(Ok(list.id.clone())),
        (None, TodoList::Named(name)) => Stage::Create(name.clone()),
        (None, TodoList::Default) => {
            Stage::Done(Err("the mailbox has no default To Do list".into()))
        }
    }
}
