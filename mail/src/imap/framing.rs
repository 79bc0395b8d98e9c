//! Splits the bytes a server sends into whole responses: lines, plus the
//! literals their lines announce (`{42}`, `{42+}`, `~{42}`).
//!
//! Only the framing is done here; the grammar is imap-codec's. Framing is
//! done on one contiguous buffer with `memchr`, so a 20 MB FETCH literal is
//! taken as a slice rather than byte by byte (imap-codec's own fragmentizer
//! moves bytes one at a time through a `VecDeque`, which dominated Ferry's
//! copy time).

use std::ops::Range;

/// Accumulates bytes and yields complete responses.
#[derive(Debug)]
pub struct Framer {
    buffer: Vec<u8>,
    /// Start of the current (incomplete) response in `buffer`.
    start: usize,
    /// How far the current response has been scanned.
    scanned: usize,
    /// Literal bytes still expected before scanning resumes.
    literal_left: usize,
    limit: usize,
}

/// A response that grew past the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLarge;

impl Framer {
    pub fn new(limit: usize) -> Self {
        Self {
            buffer: Vec::new(),
            start: 0,
            scanned: 0,
            literal_left: 0,
            limit,
        }
    }

    /// Adds bytes read from the server.
    pub fn feed(&mut self, bytes: &[u8]) {
        // Drop consumed bytes before growing, so the buffer stays about the
        // size of the largest response.
        if self.start > 0 && self.start >= self.buffer.len() / 2 {
            self.buffer.drain(..self.start);
            self.scanned -= self.start;
            self.start = 0;
            // After a large response, give the memory back.
            const KEEP: usize = 1 << 20;
            if self.buffer.capacity() > 4 * KEEP && self.buffer.len() < KEEP {
                self.buffer.shrink_to(KEEP);
            }
        }
        self.buffer.extend_from_slice(bytes);
    }

    /// The next complete response, if the bytes for one have arrived. The
    /// range indexes [`Framer::bytes`] and is valid until the next call of
    /// `feed` or `next_response`.
    pub fn next_response(&mut self) -> Result<Option<Range<usize>>, TooLarge> {
        loop {
            if self.literal_left > 0 {
                let available = self.buffer.len() - self.scanned;
                if available < self.literal_left {
                    return Ok(None);
                }
                self.scanned += self.literal_left;
                self.literal_left = 0;
            }
            let Some(newline) = memchr::memchr(b'\n', &self.buffer[self.scanned..]) else {
                self.check_limit(self.buffer.len())?;
                return Ok(None);
            };
            let line_end = self.scanned + newline + 1;
            let line = &self.buffer[self.scanned..line_end];
            self.scanned = line_end;
            if let Some(length) = literal_announcement(line) {
                self.literal_left = length;
                self.check_limit(self.scanned + length)?;
                continue;
            }
            self.check_limit(line_end)?;
            let range = self.start..line_end;
            self.start = line_end;
            return Ok(Some(range));
        }
    }

    fn check_limit(&self, end: usize) -> Result<(), TooLarge> {
        if end - self.start > self.limit {
            Err(TooLarge)
        } else {
            Ok(())
        }
    }

    /// The buffer that ranges from [`Framer::next_response`] index.
    pub fn bytes(&self) -> &[u8] {
        &self.buffer
    }
}

/// The length announced at the end of a line: `{N}`, `{N+}` or `{N-}`
/// before CRLF (or a bare LF).
fn literal_announcement(line: &[u8]) -> Option<usize> {
    let line = line.strip_suffix(b"\n")?;
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let inner = line.strip_suffix(b"}")?;
    let open = inner.iter().rposition(|b| *b == b'{')?;
    let digits = &inner[open + 1..];
    let digits = digits
        .strip_suffix(b"+")
        .or_else(|| digits.strip_suffix(b"-"))
        .unwrap_or(digits);
    if digits.is_empty() || digits.len() > 10 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(framer: &mut Framer) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        while let Some(range) = framer.next_response().unwrap() {
            out.push(framer.bytes()[range].to_vec());
        }
        out
    }

    #[test]
    fn lines_and_literals_make_whole_responses() {
        let mut framer = Framer::new(1 << 20);
        framer
            .feed(b"* OK hi\r\n* 1 FETCH (BODY[] {11}\r\nab\r\n{3}\r\nxy UID 4)\r\nA1 OK done\r\n");
        assert_eq!(
            all(&mut framer),
            [
                b"* OK hi\r\n".to_vec(),
                b"* 1 FETCH (BODY[] {11}\r\nab\r\n{3}\r\nxy UID 4)\r\n".to_vec(),
                b"A1 OK done\r\n".to_vec(),
            ]
        );
    }

    #[test]
    fn pieces_arriving_one_byte_at_a_time() {
        let input = b"* 1 FETCH (BODY[] {5+}\r\nhello BINARY[] ~{2}\r\n\0\x01)\r\n* 2 EXISTS\r\n";
        let mut framer = Framer::new(1 << 20);
        let mut got = Vec::new();
        for byte in input {
            framer.feed(&[*byte]);
            got.extend(all(&mut framer));
        }
        assert_eq!(got.len(), 2);
        assert_eq!(got[0], input[..input.len() - 12].to_vec());
    }

    #[test]
    fn the_limit_counts_announced_literals() {
        let mut framer = Framer::new(100);
        framer.feed(b"* 1 FETCH (BODY[] {1000}\r\n");
        assert_eq!(framer.next_response(), Err(TooLarge));
        let mut framer = Framer::new(10);
        framer.feed(b"* a very long line without end");
        assert_eq!(framer.next_response(), Err(TooLarge));
    }

    #[test]
    fn braces_that_are_not_announcements_are_text() {
        assert_eq!(literal_announcement(b"* OK {x}\r\n"), None);
        assert_eq!(literal_announcement(b"* OK {}\r\n"), None);
        assert_eq!(literal_announcement(b"* OK {12}\r\n"), Some(12));
        assert_eq!(literal_announcement(b"* OK {12}\n"), Some(12));
        assert_eq!(literal_announcement(b"* OK {99999999999}\r\n"), None);
    }
}
