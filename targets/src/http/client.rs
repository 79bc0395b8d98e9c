//! The thin tokio driver: opens TCP (and TLS) connections with hyper's
//! HTTP/1.1 client, sends [`HttpRequest`]s, reads bodies within the size
//! limit and follows redirects the [`super::redirect`] rules
//! allow. Idle connections are kept per server for reuse.
//!
//! hyper's low-level connection API is used rather than a full client
//! library: it follows no redirect by itself, adds no headers of its own
//! and leaves TLS to the same rustls set-up the mail engine uses.

use crate::error::{Error, Result};
use crate::http::credentials::Credentials;
use crate::http::message::{HttpRequest, HttpResponse};
use crate::http::options::HttpOptions;
use crate::http::redirect::{self, RedirectDecision};
use bytes::Bytes;
use http::header::{AUTHORIZATION, HOST, HeaderValue, USER_AGENT};
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use rustls::ClientConfig;
use rustls::pki_types::ServerName;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use url::Url;

type Sender = SendRequest<Full<Bytes>>;

/// Sends requests to one account's server. Cheap to share (`Arc`) between
/// tasks; every request carries the account's Basic authorization.
pub struct HttpClient {
    options: HttpOptions,
    credentials: Credentials,
    tls: Arc<ClientConfig>,
    idle: Mutex<Vec<(Origin, Sender)>>,
}

/// Where a connection goes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Origin {
    https: bool,
    host: String,
    port: u16,
}

impl Origin {
    fn of(url: &Url) -> Result<Self> {
        let https = match url.scheme() {
            "https" => true,
            "http" => false,
            other => return Err(Error::UnsupportedScheme(other.to_string())),
        };
        let invalid = |reason: &str| Error::InvalidUrl {
            url: url.to_string(),
            reason: reason.to_string(),
        };
        let host = url.host_str().ok_or_else(|| invalid("no host"))?;
        let port = url
            .port_or_known_default()
            .ok_or_else(|| invalid("no port"))?;
        Ok(Self {
            https,
            host: host.to_string(),
            port,
        })
    }

    /// The host without IPv6 brackets, for DNS and TLS.
    fn bare_host(&self) -> &str {
        self.host.trim_start_matches('[').trim_end_matches(']')
    }
}

/// Why one exchange failed: whether the request may have reached the
/// server decides whether it may be sent again on a fresh connection.
enum Exchange {
    /// The connection was found closed before the request was written.
    NotSent(Error),
    /// Anything else, including a request written and then cut off.
    Failed(Error),
}

impl Exchange {
    fn into_error(self) -> Error {
        match self {
            Exchange::NotSent(err) | Exchange::Failed(err) => err,
        }
    }
}

impl From<Error> for Exchange {
    fn from(err: Error) -> Self {
        Exchange::Failed(err)
    }
}

impl HttpClient {
    pub fn new(options: HttpOptions, credentials: Credentials) -> Result<Self> {
        let tls = ferry_net::tls::client_config(options.pinned_certificate.as_deref()).map_err(
            |err| Error::Tls {
                host: String::new(),
                reason: err.to_string(),
            },
        )?;
        Ok(Self {
            options,
            credentials,
            tls,
            idle: Mutex::new(Vec::new()),
        })
    }

    pub fn options(&self) -> &HttpOptions {
        &self.options
    }

    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// Sends `request`, following same-server redirects (the same method
    /// and body again) up to `max_redirects`.
    pub async fn send(&self, mut request: HttpRequest) -> Result<HttpResponse> {
        let mut followed = 0;
        loop {
            let response = self.send_once(&request).await?;
            match redirect::decide(&response, followed, self.options.max_redirects)? {
                RedirectDecision::Final => return Ok(response),
                RedirectDecision::Follow(url) => {
                    request.url = url;
                    followed += 1;
                }
            }
        }
    }

    /// One exchange. A reused connection the server closed meanwhile is
    /// replaced once by a fresh one — only when the request was not
    /// written to it: a request the server may have received is never
    /// sent again from here (a `POST` could be carried out twice).
    async fn send_once(&self, request: &HttpRequest) -> Result<HttpResponse> {
        let origin = Origin::of(&request.url)?;
        if let Some(sender) = self.take_idle(&origin).await {
            match self.exchange(sender, &origin, request).await {
                Err(Exchange::NotSent(_)) => {}
                Err(Exchange::Failed(err)) => return Err(err),
                Ok(response) => return Ok(response),
            }
        }
        let sender = self.connect(&origin).await?;
        self.exchange(sender, &origin, request)
            .await
            .map_err(Exchange::into_error)
    }

