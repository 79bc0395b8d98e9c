//! EWS responses read: per-item outcomes of CreateItem (and DeleteItem,
//! UpdateItem), FindItem results, ResolveNames results, SOAP faults and
//! `ErrorServerBusy` with its back-off.
//!
//! The response is first read into a small element tree with quick-xml
//! (names without their namespace prefixes); a DOCTYPE, and with it any
//! entity but XML's five, is refused, and the depth is limited.

use super::{EwsError, ItemId};
use crate::convert::decode_source_key;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// Deepest element nesting read; EWS answers need about a dozen.
pub const MAX_DEPTH: usize = 64;

/// An element: local name, attributes (local names), children, text.
#[derive(Debug, Default)]
pub(super) struct Node {
    pub(super) name: String,
    attributes: Vec<(String, String)>,
    pub(super) children: Vec<Node>,
    pub(super) text: String,
}

impl Node {
    pub(super) fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub(super) fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    pub(super) fn child_text(&self, name: &str) -> Option<String> {
        self.child(name).map(|c| c.text.trim().to_string())
    }

    /// Every descendant named `name`, in document order (not inside
    /// each other).
    fn find_all<'n>(&'n self, name: &str, found: &mut Vec<&'n Node>) {
        for child in &self.children {
            if child.name == name {
                found.push(child);
            } else {
                child.find_all(name, found);
            }
        }
    }

    pub(super) fn find(&self, name: &str) -> Option<&Node> {
        let mut found = Vec::new();
        self.find_all(name, &mut found);
        found.into_iter().next()
    }
}

fn malformed(err: impl std::fmt::Display) -> EwsError {
    EwsError::MalformedXml(err.to_string())
}

fn local(name: &[u8]) -> String {
    let name = String::from_utf8_lossy(name);
    match name.split_once(':') {
        Some((_, local)) => local.to_string(),
        None => name.into_owned(),
    }
}

fn node(start: &BytesStart<'_>) -> Result<Node, EwsError> {
    let mut attributes = Vec::new();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(malformed)?;
        let value = attribute.unescape_value().map_err(malformed)?;
        attributes.push((local(attribute.key.as_ref()), value.into_owned()));
    }
    Ok(Node {
        name: local(start.name().as_ref()),
        attributes,
        ..Node::default()
    })
}

/// Reads `xml` into its root element.
pub(super) fn parse(xml: &str) -> Result<Node, EwsError> {
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<Node> = Vec::new();
    let mut root = None;
    loop {
        match reader.read_event().map_err(malformed)? {
            Event::DocType(_) => return Err(EwsError::Refused("the response declares a DOCTYPE")),
            Event::Start(start) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(EwsError::Refused("the response nests elements too deeply"));
                }
                stack.push(node(&start)?);
            }
            Event::Empty(start) => {
                let element = node(&start)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => root = Some(element),
                }
            }
            Event::End(_) => {
                let element = stack.pop().ok_or_else(|| malformed("unbalanced end tag"))?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => root = Some(element),
                }
            }
            Event::Text(text) => {
                if let Some(current) = stack.last_mut() {
                    current.text.push_str(&text.decode().map_err(malformed)?);
                }
            }
            Event::CData(data) => {
                if let Some(current) = stack.last_mut() {
                    current.text.push_str(&data.decode().map_err(malformed)?);
                }
            }
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref().map_err(malformed)? {
                    Some(c) => c,
                    None => match reference.decode().map_err(malformed)?.as_ref() {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        _ => {
                            return Err(EwsError::Refused(
                                "the response uses an entity XML does not define",
                            ));
                        }
                    },
                };
                if let Some(current) = stack.last_mut() {
                    current.text.push(resolved);
                }
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err(malformed("the response ends inside an element"));
    }
    root.ok_or_else(|| malformed("the response is empty"))
}

/// The `soap:Body` of a response; a SOAP fault becomes its error.
pub(super) fn body(xml: &str) -> Result<Node, EwsError> {
    let root = parse(xml)?;
    if root.name != "Envelope" {
        return Err(EwsError::Unexpected(format!(
            "the root element is {}, not a SOAP Envelope",
            root.name
        )));
    }
    let body = root
        .children
        .into_iter()
        .find(|c| c.name == "Body")
        .ok_or_else(|| EwsError::Unexpected("the envelope has no Body".into()))?;
    if let Some(fault) = body.child("Fault") {
        return Err(fault_error(fault));
    }
    Ok(body)
}

