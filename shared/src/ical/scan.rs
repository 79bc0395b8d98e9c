//! Line scanner for iCalendar text: where each item starts and ends, and what
//! is structurally wrong, by line number.
//!
//! `calcard` (used per item in [`super::item`]) is deliberately lenient and
//! does not report positions. This scanner gives Ferry what a person needs
//! to fix a file — "line 12: END:VEVENT without BEGIN:VEVENT" — and cuts the
//! file into one text slice per top-level component, so a broken item cannot
//! take its neighbours down with it and slices can be parsed independently.
//!
//! Folding (RFC 5545 §3.1) is honoured: a line starting with a space or tab
//! continues the previous one. CRLF and bare LF are both accepted.

use crate::limits::ParseLimits;
use crate::report::Warning;
use std::borrow::Cow;

/// A top-level component (a child of `VCALENDAR`, or a bare one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentSpan<'a> {
    /// Upper-cased component name, e.g. `VEVENT`.
    pub name: String,
    /// Line of its `BEGIN:`.
    pub line: usize,
    /// Its full text, from `BEGIN:` through `END:` (or to where it was cut
    /// off, when [`ComponentSpan::complete`] is false).
    pub text: &'a str,
    /// `false` when the file never closes the component.
    pub complete: bool,
}

/// The scanner's result.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outline<'a> {
    pub components: Vec<ComponentSpan<'a>>,
    /// Number of `BEGIN:VCALENDAR` lines.
    pub calendars: usize,
    pub warnings: Vec<Warning>,
    /// First non-blank line, used to explain a file that is not a calendar.
    pub first_line: Option<(usize, String)>,
    /// For a part of a file: it was cut between items (see [`Part`]).
    /// Always true for a whole file.
    pub clean_cut: bool,
}

/// The TZID a VTIMEZONE's text declares (its first `TZID` line).
pub fn time_zone_id(text: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        let name = name.split(';').next()?.trim();
        (name.eq_ignore_ascii_case("TZID") && !value.trim().is_empty())
            .then(|| value.trim().to_string())
    })
}

/// A structural error that makes the file unreadable as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanError {
    LineTooLong { line: usize, limit: usize },
}

/// One logical (unfolded) line: where it starts and ends, its first
/// physical line, and its unfolded length. The unfolded text is only built
/// when asked for ([`LogicalLine::text`]): most folded lines are long
/// values the scanner never looks into.
struct LogicalLine<'a> {
    number: usize,
    start: usize,
    end: usize,
    head: &'a str,
    /// Length of the unfolded text in bytes.
    len: usize,
    folded: bool,
}

impl<'a> LogicalLine<'a> {
    /// The unfolded text.
    fn text(&self, src: &'a str) -> Cow<'a, str> {
        if !self.folded {
            return Cow::Borrowed(self.head);
        }
        let mut text = String::with_capacity(self.len);
        let mut pos = self.start;
        while let Some((content, next)) = crate::text::physical_line(src, pos) {
            if pos >= self.end {
                break;
            }
            if pos == self.start {
                text.push_str(content);
            } else {
                // A continuation: its leading space or tab is not text.
                text.push_str(content.get(1..).unwrap_or_default());
            }
            pos = next;
        }
        Cow::Owned(text)
    }
}

/// Splits `src` into logical (unfolded) lines.
struct LogicalLines<'a> {
    src: &'a str,
    pos: usize,
    line: usize,
}

impl<'a> LogicalLines<'a> {
    fn new(src: &'a str) -> Self {
        Self {
            src,
            pos: 0,
            line: 0,
        }
    }

    /// Next physical line: (content without line ending, offset after it).
    fn physical_at(&self, pos: usize) -> Option<(&'a str, usize)> {
        crate::text::physical_line(self.src, pos)
    }
}

impl<'a> Iterator for LogicalLines<'a> {
    type Item = LogicalLine<'a>;

    fn next(&mut self) -> Option<LogicalLine<'a>> {
        let start = self.pos;
        let (head, mut end) = self.physical_at(start)?;
        self.line += 1;
        let number = self.line;
        let mut len = head.len();
        let mut folded = false;
        while let Some((next, next_end)) = self.physical_at(end) {
            if !next.starts_with([' ', '\t']) {
                break;
            }
            // The space or tab that marks a continuation is not text.
            len += next.len() - 1;
            folded = true;
            self.line += 1;
            end = next_end;
        }
        self.pos = end;
        Some(LogicalLine {
            number,
            start,
            end,
            head,
            len,
            folded,
        })
    }
}

