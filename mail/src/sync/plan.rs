//! The per-folder plan, without I/O: given what the source holds, what the
//! state says was already copied, and what the target holds that the state
//! does not know, decide what to copy, whose flags to update, and what to
//! skip and why.
//!
//! Exactly-once rests on two facts: every copy is recorded with its target
//! UID (APPENDUID), and target messages the state does not know — from an
//! earlier tool, or an APPEND whose answer was lost when a run was killed —
//! are matched to source messages by a header signature, counting, so that
//! true duplicates in the source still arrive as often as they exist.

use std::collections::{BTreeSet, HashMap};

/// A source message as listed (no body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceMessage {
    pub uid: u32,
    pub flags: BTreeSet<String>,
    pub size: u32,
    /// INTERNALDATE as seconds since the epoch.
    pub internal_date: i64,
}

/// A message the state says was copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopiedMessage {
    pub target_uid: u32,
    /// Flags as last written to the target.
    pub flags: BTreeSet<String>,
}

/// Identifies a message across servers without its body: Message-ID, Date,
/// size and first Received header. Messages without any of them still have
/// a signature (size and the others' absence), so they match by count.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Signature {
    pub message_id: Option<String>,
    pub date: Option<String>,
    pub size: u32,
    pub received: Option<String>,
}

impl Signature {
    /// Builds a signature from the header block (at least Message-ID, Date
    /// and Received fields) and the message's size.
    pub fn from_headers(headers: &[u8], size: u32) -> Self {
        let text = String::from_utf8_lossy(headers);
        let mut fields: HashMap<String, String> = HashMap::new();
        let mut current: Option<(String, String)> = None;
        for line in text.split('\n') {
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.starts_with([' ', '\t']) {
                if let Some((_, value)) = current.as_mut() {
                    value.push(' ');
                    value.push_str(line.trim());
                }
                continue;
            }
            if let Some((name, value)) = current.take() {
                fields.entry(name).or_insert(value);
            }
            if let Some((name, value)) = line.split_once(':') {
                current = Some((name.trim().to_ascii_lowercase(), value.trim().to_string()));
            }
        }
        if let Some((name, value)) = current.take() {
            fields.entry(name).or_insert(value);
        }
        Self {
            message_id: fields.remove("message-id"),
            date: fields.remove("date"),
            size,
            received: fields.remove("received"),
        }
    }
}

/// Why a source message is not copied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SkipReason {
    TooLarge,
    TooSmall,
    TooOld,
    TooNew,
}

/// Filters on messages, as imapsync's --maxsize, --minsize, --maxage,
/// --minage. Ages are in days, compared with INTERNALDATE.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MessageFilter {
    pub max_size: Option<u32>,
    pub min_size: Option<u32>,
    pub max_age_days: Option<u32>,
    pub min_age_days: Option<u32>,
}

impl MessageFilter {
    fn check(&self, message: &SourceMessage, now: i64) -> Option<SkipReason> {
        let age_days = (now - message.internal_date) / 86_400;
        if self.max_size.is_some_and(|max| message.size > max) {
            Some(SkipReason::TooLarge)
        } else if self.min_size.is_some_and(|min| message.size < min) {
            Some(SkipReason::TooSmall)
        } else if self
            .max_age_days
            .is_some_and(|max| age_days > i64::from(max))
        {
            Some(SkipReason::TooOld)
        } else if self
            .min_age_days
            .is_some_and(|min| age_days < i64::from(min))
        {
            Some(SkipReason::TooNew)
        } else {
            None
        }
    }
}

/// What to do in one folder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FolderPlan {
    /// Source UIDs to copy, ascending.
    pub copy: Vec<u32>,
    /// `(target UID, flags to set)` for copied messages whose source flags
    /// changed since.
    pub update_flags: Vec<(u32, BTreeSet<String>)>,
    /// Source UIDs found already on the target (by signature), with the
    /// target UID they match: recorded without copying.
    pub adopt: Vec<(u32, u32)>,
    pub skipped: Vec<(u32, SkipReason)>,
}

/// First stage: sort source messages into known (maybe with changed flags),
/// filtered out, and candidates to copy.
pub fn classify(
    source: &[SourceMessage],
    copied: &HashMap<u32, CopiedMessage>,
    filter: &MessageFilter,
    now: i64,
) -> FolderPlan {
    let mut plan = FolderPlan::default();
    for message in source {
        if let Some(known) = copied.get(&message.uid) {
            if known.flags != message.flags {
                plan.update_flags
                    .push((known.target_uid, message.flags.clone()));
            }
            continue;
        }
        match filter.check(message, now) {
            Some(reason) => plan.skipped.push((message.uid, reason)),
            None => plan.copy.push(message.uid),
        }
    }
    plan.copy.sort_unstable();
    plan
}

