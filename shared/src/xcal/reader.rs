//! The XML layer of the xCal reader: quick-xml's streaming reader, made
//! safe and plain-spoken.
//!
//! [`XmlReader`] turns the text of a file into a few simple events
//! (an element opens, closes, or carries text), each with its 1-based line.
//! It refuses what Ferry never reads (a DOCTYPE or entity declarations),
//! resolves the five predefined entities and numeric character references
//! itself (any other reference is an error), refuses absurd nesting, and
//! says in plain words — with the line — where XML is broken.

use crate::inspect::InspectError;
use quick_xml::events::{BytesRef, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;
use std::borrow::Cow;

/// The xCal namespace (RFC 6321 §7.1).
pub(super) const XCAL_NAMESPACE: &str = "urn:ietf:params:xml:ns:icalendar-2.0";

/// Deepest element nesting accepted. Real xCal needs about ten levels
/// (`icalendar/vcalendar/components/vtimezone/components/daylight/
/// properties/rrule/recur/freq`).
pub(super) const MAX_DEPTH: usize = 64;

/// Why Ferry refuses a DOCTYPE, in the user's words.
pub(super) const DOCTYPE_REFUSED: &str = "This XML file declares a DOCTYPE or entities, which Ferry refuses for safety (they can expand to huge or external content).";

/// The namespace an element is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Namespace {
    /// `urn:ietf:params:xml:ns:icalendar-2.0`.
    XCal,
    /// No namespace at all (no default namespace declared).
    None,
    /// Any other namespace.
    Other(String),
}

/// An opening tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Element {
    /// Local name (without prefix), as written.
    pub name: String,
    pub namespace: Namespace,
    pub line: usize,
}

impl Element {
    /// True for an element of the xCal namespace called `name` (compared
    /// without regard to ASCII case).
    pub fn is(&self, name: &str) -> bool {
        self.namespace == Namespace::XCal && self.name.eq_ignore_ascii_case(name)
    }
}

/// What the reader gives the translator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum XmlEvent<'a> {
    Open(Element),
    /// The closing tag of the innermost open element.
    Close {
        line: usize,
    },
    /// Character data: text, CDATA or a resolved reference.
    Text {
        text: Cow<'a, str>,
        line: usize,
    },
    /// End of the file, with every element closed.
    End,
}

/// Counts lines up to a byte position, moving forward incrementally.
struct LineCounter<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            pos: 0,
            line: 1,
        }
    }

    /// 1-based line of byte `pos` (clamped to the text).
    fn line_at(&mut self, pos: usize) -> usize {
        let pos = pos.min(self.text.len());
        if pos < self.pos {
            self.pos = 0;
            self.line = 1;
        }
        let newlines = self
            .text
            .as_bytes()
            .get(self.pos..pos)
            .unwrap_or_default()
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.line += newlines;
        self.pos = pos;
        self.line
    }
}

/// Streaming XML reader for xCal.
pub(super) struct XmlReader<'a> {
    text: &'a str,
    xml: NsReader<&'a [u8]>,
    lines: LineCounter<'a>,
    /// Open elements: local name and line.
    open: Vec<(String, usize)>,
    /// The document's root element has been closed.
    root_closed: bool,
    /// Elements without a namespace count as xCal (for files whose
    /// `<icalendar>` root forgot the namespace declaration).
    unbound_is_xcal: bool,
    /// An empty element (`<a/>`) was opened; its close comes next, on
    /// this line.
    pending_close: Option<usize>,
}

