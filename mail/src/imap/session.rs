//! The async driver: owns the socket, moves bytes between it and a
//! [`ClientConnection`], and offers commands as `async` calls.
//!
//! Every read is bounded by the I/O timeout. A `BYE` outside LOGOUT, a
//! closed socket or a protocol error ends the session with an error; the
//! caller reconnects.

use super::connection::{ClientConnection, Event, ProtocolError};
use super::transport::{self, Security, Transport};
use imap_codec::AuthenticateDataCodec;
use imap_codec::encode::Encoder;
use imap_codec::imap_types::auth::{AuthMechanism, AuthenticateData};
use imap_codec::imap_types::command::CommandBody;
use imap_codec::imap_types::core::Tag;
use imap_codec::imap_types::response::{Code, Data, Status, StatusBody, StatusKind};
use imap_codec::imap_types::secret::Secret;
use secrecy::{ExposeSecret, SecretString};
use std::collections::VecDeque;
use std::fmt;
use std::io;
use std::time::Duration;
use thiserror::Error;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Where a server is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub host: String,
    pub port: u16,
    pub security: Security,
    /// DER of the one certificate to trust (self-signed servers).
    pub pinned_certificate: Option<Vec<u8>>,
    /// Where a user-supplied host may lead (the web server sets it); none
    /// for the operator's own command line.
    pub address_policy: Option<ferry_net::address::AddressPolicy>,
}

/// Limits of a session, each with a default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionOptions {
    /// Time to open TCP and TLS. Default 30 s.
    pub connect_timeout: Duration,
    /// Longest wait for the server to send anything. Default 120 s.
    pub io_timeout: Duration,
    /// Largest response held in memory (line plus literals). Default 64 MiB.
    pub max_response_size: u32,
}

impl Default for SessionOptions {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(30),
            io_timeout: Duration::from_secs(120),
            max_response_size: 64 * 1024 * 1024,
        }
    }
}

/// How to log in. Secrets never appear in `Debug` output.
#[derive(Clone)]
pub enum Credentials {
    /// IMAP LOGIN.
    Login {
        user: String,
        password: SecretString,
    },
    /// SASL PLAIN; `authzid` lets an admin act for a user (like imapsync's
    /// --authuser: `user` is the admin, `authzid` the mailbox owner).
    Plain {
        authzid: Option<String>,
        user: String,
        password: SecretString,
    },
    /// SASL XOAUTH2 with an OAuth2 access token (Google, Microsoft 365).
    XOAuth2 { user: String, token: SecretString },
    /// SASL OAUTHBEARER (RFC 7628).
    OAuthBearer { user: String, token: SecretString },
}

impl Credentials {
    /// The user name signed in with (for SASL PLAIN, the one whose
    /// password it is).
    pub fn user(&self) -> &str {
        match self {
            Credentials::Login { user, .. }
            | Credentials::Plain { user, .. }
            | Credentials::XOAuth2 { user, .. }
            | Credentials::OAuthBearer { user, .. } => user,
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (method, user) = match self {
            Credentials::Login { user, .. } => ("LOGIN", user),
            Credentials::Plain { user, .. } => ("PLAIN", user),
            Credentials::XOAuth2 { user, .. } => ("XOAUTH2", user),
            Credentials::OAuthBearer { user, .. } => ("OAUTHBEARER", user),
        };
        write!(f, "Credentials({method}, {user}, secret redacted)")
    }
}

/// Why a session failed.
#[derive(Debug, Error)]
pub enum ImapError {
    #[error("cannot connect to the server: {0}")]
    Connect(io::Error),
    #[error(transparent)]
    Address(#[from] ferry_net::address::AddressError),
    #[error("the server did not answer within {0:?}")]
    Timeout(Duration),
    #[error("the connection failed: {0}")]
    Io(#[from] io::Error),
    #[error("TLS failed: {0}")]
    Tls(io::Error),
    #[error("the server does not offer STARTTLS, and a plaintext login was not allowed")]
    StartTlsUnavailable,
    #[error(transparent)]
    Protocol(#[from] ProtocolError),
    #[error("the server closed the connection: {0}")]
    Closed(String),
    #[error("login failed: {0}")]
    AuthenticationFailed(String),
    #[error("the server refused {command}: {text}")]
    Refused {
        command: &'static str,
        kind: StatusKind,
        code: Option<String>,
        text: String,
    },
    #[error("{0}")]
    InvalidInput(String),
}

impl ImapError {
    /// Errors after which a new connection may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ImapError::Connect(_) | ImapError::Timeout(_) | ImapError::Io(_) | ImapError::Closed(_)
        ) || self.backoff().is_some()
    }

    /// The wait the server asked for, when it throttles.
    pub fn backoff(&self) -> Option<Duration> {
        match self {
            ImapError::Refused { text, .. }
            | ImapError::Closed(text)
            | ImapError::AuthenticationFailed(text) => super::throttle::backoff(text),
            _ => None,
        }
    }
}

/// The server's capabilities, upper-cased.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capabilities(Vec<String>);

impl Capabilities {
    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|c| c.eq_ignore_ascii_case(name))
    }

