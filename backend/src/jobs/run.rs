//! One job's run: wait for a slot, sign in to both mailboxes, let the
//! mail engine copy (its events written to the store as they come and
//! announced), then record the end — done, failed with a plain reason, or
//! waiting for sign-in when the credentials are gone or no longer work
//! (an OAuth2 mailbox whose provider refused to renew the access).
//!
//! An OAuth2 mailbox is opened with an access token from its
//! [`crate::oauth::token_source::TokenSource`], renewed first when it is
//! about to expire: a job queued or running for longer than a token lives
//! still signs in.
//!
//! A connection lost mid-run (see [`super::reconnect`]) does not end it:
//! both sides are opened again — renewing an access token that expired
//! meanwhile — and the engine goes on where it stopped, a bounded number
//! of times in a row, the job's note saying so. Progress runs on across
//! these passes: a folder started again keeps what it copied, the
//! throughput chart keeps its clock, the report counts every pass.

use super::Jobs;
use super::reconnect::{Side, connection_lost, engine_connection_lost};
use crate::oauth::token_source::RenewError;
use crate::server::auth::sessions::SignedIn;
use ferry_mail::imap::{ImapError, Session, SessionOptions};
use ferry_mail::sync::engine::SyncEvent;
use ferry_mail::sync::{SyncOptions, SyncReport, sync_mailbox};
use ferry_shared::api::{JobState, ThroughputPoint};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::mpsc;

/// Runs job `id` to its end.
pub(super) async fn run(jobs: &Jobs, id: &str) {
    let Ok(_permit) = jobs.permits.acquire().await else {
        return;
    };
    let Some(credentials) = jobs.vault.get(id) else {
        jobs.wait_for_sign_in(id).await;
        return;
    };
    let pair = match jobs.store.job_owner(id).await {
        Ok(Some((_, pair))) => pair,
        _ => return,
    };
    let started = async {
        jobs.store.reset_job_progress(id).await?;
        jobs.store.set_job_state(id, JobState::Running, None).await
    };
    if started.await.is_err() {
        return;
    }
    jobs.announce(id);
    let servers = [&credentials.source.endpoint, &credentials.target.endpoint]
        .map(|endpoint| format!("{}:{}", endpoint.host, endpoint.port));
    let slots = jobs.slots.take(&servers).await;
    let outcome = copy(jobs, id, &pair, &credentials).await;
    drop(slots);
    let (state, error) = match outcome {
        Ok(report) => {
            let failed: usize = report.folders.iter().map(|f| f.failed.len()).sum();
            if let Ok(json) = serde_json::to_string(&report) {
                let _ = jobs.store.set_job_report(id, &json).await;
            }
            if failed == 0 {
                (JobState::Done, None)
            } else {
                (
                    JobState::Failed,
                    Some(format!(
                        "{failed} messages could not be copied; the report names them. Run it again to retry them."
                    )),
                )
            }
        }
        Err(Stop::Failed(reason)) => (JobState::Failed, Some(reason)),
        Err(Stop::SignIn(reason)) => (JobState::WaitingForSignIn, Some(reason)),
    };
    jobs.settle(id, state, error.as_deref()).await;
}

/// Why a run ended early, in plain words.
enum Stop {
    /// Run it again to go on.
    Failed(String),
    /// The user must sign in again; the job then goes on by itself.
    SignIn(String),
}

/// Why one pass (both sessions, one engine run) ended early.
enum Interrupted {
    /// The connection to `side` was lost (see [`super::reconnect`]):
    /// `reason`, in plain words; a new pass may get further.
    Lost {
        side: Side,
        reason: String,
        asked_wait: Option<Duration>,
    },
    /// Another pass would not help.
    Stop(Stop),
}