impl<'a> XmlReader<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut xml = NsReader::from_str(text);
        let config = xml.config_mut();
        config.expand_empty_elements = true;
        config.check_end_names = true;
        config.trim_text(false);
        Self {
            text,
            xml,
            lines: LineCounter::new(text),
            open: Vec::new(),
            root_closed: false,
            unbound_is_xcal: false,
            pending_close: None,
        }
    }

    /// From now on, elements without a namespace count as xCal.
    pub fn read_unbound_as_xcal(&mut self) {
        self.unbound_is_xcal = true;
    }

    /// Line of the end of the file.
    pub fn last_line(&mut self) -> usize {
        self.lines.line_at(self.text.len())
    }

    /// The next event. Comments, processing instructions and the XML
    /// declaration are passed over.
    pub fn next(&mut self) -> Result<XmlEvent<'a>, InspectError> {
        if let Some(line) = self.pending_close.take() {
            return Ok(self.close(line));
        }
        loop {
            let start = position(self.xml.buffer_position());
            let (namespace, event) = match self.xml.read_resolved_event() {
                Ok((resolved, event)) => (namespace_of(&resolved), event),
                Err(error) => return Err(self.xml_error(&error)),
            };
            let line = self.lines.line_at(start);
            match event {
                Event::Start(ref tag) | Event::Empty(ref tag) => {
                    let name = String::from_utf8_lossy(tag.local_name().as_ref()).into_owned();
                    let namespace = match namespace {
                        Ok(Namespace::None) if self.unbound_is_xcal => Namespace::XCal,
                        Ok(namespace) => namespace,
                        Err(prefix) => {
                            return Err(InspectError::Malformed {
                                line,
                                reason: format!(
                                    "the prefix “{prefix}:” of the element <{prefix}:{name}> is not declared (no xmlns:{prefix}=\"…\")."
                                ),
                            });
                        }
                    };
                    if self.root_closed && self.open.is_empty() {
                        return Err(InspectError::Malformed {
                            line,
                            reason: format!(
                                "a second top-level element <{name}> follows the end of the first; an XML file has exactly one root element."
                            ),
                        });
                    }
                    if self.open.len() >= MAX_DEPTH {
                        return Err(InspectError::Malformed {
                            line,
                            reason: format!(
                                "elements are nested more than {MAX_DEPTH} deep here; xCal needs about ten levels, so this is not a calendar Ferry can read."
                            ),
                        });
                    }
                    self.open.push((name.clone(), line));
                    if matches!(event, Event::Empty(_)) {
                        self.pending_close = Some(line);
                    }
                    return Ok(XmlEvent::Open(Element {
                        name,
                        namespace,
                        line,
                    }));
                }
                Event::End(_) => return Ok(self.close(line)),
                Event::Text(text) => {
                    let text = text.xml10_content().map_err(|_| self.not_utf8(line))?;
                    return Ok(XmlEvent::Text { text, line });
                }
                Event::CData(data) => {
                    let text = data.xml10_content().map_err(|_| self.not_utf8(line))?;
                    return Ok(XmlEvent::Text { text, line });
                }
                Event::GeneralRef(reference) => {
                    let text = Cow::Owned(resolve_reference(&reference, line)?.to_string());
                    return Ok(XmlEvent::Text { text, line });
                }
                Event::DocType(_) => {
                    return Err(InspectError::Refused {
                        reason: DOCTYPE_REFUSED.to_string(),
                    });
                }
                Event::Eof => {
                    if let Some((name, opened)) = self.open.last() {
                        let (name, opened) = (name.clone(), *opened);
                        return Err(InspectError::Malformed {
                            line: self.last_line(),
                            reason: format!(
                                "the file ends before <{name}> (opened on line {opened}) is closed; it looks cut off."
                            ),
                        });
                    }
                    if !self.root_closed {
                        return Err(InspectError::Malformed {
                            line: self.last_line(),
                            reason: "the file has no XML element at all; an xCal file starts with <icalendar>.".to_string(),
                        });
                    }
                    return Ok(XmlEvent::End);
                }
                Event::Comment(_) | Event::PI(_) | Event::Decl(_) => continue,
            }
        }
    }

    fn close(&mut self, line: usize) -> XmlEvent<'a> {
        self.open.pop();
        if self.open.is_empty() {
            self.root_closed = true;
        }
        XmlEvent::Close { line }
    }

    /// Reads up to and including the closing tag of the element whose
    /// opening tag was the last event.
    pub fn skip_element(&mut self) -> Result<(), InspectError> {
        let depth = self.open.len();
        loop {
            match self.next()? {
                XmlEvent::Close { .. } if self.open.len() < depth => return Ok(()),
                XmlEvent::End => {
                    return Err(InspectError::Malformed {
                        line: self.last_line(),
                        reason: "the file ends inside an element; it looks cut off.".to_string(),
                    });
                }
                _ => {}
            }
        }
    }

    fn not_utf8(&self, line: usize) -> InspectError {
        InspectError::Malformed {
            line,
            reason: "this text cannot be decoded.".to_string(),
        }
    }

    /// A quick-xml error in plain words, with its line.
    fn xml_error(&mut self, error: &quick_xml::Error) -> InspectError {
        use quick_xml::errors::{IllFormedError, SyntaxError};
        let at = position(self.xml.error_position());
        let line = self.lines.line_at(at);
        let here = self.text.get(at..).unwrap_or_default();
        let starts_with = |prefix: &str| {
            here.get(..prefix.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
        };
        let reason = match error {
            quick_xml::Error::Syntax(SyntaxError::UnclosedDoctype)
            | quick_xml::Error::IllFormed(IllFormedError::MissingDoctypeName) => {
                return InspectError::Refused {
                    reason: DOCTYPE_REFUSED.to_string(),
                };
            }
            quick_xml::Error::Syntax(SyntaxError::InvalidBangMarkup)
                if starts_with("<!ENTITY") || starts_with("<!DOCTYPE") =>
            {
                return InspectError::Refused {
                    reason: DOCTYPE_REFUSED.to_string(),
                };
            }
            quick_xml::Error::Syntax(SyntaxError::InvalidBangMarkup) => {
                "this “<!” starts neither a comment (<!-- -->) nor a CDATA section (<![CDATA[ ]]>).".to_string()
            }
            quick_xml::Error::Syntax(SyntaxError::UnclosedTag) => {
                "a tag is not closed with “>” before the file ends; it looks cut off.".to_string()
            }
            quick_xml::Error::Syntax(SyntaxError::UnclosedComment) => {
                "a comment (<!--) is not closed with “-->” before the file ends.".to_string()
            }
            quick_xml::Error::Syntax(SyntaxError::UnclosedCData) => {
                "a CDATA section is not closed with “]]>” before the file ends.".to_string()
            }
            quick_xml::Error::Syntax(SyntaxError::UnclosedPIOrXmlDecl) => {
                "a “<?” instruction is not closed with “?>” before the file ends.".to_string()
            }
            quick_xml::Error::IllFormed(IllFormedError::MismatchedEndTag { expected, found }) => {
                format!(
                    "the closing tag </{found}> does not match the open element <{expected}>."
                )
            }
            quick_xml::Error::IllFormed(IllFormedError::UnmatchedEndTag(found)) => {
                format!("the closing tag </{found}> has no opening tag.")
            }
            quick_xml::Error::IllFormed(IllFormedError::UnclosedReference) => {
                "an “&” is not followed by a reference ending in “;” (a literal & must be written &amp;).".to_string()
            }
            quick_xml::Error::IllFormed(IllFormedError::MissingDeclVersion(_)) => {
                "the XML declaration (<?xml …?>) must start with a version.".to_string()
            }
            other => format!("the XML is broken here ({other})."),
        };
        InspectError::Malformed { line, reason }
    }
}

