//! xCal values (RFC 6321 §3.6) as iCalendar value text (RFC 5545 §3.3).
//!
//! Text is escaped (`\\`, `\;`, `\,`, `\n`); every other value type is
//! checked against its shape and rewritten from the XML Schema style of
//! xCal (`2011-05-17T12:00:00Z`, `-05:00`) to iCalendar's
//! (`20110517T120000Z`, `-0500`). A value that does not have its shape is
//! refused with a reason in plain words, so no user text ever reaches an
//! iCalendar line unescaped.

use super::node::Node;

/// The value types of RFC 6321 §3.6, plus `unknown` (§5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ValueType {
    Binary,
    Boolean,
    CalAddress,
    Date,
    DateTime,
    Duration,
    Float,
    Integer,
    Period,
    Recur,
    Text,
    Time,
    Uri,
    UtcOffset,
    /// A value whose type the writer did not know, kept as it was.
    Unknown,
}

impl ValueType {
    /// The type of a value element, from its name.
    pub fn from_element(name: &str) -> Option<Self> {
        Some(match name.to_ascii_lowercase().as_str() {
            "binary" => Self::Binary,
            "boolean" => Self::Boolean,
            "cal-address" => Self::CalAddress,
            "date" => Self::Date,
            "date-time" => Self::DateTime,
            "duration" => Self::Duration,
            "float" => Self::Float,
            "integer" => Self::Integer,
            "period" => Self::Period,
            "recur" => Self::Recur,
            "text" => Self::Text,
            "time" => Self::Time,
            "uri" => Self::Uri,
            "utc-offset" => Self::UtcOffset,
            "unknown" => Self::Unknown,
            _ => return None,
        })
    }

    /// The iCalendar name, as used in a `VALUE=` parameter.
    pub fn ical_name(self) -> &'static str {
        match self {
            Self::Binary => "BINARY",
            Self::Boolean => "BOOLEAN",
            Self::CalAddress => "CAL-ADDRESS",
            Self::Date => "DATE",
            Self::DateTime => "DATE-TIME",
            Self::Duration => "DURATION",
            Self::Float => "FLOAT",
            Self::Integer => "INTEGER",
            Self::Period => "PERIOD",
            Self::Recur => "RECUR",
            Self::Text => "TEXT",
            Self::Time => "TIME",
            Self::Uri => "URI",
            Self::UtcOffset => "UTC-OFFSET",
            Self::Unknown => "UNKNOWN",
        }
    }
}

/// The value type a property has without a `VALUE=` parameter (RFC 5545
/// §3.7–3.8; TEXT for everything else, as for `X-` properties).
pub(super) fn default_type(property: &str) -> ValueType {
    match property {
        "DTSTART" | "DTEND" | "DUE" | "RECURRENCE-ID" | "EXDATE" | "RDATE" | "COMPLETED"
        | "CREATED" | "DTSTAMP" | "LAST-MODIFIED" => ValueType::DateTime,
        "DURATION" | "TRIGGER" => ValueType::Duration,
        "RRULE" | "EXRULE" => ValueType::Recur,
        "ATTENDEE" | "ORGANIZER" => ValueType::CalAddress,
        "URL" | "TZURL" | "ATTACH" => ValueType::Uri,
        "PERCENT-COMPLETE" | "PRIORITY" | "REPEAT" | "SEQUENCE" => ValueType::Integer,
        "TZOFFSETFROM" | "TZOFFSETTO" => ValueType::UtcOffset,
        "FREEBUSY" => ValueType::Period,
        _ => ValueType::Text,
    }
}