/// Signs in to both sides and copies, reconnecting after a lost
/// connection as the site's policy allows; a plain reason when it
/// cannot go on.
async fn copy(
    jobs: &Jobs,
    id: &str,
    pair: &str,
    credentials: &super::vault::JobCredentials,
) -> Result<SyncReport, Stop> {
    let mut options = SyncOptions::new(pair);
    let chosen = jobs.store.job_folders_chosen(id).await.map_err(|_| {
        Stop::Failed("The folders chosen for this move could not be read.".to_string())
    })?;
    if let Some(folders) = chosen {
        options.rules.folders = folders;
    }
    let (events, received) = mpsc::unbounded_channel::<SyncEvent>();
    let writer = tokio::spawn(write_progress(jobs.clone(), id.to_string(), received));
    let messages_copied = AtomicUsize::new(0);
    let mut on_event = {
        let messages_copied = &messages_copied;
        // Owns the sender: dropped, it lets the writer end.
        move |event: &SyncEvent| {
            if let SyncEvent::Copied { messages, .. } = event {
                messages_copied.fetch_add(*messages, Ordering::Relaxed);
            }
            let _ = events.send(event.clone());
        }
    };
    let policy = jobs.reconnect;
    // Reconnects in a row without a message copied in between.
    let mut tries = 0;
    let mut reconnected = None;
    let result = loop {
        let copied_before = messages_copied.load(Ordering::Relaxed);
        let pass = pass(
            jobs,
            id,
            credentials,
            &options,
            &mut on_event,
            reconnected.as_deref(),
        )
        .await;
        let (side, reason, asked_wait) = match pass {
            Ok(report) => break Ok(report),
            Err(Interrupted::Stop(stop)) => break Err(stop),
            Err(Interrupted::Lost {
                side,
                reason,
                asked_wait,
            }) => (side, reason, asked_wait),
        };
        if messages_copied.load(Ordering::Relaxed) > copied_before {
            tries = 0;
        }
        tries += 1;
        tracing::info!(job = %id, side = side.name(), tries, "a job's connection was lost");
        if tries > policy.attempts {
            let tried = match policy.attempts {
                0 => String::new(),
                n => format!(" Ferry reconnected {n} times in a row without getting further."),
            };
            break Err(Stop::Failed(format!(
                "{reason}.{tried} Run it again to go on where it stopped."
            )));
        }
        let dropped = format!("The connection to the {} server dropped; ", side.name());
        let of = format!("({tries} of {})", policy.attempts);
        let note = format!("{dropped}reconnecting {of}.");
        if jobs
            .store
            .set_job_state(id, JobState::Running, Some(&note))
            .await
            .is_ok()
        {
            jobs.announce(id);
        }
        reconnected = Some(format!("{dropped}reconnected {of}."));
        tokio::time::sleep(policy.delay(tries, asked_wait)).await;
    };
    drop(on_event);
    let totals = writer.await.unwrap_or_default();
    result.map(|report| with_totals(report, &totals))
}

/// One pass: opens both sides, runs the engine (which goes on where the
/// last pass stopped), logs out. `reconnected`: the note shown once both
/// sides are open again.
async fn pass(
    jobs: &Jobs,
    id: &str,
    credentials: &super::vault::JobCredentials,
    options: &SyncOptions,
    on_event: &mut (dyn FnMut(&SyncEvent) + Send),
    reconnected: Option<&str>,
) -> Result<SyncReport, Interrupted> {
    let mut source = open(&credentials.source, Side::Old).await?;
    let mut target = match open(&credentials.target, Side::New).await {
        Ok(target) => target,
        Err(error) => {
            source.logout().await;
            return Err(error);
        }
    };
    if credentials.source.token_source.is_some() || credentials.target.token_source.is_some() {
        // Opening may have renewed a token, and the provider rotated the
        // refresh token: what is kept must be the live one.
        jobs.seal(id, credentials).await;
    }
    if let Some(note) = reconnected
        && jobs
            .store
            .set_job_state(id, JobState::Running, Some(note))
            .await
            .is_ok()
    {
        jobs.announce(id);
    }
    let result = sync_mailbox(&mut source, &mut target, &jobs.store, options, on_event).await;
    source.logout().await;
    target.logout().await;
    result.map_err(|error| {
        tracing::warn!(job = %id, %error, "a job's copy stopped");
        let reason = format!("The copy stopped: {error}");
        match engine_connection_lost(&error) {
            Some((side, lost)) => Interrupted::Lost {
                side,
                reason,
                asked_wait: lost.asked_wait,
            },
            None => Interrupted::Stop(Stop::Failed(format!(
                "{reason}. Run it again to go on where it stopped."
            ))),
        }
    })
}

/// Opens the `which` mailbox `side`, with a renewed access token when it
/// signs in with OAuth2.
async fn open(side: &SignedIn, which: Side) -> Result<Session, Interrupted> {
    let reason = |why: &dyn std::fmt::Display| {
        format!("The {} mailbox could not be opened: {why}", which.name())
    };
    let failed =
        |why: &dyn std::fmt::Display| Interrupted::Stop(Stop::Failed(format!("{}.", reason(why))));
    let lost_or_failed = |error: &ImapError| match connection_lost(error) {
        Some(lost) => Interrupted::Lost {
            side: which,
            reason: reason(error),
            asked_wait: lost.asked_wait,
        },
        None => failed(error),
    };
    let sign_in_again = |why: &dyn std::fmt::Display| {
        Interrupted::Stop(Stop::SignIn(format!(
            "The {} mailbox needs you to sign in again: {why}. The move goes on once you do.",
            which.name()
        )))
    };
    let credentials = match &side.token_source {
        Some(tokens) => tokens.credentials().await.map_err(|error| match error {
            RenewError::SignInAgain { .. } => sign_in_again(&error),
            // The provider may answer a later try.
            RenewError::Unavailable { .. } => Interrupted::Lost {
                side: which,
                reason: reason(&error),
                asked_wait: None,
            },
        })?,
        None => side.credentials.clone(),
    };
    let mut session = Session::connect(&side.endpoint, SessionOptions::default())
        .await
        .map_err(|error| lost_or_failed(&error))?;
    match session.authenticate(&credentials).await {
        Ok(()) => Ok(session),
        Err(error @ ImapError::AuthenticationFailed(_))
            if side.token_source.is_some() && error.backoff().is_none() =>
        {
            Err(sign_in_again(&error))
        }
        Err(error) => Err(lost_or_failed(&error)),
    }
}

