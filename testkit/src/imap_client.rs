//! A small blocking IMAP client for seeding and verifying test servers.
//!
//! Deliberately independent of Ferry's own client (it shares only the
//! imap-codec grammar), so the verifier does not inherit the bugs of the
//! code it checks.

use bounded_static::IntoBoundedStatic;
use imap_codec::encode::{Encoder, Fragment};
use imap_codec::fragmentizer::Fragmentizer;
use imap_codec::imap_types::command::{Command, CommandBody};
use imap_codec::imap_types::core::Tag;
use imap_codec::imap_types::response::{Data, Response, Status, StatusKind};
use imap_codec::{CommandCodec, GreetingCodec, ResponseCodec};
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// A logged-in blocking session.
pub struct TestClient {
    stream: TcpStream,
    fragmentizer: Fragmentizer,
    next_tag: u32,
}

impl TestClient {
    /// Connects to `addr` and logs in with LOGIN.
    pub fn login(addr: SocketAddr, user: &str, password: &str) -> io::Result<Self> {
        let stream = TcpStream::connect(addr)?;
        stream.set_read_timeout(Some(Duration::from_secs(60)))?;
        let mut client = Self {
            stream,
            fragmentizer: Fragmentizer::without_max_message_size(),
            next_tag: 1,
        };
        client.read_message()?;
        client
            .fragmentizer
            .decode_message(&GreetingCodec::default())
            .map_err(|_| io::Error::other("bad greeting"))?;
        let login =
            CommandBody::login(user, password).map_err(|_| io::Error::other("bad login"))?;
        client.run(login.into_static())?;
        Ok(client)
    }

    fn read_message(&mut self) -> io::Result<()> {
        let mut buf = [0u8; 64 * 1024];
        loop {
            while self.fragmentizer.progress().is_some() {
                if self.fragmentizer.is_message_complete() {
                    return Ok(());
                }
            }
            let n = match self.stream.read(&mut buf) {
                // A signal (another test's child process) is not an error.
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                other => other?,
            };
            if n == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "server closed",
                ));
            }
            self.fragmentizer.enqueue_bytes(&buf[..n]);
        }
    }

    /// Runs one command (synchronizing literals are honoured) and returns
    /// its untagged data; a NO or BAD completion is an error.
    pub fn run(&mut self, body: CommandBody<'static>) -> io::Result<Vec<Data<'static>>> {
        let tag = Tag::try_from(format!("T{}", self.next_tag)).expect("valid tag");
        self.next_tag += 1;
        let command = Command {
            tag: tag.clone(),
            body,
        };
        let mut data = Vec::new();
        for fragment in CommandCodec::default().encode(&command) {
            match fragment {
                Fragment::Line { data } => self.stream.write_all(&data)?,
                Fragment::Literal { data: bytes, .. } => {
                    // Wait for "+" (servers answer it to sync literals).
                    loop {
                        self.read_message()?;
                        match self.decode()? {
                            Response::CommandContinuationRequest(_) => break,
                            Response::Data(d) => data.push(d),
                            Response::Status(status) => return Err(failure(status)),
                        }
                    }
                    self.stream.write_all(&bytes)?;
                }
            }
        }
        loop {
            self.read_message()?;
            match self.decode()? {
                Response::Data(d) => data.push(d),
                Response::Status(Status::Tagged(tagged)) if tagged.tag == tag => {
                    return if tagged.body.kind == StatusKind::Ok {
                        Ok(data)
                    } else {
                        Err(io::Error::other(format!(
                            "server said {:?}: {}",
                            tagged.body.kind, tagged.body.text
                        )))
                    };
                }
                Response::Status(Status::Bye(bye)) => {
                    return Err(io::Error::other(format!("BYE {}", bye.text)));
                }
                _ => {}
            }
        }
    }

    fn decode(&self) -> io::Result<Response<'static>> {
        self.fragmentizer
            .decode_message(&ResponseCodec::default())
            .map(IntoBoundedStatic::into_static)
            .map_err(|_| {
                io::Error::other(format!(
                    "undecodable response: {}",
                    String::from_utf8_lossy(
                        &self.fragmentizer.message_bytes()
                            [..self.fragmentizer.message_bytes().len().min(200)]
                    )
                ))
            })
    }
}

fn failure(status: Status<'_>) -> io::Error {
    io::Error::other(format!("command failed: {status:?}"))
}