    /// `AUTH=…` mechanisms offered.
    pub fn has_auth(&self, mechanism: &str) -> bool {
        self.0.iter().any(|c| {
            c.len() > 5
                && c[..5].eq_ignore_ascii_case("AUTH=")
                && c[5..].eq_ignore_ascii_case(mechanism)
        })
    }

    pub fn list(&self) -> &[String] {
        &self.0
    }

    fn replace<'a>(
        &mut self,
        caps: impl IntoIterator<Item = &'a imap_codec::imap_types::response::Capability<'a>>,
    ) {
        self.0 = caps
            .into_iter()
            .map(|c| c.to_string().to_ascii_uppercase())
            .collect();
    }
}

/// The outcome of one command in a pipeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    pub kind: StatusKind,
    pub code: Option<Code<'static>>,
    pub text: String,
}

impl Completion {
    pub fn is_ok(&self) -> bool {
        self.kind == StatusKind::Ok
    }
}

/// What a command said besides its completion.
#[derive(Debug, Clone, PartialEq)]
pub enum Untagged {
    Data(Data<'static>),
    /// The code of an untagged OK/NO/BAD, e.g. `[UIDVALIDITY 3]`.
    Code(Code<'static>),
}

/// Everything one command returned.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Output {
    pub data: Vec<Data<'static>>,
    /// Codes of untagged statuses and of the completion.
    pub codes: Vec<Code<'static>>,
}

/// COMPRESS=DEFLATE state (RFC 4978): raw DEFLATE both ways, with a sync
/// flush after every write so the server sees each command at once.
struct Deflate {
    compress: flate2::Compress,
    decompress: flate2::Decompress,
}

impl Deflate {
    fn new() -> Self {
        Self {
            compress: flate2::Compress::new(flate2::Compression::fast(), false),
            decompress: flate2::Decompress::new(false),
        }
    }

    fn deflate(&mut self, input: &[u8]) -> io::Result<Vec<u8>> {
        let mut out = Vec::with_capacity(input.len() / 2 + 64);
        let mut consumed = 0;
        loop {
            if out.capacity() - out.len() < 64 {
                out.reserve(input.len().max(1024));
            }
            let before = self.compress.total_in();
            self.compress
                .compress_vec(&input[consumed..], &mut out, flate2::FlushCompress::Sync)
                .map_err(io::Error::other)?;
            consumed += (self.compress.total_in() - before) as usize;
            if consumed == input.len() && out.capacity() > out.len() {
                return Ok(out);
            }
        }
    }

