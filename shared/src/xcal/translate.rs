//! Walks the structure of an xCal document (RFC 6321 §3.2–3.4) and writes
//! the equivalent iCalendar text.
//!
//! `<icalendar>` holds `<vcalendar>` elements; every component holds
//! `<properties>` and `<components>`. Components become `BEGIN:`/`END:`
//! lines, properties become content lines (see [`super::property`]).
//! Anything else is left out with a warning naming its line; only broken
//! XML and exceeded limits stop the reading.

use super::node::read_node;
use super::notes::Notes;
use super::output::IcsOutput;
use super::property::content_line;
use super::reader::{Element, Namespace, XCAL_NAMESPACE, XmlEvent, XmlReader};
use super::value::{excerpt, is_name};
use crate::inspect::InspectError;
use crate::limits::ParseLimits;

/// The result of translating an xCal document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Translation {
    pub ics: IcsOutput,
    pub notes: Notes,
    /// Number of `<vcalendar>` elements.
    pub calendars: usize,
    /// Line of the `<icalendar>` root.
    pub root_line: usize,
}

/// What a `<components>` element belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Parent {
    /// A `<vcalendar>`: its events and tasks are the file's items.
    Calendar,
    /// Any other component (alarms, time zone rules).
    Component,
}

/// Translates the xCal document `text` into iCalendar text.
pub(super) fn translate(text: &str, limits: &ParseLimits) -> Result<Translation, InspectError> {
    let mut translator = Translator {
        reader: XmlReader::new(text),
        limits,
        ics: IcsOutput::default(),
        notes: Notes::new(limits.max_warnings),
        calendars: 0,
        items: 0,
    };
    let root_line = translator.document()?;
    Ok(Translation {
        ics: translator.ics,
        notes: translator.notes,
        calendars: translator.calendars,
        root_line,
    })
}

struct Translator<'a, 'l> {
    reader: XmlReader<'a>,
    limits: &'l ParseLimits,
    ics: IcsOutput,
    notes: Notes,
    calendars: usize,
    items: usize,
}

impl Translator<'_, '_> {
    /// The whole document; returns the line of its root.
    fn document(&mut self) -> Result<usize, InspectError> {
        let root = loop {
            match self.reader.next()? {
                XmlEvent::Open(element) => break element,
                XmlEvent::Text { text, line } if !text.trim().is_empty() => {
                    return Err(InspectError::Malformed {
                        line,
                        reason: format!(
                            "expected the <icalendar> element of an xCal file, but found text (“{}”).",
                            excerpt(&text)
                        ),
                    });
                }
                XmlEvent::Text { .. } => {}
                XmlEvent::Close { line } => return Err(unexpected(line)),
                XmlEvent::End => return Err(unexpected(self.reader.last_line())),
            }
        };
        self.check_root(&root)?;
        loop {
            match self.reader.next()? {
                XmlEvent::Open(element) if element.is("vcalendar") => {
                    self.component(element, None)?;
                }
                XmlEvent::Open(element) => {
                    self.notes.warn(
                        element.line,
                        format!(
                            "<{}> is not part of xCal here (<icalendar> holds <vcalendar> elements); it was ignored",
                            element.name
                        ),
                    );
                    self.reader.skip_element()?;
                }
                XmlEvent::Text { text, line } => self.stray_text(&text, line),
                XmlEvent::Close { .. } => break,
                XmlEvent::End => return Err(unexpected(self.reader.last_line())),
            }
        }
        loop {
            match self.reader.next()? {
                XmlEvent::Text { text, line } if !text.trim().is_empty() => {
                    return Err(InspectError::Malformed {
                        line,
                        reason: format!(
                            "text (“{}”) follows the end of the <icalendar> element; an XML file ends with its root element.",
                            excerpt(&text)
                        ),
                    });
                }
                XmlEvent::End => return Ok(root.line),
                _ => {}
            }
        }
    }

