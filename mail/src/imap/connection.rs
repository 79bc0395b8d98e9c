//! One IMAP client connection without I/O: commands in, bytes out; bytes
//! in, events out.
//!
//! imap-codec encodes commands and decodes responses; this module owns the
//! message flow around them:
//! * framing of incoming bytes into whole responses ([`super::framing`]),
//!   with a size limit per response;
//! * tags for commands;
//! * synchronizing literals: the rest of a command waits for the server's
//!   `+` continuation, while non-synchronizing ones (LITERAL+) go at once;
//! * pipelining: commands are written back to back, in order, and never
//!   interleaved with a command that waits for a continuation.
//!
//! The driver that owns the socket calls [`ClientConnection::take_output`]
//! and writes the bytes, and feeds what it reads to
//! [`ClientConnection::feed`], then drains [`ClientConnection::next_event`].

use super::framing::Framer;
use bounded_static::IntoBoundedStatic;
use imap_codec::decode::Decoder;
use imap_codec::encode::{Encoder, Fragment};
use imap_codec::imap_types::command::{Command, CommandBody};
use imap_codec::imap_types::core::{LiteralMode, Tag};
use imap_codec::imap_types::response::{
    CommandContinuationRequest, Data, Greeting, Response, Status,
};
use imap_codec::{CommandCodec, GreetingCodec, ResponseCodec};
use std::collections::VecDeque;
use thiserror::Error;