    fn inflate(&mut self, input: &[u8], out: &mut Vec<u8>) -> io::Result<()> {
        let mut consumed = 0;
        loop {
            let spare = ((input.len() - consumed) * 4).max(64 * 1024);
            out.reserve(spare);
            let (in_before, out_before) = (self.decompress.total_in(), self.decompress.total_out());
            self.decompress
                .decompress_vec(&input[consumed..], out, flate2::FlushDecompress::Sync)
                .map_err(io::Error::other)?;
            consumed += (self.decompress.total_in() - in_before) as usize;
            let produced = self.decompress.total_out() - out_before;
            // Done when all input is in and the decompressor left room in
            // the output (so it holds nothing back).
            if consumed == input.len() && out.len() < out.capacity() {
                return Ok(());
            }
            if produced == 0 && self.decompress.total_in() == in_before {
                return Err(io::Error::other("the compressed stream is corrupt"));
            }
        }
    }
}

/// A logged-in (or not yet) IMAP session.
pub struct Session {
    io: Transport,
    conn: ClientConnection,
    buf: Vec<u8>,
    capabilities: Capabilities,
    options: SessionOptions,
    deflate: Option<Deflate>,
    /// ENABLE UTF8=ACCEPT succeeded: folder names travel as UTF-8.
    utf8_names: bool,
}

impl Session {
    /// Connects, secures the connection as `endpoint` says, and reads the
    /// greeting and capabilities.
    pub async fn connect(endpoint: &Endpoint, options: SessionOptions) -> Result<Self, ImapError> {
        // Resolved once and vetted; the connection goes to these addresses.
        let addrs = tokio::time::timeout(
            options.connect_timeout,
            ferry_net::address::resolve(
                endpoint.address_policy.as_ref(),
                &endpoint.host,
                endpoint.port,
            ),
        )
        .await
        .map_err(|_| ImapError::Timeout(options.connect_timeout))??;
        let tcp = tokio::time::timeout(options.connect_timeout, transport::connect_tcp(&addrs))
            .await
            .map_err(|_| ImapError::Timeout(options.connect_timeout))?
            .map_err(ImapError::Connect)?;
        let tls = || {
            ferry_net::tls::client_config(endpoint.pinned_certificate.as_deref())
                .map_err(|err| ImapError::Tls(io::Error::other(err)))
        };
        let io = match endpoint.security {
            Security::Tls => tokio::time::timeout(
                options.connect_timeout,
                transport::start_tls(tcp, &endpoint.host, tls()?),
            )
            .await
            .map_err(|_| ImapError::Timeout(options.connect_timeout))?
            .map_err(ImapError::Tls)?,
            Security::StartTls | Security::Plain => Transport::Plain(tcp),
        };
        let mut session = Self {
            io,
            conn: ClientConnection::new(options.max_response_size),
            buf: vec![0; 256 * 1024],
            capabilities: Capabilities::default(),
            options,
            deflate: None,
            utf8_names: false,
        };
        session.read_greeting().await?;
        if endpoint.security == Security::StartTls {
            if !session.capabilities.has("STARTTLS") {
                return Err(ImapError::StartTlsUnavailable);
            }
            session.run("STARTTLS", CommandBody::StartTLS).await?;
            let Transport::Plain(tcp) = session.io else {
                unreachable!("STARTTLS is only sent on plain connections")
            };
            session.io = tokio::time::timeout(
                options.connect_timeout,
                transport::start_tls(tcp, &endpoint.host, tls()?),
            )
            .await
            .map_err(|_| ImapError::Timeout(options.connect_timeout))?
            .map_err(ImapError::Tls)?;
            // Nothing said before TLS may be trusted (RFC 3501 §6.2.1).
            session.conn = ClientConnection::without_greeting(options.max_response_size);
            session.refresh_capabilities().await?;
        }
        Ok(session)
    }

    pub fn capabilities(&self) -> &Capabilities {
        &self.capabilities
    }

    /// True once the server accepted `ENABLE UTF8=ACCEPT` (RFC 9755):
    /// folder names are then sent and received as UTF-8, not modified
    /// UTF-7.
    pub fn utf8_names(&self) -> bool {
        self.utf8_names
    }