    /// Accepts `<icalendar>` in the xCal namespace, and (with a warning)
    /// without any namespace.
    fn check_root(&mut self, root: &Element) -> Result<(), InspectError> {
        if root.is("icalendar") {
            return Ok(());
        }
        let named_icalendar = root.name.eq_ignore_ascii_case("icalendar");
        match &root.namespace {
            Namespace::None if named_icalendar => {
                self.notes.warn(
                    root.line,
                    format!(
                        "<icalendar> does not declare the xCal namespace (xmlns=\"{XCAL_NAMESPACE}\"); it was read as xCal anyway"
                    ),
                );
                self.reader.read_unbound_as_xcal();
                Ok(())
            }
            Namespace::Other(namespace) if named_icalendar => Err(InspectError::Malformed {
                line: root.line,
                reason: format!(
                    "the root element <icalendar> is in the namespace “{namespace}”, not xCal's {XCAL_NAMESPACE}; this is not an xCal (RFC 6321) calendar file."
                ),
            }),
            _ => Err(InspectError::Malformed {
                line: root.line,
                reason: format!(
                    "the XML root element is <{}>, not <icalendar>; this is not an xCal (RFC 6321) calendar file.",
                    root.name
                ),
            }),
        }
    }

    /// A component and everything in it. `parent` is `None` for a
    /// `<vcalendar>` directly in `<icalendar>`.
    fn component(&mut self, element: Element, parent: Option<Parent>) -> Result<(), InspectError> {
        let name = element.name.to_ascii_uppercase();
        let misplaced_calendar = name == "VCALENDAR" && parent.is_some();
        if !is_name(&name) || misplaced_calendar {
            let why = if misplaced_calendar {
                "a <vcalendar> cannot be inside another component"
            } else {
                "its name is not one iCalendar can hold"
            };
            self.notes.warn(
                element.line,
                format!("<{}> was left out: {why}", element.name),
            );
            self.reader.skip_element()?;
            return Ok(());
        }
        if parent == Some(Parent::Calendar) && matches!(name.as_str(), "VEVENT" | "VTODO") {
            if self.items == self.limits.max_items {
                return Err(InspectError::TooManyItems {
                    limit: self.limits.max_items,
                });
            }
            self.items += 1;
        }
        if name == "VCALENDAR" {
            self.calendars += 1;
        }
        self.ics.push(&format!("BEGIN:{name}"), element.line);
        let children_parent = if name == "VCALENDAR" {
            Parent::Calendar
        } else {
            Parent::Component
        };
        loop {
            match self.reader.next()? {
                XmlEvent::Open(child) if child.is("properties") => self.properties()?,
                XmlEvent::Open(child) if child.is("components") => {
                    self.components(children_parent)?;
                }
                XmlEvent::Open(child) => {
                    self.notes.warn(
                        child.line,
                        format!(
                            "<{}> inside <{}> is not part of xCal (a component holds <properties> and <components>); it was ignored",
                            child.name, element.name
                        ),
                    );
                    self.reader.skip_element()?;
                }
                XmlEvent::Text { text, line } => self.stray_text(&text, line),
                XmlEvent::Close { line } => {
                    self.ics.push(&format!("END:{name}"), line);
                    return Ok(());
                }
                XmlEvent::End => return Err(unexpected(self.reader.last_line())),
            }
        }
    }

    /// The children of a `<components>` element.
    fn components(&mut self, parent: Parent) -> Result<(), InspectError> {
        self.xcal_children(|me, child| me.component(child, Some(parent)))
    }

    /// The children of a `<properties>` element.
    fn properties(&mut self) -> Result<(), InspectError> {
        self.xcal_children(Self::property)
    }

    /// One property: a single iCalendar content line.
    fn property(&mut self, element: Element) -> Result<(), InspectError> {
        let max = self.limits.max_line_bytes;
        let node = read_node(&mut self.reader, element, max)?;
        if let Some(line) = content_line(&node, &mut self.notes) {
            if line.len() > max {
                return Err(InspectError::LineTooLong {
                    line: node.line,
                    limit: max,
                });
            }
            self.ics.push(&line, node.line);
        }
        Ok(())
    }

    /// Reads the children of the element just opened up to its end: xCal
    /// ones go to `on_child`, others are noted and skipped, as is stray
    /// text.
    fn xcal_children(
        &mut self,
        mut on_child: impl FnMut(&mut Self, Element) -> Result<(), InspectError>,
    ) -> Result<(), InspectError> {
        loop {
            match self.reader.next()? {
                XmlEvent::Open(child) if child.namespace == Namespace::XCal => {
                    on_child(self, child)?;
                }
                XmlEvent::Open(child) => {
                    self.foreign(&child);
                    self.reader.skip_element()?;
                }
                XmlEvent::Text { text, line } => self.stray_text(&text, line),
                XmlEvent::Close { .. } => return Ok(()),
                XmlEvent::End => return Err(unexpected(self.reader.last_line())),
            }
        }
    }

