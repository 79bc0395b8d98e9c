//! Cuts a vCard file into cards, with line numbers, before any card is
//! parsed.
//!
//! `calcard` reads a card until the first `BEGIN` or `END` line it meets
//! and reports no positions. This splitter finds where each card starts and
//! ends, names every structural problem by line ("line 12: END:VCARD
//! without BEGIN:VCARD"), and hands each card on its own to
//! [`super::card`], so a broken card cannot take its neighbours down.
//!
//! What a card keeps: its own property lines. Left out: the lines of a
//! component inside it (a vCard 2.1 `AGENT` card, or anything else between
//! `BEGIN:` and `END:`), stray `END:` lines and lines that are not
//! properties. A `BEGIN:VCARD` inside a card that is not an `AGENT`'s means
//! the card was never closed: it ends there and a new card starts.

use super::lines::{LineTooLong, LogicalLine, LogicalLines, Repair, ValueEncoding};
use crate::limits::ParseLimits;
use crate::report::{Skipped, Warning};
use std::ops::Range;

/// One top-level `VCARD`, located in the text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct CardSpan {
    /// Line of its `BEGIN:VCARD`.
    pub line: usize,
    /// Byte range of its `VERSION` line, wherever it is: `calcard` must
    /// meet it first to read dates the way the version writes them.
    pub version: Option<Range<usize>>,
    /// Byte ranges of its other property lines (without `BEGIN`/`END`), in
    /// file order.
    pub segments: Vec<Range<usize>>,
    /// Insertions for `calcard`, in file order.
    pub repairs: Vec<Repair>,
    /// The last property is quoted-printable and ends in a soft line break
    /// that the file never continues.
    pub ends_in_soft_break: bool,
    /// `false` when the card has no `END:VCARD`.
    pub complete: bool,
    /// Lines of `AGENT` cards embedded in this one (left out).
    pub embedded_cards: Vec<usize>,
}

/// The splitter's result.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Outline {
    pub cards: Vec<CardSpan>,
    /// Top-level components that are not cards.
    pub skipped: Vec<Skipped>,
    /// At most [`ParseLimits::max_warnings`] warnings, in the order found.
    pub warnings: Vec<Warning>,
    /// Warnings found beyond that.
    pub more_warnings: usize,
    /// First non-blank line, to explain a file that holds no card.
    pub first_line: Option<(usize, String)>,
}

/// Why a file cannot be split at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SplitError {
    LineTooLong { line: usize },
    TooManyCards,
}

/// Deepest nesting followed inside a card or a skipped component; deeper
/// `BEGIN:` lines are ignored with a warning, so that matching `END:` lines
/// stays cheap on hostile input.
const MAX_NESTING: usize = 32;

/// A component opened with `BEGIN:` and not closed yet.
#[derive(Debug, Clone)]
struct Open {
    name: String,
    line: usize,
}

/// Where the splitter is.
enum State {
    /// Between cards.
    Outside,
    /// Inside a top-level component that is not a card (its nesting).
    Skipping(Vec<Open>),
    /// Inside a card.
    InCard(OpenCard),
}

/// A card being read.
struct OpenCard {
    span: CardSpan,
    /// Components opened inside the card (their lines are left out).
    nested: Vec<Open>,
    /// The previous property was an empty `AGENT:`, which vCard 2.1 follows
    /// with an embedded card.
    after_empty_agent: bool,
}

/// What a logical line is.
enum Kind<'t> {
    Blank,
    Begin(String),
    End(String),
    Property {
        is_empty_agent: bool,
        is_version: bool,
    },
    NotAProperty(&'t str),
}

