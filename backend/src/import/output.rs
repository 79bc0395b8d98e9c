//! What `ferry import` prints: per file a heading, where the items went,
//! each item with its fate, warnings and losses, the skipped parts and
//! the counts; and the counts of all files.

use super::plan::{Arrival, Fate, FilePlan};
use std::io::Write;

/// What became of one file's items when sent.
pub(super) struct FileOutcome {
    /// Lines printed under the heading (“into …”).
    pub notes: Vec<String>,
    /// One per item of the plan, in its order (only read for items that
    /// were to be sent); `None` for a dry run.
    pub arrivals: Option<Vec<Arrival>>,
}

impl FileOutcome {
    pub fn dry_run() -> Self {
        Self {
            notes: Vec::new(),
            arrivals: None,
        }
    }

    /// Nothing of the file was sent, for `reason`.
    pub fn not_sent(plan: &FilePlan, reason: &str) -> Self {
        let failed = Arrival::Failed {
            reason: reason.to_string(),
        };
        Self {
            notes: Vec::new(),
            arrivals: Some(vec![failed; plan.items.len()]),
        }
    }
}

/// Counts by what became of the items.
#[derive(Default)]
pub(super) struct Tally {
    items: usize,
    unreadable_files: usize,
    created: usize,
    already_there: usize,
    would_send: usize,
    refused: usize,
    failed: usize,
    not_converted: usize,
}

impl Tally {
    pub fn all_arrived(&self) -> bool {
        self.unreadable_files + self.refused + self.failed + self.not_converted == 0
    }

    pub fn add(&mut self, other: &Tally) {
        self.items += other.items;
        self.unreadable_files += other.unreadable_files;
        self.created += other.created;
        self.already_there += other.already_there;
        self.would_send += other.would_send;
        self.refused += other.refused;
        self.failed += other.failed;
        self.not_converted += other.not_converted;
    }

    /// `N items: …` in words, and the unreadable files when there are.
    pub fn summary(&self, dry_run: bool) -> String {
        let sent = if dry_run {
            format!("{} would be sent", self.would_send)
        } else {
            format!(
                "{} created, {} already there, {} refused, {} failed",
                self.created, self.already_there, self.refused, self.failed
            )
        };
        let unreadable = match self.unreadable_files {
            0 => String::new(),
            1 => "; 1 file could not be read".to_string(),
            n => format!("; {n} files could not be read"),
        };
        format!(
            "{} items: {sent}, {} not converted{unreadable}",
            self.items, self.not_converted
        )
    }
}

/// Prints one file; returns its counts.
pub(super) fn write_file(
    out: &mut impl Write,
    plan: &FilePlan,
    outcome: &FileOutcome,
) -> std::io::Result<Tally> {
    writeln!(out, "# {}", plan.file)?;
    if let Some(error) = &plan.error {
        writeln!(out, "cannot be read: {}\n", error.message)?;
        return Ok(Tally {
            unreadable_files: 1,
            ..Tally::default()
        });
    }
    for note in &outcome.notes {
        writeln!(out, "{note}")?;
    }
    let mut tally = Tally::default();
    for (index, item) in plan.items.iter().enumerate() {
        let what = format!(
            "{} “{}”",
            item.kind.label(),
            if item.summary.is_empty() {
                "(no title)"
            } else {
                &item.summary
            }
        );
        let status = match &item.fate {
            Fate::Send { destination, name } => {
                let what = match name {
                    Some(name) => format!("{what} as {name}"),
                    None => what,
                };
                match outcome.arrivals.as_ref().and_then(|a| a.get(index)) {
                    None if outcome.arrivals.is_none() => {
                        tally.would_send += 1;
                        format!("would be sent: {what} into the {destination}")
                    }
                    None => {
                        tally.failed += 1;
                        format!("failed: {what}: the run did not report on it")
                    }
                    Some(Arrival::Created) => {
                        tally.created += 1;
                        format!("created: {what}")
                    }
                    Some(Arrival::AlreadyThere) => {
                        tally.already_there += 1;
                        format!("already there: {what}")
                    }
                    Some(Arrival::Refused { status, reason }) => {
                        tally.refused += 1;
                        format!("refused: {what}: HTTP {status}: {reason}")
                    }
                    Some(Arrival::Failed { reason }) => {
                        tally.failed += 1;
                        format!("failed: {what}: {reason}")
                    }
                }
            }
            Fate::CannotConvert(reasons) => {
                tally.not_converted += 1;
                format!("cannot convert: {what}: {}", reasons.join("; "))
            }
            Fate::NotWritten(reason) => {
                tally.not_converted += 1;
                format!("not written: {what}: {reason}")
            }
        };
        writeln!(out, "line {}: {status}", item.line)?;
        for warning in &item.warnings {
            writeln!(out, "  warning: {warning}")?;
        }
        for loss in &item.losses {
            writeln!(out, "  lost: {loss}")?;
        }
    }
    for skipped in &plan.skipped {
        writeln!(
            out,
            "line {}: skipped: {} (Ferry does not move these)",
            skipped.line, skipped.component
        )?;
    }
    tally.items = plan.items.len();
    writeln!(out, "{}\n", tally.summary(outcome.arrivals.is_none()))?;
    Ok(tally)
}
