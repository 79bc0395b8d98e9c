//! From file bytes to text.
//!
//! Exports come from every decade of software: UTF-8 with or without a
//! byte-order mark, and — from older Outlook and Lotus versions — Windows-1252.
//! [`decode`] accepts all of them and says which one it found, so the preview
//! can tell the user when characters were reinterpreted.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// How the bytes of a file were read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceEncoding {
    /// Valid UTF-8 (a leading byte-order mark, if any, was removed).
    #[serde(rename = "utf-8")]
    Utf8,
    /// Not valid UTF-8; every byte was read as Windows-1252.
    #[serde(rename = "windows-1252")]
    Windows1252,
}

/// Decoded text of a file, borrowing the input when it was already UTF-8.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedText<'a> {
    pub text: Cow<'a, str>,
    pub encoding: SourceEncoding,
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes `bytes` as UTF-8 (dropping a byte-order mark), falling back to
/// Windows-1252 when they are not valid UTF-8. Never fails: every byte
/// sequence is valid Windows-1252 under the WHATWG mapping used here.
pub fn decode(bytes: &[u8]) -> DecodedText<'_> {
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    // simdutf8: the same check as the standard library, with SIMD (also
    // in the browser, with simd128), as whole files are checked here.
    match simdutf8::basic::from_utf8(bytes) {
        Ok(text) => DecodedText {
            text: Cow::Borrowed(text),
            encoding: SourceEncoding::Utf8,
        },
        Err(_) => DecodedText {
            text: Cow::Owned(bytes.iter().map(|&b| windows_1252_char(b)).collect()),
            encoding: SourceEncoding::Windows1252,
        },
    }
}

/// Like [`decode`], for line-folded text (iCalendar, vCard).
///
/// Folding inserts a line break and a space every 75 octets, and careless
/// writers break in the middle of a multi-byte UTF-8 character. Such a file
/// is not valid UTF-8 as it stands, yet its author meant UTF-8: before
/// falling back to Windows-1252, the folds that split a character are moved
/// to just after it, which keeps every line number intact.
pub fn decode_content_lines(bytes: &[u8]) -> DecodedText<'_> {
    let decoded = decode(bytes);
    if decoded.encoding == SourceEncoding::Utf8 {
        return decoded;
    }
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    match String::from_utf8(move_folds_out_of_characters(bytes)) {
        Ok(text) => DecodedText {
            text: Cow::Owned(text),
            encoding: SourceEncoding::Utf8,
        },
        Err(_) => decoded,
    }
}

/// The physical line of `src` at byte `pos`: its content without the line
/// ending (CRLF or LF), and the offset just after it; `None` at the end.
pub fn physical_line(src: &str, pos: usize) -> Option<(&str, usize)> {
    let rest = src.get(pos..).filter(|rest| !rest.is_empty())?;
    let (content, consumed) = match memchr::memchr(b'\n', rest.as_bytes()) {
        Some(i) => (&rest[..i], i + 1),
        None => (rest, rest.len()),
    };
    Some((
        content.strip_suffix('\r').unwrap_or(content),
        pos + consumed,
    ))
}

/// Length of a fold (`CRLF` or `LF`, then a space or tab) at the start of `s`.
fn fold_len(s: &[u8]) -> Option<usize> {
    match s {
        [b'\r', b'\n', b' ' | b'\t', ..] => Some(3),
        [b'\n', b' ' | b'\t', ..] => Some(2),
        _ => None,
    }
}

fn move_folds_out_of_characters(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let lead = bytes[i];
        let continuation_bytes = match lead {
            0xC2..=0xDF => 1,
            0xE0..=0xEF => 2,
            0xF0..=0xF4 => 3,
            _ => 0,
        };
        out.push(lead);
        i += 1;
        if continuation_bytes == 0 {
            continue;
        }
        let mut folds = Vec::new();
        let mut found = 0;
        while found < continuation_bytes && i < bytes.len() {
            if let Some(len) = fold_len(&bytes[i..]) {
                folds.extend_from_slice(&bytes[i..i + len]);
                i += len;
            } else if bytes[i] & 0xC0 == 0x80 {
                out.push(bytes[i]);
                found += 1;
                i += 1;
            } else {
                break;
            }
        }
        out.extend_from_slice(&folds);
    }
    out
}

/// The characters Windows-1252 puts at 0x80..=0x9F; the WHATWG Encoding
/// standard maps the five undefined positions to the C1 control of the same
/// number, which keeps the mapping total.
const WINDOWS_1252_HIGH: [char; 32] = [
    '\u{20AC}', '\u{0081}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{008D}', '\u{017D}', '\u{008F}',
    '\u{0090}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}', '\u{0153}', '\u{009D}', '\u{017E}', '\u{0178}',
];

fn windows_1252_char(byte: u8) -> char {
    match byte {
        0x80..=0x9F => WINDOWS_1252_HIGH[usize::from(byte - 0x80)],
        // ASCII and 0xA0..=0xFF coincide with Unicode (Latin-1).
        _ => char::from(byte),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_borrowed_and_bom_removed() {
        let decoded = decode(b"\xEF\xBB\xBFBEGIN:VCALENDAR");
        assert_eq!(decoded.text, "BEGIN:VCALENDAR");
        assert_eq!(decoded.encoding, SourceEncoding::Utf8);
        assert!(matches!(decoded.text, Cow::Borrowed(_)));
    }

    #[test]
    fn invalid_utf8_falls_back_to_windows_1252() {
        // "Café – 5€" as Windows-1252.
        let decoded = decode(b"Caf\xE9 \x96 5\x80");
        assert_eq!(decoded.text, "Café – 5€");
        assert_eq!(decoded.encoding, SourceEncoding::Windows1252);
    }

    #[test]
    fn folds_inside_a_character_are_moved_after_it() {
        // "€" (E2 82 AC) folded after its second byte, CRLF and LF styles.
        let decoded = decode_content_lines(b"SUMMARY:5\xE2\x82\r\n \xAC!\nX:\xE2\n\t\x82\xAC");
        assert_eq!(decoded.encoding, SourceEncoding::Utf8);
        assert_eq!(decoded.text, "SUMMARY:5€\r\n !\nX:€\n\t");
    }

    #[test]
    fn real_windows_1252_is_not_mistaken_for_split_utf8() {
        let decoded = decode_content_lines(b"SUMMARY:R\xE9union\r\n d\xE9but");
        assert_eq!(decoded.encoding, SourceEncoding::Windows1252);
        assert_eq!(decoded.text, "SUMMARY:Réunion\r\n début");
    }

    #[test]
    fn undefined_windows_1252_positions_stay_total() {
        let decoded = decode(b"\x81\x8D\x8F\x90\x9D\xFF");
        assert_eq!(decoded.text.chars().count(), 6);
        assert_eq!(decoded.text.chars().last(), Some('ÿ'));
    }
}