fn kind(text: &str) -> Kind<'_> {
    // Stray byte-order marks (files joined together) are dropped.
    let text = text.trim_matches([' ', '\t', '\u{feff}']);
    if text.is_empty() {
        return Kind::Blank;
    }
    let Some((name, value)) = property(text) else {
        return Kind::NotAProperty(text);
    };
    if name.eq_ignore_ascii_case("BEGIN") {
        Kind::Begin(value.trim().to_ascii_uppercase())
    } else if name.eq_ignore_ascii_case("END") {
        Kind::End(value.trim().to_ascii_uppercase())
    } else {
        Kind::Property {
            is_empty_agent: name.eq_ignore_ascii_case("AGENT") && value.trim().is_empty(),
            is_version: name.eq_ignore_ascii_case("VERSION"),
        }
    }
}

/// `(NAME, value)` of a content line `[group.]NAME[;params]:value`, if the
/// line has that shape.
fn property(line: &str) -> Option<(&str, &str)> {
    let name_end = line.find([':', ';'])?;
    let value_start = line[name_end..].find(':')? + name_end + 1;
    let qualified = &line[..name_end];
    let valid = !qualified.is_empty()
        && qualified
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if !valid {
        return None;
    }
    let name = qualified.rsplit('.').next().unwrap_or(qualified);
    Some((name, &line[value_start..]))
}

/// Shortens a line for quoting in a message.
fn excerpt(line: &str) -> String {
    const MAX: usize = 60;
    match line.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line.to_string(),
    }
}

/// Collects warnings up to the limit, counting the rest.
struct Collector<'l> {
    outline: Outline,
    limits: &'l ParseLimits,
}

impl Collector<'_> {
    fn warn(&mut self, line: usize, message: String) {
        if self.outline.warnings.len() < self.limits.max_warnings {
            self.outline.warnings.push(Warning {
                line: Some(line),
                message,
            });
        } else {
            self.outline.more_warnings += 1;
        }
    }

    fn open_card(&mut self, line: usize) -> Result<State, SplitError> {
        if self.outline.cards.len() >= self.limits.max_items {
            return Err(SplitError::TooManyCards);
        }
        Ok(State::InCard(OpenCard {
            span: CardSpan {
                line,
                ..CardSpan::default()
            },
            nested: Vec::new(),
            after_empty_agent: false,
        }))
    }

    /// Finishes `card`; `closer` describes what ended it when that was not
    /// its own `END:VCARD` (`None`: it was).
    fn close_card(&mut self, mut card: OpenCard, closer: Option<String>) {
        let cut = closer.clone().unwrap_or_else(|| "END:VCARD".to_string());
        for open in card.nested.drain(..).rev() {
            self.warn(
                open.line,
                format!(
                    "BEGIN:{} is not closed before {cut}; the lines in between were left out of the contact",
                    open.name
                ),
            );
        }
        if let Some(closer) = closer {
            self.warn(
                card.span.line,
                format!("BEGIN:VCARD is not closed before {closer}; the contact may be incomplete"),
            );
        } else {
            card.span.complete = true;
        }
        self.outline.cards.push(card.span);
    }
}

/// Splits `src` into cards.
pub(super) fn split(src: &str, limits: &ParseLimits) -> Result<Outline, SplitError> {
    let mut collector = Collector {
        outline: Outline::default(),
        limits,
    };
    let mut state = State::Outside;
    for line in LogicalLines::new(src, limits.max_line_bytes) {
        let line = line.map_err(|LineTooLong { line }| SplitError::LineTooLong { line })?;
        let kind = kind(&line.text);
        if !matches!(kind, Kind::Blank) && collector.outline.first_line.is_none() {
            let text = line.text.trim_matches([' ', '\t', '\u{feff}']);
            collector.outline.first_line = Some((line.number, excerpt(text)));
        }
        state = match state {
            State::Outside => outside(&mut collector, &line, kind)?,
            State::Skipping(stack) => skipping(&mut collector, stack, &line, kind)?,
            State::InCard(card) => in_card(&mut collector, card, &line, kind)?,
        };
    }
    match state {
        State::Outside => {}
        State::Skipping(stack) => {
            if let Some(open) = stack.first() {
                let message = format!("BEGIN:{} is never closed: the file ends first", open.name);
                collector.warn(open.line, message);
            }
        }
        State::InCard(card) => {
            collector.close_card(card, Some("the end of the file".to_string()));
        }
    }
    Ok(collector.outline)
}

