//! The copy engine: drives a source and a target session through the folder
//! map and each folder's plan, recording every copy in the state store as
//! soon as the target confirms it.
//!
//! The source is only ever opened with EXAMINE and read with BODY.PEEK; the
//! target only receives CREATE, SUBSCRIBE, APPEND and STORE of flags on
//! messages Ferry copied. Nothing is ever deleted.

use super::plan::{self, CopiedMessage, FolderPlan, MessageFilter, SkipReason};
use super::state::{FolderKey, FolderState, StateStore, StoreError};
use super::wire::{self, FetchedMessage, FolderStatus};
use crate::folders::mapping::{FolderMap, MappingRules, map_folders};
use crate::imap::{ImapError, Session};
use imap_codec::imap_types::command::CommandBody;
use imap_codec::imap_types::response::Code;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use thiserror::Error;

/// How a run behaves. Defaults copy everything.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// Names the account pair in the state store.
    pub pair: String,
    pub rules: MappingRules,
    pub filter: MessageFilter,
    /// Only print what would be done.
    pub dry_run: bool,
    /// Create folders, copy no messages.
    pub just_folders: bool,
    /// Most bytes fetched in one batch (bounds memory). Default 4 MiB.
    pub batch_bytes: u64,
    /// Most messages in one batch. Default 256.
    pub batch_messages: usize,
    /// Copy-rate limits (imapsync's --maxbytespersecond and
    /// --maxmessagespersecond). Default: unlimited.
    pub rate: super::rate::RateLimit,
    /// Overrides of the source's namespace (imapsync's --prefix1/--sep1).
    pub source_namespace: NamespaceOverride,
    /// Overrides of the target's namespace (--prefix2/--sep2).
    pub target_namespace: NamespaceOverride,
    /// Messages larger than this are streamed in chunks of this size, so
    /// memory stays bounded whatever their size. Default 1 MiB.
    pub stream_threshold: u32,
}

impl SyncOptions {
    pub fn new(pair: impl Into<String>) -> Self {
        Self {
            pair: pair.into(),
            rules: MappingRules::default(),
            filter: MessageFilter::default(),
            dry_run: false,
            just_folders: false,
            batch_bytes: 4 * 1024 * 1024,
            batch_messages: 256,
            stream_threshold: 1024 * 1024,
            source_namespace: NamespaceOverride::default(),
            target_namespace: NamespaceOverride::default(),
            rate: super::rate::RateLimit::default(),
        }
    }
}

/// A prefix and separator to use instead of what the server announces
/// (for servers that announce them wrongly, or not at all).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NamespaceOverride {
    pub prefix: Option<String>,
    pub separator: Option<char>,
}

impl NamespaceOverride {
    fn apply(&self, folders: &mut crate::folders::ServerFolders) {
        if let Some(prefix) = &self.prefix {
            folders.prefix = prefix.clone();
        }
        if let Some(separator) = self.separator {
            folders.separator = Some(separator);
        }
    }
}

/// Progress, as it happens.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum SyncEvent {
    /// The folder map is made: this many folders will be visited.
    Planned {
        folders: usize,
    },
    FolderStarted {
        source: String,
        target: String,
        to_copy: usize,
        bytes: u64,
    },
    Copied {
        folder: String,
        messages: usize,
        bytes: u64,
    },
    MessageFailed {
        folder: String,
        uid: u32,
        reason: String,
    },
    FolderDone {
        source: String,
    },
}

/// What happened in one folder.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FolderReport {
    pub source: String,
    pub target: String,
    pub created: bool,
    pub copied: usize,
    pub bytes: u64,
    /// Found already on the target and recorded, not copied again.
    pub adopted: usize,
    pub flags_updated: usize,
    pub skipped: Vec<(u32, String)>,
    pub failed: Vec<(u32, String)>,
    /// Nothing changed since the last run: the folder was not read.
    pub unchanged: bool,
    /// Source messages listed (all, or only those changed since the last
    /// run when the server has CONDSTORE).
    pub listed: usize,
}

/// The whole run.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SyncReport {
    pub map: FolderMap,
    pub folders: Vec<FolderReport>,
    pub duration_secs: f64,
}

impl SyncReport {
    pub fn copied(&self) -> usize {
        self.folders.iter().map(|f| f.copied).sum()
    }
    pub fn bytes(&self) -> u64 {
        self.folders.iter().map(|f| f.bytes).sum()
    }
    pub fn failed(&self) -> usize {
        self.folders.iter().map(|f| f.failed.len()).sum()
    }
}

