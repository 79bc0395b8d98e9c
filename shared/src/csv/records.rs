//! From text to rows: the delimiter, quoted fields (with line breaks and
//! doubled quotes, read by the `csv` crate) and the 1-based line each row
//! starts on, with the row-length limit enforced.

use crate::inspect::InspectError;
use csv::StringRecord;

/// One row of the file.
#[derive(Debug, Clone)]
pub(super) struct Row {
    /// Line the row starts on, 1-based.
    pub(super) line: usize,
    pub(super) record: StringRecord,
    /// The file ends inside a quoted field that started in this row.
    pub(super) unclosed_quote: bool,
}

impl Row {
    /// The value in `column`, as written.
    pub(super) fn get(&self, column: usize) -> Option<&str> {
        self.record.get(column)
    }

    /// A note when the row has values beyond the `width` named columns
    /// (they are left out, not guessed at).
    pub(super) fn extra_fields_note(&self, width: usize) -> Option<String> {
        let extra = self
            .record
            .iter()
            .skip(width)
            .filter(|value| !value.trim().is_empty())
            .count();
        (extra > 0).then(|| {
            format!(
                "This row has {} fields but the first row names only {width} columns; {extra} extra value(s) were left out",
                self.record.len()
            )
        })
    }

    /// Every value is empty or white space (spreadsheets write such rows).
    pub(super) fn is_blank(&self) -> bool {
        self.record.iter().all(|value| value.trim().is_empty())
    }
}

/// How the file separates its fields, read from its first line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Dialect {
    pub(super) delimiter: u8,
    /// The first line is Excel's `sep=;` hint, not the column names.
    pub(super) skip_first_line: bool,
}

/// The delimiter of `text`: Excel's `sep=` hint when the first line is one,
/// otherwise whichever of comma, semicolon and tab occurs most often outside
/// quotes in the first line (a comma on a tie).
pub(super) fn dialect(text: &str) -> Dialect {
    let first_line = text.lines().next().unwrap_or_default();
    if let Some(hint) = first_line
        .get(..4)
        .filter(|prefix| prefix.eq_ignore_ascii_case("sep="))
        .and_then(|_| first_line.get(4..))
        && let [delimiter] = hint.as_bytes()
    {
        return Dialect {
            delimiter: *delimiter,
            skip_first_line: true,
        };
    }
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for byte in text.bytes() {
        match byte {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            _ if !quoted => {
                if let Some((_, count)) = counts.iter_mut().find(|(d, _)| *d == byte) {
                    *count += 1;
                }
            }
            _ => {}
        }
    }
    let mut delimiter = b',';
    let mut most = 0;
    for (candidate, count) in counts {
        if count > most {
            delimiter = candidate;
            most = count;
        }
    }
    Dialect {
        delimiter,
        skip_first_line: false,
    }
}

/// Reads the rows of a text one by one.
pub(super) struct RowReader<'t> {
    text: &'t str,
    reader: csv::Reader<&'t [u8]>,
    lines: LineCounter<'t>,
    max_row_bytes: usize,
}

impl<'t> RowReader<'t> {
    pub(super) fn new(text: &'t str, delimiter: u8, max_row_bytes: usize) -> Self {
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(text.as_bytes());
        Self {
            text,
            reader,
            lines: LineCounter::new(text),
            max_row_bytes,
        }
    }

    /// The next row, `None` at the end of the file. A row longer than the
    /// limit fails the whole file: it is most often a quote that is never
    /// closed, and everything after it would be misread.
    pub(super) fn next_row(&mut self) -> Result<Option<Row>, InspectError> {
        let mut record = StringRecord::new();
        let result = self.reader.read_record(&mut record);
        let start = record
            .position()
            .map_or(0, |position| to_index(position.byte()));
        let start = skip_line_breaks(self.text, start);
        let line = self.lines.line_at(start);
        match result {
            Ok(false) => return Ok(None),
            Ok(true) => {}
            Err(_) => {
                return Err(InspectError::Malformed {
                    line,
                    reason: "this row could not be read as comma-separated values.".to_string(),
                });
            }
        }
        let end = to_index(self.reader.position().byte()).min(self.text.len());
        let span = self
            .text
            .get(start..end)
            .unwrap_or_default()
            .trim_end_matches(['\r', '\n']);
        if span.len() > self.max_row_bytes {
            return Err(if span.contains('\n') {
                InspectError::Malformed {
                    line,
                    reason: format!(
                        "this row runs over several lines and is longer than the limit of {} bytes; a quoted field may be missing its closing quote.",
                        self.max_row_bytes
                    ),
                }
            } else {
                InspectError::LineTooLong {
                    line,
                    limit: self.max_row_bytes,
                }
            });
        }
        // A quoted field, closed or not, holds an even number of quotes
        // once it is closed; an odd count running to the end of the file
        // means the last quote was never closed.
        let unclosed_quote =
            end >= self.text.len() && span.bytes().filter(|&b| b == b'"').count() % 2 == 1;
        Ok(Some(Row {
            line,
            record,
            unclosed_quote,
        }))
    }
}

