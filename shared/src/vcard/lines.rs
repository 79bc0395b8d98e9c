//! Logical lines of vCard text, with the line number each one starts on.
//!
//! A vCard property may span several physical lines in three ways, and all
//! three must be joined before a line can be judged (`BEGIN`, `END`, or a
//! property):
//! * folding (every version): a line starting with a space or tab
//!   continues the previous one;
//! * quoted-printable soft line breaks (vCard 2.1): a `=` at the end of an
//!   encoded value means the value goes on at the start of the next line;
//! * unindented base64 (vCard 2.1 writers): lines holding nothing but
//!   base64 characters continue an encoded value.
//!
//! `calcard` joins lines the same way, so the two agree on where each
//! property ends. CRLF and bare LF are both accepted.

use std::borrow::Cow;

/// How a property's value is encoded (its `ENCODING` parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum ValueEncoding {
    #[default]
    Plain,
    QuotedPrintable,
    Base64,
}

/// One unfolded line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct LogicalLine<'a> {
    /// 1-based number of its first physical line.
    pub number: usize,
    /// Byte offset of its first physical line in the text.
    pub start: usize,
    /// Byte offset just after its last line ending.
    pub end: usize,
    /// The joined text, without line endings and fold blanks.
    pub text: Cow<'a, str>,
    pub encoding: ValueEncoding,
    /// Text to insert (at a byte offset of the whole text) so that
    /// `calcard` decodes the value as the writer meant; see [`Repair`].
    pub repairs: Vec<Repair>,
}

/// A small insertion that makes a vCard 2.1 line say what it means:
/// * a bare `QUOTED-PRINTABLE` parameter (2.1 allows it without
///   `ENCODING=`, which `calcard` does not understand) gets its name;
/// * a quoted-printable value without `CHARSET` whose bytes are UTF-8 gets
///   `;CHARSET=UTF-8` (`calcard` would read them as Latin-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Repair {
    pub at: usize,
    pub insert: &'static str,
}

/// A logical line longer than the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct LineTooLong {
    pub line: usize,
}

/// Iterator over the logical lines of `src`; stops after an overlong one.
pub(super) struct LogicalLines<'a> {
    src: &'a str,
    pos: usize,
    line: usize,
    max_line_bytes: usize,
}

impl<'a> LogicalLines<'a> {
    pub(super) fn new(src: &'a str, max_line_bytes: usize) -> Self {
        Self {
            src,
            pos: 0,
            line: 0,
            max_line_bytes,
        }
    }

    /// The physical line at `pos`: its content without the line ending, and
    /// the offset after it.
    fn physical_at(&self, pos: usize) -> Option<(&'a str, usize)> {
        crate::text::physical_line(self.src, pos)
    }
}

impl<'a> Iterator for LogicalLines<'a> {
    type Item = Result<LogicalLine<'a>, LineTooLong>;

    fn next(&mut self) -> Option<Self::Item> {
        let start = self.pos;
        let (head, mut end) = self.physical_at(start)?;
        self.line += 1;
        let number = self.line;
        let mut text = Cow::Borrowed(head);
        let mut parameters = Parameters::of(head, start);
        while let Some((next, next_end)) = self.physical_at(end) {
            let encoding = parameters.map_or(ValueEncoding::Plain, |p| p.encoding);
            // A soft line break comes first: the next line continues the
            // value as it is, leading blanks included (as calcard reads it).
            let continuation = if encoding == ValueEncoding::QuotedPrintable
                && text.ends_with('=')
                && !is_card_boundary(next)
            {
                // The soft line break itself is not part of the value.
                text.to_mut().pop();
                next
            } else if let Some(folded) = next.strip_prefix([' ', '\t']) {
                folded
            } else if encoding == ValueEncoding::Base64 && is_base64_run(next) {
                next
            } else {
                break;
            };
            text.to_mut().push_str(continuation);
            self.line += 1;
            end = next_end;
            if text.len() > self.max_line_bytes {
                break;
            }
            // Only the new piece can bring the first `:` (searching the
            // whole line each time would be quadratic).
            if parameters.is_none() && continuation.contains(':') {
                // The parameters themselves were folded: read them from the
                // joined text, where offsets no longer match the file (such
                // a line is left as written).
                parameters = Parameters::of(&text, start).map(|p| Parameters {
                    bare_quoted_printable: None,
                    colon: None,
                    ..p
                });
            }
        }
        self.pos = end;
        if text.len() > self.max_line_bytes {
            self.pos = self.src.len();
            return Some(Err(LineTooLong { line: number }));
        }
        let parameters = parameters.unwrap_or_default();
        let mut repairs = Vec::new();
        if let Some(at) = parameters.bare_quoted_printable {
            repairs.push(Repair {
                at,
                insert: "ENCODING=",
            });
        }
        if let Some(at) = parameters.colon
            && parameters.encoding == ValueEncoding::QuotedPrintable
            && !parameters.has_charset
            && is_utf8_beyond_ascii(&quoted_printable_bytes(value_of(&text)))
        {
            repairs.push(Repair {
                at,
                insert: ";CHARSET=UTF-8",
            });
        }
        Some(Ok(LogicalLine {
            number,
            start,
            end,
            text,
            encoding: parameters.encoding,
            repairs,
        }))
    }
}

