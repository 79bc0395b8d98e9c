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

use super::Jobs;
use crate::oauth::token_source::RenewError;
use crate::server::auth::sessions::SignedIn;
use ferry_mail::imap::{ImapError, Session, SessionOptions};
use ferry_mail::sync::engine::SyncEvent;
use ferry_mail::sync::{SyncOptions, sync_mailbox};
use ferry_shared::api::{JobState, ThroughputPoint};
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

/// Signs in to both sides and copies; a plain reason when it cannot.
async fn copy(
    jobs: &Jobs,
    id: &str,
    pair: &str,
    credentials: &super::vault::JobCredentials,
) -> Result<ferry_mail::sync::SyncReport, Stop> {
    let mut source = open(&credentials.source, "old").await?;
    let mut target = open(&credentials.target, "new").await?;
    let mut options = SyncOptions::new(pair);
    let chosen = jobs.store.job_folders_chosen(id).await.map_err(|_| {
        Stop::Failed("The folders chosen for this move could not be read.".to_string())
    })?;
    if let Some(folders) = chosen {
        options.rules.folders = folders;
    }
    let (events, mut received) = mpsc::unbounded_channel::<SyncEvent>();
    let writer = {
        let (jobs, id) = (jobs.clone(), id.to_string());
        tokio::spawn(async move {
            let mut position = 0;
            let mut sampler = ThroughputSampler::new();
            jobs.store
                .add_job_throughput(&id, &sampler.point())
                .await
                .ok();
            while let Some(event) = received.recv().await {
                record(&jobs, &id, &event, &mut position).await;
                if let Some(point) = sampler.note(&event) {
                    jobs.store.add_job_throughput(&id, &point).await.ok();
                }
                jobs.announce(&id);
            }
            jobs.store
                .add_job_throughput(&id, &sampler.point())
                .await
                .ok();
        })
    };
    let mut on_event = move |event: &SyncEvent| {
        let _ = events.send(event.clone());
    };
    let result = sync_mailbox(
        &mut source,
        &mut target,
        &jobs.store,
        &options,
        &mut on_event,
    )
    .await;
    drop(on_event);
    let _ = writer.await;
    source.logout().await;
    target.logout().await;
    result.map_err(|error| {
        tracing::warn!(job = %id, %error, "a job failed");
        Stop::Failed(format!(
            "The copy stopped: {error}. Run it again to go on where it stopped."
        ))
    })
}

/// Opens the `which` ("old" or "new") mailbox `side`, with a renewed
/// access token when it signs in with OAuth2.
async fn open(side: &SignedIn, which: &str) -> Result<Session, Stop> {
    let failed = |why: &dyn std::fmt::Display| {
        Stop::Failed(format!("The {which} mailbox could not be opened: {why}."))
    };
    let sign_in_again = |why: &dyn std::fmt::Display| {
        Stop::SignIn(format!(
            "The {which} mailbox needs you to sign in again: {why}. The move goes on once you do."
        ))
    };
    let credentials = match &side.token_source {
        Some(tokens) => tokens.credentials().await.map_err(|error| match error {
            RenewError::SignInAgain { .. } => sign_in_again(&error),
            RenewError::Unavailable { .. } => failed(&error),
        })?,
        None => side.credentials.clone(),
    };
    let mut session = Session::connect(&side.endpoint, SessionOptions::default())
        .await
        .map_err(|error| failed(&error))?;
    match session.authenticate(&credentials).await {
        Ok(()) => Ok(session),
        Err(error @ ImapError::AuthenticationFailed(_)) if side.token_source.is_some() => {
            Err(sign_in_again(&error))
        }
        Err(error) => Err(failed(&error)),
    }
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

/// Writes one engine event into the job's progress.
async fn record(jobs: &Jobs, id: &str, event: &SyncEvent, position: &mut usize) {
    let store = &jobs.store;
    let written = match event {
        SyncEvent::Planned { .. } => Ok(()),
        SyncEvent::FolderStarted {
            source,
            target,
            to_copy,
            bytes,
        } => {
            *position += 1;
            store
                .job_folder_started(id, *position, source, target, *to_copy, *bytes)
                .await
        }
        SyncEvent::Copied {
            folder,
            messages,
            bytes,
        } => store.job_copied(id, folder, *messages, *bytes).await,
        SyncEvent::MessageFailed { folder, .. } => store.job_message_failed(id, folder).await,
        SyncEvent::FolderDone { source } => store.job_folder_done(id, source).await,
    };
    if let Err(error) = written {
        tracing::error!(job = %id, %error, "progress could not be stored");
    }
}
