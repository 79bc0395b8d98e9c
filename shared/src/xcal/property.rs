//! One xCal property (RFC 6321 §3.4–3.6) as one iCalendar content line.
//!
//! The property's element name becomes the property name, its
//! `<parameters>` the parameters, and its value elements the value, with a
//! `VALUE=` parameter where the type is not the property's default
//! (§3.5.1). `<geo>` and `<request-status>`, whose values are structured,
//! are handled by their child elements. Whatever cannot be carried over is
//! left out with a warning naming its line.

use super::content_line::{ContentLine, param_value};
use super::node::Node;
use super::notes::Notes;
use super::reader::Namespace;
use super::value::{self, ValueType, default_type, escape_text, excerpt, is_name};

/// The content line for `node`, or `None` (with a warning) when nothing
/// of it can be carried over.
pub(super) fn content_line(node: &Node, notes: &mut Notes) -> Option<String> {
    let name = node.name.to_ascii_uppercase();
    if !is_name(&name) {
        notes.warn(
            node.line,
            format!(
                "<{}> is not a property name iCalendar can hold; it was left out",
                node.name
            ),
        );
        return None;
    }
    if name == "BEGIN" || name == "END" {
        notes.warn(
            node.line,
            format!(
                "<{}> cannot be a property (components are elements of their own); it was left out",
                node.name
            ),
        );
        return None;
    }
    for child in &node.children {
        if child.namespace != Namespace::XCal {
            notes.warn(
                child.line,
                format!(
                    "<{}> inside <{}> is not xCal (it is from another XML namespace); it was ignored",
                    child.name, node.name
                ),
            );
        }
    }

    let (value_type, value) = property_value(node, &name, notes)?;
    let mut line = ContentLine::new(&name);
    let mut has_encoding = false;
    if let Some(parameters) = node.child("parameters") {
        for parameter in &parameters.children {
            if let Some((param_name, values)) = parameter_of(parameter, &node.name, notes) {
                has_encoding |= param_name == "ENCODING";
                line.param(&param_name, &values);
            }
        }
    }
    if let Some(value_type) = value_type
        && value_type != ValueType::Unknown
        && value_type != default_type(&name)
    {
        line.param("VALUE", &[value_type.ical_name().to_string()]);
        if value_type == ValueType::Binary && !has_encoding {
            line.param("ENCODING", &["BASE64".to_string()]);
        }
    }
    let finished = line.finish(&value);
    if finished.is_none() {
        notes.warn(
            node.line,
            format!("{name} cannot be written as one iCalendar line; it was left out"),
        );
    }
    finished
}

/// The value of a property: its type (`None` for the structured values of
/// GEO and REQUEST-STATUS) and its iCalendar text.
fn property_value(
    node: &Node,
    name: &str,
    notes: &mut Notes,
) -> Option<(Option<ValueType>, String)> {
    if node.child("latitude").is_some() || node.child("longitude").is_some() {
        return structured(node, name, &["latitude", "longitude"], notes);
    }
    if node.child("code").is_some() {
        return structured(node, name, &["code", "description", "data"], notes);
    }

    let mut values: Vec<(ValueType, &Node)> = Vec::new();
    for child in node
        .children
        .iter()
        .filter(|child| child.namespace == Namespace::XCal && !child.is("parameters"))
    {
        match ValueType::from_element(&child.name) {
            Some(value_type) => values.push((value_type, child)),
            None => notes.warn(
                child.line,
                format!(
                    "<{}> inside <{}> is not an xCal value type; it was ignored",
                    child.name, node.name
                ),
            ),
        }
    }
    let Some(&(value_type, _)) = values.first() else {
        if node.has_text() {
            notes.warn(
                node.line,
                format!(
                    "<{}> holds its value directly, without a value element such as <text>; it was read as text",
                    node.name
                ),
            );
            return Some((Some(ValueType::Text), escape_text(&node.text)));
        }
        notes.warn(
            node.line,
            format!("<{}> has no value; it was left out", node.name),
        );
        return None;
    };

    let mut texts = Vec::new();
    for (i, (this_type, child)) in values.iter().enumerate() {
        if *this_type != value_type {
            notes.warn(
                child.line,
                format!(
                    "{name} mixes value types (<{}> after <{}>); this value was left out",
                    child.name,
                    value_type.ical_name().to_ascii_lowercase()
                ),
            );
            continue;
        }
        if value_type == ValueType::Recur && i > 0 {
            notes.warn(
                child.line,
                format!("{name} has more than one repeat rule; only the first was kept"),
            );
            continue;
        }
        match value::convert(value_type, child) {
            Ok(text) => texts.push(text),
            Err(reason) => notes.warn(
                child.line,
                format!("{name}: {reason}; the value was left out"),
            ),
        }
    }
    if texts.is_empty() {
        return None;
    }
    Some((Some(value_type), texts.join(",")))
}

