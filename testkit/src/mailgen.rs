//! A seeded mailbox generator: the same seed gives the same mailbox, byte
//! for byte, so tests and benchmarks are repeatable.
//!
//! The mailbox has what real ones have and naive copy tools get wrong:
//! nested folders, names with spaces and non-ASCII letters, a name holding
//! the other server's separator; median ~20 KB messages and a few of many
//! megabytes; system flags and keywords; INTERNALDATEs over ten years in
//! several time zones; messages without Message-ID, several sharing one,
//! byte-identical duplicates; raw 8-bit headers; bare-LF line endings.

use chrono::{DateTime, FixedOffset, TimeZone};

/// What to generate.
#[derive(Debug, Clone)]
pub struct MailboxSpec {
    pub seed: u64,
    /// Ordinary messages over all folders.
    pub messages: usize,
    /// Additional large messages (attachments), in INBOX and Sent.
    pub large_messages: usize,
    /// Size range of the large ones, in bytes.
    pub large_size: (usize, usize),
}

impl MailboxSpec {
    /// Small enough for CI: 150 messages, one of 2–3 MB.
    pub fn small(seed: u64) -> Self {
        Self {
            seed,
            messages: 150,
            large_messages: 1,
            large_size: (2 << 20, 3 << 20),
        }
    }

    /// The benchmark mailbox: 10,000 messages (~480 MB), 5 of 5–20 MB.
    pub fn benchmark(seed: u64) -> Self {
        Self {
            seed,
            messages: 10_000,
            large_messages: 5,
            large_size: (5 << 20, 20 << 20),
        }
    }
}

/// A folder: its path components (`["INBOX"]` for the inbox) and messages.
#[derive(Debug, Clone)]
pub struct GeneratedFolder {
    pub path: Vec<String>,
    /// Special-use role the folder plays, e.g. `\Sent`.
    pub role: Option<&'static str>,
    pub messages: Vec<GeneratedMessage>,
}

/// One message as it is appended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedMessage {
    pub bytes: Vec<u8>,
    /// `\Seen`, `$Forwarded`, …
    pub flags: Vec<String>,
    pub internal_date: DateTime<FixedOffset>,
}

/// The folders of every generated mailbox, with the share of messages each
/// gets (per mille) and its role.
pub const FOLDERS: &[(&[&str], u32, Option<&str>)] = &[
    (&["INBOX"], 350, None),
    (&["Sent Items"], 120, Some("\\Sent")),
    (&["Drafts"], 20, Some("\\Drafts")),
    (&["Trash"], 40, Some("\\Trash")),
    (&["Junk"], 30, Some("\\Junk")),
    (&["Archive"], 60, Some("\\Archive")),
    (&["Archive", "2023"], 60, None),
    (&["Archive", "2024"], 60, None),
    (&["Projects"], 40, None),
    (&["Projects", "Ferry"], 60, None),
    (&["Projects", "Ferry", "Specs"], 30, None),
    (&["Kunden Übersicht"], 40, None),
    (&["Réunions"], 40, None),
    (&["日本語"], 30, None),
    (&["Q1/Q2 Reports"], 40, None),
];

/// SplitMix64: small, fast, good enough for test data, fully reproducible.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// Roughly normal with mean 0 and deviation 1 (sum of 12 uniforms).
    fn normal(&mut self) -> f64 {
        (0..12)
            .map(|_| self.below(1_000_000) as f64 / 1_000_000.0)
            .sum::<f64>()
            - 6.0
    }
}

const WORDS: &[&str] = &[
    "migration",
    "server",
    "calendar",
    "meeting",
    "budget",
    "report",
    "review",
    "project",
    "deadline",
    "invoice",
    "customer",
    "update",
    "planning",
    "draft",
    "contract",
    "team",
    "schedule",
    "agenda",
    "notes",
    "proposal",
    "über",
    "réunion",
    "naïve",
    "café",
    "日本",
];
const PEOPLE: &[(&str, &str)] = &[
    ("Ana Lima", "ana@example.net"),
    ("Ben Okafor", "ben@example.com"),
    ("Chloé Martin", "chloe@example.fr"),
    ("Jan Kowalski", "jan@kowalski.example"),
    ("Zygmunt Furmaniuk", "zyg@sumatra.example"),
];
const ZONES: &[i32] = &[0, 3600, 7200, -5 * 3600, 19800, 9 * 3600];
const KEYWORDS: &[&str] = &["$Forwarded", "$Label1", "Work", "$MDNSent"];