/// `NAME` of a content line `NAME[;params]:value`, if the line has that shape.
fn property_name(line: &str) -> Option<&str> {
    // Bytes, not chars: both separators are ASCII, and names are short.
    let bytes = line.as_bytes();
    let name_end = bytes.iter().position(|&b| b == b':' || b == b';')?;
    if bytes[name_end] != b':' && !bytes[name_end..].contains(&b':') {
        return None;
    }
    let name = &line[..name_end];
    let valid = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    valid.then_some(name)
}

/// Shortens a line for quoting in a message.
fn excerpt(line: &str) -> String {
    const MAX: usize = 60;
    match line.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line.to_string(),
    }
}

struct Open {
    name: String,
    line: usize,
    start: usize,
    /// The `VCALENDAR` a later part of a file starts inside.
    assumed: bool,
}

/// Scans `src`, collecting top-level components and structural warnings.
pub fn scan<'a>(src: &'a str, limits: &ParseLimits) -> Result<Outline<'a>, ScanError> {
    scan_part(src, limits, &Part::WHOLE)
}

/// Where a piece of a file lies in it, for files read in parts (one per
/// worker). Parts are cut at the start of a `BEGIN:VEVENT`/`BEGIN:VTODO`
/// line, so no line and no item spans two parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part {
    /// The part starts the file.
    pub first: bool,
    /// The part ends the file.
    pub last: bool,
}

impl Part {
    /// The whole file.
    pub const WHOLE: Part = Part {
        first: true,
        last: true,
    };
}

/// [`scan`] for a part of a file: line numbers count from the part's
/// start (joining the parts numbers them again), a later part starts
/// inside the file's `VCALENDAR`, and an earlier one leaves it open
/// without a warning.
pub fn scan_part<'a>(
    src: &'a str,
    limits: &ParseLimits,
    part: &Part,
) -> Result<Outline<'a>, ScanError> {
    let mut outline = Outline {
        clean_cut: true,
        ..Outline::default()
    };
    let mut stack: Vec<Open> = Vec::new();
    if !part.first {
        stack.push(Open {
            name: "VCALENDAR".to_string(),
            line: 0,
            start: 0,
            assumed: true,
        });
    }
    let lines = LogicalLines::new(src);

    for line in lines {
        if line.len > limits.max_line_bytes {
            return Err(ScanError::LineTooLong {
                line: line.number,
                limit: limits.max_line_bytes,
            });
        }
        // Inside a component, an ordinary property (not BEGIN/END) needs no
        // further look: its name is on its first physical line, and the
        // rest is a value the scanner does not read.
        if line.folded
            && outline.first_line.is_some()
            && !stack.is_empty()
            && property_name(line.head.trim_matches([' ', '\t', '\u{feff}'])).is_some_and(|name| {
                !name.eq_ignore_ascii_case("BEGIN") && !name.eq_ignore_ascii_case("END")
            })
        {
            continue;
        }
        let unfolded = line.text(src);
        // Leading blanks can only remain on the file's first line (elsewhere
        // they mark a continuation); stray byte-order marks are dropped.
        let text = unfolded.trim_matches([' ', '\t', '\u{feff}']);
        if text.is_empty() {
            continue;
        }
        if outline.first_line.is_none() {
            outline.first_line = Some((line.number, excerpt(text)));
        }
        let Some(name) = property_name(text) else {
            outline.warnings.push(Warning {
                line: Some(line.number),
                message: format!(
                    "“{}” is not an iCalendar line (expected NAME:value); it was ignored",
                    excerpt(text)
                ),
            });
            continue;
        };
        let value = || text[name.len()..].trim_start_matches(|c| c != ':')[1..].trim();
        if name.eq_ignore_ascii_case("BEGIN") {
            let component = value().to_ascii_uppercase();
            if component == "VCALENDAR" {
                outline.calendars += 1;
            }
            stack.push(Open {
                name: component,
                line: line.number,
                start: line.start,
                assumed: false,
            });
        } else if name.eq_ignore_ascii_case("END") {
            let component = value().to_ascii_uppercase();
            let Some(depth) = stack.iter().rposition(|open| open.name == component) else {
                // An END whose BEGIN is in an earlier part: the cut was
                // inside an item.
                outline.clean_cut &= part.first;
                outline.warnings.push(Warning {
                    line: Some(line.number),
                    message: format!(
                        "END:{component} has no matching BEGIN:{component}; it was ignored"
                    ),
                });
                continue;
            };
            while stack.len() > depth + 1 {
                let open = stack.pop().expect("stack is deeper than depth");
                outline.warnings.push(Warning {
                    line: Some(open.line),
                    message: format!(
                        "BEGIN:{} is not closed before END:{component} on line {}",
                        open.name, line.number
                    ),
                });
                close(&mut outline, src, &stack, open, line.start, false);
            }
            let open = stack.pop().expect("matching component is on the stack");
            close(&mut outline, src, &stack, open, line.end, true);
        } else if stack.is_empty() {
            outline.warnings.push(Warning {
                line: Some(line.number),
                message: format!(
                    "“{}” is outside any calendar; it was ignored",
                    excerpt(text)
                ),
            });
        }
    }

    while let Some(open) = stack.pop() {
        if !part.last {
            if open.name == "VCALENDAR" && stack.is_empty() {
                // Closed in a later part.
                continue;
            }
            // Open at the end of a part: the cut was inside an item.
            outline.clean_cut = false;
        }
        if open.assumed {
            // The file's calendar is never closed (or never opened): only
            // a whole read names the right line.
            outline.clean_cut = false;
            continue;
        }
        outline.warnings.push(Warning {
            line: Some(open.line),
            message: format!("BEGIN:{} is never closed: the file ends first", open.name),
        });
        close(&mut outline, src, &stack, open, src.len(), false);
    }
    outline.components.sort_by_key(|span| span.line);
    Ok(outline)
}

