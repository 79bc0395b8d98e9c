//! Jobs: a user's mail copied from the old mailbox to the new one, run in
//! the background with a bounded number at once, progress kept in the
//! store and announced to whoever watches.
//!
//! Credentials live in memory ([`vault`]). A job whose credentials are
//! gone — Ferry was restarted — waits, clearly marked, until its user
//! signs in again; it then goes on where it stopped, because the mail
//! engine records every copied message before it moves on (a message
//! appended but not yet recorded is recognised on the target and
//! adopted, not copied twice). A site that names a key keeps them in the
//! store too, encrypted ([`sealed`]): its jobs go on after a restart by
//! themselves.
//!
//! * [`vault`] — the credentials of each job, in memory.
//! * [`sealed`] — the same, encrypted for the store;
//!   [`sealed_calendar`] a calendar job's target, likewise.
//! * [`slots`] — how many connections jobs open to one server at once.
//! * [`run`] — one job's run: sessions, the engine, progress.
//! * [`reconnect`] — which errors are a lost connection, and how long a
//!   run waits before it reconnects.
//! * [`calendar`] — calendar jobs: export files' items inserted into a
//!   signed-in EWS or CalDAV target ([`calendar_run`] runs one).

pub mod calendar;
mod calendar_run;
pub mod reconnect;
mod run;
pub mod sealed;
pub mod sealed_calendar;
pub mod slots;
pub mod vault;

use crate::error::BackendError;
use crate::server::auth::calendar_target::SignedInCalendar;
use crate::server::auth::sessions::SignedIn;
use crate::store::Store;
use crate::store::jobs::NewJob;
use base64::Engine as _;
use ferry_shared::ParseLimits;
use ferry_shared::api::JobState;
use reconnect::ReconnectPolicy;
use sealed::{CredentialKey, Reopening};
use slots::ServerSlots;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{Semaphore, broadcast};
use tokio::task::AbortHandle;
use vault::{JobCredentials, Vault};

/// The jobs of this process.
#[derive(Clone)]
pub struct Jobs {
    store: Store,
    vault: Vault,
    calendar_vault: Vault<SignedInCalendar>,
    permits: Arc<Semaphore>,
    slots: ServerSlots,
    /// The id of every job whose view changed.
    changes: broadcast::Sender<String>,
    running: Arc<Mutex<HashMap<String, AbortHandle>>>,
    /// The site's key and what it applies to credentials opened again,
    /// when credentials are kept encrypted in the store.
    sealing: Option<Arc<(CredentialKey, Reopening)>>,
    /// How export files of calendar jobs are read.
    limits: ParseLimits,
    /// How a mail job's run reconnects after a lost connection.
    reconnect: ReconnectPolicy,
}

impl std::fmt::Debug for Jobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jobs").finish_non_exhaustive()
    }
}

/// The key that owns a user's jobs: the old mailbox's server and user.
pub fn owner_of(source: &SignedIn) -> String {
    format!(
        "{}:{}/{}",
        source.endpoint.host,
        source.endpoint.port,
        source.credentials.user().to_lowercase()
    )
}

/// The account pair's name in the mail engine's state: the same as
/// `ferry sync` gives it, so the command line and the page share it.
pub fn pair_of(source: &SignedIn, target: &SignedIn) -> String {
    format!(
        "{}@{}:{} -> {}@{}:{}",
        mailbox_user(&source.credentials),
        source.endpoint.host,
        source.endpoint.port,
        mailbox_user(&target.credentials),
        target.endpoint.host,
        target.endpoint.port
    )
}

/// Whose mailbox `credentials` open: the user acted for when an admin
/// signs in for them (SASL PLAIN authorization identity), else the user
/// signing in.
pub fn mailbox_user(credentials: &ferry_mail::imap::Credentials) -> &str {
    match credentials {
        ferry_mail::imap::Credentials::Plain {
            authzid: Some(user),
            ..
        } => user,
        other => other.user(),
    }
}

impl Jobs {
    /// Jobs over `store`, at most `max_running` at once, connecting to
    /// each server no more often than `slots` allows.
    pub fn new(store: Store, max_running: usize, slots: ServerSlots) -> Self {
        Self {
            store,
            vault: Vault::default(),
            calendar_vault: Vault::default(),
            permits: Arc::new(Semaphore::new(max_running.max(1))),
            slots,
            changes: broadcast::channel(256).0,
            running: Arc::default(),
            sealing: None,
            limits: ParseLimits::default(),
            reconnect: ReconnectPolicy::default(),
        }
    }

