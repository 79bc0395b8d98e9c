//! Content lines (RFC 5545 §3.1, RFC 2426 §2.6) built from their parts, so
//! that user data never reaches the output unescaped:
//!
//! * TEXT values are escaped (RFC 5545 §3.3.11): `\` `;` `,` and line
//!   breaks (`\n`; a CR LF or a lone CR counts as one line break);
//! * parameter values use RFC 6868's caret encoding (`^^`, `^n`, `^'` for
//!   `"`) and are quoted when they hold `;` `:` `,` `=`, a blank or a tab;
//! * ASCII control characters other than the tab cannot be written in a
//!   content line and are dropped from every value;
//! * lines are folded at 75 octets, never inside a UTF-8 character, and end
//!   with CR LF.

/// The longest physical line, in octets, without its CR LF.
pub const MAX_LINE_OCTETS: usize = 75;

/// A content line being built: its name and parameters so far.
#[derive(Debug, Clone)]
pub(super) struct Property {
    text: String,
}

/// A complete content line (name, parameters and value), not yet folded.
#[derive(Debug, Clone)]
pub(super) struct ContentLine {
    text: String,
}

impl ContentLine {
    /// A content line copied from a source file as it is (already in
    /// iCalendar syntax), less control characters; it is folded anew.
    pub fn verbatim(line: &str) -> Self {
        Self {
            text: line.chars().filter(|c| !is_forbidden_control(*c)).collect(),
        }
    }
}

impl Property {
    /// A property called `name` (a fixed iCalendar or vCard name).
    pub fn new(name: &str) -> Self {
        Self {
            text: name.to_string(),
        }
    }

    /// Adds `;NAME=value`.
    pub fn param(mut self, name: &str, value: &str) -> Self {
        self.text.push(';');
        self.text.push_str(name);
        self.text.push('=');
        push_param_value(&mut self.text, value);
        self
    }

    /// Adds `;NAME=a,b,c` (nothing when `values` is empty).
    pub fn param_list(mut self, name: &str, values: &[&str]) -> Self {
        if values.is_empty() {
            return self;
        }
        self.text.push(';');
        self.text.push_str(name);
        self.text.push('=');
        for (index, value) in values.iter().enumerate() {
            if index > 0 {
                self.text.push(',');
            }
            push_param_value(&mut self.text, value);
        }
        self
    }

    /// Ends the line with an escaped TEXT value.
    pub fn text(self, value: &str) -> ContentLine {
        self.texts(&[value], ',')
    }

    /// Ends the line with several escaped TEXT values joined by
    /// `separator`: `,` for a list (CATEGORIES), `;` for the components of
    /// a structured value (N, ADR, ORG).
    pub fn texts(mut self, values: &[&str], separator: char) -> ContentLine {
        self.text.push(':');
        for (index, value) in values.iter().enumerate() {
            if index > 0 {
                self.text.push(separator);
            }
            push_text(&mut self.text, value);
        }
        ContentLine { text: self.text }
    }

    /// Ends the line with a value that is not TEXT (a date, a number, a
    /// URI, a keyword, base64): written as it is, less control characters.
    pub fn raw(mut self, value: &str) -> ContentLine {
        self.text.push(':');
        self.text
            .extend(value.chars().filter(|c| !is_forbidden_control(*c)));
        ContentLine { text: self.text }
    }
}

/// The text of a calendar object or a card, line by line.
#[derive(Debug, Clone, Default)]
pub(super) struct ObjectText {
    text: String,
}

impl ObjectText {
    /// Appends `line`, folded, with its CR LF.
    pub fn push(&mut self, line: ContentLine) {
        push_folded(&mut self.text, &line.text);
    }

    /// Appends text made by another [`ObjectText`].
    pub fn append(&mut self, other: &ObjectText) {
        self.text.push_str(&other.text);
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn into_string(self) -> String {
        self.text
    }
}

/// `value` as a TEXT value reads back: line breaks as LF, without the
/// control characters a content line cannot hold, trimmed (readers trim).
pub(super) fn plain_text(value: &str) -> String {
    let mut plain = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                chars.next_if_eq(&'\n');
                plain.push('\n');
            }
            c if c != '\n' && is_forbidden_control(c) => {}
            c => plain.push(c),
        }
    }
    plain.trim().to_string()
}

