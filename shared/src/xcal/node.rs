//! One xCal property as a small tree, read in full before it is turned
//! into an iCalendar content line.
//!
//! Properties are small (a name, a few parameters, one or more values), so
//! holding one at a time is cheap, and it frees the conversion from the
//! order in which a writer put parameters and values. The size of the tree
//! is bounded by [`crate::ParseLimits::max_line_bytes`].

use super::reader::{Element, Namespace, XmlEvent, XmlReader};
use crate::inspect::InspectError;

/// What an element costs against the size budget beyond its name and
/// text, so that a flood of empty elements is bounded too.
const ELEMENT_COST: usize = 16;

/// An element with its text and child elements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Node {
    pub name: String,
    pub namespace: Namespace,
    pub line: usize,
    /// All character data directly inside the element, joined.
    pub text: String,
    pub children: Vec<Node>,
}

impl Node {
    fn new(element: Element) -> Self {
        Self {
            name: element.name,
            namespace: element.namespace,
            line: element.line,
            text: String::new(),
            children: Vec::new(),
        }
    }

    /// True for an element of the xCal namespace called `name`.
    pub fn is(&self, name: &str) -> bool {
        self.namespace == Namespace::XCal && self.name.eq_ignore_ascii_case(name)
    }

    /// The first xCal child called `name`.
    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|child| child.is(name))
    }

    /// True when the element holds text other than whitespace.
    pub fn has_text(&self) -> bool {
        !self.text.trim().is_empty()
    }
}

/// Reads the element `open` (whose opening tag was the last event) up to
/// its closing tag. Fails with [`InspectError::LineTooLong`], naming the
/// element's line, once its names and text exceed `max_bytes`.
pub(super) fn read_node(
    reader: &mut XmlReader<'_>,
    open: Element,
    max_bytes: usize,
) -> Result<Node, InspectError> {
    let line = open.line;
    let mut spent = open.name.len() + ELEMENT_COST;
    let mut stack = vec![Node::new(open)];
    let over_budget = |spent: usize| -> Result<(), InspectError> {
        if spent > max_bytes {
            Err(InspectError::LineTooLong {
                line,
                limit: max_bytes,
            })
        } else {
            Ok(())
        }
    };
    over_budget(spent)?;
    loop {
        match reader.next()? {
            XmlEvent::Open(element) => {
                spent = spent.saturating_add(element.name.len() + ELEMENT_COST);
                over_budget(spent)?;
                stack.push(Node::new(element));
            }
            XmlEvent::Text { text, .. } => {
                spent = spent.saturating_add(text.len());
                over_budget(spent)?;
                if let Some(node) = stack.last_mut() {
                    node.text.push_str(&text);
                }
            }
            XmlEvent::Close { .. } => {
                let Some(done) = stack.pop() else {
                    // Unreachable: the reader closes only what was opened.
                    return Err(InspectError::Malformed {
                        line,
                        reason: "an element closes that was never opened.".to_string(),
                    });
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => return Ok(done),
                }
            }
            XmlEvent::End => {
                // Unreachable: the reader reports a cut-off file itself.
                return Err(InspectError::Malformed {
                    line,
                    reason: "the file ends inside this element.".to_string(),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_child_of_root(xml: &str, max_bytes: usize) -> Result<Node, InspectError> {
        let mut reader = XmlReader::new(xml);
        let XmlEvent::Open(_root) = reader.next()? else {
            panic!("no root")
        };
        loop {
            if let XmlEvent::Open(element) = reader.next()? {
                return read_node(&mut reader, element, max_bytes);
            }
        }
    }

    const NS: &str = "xmlns=\"urn:ietf:params:xml:ns:icalendar-2.0\"";

    #[test]
    fn reads_a_property_tree() {
        let xml = format!(
            "<r {NS}>\n<summary>\n <parameters><language><text>en</text></language></parameters>\n <text>Hi &amp; bye</text>\n</summary></r>"
        );
        let node = first_child_of_root(&xml, 1000).unwrap();
        assert!(node.is("summary"));
        assert_eq!(node.line, 2);
        assert_eq!(node.child("text").unwrap().text, "Hi & bye");
        assert_eq!(node.child("text").unwrap().line, 4);
        let language = node.child("parameters").unwrap().child("language").unwrap();
        assert_eq!(language.child("text").unwrap().text, "en");
    }

    #[test]
    fn a_property_over_the_budget_fails_with_its_line() {
        let xml = format!(
            "<r {NS}>\n\n<attach><binary>{}</binary></attach></r>",
            "A".repeat(200)
        );
        let err = first_child_of_root(&xml, 100).unwrap_err();
        assert_eq!(
            err,
            InspectError::LineTooLong {
                line: 3,
                limit: 100
            }
        );

        let xml = format!("<r {NS}><x>{}</x></r>", "<a/>".repeat(50));
        let err = first_child_of_root(&xml, 200).unwrap_err();
        assert_eq!(err.code(), "line_too_long");
    }
}