    /// The same, reconnecting after a lost connection as `reconnect` says.
    pub fn with_reconnect(self, reconnect: ReconnectPolicy) -> Self {
        Self { reconnect, ..self }
    }

    /// The same, reading calendar jobs' files within `limits`.
    pub fn with_limits(self, limits: ParseLimits) -> Self {
        Self { limits, ..self }
    }

    /// Keeps credentials in the store too, encrypted with `key`; opened
    /// again, they connect as the site's settings of then allow.
    pub fn with_sealing(mut self, key: CredentialKey, reopening: Reopening) -> Self {
        self.sealing = Some(Arc::new((key, reopening)));
        self
    }

    /// After a restart: the jobs that were queued or running go on when
    /// their credentials were kept sealed and open with the site's key;
    /// the others lost them and wait for their users. How many (go on,
    /// wait).
    pub async fn recover(&self) -> Result<(usize, usize), BackendError> {
        let mut resumed = Vec::new();
        if let Some(sealing) = &self.sealing {
            let (key, reopening) = &**sealing;
            for kept in self.store.jobs_with_sealed_credentials().await? {
                let (id, sealed) = (kept.id, &kept.sealed);
                let opened = if kept.calendar {
                    sealed_calendar::open(key, &id, sealed, reopening)
                        .map(|target| self.calendar_vault.put(&id, target))
                } else {
                    sealed::open(key, &id, sealed, reopening)
                        .map(|credentials| self.vault.put(&id, credentials))
                };
                match opened {
                    Ok(()) => resumed.push(id),
                    Err(error) => {
                        tracing::warn!(job = %id, %error, "the job waits for its user to sign in again");
                    }
                }
            }
        }
        let mut waiting = 0;
        for id in self.store.unfinished_jobs().await? {
            if !resumed.contains(&id) {
                self.store
                    .set_job_state(&id, JobState::WaitingForSignIn, None)
                    .await?;
                waiting += 1;
            }
        }
        for id in &resumed {
            self.store.set_job_state(id, JobState::Queued, None).await?;
            self.spawn(id.clone());
        }
        Ok((resumed.len(), waiting))
    }

    /// Holds job `id`'s credentials for its runs: in memory, and sealed
    /// in the store when the site keeps them.
    async fn keep(&self, id: &str, credentials: JobCredentials) {
        self.seal(id, &credentials).await;
        self.vault.put(id, credentials);
    }

    /// Keeps job `id`'s credentials sealed in the store, when the site
    /// keeps them: again after an OAuth2 renewal, whose provider may
    /// have rotated the refresh token.
    async fn seal(&self, id: &str, credentials: &JobCredentials) {
        if let Some(sealing) = &self.sealing {
            let kept = sealed::seal(&sealing.0, id, credentials).await;
            self.keep_sealed(id, kept).await;
        }
    }

    /// Keeps `kept`, job `id`'s credentials sealed, in the store; none:
    /// nothing is worth keeping, and what was kept goes.
    async fn keep_sealed(&self, id: &str, kept: Option<sealed::Sealed>) {
        let kept = match kept {
            Some(kept) => self.store.keep_sealed_credentials(id, &kept).await,
            None => self.store.forget_sealed_credentials(id).await,
        };
        if let Err(error) = kept {
            tracing::error!(job = %id, %error, "credentials could not be kept in the store");
        }
    }

    /// Job `id`'s credentials are no longer needed (it ended).
    async fn forget(&self, id: &str) {
        self.vault.remove(id);
        self.calendar_vault.remove(id);
        if self.sealing.is_some()
            && let Err(error) = self.store.forget_sealed_credentials(id).await
        {
            tracing::error!(job = %id, %error, "kept credentials could not be removed");
        }
    }

    /// Starts a job copying `source` to `target` (only `folders`, when
    /// given); its id.
    pub async fn start(
        &self,
        source: SignedIn,
        target: SignedIn,
        folders: Option<Vec<String>>,
    ) -> Result<String, BackendError> {
        self.start_owned(owner_of(&source), source, target, folders)
            .await
    }

