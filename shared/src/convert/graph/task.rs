//! Tasks as Microsoft To Do `todoTask`s: title, plain-text body,
//! categories, importance, status, reminder, start, due and completion
//! dates, and the source key. To Do has no sensitivity and no percentage
//! done, and keeps the date of a start or due time, not its hour: each
//! is named as a loss when it matters.

use super::resources::{ItemBody, TaskStatus, TodoTask};
use super::values::{date_only, date_time, importance, source_key_properties};
use crate::convert::exchange::{self, Loss, Sensitivity, TaskItem, WallClock};
use chrono::NaiveTime;

fn status(value: exchange::TaskStatus) -> TaskStatus {
    match value {
        exchange::TaskStatus::NotStarted => TaskStatus::NotStarted,
        exchange::TaskStatus::InProgress => TaskStatus::InProgress,
        exchange::TaskStatus::Completed => TaskStatus::Completed,
        exchange::TaskStatus::WaitingOnOthers => TaskStatus::WaitingOnOthers,
        exchange::TaskStatus::Deferred => TaskStatus::Deferred,
    }
}

/// A start or due time as To Do keeps it: its day (a loss when it has
/// an hour).
fn day_of(
    time: &WallClock,
    field: &str,
    losses: &mut Vec<Loss>,
) -> super::resources::DateTimeTimeZone {
    if time.local.time() != NaiveTime::MIN {
        losses.push(Loss::new(
            field,
            format!(
                "Microsoft To Do keeps the day of a task's {field} date, not its time; {} is left out",
                time.local.format("%H:%M")
            ),
        ));
    }
    date_only(time)
}

/// `task` as a To Do task; what it cannot hold goes to `losses`.
pub fn todo_task(task: &TaskItem, losses: &mut Vec<Loss>) -> TodoTask {
    if task.sensitivity != Sensitivity::Normal {
        losses.push(Loss::new(
            "sensitivity",
            "Microsoft To Do has no private or confidential tasks; the task is created as normal",
        ));
    }
    if let Some(percent) = task.percent_complete
        && percent > 0
        && percent < 100
    {
        losses.push(Loss::new(
            "percent-complete",
            format!("Microsoft To Do has no percentage done; {percent} % is left out"),
        ));
    }
    TodoTask {
        title: task.subject.clone(),
        body: task.body.as_deref().map(ItemBody::text),
        categories: task.categories.clone(),
        importance: importance(task.importance),
        status: task.status.map(status),
        is_reminder_on: task.reminder_at.is_some(),
        reminder_date_time: task.reminder_at.as_ref().map(date_time),
        start_date_time: task.start.as_ref().map(|t| day_of(t, "start", losses)),
        due_date_time: task.due.as_ref().map(|t| day_of(t, "due", losses)),
        completed_date_time: task.completed.as_ref().map(date_time),
        single_value_extended_properties: source_key_properties(task.source_key.as_deref()),
    }
}