fn fault_error(fault: &Node) -> EwsError {
    let detail_code = fault
        .find("ResponseCode")
        .map(|n| n.text.trim().to_string());
    let code = detail_code
        .or_else(|| fault.child_text("faultcode"))
        .unwrap_or_default();
    if code == "ErrorServerBusy" {
        return EwsError::ServerBusy {
            back_off_ms: back_off(fault),
        };
    }
    EwsError::Fault {
        message: fault
            .find("Message")
            .map(|n| n.text.trim().to_string())
            .or_else(|| fault.child_text("faultstring"))
            .unwrap_or_default(),
        code,
    }
}

/// `BackOffMilliseconds` from a `MessageXml` (or fault detail).
fn back_off(node: &Node) -> Option<u64> {
    let mut values = Vec::new();
    node.find_all("Value", &mut values);
    values
        .into_iter()
        .find(|v| v.attribute("Name") == Some("BackOffMilliseconds"))
        .and_then(|v| v.text.trim().parse().ok())
}

/// How a response message ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseClass {
    Success,
    Warning,
    Error,
}

/// The outcome of one item of a CreateItem, DeleteItem or UpdateItem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemOutcome {
    pub class: ResponseClass,
    /// `NoError`, `ErrorServerBusy`, `ErrorInvalidPropertyValue`, …
    pub code: String,
    pub message_text: Option<String>,
    /// For `ErrorServerBusy`: how long to wait before trying again.
    pub back_off_ms: Option<u64>,
    /// The created (or updated) item's ID.
    pub item_id: Option<ItemId>,
}

impl ItemOutcome {
    pub fn is_success(&self) -> bool {
        self.class == ResponseClass::Success
    }
}

pub(super) fn response_messages(body: &Node) -> Result<Vec<&Node>, EwsError> {
    let messages = body
        .find("ResponseMessages")
        .ok_or_else(|| EwsError::Unexpected("the response has no ResponseMessages".into()))?;
    Ok(messages.children.iter().collect())
}

fn item_id(node: &Node) -> Option<ItemId> {
    let id = node.find("ItemId")?;
    Some(ItemId {
        id: id.attribute("Id")?.to_string(),
        change_key: id.attribute("ChangeKey").map(str::to_string),
    })
}

fn outcome(message: &Node) -> Result<ItemOutcome, EwsError> {
    let class = match message.attribute("ResponseClass") {
        Some("Success") => ResponseClass::Success,
        Some("Warning") => ResponseClass::Warning,
        Some("Error") => ResponseClass::Error,
        other => {
            return Err(EwsError::Unexpected(format!(
                "{} has ResponseClass {other:?}",
                message.name
            )));
        }
    };
    Ok(ItemOutcome {
        class,
        code: message.child_text("ResponseCode").unwrap_or_default(),
        message_text: message.child_text("MessageText"),
        back_off_ms: message.child("MessageXml").and_then(back_off),
        item_id: message.child("Items").and_then(item_id),
    })
}

/// The outcome of every item of a CreateItem response, in the order of
/// the request's items (some may fail while others succeed).
pub fn read_create_item_response(xml: &str) -> Result<Vec<ItemOutcome>, EwsError> {
    read_item_outcomes(xml)
}

/// The outcomes of any item operation's response (CreateItem,
/// DeleteItem, UpdateItem), in request order.
pub fn read_item_outcomes(xml: &str) -> Result<Vec<ItemOutcome>, EwsError> {
    let body = body(xml)?;
    response_messages(&body)?.into_iter().map(outcome).collect()
}

/// The first message's error of a one-message response, as an error.
pub(super) fn whole_request_error(message: &Node) -> Result<(), EwsError> {
    let outcome = outcome(message)?;
    if outcome.class != ResponseClass::Error {
        return Ok(());
    }
    if outcome.code == "ErrorServerBusy" {
        return Err(EwsError::ServerBusy {
            back_off_ms: outcome.back_off_ms,
        });
    }
    Err(EwsError::Response {
        code: outcome.code,
        message: outcome.message_text.unwrap_or_default(),
    })
}