    /// Turns on the extensions Ferry uses that need ENABLE (RFC 5161):
    /// CONDSTORE when `condstore` is asked for, and UTF8=ACCEPT whenever
    /// the server offers it, so that the server never downgrades a message
    /// with UTF-8 headers (RFC 6855/9755) and names are plain UTF-8.
    /// Without ENABLE, or when nothing applies, nothing is sent.
    pub async fn enable_extensions(&mut self, condstore: bool) -> Result<(), ImapError> {
        use imap_codec::imap_types::extensions::enable::CapabilityEnable;
        use imap_codec::imap_types::extensions::utf8::Utf8Kind;
        if !self.capabilities.has("ENABLE") {
            return Ok(());
        }
        let mut wanted = Vec::new();
        if condstore && self.capabilities.has("CONDSTORE") {
            wanted.push(CapabilityEnable::CondStore);
        }
        if self.capabilities.has("UTF8=ACCEPT") {
            wanted.push(CapabilityEnable::Utf8(Utf8Kind::Accept));
        }
        if wanted.is_empty() {
            return Ok(());
        }
        let body =
            CommandBody::enable(wanted).map_err(|_| ImapError::InvalidInput("ENABLE".into()))?;
        for data in self.run("ENABLE", body).await?.data {
            if let Data::Enabled { capabilities } = data {
                self.utf8_names |= capabilities
                    .iter()
                    .any(|c| matches!(c, CapabilityEnable::Utf8(Utf8Kind::Accept)));
            }
        }
        Ok(())
    }

    /// Runs `XLIST "" "*"` (see [`ClientConnection::enqueue_xlist`]); its
    /// answers arrive as LIST data.
    pub async fn xlist(&mut self) -> Result<Output, ImapError> {
        let tag = self
            .conn
            .enqueue_xlist()
            .ok_or_else(|| ImapError::InvalidInput("XLIST".into()))?;
        self.finish("XLIST", tag).await
    }

    pub fn is_encrypted(&self) -> bool {
        self.io.is_encrypted()
    }

    /// True once COMPRESS=DEFLATE is active.
    pub fn is_compressed(&self) -> bool {
        self.deflate.is_some()
    }

    /// Turns on COMPRESS=DEFLATE when the server offers it (after login).
    /// Worth it over real networks: mail text shrinks to a third or less.
    pub async fn compress(&mut self) -> Result<bool, ImapError> {
        if self.deflate.is_some() || !self.capabilities.has("COMPRESS=DEFLATE") {
            return Ok(false);
        }
        let body = CommandBody::compress(
            imap_codec::imap_types::extensions::compress::CompressionAlgorithm::Deflate,
        );
        self.run("COMPRESS", body).await?;
        self.deflate = Some(Deflate::new());
        Ok(true)
    }

    /// Tells the server who is calling (RFC 2971), when it offers ID: some
    /// providers require it, and it makes Ferry visible in their logs.
    pub async fn identify(&mut self) {
        if !self.capabilities.has("ID") {
            return;
        }
        let pair = |k: &'static str, v: &'static str| -> Option<_> {
            Some((
                imap_codec::imap_types::core::IString::try_from(k).ok()?,
                imap_codec::imap_types::core::NString::try_from(v).ok()?,
            ))
        };
        let parameters = [
            pair("name", "Ferry"),
            pair("version", env!("CARGO_PKG_VERSION")),
        ]
        .into_iter()
        .flatten()
        .collect();
        // A server that dislikes our ID is not a reason to stop.
        let _ = self
            .run(
                "ID",
                CommandBody::Id {
                    parameters: Some(parameters),
                },
            )
            .await;
    }

    async fn read_greeting(&mut self) -> Result<(), ImapError> {
        match self.next_event().await? {
            Event::Greeting(greeting) => {
                if let Some(Code::Capability(caps)) = &greeting.code {
                    self.capabilities.replace(caps.as_ref());
                } else {
                    self.refresh_capabilities().await?;
                }
                match greeting.kind {
                    imap_codec::imap_types::response::GreetingKind::Bye => {
                        Err(ImapError::Closed(greeting.text.to_string()))
                    }
                    _ => Ok(()),
                }
            }
            _ => Err(ImapError::Closed("no greeting".to_string())),
        }
    }