    async fn exchange(
        &self,
        mut sender: Sender,
        origin: &Origin,
        request: &HttpRequest,
    ) -> Result<HttpResponse, Exchange> {
        let wire = self.wire_request(origin, request)?;
        let limit = self.options.max_response_bytes;
        let (parts, body) = within(self.options.request_timeout, "request", async {
            let response = sender.try_send_request(wire).await.map_err(|err| {
                let unsent = err.message().is_some();
                let error = http_error(origin, err.error());
                if unsent {
                    Exchange::NotSent(error)
                } else {
                    Exchange::Failed(error)
                }
            })?;
            let (parts, incoming) = response.into_parts();
            let body = read_limited(incoming, limit, origin).await?;
            Ok::<_, Exchange>((parts, body))
        })
        .await?;
        self.keep_idle(origin.clone(), sender);
        Ok(HttpResponse {
            url: request.url.clone(),
            status: parts.status,
            headers: parts.headers,
            body,
        })
    }

    fn wire_request(
        &self,
        origin: &Origin,
        request: &HttpRequest,
    ) -> Result<http::Request<Full<Bytes>>> {
        let mut target = request.url.path().to_string();
        if let Some(query) = request.url.query() {
            target.push('?');
            target.push_str(query);
        }
        let host = match request.url.port() {
            Some(port) => format!("{}:{port}", origin.host),
            None => origin.host.clone(),
        };
        let invalid = |err: &dyn std::fmt::Display| Error::InvalidRequest(err.to_string());
        let mut wire = http::Request::builder()
            .method(request.method.clone())
            .uri(target)
            .body(Full::new(Bytes::from(request.body.clone())))
            .map_err(|err| invalid(&err))?;
        let headers = wire.headers_mut();
        headers.extend(request.headers.clone());
        headers.insert(
            HOST,
            HeaderValue::from_str(&host).map_err(|err| invalid(&err))?,
        );
        headers.insert(
            USER_AGENT,
            HeaderValue::from_str(&self.options.user_agent).map_err(|err| invalid(&err))?,
        );
        let authorization = self.credentials.authorization().ok_or_else(|| {
            Error::InvalidRequest("the credentials cannot be sent in a header".into())
        })?;
        headers.insert(AUTHORIZATION, authorization);
        Ok(wire)
    }

    async fn connect(&self, origin: &Origin) -> Result<Sender> {
        within(self.options.connect_timeout, "connect", async {
            let connect_error = |reason: String| Error::Connect {
                host: origin.host.clone(),
                port: origin.port,
                reason,
            };
            let tcp = TcpStream::connect((origin.bare_host(), origin.port))
                .await
                .map_err(|err| connect_error(err.to_string()))?;
            tcp.set_nodelay(true)
                .map_err(|err| connect_error(err.to_string()))?;
            if !origin.https {
                return handshake(tcp, origin).await;
            }
            let tls_error = |reason: String| Error::Tls {
                host: origin.host.clone(),
                reason,
            };
            let name = ServerName::try_from(origin.bare_host().to_string())
                .map_err(|err| tls_error(err.to_string()))?;
            let stream = TlsConnector::from(self.tls.clone())
                .connect(name, tcp)
                .await
                .map_err(|err| tls_error(err.to_string()))?;
            handshake(stream, origin).await
        })
        .await
    }

    async fn take_idle(&self, origin: &Origin) -> Option<Sender> {
        loop {
            let mut sender = {
                let mut idle = self.idle.lock().ok()?;
                let index = idle.iter().position(|(o, _)| o == origin)?;
                idle.swap_remove(index).1
            };
            if sender.ready().await.is_ok() {
                return Some(sender);
            }
        }
    }

    fn keep_idle(&self, origin: Origin, sender: Sender) {
        if sender.is_closed() {
            return;
        }
        if let Ok(mut idle) = self.idle.lock()
            && idle.len() < self.options.max_idle_connections
        {
            idle.push((origin, sender));
        }
    }
}

/// Starts HTTP/1.1 on `io`; the connection runs in its own task until the
/// sender is dropped or the server closes it.
async fn handshake<T>(io: T, origin: &Origin) -> Result<Sender>
where
    T: AsyncRead + AsyncWrite + Send + Unpin + 'static,
{
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(io))
        .await
        .map_err(|err| http_error(origin, &err))?;
    tokio::spawn(async move {
        // The connection's end is seen by the sender; nothing to report.
        let _ = connection.await;
    });
    Ok(sender)
}

/// Reads the whole body, refusing more than `limit` bytes.
async fn read_limited(mut body: Incoming, limit: usize, origin: &Origin) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|err| http_error(origin, &err))?;
        if let Ok(data) = frame.into_data() {
            if bytes.len() + data.len() > limit {
                return Err(Error::ResponseTooLarge { limit });
            }
            bytes.extend_from_slice(&data);
        }
    }
    Ok(bytes)
}

async fn within<T, E: From<Error>>(
    limit: Duration,
    step: &'static str,
    work: impl Future<Output = Result<T, E>>,
) -> Result<T, E> {
    tokio::time::timeout(limit, work)
        .await
        .map_err(|_| E::from(Error::Timeout { step, limit }))?
}

fn http_error(origin: &Origin, err: &hyper::Error) -> Error {
    Error::Http {
        host: origin.host.clone(),
        reason: err.to_string(),
    }
}
