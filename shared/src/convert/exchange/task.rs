//! Tasks (VTODO) as Exchange tasks: subject, body, start, due and
//! completion dates, progress, status, importance, categories, reminder.

use super::calendar::{Importance, Sensitivity, reminder};
use super::time::{WallClock, ZoneResolver};
use super::{ExchangeConversion, ExchangeItem, Loss, Operation};
use crate::convert::source_key;
use crate::model::{self, Item};
use chrono::Duration;

/// A task as Exchange holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskItem {
    pub source_key: Option<String>,
    pub subject: Option<String>,
    /// Plain text.
    pub body: Option<String>,
    pub categories: Vec<String>,
    pub importance: Importance,
    pub sensitivity: Sensitivity,
    /// When the reminder rings; `None`: no reminder.
    pub reminder_at: Option<WallClock>,
    pub start: Option<WallClock>,
    pub due: Option<WallClock>,
    pub completed: Option<WallClock>,
    /// 0–100.
    pub percent_complete: Option<u8>,
    pub status: Option<TaskStatus>,
}

/// Exchange's task states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskStatus {
    NotStarted,
    InProgress,
    Completed,
    WaitingOnOthers,
    Deferred,
}

pub(super) fn convert_task(
    item: &Item,
    resolver: &ZoneResolver<'_>,
    conversion: &mut ExchangeConversion,
) {
    let losses = &mut conversion.losses;
    let start = item
        .start
        .as_ref()
        .and_then(|v| resolver.wall_clock(v, "start", losses));
    let due = item
        .end
        .as_ref()
        .and_then(|v| resolver.wall_clock(v, "due", losses));
    let fields = item.task.clone().unwrap_or_default();
    let completed = fields
        .completed
        .as_ref()
        .and_then(|v| resolver.wall_clock(v, "completed", losses));
    let status = fields.status.map(|status| match status {
        model::TaskStatus::NotStarted => TaskStatus::NotStarted,
        model::TaskStatus::InProgress => TaskStatus::InProgress,
        model::TaskStatus::Completed => TaskStatus::Completed,
        model::TaskStatus::Cancelled => {
            losses.push(Loss::new(
                "status",
                "Exchange tasks cannot be cancelled; the task is marked deferred",
            ));
            TaskStatus::Deferred
        }
    });
    let reminder_at = reminder(&item.reminders, losses).and_then(|minutes| {
        let anchor = start.as_ref().or(due.as_ref())?;
        Some(WallClock {
            local: anchor.local - Duration::minutes(i64::from(minutes)),
            zone: anchor.zone.clone(),
        })
    });
    if !item.reminders.is_empty() && reminder_at.is_none() {
        losses.push(Loss::new(
            "reminder",
            "The task has neither start nor due date for its reminder to count from; the reminder is left out",
        ));
    }
    if item.rule.is_some() || !item.rdates.is_empty() {
        losses.push(Loss::new(
            "recurrence",
            "Ferry does not copy repeating tasks' rules; the task is created once",
        ));
    }
    if item.recurrence_id.is_some() {
        losses.push(Loss::new(
            "recurrence-id",
            "A changed occurrence of a repeating task is created as a task of its own",
        ));
    }
    conversion
        .operations
        .push(Operation::Create(ExchangeItem::Task(Box::new(TaskItem {
            source_key: source_key(item),
            subject: item.summary.clone(),
            body: item.description.clone(),
            categories: item.categories.clone(),
            importance: Importance::from_priority(item.priority),
            sensitivity: Sensitivity::from_class(item.sensitivity),
            reminder_at,
            start,
            due,
            completed,
            percent_complete: fields.percent_complete,
            status,
        }))));
}