fn outside(
    collector: &mut Collector<'_>,
    line: &LogicalLine<'_>,
    kind: Kind<'_>,
) -> Result<State, SplitError> {
    match kind {
        Kind::Begin(name) if name == "VCARD" => collector.open_card(line.number),
        Kind::Begin(name) => {
            collector.outline.skipped.push(Skipped {
                component: name.clone(),
                line: line.number,
            });
            Ok(State::Skipping(vec![Open {
                name,
                line: line.number,
            }]))
        }
        Kind::End(name) => {
            collector.warn(
                line.number,
                format!("END:{name} has no matching BEGIN:{name}; it was ignored"),
            );
            Ok(State::Outside)
        }
        Kind::Property { .. } => {
            let text = excerpt(line.text.trim());
            collector.warn(
                line.number,
                format!("“{text}” is outside any contact card; it was ignored"),
            );
            Ok(State::Outside)
        }
        Kind::NotAProperty(text) => {
            collector.warn(line.number, not_a_property(text));
            Ok(State::Outside)
        }
        Kind::Blank => Ok(State::Outside),
    }
}

fn skipping(
    collector: &mut Collector<'_>,
    mut stack: Vec<Open>,
    line: &LogicalLine<'_>,
    kind: Kind<'_>,
) -> Result<State, SplitError> {
    match kind {
        Kind::Begin(name) if name == "VCARD" => {
            if let Some(open) = stack.first() {
                let message = format!(
                    "BEGIN:{} is not closed before BEGIN:VCARD on line {}",
                    open.name, line.number
                );
                collector.warn(open.line, message);
            }
            collector.open_card(line.number)
        }
        Kind::Begin(name) => {
            if stack.len() < MAX_NESTING {
                stack.push(Open {
                    name,
                    line: line.number,
                });
            } else {
                collector.warn(line.number, too_deep(&name));
            }
            Ok(State::Skipping(stack))
        }
        Kind::End(name) => match stack.iter().rposition(|open| open.name == name) {
            Some(0) => Ok(State::Outside),
            Some(depth) => {
                stack.truncate(depth);
                Ok(State::Skipping(stack))
            }
            None => {
                collector.warn(
                    line.number,
                    format!("END:{name} has no matching BEGIN:{name}; it was ignored"),
                );
                Ok(State::Skipping(stack))
            }
        },
        Kind::Property { .. } | Kind::NotAProperty(_) | Kind::Blank => Ok(State::Skipping(stack)),
    }
}

