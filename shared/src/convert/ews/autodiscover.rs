//! SOAP Autodiscover: the `GetUserSettings` request asking for a
//! mailbox's EWS URLs (`ExternalEwsUrl`, `InternalEwsUrl`), written with
//! quick-xml's writer, and its answer read (in the shape of Microsoft's
//! published `GetUserSettingsResponseMessage`): the settings, a redirect
//! (`RedirectAddress` or `RedirectUrl` with its `RedirectTarget`) or an
//! error code (`InvalidUser`, …). The answer is read with the same
//! limits as every EWS answer (no DOCTYPE, no entity, bounded depth).

use super::EwsError;
use super::responses::body;
use super::xml::{XmlWriter, soap_document, text_element};
use std::io;

/// The Autodiscover namespace.
pub const AUTODISCOVER_NS: &str = "http://schemas.microsoft.com/exchange/2010/Autodiscover";
/// WS-Addressing, for the `Action` and `To` headers.
pub const ADDRESSING_NS: &str = "http://www.w3.org/2005/08/addressing";
const ACTION: &str =
    "http://schemas.microsoft.com/exchange/2010/Autodiscover/Autodiscover/GetUserSettings";

/// The settings asked for, in the order asked.
pub const REQUESTED_SETTINGS: [&str; 2] = ["ExternalEwsUrl", "InternalEwsUrl"];

/// What an Autodiscover server answered about one mailbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserSettingsAnswer {
    /// The settings (`NoError`).
    Settings {
        external_ews_url: Option<String>,
        internal_ews_url: Option<String>,
    },
    /// Ask again for this address (`RedirectAddress`).
    RedirectAddress(String),
    /// Ask this Autodiscover URL (`RedirectUrl`).
    RedirectUrl(String),
    /// Any other error code, with the server's message.
    Error { code: String, message: String },
}

/// The `GetUserSettings` request for `mailbox`, sent to `to` (the URL,
/// repeated in the `wsa:To` header).
pub fn get_user_settings(mailbox: &str, to: &str) -> Result<String, EwsError> {
    let namespaces = [("xmlns:a", AUTODISCOVER_NS), ("xmlns:wsa", ADDRESSING_NS)];
    soap_document(
        &namespaces,
        |w| {
            text_element(w, "a:RequestedServerVersion", "Exchange2013")?;
            text_element(w, "wsa:Action", ACTION)?;
            text_element(w, "wsa:To", to)
        },
        |w| request_body(w, mailbox),
    )
}

fn request_body(w: &mut XmlWriter, mailbox: &str) -> io::Result<()> {
    w.create_element("a:GetUserSettingsRequestMessage")
        .write_inner_content(|w| {
            w.create_element("a:Request")
                .write_inner_content(|w| {
                    w.create_element("a:Users")
                        .write_inner_content(|w| user(w, mailbox))?;
                    w.create_element("a:RequestedSettings")
                        .write_inner_content(|w| {
                            REQUESTED_SETTINGS
                                .iter()
                                .try_for_each(|setting| text_element(w, "a:Setting", setting))
                        })
                        .map(drop)
                })
                .map(drop)
        })
        .map(drop)
}

fn user(w: &mut XmlWriter, mailbox: &str) -> io::Result<()> {
    w.create_element("a:User")
        .write_inner_content(|w| text_element(w, "a:Mailbox", mailbox))
        .map(drop)
}

