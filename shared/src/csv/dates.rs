//! Dates and times as Outlook writes them: in the exporting machine's own
//! format (`3/14/2024`, `14/03/2024`, `14.3.2024`, `14-3-2024`,
//! `2024-03-14`; `2:30:00 PM`, `14:30:00`, `14:30`) and without a time zone.
//!
//! Day and month are told apart once for the whole file: a number above 12
//! can only be a day, and when no date shows one, the separator and the
//! language of the column names decide, with a warning.

use super::headers::{Column, ColumnMap, Language};
use super::records::Row;
use chrono::{NaiveDate, NaiveTime};

/// Which number of a date comes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DateOrder {
    MonthFirst,
    DayFirst,
}

impl DateOrder {
    /// `month/day/year`, `day.month.year`, … with the file's separator.
    fn pattern(self, separator: char) -> String {
        let s = separator;
        match self {
            DateOrder::MonthFirst => format!("month{s}day{s}year"),
            DateOrder::DayFirst => format!("day{s}month{s}year"),
        }
    }
}

/// What a date or time field held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Parsed<T> {
    /// Nothing (or Outlook's "no date", `0/0/00`).
    Blank,
    Value(T),
    /// Something Ferry cannot read.
    Unreadable,
}

/// The three numbers of a date and how they were written.
#[derive(Debug, Clone, Copy)]
struct DateNumbers {
    numbers: [u32; 3],
    /// Separator between the numbers.
    separator: char,
    /// `2024-03-14`: the year comes first, then month and day.
    year_first: bool,
}

fn date_numbers(value: &str) -> Option<DateNumbers> {
    let separator = value.chars().find(|c| !c.is_ascii_digit())?;
    if !matches!(separator, '/' | '.' | '-') {
        return None;
    }
    let parts: Vec<&str> = value.split(separator).collect();
    let [first, second, third] = parts.as_slice() else {
        return None;
    };
    let number = |part: &str, lengths: &[usize]| -> Option<u32> {
        (lengths.contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse().ok())
            .flatten()
    };
    let year_first = first.len() == 4;
    let numbers = if year_first {
        [
            number(first, &[4])?,
            number(second, &[1, 2])?,
            number(third, &[1, 2])?,
        ]
    } else {
        [
            number(first, &[1, 2])?,
            number(second, &[1, 2])?,
            number(third, &[2, 4])?,
        ]
    };
    Some(DateNumbers {
        numbers,
        separator,
        year_first,
    })
}

/// A two-digit year: 70–99 are the 1900s, 00–69 the 2000s.
fn full_year(year: u32, digits_written: usize) -> i32 {
    let year = i32::try_from(year).unwrap_or(i32::MAX);
    match digits_written {
        2 if year >= 70 => 1900 + year,
        2 => 2000 + year,
        _ => year,
    }
}

/// True for Outlook's "no date" (`0/0/00`, `0.0.00`, …).
pub(super) fn is_no_date(value: &str) -> bool {
    date_numbers(value.trim()).is_some_and(|date| date.numbers.iter().all(|&n| n == 0))
}

/// Reads a date written in `order` (or year first).
pub(super) fn parse_date(value: &str, order: DateOrder) -> Parsed<NaiveDate> {
    let value = value.trim();
    if value.is_empty() {
        return Parsed::Blank;
    }
    let Some(date) = date_numbers(value) else {
        return Parsed::Unreadable;
    };
    if is_no_date(value) {
        return Parsed::Blank;
    }
    let [a, b, c] = date.numbers;
    let (year, month, day) = if date.year_first {
        (full_year(a, 4), b, c)
    } else {
        let year_digits = value.rsplit(date.separator).next().map_or(4, str::len);
        match order {
            DateOrder::MonthFirst => (full_year(c, year_digits), a, b),
            DateOrder::DayFirst => (full_year(c, year_digits), b, a),
        }
    };
    NaiveDate::from_ymd_opt(year, month, day).map_or(Parsed::Unreadable, Parsed::Value)
}

