//! Request bodies. Every value (a display name, a component name) goes in
//! as escaped text or an attribute through quick-xml's writer.

use crate::caldav::xml::names::{PREFIXES, Property};
use crate::error::{Error, Result};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use std::io;

/// `<D:propfind><D:prop>…</D:prop></D:propfind>` asking for `properties`.
pub fn propfind(properties: &[Property]) -> Result<Vec<u8>> {
    document("D:propfind", |w| {
        w.create_element("D:prop").write_inner_content(|w| {
            for property in properties {
                w.create_element(property.qualified_name()).write_empty()?;
            }
            Ok(())
        })?;
        Ok(())
    })
}

/// `MKCALENDAR` body (RFC 4791 §5.3.1): a display name and the component
/// kinds the calendar will hold (`VEVENT`, `VTODO`, …).
pub fn mkcalendar(display_name: &str, components: &[String]) -> Result<Vec<u8>> {
    document("C:mkcalendar", |w| {
        set_properties(w, |w| {
            display_name_element(w, display_name)?;
            w.create_element("C:supported-calendar-component-set")
                .write_inner_content(|w| {
                    for component in components {
                        w.create_element("C:comp")
                            .with_attribute(("name", component.as_str()))
                            .write_empty()?;
                    }
                    Ok(())
                })?;
            Ok(())
        })
    })
}

/// Extended `MKCOL` body (RFC 5689) making an address book (RFC 6352
/// §6.3.1): resource type collection + addressbook, and a display name.
pub fn mkcol_addressbook(display_name: &str) -> Result<Vec<u8>> {
    document("D:mkcol", |w| {
        set_properties(w, |w| {
            w.create_element("D:resourcetype")
                .write_inner_content(|w| {
                    w.create_element("D:collection").write_empty()?;
                    w.create_element("CR:addressbook").write_empty()?;
                    Ok(())
                })?;
            display_name_element(w, display_name)
        })
    })
}

type XmlWriter = Writer<Vec<u8>>;

fn document(root: &str, content: impl FnOnce(&mut XmlWriter) -> io::Result<()>) -> Result<Vec<u8>> {
    let mut writer = Writer::new(Vec::new());
    writer
        .write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))
        .map_err(write_error)?;
    writer
        .create_element(root)
        .with_attributes(PREFIXES)
        .write_inner_content(content)
        .map_err(write_error)?;
    Ok(writer.into_inner())
}

fn set_properties(
    w: &mut XmlWriter,
    properties: impl FnOnce(&mut XmlWriter) -> io::Result<()>,
) -> io::Result<()> {
    w.create_element("D:set").write_inner_content(|w| {
        w.create_element("D:prop").write_inner_content(properties)?;
        Ok(())
    })?;
    Ok(())
}

fn display_name_element(w: &mut XmlWriter, display_name: &str) -> io::Result<()> {
    w.create_element("D:displayname")
        .write_text_content(BytesText::new(display_name))?;
    Ok(())
}

fn write_error(err: io::Error) -> Error {
    Error::InvalidRequest(format!("XML body: {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: Vec<u8>) -> String {
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn propfind_lists_the_properties_with_declared_prefixes() {
        let body =
            text(propfind(&[Property::CurrentUserPrincipal, Property::CalendarHomeSet]).unwrap());
        assert_eq!(
            body,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\
             <D:propfind xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\" \
             xmlns:CR=\"urn:ietf:params:xml:ns:carddav\"><D:prop>\
             <D:current-user-principal/><C:calendar-home-set/></D:prop></D:propfind>"
        );
    }

    #[test]
    fn display_names_are_escaped() {
        let body = text(mkcalendar("Tom & <Jerry> \"x\"", &["VEVENT".into()]).unwrap());
        assert!(
            body.contains("<D:displayname>Tom &amp; &lt;Jerry&gt; &quot;x&quot;</D:displayname>"),
            "{body}"
        );
        assert!(body.contains("<C:comp name=\"VEVENT\"/>"));
        let body = text(mkcol_addressbook("a</D:displayname><evil/>").unwrap());
        assert!(!body.contains("<evil/>"), "{body}");
        assert!(body.contains("<D:resourcetype><D:collection/><CR:addressbook/></D:resourcetype>"));
    }

    #[test]
    fn component_names_are_escaped_as_attributes() {
        let body = text(mkcalendar("x", &["V\"><a".into()]).unwrap());
        assert!(body.contains("name=\"V&quot;&gt;&lt;a\""), "{body}");
    }
}
