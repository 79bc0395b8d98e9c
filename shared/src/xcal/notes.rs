//! Warnings found while translating xCal, kept up to the limit and
//! counted beyond it.

use crate::report::Warning;

/// Collected warnings, each with the XML line it is about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Notes {
    pub kept: Vec<Warning>,
    /// Warnings beyond `max`, counted only.
    pub more: usize,
    max: usize,
}

impl Notes {
    pub fn new(max: usize) -> Self {
        Self {
            kept: Vec::new(),
            more: 0,
            max,
        }
    }

    /// Notes a problem on `line`.
    pub fn warn(&mut self, line: usize, message: impl Into<String>) {
        if self.kept.len() < self.max {
            self.kept.push(Warning {
                line: Some(line),
                message: message.into(),
            });
        } else {
            self.more += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_beyond_the_limit_are_counted() {
        let mut notes = Notes::new(2);
        for line in 1..=5 {
            notes.warn(line, "x");
        }
        assert_eq!(notes.kept.len(), 2);
        assert_eq!(notes.kept[1].line, Some(2));
        assert_eq!(notes.more, 3);
    }
}
