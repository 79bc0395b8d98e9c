//! Jobs: a user's mail copied from the old mailbox to the new one, run in
//! the background with a bounded number at once, progress kept in the
//! store and announced to whoever watches.
//!
//! Credentials live only in memory ([`vault`]). A job whose credentials
//! are gone — Ferry was restarted — waits, clearly marked, until its user
//! signs in again; it then goes on where it stopped, because the mail
//! engine records every copied message before it moves on (a message
//! appended but not yet recorded is recognised on the target and
//! adopted, not copied twice).
//!
//! * [`vault`] — the credentials of each job, in memory.
//! * [`slots`] — how many connections jobs open to one server at once.
//! * [`run`] — one job's run: sessions, the engine, progress.

mod run;
pub mod slots;
pub mod vault;

use crate::error::BackendError;
use crate::server::auth::sessions::SignedIn;
use crate::store::Store;
use crate::store::jobs::NewJob;
use base64::Engine as _;
use ferry_shared::api::JobState;
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
    permits: Arc<Semaphore>,
    slots: ServerSlots,
    /// The id of every job whose view changed.
    changes: broadcast::Sender<String>,
    running: Arc<Mutex<HashMap<String, AbortHandle>>>,
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
            permits: Arc::new(Semaphore::new(max_running.max(1))),
            slots,
            changes: broadcast::channel(256).0,
            running: Arc::default(),
        }
    }

    /// After a restart: the jobs that were queued or running lost their
    /// credentials and wait for their users.
    pub async fn recover(&self) -> Result<usize, BackendError> {
        let unfinished = self.store.unfinished_jobs().await?;
        for id in &unfinished {
            self.store
                .set_job_state(id, JobState::WaitingForSignIn, None)
                .await?;
        }
        Ok(unfinished.len())
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
        self.vault.put(&id, JobCredentials { source, target });
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
        self.vault.put(&id, JobCredentials { source, target });
        self.store
            .set_job_state(&id, JobState::Queued, None)
            .await?;
        self.spawn(id);
        Ok(())
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
        self.vault.remove(id);
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
        self.vault.put(id, JobCredentials { source, target });
        self.store.set_job_state(id, JobState::Queued, None).await?;
        self.spawn(id.to_string());
        Ok(true)
    }

    /// Ids of jobs whose view changed, as they change.
    pub fn changes(&self) -> broadcast::Receiver<String> {
        self.changes.subscribe()
    }

    fn announce(&self, id: &str) {
        let _ = self.changes.send(id.to_string());
    }

    fn spawn(&self, id: String) {
        let jobs = self.clone();
        let task_id = id.clone();
        let handle = tokio::spawn(async move {
            run::run(&jobs, &task_id).await;
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