/// Records `open` as a span if it is a top-level component.
fn close<'a>(
    outline: &mut Outline<'a>,
    src: &'a str,
    parents: &[Open],
    open: Open,
    end: usize,
    complete: bool,
) {
    // Direct children of a (possibly wrongly nested) VCALENDAR, or bare
    // components outside any calendar.
    let top_level =
        open.name != "VCALENDAR" && parents.iter().all(|parent| parent.name == "VCALENDAR");
    if top_level {
        outline.components.push(ComponentSpan {
            name: open.name,
            line: open.line,
            text: &src[open.start..end],
            complete,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outline(src: &str) -> Outline<'_> {
        scan(src, &ParseLimits::default()).expect("scan succeeds")
    }

    #[test]
    fn finds_top_level_components_with_lines() {
        let src = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:a\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nEND:VALARM\r\nEND:VEVENT\r\nBEGIN:VTODO\r\nEND:VTODO\r\nEND:VCALENDAR\r\n";
        let out = outline(src);
        assert_eq!(out.calendars, 1);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        let names: Vec<_> = out
            .components
            .iter()
            .map(|c| (c.name.as_str(), c.line))
            .collect();
        assert_eq!(names, [("VEVENT", 3), ("VTODO", 9)]);
        assert!(out.components[0].text.starts_with("BEGIN:VEVENT"));
        assert!(out.components[0].text.ends_with("END:VEVENT\r\n"));
    }

    #[test]
    fn folded_lines_count_physical_lines() {
        let src = "BEGIN:VCALENDAR\nDESCRIPTION:a long\n  text\n folded\nBEGIN:VEV\n ENT\nEND:VEVENT\nEND:VCALENDAR\n";
        let out = outline(src);
        assert_eq!(out.components.len(), 1);
        assert_eq!(out.components[0].line, 5);
    }

    #[test]
    fn garbage_and_unbalanced_lines_are_named() {
        let src = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nthis is garbage\nEND:VTODO\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:x\n";
        let out = outline(src);
        let lines: Vec<_> = out.warnings.iter().map(|w| w.line).collect();
        assert_eq!(lines, [Some(3), Some(4), Some(6), Some(1)]);
        assert!(out.warnings[0].message.contains("this is garbage"));
        assert!(out.warnings[2].message.contains("never closed"));
        assert_eq!(out.components.len(), 2);
        assert!(!out.components[1].complete);
    }

    #[test]
    fn unclosed_child_is_closed_by_parent_end() {
        let src = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nBEGIN:VALARM\nEND:VEVENT\nEND:VCALENDAR\n";
        let out = outline(src);
        assert_eq!(out.components.len(), 1);
        assert!(out.components[0].complete);
        assert_eq!(out.warnings[0].line, Some(3));
    }

    #[test]
    fn leading_blanks_before_the_first_line_are_tolerated() {
        let out = outline("   BEGIN:VCALENDAR\nBEGIN:VEVENT\nEND:VEVENT\nEND:VCALENDAR\n");
        assert_eq!(out.calendars, 1);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    }

    #[test]
    fn overlong_line_is_an_error() {
        let limits = ParseLimits {
            max_line_bytes: 16,
            ..ParseLimits::default()
        };
        let err = scan("BEGIN:VCALENDAR\nX:123456789012345\n", &limits).unwrap_err();
        assert_eq!(err, ScanError::LineTooLong { line: 2, limit: 16 });
    }
}