    /// Asks the server for its capabilities.
    pub async fn refresh_capabilities(&mut self) -> Result<(), ImapError> {
        let output = self.run("CAPABILITY", CommandBody::Capability).await?;
        for item in output.data {
            if let Data::Capability(caps) = item {
                self.capabilities.replace(caps.as_ref());
            }
        }
        Ok(())
    }

    /// Logs in with `credentials`, then reads the capabilities again (they
    /// change after login).
    pub async fn authenticate(&mut self, credentials: &Credentials) -> Result<(), ImapError> {
        let result = match credentials {
            Credentials::Login { user, password } => {
                let body =
                    CommandBody::login(user.as_str(), password.expose_secret()).map_err(|_| {
                        ImapError::InvalidInput(
                            "the user name or password cannot be sent with LOGIN".into(),
                        )
                    })?;
                self.run_completion(body.into_static_body()).await
            }
            Credentials::Plain {
                authzid,
                user,
                password,
            } => {
                let payload = sasl_plain(authzid.as_deref(), user, password.expose_secret())?;
                self.sasl(AuthMechanism::Plain, payload).await
            }
            Credentials::XOAuth2 { user, token } => {
                let payload = sasl_xoauth2(user, token.expose_secret())?;
                self.sasl(AuthMechanism::XOAuth2, payload).await
            }
            Credentials::OAuthBearer { user, token } => {
                let payload = sasl_oauthbearer(user, token.expose_secret())?;
                self.sasl(AuthMechanism::OAuthBearer, payload).await
            }
        };
        match result {
            Ok(completion) if completion.is_ok() => {
                match completion.code {
                    Some(Code::Capability(caps)) => self.capabilities.replace(caps.as_ref()),
                    _ => self.refresh_capabilities().await?,
                }
                Ok(())
            }
            Ok(completion) => Err(ImapError::AuthenticationFailed(completion.text)),
            Err(err) => Err(err),
        }
    }

    /// AUTHENTICATE with an initial response (SASL-IR) when offered, else
    /// after the server's first challenge. A challenge after the initial
    /// response carries an error (XOAUTH2); it is answered empty so the
    /// server can finish with NO.
    async fn sasl(
        &mut self,
        mechanism: AuthMechanism<'static>,
        payload: Vec<u8>,
    ) -> Result<Completion, ImapError> {
        let sasl_ir = self.capabilities.has("SASL-IR");
        let (initial, mut later) = if sasl_ir {
            (Some(Secret::new(payload.into())), None)
        } else {
            (None, Some(payload))
        };
        let tag = self.conn.enqueue(CommandBody::Authenticate {
            mechanism,
            initial_response: initial,
        });
        loop {
            match self.next_event().await? {
                Event::Continuation(_) => {
                    let answer = match later.take() {
                        Some(payload) => AuthenticateData::Continue(Secret::new(payload.into())),
                        None => AuthenticateData::Continue(Secret::new(Vec::new().into())),
                    };
                    let bytes = AuthenticateDataCodec::default().encode(&answer).dump();
                    self.conn.enqueue_bytes(bytes);
                }
                Event::Status(Status::Tagged(tagged)) if tagged.tag == tag => {
                    return Ok(completion(tagged.body));
                }
                Event::Status(Status::Bye(bye)) => {
                    return Err(ImapError::Closed(bye.text.to_string()));
                }
                _ => {}
            }
        }
    }

    /// Runs one command; its untagged data and codes are returned. NO and
    /// BAD are errors.
    pub async fn run(
        &mut self,
        name: &'static str,
        body: CommandBody<'_>,
    ) -> Result<Output, ImapError> {
        let tag = self.conn.enqueue(body);
        self.finish(name, tag).await
    }