/// What the parameters of a property say about its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Parameters {
    encoding: ValueEncoding,
    has_charset: bool,
    /// Offset of a bare `QUOTED-PRINTABLE` parameter.
    bare_quoted_printable: Option<usize>,
    /// Offset of the `:` that ends the parameters.
    colon: Option<usize>,
}

impl Parameters {
    /// Reads the parameters of `line` (which starts at byte `offset` of the
    /// text); `None` while the line has no `:` yet.
    fn of(line: &str, offset: usize) -> Option<Parameters> {
        let colon = line.find(':')?;
        let head = &line[..colon];
        let mut parameters = Parameters {
            colon: Some(offset + colon),
            ..Parameters::default()
        };
        let mut position = 0;
        for (index, parameter) in head.split(';').enumerate() {
            let at = position;
            position += parameter.len() + 1;
            if index == 0 {
                continue; // the property name
            }
            let (name, value) = match parameter.split_once('=') {
                Some((name, value)) => (name.trim(), Some(value.trim().trim_matches('"'))),
                None => (parameter.trim(), None),
            };
            match value {
                Some(value) if name.eq_ignore_ascii_case("ENCODING") => {
                    if value.eq_ignore_ascii_case("QUOTED-PRINTABLE")
                        || value.eq_ignore_ascii_case("Q")
                    {
                        parameters.encoding = ValueEncoding::QuotedPrintable;
                    } else if value.eq_ignore_ascii_case("BASE64")
                        || value.eq_ignore_ascii_case("B")
                    {
                        parameters.encoding = ValueEncoding::Base64;
                    }
                }
                None if name.eq_ignore_ascii_case("QUOTED-PRINTABLE") => {
                    parameters.encoding = ValueEncoding::QuotedPrintable;
                    let leading_blanks = parameter.len() - parameter.trim_start().len();
                    parameters.bare_quoted_printable = Some(offset + at + leading_blanks);
                }
                None if name.eq_ignore_ascii_case("BASE64") => {
                    parameters.encoding = ValueEncoding::Base64;
                }
                Some(_) if name.eq_ignore_ascii_case("CHARSET") => parameters.has_charset = true,
                _ => {}
            }
        }
        Some(parameters)
    }
}

/// `BEGIN:VCARD` or `END:VCARD`: never part of an encoded value.
pub(super) fn is_card_boundary(line: &str) -> bool {
    let line = line.trim_matches([' ', '\t', '\u{feff}']);
    line.eq_ignore_ascii_case("BEGIN:VCARD") || line.eq_ignore_ascii_case("END:VCARD")
}

/// The value of a content line: what follows the first `:`.
fn value_of(line: &str) -> &str {
    line.split_once(':').map_or("", |(_, value)| value)
}

/// The bytes a quoted-printable value stands for (`=XX` escapes decoded;
/// a `=` without two hex digits is kept as it is).
fn quoted_printable_bytes(value: &str) -> Vec<u8> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        let escaped = match (byte, bytes.get(i + 1..i + 3)) {
            (b'=', Some(&[high, low])) => hex_value(high).zip(hex_value(low)),
            _ => None,
        };
        match escaped {
            Some((high, low)) => {
                out.push(high << 4 | low);
                i += 3;
            }
            None => {
                out.push(byte);
                i += 1;
            }
        }
    }
    out
}