/// The iCalendar text of one value element of type `value_type`, or why
/// it cannot be one.
pub(super) fn convert(value_type: ValueType, node: &Node) -> Result<String, String> {
    let raw = node.text.as_str();
    match value_type {
        ValueType::Text => Ok(escape_text(raw)),
        ValueType::Unknown => Ok(unknown(raw)),
        ValueType::Date => date(raw),
        ValueType::DateTime => date_time(raw),
        ValueType::Time => time(raw),
        ValueType::UtcOffset => utc_offset(raw),
        ValueType::Duration => duration(raw),
        ValueType::Integer => integer(raw),
        ValueType::Float => float(raw),
        ValueType::Boolean => boolean(raw),
        ValueType::Uri | ValueType::CalAddress => uri(raw),
        ValueType::Binary => binary(raw),
        ValueType::Period => period(node),
        ValueType::Recur => recur(node),
    }
}

/// RFC 5545 §3.3.11: backslash, semicolon, comma and line breaks escaped.
pub(super) fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {
                // CR LF and a lone CR (only possible as &#13;) are line breaks.
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            _ => out.push(c),
        }
    }
    out
}

/// An `unknown` value is iCalendar value text already; only line breaks
/// (which no iCalendar value can hold) and control characters are taken
/// out, so it stays on its line.
fn unknown(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\t' => out.push(c),
            c if c.is_control() => {}
            _ => out.push(c),
        }
    }
    out
}

/// Shortens a value for quoting in a message.
pub(super) fn excerpt(value: &str) -> String {
    const MAX: usize = 40;
    let value = value.trim();
    let mut out: String = value
        .chars()
        .take(MAX)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if value.chars().nth(MAX).is_some() {
        out.push('…');
    }
    out
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn without(raw: &str, separators: &[char]) -> String {
    raw.trim()
        .chars()
        .filter(|c| !separators.contains(c))
        .collect()
}

fn date(raw: &str) -> Result<String, String> {
    let compact = without(raw, &['-']);
    if compact.len() == 8 && all_digits(&compact) {
        Ok(compact)
    } else {
        Err(format!("“{}” is not a date (YYYY-MM-DD)", excerpt(raw)))
    }
}

fn date_time(raw: &str) -> Result<String, String> {
    let compact = without(raw, &['-', ':']).to_ascii_uppercase();
    let (body, utc) = match compact.strip_suffix('Z') {
        Some(body) => (body, "Z"),
        None => (compact.as_str(), ""),
    };
    match body.split_once('T') {
        Some((day, clock))
            if day.len() == 8 && all_digits(day) && clock.len() == 6 && all_digits(clock) =>
        {
            Ok(format!("{day}T{clock}{utc}"))
        }
        _ => Err(format!(
            "“{}” is not a date and time (YYYY-MM-DDThh:mm:ss, with Z for UTC)",
            excerpt(raw)
        )),
    }
}

fn time(raw: &str) -> Result<String, String> {
    let compact = without(raw, &[':']).to_ascii_uppercase();
    let body = compact.strip_suffix('Z').unwrap_or(&compact);
    if body.len() == 6 && all_digits(body) {
        Ok(compact)
    } else {
        Err(format!("“{}” is not a time (hh:mm:ss)", excerpt(raw)))
    }
}

fn utc_offset(raw: &str) -> Result<String, String> {
    let compact = without(raw, &[':']);
    let digits = compact
        .strip_prefix('+')
        .or_else(|| compact.strip_prefix('-'))
        .unwrap_or_default();
    if (digits.len() == 4 || digits.len() == 6) && all_digits(digits) {
        Ok(compact)
    } else {
        Err(format!("“{}” is not a UTC offset (+hh:mm)", excerpt(raw)))
    }
}

fn duration(raw: &str) -> Result<String, String> {
    let value = raw.trim().to_ascii_uppercase();
    let body = value
        .strip_prefix(['+', '-'])
        .unwrap_or(&value)
        .strip_prefix('P');
    let valid = body.is_some_and(|body| {
        !body.is_empty()
            && body
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, 'W' | 'D' | 'T' | 'H' | 'M' | 'S'))
    });
    if valid {
        Ok(value)
    } else {
        Err(format!(
            "“{}” is not a duration (such as PT1H)",
            excerpt(raw)
        ))
    }
}