/// Something the server said.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Greeting(Greeting<'static>),
    Data(Data<'static>),
    /// Tagged completion, untagged status, or BYE.
    Status(Status<'static>),
    /// A continuation request that no queued literal was waiting for (e.g.
    /// an AUTHENTICATE challenge).
    Continuation(CommandContinuationRequest<'static>),
}

/// The server broke the protocol; the connection cannot go on.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProtocolError {
    #[error("the server sent a response larger than the limit of {limit} bytes")]
    ResponseTooLarge { limit: u32 },
    #[error("the server sent something that is not IMAP: {excerpt}")]
    Malformed { excerpt: String },
}

/// A command's encoded fragments not yet written, and its tag (none for
/// raw continuation data).
type Pending = (Option<Tag<'static>>, VecDeque<Fragment>);

/// The connection state machine.
pub struct ClientConnection {
    framer: Framer,
    limit: u32,
    greeted: bool,
    next_tag: u64,
    /// Chunks to write, in order; large literals stay their own chunk.
    output: Vec<Vec<u8>>,
    /// The command whose synchronizing literal (at the front) awaits `+`.
    blocked: Option<Pending>,
    /// Commands not yet started, in order.
    queued: VecDeque<Pending>,
}

impl ClientConnection {
    /// A new connection expecting the server's greeting. `max_response_size`
    /// bounds one response (line plus literals) in memory.
    pub fn new(max_response_size: u32) -> Self {
        Self {
            framer: Framer::new(max_response_size as usize),
            limit: max_response_size,
            greeted: false,
            next_tag: 1,
            output: Vec::new(),
            blocked: None,
            queued: VecDeque::new(),
        }
    }

    /// A connection whose greeting was already handled (after STARTTLS).
    pub fn without_greeting(max_response_size: u32) -> Self {
        let mut conn = Self::new(max_response_size);
        conn.greeted = true;
        conn
    }

    /// Queues a command and returns its tag. It goes out as soon as no
    /// earlier command waits for a continuation.
    pub fn enqueue(&mut self, body: CommandBody<'_>) -> Tag<'static> {
        let tag = self.new_tag();
        let command = Command {
            tag: tag.clone(),
            body,
        };
        let fragments = CommandCodec::default().encode(&command).collect();
        self.queued.push_back((Some(tag.clone()), fragments));
        self.pump();
        tag
    }

    /// Queues one MULTIAPPEND (RFC 3502) of `messages` to `mailbox`: one
    /// command, one transaction on the server. imap-types has no MULTIAPPEND,
    /// so each message is encoded by imap-codec as its own APPEND with the
    /// same tag and mailbox; the shared `TAG APPEND mailbox ` prefix is kept
    /// once and the per-message parts (flags, date, literal) follow it, as
    /// RFC 3502's grammar has them. No text comes from anywhere but the
    /// encoder. Returns `None` if the encoding is not as expected (then the
    /// caller appends one by one).
    pub fn enqueue_multiappend(&mut self, bodies: Vec<CommandBody<'_>>) -> Option<Tag<'static>> {
        let tag = self.new_tag();
        let codec = CommandCodec::default();
        let mut combined: VecDeque<Fragment> = VecDeque::new();
        let mut prefix: Option<Vec<u8>> = None;
        let count = bodies.len();
        for (index, body) in bodies.into_iter().enumerate() {
            let CommandBody::Append { mailbox, .. } = &body else {
                return None;
            };
            if prefix.is_none() {
                let probe = CommandBody::append(
                    mailbox.clone(),
                    Vec::new(),
                    None,
                    imap_codec::imap_types::core::Literal::unvalidated(&b"x"[..]).into_non_sync(),
                )
                .ok()?;
                prefix = Some(line_before_probe_literal(&tag, probe)?);
            }
            let expected_prefix = prefix.as_deref()?;
            let mut fragments: VecDeque<Fragment> = codec
                .encode(&Command {
                    tag: tag.clone(),
                    body,
                })
                .collect();
            // Each APPEND is [line with options and announcement, literal, "\r\n"].
            let Some(Fragment::Line { data: last }) = fragments.pop_back() else {
                return None;
            };
            if last != b"\r\n" {
                return None;
            }
            if index > 0 {
                let Some(Fragment::Line { data: first }) = fragments.pop_front() else {
                    return None;
                };
                let options = first.strip_prefix(expected_prefix)?;
                let mut joined = Vec::with_capacity(options.len() + 1);
                joined.push(b' ');
                joined.extend_from_slice(options);
                fragments.push_front(Fragment::Line { data: joined });
            }
            combined.extend(fragments);
            if index + 1 == count {
                combined.push_back(Fragment::Line { data: last });
            }
        }
        if combined.is_empty() {
            return None;
        }
        self.queued.push_back((Some(tag.clone()), combined));
        self.pump();
        Some(tag)
    }

    /// Queues only the first line of an APPEND whose message (of `size`
    /// bytes) the caller will stream itself: `TAG APPEND mailbox (flags)
    /// date {size+}` (or `{size}`, after which the caller waits for `+`).
    /// `probe` is the APPEND encoded with a one-byte non-synchronizing
    /// literal; its announcement is replaced by the real size.
    pub fn enqueue_append_header(
        &mut self,
        probe: CommandBody<'_>,
        size: u64,
        non_sync: bool,
    ) -> Option<Tag<'static>> {
        let tag = self.new_tag();
        let mut line = line_before_probe_literal(&tag, probe)?;
        line.push(b'{');
        line.extend_from_slice(size.to_string().as_bytes());
        if non_sync {
            line.push(b'+');
        }
        line.extend_from_slice(b"}\r\n");
        self.queued.push_back((
            Some(tag.clone()),
            VecDeque::from([Fragment::Line { data: line }]),
        ));
        self.pump();
        Some(tag)
    }

    /// Queues `XLIST "" "*"`, the folder listing of servers that announce
    /// roles through XLIST (older Gmail) rather than SPECIAL-USE. imap-types
    /// has no XLIST: imap-codec encodes `LIST "" "*"` and the command name
    /// is swapped; its `* XLIST` answers are read as `* LIST` (see
    /// [`ClientConnection::next_event`]). No user data is involved.
    pub fn enqueue_xlist(&mut self) -> Option<Tag<'static>> {
        let tag = self.new_tag();
        let list = CommandBody::list("", "*").ok()?;
        let command = Command {
            tag: tag.clone(),
            body: list,
        };
        let mut fragments: VecDeque<Fragment> = CommandCodec::default().encode(&command).collect();
        let Some(Fragment::Line { data }) = fragments.front_mut() else {
            return None;
        };
        let list_prefix = [tag.inner().as_bytes(), b" LIST "].concat();
        let rest = data.strip_prefix(list_prefix.as_slice())?.to_vec();
        *data = [tag.inner().as_bytes(), b" XLIST ", rest.as_slice()].concat();
        self.queued.push_back((Some(tag.clone()), fragments));
        self.pump();
        Some(tag)
    }

    /// Queues bytes that continue the conversation outside a command, such
    /// as an answer to an AUTHENTICATE challenge (encoded by imap-codec's
    /// `AuthenticateDataCodec`).
    pub fn enqueue_bytes(&mut self, bytes: Vec<u8>) {
        self.queued
            .push_back((None, VecDeque::from([Fragment::Line { data: bytes }])));
        self.pump();
    }

    fn new_tag(&mut self) -> Tag<'static> {
        let n = self.next_tag;
        self.next_tag += 1;
        // Tags are ours: "F" and a counter, always a valid atom.
        Tag::try_from(format!("F{n}")).expect("F<digits> is a valid tag")
    }

    /// Starts queued commands until one blocks on a synchronizing literal.
    fn pump(&mut self) {
        while self.blocked.is_none() {
            let Some(pending) = self.queued.pop_front() else {
                return;
            };
            self.write(pending);
        }
    }

    /// Writes fragments until a synchronizing literal, which must wait for
    /// the server's `+`: the command is then parked in `blocked`.
    fn write(&mut self, (tag, mut fragments): Pending) {
        while let Some(fragment) = fragments.front() {
            if let Fragment::Literal {
                mode: LiteralMode::Sync,
                ..
            } = fragment
            {
                self.blocked = Some((tag, fragments));
                return;
            }
            match fragments.pop_front() {
                Some(Fragment::Line { data } | Fragment::Literal { data, .. }) => {
                    self.push_output(data)
                }
                None => unreachable!("front() was Some"),
            }
        }
    }

    /// The server said `+`: send the parked literal and what follows it.
    fn continue_blocked(&mut self) {
        if let Some((tag, mut fragments)) = self.blocked.take() {
            if let Some(Fragment::Literal { data, .. }) = fragments.pop_front() {
                self.push_output(data);
            }
            self.write((tag, fragments));
            self.pump();
        }
    }

    /// Small pieces are joined; large ones (message literals) are moved
    /// as they are, never copied again.
    fn push_output(&mut self, data: Vec<u8>) {
        const JOIN_BELOW: usize = 16 * 1024;
        match self.output.last_mut() {
            Some(last) if data.len() < JOIN_BELOW && last.len() < JOIN_BELOW => {
                last.extend_from_slice(&data)
            }
            _ => self.output.push(data),
        }
    }

    /// Chunks to write to the server now, in order (possibly none).
    pub fn take_output(&mut self) -> Vec<Vec<u8>> {
        std::mem::take(&mut self.output)
    }

    /// True while a command waits for the server's continuation.
    pub fn is_blocked(&self) -> bool {
        self.blocked.is_some()
    }

    /// Hands bytes read from the server to the connection.
    pub fn feed(&mut self, bytes: &[u8]) {
        self.framer.feed(bytes);
    }

    /// The next complete event, `Ok(None)` when more bytes are needed.
    pub fn next_event(&mut self) -> Result<Option<Event>, ProtocolError> {
        loop {
            let range = match self.framer.next_response() {
                Ok(Some(range)) => range,
                Ok(None) => return Ok(None),
                Err(_) => return Err(ProtocolError::ResponseTooLarge { limit: self.limit }),
            };
            let bytes = &self.framer.bytes()[range];
            let event = if self.greeted {
                match bytes.strip_prefix(b"* XLIST ") {
                    // XLIST's answer has LIST's grammar under another name.
                    Some(rest) => decode_response(&[b"* LIST ", rest].concat())?,
                    None => decode_response(bytes)?,
                }
            } else {
                let greeting = decode_greeting(bytes)?;
                self.greeted = true;
                Event::Greeting(greeting)
            };
            match &event {
                Event::Continuation(_) if self.blocked.is_some() => {
                    self.continue_blocked();
                    continue;
                }
                Event::Status(Status::Tagged(tagged)) => {
                    // Refused before its literal was accepted: the rest of
                    // that command is never sent.
                    let refused = self
                        .blocked
                        .as_ref()
                        .is_some_and(|(tag, _)| tag.as_ref() == Some(&tagged.tag));
                    if refused {
                        self.blocked = None;
                        self.pump();
                    }
                }
                _ => {}
            }
            return Ok(Some(event));
        }
    }
}

/// Encodes `probe` (an APPEND with a one-byte non-synchronizing literal)
/// under `tag` and returns its first line without the `{1+}` announcement:
/// `TAG APPEND mailbox (flags) date `, every piece encoded by imap-codec.
fn line_before_probe_literal(tag: &Tag<'static>, probe: CommandBody<'_>) -> Option<Vec<u8>> {
    let command = Command {
        tag: tag.clone(),
        body: probe,
    };
    match CommandCodec::default().encode(&command).next()? {
        Fragment::Line { data } => Some(data.strip_suffix(b"{1+}\r\n")?.to_vec()),
        Fragment::Literal { .. } => None,
    }
}

fn decode_greeting(bytes: &[u8]) -> Result<Greeting<'static>, ProtocolError> {
    match GreetingCodec::default().decode(bytes) {
        Ok((&[], greeting)) => Ok(greeting.into_static()),
        _ => Err(malformed(bytes)),
    }
}

