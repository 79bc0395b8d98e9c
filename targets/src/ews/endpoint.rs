//! The EWS endpoint and the HTTP request carrying one SOAP envelope:
//! `POST` to `https://SERVER/EWS/Exchange.asmx` (unless told otherwise),
//! `Content-Type: text/xml; charset=utf-8`, and `X-AnchorMailbox` when
//! set. The driver adds `Authorization` (Basic or Bearer on every
//! request; NTLM or Negotiate once per connection).

use crate::error::{Error, Result};
use crate::http::HttpRequest;
use http::Method;
use http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use url::Url;

/// The path Exchange serves EWS at.
pub const EWS_PATH: &str = "/EWS/Exchange.asmx";

/// The content type of every SOAP 1.1 request.
pub const SOAP_CONTENT_TYPE: &str = "text/xml; charset=utf-8";

const ANCHOR_MAILBOX: HeaderName = HeaderName::from_static("x-anchormailbox");

/// The usual EWS URL of `server` (a host name, optionally `:port`).
pub fn default_url(server: &str) -> Result<Url> {
    let mut url = Url::parse("https://localhost/").map_err(|err| invalid(server, &err))?;
    let (host, port) = match server.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') || host.ends_with(']') => {
            let port = port.parse::<u16>().map_err(|err| invalid(server, &err))?;
            (host, Some(port))
        }
        _ => (server, None),
    };
    url.set_host(Some(host))
        .map_err(|err| invalid(server, &err))?;
    url.set_port(port)
        .map_err(|()| invalid(server, &"no port possible"))?;
    url.set_path(EWS_PATH);
    Ok(url)
}

fn invalid(server: &str, reason: &dyn std::fmt::Display) -> Error {
    Error::InvalidUrl {
        url: server.to_string(),
        reason: reason.to_string(),
    }
}

/// Where requests go and what heads them.
#[derive(Debug, Clone)]
pub struct Endpoint {
    url: Url,
    anchor_mailbox: Option<HeaderValue>,
}

impl Endpoint {
    /// An endpoint at `url`; `anchor_mailbox` must be sendable in a header.
    pub fn new(url: Url, anchor_mailbox: Option<&str>) -> Result<Self> {
        let anchor_mailbox = anchor_mailbox
            .map(|address| {
                HeaderValue::from_str(address).map_err(|_| {
                    Error::InvalidRequest("the anchor mailbox cannot be sent in a header".into())
                })
            })
            .transpose()?;
        Ok(Self {
            url,
            anchor_mailbox,
        })
    }

    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The `POST` carrying `envelope`.
    pub fn request(&self, envelope: String) -> HttpRequest {
        let mut request = HttpRequest::new(Method::POST, self.url.clone());
        request
            .headers
            .insert(CONTENT_TYPE, HeaderValue::from_static(SOAP_CONTENT_TYPE));
        if let Some(anchor) = &self.anchor_mailbox {
            request.headers.insert(ANCHOR_MAILBOX, anchor.clone());
        }
        request.body = envelope.into_bytes();
        request
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_url_is_the_servers_ews_path() {
        assert_eq!(
            default_url("mail.example.com").unwrap().as_str(),
            "https://mail.example.com/EWS/Exchange.asmx"
        );
        assert_eq!(
            default_url("127.0.0.1:8443").unwrap().as_str(),
            "https://127.0.0.1:8443/EWS/Exchange.asmx"
        );
        assert!(default_url("bad host/x").is_err());
        assert!(default_url("host:port").is_err());
    }

    #[test]
    fn requests_are_soap_posts_with_the_anchor() {
        let url = default_url("mail.example.com").unwrap();
        let endpoint = Endpoint::new(url.clone(), Some("zyg@example.com")).unwrap();
        let request = endpoint.request("<x/>".into());
        assert_eq!(request.method, Method::POST);
        assert_eq!(request.url, url);
        assert_eq!(request.headers[CONTENT_TYPE], SOAP_CONTENT_TYPE);
        assert_eq!(request.headers["x-anchormailbox"], "zyg@example.com");
        assert_eq!(request.body, b"<x/>");
        let plain = Endpoint::new(url, None).unwrap().request(String::new());
        assert!(!plain.headers.contains_key("x-anchormailbox"));
        assert!(Endpoint::new(default_url("m").unwrap(), Some("a\nb")).is_err());
    }
}