    /// Notes an element from another namespace (an extension Ferry does
    /// not carry over).
    fn foreign(&mut self, element: &Element) {
        let whose = match &element.namespace {
            Namespace::Other(namespace) => format!("the namespace “{namespace}”"),
            _ => "no namespace".to_string(),
        };
        self.notes.warn(
            element.line,
            format!(
                "<{}> is not xCal (it is in {whose}); it was ignored",
                element.name
            ),
        );
    }

    /// Notes text found between structural elements, unless it is blank.
    fn stray_text(&mut self, text: &str, line: usize) {
        if !text.trim().is_empty() {
            self.notes.warn(
                line,
                format!(
                    "the text “{}” is not inside any property; it was ignored",
                    excerpt(text)
                ),
            );
        }
    }
}

/// For events the reader's own checks rule out.
fn unexpected(line: usize) -> InspectError {
    InspectError::Malformed {
        line,
        reason: "the XML structure ends unexpectedly here.".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NS: &str = "xmlns=\"urn:ietf:params:xml:ns:icalendar-2.0\"";

    fn ics(xml: &str) -> (String, Vec<String>) {
        let translation = translate(xml, &ParseLimits::default()).expect("translates");
        let notes = translation
            .notes
            .kept
            .iter()
            .map(ToString::to_string)
            .collect();
        (translation.ics.text, notes)
    }

    #[test]
    fn components_and_properties_become_lines() {
        let xml = format!(
            "<icalendar {NS}>\n<vcalendar><properties><version><text>2.0</text></version></properties>\n<components><vevent><properties>\n<summary><text>Hi</text></summary></properties>\n<components><valarm><properties><action><text>DISPLAY</text></action></properties></valarm></components>\n</vevent></components></vcalendar></icalendar>"
        );
        let (text, notes) = ics(&xml);
        assert_eq!(
            text,
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSUMMARY:Hi\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        );
        assert!(notes.is_empty(), "{notes:?}");
    }

    #[test]
    fn stray_content_is_noted_and_left_out() {
        let xml = format!(
            "<icalendar {NS} xmlns:x=\"urn:x\">\n<vcalendar>\nstray\n<x:ext/>\n<components><vcalendar/><x:thing/>\n</components></vcalendar><vevent/></icalendar>"
        );
        let (text, notes) = ics(&xml);
        assert_eq!(text, "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n");
        assert_eq!(
            notes,
            [
                "Line 2: the text “stray” is not inside any property; it was ignored",
                "Line 4: <ext> inside <vcalendar> is not part of xCal (a component holds <properties> and <components>); it was ignored",
                "Line 5: <vcalendar> was left out: a <vcalendar> cannot be inside another component",
                "Line 5: <thing> is not xCal (it is in the namespace “urn:x”); it was ignored",
                "Line 6: <vevent> is not part of xCal here (<icalendar> holds <vcalendar> elements); it was ignored",
            ]
        );
    }

    #[test]
    fn a_root_without_namespace_is_read_with_a_warning() {
        let (text, notes) = ics("<icalendar><vcalendar/></icalendar>");
        assert_eq!(text, "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n");
        assert!(
            notes[0].contains("does not declare the xCal namespace"),
            "{notes:?}"
        );
    }

    #[test]
    fn other_roots_are_not_xcal() {
        let err =
            translate("<?xml version=\"1.0\"?>\n<html/>", &ParseLimits::default()).unwrap_err();
        assert_eq!(err.line(), Some(2));
        assert!(err.to_string().contains("root element is <html>"), "{err}");
        let err =
            translate("<icalendar xmlns=\"urn:other\"/>", &ParseLimits::default()).unwrap_err();
        assert!(err.to_string().contains("“urn:other”"), "{err}");
        let err = translate("hello", &ParseLimits::default()).unwrap_err();
        assert!(err.to_string().contains("found text (“hello”)"), "{err}");
    }

    #[test]
    fn items_are_counted_against_the_limit() {
        let limits = ParseLimits {
            max_items: 2,
            ..ParseLimits::default()
        };
        let events = "<vevent/><vtodo/><vjournal/>";
        let xml = format!(
            "<icalendar {NS}><vcalendar><components>{events}</components></vcalendar></icalendar>"
        );
        assert!(translate(&xml, &limits).is_ok());
        let xml = format!(
            "<icalendar {NS}><vcalendar><components>{events}<vevent/></components></vcalendar></icalendar>"
        );
        assert_eq!(
            translate(&xml, &limits).unwrap_err(),
            InspectError::TooManyItems { limit: 2 }
        );
    }
}