    /// Waits for the command queued under `tag` and collects its output
    /// as [`Session::run`] does.
    async fn finish(&mut self, name: &'static str, tag: Tag<'static>) -> Result<Output, ImapError> {
        let mut output = Output::default();
        let completion = self
            .collect(VecDeque::from([(0, tag)]), |_, item| match item {
                Untagged::Data(data) => output.data.push(data),
                Untagged::Code(code) => output.codes.push(code),
            })
            .await?
            .pop()
            .expect("one command, one completion");
        if completion.is_ok() {
            output.codes.extend(completion.code);
            Ok(output)
        } else {
            Err(refused(name, completion))
        }
    }

    async fn run_completion(&mut self, body: CommandBody<'_>) -> Result<Completion, ImapError> {
        Ok(self
            .pipeline(vec![body], |_, _| {})
            .await?
            .pop()
            .expect("one command, one completion"))
    }

    /// Sends all `bodies` at once and waits for all completions, in order.
    /// Untagged data go to `on_data` with the index of the earliest command
    /// still running (the one they belong to in a FETCH pipeline).
    pub async fn pipeline(
        &mut self,
        bodies: Vec<CommandBody<'_>>,
        on_data: impl FnMut(usize, Untagged),
    ) -> Result<Vec<Completion>, ImapError> {
        let mut outstanding: VecDeque<(usize, Tag<'static>)> = VecDeque::new();
        for (index, body) in bodies.into_iter().enumerate() {
            outstanding.push_back((index, self.conn.enqueue(body)));
        }
        self.collect(outstanding, on_data).await
    }

    /// Waits for the completions of the `outstanding` commands (index,
    /// tag), passing untagged data to `on_data` as [`Session::pipeline`]
    /// describes.
    async fn collect(
        &mut self,
        mut outstanding: VecDeque<(usize, Tag<'static>)>,
        mut on_data: impl FnMut(usize, Untagged),
    ) -> Result<Vec<Completion>, ImapError> {
        let mut done: Vec<Option<Completion>> = vec![None; outstanding.len()];
        while !outstanding.is_empty() {
            match self.next_event().await? {
                Event::Data(data) => {
                    let index = outstanding.front().map_or(0, |(i, _)| *i);
                    on_data(index, Untagged::Data(data));
                }
                Event::Status(Status::Untagged(StatusBody {
                    code: Some(code), ..
                })) => {
                    let index = outstanding.front().map_or(0, |(i, _)| *i);
                    on_data(index, Untagged::Code(code));
                }
                Event::Status(Status::Tagged(tagged)) => {
                    if let Some(position) = outstanding.iter().position(|(_, t)| *t == tagged.tag) {
                        let (index, _) = outstanding.remove(position).expect("position is valid");
                        done[index] = Some(completion(tagged.body));
                    }
                }
                Event::Status(Status::Bye(bye)) => {
                    return Err(ImapError::Closed(bye.text.to_string()));
                }
                _ => {}
            }
        }
        Ok(done
            .into_iter()
            .map(|c| c.expect("every command completed"))
            .collect())
    }

    /// One MULTIAPPEND of all `appends` (APPEND commands to one mailbox).
    /// `None` when the commands could not be joined (use single APPENDs).
    pub async fn multiappend(
        &mut self,
        appends: Vec<CommandBody<'_>>,
    ) -> Result<Option<Completion>, ImapError> {
        let Some(tag) = self.conn.enqueue_multiappend(appends) else {
            return Ok(None);
        };
        loop {
            match self.next_event().await? {
                Event::Status(Status::Tagged(tagged)) if tagged.tag == tag => {
                    return Ok(Some(completion(tagged.body)));
                }
                Event::Status(Status::Bye(bye)) => {
                    return Err(ImapError::Closed(bye.text.to_string()));
                }
                _ => {}
            }
        }
    }

    /// Starts an APPEND whose message the caller streams with
    /// [`Session::write_raw`] and ends with [`Session::finish_append`].
    /// With LITERAL+ the data may follow at once; otherwise this waits for
    /// the server's `+`. A refusal before any data is returned as an error.
    pub async fn begin_append(
        &mut self,
        probe: CommandBody<'_>,
        size: u64,
    ) -> Result<Tag<'static>, ImapError> {
        let non_sync = self.capabilities.has("LITERAL+")
            || (self.capabilities.has("LITERAL-") && size <= 4096);
        let tag = self
            .conn
            .enqueue_append_header(probe, size, non_sync)
            .ok_or_else(|| ImapError::InvalidInput("the APPEND could not be encoded".into()))?;
        self.flush().await?;
        if !non_sync {
            loop {
                match self.next_event().await? {
                    Event::Continuation(_) => break,
                    Event::Status(Status::Tagged(tagged)) if tagged.tag == tag => {
                        return Err(refused("APPEND", completion(tagged.body)));
                    }
                    Event::Status(Status::Bye(bye)) => {
                        return Err(ImapError::Closed(bye.text.to_string()));
                    }
                    _ => {}
                }
            }
        }
        Ok(tag)
    }

    /// Writes literal bytes of a streamed APPEND.
    pub async fn write_raw(&mut self, bytes: &[u8]) -> Result<(), ImapError> {
        self.flush().await?;
        self.write_bytes(bytes).await
    }

    /// Writes to the socket, through DEFLATE when it is on.
    async fn write_bytes(&mut self, bytes: &[u8]) -> Result<(), ImapError> {
        let compressed;
        let bytes = match self.deflate.as_mut() {
            Some(deflate) => {
                compressed = deflate.deflate(bytes)?;
                compressed.as_slice()
            }
            None => bytes,
        };
        tokio::time::timeout(self.options.io_timeout, self.io.write_all(bytes))
            .await
            .map_err(|_| ImapError::Timeout(self.options.io_timeout))??;
        Ok(())
    }

    /// Ends a streamed APPEND and waits for its completion.
    pub async fn finish_append(&mut self, tag: Tag<'static>) -> Result<Completion, ImapError> {
        self.write_raw(b"\r\n").await?;
        self.io.flush().await?;
        loop {
            match self.next_event().await? {
                Event::Status(Status::Tagged(tagged)) if tagged.tag == tag => {
                    return Ok(completion(tagged.body));
                }
                Event::Status(Status::Bye(bye)) => {
                    return Err(ImapError::Closed(bye.text.to_string()));
                }
                _ => {}
            }
        }
    }

    /// Says goodbye; errors are ignored, the session ends either way.
    pub async fn logout(mut self) {
        self.conn.enqueue(CommandBody::Logout);
        let _ = self.flush().await;
        let _ = tokio::time::timeout(Duration::from_secs(2), async {
            while let Ok(event) = self.next_event().await {
                if let Event::Status(Status::Tagged(_)) = event {
                    break;
                }
            }
        })
        .await;
        let _ = self.io.shutdown().await;
    }

    async fn flush(&mut self) -> Result<(), ImapError> {
        let output = self.conn.take_output();
        if output.is_empty() {
            return Ok(());
        }
        for chunk in &output {
            self.write_bytes(chunk).await?;
        }
        self.io.flush().await?;
        Ok(())
    }

    /// The next event, writing pending output and reading as needed.
    async fn next_event(&mut self) -> Result<Event, ImapError> {
        loop {
            self.flush().await?;
            if let Some(event) = self.conn.next_event()? {
                return Ok(event);
            }
            // Output may have appeared (a literal released by `+`).
            self.flush().await?;
            let n = tokio::time::timeout(self.options.io_timeout, self.io.read(&mut self.buf))
                .await
                .map_err(|_| ImapError::Timeout(self.options.io_timeout))??;
            if n == 0 {
                return Err(ImapError::Closed(
                    "connection closed without BYE".to_string(),
                ));
            }
            match self.deflate.as_mut() {
                Some(deflate) => {
                    let mut plain = Vec::new();
                    deflate.inflate(&self.buf[..n], &mut plain)?;
                    self.conn.feed(&plain);
                }
                None => self.conn.feed(&self.buf[..n]),
            }
        }
    }
}

fn completion(body: StatusBody<'static>) -> Completion {
    Completion {
        kind: body.kind,
        code: body.code,
        text: body.text.to_string(),
    }
}

fn refused(command: &'static str, completion: Completion) -> ImapError {
    ImapError::Refused {
        command,
        kind: completion.kind,
        code: completion.code.map(|c| format!("{c:?}")),
        text: completion.text,
    }
}

/// Converts a borrowed-or-owned body into an owned one.
trait IntoStaticBody {
    fn into_static_body(self) -> CommandBody<'static>;
}

impl IntoStaticBody for CommandBody<'_> {
    fn into_static_body(self) -> CommandBody<'static> {
        bounded_static::IntoBoundedStatic::into_static(self)
    }
}

