//! The thin tokio driver: opens TCP (and TLS) connections with hyper's
//! HTTP/1.1 client, sends [`HttpRequest`]s, reads bodies within the size
//! limit and follows redirects the [`super::redirect`] rules
//! allow. Idle connections are kept per server for reuse.
//!
//! Basic and Bearer go with every request. NTLM and Negotiate log in
//! once per connection: on a fresh connection a body-less `GET` of the
//! request's URL carries the negotiation (a safe request: if the server
//! does act on it, nothing is created), the `401` brings the challenge,
//! and the real request, body and all, carries the authentication on the
//! same connection; only a logged-in connection is kept for reuse, and
//! requests on it carry no `Authorization`. A `401` on a reused
//! logged-in connection (the server forgot the login) was not acted on:
//! the request goes again after a new login on a fresh connection.
//! [`AuthMethod::Automatic`] asks the server first with a body-less `GET`
//! and remembers the method chosen from its offers.
//!
//! hyper's low-level connection API is used rather than a full client
//! library: it follows no redirect by itself, adds no headers of its own
//! and leaves TLS to the same rustls set-up the mail engine uses.

use crate::error::{Error, Result};
use crate::http::auth_method::{self, AuthMethod};
use crate::http::credentials::Credentials;
use crate::http::message::{HttpRequest, HttpResponse};
use crate::http::options::HttpOptions;
use crate::http::origin::Origin;
use crate::http::redirect::{self, RedirectDecision};
use bytes::Bytes;
use http::header::{AUTHORIZATION, HOST, HeaderValue, USER_AGENT};
use http::{Method, StatusCode};
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

type Sender = SendRequest<Full<Bytes>>;

/// Sends requests to one account's server. Cheap to share (`Arc`) between
/// tasks; every request is sent logged in as the account.
pub struct HttpClient {
    options: HttpOptions,
    credentials: Credentials,
    /// What [`AuthMethod::Automatic`] chose, once the server was asked.
    chosen: Mutex<Option<AuthMethod>>,
    tls: Arc<ClientConfig>,
    idle: Mutex<Vec<(Origin, Sender)>>,
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
            chosen: Mutex::new(None),
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
    /// sent again from here (a `POST` could be carried out twice). The
    /// one exception is a `401` on a reused logged-in NTLM connection:
    /// refused, so not carried out, and sent again after a new login.
    async fn send_once(&self, request: &HttpRequest) -> Result<HttpResponse> {
        let origin = Origin::of(&request.url)?;
        if let Some(sender) = self.take_idle(&origin).await {
            let method = self.method();
            let authorization = self.per_request_authorization(method)?;
            match self.exchange(sender, &origin, request, authorization).await {
                Err(Exchange::NotSent(_)) => {}
                Err(Exchange::Failed(err)) => return Err(err),
                Ok((response, sender)) => {
                    let forgotten =
                        response.status == StatusCode::UNAUTHORIZED && method.is_connection_bound();
                    if !forgotten {
                        self.keep_idle(origin, sender, &response);
                        return Ok(response);
                    }
                }
            }
        }
        let sender = self.connect(&origin).await?;
        self.log_in_and_send(sender, &origin, request).await
    }

    /// Logs in on the fresh connection `sender` as the method asks, then
    /// sends `request` on it.
    async fn log_in_and_send(
        &self,
        mut sender: Sender,
        origin: &Origin,
        request: &HttpRequest,
    ) -> Result<HttpResponse> {
        let mut method = self.method();
        if method == AuthMethod::Automatic {
            let (answer, same) = self.probe(sender, origin, request, None).await?;
            method = auth_method::after_probe(&answer)?;
            if let Ok(mut chosen) = self.chosen.lock() {
                *chosen = Some(method);
            }
            sender = same;
        }
        let authorization = match method.token_scheme() {
            None => self.per_request_authorization(method)?,
            Some(scheme) => {
                let (handshake, negotiate) = self.credentials.start_handshake(scheme)?;
                let (answer, same) = self.probe(sender, origin, request, Some(negotiate)).await?;
                sender = same;
                if answer.status == StatusCode::UNAUTHORIZED {
                    Some(handshake.answer(&answer.headers)?)
                } else {
                    // The server let the negotiation in without a login.
                    None
                }
            }
        };
        let (response, sender) = self
            .exchange(sender, origin, request, authorization)
            .await
            .map_err(Exchange::into_error)?;
        self.keep_idle(origin.clone(), sender, &response);
        Ok(response)
    }