fn position(offset: u64) -> usize {
    usize::try_from(offset).unwrap_or(usize::MAX)
}

/// The namespace of a resolved element, or the undeclared prefix.
fn namespace_of(resolved: &ResolveResult<'_>) -> Result<Namespace, String> {
    match resolved {
        ResolveResult::Bound(namespace) if namespace.as_ref() == XCAL_NAMESPACE.as_bytes() => {
            Ok(Namespace::XCal)
        }
        ResolveResult::Bound(namespace) => Ok(Namespace::Other(
            String::from_utf8_lossy(namespace.as_ref()).into_owned(),
        )),
        ResolveResult::Unbound => Ok(Namespace::None),
        ResolveResult::Unknown(prefix) => Err(String::from_utf8_lossy(prefix).into_owned()),
    }
}

/// The character of `&name;`: one of the five predefined entities or a
/// numeric character reference. Anything else is an error, since Ferry
/// reads no entity declarations.
fn resolve_reference(reference: &BytesRef<'_>, line: usize) -> Result<char, InspectError> {
    let name = String::from_utf8_lossy(reference.as_ref()).into_owned();
    let predefined = match name.as_str() {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => None,
    };
    if let Some(c) = predefined {
        return Ok(c);
    }
    if reference.is_char_ref() {
        return match reference.resolve_char_ref() {
            Ok(Some(c)) => Ok(c),
            _ => Err(InspectError::Malformed {
                line,
                reason: format!("“&{name};” is not a valid character reference."),
            }),
        };
    }
    Err(InspectError::Malformed {
        line,
        reason: format!(
            "“&{name};” refers to an entity that is not defined; only &amp; &lt; &gt; &quot; &apos; and numeric references such as &#233; are allowed."
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(text: &str) -> Result<Vec<XmlEvent<'_>>, InspectError> {
        let mut reader = XmlReader::new(text);
        let mut out = Vec::new();
        loop {
            let event = reader.next()?;
            if event == XmlEvent::End {
                return Ok(out);
            }
            out.push(event);
        }
    }

    #[test]
    fn elements_and_text_carry_their_lines() {
        let xml = "<?xml version=\"1.0\"?>\n<icalendar xmlns=\"urn:ietf:params:xml:ns:icalendar-2.0\">\n<text>a &amp; b&#x0a;c</text></icalendar>\n";
        let got = events(xml).unwrap();
        let Some(XmlEvent::Open(root)) = got.iter().find(|e| matches!(e, XmlEvent::Open(_))) else {
            panic!("{got:?}")
        };
        assert_eq!(root.line, 2);
        assert!(root.is("icalendar"));
        let text: String = got
            .iter()
            .filter_map(|e| match e {
                XmlEvent::Text { text, line: 3 } => Some(text.as_ref()),
                _ => None,
            })
            .collect();
        // The text of <text>, then the line break after </icalendar>.
        assert_eq!(text, "a & b\nc\n");
    }

    #[test]
    fn other_namespaces_and_no_namespace_are_told_apart() {
        let got = events("<a xmlns:x=\"urn:x\"><x:b/><c/></a>").unwrap();
        let names: Vec<_> = got
            .iter()
            .filter_map(|e| match e {
                XmlEvent::Open(el) => Some((el.name.as_str(), el.namespace.clone())),
                _ => None,
            })
            .collect();
        assert_eq!(
            names,
            [
                ("a", Namespace::None),
                ("b", Namespace::Other("urn:x".into())),
                ("c", Namespace::None)
            ]
        );
    }

    #[test]
    fn doctype_and_entities_are_refused() {
        for xml in [
            "<!DOCTYPE icalendar><icalendar/>",
            "<!DOCTYPE x [<!ENTITY a \"b\">]><x>&a;</x>",
            "<x><!ENTITY a \"b\"></x>",
        ] {
            assert!(
                matches!(events(xml), Err(InspectError::Refused { .. })),
                "{xml}"
            );
        }
    }

    #[test]
    fn unknown_entity_is_malformed_with_its_line() {
        let err = events("<x>\n&nbsp;</x>").unwrap_err();
        assert_eq!(err.line(), Some(2));
        assert!(err.to_string().contains("&nbsp;"), "{err}");
    }

    #[test]
    fn broken_xml_names_the_line() {
        let err = events("<a>\n<b>\n</c></a>").unwrap_err();
        assert_eq!(err.line(), Some(3));
        assert!(err.to_string().contains("</c>"), "{err}");

        let err = events("<a>\n<b>\n").unwrap_err();
        assert_eq!(err.line(), Some(3));
        assert!(err.to_string().contains("<b> (opened on line 2)"), "{err}");

        let err = events("<a/><b/>").unwrap_err();
        assert!(err.to_string().contains("second top-level"), "{err}");

        let err = events("<a><x:b/></a>").unwrap_err();
        assert!(err.to_string().contains("“x:”"), "{err}");
    }

    #[test]
    fn absurd_nesting_is_refused() {
        let xml = "<a>".repeat(MAX_DEPTH + 1);
        let err = events(&xml).unwrap_err();
        assert_eq!(err.code(), "malformed_file");
        assert!(err.to_string().contains("nested more than 64"), "{err}");
    }

    #[test]
    fn line_counter_moves_both_ways() {
        let mut lines = LineCounter::new("a\nb\nc");
        assert_eq!(lines.line_at(4), 3);
        assert_eq!(lines.line_at(2), 2);
        assert_eq!(lines.line_at(99), 3);
    }
}
