//! A small Autodiscover server on 127.0.0.1 for the EWS Autodiscover
//! tests. It answers SOAP `GetUserSettings` for the mailboxes it was
//! told about — their EWS URLs, a `RedirectAddress` or a `RedirectUrl` —
//! and `InvalidUser` for any other, in the shape of Microsoft's
//! published `GetUserSettingsResponseMessage`; a request to a path
//! ending in `.xml` is answered as POX Autodiscover (the `Account` with
//! its protocols or redirect action, or an `Error`). It checks that each
//! request is a `GetUserSettings` asking for `ExternalEwsUrl` (or a POX
//! request), and keeps the path and mailbox of every request.

use crate::http_server::{self, Reply, Request};
use quick_xml::Reader;
use quick_xml::escape::escape;
use quick_xml::events::Event;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// What the server says about one mailbox.
#[derive(Debug, Clone)]
pub enum Answer {
    /// `NoError` with these settings (`ExternalEwsUrl`, `InternalEwsUrl`).
    EwsUrls {
        external: Option<String>,
        internal: Option<String>,
    },
    /// `RedirectAddress` to this address.
    RedirectAddress(String),
    /// `RedirectUrl` to this Autodiscover URL.
    RedirectUrl(String),
}

/// The path and the mailbox (when readable) of each request.
type Asked = Arc<Mutex<Vec<(String, Option<String>)>>>;

/// A running server; its threads end with the test process.
pub struct AutodiscoverServer {
    /// Its Autodiscover URL (`http://127.0.0.1:PORT/autodiscover/autodiscover.svc`).
    pub url: url::Url,
    asked: Asked,
}

impl AutodiscoverServer {
    /// A server answering for `mailboxes` (address, lower case → answer).
    pub fn start(mailboxes: HashMap<String, Answer>) -> Self {
        let asked: Asked = Arc::default();
        let seen = asked.clone();
        let address = http_server::start(Arc::new(move |request: &Request| {
            let mailbox = asked_mailbox(&request.text());
            seen.lock()
                .unwrap()
                .push((request.target.clone(), mailbox.clone()));
            let Some(mailbox) = mailbox else {
                return Reply::new("400 Bad Request", XML, String::new());
            };
            let answer = mailboxes.get(&mailbox.to_lowercase());
            let body = if request.target.ends_with(".xml") {
                match answer {
                    Some(answer) => pox_answer(answer),
                    None => pox_error(&mailbox),
                }
            } else {
                user_settings_answer(&mailbox, answer)
            };
            Reply::new("200 OK", XML, body)
        }));
        let url = url::Url::parse(&format!("http://{address}/autodiscover/autodiscover.svc"))
            .expect("a loopback URL");
        Self { url, asked }
    }

    /// The path and mailbox of every request, in order.
    pub fn asked(&self) -> Vec<(String, Option<String>)> {
        self.asked.lock().unwrap().clone()
    }
}

const XML: &str = "text/xml; charset=utf-8";