fn no_control(field: &str, value: &str) -> Result<(), ImapError> {
    if value
        .chars()
        .any(|c| c == '\0' || c == '\u{1}' || c == '\r' || c == '\n')
    {
        return Err(ImapError::InvalidInput(format!(
            "the {field} contains a control character"
        )));
    }
    Ok(())
}

fn sasl_plain(authzid: Option<&str>, user: &str, password: &str) -> Result<Vec<u8>, ImapError> {
    no_control("user name", user)?;
    no_control("password", password)?;
    let mut payload = Vec::new();
    if let Some(authzid) = authzid {
        no_control("authorization identity", authzid)?;
        payload.extend_from_slice(authzid.as_bytes());
    }
    payload.push(0);
    payload.extend_from_slice(user.as_bytes());
    payload.push(0);
    payload.extend_from_slice(password.as_bytes());
    Ok(payload)
}

fn sasl_xoauth2(user: &str, token: &str) -> Result<Vec<u8>, ImapError> {
    no_control("user name", user)?;
    no_control("token", token)?;
    let mut payload = b"user=".to_vec();
    payload.extend_from_slice(user.as_bytes());
    payload.extend_from_slice(b"\x01auth=Bearer ");
    payload.extend_from_slice(token.as_bytes());
    payload.extend_from_slice(b"\x01\x01");
    Ok(payload)
}

