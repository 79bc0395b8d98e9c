//! Carries the line numbers of the iCalendar reader's result back to the
//! xCal file: items, skipped components, warnings and errors name the
//! XML line where their component or property starts.

use super::output::IcsOutput;
use crate::inspect::InspectError;
use crate::report::FileReport;

/// `report` (read from the generated iCalendar) with XML line numbers.
pub(super) fn remap_report(mut report: FileReport, ics: &IcsOutput) -> FileReport {
    for item in &mut report.items {
        item.line = ics.xml_line(item.line);
    }
    for skipped in &mut report.skipped {
        skipped.line = ics.xml_line(skipped.line);
    }
    for warning in &mut report.warnings {
        warning.line = warning.line.map(|line| ics.xml_line(line));
    }
    report
}

/// `error` (from the generated iCalendar) with its XML line.
pub(super) fn remap_error(error: InspectError, ics: &IcsOutput) -> InspectError {
    match error {
        InspectError::LineTooLong { line, limit } => InspectError::LineTooLong {
            line: ics.xml_line(line),
            limit,
        },
        InspectError::NotCalendar { line, reason } => InspectError::NotCalendar {
            line: ics.xml_line(line),
            reason,
        },
        InspectError::Malformed { line, reason } => InspectError::Malformed {
            line: ics.xml_line(line),
            reason,
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Item, ItemKind};
    use crate::report::{FileFormat, Skipped, Warning};
    use crate::text::SourceEncoding;

    #[test]
    fn lines_are_carried_back() {
        let mut ics = IcsOutput::default();
        for xml_line in [2, 10, 11, 30, 31] {
            ics.push("X:1", xml_line);
        }
        let report = FileReport {
            format: FileFormat::ICalendar,
            encoding: SourceEncoding::Utf8,
            calendars: 1,
            items: vec![Item::new(ItemKind::Event, 2)],
            skipped: vec![Skipped {
                component: "VJOURNAL".into(),
                line: 4,
            }],
            warnings: vec![
                Warning {
                    line: Some(3),
                    message: "x".into(),
                },
                Warning {
                    line: None,
                    message: "y".into(),
                },
            ],
            time_zones: Vec::new(),
            more_warnings: 0,
        };
        let report = remap_report(report, &ics);
        assert_eq!(report.items[0].line, 10);
        assert_eq!(report.skipped[0].line, 30);
        assert_eq!(report.warnings[0].line, Some(11));
        assert_eq!(report.warnings[1].line, None);
        assert_eq!(
            remap_error(InspectError::LineTooLong { line: 5, limit: 9 }, &ics),
            InspectError::LineTooLong { line: 31, limit: 9 }
        );
    }
}