/// GEO (`latitude;longitude`) and REQUEST-STATUS (`code;description;data`).
fn structured(
    node: &Node,
    name: &str,
    parts: &[&str],
    notes: &mut Notes,
) -> Option<(Option<ValueType>, String)> {
    let mut texts = Vec::new();
    for part in parts {
        let Some(child) = node.child(part) else {
            continue;
        };
        let text = if name == "GEO" {
            match value::convert(ValueType::Float, child) {
                Ok(text) => text,
                Err(reason) => {
                    notes.warn(child.line, format!("{name}: {reason}; it was left out"));
                    return None;
                }
            }
        } else {
            escape_text(&child.text)
        };
        texts.push(text);
    }
    if name == "GEO" && texts.len() != 2 {
        notes.warn(
            node.line,
            "GEO needs both <latitude> and <longitude>; it was left out",
        );
        return None;
    }
    Some((None, texts.join(";")))
}

/// A parameter element as its iCalendar name and values.
fn parameter_of(
    parameter: &Node,
    property: &str,
    notes: &mut Notes,
) -> Option<(String, Vec<String>)> {
    if parameter.namespace != Namespace::XCal {
        notes.warn(
            parameter.line,
            format!(
                "<{}> in the parameters of <{property}> is not xCal (it is from another XML namespace); it was ignored",
                parameter.name
            ),
        );
        return None;
    }
    let name = parameter.name.to_ascii_uppercase();
    if !is_name(&name) {
        notes.warn(
            parameter.line,
            format!(
                "<{}> is not a parameter name iCalendar can hold; it was left out",
                parameter.name
            ),
        );
        return None;
    }
    // The value type comes from the value elements (RFC 6321 §3.5.1).
    if name == "VALUE" {
        return None;
    }
    let mut values = Vec::new();
    for child in parameter
        .children
        .iter()
        .filter(|child| child.namespace == Namespace::XCal)
    {
        let text = match ValueType::from_element(&child.name) {
            Some(ValueType::Text | ValueType::Unknown) => child.text.clone(),
            Some(value_type) => match value::convert(value_type, child) {
                Ok(text) => text,
                Err(reason) => {
                    notes.warn(
                        child.line,
                        format!("{name} of <{property}>: {reason}; the value was left out"),
                    );
                    continue;
                }
            },
            None => {
                notes.warn(
                    child.line,
                    format!(
                        "<{}> inside <{}> is not an xCal value type; it was ignored",
                        child.name, parameter.name
                    ),
                );
                continue;
            }
        };
        values.push(text);
    }
    if values.is_empty() && parameter.children.is_empty() && parameter.has_text() {
        notes.warn(
            parameter.line,
            format!(
                "<{}> holds its value directly, without a value element such as <text>; it was read as text",
                parameter.name
            ),
        );
        values.push(parameter.text.clone());
    }
    if values.is_empty() {
        notes.warn(
            parameter.line,
            format!("{name} of <{property}> has no value; it was left out"),
        );
        return None;
    }
    let mut changed = false;
    let values = values
        .iter()
        .map(|raw| {
            let (value, this_changed) = param_value(raw);
            changed |= this_changed;
            value
        })
        .collect();
    if changed {
        notes.warn(
            parameter.line,
            format!(
                "{name} of <{property}> holds double quotes, line breaks or control characters, which iCalendar parameters cannot; they were replaced (“{}”)",
                excerpt(&parameter_text(parameter))
            ),
        );
    }
    Some((name, values))
}