fn in_card(
    collector: &mut Collector<'_>,
    mut card: OpenCard,
    line: &LogicalLine<'_>,
    kind: Kind<'_>,
) -> Result<State, SplitError> {
    let after_empty_agent = std::mem::take(&mut card.after_empty_agent);
    match kind {
        Kind::Begin(name) if name == "VCARD" && !after_empty_agent => {
            let closer = format!("the next BEGIN:VCARD on line {}", line.number);
            collector.close_card(card, Some(closer));
            return collector.open_card(line.number);
        }
        Kind::Begin(name) if card.nested.len() >= MAX_NESTING => {
            collector.warn(line.number, too_deep(&name));
        }
        Kind::Begin(name) => {
            if card.nested.is_empty() && name == "VCARD" {
                card.span.embedded_cards.push(line.number);
            } else if card.nested.is_empty() {
                collector.warn(
                    line.number,
                    format!(
                        "BEGIN:{name} inside a contact card is not part of vCard; it was left out up to its END:{name}"
                    ),
                );
            }
            card.nested.push(Open {
                name,
                line: line.number,
            });
        }
        Kind::End(name) => match card.nested.iter().rposition(|open| open.name == name) {
            Some(depth) => {
                while card.nested.len() > depth + 1 {
                    if let Some(open) = card.nested.pop() {
                        let message = format!(
                            "BEGIN:{} is not closed before END:{name} on line {}",
                            open.name, line.number
                        );
                        collector.warn(open.line, message);
                    }
                }
                card.nested.pop();
            }
            None if name == "VCARD" => {
                collector.close_card(card, None);
                return Ok(State::Outside);
            }
            None => collector.warn(
                line.number,
                format!("END:{name} has no matching BEGIN:{name}; it was ignored"),
            ),
        },
        Kind::NotAProperty(text) => {
            if card.nested.is_empty() {
                collector.warn(line.number, not_a_property(text));
            }
        }
        Kind::Property {
            is_empty_agent,
            is_version,
        } => {
            if card.nested.is_empty() {
                if is_version && card.span.version.is_none() {
                    card.span.version = Some(line.start..line.end);
                } else {
                    keep(&mut card.span, line);
                }
                card.after_empty_agent = is_empty_agent;
            }
        }
        Kind::Blank => {
            if card.nested.is_empty() {
                keep(&mut card.span, line);
                card.after_empty_agent = after_empty_agent;
            }
        }
    }
    Ok(State::InCard(card))
}

/// Adds `line` to the card's own text.
fn keep(span: &mut CardSpan, line: &LogicalLine<'_>) {
    match span.segments.last_mut() {
        Some(last) if last.end == line.start => last.end = line.end,
        _ => span.segments.push(line.start..line.end),
    }
    span.repairs.extend_from_slice(&line.repairs);
    if !line.text.trim().is_empty() {
        span.ends_in_soft_break =
            line.encoding == ValueEncoding::QuotedPrintable && line.text.trim_end().ends_with('=');
    }
}

fn too_deep(name: &str) -> String {
    format!("BEGIN:{name} is nested more than {MAX_NESTING} deep; it was ignored")
}