fn decode_response(bytes: &[u8]) -> Result<Event, ProtocolError> {
    match ResponseCodec::default().decode(bytes) {
        Ok((&[], response)) => Ok(match response {
            Response::Data(data) => Event::Data(data.into_static()),
            Response::Status(status) => Event::Status(status.into_static()),
            Response::CommandContinuationRequest(cont) => Event::Continuation(cont.into_static()),
        }),
        _ => Err(malformed(bytes)),
    }
}

fn malformed(bytes: &[u8]) -> ProtocolError {
    let shown = &bytes[..bytes.len().min(120)];
    ProtocolError::Malformed {
        excerpt: String::from_utf8_lossy(shown).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use imap_codec::imap_types::core::Literal;
    use imap_codec::imap_types::response::StatusKind;

    fn out(conn: &mut ClientConnection) -> Vec<u8> {
        conn.take_output().concat()
    }

    fn greeted() -> ClientConnection {
        let mut conn = ClientConnection::new(1024 * 1024);
        conn.feed(b"* OK [CAPABILITY IMAP4rev1 LITERAL+] ready\r\n");
        assert!(matches!(conn.next_event(), Ok(Some(Event::Greeting(_)))));
        conn
    }

    fn tagged(event: Option<Event>) -> (String, StatusKind) {
        match event {
            Some(Event::Status(Status::Tagged(t))) => (t.tag.inner().to_string(), t.body.kind),
            other => panic!("expected a tagged status, got {other:?}"),
        }
    }

    #[test]
    fn xlist_is_sent_and_its_answers_read_as_list() {
        let mut conn = greeted();
        conn.enqueue_xlist().expect("XLIST encodes");
        assert_eq!(out(&mut conn), b"F1 XLIST \"\" *\r\n");
        conn.feed(b"* XLIST (\\HasNoChildren \\Inbox) \"/\" \"Inbox\"\r\n");
        conn.feed(b"* XLIST (\\HasNoChildren \\Sent) \"/\" \"[Gmail]/Gesendet\"\r\nF1 OK done\r\n");
        let mut names = Vec::new();
        while let Ok(Some(Event::Data(Data::List { mailbox, items, .. }))) = conn.next_event() {
            let attributes: Vec<String> = items.iter().map(|a| a.to_string()).collect();
            names.push((format!("{mailbox:?}"), attributes));
        }
        assert_eq!(names.len(), 2, "{names:?}");
        assert!(names[0].1.contains(&"\\Inbox".to_string()), "{names:?}");
        assert!(names[1].0.contains("[Gmail]/Gesendet"), "{names:?}");
        assert!(names[1].1.contains(&"\\Sent".to_string()), "{names:?}");
    }

    #[test]
    fn commands_are_pipelined_with_their_own_tags() {
        let mut conn = greeted();
        conn.enqueue(CommandBody::Noop);
        conn.enqueue(CommandBody::Capability);
        assert_eq!(out(&mut conn), b"F1 NOOP\r\nF2 CAPABILITY\r\n");
        conn.feed(b"F1 OK done\r\n* CAPABILITY IMAP4rev1\r\nF2 OK done\r\n");
        assert_eq!(
            tagged(conn.next_event().unwrap()),
            ("F1".into(), StatusKind::Ok)
        );
        assert!(matches!(
            conn.next_event(),
            Ok(Some(Event::Data(Data::Capability(_))))
        ));
        assert_eq!(
            tagged(conn.next_event().unwrap()),
            ("F2".into(), StatusKind::Ok)
        );
        assert_eq!(conn.next_event(), Ok(None));
    }

    #[test]
    fn a_synchronizing_literal_waits_for_the_continuation() {
        let mut conn = greeted();
        let message = Literal::try_from(b"Subject: hi\r\n\r\nbody".to_vec()).unwrap();
        conn.enqueue(CommandBody::append("INBOX", vec![], None, message).unwrap());
        conn.enqueue(CommandBody::Noop);
        assert_eq!(out(&mut conn), b"F1 APPEND INBOX {19}\r\n");
        assert!(conn.is_blocked());
        // Bytes arriving in pieces make no difference.
        conn.feed(b"+ go");
        assert_eq!(conn.next_event(), Ok(None));
        conn.feed(b" ahead\r\n");
        assert_eq!(conn.next_event(), Ok(None));
        assert_eq!(out(&mut conn), b"Subject: hi\r\n\r\nbody\r\nF2 NOOP\r\n");
        assert!(!conn.is_blocked());
    }

    #[test]
    fn multiappend_joins_messages_in_one_command() {
        use imap_codec::imap_types::flag::Flag;
        let mut conn = greeted();
        let a = CommandBody::append(
            "Sent Items",
            vec![Flag::Seen],
            None,
            Literal::unvalidated(&b"one"[..]).into_non_sync(),
        )
        .unwrap();
        let b = CommandBody::append(
            "Sent Items",
            vec![],
            None,
            Literal::unvalidated(&b"two!"[..]).into_non_sync(),
        )
        .unwrap();
        let tag = conn.enqueue_multiappend(vec![a, b]).unwrap();
        assert_eq!(tag.inner(), "F1");
        assert_eq!(
            out(&mut conn),
            b"F1 APPEND \"Sent Items\" (\\Seen) {3+}\r\none {4+}\r\ntwo!\r\n".to_vec()
        );
    }

    #[test]
    fn a_streamed_append_announces_the_real_size() {
        let mut conn = greeted();
        let probe = CommandBody::append(
            "INBOX",
            vec![],
            None,
            Literal::unvalidated(&b"x"[..]).into_non_sync(),
        )
        .unwrap();
        let tag = conn.enqueue_append_header(probe, 20_000_000, true).unwrap();
        assert_eq!(tag.inner(), "F1");
        assert_eq!(out(&mut conn), b"F1 APPEND INBOX {20000000+}\r\n".to_vec());
    }

    #[test]
    fn a_non_synchronizing_literal_goes_at_once() {
        let mut conn = greeted();
        let message = Literal::try_from(b"x".to_vec()).unwrap().into_non_sync();
        conn.enqueue(CommandBody::append("INBOX", vec![], None, message).unwrap());
        conn.enqueue(CommandBody::Noop);
        assert_eq!(out(&mut conn), b"F1 APPEND INBOX {1+}\r\nx\r\nF2 NOOP\r\n");
    }

    #[test]
    fn a_refused_literal_does_not_stall_the_queue() {
        let mut conn = greeted();
        let message = Literal::try_from(b"too big".to_vec()).unwrap();
        conn.enqueue(CommandBody::append("INBOX", vec![], None, message).unwrap());
        conn.enqueue(CommandBody::Noop);
        let _ = out(&mut conn);
        conn.feed(b"F1 NO [TOOBIG] message too large\r\n");
        assert_eq!(
            tagged(conn.next_event().unwrap()),
            ("F1".into(), StatusKind::No)
        );
        assert_eq!(out(&mut conn), b"F2 NOOP\r\n");
    }

    #[test]
    fn fetch_literals_are_framed_across_reads() {
        let mut conn = greeted();
        let response = b"* 1 FETCH (UID 7 BODY[] {5}\r\nab\r\nc)\r\n";
        for byte in response {
            assert_eq!(conn.next_event(), Ok(None));
            conn.feed(&[*byte]);
        }
        match conn.next_event() {
            Ok(Some(Event::Data(Data::Fetch { seq, items }))) => {
                assert_eq!(seq.get(), 1);
                assert_eq!(items.as_ref().len(), 2);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn oversized_and_malformed_responses_are_errors() {
        let mut conn = ClientConnection::new(64);
        conn.feed(b"* OK hi\r\n");
        assert!(conn.next_event().unwrap().is_some());
        conn.feed(b"* 1 FETCH (BODY[] {100}\r\n");
        conn.feed(&[b'a'; 100]);
        conn.feed(b")\r\n");
        assert_eq!(
            conn.next_event(),
            Err(ProtocolError::ResponseTooLarge { limit: 64 })
        );

        let mut conn = greeted();
        conn.feed(b"HTTP/1.1 400 Bad Request\r\n");
        assert!(matches!(
            conn.next_event(),
            Err(ProtocolError::Malformed { .. })
        ));
    }
}
