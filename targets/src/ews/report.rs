//! What became of each operation of an insert, and the totals.

use crate::error::Error;
use ferry_shared::convert::ews::ItemId;
use ferry_shared::convert::exchange::WallClock;

/// Which kind of operation an entry reports on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationKind {
    Create,
    DeleteOccurrence,
    UpdateOccurrence,
}

/// What became of one operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The item was created by this run.
    Created,
    /// The occurrence was deleted or changed by this run.
    Changed,
    /// Found on the server as wanted (an earlier run, or a request whose
    /// answer was lost): nothing written.
    AlreadyThere,
    /// Not done, and why (the server's own message when it gave one).
    Failed { reason: String },
}

/// One operation's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemReport {
    pub kind: OperationKind,
    /// The created item's source key, or the series' for an occurrence.
    pub source_key: Option<String>,
    /// For occurrence operations: the occurrence's original start.
    pub original_start: Option<WallClock>,
    /// The item on the server, when known.
    pub item_id: Option<ItemId>,
    pub outcome: Outcome,
}

/// Counts by outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub created: usize,
    pub changed: usize,
    pub already_there: usize,
    pub failed: usize,
    /// HTTP requests sent, retries included.
    pub requests_sent: usize,
}

/// The result of an insert.
#[derive(Debug)]
pub struct InsertReport {
    /// In the order the operations were given.
    pub items: Vec<ItemReport>,
    pub totals: Totals,
    /// Why the run stopped early (authentication refused, TLS, …); the
    /// operations not done then are failed with this reason.
    pub stopped: Option<Error>,
}

impl Totals {
    /// The counts of `items`, with `requests_sent`.
    pub fn of(items: &[ItemReport], requests_sent: usize) -> Self {
        let mut totals = Totals {
            requests_sent,
            ..Totals::default()
        };
        for item in items {
            match item.outcome {
                Outcome::Created => totals.created += 1,
                Outcome::Changed => totals.changed += 1,
                Outcome::AlreadyThere => totals.already_there += 1,
                Outcome::Failed { .. } => totals.failed += 1,
            }
        }
        totals
    }
}