fn parameter_text(parameter: &Node) -> String {
    parameter
        .children
        .iter()
        .map(|child| child.text.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(name: &str, text: &str, children: Vec<Node>) -> Node {
        Node {
            name: name.to_string(),
            namespace: Namespace::XCal,
            line: 7,
            text: text.to_string(),
            children,
        }
    }

    fn leaf(name: &str, text: &str) -> Node {
        node(name, text, Vec::new())
    }

    fn line_of(property: &Node) -> (Option<String>, Vec<String>) {
        let mut notes = Notes::new(100);
        let line = content_line(property, &mut notes);
        (line, notes.kept.into_iter().map(|w| w.message).collect())
    }

    #[test]
    fn attendee_with_parameters() {
        let attendee = node(
            "attendee",
            "",
            vec![
                node(
                    "parameters",
                    "",
                    vec![
                        node("cn", "", vec![leaf("text", "Doe, Jane")]),
                        node("partstat", "", vec![leaf("text", "ACCEPTED")]),
                        node("rsvp", "", vec![leaf("boolean", "true")]),
                    ],
                ),
                leaf("cal-address", "mailto:jane@example.com"),
            ],
        );
        assert_eq!(
            line_of(&attendee),
            (
                Some(
                    "ATTENDEE;CN=\"Doe, Jane\";PARTSTAT=ACCEPTED;RSVP=TRUE:mailto:jane@example.com"
                        .to_string()
                ),
                vec![]
            )
        );
    }

    #[test]
    fn value_parameter_only_when_not_the_default() {
        let start = node("dtstart", "", vec![leaf("date", "2008-10-06")]);
        assert_eq!(line_of(&start).0.unwrap(), "DTSTART;VALUE=DATE:20081006");
        let start = node(
            "dtstart",
            "",
            vec![leaf("date-time", "2008-10-06T10:00:00Z")],
        );
        assert_eq!(line_of(&start).0.unwrap(), "DTSTART:20081006T100000Z");
        let x = node("x-thing", "", vec![leaf("unknown", "20110512T120000Z")]);
        assert_eq!(line_of(&x).0.unwrap(), "X-THING:20110512T120000Z");
        let attach = node("attach", "", vec![leaf("binary", "SGVsbG8=")]);
        assert_eq!(
            line_of(&attach).0.unwrap(),
            "ATTACH;VALUE=BINARY;ENCODING=BASE64:SGVsbG8="
        );
    }

    #[test]
    fn lists_and_structured_values() {
        let categories = node(
            "categories",
            "",
            vec![leaf("text", "a,b"), leaf("text", "c;d")],
        );
        assert_eq!(line_of(&categories).0.unwrap(), "CATEGORIES:a\\,b,c\\;d");
        let geo = node(
            "geo",
            "",
            vec![
                leaf("latitude", "37.386013"),
                leaf("longitude", "-122.082932"),
            ],
        );
        assert_eq!(line_of(&geo).0.unwrap(), "GEO:37.386013;-122.082932");
        let status = node(
            "request-status",
            "",
            vec![leaf("code", "2.0"), leaf("description", "Success")],
        );
        assert_eq!(line_of(&status).0.unwrap(), "REQUEST-STATUS:2.0;Success");
    }

    #[test]
    fn problems_are_left_out_with_a_warning() {
        let (line, notes) = line_of(&node("begin", "", vec![leaf("text", "VEVENT")]));
        assert_eq!(line, None);
        assert!(notes[0].contains("cannot be a property"), "{notes:?}");

        let (line, notes) = line_of(&node("dtstart", "", vec![leaf("date", "soon")]));
        assert_eq!(line, None);
        assert!(notes[0].contains("“soon” is not a date"), "{notes:?}");

        let (line, notes) = line_of(&node("tzid", "US/Eastern", vec![]));
        assert_eq!(line.unwrap(), "TZID:US/Eastern");
        assert!(notes[0].contains("without a value element"), "{notes:?}");

        let (line, notes) = line_of(&node("summary", "  ", vec![]));
        assert_eq!(line, None);
        assert!(notes[0].contains("has no value"), "{notes:?}");

        let exdate = node(
            "exdate",
            "",
            vec![
                leaf("date-time", "2026-01-01T10:00:00"),
                leaf("date", "2026-01-02"),
            ],
        );
        let (line, notes) = line_of(&exdate);
        assert_eq!(line.unwrap(), "EXDATE:20260101T100000");
        assert!(notes[0].contains("mixes value types"), "{notes:?}");
    }

    #[test]
    fn parameter_values_with_quotes_are_changed_and_noted() {
        let organizer = node(
            "organizer",
            "",
            vec![
                node(
                    "parameters",
                    "",
                    vec![node("cn", "", vec![leaf("text", "Bob \"B\"")])],
                ),
                leaf("cal-address", "mailto:bob@example.com"),
            ],
        );
        let (line, notes) = line_of(&organizer);
        assert_eq!(line.unwrap(), "ORGANIZER;CN=Bob 'B':mailto:bob@example.com");
        assert!(notes[0].contains("double quotes"), "{notes:?}");
    }
}
