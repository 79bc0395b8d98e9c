//! One job's run: wait for a slot, sign in to both mailboxes, let the
//! mail engine copy (its events written to the store as they come and
//! announced), then record the end — done, failed with a plain reason, or
//! waiting for sign-in when the credentials are gone.

use super::Jobs;
use ferry_mail::imap::{Credentials, Endpoint, Session, SessionOptions};
use ferry_mail::sync::engine::SyncEvent;
use ferry_mail::sync::{SyncOptions, sync_mailbox};
use ferry_shared::api::JobState;
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
        Err(reason) => (JobState::Failed, Some(reason)),
    };
    jobs.settle(id, state, error.as_deref()).await;
}

/// Signs in to both sides and copies; a plain reason when it cannot.
async fn copy(
    jobs: &Jobs,
    id: &str,
    pair: &str,
    credentials: &super::vault::JobCredentials,
) -> Result<ferry_mail::sync::SyncReport, String> {
    let mut source = open(
        &credentials.source.endpoint,
        &credentials.source.credentials,
    )
    .await
    .map_err(|why| format!("The old mailbox could not be opened: {why}."))?;
    let mut target = open(
        &credentials.target.endpoint,
        &credentials.target.credentials,
    )
    .await
    .map_err(|why| format!("The new mailbox could not be opened: {why}."))?;
    let mut options = SyncOptions::new(pair);
    let chosen = jobs
        .store
        .job_folders_chosen(id)
        .await
        .map_err(|_| "The folders chosen for this move could not be read.".to_string())?;
    if let Some(folders) = chosen {
        options.rules.folders = folders;
    }
    let (events, mut received) = mpsc::unbounded_channel::<SyncEvent>();
    let writer = {
        let (jobs, id) = (jobs.clone(), id.to_string());
        tokio::spawn(async move {
            let mut position = 0;
            while let Some(event) = received.recv().await {
                record(&jobs, &id, &event, &mut position).await;
                jobs.announce(&id);
            }
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
        format!("The copy stopped: {error}. Run it again to go on where it stopped.")
    })
}

async fn open(endpoint: &Endpoint, credentials: &Credentials) -> Result<Session, String> {
    let mut session = Session::connect(endpoint, SessionOptions::default())
        .await
        .map_err(|error| error.to_string())?;
    session
        .authenticate(credentials)
        .await
        .map_err(|error| error.to_string())?;
    Ok(session)
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