    /// [`Jobs::start`] for `owner` (an admin's jobs are the admin's, not
    /// the users' they move).
    pub async fn start_owned(
        &self,
        owner: String,
        source: SignedIn,
        target: SignedIn,
        folders: Option<Vec<String>>,
    ) -> Result<String, BackendError> {
        let id = new_id();
        let job = NewJob {
            id: id.clone(),
            owner,
            source: source.account.clone(),
            target: target.account.clone(),
            pair: pair_of(&source, &target),
            folders,
        };
        self.store.create_job(&job).await?;
        self.keep(&id, JobCredentials { source, target }).await;
        self.spawn(id.clone());
        Ok(id)
    }

    /// The user of `source` signed in again (both sides): their waiting
    /// jobs get the credentials and go on. How many.
    pub async fn signed_in(
        &self,
        source: &SignedIn,
        target: &SignedIn,
    ) -> Result<usize, BackendError> {
        let waiting = self.store.waiting_jobs(&owner_of(source)).await?;
        let pair = pair_of(source, target);
        let mut resumed = 0;
        for id in waiting {
            // Only a job of this very pair: another target is another move.
            if self.store.job_owner(&id).await?.map(|(_, p)| p) != Some(pair.clone()) {
                continue;
            }
            self.resume(id, source.clone(), target.clone()).await?;
            resumed += 1;
        }
        Ok(resumed)
    }

    /// Job `id`, waiting for sign-in, goes on with these credentials.
    pub async fn resume(
        &self,
        id: String,
        source: SignedIn,
        target: SignedIn,
    ) -> Result<(), BackendError> {
        self.keep(&id, JobCredentials { source, target }).await;
        self.queue(id).await
    }

    /// Stops job `id` (`owner`'s); `false` when there is no such job.
    pub async fn cancel(&self, id: &str, owner: &str) -> Result<bool, BackendError> {
        let Some(job) = self.store.job(id, owner).await? else {
            return Ok(false);
        };
        if let Some(handle) = lock(&self.running).remove(id) {
            handle.abort();
        }
        if !job.state.is_final() {
            self.store
                .set_job_state(id, JobState::Cancelled, None)
                .await?;
        }
        self.forget(id).await;
        self.announce(id);
        Ok(true)
    }

    /// Runs job `id` (`owner`'s) again with the session's credentials:
    /// after a failure, a cancel, or for the cut-over's last sync (only
    /// what is new is copied). `false` when there is no such job.
    pub async fn rerun(
        &self,
        id: &str,
        owner: &str,
        source: SignedIn,
        target: SignedIn,
    ) -> Result<bool, BackendError> {
        let Some(job) = self.store.job(id, owner).await? else {
            return Ok(false);
        };
        if matches!(job.state, JobState::Running | JobState::Queued) {
            return Ok(true);
        }
        self.keep(id, JobCredentials { source, target }).await;
        self.queue(id.to_string()).await?;
        Ok(true)
    }

    /// Ids of jobs whose view changed, as they change.
    pub fn changes(&self) -> broadcast::Receiver<String> {
        self.changes.subscribe()
    }

    fn announce(&self, id: &str) {
        let _ = self.changes.send(id.to_string());
    }

    /// Job `id` goes back in the queue (its credentials just given back)
    /// and runs.
    async fn queue(&self, id: String) -> Result<(), BackendError> {
        self.store
            .set_job_state(&id, JobState::Queued, None)
            .await?;
        self.spawn(id);
        Ok(())
    }

    /// A run found no credentials: the job waits for its user.
    async fn wait_for_sign_in(&self, id: &str) {
        let _ = self
            .store
            .set_job_state(id, JobState::WaitingForSignIn, None)
            .await;
        self.announce(id);
    }

    /// A run ended in `state` (with a plain reason): stored, the
    /// credentials forgotten, announced.
    async fn settle(&self, id: &str, state: JobState, error: Option<&str>) {
        let _ = self.store.set_job_state(id, state, error).await;
        self.forget(id).await;
        self.announce(id);
    }

    fn spawn(&self, id: String) {
        let jobs = self.clone();
        let task_id = id.clone();
        let handle = tokio::spawn(async move {
            if jobs.calendar_vault.get(&task_id).is_some() {
                calendar_run::run(&jobs, &task_id).await;
            } else {
                run::run(&jobs, &task_id).await;
            }
            lock(&jobs.running).remove(&task_id);
        });
        lock(&self.running).insert(id, handle.abort_handle());
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// 16 random bytes, base64url: job ids cannot be guessed.
fn new_id() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the system's random number generator works");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}