#[derive(Debug, Error)]
pub enum SyncError {
    #[error("source server: {0}")]
    Source(ImapError),
    #[error("target server: {0}")]
    Target(ImapError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl SyncError {
    /// A new connection may get further (state makes the rerun resume).
    pub fn is_transient(&self) -> bool {
        match self {
            SyncError::Source(e) | SyncError::Target(e) => e.is_transient(),
            SyncError::Store(_) => false,
        }
    }

    /// The wait a throttling server asked for.
    pub fn backoff(&self) -> Option<Duration> {
        match self {
            SyncError::Source(e) | SyncError::Target(e) => e.backoff(),
            SyncError::Store(_) => None,
        }
    }
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs() as i64
}

/// Copies the mailbox from `source` to `target` (both logged in).
pub async fn sync_mailbox<S: StateStore>(
    source: &mut Session,
    target: &mut Session,
    store: &S,
    options: &SyncOptions,
    on_event: &mut (dyn FnMut(&SyncEvent) + Send),
) -> Result<SyncReport, SyncError> {
    let started = Instant::now();
    let mut pacer = super::rate::Pacer::new(options.rate);
    // With CONDSTORE, EXAMINE reports HIGHESTMODSEQ: an unchanged folder is
    // then recognised without listing its messages.
    source
        .enable_extensions(true)
        .await
        .map_err(SyncError::Source)?;
    target
        .enable_extensions(false)
        .await
        .map_err(SyncError::Target)?;
    let mut source_folders = wire::list_folders(source)
        .await
        .map_err(SyncError::Source)?;
    let mut target_folders = wire::list_folders(target)
        .await
        .map_err(SyncError::Target)?;
    options.source_namespace.apply(&mut source_folders);
    options.target_namespace.apply(&mut target_folders);
    let map = map_folders(&source_folders, &target_folders, &options.rules);
    on_event(&SyncEvent::Planned {
        folders: map.plans.len(),
    });
    let mut report = SyncReport {
        map: map.clone(),
        ..SyncReport::default()
    };
    for folder in &map.plans {
        let mut folder_report = FolderReport {
            source: folder.source.clone(),
            target: folder.target.clone(),
            ..FolderReport::default()
        };
        if options.dry_run {
            report.folders.push(folder_report);
            continue;
        }
        if folder.create {
            create_folder(target, &folder.target_wire).await?;
            folder_report.created = true;
        }
        if folder.subscribe && folder.target != "INBOX" {
            // Best effort: a server without subscriptions still gets the mail.
            let Ok(body) = CommandBody::subscribe(
                wire::mailbox(&folder.target_wire, target.utf8_names())
                    .map_err(SyncError::Target)?,
            );
            let _ = target.run("SUBSCRIBE", body).await;
        }
        if !options.just_folders {
            let source_wire = source_wire_name(&folder.source);
            pacer.next_folder();
            sync_folder(
                source,
                target,
                store,
                options,
                &mut pacer,
                &source_wire,
                &folder.target_wire,
                &mut folder_report,
                on_event,
            )
            .await?;
        }
        on_event(&SyncEvent::FolderDone {
            source: folder.source.clone(),
        });
        report.folders.push(folder_report);
    }
    report.duration_secs = started.elapsed().as_secs_f64();
    Ok(report)
}

fn source_wire_name(name: &str) -> String {
    if name.eq_ignore_ascii_case("INBOX") {
        "INBOX".to_string()
    } else {
        crate::folders::name::encode_utf7(name)
    }
}

async fn create_folder(target: &mut Session, wire_name: &str) -> Result<(), SyncError> {
    let body = CommandBody::create(
        wire::mailbox(wire_name, target.utf8_names()).map_err(SyncError::Target)?,
    )
    .map_err(|_| SyncError::Target(ImapError::InvalidInput("folder".into())))?;
    match target.run("CREATE", body).await {
        Ok(_) => Ok(()),
        // Created meanwhile (or by the server, e.g. auto-created role
        // folders): SELECT will tell if it really is missing.
        Err(ImapError::Refused { .. }) => Ok(()),
        Err(err) => Err(SyncError::Target(err)),
    }
}

#[allow(clippy::too_many_arguments)]
async fn sync_folder<S: StateStore>(
    source: &mut Session,
    target: &mut Session,
    store: &S,
    options: &SyncOptions,
    pacer: &mut super::rate::Pacer,
    source_wire: &str,
    target_wire: &str,
    report: &mut FolderReport,
    on_event: &mut (dyn FnMut(&SyncEvent) + Send),
) -> Result<(), SyncError> {
    let key = FolderKey {
        pair: options.pair.clone(),
        source_folder: report.source.clone(),
    };
    let source_status = wire::open_folder(source, source_wire, true)
        .await
        .map_err(SyncError::Source)?;
    let mut state = store.folder(&key).await?;
    if let Some(previous) = &state
        && (previous.source_uidvalidity != source_status.uidvalidity
            || previous.target_folder != report.target)
    {
        // Old UIDs mean nothing now; what is already on the target is
        // found again by signature.
        store.forget(&key).await?;
        state = None;
    }
    if let Some(previous) = &state
        && previous.complete
        && previous.source_uidnext == source_status.uidnext
        && previous.source_highestmodseq.is_some()
        && previous.source_highestmodseq == source_status.highestmodseq
    {
        report.unchanged = true;
        return Ok(());
    }

    // After a complete run, CONDSTORE lists only what is new or changed
    // since; otherwise every message is listed.
    let changed_since = match &state {
        Some(previous) if previous.complete && source_status.highestmodseq.is_some() => {
            previous.source_highestmodseq
        }
        _ => None,
    };
    let messages = wire::list_messages(source, source_status.exists, changed_since)
        .await
        .map_err(SyncError::Source)?;
    report.listed = messages.len();
    let copied = store.copied(&key).await?;
    let mut plan = plan::classify(&messages, &copied, &options.filter, now());
    for (uid, reason) in &plan.skipped {
        report.skipped.push((*uid, skip_text(*reason).to_string()));
    }

    let target_status = wire::open_folder(target, target_wire, false)
        .await
        .map_err(SyncError::Target)?;
    let target_known = state.as_ref().is_some_and(|s| {
        s.target_uidvalidity == target_status.uidvalidity
            && s.target_uidnext == target_status.uidnext
    });
    if !target_known && !plan.copy.is_empty() && target_status.exists > 0 {
        adopt_existing(
            source,
            target,
            store,
            &key,
            &target_status,
            &copied,
            &messages,
            &mut plan,
        )
        .await?;
        report.adopted = plan.adopt.len();
    }

    // Flag changes on messages copied earlier.
    if !plan.update_flags.is_empty() {
        let by_target: HashMap<u32, u32> = copied.iter().map(|(s, c)| (c.target_uid, *s)).collect();
        let commands: Vec<_> = plan
            .update_flags
            .iter()
            .filter_map(|(uid, flags)| wire::store_flags(*uid, &target_status.storable(flags)))
            .collect();
        let completions = target
            .pipeline(commands, |_, _| {})
            .await
            .map_err(SyncError::Target)?;
        let mut updated = Vec::new();
        for ((target_uid, flags), completion) in plan.update_flags.iter().zip(completions) {
            if completion.is_ok()
                && let Some(source_uid) = by_target.get(target_uid)
            {
                updated.push((
                    *source_uid,
                    CopiedMessage {
                        target_uid: *target_uid,
                        flags: flags.clone(),
                    },
                ));
            }
        }
        report.flags_updated = updated.len();
        store.record(&key, &updated).await?;
    }

    let sizes: HashMap<u32, u32> = messages.iter().map(|m| (m.uid, m.size)).collect();
    let total_bytes: u64 = plan.copy.iter().map(|uid| u64::from(sizes[uid])).sum();
    on_event(&SyncEvent::FolderStarted {
        source: report.source.clone(),
        target: report.target.clone(),
        to_copy: plan.copy.len(),
        bytes: total_bytes,
    });
    let to = Destination {
        key: &key,
        wire: target_wire,
        status: &target_status,
        literal_plus: target.capabilities().has("LITERAL+"),
        utf8_names: target.utf8_names(),
    };
    let (large, small): (Vec<u32>, Vec<u32>) = plan
        .copy
        .iter()
        .partition(|uid| sizes[uid] > options.stream_threshold);
    for uid in large {
        pacer.pace(report.bytes, report.copied as u64).await;
        copy_streamed(
            source,
            target,
            store,
            &to,
            uid,
            sizes[&uid],
            options,
            report,
            on_event,
        )
        .await?;
    }
    // The source reads batch n+1 while the target appends batch n.
    let mut to_fetch = batches(&small, &sizes, options).into_iter();
    let mut fetched: Option<Vec<FetchedMessage>> = None;
    let mut next = to_fetch.next();
    loop {
        pacer.pace(report.bytes, report.copied as u64).await;
        match (fetched.take(), next.take()) {
            (None, None) => break,
            (None, Some(uids)) => {
                fetched = Some(
                    wire::fetch_messages(source, &uids)
                        .await
                        .map_err(SyncError::Source)?,
                );
                next = to_fetch.next();
            }
            (Some(batch), Some(uids)) => {
                let (read, written) = tokio::join!(
                    wire::fetch_messages(source, &uids),
                    copy_batch(target, store, &to, batch, report, on_event),
                );
                written?;
                fetched = Some(read.map_err(SyncError::Source)?);
                next = to_fetch.next();
            }
            (Some(batch), None) => {
                copy_batch(target, store, &to, batch, report, on_event).await?;
            }
        }
    }

    // Remember where both folders stand, for the next run's quick check.
    let target_after = wire::open_folder(target, target_wire, false)
        .await
        .map_err(SyncError::Target)?;
    store
        .save_folder(
            &key,
            &FolderState {
                target_folder: report.target.clone(),
                source_uidvalidity: source_status.uidvalidity,
                target_uidvalidity: target_after.uidvalidity,
                source_uidnext: source_status.uidnext,
                source_highestmodseq: source_status.highestmodseq,
                target_uidnext: target_after.uidnext,
                // Skipped messages (filters) must be listed again next time.
                complete: report.failed.is_empty() && report.skipped.is_empty(),
            },
        )
        .await?;
    Ok(())
}

/// Copies one large message in chunks: each chunk read from the source
/// (BODY.PEEK[]<offset.length>) is written straight into the target's
/// APPEND literal, so memory holds one chunk, not the message.
#[allow(clippy::too_many_arguments)]
async fn copy_streamed<S: StateStore>(
    source: &mut Session,
    target: &mut Session,
    store: &S,
    to: &Destination<'_>,
    uid: u32,
    size: u32,
    options: &SyncOptions,
    report: &mut FolderReport,
    on_event: &mut (dyn FnMut(&SyncEvent) + Send),
) -> Result<(), SyncError> {
    // The announced literal must be exact: check that the message ends at
    // RFC822.SIZE (its last byte exists, nothing follows). A server whose
    // sizes are off gets the in-memory copy instead.
    let head = wire::fetch_meta_and_tail(source, uid, size)
        .await
        .map_err(SyncError::Source)?;
    if size == 0 || head.bytes.len() != 1 {
        let fetched = wire::fetch_messages(source, &[uid])
            .await
            .map_err(SyncError::Source)?;
        return copy_batch(target, store, to, fetched, report, on_event).await;
    }
    let (flags, date) = (head.flags, head.internal_date);
    let flags = to.status.storable(&flags);
    let probe =
        wire::append_probe(to.wire, to.utf8_names, &flags, date).map_err(SyncError::Target)?;
    let tag = match target.begin_append(probe, u64::from(size)).await {
        Ok(tag) => tag,
        Err(ImapError::Refused { text, .. }) => {
            let reason = format!("the target refused it: {text}");
            fail(report, on_event, uid, reason);
            return Ok(());
        }
        Err(err) => return Err(SyncError::Target(err)),
    };
    let chunk = options.stream_threshold.max(64 * 1024);
    let mut offset = 0u32;
    while offset < size {
        let len = chunk.min(size - offset);
        let bytes = wire::fetch_chunk(source, uid, offset, len)
            .await
            .map_err(SyncError::Source)?;
        if bytes.is_empty() || bytes.len() > len as usize || memchr::memchr(0, &bytes).is_some() {
            // The message is not what its size said: the announced literal
            // cannot be completed honestly, so the target connection is
            // dropped (the server discards the unfinished APPEND).
            return Err(SyncError::Target(ImapError::Closed(format!(
                "message UID {uid} changed size while it was being copied"
            ))));
        }
        target.write_raw(&bytes).await.map_err(SyncError::Target)?;
        offset += bytes.len() as u32;
    }
    let completion = target.finish_append(tag).await.map_err(SyncError::Target)?;
    match (&completion.code, completion.is_ok()) {
        (
            Some(Code::AppendUid {
                uid: target_uid, ..
            }),
            true,
        ) => {
            store
                .record(
                    to.key,
                    &[(
                        uid,
                        CopiedMessage {
                            target_uid: target_uid.get(),
                            flags,
                        },
                    )],
                )
                .await?;
            report.copied += 1;
            report.bytes += u64::from(size);
        }
        (_, true) => {
            report.copied += 1;
            report.bytes += u64::from(size);
        }
        (_, false) => {
            let reason = format!("the target refused it: {}", completion.text);
            fail(report, on_event, uid, reason);
            return Ok(());
        }
    }
    on_event(&SyncEvent::Copied {
        folder: report.source.clone(),
        messages: 1,
        bytes: u64::from(size),
    });
    Ok(())
}

/// Matches target messages the state does not know to source candidates.
#[allow(clippy::too_many_arguments)]
async fn adopt_existing<S: StateStore>(
    source: &mut Session,
    target: &mut Session,
    store: &S,
    key: &FolderKey,
    target_status: &FolderStatus,
    copied: &HashMap<u32, CopiedMessage>,
    messages: &[plan::SourceMessage],
    plan: &mut FolderPlan,
) -> Result<(), SyncError> {
    let known: BTreeSet<u32> = copied.values().map(|c| c.target_uid).collect();
    let unknown: Vec<u32> = wire::all_uid_list(target, target_status.exists)
        .await
        .map_err(SyncError::Target)?
        .into_iter()
        .filter(|uid| !known.contains(uid))
        .collect();
    if unknown.is_empty() {
        return Ok(());
    }
    let target_signatures = wire::signatures(target, &unknown)
        .await
        .map_err(SyncError::Target)?;
    let candidates = wire::signatures(source, &plan.copy)
        .await
        .map_err(SyncError::Source)?;
    plan::reconcile(plan, &candidates, &target_signatures);
    let flags: HashMap<u32, &BTreeSet<String>> =
        messages.iter().map(|m| (m.uid, &m.flags)).collect();
    let adopted: Vec<(u32, CopiedMessage)> = plan
        .adopt
        .iter()
        .map(|(source_uid, target_uid)| {
            (
                *source_uid,
                CopiedMessage {
                    target_uid: *target_uid,
                    // Unknown: the next run compares and corrects them.
                    flags: flags
                        .get(source_uid)
                        .map(|f| (*f).clone())
                        .unwrap_or_default(),
                },
            )
        })
        .collect();
    store.record(key, &adopted).await?;
    Ok(())
}

/// Where copies go: the target folder, its state key, and what it accepts.
struct Destination<'a> {
    key: &'a FolderKey,
    wire: &'a str,
    status: &'a FolderStatus,
    literal_plus: bool,
    /// The target enabled UTF8=ACCEPT (names go as UTF-8).
    utf8_names: bool,
}

/// Records a message that could not be copied, and says so.
fn fail(
    report: &mut FolderReport,
    on_event: &mut (dyn FnMut(&SyncEvent) + Send),
    uid: u32,
    reason: String,
) {
    on_event(&SyncEvent::MessageFailed {
        folder: report.source.clone(),
        uid,
        reason: reason.clone(),
    });
    report.failed.push((uid, reason));
}

/// Splits UIDs into batches bounded by bytes and count (and by one
/// second's worth of bytes under a rate limit, so pacing stays smooth).
fn batches(uids: &[u32], sizes: &HashMap<u32, u32>, options: &SyncOptions) -> Vec<Vec<u32>> {
    let batch_bytes = match options.rate.bytes_per_second {
        Some(rate) if rate > 0 => options.batch_bytes.min(rate),
        _ => options.batch_bytes,
    };
    let mut out = Vec::new();
    let mut current = Vec::new();
    let mut bytes = 0u64;
    for uid in uids {
        let size = u64::from(sizes.get(uid).copied().unwrap_or(0));
        if !current.is_empty()
            && (bytes + size > batch_bytes || current.len() >= options.batch_messages)
        {
            out.push(std::mem::take(&mut current));
            bytes = 0;
        }
        current.push(*uid);
        bytes += size;
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Appends one batch, pipelined, and records each confirmed copy.
#[allow(clippy::too_many_arguments)]
async fn copy_batch<S: StateStore>(
    target: &mut Session,
    store: &S,
    to: &Destination<'_>,
    fetched: Vec<FetchedMessage>,
    report: &mut FolderReport,
    on_event: &mut (dyn FnMut(&SyncEvent) + Send),
) -> Result<(), SyncError> {
    let mut commands = Vec::new();
    let mut sent = Vec::new();
    for message in &fetched {
        let flags = to.status.storable(&message.flags);
        match wire::append_command(to.wire, to.utf8_names, message, &flags, to.literal_plus) {
            Ok(command) => {
                commands.push(command);
                sent.push((message.uid, flags, message.bytes.len() as u64));
            }
            Err(err) => fail(report, on_event, message.uid, err.to_string()),
        }
    }
    let by_uid: HashMap<u32, &FetchedMessage> = fetched.iter().map(|m| (m.uid, m)).collect();
    let rebuild = |index: usize| {
        let (uid, flags, _) = &sent[index];
        wire::append_command(
            to.wire,
            to.utf8_names,
            by_uid.get(uid)?,
            flags,
            to.literal_plus,
        )
        .ok()
    };
    // MULTIAPPEND: one command and one transaction for the whole batch.
    // It is all or nothing, so on a refusal the batch goes again message by
    // message, which isolates the one the target does not take.
    let mut completions = None;
    if target.capabilities().has("MULTIAPPEND") && commands.len() > 1 {
        if let Some(done) = multiappend_with_backoff(target, commands, &rebuild, sent.len()).await?
        {
            completions = Some(done);
        }
    } else {
        completions = Some(append_with_backoff(target, commands, &rebuild).await?);
    }
    let completions = match completions {
        Some(done) => done,
        None => {
            let singles: Vec<_> = (0..sent.len()).filter_map(&rebuild).collect();
            append_with_backoff(target, singles, &rebuild).await?
        }
    };
    drop(by_uid);
    drop(fetched);
    let mut recorded = Vec::new();
    let mut bytes = 0;
    for ((uid, flags, size), completion) in sent.into_iter().zip(completions) {
        match (&completion.code, completion.is_ok()) {
            (
                Some(Code::AppendUid {
                    uid: target_uid, ..
                }),
                true,
            ) => {
                recorded.push((
                    uid,
                    CopiedMessage {
                        target_uid: target_uid.get(),
                        flags,
                    },
                ));
                bytes += size;
            }
            (_, true) => {
                // Without UIDPLUS the target UID is unknown; the copy is
                // still counted, and a rerun adopts it by signature.
                bytes += size;
                report.copied += 1;
            }
            (_, false) => {
                let reason = format!("the target refused it: {}", completion.text);
                fail(report, on_event, uid, reason);
            }
        }
    }
    store.record(to.key, &recorded).await?;
    report.copied += recorded.len();
    report.bytes += bytes;
    on_event(&SyncEvent::Copied {
        folder: report.source.clone(),
        messages: recorded.len(),
        bytes,
    });
    Ok(())
}

/// Sends one MULTIAPPEND (again after a throttling wait). Returns one
/// completion per message when the target took the batch, `None` when it
/// refused it or the batch could not be joined.
async fn multiappend_with_backoff<'m>(
    target: &mut Session,
    commands: Vec<CommandBody<'m>>,
    rebuild: &impl Fn(usize) -> Option<CommandBody<'m>>,
    count: usize,
) -> Result<Option<Vec<crate::imap::Completion>>, SyncError> {
    let mut batch = commands;
    for round in 0..=THROTTLE_ROUNDS {
        let Some(done) = target.multiappend(batch).await.map_err(SyncError::Target)? else {
            return Ok(None);
        };
        if done.is_ok() {
            let uids = appended_uids(done.code.as_ref()).filter(|uids| uids.len() == count);
            let per_message = (0..count)
                .map(|i| crate::imap::Completion {
                    kind: done.kind,
                    code: uids.as_ref().and_then(|u| {
                        let uid = std::num::NonZeroU32::new(u[i])?;
                        let uid_validity = std::num::NonZeroU32::new(1)?;
                        Some(Code::AppendUid { uid_validity, uid })
                    }),
                    text: done.text.clone(),
                })
                .collect();
            return Ok(Some(per_message));
        }
        match crate::imap::throttle::backoff(&done.text) {
            Some(wait) if round < THROTTLE_ROUNDS => {
                tracing::warn!(
                    seconds = wait.as_secs_f64(),
                    "the target throttles; waiting"
                );
                tokio::time::sleep(wait).await;
                batch = (0..count).filter_map(rebuild).collect();
            }
            _ => return Ok(None),
        }
    }
    Ok(None)
}

/// UIDs from an APPENDUID code: one UID, or RFC 4315's uid-set after a
/// MULTIAPPEND (which imap-codec leaves as an unparsed code).
fn appended_uids(code: Option<&Code<'_>>) -> Option<Vec<u32>> {
    match code? {
        Code::AppendUid { uid, .. } => Some(vec![uid.get()]),
        Code::Other(other) => {
            let text = std::str::from_utf8(other.inner()).ok()?;
            let mut words = text.split_ascii_whitespace();
            if !words.next()?.eq_ignore_ascii_case("APPENDUID") {
                return None;
            }
            words.next()?; // UIDVALIDITY
            let mut uids = Vec::new();
            for part in words.next()?.split(',') {
                match part.split_once(':') {
                    Some((a, b)) => {
                        let (a, b): (u32, u32) = (a.parse().ok()?, b.parse().ok()?);
                        let (low, high) = (a.min(b), a.max(b));
                        if high - low > 1_000_000 {
                            return None;
                        }
                        uids.extend(low..=high);
                    }
                    None => uids.push(part.parse().ok()?),
                }
            }
            Some(uids)
        }
        _ => None,
    }
}

/// Most rounds of waiting for a throttling target within one batch.
const THROTTLE_ROUNDS: usize = 6;

/// Sends APPENDs; those the target refuses because it throttles are sent
/// again (rebuilt by `rebuild`, so the first round needs no copy) after the
/// wait it asks for. Other completions are final.
async fn append_with_backoff<'m>(
    target: &mut Session,
    commands: Vec<CommandBody<'m>>,
    rebuild: &impl Fn(usize) -> Option<CommandBody<'m>>,
) -> Result<Vec<crate::imap::Completion>, SyncError> {
    let mut results: Vec<Option<crate::imap::Completion>> = vec![None; commands.len()];
    let mut pending: Vec<usize> = (0..commands.len()).collect();
    let mut batch = commands;
    for round in 0..=THROTTLE_ROUNDS {
        let completions = target
            .pipeline(batch, |_, _| {})
            .await
            .map_err(SyncError::Target)?;
        let mut wait = None;
        let mut again = Vec::new();
        for (index, completion) in pending.iter().zip(completions) {
            match crate::imap::throttle::backoff(&completion.text) {
                Some(backoff) if !completion.is_ok() && round < THROTTLE_ROUNDS => {
                    wait = Some(wait.map_or(backoff, |w: Duration| w.max(backoff)));
                    again.push(*index);
                }
                _ => results[*index] = Some(completion),
            }
        }
        let Some(wait) = wait else { break };
        tracing::warn!(
            seconds = wait.as_secs_f64(),
            "the target throttles; waiting"
        );
        tokio::time::sleep(wait).await;
        pending = again;
        batch = pending.iter().filter_map(|i| rebuild(*i)).collect();
    }
    Ok(results
        .into_iter()
        .map(|c| c.expect("every append completed"))
        .collect())
}

fn skip_text(reason: SkipReason) -> &'static str {
    match reason {
        SkipReason::TooLarge => "larger than --maxsize",
        SkipReason::TooSmall => "smaller than --minsize",
        SkipReason::TooOld => "older than --maxage",
        SkipReason::TooNew => "newer than --minage",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use imap_codec::imap_types::response::CodeOther;

    #[test]
    fn appenduid_sets_from_multiappend_are_expanded() {
        let code = Code::Other(CodeOther::unvalidated(
            &b"APPENDUID 38505 3955:3957,3960"[..],
        ));
        assert_eq!(
            appended_uids(Some(&code)),
            Some(vec![3955, 3956, 3957, 3960])
        );
        let single = Code::AppendUid {
            uid_validity: std::num::NonZeroU32::new(1).unwrap(),
            uid: std::num::NonZeroU32::new(9).unwrap(),
        };
        assert_eq!(appended_uids(Some(&single)), Some(vec![9]));
        let other = Code::Other(CodeOther::unvalidated(&b"OVERQUOTA"[..]));
        assert_eq!(appended_uids(Some(&other)), None);
        assert_eq!(appended_uids(None), None);
    }
}
