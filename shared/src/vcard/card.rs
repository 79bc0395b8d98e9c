//! One card: its text rebuilt from the splitter's pieces, parsed on its own
//! with `calcard`, and turned into an [`Item`] of kind contact.

use super::contact::read_contact;
use super::split::CardSpan;
use crate::limits::ParseLimits;
use crate::model::{Item, ItemKind};
use calcard::vcard::VCard;
use calcard::{Entry, Parser};

/// Reads the card `span` of `src` into an [`Item`].
pub(super) fn read_card(src: &str, span: &CardSpan, limits: &ParseLimits) -> Item {
    let mut item = Item::new(ItemKind::Contact, span.line);
    if !span.complete {
        item.notes
            .push("END:VCARD is missing; this contact may be incomplete".to_string());
    }
    for line in &span.embedded_cards {
        item.notes.push(format!(
            "The card of an assistant or agent (AGENT) embedded on line {line} is left out"
        ));
    }
    let text = card_text(src, span);
    match Parser::new(&text).entry() {
        Entry::VCard(vcard) => fill(&mut item, &vcard, limits),
        // The text always starts with BEGIN:VCARD, so calcard should
        // never answer anything else; if it does, the card is kept and
        // marked rather than misread.
        _ => item
            .notes
            .push("This contact could not be read".to_string()),
    }
    item
}

fn fill(item: &mut Item, vcard: &VCard, limits: &ParseLimits) {
    let read = read_contact(vcard, limits);
    item.uid = read.uid;
    item.summary = read.display_name;
    item.description = read.note;
    item.categories = read.categories;
    item.notes.extend(read.notes);
    item.contact = Some(read.contact);
}

/// The card as `calcard` should see it: a clean `BEGIN:VCARD` line, its
/// `VERSION` line (3.0 when it has none: `calcard` then reads dates the
/// lenient way of old writers, `1970-07-14` as well as `19700714`), the
/// card's other property lines, and `END:VCARD` (added when the file lacks
/// it), with the splitter's [`super::lines::Repair`]s applied.
fn card_text(src: &str, span: &CardSpan) -> String {
    let length: usize = span.segments.iter().map(|range| range.len()).sum();
    let mut text = String::with_capacity(length + 64);
    text.push_str("BEGIN:VCARD\r\n");
    match span.version.clone() {
        Some(version) => text.push_str(src.get(version).unwrap_or_default().trim_end()),
        None => text.push_str("VERSION:3.0"),
    }
    text.push_str("\r\n");
    let mut repairs = span.repairs.iter().peekable();
    for segment in &span.segments {
        let mut from = segment.start;
        while let Some(repair) = repairs.next_if(|repair| repair.at < segment.end) {
            if repair.at >= from {
                text.push_str(src.get(from..repair.at).unwrap_or_default());
                text.push_str(repair.insert);
                from = repair.at;
            }
        }
        text.push_str(src.get(from..segment.end).unwrap_or_default());
    }
    if span.ends_in_soft_break {
        // A soft line break with nothing after it would swallow END:VCARD.
        let kept = text.trim_end().len();
        text.truncate(kept);
        if text.ends_with('=') {
            text.pop();
        }
    }
    if !text.ends_with('\n') {
        text.push_str("\r\n");
    }
    text.push_str("END:VCARD\r\n");
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vcard::lines::Repair;

    /// A complete card made of the `(start, end)` byte ranges.
    fn span(segments: &[(usize, usize)]) -> CardSpan {
        CardSpan {
            line: 1,
            segments: segments.iter().map(|&(start, end)| start..end).collect(),
            complete: true,
            ..CardSpan::default()
        }
    }

    #[test]
    fn card_text_is_rebuilt_from_its_segments() {
        let src = "begin:vcard \nFN:A\nBEGIN:X\nEND:X\nEMAIL:a@b";
        let text = card_text(src, &span(&[(13, 18), (32, 41)]));
        assert_eq!(
            text,
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\nEMAIL:a@b\r\nEND:VCARD\r\n"
        );
    }

    #[test]
    fn the_version_comes_first() {
        let src = "BDAY:1963-09-21\nVERSION:3.0";
        let mut card = span(&[(0, 16)]);
        card.version = Some(16..27);
        let text = card_text(src, &card);
        assert_eq!(
            text,
            "BEGIN:VCARD\r\nVERSION:3.0\r\nBDAY:1963-09-21\nEND:VCARD\r\n"
        );
    }

    #[test]
    fn repairs_are_applied_for_calcard() {
        let src = "FN;QUOTED-PRINTABLE:J=C3=B6rg\n";
        let mut card = span(&[(0, src.len())]);
        card.repairs = vec![
            Repair {
                at: 3,
                insert: "ENCODING=",
            },
            Repair {
                at: 19,
                insert: ";CHARSET=UTF-8",
            },
        ];
        let text = card_text(src, &card);
        assert!(
            text.contains("FN;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:J=C3=B6rg\n"),
            "{text}"
        );
        let Entry::VCard(vcard) = Parser::new(&text).entry() else {
            panic!("a card")
        };
        let value = vcard.entries[1].values[0].as_text();
        assert_eq!(value, Some("Jörg"));
    }

    #[test]
    fn a_dangling_soft_break_does_not_swallow_the_end() {
        let src = "NOTE;ENCODING=QUOTED-PRINTABLE:cut=\r\n\r\n";
        let mut card = span(&[(0, src.len())]);
        card.ends_in_soft_break = true;
        assert_eq!(
            card_text(src, &card),
            "BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE;ENCODING=QUOTED-PRINTABLE:cut\r\nEND:VCARD\r\n"
        );
    }
}
