//! Builds one iCalendar content line (`NAME;PARAM=value:value`) from parts
//! that are already checked, and refuses to finish a line that would break
//! in two, so nothing from the XML can start a line of its own.

/// A content line being built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ContentLine {
    text: String,
}

impl ContentLine {
    /// Starts a line for property `name` (a checked iCalendar name).
    pub fn new(name: &str) -> Self {
        Self {
            text: name.to_string(),
        }
    }

    /// Adds parameter `name` (a checked iCalendar name) with `values`
    /// (made safe by [`param_value`]), quoting each when needed.
    pub fn param(&mut self, name: &str, values: &[String]) {
        self.text.push(';');
        self.text.push_str(name);
        self.text.push('=');
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                self.text.push(',');
            }
            let needs_quotes = value.is_empty()
                || value.contains([';', ':', ','])
                || value.starts_with(char::is_whitespace)
                || value.ends_with(char::is_whitespace);
            if needs_quotes {
                self.text.push('"');
                self.text.push_str(value);
                self.text.push('"');
            } else {
                self.text.push_str(value);
            }
        }
    }

    /// The finished line with `value` (escaped or checked iCalendar value
    /// text), or `None` if it would not be a single line.
    pub fn finish(mut self, value: &str) -> Option<String> {
        self.text.push(':');
        self.text.push_str(value);
        (!self.text.contains(['\r', '\n'])).then_some(self.text)
    }
}

/// A parameter value iCalendar can hold: RFC 5545 parameter values cannot
/// contain a double quote or a line break, so a double quote becomes a
/// single one and a line break a space; control characters are dropped.
/// The flag tells whether anything was changed.
pub(super) fn param_value(raw: &str) -> (String, bool) {
    let mut changed = false;
    let value = raw
        .chars()
        .filter_map(|c| match c {
            '"' => {
                changed = true;
                Some('\'')
            }
            '\r' | '\n' => {
                changed = true;
                Some(' ')
            }
            '\t' => Some(c),
            c if c.is_control() => {
                changed = true;
                None
            }
            c => Some(c),
        })
        .collect();
    (value, changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_quoted_when_needed() {
        let mut line = ContentLine::new("ATTENDEE");
        line.param("CN", &["Doe, Jane: PhD".to_string()]);
        line.param("ROLE", &["CHAIR".to_string()]);
        line.param(
            "DELEGATED-TO",
            &["mailto:a@x".to_string(), "mailto:b@x".to_string()],
        );
        assert_eq!(
            line.finish("mailto:jane@example.com").unwrap(),
            "ATTENDEE;CN=\"Doe, Jane: PhD\";ROLE=CHAIR;DELEGATED-TO=\"mailto:a@x\",\"mailto:b@x\":mailto:jane@example.com"
        );
    }

    #[test]
    fn a_line_break_never_gets_through() {
        assert_eq!(ContentLine::new("X").finish("a\nBEGIN:VEVENT"), None);
        assert_eq!(ContentLine::new("X").finish("a\rb"), None);
    }

    #[test]
    fn parameter_values_lose_what_icalendar_cannot_hold() {
        assert_eq!(
            param_value("Bob \"The Builder\"\nSmith\u{1}"),
            ("Bob 'The Builder' Smith".to_string(), true)
        );
        assert_eq!(param_value("Zoë\tX"), ("Zoë\tX".to_string(), false));
    }
}