fn integer(raw: &str) -> Result<String, String> {
    let value = raw.trim();
    if all_digits(value.strip_prefix(['+', '-']).unwrap_or(value)) {
        Ok(value.to_string())
    } else {
        Err(format!("“{}” is not a whole number", excerpt(raw)))
    }
}

fn float(raw: &str) -> Result<String, String> {
    let value = raw.trim();
    let unsigned = value.strip_prefix(['+', '-']).unwrap_or(value);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if digits(whole) && digits(fraction) && !(whole.is_empty() && fraction.is_empty()) {
        Ok(value.to_string())
    } else {
        Err(format!("“{}” is not a number", excerpt(raw)))
    }
}

fn boolean(raw: &str) -> Result<String, String> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "true" | "1" => Ok("TRUE".to_string()),
        "false" | "0" => Ok("FALSE".to_string()),
        _ => Err(format!("“{}” is not true or false", excerpt(raw))),
    }
}

fn uri(raw: &str) -> Result<String, String> {
    let value = raw.trim();
    if value.chars().any(char::is_control) {
        Err(format!(
            "“{}” is not an address: it holds line breaks or control characters",
            excerpt(raw)
        ))
    } else {
        Ok(value.to_string())
    }
}

fn binary(raw: &str) -> Result<String, String> {
    let value: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    if value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
    {
        Ok(value)
    } else {
        Err("the binary value is not base64".to_string())
    }
}

/// RFC 6321 §3.6.9: `<start>` and `<end>` or `<duration>`.
fn period(node: &Node) -> Result<String, String> {
    let start = node
        .child("start")
        .ok_or_else(|| "the period has no <start>".to_string())?;
    let start = date_time(&start.text)?;
    let finish = match (node.child("end"), node.child("duration")) {
        (Some(end), _) => date_time(&end.text)?,
        (None, Some(length)) => duration(&length.text)?,
        (None, None) => return Err("the period has neither <end> nor <duration>".to_string()),
    };
    Ok(format!("{start}/{finish}"))
}

/// RFC 6321 §3.6.10: one child element per rule part, repeated parts
/// (several `<byday>`) joined into one list. FREQ comes first.
fn recur(node: &Node) -> Result<String, String> {
    let mut parts: Vec<(String, Vec<String>)> = Vec::new();
    for child in node
        .children
        .iter()
        .filter(|c| c.namespace == node.namespace)
    {
        let name = child.name.to_ascii_uppercase();
        if !is_name(&name) {
            return Err(format!("<{}> is not a part of a repeat rule", child.name));
        }
        let value = if name == "UNTIL" {
            if child.text.contains('T') {
                date_time(&child.text)?
            } else {
                date(&child.text)?
            }
        } else {
            let value = child.text.trim().to_ascii_uppercase();
            let plain = !value.is_empty()
                && value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-'));
            if !plain {
                return Err(format!(
                    "“{}” is not a value for {name} in a repeat rule",
                    excerpt(&child.text)
                ));
            }
            value
        };
        match parts.iter_mut().find(|(known, _)| *known == name) {
            Some((_, values)) => values.push(value),
            None => parts.push((name, vec![value])),
        }
    }
    if parts.is_empty() {
        return Err("the repeat rule is empty".to_string());
    }
    parts.sort_by_key(|(name, _)| name != "FREQ");
    Ok(parts
        .iter()
        .map(|(name, values)| format!("{name}={}", values.join(",")))
        .collect::<Vec<_>>()
        .join(";"))
}