fn not_a_property(text: &str) -> String {
    format!(
        "“{}” is not a vCard line (expected NAME:value); it was ignored",
        excerpt(text)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outline(src: &str) -> Outline {
        split(src, &ParseLimits::default()).expect("split succeeds")
    }

    fn card_text<'a>(src: &'a str, card: &CardSpan) -> Vec<&'a str> {
        card.segments
            .iter()
            .map(|range| &src[range.clone()])
            .collect()
    }

    fn warning_lines(out: &Outline) -> Vec<Option<usize>> {
        out.warnings.iter().map(|warning| warning.line).collect()
    }

    #[test]
    fn cards_are_found_with_their_lines() {
        let src =
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nEND:VCARD\r\n\r\nbegin:vcard\nFN:B\nend:vcard";
        let out = outline(src);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        assert_eq!(out.cards.len(), 2);
        assert_eq!((out.cards[0].line, out.cards[1].line), (1, 6));
        assert_eq!(card_text(src, &out.cards[0]), ["FN:A\r\n"]);
        assert_eq!(card_text(src, &out.cards[1]), ["FN:B\n"]);
        assert!(out.cards.iter().all(|card| card.complete));
    }

    #[test]
    fn the_version_line_is_found_wherever_it_is() {
        let src = "BEGIN:VCARD\nBDAY:1963-09-21\nVERSION:3.0\nFN:A\nEND:VCARD\n";
        let card = &outline(src).cards[0];
        assert_eq!(
            card.version.clone().map(|range| &src[range]),
            Some("VERSION:3.0\n")
        );
        assert_eq!(card_text(src, card), ["BDAY:1963-09-21\n", "FN:A\n"]);
    }

    #[test]
    fn an_unclosed_card_ends_where_the_next_one_begins() {
        let src = "BEGIN:VCARD\nFN:A\nBEGIN:VCARD\nFN:B\nEND:VCARD\n";
        let out = outline(src);
        assert_eq!(out.cards.len(), 2);
        assert!(!out.cards[0].complete);
        assert!(out.cards[1].complete);
        assert_eq!(warning_lines(&out), [Some(1)]);
        assert!(
            out.warnings[0].message.contains("line 3"),
            "{:?}",
            out.warnings
        );
    }

    #[test]
    fn an_agent_card_stays_inside_its_card_and_is_left_out() {
        let src = "BEGIN:VCARD\nVERSION:2.1\nAGENT:\nBEGIN:VCARD\nFN:Agent\nEND:VCARD\nFN:Boss\nEND:VCARD\n";
        let out = outline(src);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        assert_eq!(out.cards.len(), 1);
        assert_eq!(out.cards[0].embedded_cards, [4]);
        assert_eq!(card_text(src, &out.cards[0]), ["AGENT:\n", "FN:Boss\n"]);
    }

    #[test]
    fn stray_lines_and_components_are_named_and_left_out() {
        let src = "junk before\nBEGIN:VCARD\nFN:A\nEND:VTODO\nthis is garbage\nBEGIN:X-THING\nFN:inner\nEND:X-THING\nEMAIL:a@b\nEND:VCARD\nNOTE:after\nEND:VCARD\n";
        let out = outline(src);
        assert_eq!(
            warning_lines(&out),
            [Some(1), Some(4), Some(5), Some(6), Some(11), Some(12)]
        );
        assert_eq!(out.first_line, Some((1, "junk before".to_string())));
        assert_eq!(card_text(src, &out.cards[0]), ["FN:A\n", "EMAIL:a@b\n"]);
    }

    #[test]
    fn other_top_level_components_are_skipped_whole() {
        let src = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nEND:VEVENT\nEND:VCALENDAR\nBEGIN:VCARD\nFN:A\nEND:VCARD\n";
        let out = outline(src);
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        assert_eq!(
            out.skipped,
            [Skipped {
                component: "VCALENDAR".to_string(),
                line: 1
            }]
        );
        assert_eq!(out.cards.len(), 1);
    }

    #[test]
    fn a_card_cut_off_by_the_end_of_the_file_is_kept() {
        let out = outline("BEGIN:VCARD\nFN:A\nNOTE;ENCODING=QUOTED-PRINTABLE:x=\n");
        assert_eq!(out.cards.len(), 1);
        assert!(!out.cards[0].complete);
        assert!(out.cards[0].ends_in_soft_break);
        assert!(out.warnings[0].message.contains("end of the file"));
    }

    #[test]
    fn nesting_is_followed_only_so_deep() {
        let deep = "BEGIN:X\n".repeat(MAX_NESTING + 2);
        let src = format!("BEGIN:VCARD\n{deep}END:VCARD\nBEGIN:VCARD\nFN:B\nEND:VCARD\n");
        let out = outline(&src);
        let too_deep: Vec<_> = out
            .warnings
            .iter()
            .filter(|warning| warning.message.contains("nested more than"))
            .map(|warning| warning.line)
            .collect();
        assert_eq!(too_deep, [Some(MAX_NESTING + 2), Some(MAX_NESTING + 3)]);
        assert_eq!(out.cards.len(), 2, "the next card is still found");
    }

    #[test]
    fn warnings_beyond_the_limit_are_counted() {
        let limits = ParseLimits {
            max_warnings: 2,
            ..ParseLimits::default()
        };
        let out = split("a\nb\nc\nd\nBEGIN:VCARD\nEND:VCARD\n", &limits).expect("splits");
        assert_eq!((out.warnings.len(), out.more_warnings), (2, 2));
    }

    #[test]
    fn too_many_cards_stop_the_split() {
        let limits = ParseLimits {
            max_items: 1,
            ..ParseLimits::default()
        };
        let src = "BEGIN:VCARD\nEND:VCARD\nBEGIN:VCARD\nEND:VCARD\n";
        assert_eq!(split(src, &limits), Err(SplitError::TooManyCards));
    }
}
