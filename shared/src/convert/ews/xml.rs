//! The SOAP 1.1 envelope of every request, its header (server version,
//! impersonation), and text made
//! safe for XML 1.0. Everything is written through quick-xml's `Writer`,
//! which escapes text and attribute values.

use super::{EwsError, EwsSettings};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use std::borrow::Cow;
use std::io;

pub const SOAP_NS: &str = "http://schemas.xmlsoap.org/soap/envelope/";
pub const TYPES_NS: &str = "http://schemas.microsoft.com/exchange/services/2006/types";
pub const MESSAGES_NS: &str = "http://schemas.microsoft.com/exchange/services/2006/messages";

/// The writer requests are written with.
pub type XmlWriter = Writer<Vec<u8>>;

/// `text` without the characters XML 1.0 cannot hold (most control
/// characters), each replaced by U+FFFD.
pub fn xml_safe(text: &str) -> Cow<'_, str> {
    if text.chars().all(xml_allowed) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| if xml_allowed(c) { c } else { '\u{FFFD}' })
            .collect(),
    )
}

/// Whether XML 1.0 can hold `c` (its `Char` production).
pub(crate) fn xml_allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Writes `<name>text</name>`.
pub fn text_element(writer: &mut XmlWriter, name: &str, text: &str) -> io::Result<()> {
    writer
        .create_element(name)
        .write_text_content(BytesText::new(&xml_safe(text)))?;
    Ok(())
}

/// Writes `<name>text</name>` when there is a text.
pub fn optional_element(writer: &mut XmlWriter, name: &str, text: Option<&str>) -> io::Result<()> {
    match text {
        Some(text) => text_element(writer, name, text),
        None => Ok(()),
    }
}

/// A whole request: the envelope, its header and `body` inside
/// `soap:Body`.
pub fn envelope(
    settings: &EwsSettings,
    body: impl FnOnce(&mut XmlWriter) -> io::Result<()>,
) -> Result<String, EwsError> {
    let namespaces = [("xmlns:t", TYPES_NS), ("xmlns:m", MESSAGES_NS)];
    soap_document(
        &namespaces,
        |w| {
            w.create_element("t:RequestServerVersion")
                .with_attribute(("Version", xml_safe(&settings.server_version).as_ref()))
                .write_empty()?;
            if let Some(address) = &settings.impersonate {
                w.create_element("t:ExchangeImpersonation")
                    .write_inner_content(|w| {
                        w.create_element("t:ConnectingSID")
                            .write_inner_content(|w| {
                                text_element(w, "t:PrimarySmtpAddress", address)
                            })?;
                        Ok(())
                    })?;
            }
            Ok(())
        },
        body,
    )
}

/// A SOAP 1.1 document: the XML declaration, `soap:Envelope` declaring
/// `soap` and `namespaces` (attribute name, URI), `header` inside
/// `soap:Header` and `body` inside `soap:Body`.
pub fn soap_document(
    namespaces: &[(&str, &str)],
    header: impl FnOnce(&mut XmlWriter) -> io::Result<()>,
    body: impl FnOnce(&mut XmlWriter) -> io::Result<()>,
) -> Result<String, EwsError> {
    document(|w| {
        w.create_element("soap:Envelope")
            .with_attribute(("xmlns:soap", SOAP_NS))
            .with_attributes(namespaces.iter().copied())
            .write_inner_content(|w| {
                w.create_element("soap:Header")
                    .write_inner_content(header)?;
                w.create_element("soap:Body").write_inner_content(body)?;
                Ok(())
            })?;
        Ok(())
    })
}

/// A whole XML document: the declaration, then what `write` writes.
pub fn document(write: impl FnOnce(&mut XmlWriter) -> io::Result<()>) -> Result<String, EwsError> {
    let mut writer = Writer::new(Vec::new());
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
    write(&mut writer)?;
    String::from_utf8(writer.into_inner())
        .map_err(|err| EwsError::Write(io::Error::new(io::ErrorKind::InvalidData, err)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_made_safe() {
        assert_eq!(xml_safe("fine\ttext"), "fine\ttext");
        assert_eq!(xml_safe("bell\u{7}"), "bell\u{FFFD}");
    }

    #[test]
    fn user_text_is_escaped() {
        let xml = envelope(&EwsSettings::default(), |w| {
            text_element(w, "t:Subject", "<b>Tom & \"Jerry\"</b>")
        })
        .unwrap();
        assert!(
            xml.contains("<t:Subject>&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;</t:Subject>"),
            "{xml}"
        );
        assert!(xml.contains(r#"<t:RequestServerVersion Version="Exchange2013_SP1"/>"#));
    }
}