fn is_forbidden_control(c: char) -> bool {
    c.is_ascii_control() && c != '\t'
}

/// Escapes a TEXT value (RFC 5545 §3.3.11; vCard 3.0 escapes the same).
fn push_text(out: &mut String, value: &str) {
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push_str("\\n");
            }
            c if is_forbidden_control(c) => {}
            c => out.push(c),
        }
    }
}

/// A parameter value with RFC 6868's caret encoding, quoted when needed.
fn push_param_value(out: &mut String, value: &str) {
    let quoted = value
        .chars()
        .any(|c| matches!(c, ';' | ':' | ',' | '=' | ' ' | '\t'));
    if quoted {
        out.push('"');
    }
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '^' => out.push_str("^^"),
            '"' => out.push_str("^'"),
            '\n' => out.push_str("^n"),
            '\r' => {
                chars.next_if_eq(&'\n');
                out.push_str("^n");
            }
            c if is_forbidden_control(c) => {}
            c => out.push(c),
        }
    }
    if quoted {
        out.push('"');
    }
}

/// Folds `line` at [`MAX_LINE_OCTETS`] (the blank starting a continuation
/// counts), never inside a character, and ends it with CR LF.
fn push_folded(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let octets = c.len_utf8();
        if width + octets > MAX_LINE_OCTETS {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += octets;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(line: ContentLine) -> String {
        let mut text = ObjectText::default();
        text.push(line);
        text.into_string()
    }

    #[test]
    fn text_values_are_escaped() {
        let line = Property::new("SUMMARY").text("a,b;c\\d\ne\r\nf\rg\u{7}h\ti");
        assert_eq!(written(line), "SUMMARY:a\\,b\\;c\\\\d\\ne\\nf\\ngh\ti\r\n");
    }

    #[test]
    fn plain_text_is_what_reads_back() {
        assert_eq!(plain_text(" a\r\nb\rc\u{0}\td\n "), "a\nb\nc\td");
    }

    #[test]
    fn lists_and_structured_values_escape_each_part() {
        let list = Property::new("CATEGORIES").texts(&["a,b", "c"], ',');
        assert_eq!(written(list), "CATEGORIES:a\\,b,c\r\n");
        let structured = Property::new("N").texts(&["Doe;Jr", "", "A,B"], ';');
        assert_eq!(written(structured), "N:Doe\\;Jr;;A\\,B\r\n");
    }

    #[test]
    fn parameter_values_are_caret_encoded_and_quoted_when_needed() {
        let line = Property::new("ATTENDEE")
            .param("CN", "Plain")
            .param("X-A", "Doe, \"Jo\" ^ x\ny")
            .param_list("TYPE", &["work", "a:b"])
            .raw("mailto:a@b");
        assert_eq!(
            written(line),
            "ATTENDEE;CN=Plain;X-A=\"Doe, ^'Jo^' ^^ x^ny\";TYPE=work,\"a:b\":mailto:a@b\r\n"
        );
    }

    #[test]
    fn raw_values_lose_control_characters_only() {
        let line = Property::new("URL").raw("http://x/\r\n\u{0}a,b;c");
        assert_eq!(written(line), "URL:http://x/a,b;c\r\n");
    }

    #[test]
    fn long_lines_fold_at_75_octets_between_characters() {
        // 8 + 70 three-octet characters: the fold cannot fall inside one.
        let value = "€".repeat(70);
        let text = written(Property::new("SUMMARY").text(&value));
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines.last(), Some(&""));
        for line in &lines {
            assert!(line.len() <= MAX_LINE_OCTETS, "{line}");
        }
        assert_eq!(lines[0].len(), 8 + 3 * 22);
        assert!(lines[1].starts_with(' '));
        let unfolded = text.replace("\r\n ", "");
        assert_eq!(unfolded, format!("SUMMARY:{value}\r\n"));
    }

    #[test]
    fn a_line_of_exactly_75_octets_is_not_folded() {
        let value = "x".repeat(MAX_LINE_OCTETS - "NOTE:".len());
        let text = written(Property::new("NOTE").text(&value));
        assert_eq!(text, format!("NOTE:{value}\r\n"));
        let text = written(Property::new("NOTE").text(&format!("{value}y")));
        assert_eq!(text, format!("NOTE:{value}\r\n y\r\n"));
    }
}