/// Generates the whole mailbox described by `spec`.
pub fn generate(spec: &MailboxSpec) -> Vec<GeneratedFolder> {
    let mut rng = Rng::new(spec.seed);
    let mut folders: Vec<GeneratedFolder> = FOLDERS
        .iter()
        .map(|(path, _, role)| GeneratedFolder {
            path: path.iter().map(|c| c.to_string()).collect(),
            role: *role,
            messages: Vec::new(),
        })
        .collect();
    let total_share: u32 = FOLDERS.iter().map(|(_, share, _)| share).sum();
    let mut serial = 0u64;
    for (index, (_, share, role)) in FOLDERS.iter().enumerate() {
        let count = spec.messages * *share as usize / total_share as usize;
        for _ in 0..count {
            serial += 1;
            let size = ordinary_size(&mut rng);
            let message = message(&mut rng, serial, size, *role);
            folders[index].messages.push(message);
        }
    }
    // Messages sharing a Message-ID: resends with other content, and
    // byte-identical duplicates (a common result of old client bugs).
    for folder in folders.iter_mut().filter(|f| f.messages.len() > 4) {
        // The first message with a Message-ID is duplicated and resent.
        let Some(first) = folder
            .messages
            .iter()
            .position(|m| message_id(&m.bytes).is_some())
        else {
            continue;
        };
        let original = folder.messages[first].clone();
        let mut twin = original.clone();
        twin.flags = vec!["\\Seen".to_string()];
        folder.messages.push(twin);
        folder.messages.push(original.clone());
        let resend_id = message_id(&original.bytes);
        if let Some(id) = resend_id {
            serial += 1;
            let mut resend = message(&mut rng, serial, 2_000, None);
            resend.bytes = replace_message_id(&resend.bytes, &id);
            folder.messages.push(resend);
        }
    }
    for n in 0..spec.large_messages {
        serial += 1;
        let (low, high) = spec.large_size;
        let size = low + rng.below((high - low).max(1) as u64) as usize;
        let target = if n % 2 == 0 { 0 } else { 1 };
        let message = message(&mut rng, serial, size, None);
        folders[target].messages.push(message);
    }
    folders
}

fn ordinary_size(rng: &mut Rng) -> usize {
    // Log-normal with a median of 20 KB and a long tail (σ = 1.25, mean
    // ≈ 43 KB, as in real mailboxes), clipped to 600 B … 1.5 MB.
    let size = (20_000f64.ln() + 1.25 * rng.normal()).exp();
    size.clamp(600.0, 1_500_000.0) as usize
}

fn message(rng: &mut Rng, serial: u64, size: usize, role: Option<&str>) -> GeneratedMessage {
    let offset = FixedOffset::east_opt(*rng.pick(ZONES)).expect("valid offset");
    let seconds = 1_420_070_400 + rng.below(11 * 365 * 86_400) as i64; // 2015 … 2026
    let date = offset
        .timestamp_opt(seconds, 0)
        .single()
        .expect("valid date");
    let (name, address) = *rng.pick(PEOPLE);
    let eol: &str = if rng.chance(3) { "\n" } else { "\r\n" };
    let subject: Vec<&str> = (0..3 + rng.below(5)).map(|_| *rng.pick(WORDS)).collect();
    let mut head = String::new();
    let mut line = |text: String| {
        head.push_str(&text);
        head.push_str(eol);
    };
    line(format!(
        "Received: from mx{0}.example.net (mx{0}.example.net [192.0.2.{0}]) by mail.example.org with ESMTP id {serial:x}; {1}",
        serial % 200,
        date.to_rfc2822()
    ));
    line(format!("Date: {}", date.to_rfc2822()));
    line(format!("From: {name} <{address}>"));
    line("To: Alice <alice@example.org>".to_string());
    line(format!("Subject: {} #{serial}", subject.join(" ")));
    if !rng.chance(5) {
        line(format!(
            "Message-ID: <{serial}.{:x}@example.net>",
            rng.next_u64()
        ));
    }
    line("MIME-Version: 1.0".to_string());
    let mut bytes = head.into_bytes();
    if size > 1_000_000 {
        let boundary = format!("ferry-{serial}");
        let mut body = format!(
            "Content-Type: multipart/mixed; boundary=\"{boundary}\"{eol}{eol}--{boundary}{eol}Content-Type: text/plain; charset=utf-8{eol}{eol}See the attachment.{eol}--{boundary}{eol}Content-Type: application/octet-stream{eol}Content-Transfer-Encoding: base64{eol}Content-Disposition: attachment; filename=\"data-{serial}.bin\"{eol}{eol}"
        );
        const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        while body.len() < size {
            let line: String = (0..76)
                .map(|_| B64[rng.below(64) as usize] as char)
                .collect();
            body.push_str(&line);
            body.push_str(eol);
        }
        body.push_str(&format!("--{boundary}--{eol}"));
        bytes.extend_from_slice(body.as_bytes());
    } else {
        bytes.extend_from_slice(format!("Content-Type: text/plain; charset=utf-8{eol}Content-Transfer-Encoding: 8bit{eol}{eol}").as_bytes());
        while bytes.len() < size {
            let words: Vec<&str> = (0..12).map(|_| *rng.pick(WORDS)).collect();
            bytes.extend_from_slice(words.join(" ").as_bytes());
            bytes.extend_from_slice(eol.as_bytes());
        }
    }
    let mut flags = Vec::new();
    if rng.chance(70) {
        flags.push("\\Seen".to_string());
    }
    if rng.chance(15) {
        flags.push("\\Answered".to_string());
    }
    if rng.chance(8) {
        flags.push("\\Flagged".to_string());
    }
    if role == Some("\\Drafts") {
        flags.push("\\Draft".to_string());
    }
    if rng.chance(10) {
        flags.push(rng.pick(KEYWORDS).to_string());
    }
    GeneratedMessage {
        bytes,
        flags,
        internal_date: date,
    }
}