/// One item a FindItem found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundItem {
    pub id: ItemId,
    /// `Single`, `Occurrence`, `Exception` or `RecurringMaster` (calendar).
    pub calendar_item_type: Option<String>,
    /// As the server wrote them (UTC, `…Z`).
    pub start: Option<String>,
    pub end: Option<String>,
    pub original_start: Option<String>,
    /// Ferry's source key, decoded, when the item has one.
    pub source_key: Option<String>,
}

/// Ferry's source key of an item element, decoded, when it has one.
pub(super) fn source_key_of(item: &Node) -> Option<String> {
    item.children
        .iter()
        .filter(|c| c.name == "ExtendedProperty")
        .find(|p| {
            p.child("ExtendedFieldURI")
                .and_then(|f| f.attribute("PropertyName"))
                == Some(crate::convert::SOURCE_PROPERTY_NAME)
        })
        .and_then(|p| p.child_text("Value"))
        .map(|v| decode_source_key(&v))
}

/// The items of a FindItem response (by source key or calendar view).
pub fn read_find_item_response(xml: &str) -> Result<Vec<FoundItem>, EwsError> {
    read_found_items(&body(xml)?)
}

/// The items listed in the FindItem messages of `body`.
pub(super) fn read_found_items(body: &Node) -> Result<Vec<FoundItem>, EwsError> {
    let mut found = Vec::new();
    for message in response_messages(body)? {
        whole_request_error(message)?;
        let Some(items) = message
            .child("RootFolder")
            .and_then(|root| root.child("Items"))
        else {
            continue;
        };
        for item in &items.children {
            let Some(id) = item_id(item) else { continue };
            let source_key = source_key_of(item);
            found.push(FoundItem {
                id,
                calendar_item_type: item.child_text("CalendarItemType"),
                start: item.child_text("Start"),
                end: item.child_text("End"),
                original_start: item.child_text("OriginalStart"),
                source_key,
            });
        }
    }
    Ok(found)
}

/// One mailbox a ResolveNames found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedName {
    pub name: Option<String>,
    pub email: Option<String>,
    pub routing_type: Option<String>,
    /// `Mailbox`, `PublicDL`, `Contact`, …
    pub mailbox_type: Option<String>,
}

/// The mailboxes a ResolveNames response found; none when the server
/// found no match (`ErrorNameResolutionNoResults`). Several matches come
/// with a warning class and are all returned.
pub fn read_resolve_names_response(xml: &str) -> Result<Vec<ResolvedName>, EwsError> {
    let body = body(xml)?;
    let mut names = Vec::new();
    for message in response_messages(&body)? {
        if message.child_text("ResponseCode").as_deref() == Some("ErrorNameResolutionNoResults") {
            continue;
        }
        whole_request_error(message)?;
        let mut resolutions = Vec::new();
        message.find_all("Resolution", &mut resolutions);
        for resolution in resolutions {
            let Some(mailbox) = resolution.child("Mailbox") else {
                continue;
            };
            names.push(ResolvedName {
                name: mailbox.child_text("Name"),
                email: mailbox.child_text("EmailAddress"),
                routing_type: mailbox.child_text("RoutingType"),
                mailbox_type: mailbox.child_text("MailboxType"),
            });
        }
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_xml_is_refused() {
        let doctype = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e \"boom\">]><x>&e;</x>";
        assert!(matches!(parse(doctype), Err(EwsError::Refused(_))));
        assert!(matches!(parse("<x>&e;</x>"), Err(EwsError::Refused(_))));
        assert!(matches!(
            parse("<x><y></x>"),
            Err(EwsError::MalformedXml(_))
        ));
        let deep = "<a>".repeat(MAX_DEPTH + 1);
        assert!(matches!(parse(&deep), Err(EwsError::Refused(_))));
        assert!(matches!(body("<x/>"), Err(EwsError::Unexpected(_))));
    }

    #[test]
    fn text_and_references_are_read() {
        let root = parse("<a:x xmlns:a=\"u\" k=\"1 &amp; 2\">Tom &amp; &#74;erry</a:x>").unwrap();
        assert_eq!(root.name, "x");
        assert_eq!(root.attribute("k"), Some("1 & 2"));
        assert_eq!(root.text, "Tom & Jerry");
    }
}
