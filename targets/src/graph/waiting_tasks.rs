//! Tasks held back until their To Do list is known. When the target
//! names no list id, or the placeholder of written requests
//! ([`TASK_LIST_PLACEHOLDER`]), the list is chosen by
//! [`GraphOptions::todo_list`](crate::graph::GraphOptions::todo_list)
//! when the run starts ([`crate::graph::todo_list`]); meanwhile the
//! tasks wait here. Released with the list's id, each task's URL gets
//! the id in place of the placeholder and the task joins the creates;
//! released without one, each fails with the reason.

use crate::ews::ledger::Ledger;
use crate::ews::report::Outcome;
use crate::graph::creates::Creates;
use ferry_shared::convert::graph::{Collection, GraphRequest, GraphTarget, RequestBody};
use ferry_shared::convert::requests::TASK_LIST_PLACEHOLDER;

#[derive(Debug)]
struct WaitingTask {
    index: usize,
    key: Option<String>,
    request: GraphRequest,
}

/// The tasks waiting for their list.
#[derive(Debug, Default)]
pub struct WaitingTasks {
    tasks: Vec<WaitingTask>,
}

impl WaitingTasks {
    /// Whether tasks for `target` wait for a list chosen by name: it
    /// names no list id, or the placeholder.
    pub fn wait_in(target: &GraphTarget) -> bool {
        target
            .task_list_id
            .as_deref()
            .is_none_or(|id| id == TASK_LIST_PLACEHOLDER)
    }

    /// Holds `request` (of ledger entry `index`) back when it creates a
    /// task; gives it back otherwise.
    pub fn hold(
        &mut self,
        index: usize,
        key: Option<String>,
        request: GraphRequest,
    ) -> Option<(Option<String>, GraphRequest)> {
        if !matches!(request.body, Some(RequestBody::Task(_))) {
            return Some((key, request));
        }
        self.tasks.push(WaitingTask {
            index,
            key,
            request,
        });
        None
    }

    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    /// The list's id is known (`Ok`), or why there is none: the tasks
    /// join `creates`, or fail in `ledger`.
    pub fn release(
        self,
        list: Result<String, String>,
        target: &GraphTarget,
        creates: &mut Creates,
        ledger: &mut Ledger,
    ) {
        let with = |id: String| GraphTarget {
            task_list_id: Some(id),
            ..target.clone()
        };
        let (chosen, from, to) = match list {
            Ok(id) => {
                let chosen = with(id);
                let placeholder = with(TASK_LIST_PLACEHOLDER.to_string());
                let from = placeholder.collection_path(Collection::Tasks);
                let to = chosen.collection_path(Collection::Tasks);
                (chosen, from, to)
            }
            Err(reason) => {
                for task in self.tasks {
                    let reason = format!("no To Do list to put the task in: {reason}");
                    ledger.settle(task.index, Outcome::Failed { reason }, None);
                }
                return;
            }
        };
        for mut task in self.tasks {
            if let (Ok(from), Ok(to)) = (&from, &to)
                && task.request.url == *from
            {
                task.request.url = to.clone();
            }
            let create = (task.key, task.request, None);
            creates.add_new(ledger, task.index, create, &chosen);
        }
    }
}