/// The mailbox of a `GetUserSettings` request that asks for
/// `ExternalEwsUrl`, or of a POX request; `None` for anything else.
fn asked_mailbox(xml: &str) -> Option<String> {
    let mut reader = Reader::from_str(xml);
    let (mut path, mut mailbox, mut settings) = (Vec::new(), None, Vec::new());
    loop {
        match reader.read_event().ok()? {
            Event::Start(start) => {
                let name = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
                path.push(name);
            }
            Event::End(_) => {
                path.pop();
            }
            Event::Text(text) => {
                let text = text.decode().ok()?.trim().to_string();
                match path.last().map(String::as_str) {
                    Some("Mailbox" | "EMailAddress") => mailbox = Some(text),
                    Some("Setting") => settings.push(text),
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let soap = xml.contains("GetUserSettingsRequestMessage")
        && settings.iter().any(|s| s == "ExternalEwsUrl");
    let pox = xml.contains("<AcceptableResponseSchema>");
    (soap || pox).then_some(mailbox?)
}

/// A `GetUserSettings` answer for `mailbox`: `answer`, or `InvalidUser`
/// when there is none.
pub fn user_settings_answer(mailbox: &str, answer: Option<&Answer>) -> String {
    let setting = |name: &str, value: &Option<String>| match value {
        Some(value) => format!(
            r#"<UserSetting i:type="StringSetting"><Name>{name}</Name><Value>{}</Value></UserSetting>"#,
            escape(value.as_str())
        ),
        None => String::new(),
    };
    let user = match answer {
        Some(Answer::EwsUrls { external, internal }) => format!(
            r#"<ErrorCode>NoError</ErrorCode><ErrorMessage>No error.</ErrorMessage><RedirectTarget i:nil="true"/><UserSettingErrors/><UserSettings>{}{}</UserSettings>"#,
            setting("InternalEwsUrl", internal),
            setting("ExternalEwsUrl", external)
        ),
        Some(Answer::RedirectAddress(target)) => format!(
            "<ErrorCode>RedirectAddress</ErrorCode><ErrorMessage>Redirection address.</ErrorMessage><RedirectTarget>{}</RedirectTarget><UserSettingErrors/><UserSettings/>",
            escape(target.as_str())
        ),
        Some(Answer::RedirectUrl(target)) => format!(
            "<ErrorCode>RedirectUrl</ErrorCode><ErrorMessage>Redirection URL.</ErrorMessage><RedirectTarget>{}</RedirectTarget><UserSettingErrors/><UserSettings/>",
            escape(target.as_str())
        ),
        None => format!(
            r#"<ErrorCode>InvalidUser</ErrorCode><ErrorMessage>Invalid user: '{}'</ErrorMessage><RedirectTarget i:nil="true"/><UserSettingErrors/><UserSettings/>"#,
            escape(mailbox)
        ),
    };
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:a="http://www.w3.org/2005/08/addressing"><s:Header><a:Action s:mustUnderstand="1">http://schemas.microsoft.com/exchange/2010/Autodiscover/Autodiscover/GetUserSettingsResponse</a:Action><h:ServerVersionInfo xmlns:h="http://schemas.microsoft.com/exchange/2010/Autodiscover" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><h:MajorVersion>15</h:MajorVersion><h:MinorVersion>1</h:MinorVersion><h:MajorBuildNumber>2507</h:MajorBuildNumber><h:MinorBuildNumber>6</h:MinorBuildNumber><h:Version>Exchange2015</h:Version></h:ServerVersionInfo></s:Header><s:Body><GetUserSettingsResponseMessage xmlns="http://schemas.microsoft.com/exchange/2010/Autodiscover"><Response xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><ErrorCode>NoError</ErrorCode><ErrorMessage/><UserResponses><UserResponse>{user}</UserResponse></UserResponses></Response></GetUserSettingsResponseMessage></s:Body></s:Envelope>"#
    )
}

/// A POX answer: the EWS URLs (`EXPR` external, `EXCH` internal) or a
/// redirect action.
pub fn pox_answer(answer: &Answer) -> String {
    let protocol = |kind: &str, url: &Option<String>| match url {
        Some(url) => format!(
            "<Protocol><Type>{kind}</Type><EwsUrl>{}</EwsUrl></Protocol>",
            escape(url.as_str())
        ),
        None => String::new(),
    };
    let account = match answer {
        Answer::EwsUrls { external, internal } => format!(
            "<AccountType>email</AccountType><Action>settings</Action>{}{}",
            protocol("EXCH", internal),
            protocol("EXPR", external)
        ),
        Answer::RedirectAddress(target) => format!(
            "<Action>redirectAddr</Action><RedirectAddr>{}</RedirectAddr>",
            escape(target.as_str())
        ),
        Answer::RedirectUrl(target) => format!(
            "<Action>redirectUrl</Action><RedirectUrl>{}</RedirectUrl>",
            escape(target.as_str())
        ),
    };
    pox_document(&format!("<Account>{account}</Account>"))
}

/// A POX error for an unknown address.
fn pox_error(address: &str) -> String {
    pox_document(&format!(
        r#"<Error Time="10:00:00.0000000" Id="2477272013"><ErrorCode>500</ErrorCode><Message>The email address can't be found.</Message><DebugData>{}</DebugData></Error>"#,
        escape(address)
    ))
}

fn pox_document(response: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"><Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">{response}</Response></Autodiscover>"#
    )
}
