//! The record of a run: each operation's report as it settles, and the
//! server's ItemId of every source key seen (created or found), so later
//! steps (occurrences of a series) need not look them up again.

use crate::ews::report::{ItemReport, OperationKind, Outcome};
use ferry_shared::convert::ews::ItemId;
use ferry_shared::convert::exchange::WallClock;
use std::collections::HashMap;

/// Reports by operation index, and ItemIds by source key.
#[derive(Debug, Default)]
pub struct Ledger {
    reports: Vec<ItemReport>,
    settled: Vec<bool>,
    ids: HashMap<String, ItemId>,
}

impl Ledger {
    /// Adds an operation not yet done; returns its index.
    pub fn open(
        &mut self,
        kind: OperationKind,
        source_key: Option<String>,
        original_start: Option<WallClock>,
    ) -> usize {
        self.reports.push(ItemReport {
            kind,
            source_key,
            original_start,
            item_id: None,
            outcome: Outcome::Failed {
                reason: "not done".into(),
            },
        });
        self.settled.push(false);
        self.reports.len() - 1
    }

    /// Records the outcome of operation `index`; a created or found item's
    /// ID is kept against its source key.
    pub fn settle(&mut self, index: usize, outcome: Outcome, id: Option<ItemId>) {
        let (Some(report), Some(settled)) =
            (self.reports.get_mut(index), self.settled.get_mut(index))
        else {
            return;
        };
        if report.kind == OperationKind::Create
            && let (Some(key), Some(id)) = (&report.source_key, &id)
        {
            self.ids.insert(key.clone(), id.clone());
        }
        report.item_id = id;
        report.outcome = outcome;
        *settled = true;
    }

    /// The ItemId this run knows for `key`.
    pub fn id_of(&self, key: &str) -> Option<&ItemId> {
        self.ids.get(key)
    }

    /// Every report; operations never settled fail with `reason`.
    pub fn into_reports(self, reason: &str) -> Vec<ItemReport> {
        self.reports
            .into_iter()
            .zip(self.settled)
            .map(|(mut report, settled)| {
                if !settled {
                    report.outcome = Outcome::Failed {
                        reason: reason.to_string(),
                    };
                }
                report
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_kept_by_key_and_unsettled_operations_fail() {
        let mut ledger = Ledger::default();
        let a = ledger.open(OperationKind::Create, Some("a".into()), None);
        let b = ledger.open(OperationKind::Create, Some("b".into()), None);
        let id = ItemId {
            id: "AAMk-a".into(),
            change_key: None,
        };
        ledger.settle(a, Outcome::Created, Some(id.clone()));
        assert_eq!(ledger.id_of("a"), Some(&id));
        assert_eq!(ledger.id_of("b"), None);
        let reports = ledger.into_reports("stopped");
        assert_eq!(reports[a].outcome, Outcome::Created);
        assert_eq!(
            reports[b].outcome,
            Outcome::Failed {
                reason: "stopped".into()
            }
        );
    }
}