fn hex_value(digit: u8) -> Option<u8> {
    char::from(digit)
        .to_digit(16)
        .and_then(|value| u8::try_from(value).ok())
}

/// Valid UTF-8 with at least one non-ASCII character: text in another
/// charset (Latin-1, Windows-1252) almost never passes this test.
fn is_utf8_beyond_ascii(bytes: &[u8]) -> bool {
    !bytes.is_ascii() && std::str::from_utf8(bytes).is_ok()
}

/// A line of nothing but base64 characters.
fn is_base64_run(line: &str) -> bool {
    !line.is_empty()
        && line
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(src: &str) -> Vec<LogicalLine<'_>> {
        LogicalLines::new(src, 1024)
            .collect::<Result<_, _>>()
            .expect("no line is too long")
    }

    fn texts(src: &str) -> Vec<(usize, String)> {
        lines(src)
            .into_iter()
            .map(|line| (line.number, line.text.into_owned()))
            .collect()
    }

    #[test]
    fn folded_lines_are_joined_and_numbered_by_their_first_line() {
        assert_eq!(
            texts("BEGIN:VCARD\r\nNOTE:a\r\n  b\r\n\tc\r\nEND:VCARD"),
            [
                (1, "BEGIN:VCARD".to_string()),
                (2, "NOTE:a bc".to_string()),
                (5, "END:VCARD".to_string()),
            ]
        );
    }

    #[test]
    fn quoted_printable_soft_breaks_continue_the_value() {
        let src = "N;ENCODING=QUOTED-PRINTABLE:M=FC=\nller;J=\n=F6rg=\n and\nFN:x=\nEND:VCARD\n";
        assert_eq!(
            texts(src),
            [
                (
                    1,
                    "N;ENCODING=QUOTED-PRINTABLE:M=FCller;J=F6rg and".to_string()
                ),
                (5, "FN:x=".to_string()),
                (6, "END:VCARD".to_string()),
            ]
        );
        assert_eq!(lines(src)[0].encoding, ValueEncoding::QuotedPrintable);
    }

    #[test]
    fn a_soft_break_never_swallows_the_end_of_the_card() {
        let src = "NOTE;QUOTED-PRINTABLE:broken=\r\nEND:VCARD\r\n";
        let found = lines(src);
        assert_eq!(found.len(), 2);
        assert_eq!(
            found[0].repairs,
            [Repair {
                at: 5,
                insert: "ENCODING="
            }]
        );
        assert_eq!(&src[5..21], "QUOTED-PRINTABLE");
    }

    #[test]
    fn utf8_quoted_printable_without_charset_is_marked_as_utf8() {
        let src = "FN;ENCODING=QUOTED-PRINTABLE:J=C3=\n=B6rg\nN;ENCODING=QUOTED-PRINTABLE:M=FCller\nNOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=B6\n";
        let found = lines(src);
        assert_eq!(
            found[0].repairs,
            [Repair {
                at: 28,
                insert: ";CHARSET=UTF-8"
            }]
        );
        assert_eq!(&src[28..29], ":");
        assert!(found[1].repairs.is_empty(), "Latin-1 stays Latin-1");
        assert!(found[2].repairs.is_empty(), "the file says");
    }

    #[test]
    fn quoted_printable_escapes_are_decoded() {
        assert_eq!(
            quoted_printable_bytes("a=3Db=C3=B6=zz="),
            b"a=b\xC3\xB6=zz="
        );
    }

    #[test]
    fn unindented_base64_continues_an_encoded_value() {
        let src = "PHOTO;ENCODING=b:AAAA\nBBBB==\n\nEND:VCARD\n";
        assert_eq!(
            texts(src),
            [
                (1, "PHOTO;ENCODING=b:AAAABBBB==".to_string()),
                (3, String::new()),
                (4, "END:VCARD".to_string())
            ]
        );
    }

    #[test]
    fn plain_values_ending_in_equals_do_not_continue() {
        assert_eq!(texts("NOTE:1+1=\nFN:x\n").len(), 2);
    }

    #[test]
    fn overlong_logical_line_names_its_first_line() {
        let src = "FN:x\nNOTE:0123456789\n 0123456789\nEND:VCARD\n";
        let found: Vec<_> = LogicalLines::new(src, 16).collect();
        assert_eq!(found.len(), 2);
        assert_eq!(found[1], Err(LineTooLong { line: 2 }));
    }
}