/// What a run's passes copied, folder by folder (source name): messages
/// and bytes.
type Totals = HashMap<String, (usize, u64)>;

/// The last pass's report, counting what earlier passes of the run
/// copied too.
fn with_totals(mut report: SyncReport, totals: &Totals) -> SyncReport {
    for folder in &mut report.folders {
        if let Some((messages, bytes)) = totals.get(&folder.source) {
            folder.copied = folder.copied.max(*messages);
            folder.bytes = folder.bytes.max(*bytes);
        }
    }
    report
}

/// Writes the engine's events of every pass into the job's progress and
/// throughput chart, as they come; what was copied.
async fn write_progress(
    jobs: Jobs,
    id: String,
    mut received: mpsc::UnboundedReceiver<SyncEvent>,
) -> Totals {
    let mut progress = Progress::default();
    let mut sampler = ThroughputSampler::new();
    jobs.store
        .add_job_throughput(&id, &sampler.point())
        .await
        .ok();
    while let Some(event) = received.recv().await {
        record(&jobs, &id, &event, &mut progress).await;
        if let Some(point) = sampler.note(&event) {
            jobs.store.add_job_throughput(&id, &point).await.ok();
        }
        jobs.announce(&id);
    }
    jobs.store
        .add_job_throughput(&id, &sampler.point())
        .await
        .ok();
    progress.copied
}

/// How often the throughput chart gets a sample while a run copies.
const SAMPLE_EVERY: std::time::Duration = std::time::Duration::from_millis(1500);

/// A run's totals, and when to note them for the throughput chart.
struct ThroughputSampler {
    started: std::time::Instant,
    last: std::time::Instant,
    bytes: u64,
    messages: u64,
}

impl ThroughputSampler {
    fn new() -> Self {
        let now = std::time::Instant::now();
        Self {
            started: now,
            last: now,
            bytes: 0,
            messages: 0,
        }
    }

    /// The totals now.
    fn point(&self) -> ThroughputPoint {
        ThroughputPoint {
            millis: u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX),
            bytes: self.bytes,
            messages: self.messages,
        }
    }

    /// Counts `event`; a sample when one is due.
    fn note(&mut self, event: &SyncEvent) -> Option<ThroughputPoint> {
        if let SyncEvent::Copied {
            messages, bytes, ..
        } = event
        {
            self.messages += *messages as u64;
            self.bytes += bytes;
        }
        (self.last.elapsed() >= SAMPLE_EVERY).then(|| {
            self.last = std::time::Instant::now();
            self.point()
        })
    }
}

/// What a run's progress rows hold so far.
#[derive(Default)]
struct Progress {
    /// Folders started, in order: the next one's position is one more.
    started: HashSet<String>,
    copied: Totals,
}

/// Writes one engine event into the job's progress. A folder started
/// again after a reconnect keeps what it copied: the bars never go back.
async fn record(jobs: &Jobs, id: &str, event: &SyncEvent, progress: &mut Progress) {
    let store = &jobs.store;
    let written = match event {
        SyncEvent::Planned { .. } => Ok(()),
        SyncEvent::FolderStarted {
            source,
            target,
            to_copy,
            bytes,
        } => {
            if progress.started.insert(source.clone()) {
                let position = progress.started.len();
                store
                    .job_folder_started(id, position, source, target, *to_copy, *bytes)
                    .await
            } else {
                store.job_folder_resumed(id, source, *to_copy, *bytes).await
            }
        }
        SyncEvent::Copied {
            folder,
            messages,
            bytes,
        } => {
            let total = progress.copied.entry(folder.clone()).or_default();
            total.0 += messages;
            total.1 += bytes;
            store.job_copied(id, folder, *messages, *bytes).await
        }
        SyncEvent::MessageFailed { folder, .. } => store.job_message_failed(id, folder).await,
        SyncEvent::FolderDone { source } => store.job_folder_done(id, source).await,
    };
    if let Err(error) = written {
        tracing::error!(job = %id, %error, "progress could not be stored");
    }
}