fn sasl_oauthbearer(user: &str, token: &str) -> Result<Vec<u8>, ImapError> {
    no_control("user name", user)?;
    no_control("token", token)?;
    if user.contains([',', '=']) {
        // RFC 7628 would need =2C / =3D escapes; such names do not occur
        // in practice, so they are refused rather than guessed.
        return Err(ImapError::InvalidInput(
            "the user name contains ',' or '='".into(),
        ));
    }
    let mut payload = b"n,a=".to_vec();
    payload.extend_from_slice(user.as_bytes());
    payload.extend_from_slice(b",\x01auth=Bearer ");
    payload.extend_from_slice(token.as_bytes());
    payload.extend_from_slice(b"\x01\x01");
    Ok(payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sasl_payloads_follow_the_specs() {
        assert_eq!(
            sasl_plain(Some("bob"), "admin", "pw").unwrap(),
            b"bob\0admin\0pw"
        );
        assert_eq!(sasl_plain(None, "bob", "pw").unwrap(), b"\0bob\0pw");
        assert_eq!(
            sasl_xoauth2("a@b.c", "tok").unwrap(),
            b"user=a@b.c\x01auth=Bearer tok\x01\x01"
        );
        assert_eq!(
            sasl_oauthbearer("a@b.c", "tok").unwrap(),
            b"n,a=a@b.c,\x01auth=Bearer tok\x01\x01"
        );
        assert!(sasl_plain(None, "bob\0x", "pw").is_err());
        assert!(sasl_xoauth2("bob", "t\r\nA1 LOGOUT").is_err());
    }

    #[test]
    fn credentials_never_show_secrets() {
        let creds = Credentials::Login {
            user: "bob".into(),
            password: SecretString::from("canary-9f3b"),
        };
        let shown = format!("{creds:?}");
        assert!(!shown.contains("canary"), "{shown}");
        assert!(shown.contains("bob"));
    }
}