/// An iCalendar name: letters, digits and dashes (RFC 5545 §3.1).
pub(super) fn is_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::super::reader::Namespace;
    use super::*;

    fn leaf(name: &str, text: &str) -> Node {
        Node {
            name: name.to_string(),
            namespace: Namespace::XCal,
            line: 1,
            text: text.to_string(),
            children: Vec::new(),
        }
    }

    fn parent(name: &str, children: Vec<Node>) -> Node {
        Node {
            children,
            ..leaf(name, "")
        }
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape_text("a\\b;c,d\ne\r\nf\rg"),
            "a\\\\b\\;c\\,d\\ne\\nf\\ng"
        );
    }

    #[test]
    fn dates_and_times_take_the_icalendar_form() {
        assert_eq!(date(" 2008-10-06 ").unwrap(), "20081006");
        assert_eq!(
            date_time("2008-02-05T19:12:24Z").unwrap(),
            "20080205T191224Z"
        );
        assert_eq!(date_time("2006-01-02T12:00:00").unwrap(), "20060102T120000");
        assert_eq!(time("12:00:00").unwrap(), "120000");
        assert_eq!(utc_offset("-05:00").unwrap(), "-0500");
        assert_eq!(utc_offset("+01:00:30").unwrap(), "+010030");
        assert!(date("2008-1-6").is_err());
        assert!(date_time("2008-02-05T19:12:24+01:00").is_err());
        assert!(date_time("2008-02-05").is_err());
        assert!(utc_offset("05:00").is_err());
    }

    #[test]
    fn shaped_values_are_checked() {
        assert_eq!(duration("-PT15M").unwrap(), "-PT15M");
        assert!(duration("PT1H\nEND:VEVENT").is_err());
        assert!(duration("P").is_err());
        assert_eq!(integer(" 50 ").unwrap(), "50");
        assert!(integer("5;X=1").is_err());
        assert_eq!(float("-122.082932").unwrap(), "-122.082932");
        assert!(float(".").is_err());
        assert_eq!(boolean("true").unwrap(), "TRUE");
        assert!(boolean("yes").is_err());
        assert_eq!(
            uri(" mailto:a@example.com ").unwrap(),
            "mailto:a@example.com"
        );
        assert!(uri("mailto:a@b\nX:1").is_err());
        assert_eq!(binary("SGVs\n  bG8=").unwrap(), "SGVsbG8=");
        assert!(binary("SGVs;bG8").is_err());
        assert_eq!(unknown("a\r\nb\u{1}c"), "a\\nbc");
    }

    #[test]
    fn periods_have_a_start_and_an_end_or_duration() {
        let p = parent(
            "period",
            vec![
                leaf("start", "2006-01-02T15:00:00"),
                leaf("duration", "PT2H"),
            ],
        );
        assert_eq!(period(&p).unwrap(), "20060102T150000/PT2H");
        let p = parent(
            "period",
            vec![
                leaf("start", "2006-01-02T15:00:00Z"),
                leaf("end", "2006-01-02T17:00:00Z"),
            ],
        );
        assert_eq!(period(&p).unwrap(), "20060102T150000Z/20060102T170000Z");
        assert!(
            period(&parent(
                "period",
                vec![leaf("start", "2006-01-02T15:00:00")]
            ))
            .is_err()
        );
    }

    #[test]
    fn recurrence_rules_put_freq_first_and_join_repeated_parts() {
        let rule = parent(
            "recur",
            vec![
                leaf("interval", "2"),
                leaf("freq", "monthly"),
                leaf("byday", "1MO"),
                leaf("byday", "-1FR"),
                leaf("until", "2026-12-31T23:59:59Z"),
            ],
        );
        assert_eq!(
            recur(&rule).unwrap(),
            "FREQ=MONTHLY;INTERVAL=2;BYDAY=1MO,-1FR;UNTIL=20261231T235959Z"
        );
        let bad = parent("recur", vec![leaf("freq", "DAILY;COUNT=1")]);
        assert!(recur(&bad).is_err());
        assert!(recur(&parent("recur", vec![])).is_err());
    }

    #[test]
    fn defaults_follow_rfc_5545() {
        assert_eq!(default_type("DTSTART"), ValueType::DateTime);
        assert_eq!(default_type("TRIGGER"), ValueType::Duration);
        assert_eq!(default_type("ATTENDEE"), ValueType::CalAddress);
        assert_eq!(default_type("X-FOO"), ValueType::Text);
        assert_eq!(
            ValueType::from_element("Date-Time"),
            Some(ValueType::DateTime)
        );
        assert_eq!(ValueType::from_element("start"), None);
    }
}