/// Reads a time: `h:mm`, `h:mm:ss`, with or without `AM`/`PM` (also
/// `a.m.`/`p.m.`, in any case).
pub(super) fn parse_time(value: &str) -> Parsed<NaiveTime> {
    let value = value.trim();
    if value.is_empty() {
        return Parsed::Blank;
    }
    let lower = value.to_ascii_lowercase();
    let (clock, half) = [
        ("a.m.", Some(false)),
        ("p.m.", Some(true)),
        ("am", Some(false)),
        ("pm", Some(true)),
    ]
    .into_iter()
    .find_map(|(suffix, pm)| lower.strip_suffix(suffix).map(|rest| (rest.trim_end(), pm)))
    .unwrap_or((lower.as_str(), None));
    let parts: Vec<&str> = clock.split(':').collect();
    let number = |part: &str| -> Option<u32> {
        (matches!(part.len(), 1 | 2) && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse().ok())
            .flatten()
    };
    let parsed = match parts.as_slice() {
        [h, m] => number(h).zip(number(m)).map(|(h, m)| (h, m, 0)),
        [h, m, s] => number(h)
            .zip(number(m))
            .zip(number(s))
            .map(|((h, m), s)| (h, m, s)),
        _ => None,
    };
    let Some((hour, minute, second)) = parsed else {
        return Parsed::Unreadable;
    };
    let hour = match half {
        None => Some(hour),
        Some(_) if !(1..=12).contains(&hour) => None,
        Some(false) => Some(hour % 12),
        Some(true) => Some(hour % 12 + 12),
    };
    hour.and_then(|hour| NaiveTime::from_hms_opt(hour, minute, second))
        .map_or(Parsed::Unreadable, Parsed::Value)
}

/// What the dates of a file say about their order.
#[derive(Debug, Clone, Default)]
pub(super) struct DateOrderEvidence {
    /// Dates whose first number is above 12.
    day_first: usize,
    /// Dates whose second number is above 12.
    month_first: usize,
    /// The first date that reads either way, with its line.
    first_ambiguous: Option<(usize, String)>,
    /// The separator of the first date not written year first.
    separator: Option<char>,
}

impl DateOrderEvidence {
    /// Looks at every date in `fields` of every row.
    pub(super) fn gather<F: Column>(rows: &[Row], columns: &ColumnMap<F>, fields: &[F]) -> Self {
        let mut evidence = Self::default();
        for row in rows {
            for &field in fields {
                if let Some(value) = columns.text(row, field) {
                    evidence.observe(value, row.line);
                }
            }
        }
        evidence
    }

    fn observe(&mut self, value: &str, line: usize) {
        let Some(date) = date_numbers(value) else {
            return;
        };
        if date.year_first {
            return;
        }
        let [a, b, _] = date.numbers;
        if a == 0 || b == 0 || a > 31 || b > 31 {
            return;
        }
        self.separator.get_or_insert(date.separator);
        match (a > 12, b > 12) {
            (true, false) => self.day_first += 1,
            (false, true) => self.month_first += 1,
            (false, false) if a != b => {
                self.first_ambiguous
                    .get_or_insert_with(|| (line, value.to_string()));
            }
            _ => {}
        }
    }