/// The Message-ID header's value, if any.
pub fn message_id(bytes: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(bytes);
    text.lines()
        .take_while(|l| !l.trim().is_empty())
        .find_map(|l| l.strip_prefix("Message-ID: ").map(|v| v.trim().to_string()))
}

fn replace_message_id(bytes: &[u8], id: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let mut out = String::new();
    let mut replaced = false;
    for line in text.split_inclusive('\n') {
        if !replaced && line.starts_with("Message-ID: ") {
            let eol = if line.ends_with("\r\n") { "\r\n" } else { "\n" };
            out.push_str(&format!("Message-ID: {id}{eol}"));
            replaced = true;
        } else {
            out.push_str(line);
        }
    }
    if !replaced {
        // The message had none: give it the shared one.
        let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
        out.insert_str(0, &format!("Message-ID: {id}{eol}"));
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_mailbox_and_the_awkward_cases_are_there() {
        let a = generate(&MailboxSpec::small(7));
        let b = generate(&MailboxSpec::small(7));
        assert_eq!(a.len(), 15);
        let flat = |m: &[GeneratedFolder]| -> Vec<Vec<u8>> {
            m.iter()
                .flat_map(|f| f.messages.iter().map(|m| m.bytes.clone()))
                .collect()
        };
        assert_eq!(flat(&a), flat(&b));
        let all: Vec<&GeneratedMessage> = a.iter().flat_map(|f| &f.messages).collect();
        assert!(all.len() >= 150);
        assert!(
            all.iter().any(|m| message_id(&m.bytes).is_none()),
            "some lack a Message-ID"
        );
        assert!(
            all.iter().any(|m| m.bytes.len() > 2 << 20),
            "a large message"
        );
        assert!(
            all.iter()
                .any(|m| !m.bytes.windows(2).any(|w| w == b"\r\n")),
            "bare LF"
        );
        assert!(
            all.iter()
                .any(|m| m.flags.iter().any(|f| !f.starts_with('\\'))),
            "keywords"
        );
        let inbox = &a[0].messages;
        let first = &inbox
            .iter()
            .find(|m| message_id(&m.bytes).is_some())
            .unwrap()
            .bytes;
        assert!(
            inbox.iter().filter(|m| &m.bytes == first).count() >= 3,
            "byte-identical duplicates"
        );
        let id = message_id(first).unwrap();
        assert!(
            inbox
                .iter()
                .filter(|m| message_id(&m.bytes).as_deref() == Some(&id))
                .count()
                >= 4
        );
        let mut sizes: Vec<usize> = all.iter().map(|m| m.bytes.len()).collect();
        sizes.sort();
        let median = sizes[sizes.len() / 2];
        assert!((8_000..50_000).contains(&median), "median {median}");
    }
}