    /// A body-less `GET` of `request`'s URL on `sender`, carrying
    /// `authorization`: safe to send, whatever the server does with it.
    async fn probe(
        &self,
        sender: Sender,
        origin: &Origin,
        request: &HttpRequest,
        authorization: Option<HeaderValue>,
    ) -> Result<(HttpResponse, Sender)> {
        let probe = HttpRequest::new(Method::GET, request.url.clone());
        self.exchange(sender, origin, &probe, authorization)
            .await
            .map_err(Exchange::into_error)
    }

    /// The method in use: the credentials' own, or what automatic chose.
    fn method(&self) -> AuthMethod {
        match self.credentials.method() {
            AuthMethod::Automatic => self
                .chosen
                .lock()
                .ok()
                .and_then(|chosen| *chosen)
                .unwrap_or(AuthMethod::Automatic),
            method => method,
        }
    }

    /// The `Authorization` every request carries under `method` (none for
    /// NTLM and Negotiate, whose connections are logged in, and for
    /// anonymous requests).
    fn per_request_authorization(&self, method: AuthMethod) -> Result<Option<HeaderValue>> {
        if method.is_connection_bound()
            || matches!(method, AuthMethod::Automatic | AuthMethod::Anonymous)
        {
            return Ok(None);
        }
        self.credentials
            .authorization_as(method)
            .map(Some)
            .ok_or_else(|| {
                Error::InvalidRequest("the credentials cannot be sent in a header".into())
            })
    }

    async fn exchange(
        &self,
        mut sender: Sender,
        origin: &Origin,
        request: &HttpRequest,
        authorization: Option<HeaderValue>,
    ) -> Result<(HttpResponse, Sender), Exchange> {
        let wire = self.wire_request(origin, request, authorization)?;
        let limit = self.options.max_response_bytes;
        let (parts, body) = within(self.options.request_timeout, "request", async {
            // A connection just answered may still be finishing that
            // exchange (as between the legs of an NTLM login).
            sender
                .ready()
                .await
                .map_err(|err| Exchange::NotSent(http_error(origin, &err)))?;
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
        let response = HttpResponse {
            url: request.url.clone(),
            status: parts.status,
            headers: parts.headers,
            body,
        };
        Ok((response, sender))
    }

    fn wire_request(
        &self,
        origin: &Origin,
        request: &HttpRequest,
        authorization: Option<HeaderValue>,
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
        if let Some(authorization) = authorization {
            headers.insert(AUTHORIZATION, authorization);
        }
        Ok(wire)
    }

    async fn connect(&self, origin: &Origin) -> Result<Sender> {
        within(self.options.connect_timeout, "connect", async {
            let connect_error = |reason: String| Error::Connect {
                host: origin.host.clone(),
                port: origin.port,
                reason,
            };
            let addresses = ferry_net::address::resolve(
                self.options.address_policy.as_ref(),
                origin.bare_host(),
                origin.port,
            )
            .await
            .map_err(|err| connect_error(err.to_string()))?;
            let tcp = TcpStream::connect(&addresses[..])
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

    /// Keeps `sender` for reuse after `response`; not a connection whose
    /// NTLM login was refused (it is not logged in).
    fn keep_idle(&self, origin: Origin, sender: Sender, response: &HttpResponse) {
        let refused =
            response.status == StatusCode::UNAUTHORIZED && self.method().is_connection_bound();
        if sender.is_closed() || refused {
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