    /// The order for the whole file, with a warning when the dates alone
    /// did not decide it.
    pub(super) fn decide(&self, language: Language) -> (DateOrder, Option<String>) {
        let separator = self.separator.unwrap_or('/');
        let (default, reason) = match (separator, language) {
            ('/', Language::English) => (
                DateOrder::MonthFirst,
                " (as US English Outlook writes them)",
            ),
            ('/', Language::French) => (DateOrder::DayFirst, " (as French Outlook writes them)"),
            ('/', _) => (DateOrder::DayFirst, ""),
            ('.', _) => (DateOrder::DayFirst, " (as German Outlook writes them)"),
            _ => (DateOrder::DayFirst, " (as Dutch Outlook writes them)"),
        };
        match (self.day_first, self.month_first) {
            (0, 0) => {
                let warning = self.first_ambiguous.as_ref().map(|(line, value)| {
                    format!(
                        "The dates in this file can be read as month{s}day{s}year or as day{s}month{s}year (for example “{value}” on line {line}), and none has a day above 12 to tell. Ferry assumed {}{reason}; check the dates in the preview.",
                        default.pattern(separator),
                        s = separator,
                    )
                });
                (default, warning)
            }
            (_, 0) => (DateOrder::DayFirst, None),
            (0, _) => (DateOrder::MonthFirst, None),
            (day_first, month_first) => {
                let order = if day_first > month_first {
                    DateOrder::DayFirst
                } else if month_first > day_first {
                    DateOrder::MonthFirst
                } else {
                    default
                };
                let warning = format!(
                    "Some dates in this file only make sense as day{s}month{s}year ({day_first}) and others only as month{s}day{s}year ({month_first}). Ferry read them all as {}; rows whose dates do not fit have a note.",
                    order.pattern(separator),
                    s = separator,
                );
                (order, Some(warning))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(value: &str, order: DateOrder) -> Option<String> {
        match parse_date(value, order) {
            Parsed::Value(date) => Some(date.to_string()),
            _ => None,
        }
    }

    fn time(value: &str) -> Option<String> {
        match parse_time(value) {
            Parsed::Value(time) => Some(time.to_string()),
            _ => None,
        }
    }

    #[test]
    fn dates_in_every_supported_form() {
        use DateOrder::*;
        assert_eq!(date("3/14/2024", MonthFirst).as_deref(), Some("2024-03-14"));
        assert_eq!(date("14/3/2024", DayFirst).as_deref(), Some("2024-03-14"));
        assert_eq!(date("14.03.2024", DayFirst).as_deref(), Some("2024-03-14"));
        assert_eq!(date("14-3-2024", DayFirst).as_deref(), Some("2024-03-14"));
        assert_eq!(
            date("2024-03-14", MonthFirst).as_deref(),
            Some("2024-03-14")
        );
        assert_eq!(date("1/2/99", MonthFirst).as_deref(), Some("1999-01-02"));
        assert_eq!(date("1/2/03", MonthFirst).as_deref(), Some("2003-01-02"));
        assert_eq!(date("14/3/2024", MonthFirst), None, "no 14th month");
        assert_eq!(date("2/30/2024", MonthFirst), None);
        assert_eq!(parse_date("0/0/00", MonthFirst), Parsed::Blank);
        assert_eq!(parse_date("0.0.00", DayFirst), Parsed::Blank);
        assert_eq!(parse_date("  ", DayFirst), Parsed::Blank);
        assert_eq!(parse_date("TBD", DayFirst), Parsed::Unreadable);
        assert_eq!(parse_date("1/2/3/4", DayFirst), Parsed::Unreadable);
        assert_eq!(parse_date("1/2-2024", DayFirst), Parsed::Unreadable);
        assert_eq!(parse_date("123/2/2024", DayFirst), Parsed::Unreadable);
    }

    #[test]
    fn times_with_and_without_am_pm() {
        assert_eq!(time("2:30:00 PM").as_deref(), Some("14:30:00"));
        assert_eq!(time("12:00:00 AM").as_deref(), Some("00:00:00"));
        assert_eq!(time("12:15:00 PM").as_deref(), Some("12:15:00"));
        assert_eq!(time("9:05 a.m.").as_deref(), Some("09:05:00"));
        assert_eq!(time("14:30:00").as_deref(), Some("14:30:00"));
        assert_eq!(time("07:45").as_deref(), Some("07:45:00"));
        assert_eq!(time("13:00:00 PM"), None);
        assert_eq!(time("24:00"), None);
        assert_eq!(time("noon"), None);
        assert_eq!(parse_time(""), Parsed::Blank);
    }

    fn evidence(values: &[&str]) -> DateOrderEvidence {
        let mut evidence = DateOrderEvidence::default();
        for (index, value) in values.iter().enumerate() {
            evidence.observe(value, index + 2);
        }
        evidence
    }

    #[test]
    fn a_day_above_12_decides_the_order_without_a_warning() {
        assert_eq!(
            evidence(&["3/4/2024", "3/14/2024"]).decide(Language::French),
            (DateOrder::MonthFirst, None)
        );
        assert_eq!(
            evidence(&["3/4/2024", "14/3/2024"]).decide(Language::English),
            (DateOrder::DayFirst, None)
        );
    }

    #[test]
    fn without_evidence_the_separator_and_language_decide_with_a_warning() {
        let (order, warning) = evidence(&["5/5/2024", "3/4/2024"]).decide(Language::English);
        assert_eq!(order, DateOrder::MonthFirst);
        let warning = warning.expect("a warning");
        assert!(warning.contains("“3/4/2024” on line 3"), "{warning}");
        assert!(warning.contains("assumed month/day/year"), "{warning}");

        let (order, warning) = evidence(&["3.4.2024"]).decide(Language::English);
        assert_eq!(order, DateOrder::DayFirst);
        assert!(warning.is_some_and(|w| w.contains("day.month.year")));

        assert_eq!(
            evidence(&["5/5/2024", "2024-03-04"]).decide(Language::English),
            (DateOrder::MonthFirst, None),
            "dates that read the same either way need no warning"
        );
    }

    #[test]
    fn conflicting_evidence_takes_the_majority_and_says_so() {
        let (order, warning) =
            evidence(&["13/1/2024", "14/1/2024", "1/13/2024"]).decide(Language::English);
        assert_eq!(order, DateOrder::DayFirst);
        assert!(warning.is_some_and(|w| w.contains("day/month/year (2)")));
    }
}