/// Second stage, only when the target holds messages the state does not
/// know: candidates whose signature matches such a message are adopted
/// instead of copied, one target message per source message.
pub fn reconcile(
    plan: &mut FolderPlan,
    candidates: &[(u32, Signature)],
    unknown_on_target: &[(u32, Signature)],
) {
    let mut available: HashMap<&Signature, Vec<u32>> = HashMap::new();
    for (target_uid, signature) in unknown_on_target {
        available.entry(signature).or_default().push(*target_uid);
    }
    for list in available.values_mut() {
        list.sort_unstable_by(|a, b| b.cmp(a)); // pop() yields the lowest
    }
    let mut adopted = Vec::new();
    for (source_uid, signature) in candidates {
        if let Some(target_uid) = available.get_mut(signature).and_then(Vec::pop) {
            adopted.push((*source_uid, target_uid));
        }
    }
    let adopted_sources: BTreeSet<u32> = adopted.iter().map(|(s, _)| *s).collect();
    plan.copy.retain(|uid| !adopted_sources.contains(uid));
    plan.adopt.extend(adopted);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(uid: u32, flags: &[&str], size: u32) -> SourceMessage {
        SourceMessage {
            uid,
            flags: flags.iter().map(|f| f.to_string()).collect(),
            size,
            internal_date: 1_700_000_000,
        }
    }

    fn copied(target_uid: u32, flags: &[&str]) -> CopiedMessage {
        CopiedMessage {
            target_uid,
            flags: flags.iter().map(|f| f.to_string()).collect(),
        }
    }

    #[test]
    fn known_messages_are_not_copied_again_but_flag_changes_are_carried() {
        let source = [msg(1, &["\\Seen"], 10), msg(2, &[], 10), msg(3, &[], 10)];
        let state = HashMap::from([(1, copied(11, &[])), (2, copied(12, &[]))]);
        let plan = classify(&source, &state, &MessageFilter::default(), 1_700_000_000);
        assert_eq!(plan.copy, [3]);
        assert_eq!(
            plan.update_flags,
            [(11, BTreeSet::from(["\\Seen".to_string()]))]
        );
    }

    #[test]
    fn filters_skip_with_reasons() {
        let mut old = msg(4, &[], 10);
        old.internal_date = 1_700_000_000 - 400 * 86_400;
        let source = [msg(1, &[], 5_000_000), msg(2, &[], 10), old];
        let filter = MessageFilter {
            max_size: Some(1_000_000),
            max_age_days: Some(365),
            ..MessageFilter::default()
        };
        let plan = classify(&source, &HashMap::new(), &filter, 1_700_000_000);
        assert_eq!(plan.copy, [2]);
        assert_eq!(
            plan.skipped,
            [(1, SkipReason::TooLarge), (4, SkipReason::TooOld)]
        );
    }

    #[test]
    fn duplicates_are_matched_by_count_not_by_existence() {
        let sig = |id: &str| Signature {
            message_id: Some(id.to_string()),
            date: None,
            size: 100,
            received: None,
        };
        // Source holds three copies of <a> and one <b>; the target already
        // holds one <a> (an interrupted run) and one unrelated message.
        let mut plan = FolderPlan {
            copy: vec![1, 2, 3, 4],
            ..FolderPlan::default()
        };
        let candidates = [
            (1, sig("<a>")),
            (2, sig("<a>")),
            (3, sig("<a>")),
            (4, sig("<b>")),
        ];
        let unknown = [(50, sig("<a>")), (51, sig("<z>"))];
        reconcile(&mut plan, &candidates, &unknown);
        assert_eq!(plan.adopt, [(1, 50)]);
        assert_eq!(
            plan.copy,
            [2, 3, 4],
            "the other two copies of <a> still arrive"
        );
    }

    #[test]
    fn signatures_read_folded_headers_and_ignore_case() {
        let headers = b"message-id: <x@y>\r\nDATE: Mon, 1 Jan 2024 10:00:00 +0000\r\nReceived: from a\r\n by b; Mon, 1 Jan 2024\r\nReceived: from c\r\n\r\n";
        let sig = Signature::from_headers(headers, 42);
        assert_eq!(sig.message_id.as_deref(), Some("<x@y>"));
        assert_eq!(sig.date.as_deref(), Some("Mon, 1 Jan 2024 10:00:00 +0000"));
        assert_eq!(
            sig.received.as_deref(),
            Some("from a by b; Mon, 1 Jan 2024"),
            "the first Received"
        );
        assert_eq!(
            Signature::from_headers(b"Subject: none\r\n\r\n", 7).message_id,
            None
        );
    }
}
