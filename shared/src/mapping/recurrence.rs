//! Which repeat rules Exchange (EWS and Graph share one pattern model) can
//! hold as a series, and what Ferry does with the rest, for the preview's
//! warnings. The answer comes from the converter's own test
//! ([`crate::convert::exchange::recurrence::pattern_of`]), so the preview
//! says exactly what the conversion will do. CalDAV targets keep any rule
//! as it is.

use crate::convert::exchange::recurrence::pattern_of;
use crate::model::Item;
use chrono::NaiveDate;

/// A part of an item's recurrence the target cannot hold, and what will
/// be done instead, in plain words.
pub fn exchange_limits(item: &Item) -> Vec<String> {
    let mut problems = Vec::new();
    let start = item
        .start
        .as_ref()
        .and_then(|start| start.local.get(..10))
        .and_then(|date| NaiveDate::parse_from_str(date, "%Y-%m-%d").ok());
    if let (Some(rule), Some(start)) = (&item.rule, start) {
        match pattern_of(rule, start) {
            Err(reason) => problems.push(format!(
                "Exchange cannot repeat an item {reason}; each occurrence will be created as its own item"
            )),
            Ok(found) => problems.extend(found.approximation),
        }
    }
    if !item.rdates.is_empty() {
        let count = item.rdates.len();
        problems.push(if count == 1 {
            "1 extra date (RDATE) cannot be part of an Exchange series; it will be created as a separate item".to_string()
        } else {
            format!("{count} extra dates (RDATE) cannot be part of an Exchange series; they will be created as separate items")
        });
    }
    if item.exrule {
        problems.push(
            "Exchange has no exclusion rules (EXRULE); the series will be expanded and the excluded occurrences left out"
                .to_string(),
        );
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DateValue, Frequency, RecurrenceRule};

    fn series(start: &str, rule: RecurrenceRule) -> Item {
        Item {
            start: Some(DateValue::new(start, Some("Europe/Berlin"))),
            rule: Some(rule),
            ..Item::default()
        }
    }

    #[test]
    fn the_preview_says_what_the_conversion_does() {
        let weekly = RecurrenceRule {
            frequency: Frequency::Weekly,
            ..RecurrenceRule::default()
        };
        assert!(exchange_limits(&series("2026-11-02T09:30:00", weekly)).is_empty());

        let hourly = RecurrenceRule {
            frequency: Frequency::Hourly,
            ..RecurrenceRule::default()
        };
        let said = exchange_limits(&series("2026-11-02T09:30:00", hourly));
        assert_eq!(
            said,
            [
                "Exchange cannot repeat an item several times a day; each occurrence will be created as its own item"
            ]
        );

        let monthly_31st = RecurrenceRule {
            frequency: Frequency::Monthly,
            ..RecurrenceRule::default()
        };
        let said = exchange_limits(&series("2026-01-31", monthly_31st));
        assert_eq!(said.len(), 1);
        assert!(said[0].contains("last day of shorter months"), "{said:?}");

        let extra = Item {
            rdates: vec![DateValue::new("2026-12-24", None)],
            exrule: true,
            ..Item::default()
        };
        let said = exchange_limits(&extra);
        assert_eq!(said.len(), 2, "{said:?}");
        assert!(said[0].starts_with("1 extra date (RDATE)"));
        assert!(said[1].contains("EXRULE"));
    }
}