fn to_index(byte: u64) -> usize {
    usize::try_from(byte).unwrap_or(usize::MAX)
}

/// The reader's position after a row sits before the line break that ends
/// it (and any empty lines it skips): the row itself starts after them.
fn skip_line_breaks(text: &str, mut index: usize) -> usize {
    let bytes = text.as_bytes();
    while let Some(b'\r' | b'\n') = bytes.get(index) {
        index += 1;
    }
    index
}

/// Turns byte offsets into 1-based line numbers, counting `\n` (the way
/// the file's lines are counted everywhere in Ferry), for offsets that only
/// grow.
struct LineCounter<'t> {
    bytes: &'t [u8],
    offset: usize,
    line: usize,
}

impl<'t> LineCounter<'t> {
    fn new(text: &'t str) -> Self {
        Self {
            bytes: text.as_bytes(),
            offset: 0,
            line: 1,
        }
    }

    fn line_at(&mut self, offset: usize) -> usize {
        let offset = offset.min(self.bytes.len());
        if offset < self.offset {
            self.offset = 0;
            self.line = 1;
        }
        let newlines = self
            .bytes
            .get(self.offset..offset)
            .unwrap_or_default()
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.line += newlines;
        self.offset = offset;
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<(usize, Vec<String>)> {
        let mut reader = RowReader::new(text, dialect(text).delimiter, 1000);
        let mut rows = Vec::new();
        while let Some(row) = reader.next_row().unwrap() {
            rows.push((row.line, row.record.iter().map(str::to_string).collect()));
        }
        rows
    }

    #[test]
    fn delimiter_is_the_most_frequent_outside_quotes() {
        assert_eq!(dialect("a,b,c\n1;2;3").delimiter, b',');
        assert_eq!(dialect("a;b;\"c,d,e\"\n").delimiter, b';');
        assert_eq!(dialect("a\tb\tc").delimiter, b'\t');
        assert_eq!(dialect("single").delimiter, b',');
        assert_eq!(
            dialect("sep=;\r\na,b;c"),
            Dialect {
                delimiter: b';',
                skip_first_line: true
            }
        );
    }

    #[test]
    fn rows_name_the_line_they_start_on() {
        let text = "h1,h2\r\n\"a\r\nb\",c\r\n\r\n\r\nd,\"e\"\"f\"\r\n";
        assert_eq!(
            rows(text),
            vec![
                (1, vec!["h1".into(), "h2".into()]),
                (2, vec!["a\r\nb".into(), "c".into()]),
                (6, vec!["d".into(), "e\"f".into()]),
            ]
        );
        assert_eq!(rows("x\ny\nz")[2].0, 3);
    }

    #[test]
    fn a_row_longer_than_the_limit_fails_with_its_line() {
        let text = format!("h\nshort\n{}\n", "x".repeat(20));
        let mut reader = RowReader::new(&text, b',', 10);
        assert!(reader.next_row().unwrap().is_some());
        assert!(reader.next_row().unwrap().is_some());
        assert_eq!(
            reader.next_row().unwrap_err(),
            InspectError::LineTooLong { line: 3, limit: 10 }
        );

        let text = "h\n\"never closed\nand on\nand on\n";
        let mut reader = RowReader::new(text, b',', 10);
        reader.next_row().unwrap();
        assert!(matches!(
            reader.next_row(),
            Err(InspectError::Malformed { line: 2, .. })
        ));
    }

    #[test]
    fn a_quote_left_open_at_the_end_is_noticed() {
        let text = "h\n\"open\nrest";
        let mut reader = RowReader::new(text, b',', 100);
        assert!(!reader.next_row().unwrap().unwrap().unclosed_quote);
        assert!(reader.next_row().unwrap().unwrap().unclosed_quote);
    }
}