/// The answer to a `GetUserSettings` request (its first user).
pub fn read_get_user_settings(xml: &str) -> Result<UserSettingsAnswer, EwsError> {
    let body = body(xml)?;
    let response = body
        .find("GetUserSettingsResponseMessage")
        .and_then(|m| m.child("Response"))
        .ok_or_else(|| EwsError::Unexpected("the answer is no GetUserSettings response".into()))?;
    let error = |node: &super::responses::Node| {
        let code = node.child_text("ErrorCode").unwrap_or_default();
        let message = node.child_text("ErrorMessage").unwrap_or_default();
        (code, message)
    };
    let (code, message) = error(response);
    if !code.is_empty() && code != "NoError" {
        return Ok(UserSettingsAnswer::Error { code, message });
    }
    let user = response
        .child("UserResponses")
        .and_then(|users| users.child("UserResponse"))
        .ok_or_else(|| EwsError::Unexpected("the answer has no UserResponse".into()))?;
    let (code, message) = error(user);
    let target = || user.child_text("RedirectTarget").unwrap_or_default();
    Ok(match code.as_str() {
        "NoError" | "" => {
            let setting = |name: &str| {
                user.child("UserSettings")?
                    .children
                    .iter()
                    .find(|s| s.child_text("Name").as_deref() == Some(name))
                    .and_then(|s| s.child_text("Value"))
                    .filter(|v| !v.is_empty())
            };
            UserSettingsAnswer::Settings {
                external_ews_url: setting("ExternalEwsUrl"),
                internal_ews_url: setting("InternalEwsUrl"),
            }
        }
        "RedirectAddress" => UserSettingsAnswer::RedirectAddress(target()),
        "RedirectUrl" => UserSettingsAnswer::RedirectUrl(target()),
        _ => UserSettingsAnswer::Error { code, message },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(user: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:a="http://www.w3.org/2005/08/addressing"><s:Header><a:Action s:mustUnderstand="1">http://schemas.microsoft.com/exchange/2010/Autodiscover/Autodiscover/GetUserSettingsResponse</a:Action></s:Header><s:Body><GetUserSettingsResponseMessage xmlns="http://schemas.microsoft.com/exchange/2010/Autodiscover"><Response xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><ErrorCode>NoError</ErrorCode><ErrorMessage/><UserResponses><UserResponse>{user}</UserResponse></UserResponses></Response></GetUserSettingsResponseMessage></s:Body></s:Envelope>"#
        )
    }

    #[test]
    fn the_request_names_the_mailbox_and_the_settings() {
        let xml = get_user_settings("a&b@x.test", "https://x.test/autodiscover/autodiscover.svc")
            .unwrap();
        assert!(
            xml.contains("<a:Mailbox>a&amp;b@x.test</a:Mailbox>"),
            "{xml}"
        );
        assert!(xml.contains(
            "<a:Setting>ExternalEwsUrl</a:Setting><a:Setting>InternalEwsUrl</a:Setting>"
        ));
        assert!(xml.contains("<wsa:To>https://x.test/autodiscover/autodiscover.svc</wsa:To>"));
    }

    #[test]
    fn settings_redirects_and_errors_are_read() {
        let settings = answer(
            r#"<ErrorCode>NoError</ErrorCode><ErrorMessage>No error.</ErrorMessage><RedirectTarget i:nil="true"/><UserSettingErrors/><UserSettings><UserSetting i:type="StringSetting"><Name>InternalEwsUrl</Name><Value>https://in/EWS/Exchange.asmx</Value></UserSetting><UserSetting i:type="StringSetting"><Name>ExternalEwsUrl</Name><Value>https://out/EWS/Exchange.asmx</Value></UserSetting></UserSettings>"#,
        );
        assert_eq!(
            read_get_user_settings(&settings).unwrap(),
            UserSettingsAnswer::Settings {
                external_ews_url: Some("https://out/EWS/Exchange.asmx".into()),
                internal_ews_url: Some("https://in/EWS/Exchange.asmx".into()),
            }
        );
        let redirect = answer(
            "<ErrorCode>RedirectAddress</ErrorCode><ErrorMessage>Redirection address.</ErrorMessage><RedirectTarget>b@y.test</RedirectTarget>",
        );
        assert_eq!(
            read_get_user_settings(&redirect).unwrap(),
            UserSettingsAnswer::RedirectAddress("b@y.test".into())
        );
        let invalid = answer(
            "<ErrorCode>InvalidUser</ErrorCode><ErrorMessage>Invalid user: 'a@x.test'</ErrorMessage>",
        );
        assert_eq!(
            read_get_user_settings(&invalid).unwrap(),
            UserSettingsAnswer::Error {
                code: "InvalidUser".into(),
                message: "Invalid user: 'a@x.test'".into()
            }
        );
        assert!(read_get_user_settings("<html/>").is_err());
    }
}
