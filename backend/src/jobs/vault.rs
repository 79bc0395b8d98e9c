//! The credentials of each job, held in memory (never in a log or
//! `Debug` output, and in the store only encrypted, when the site keeps
//! them: see [`super::sealed`] and [`super::sealed_calendar`]): without a kept copy a restart forgets
//! them, and the job waits for its user.

use crate::server::auth::sessions::SignedIn;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Both mailboxes of a job, signed in.
#[derive(Debug, Clone)]
pub struct JobCredentials {
    pub source: SignedIn,
    pub target: SignedIn,
}

/// Job id → credentials (of both mailboxes for a mail job, of the
/// calendar target for a calendar job).
#[derive(Clone)]
pub struct Vault<T = JobCredentials> {
    entries: Arc<Mutex<HashMap<String, T>>>,
}

impl<T> Default for Vault<T> {
    fn default() -> Self {
        Self {
            entries: Arc::default(),
        }
    }
}

impl<T: Clone> Vault<T> {
    pub fn put(&self, id: &str, credentials: T) {
        self.lock().insert(id.to_string(), credentials);
    }

    pub fn get(&self, id: &str) -> Option<T> {
        self.lock().get(id).cloned()
    }

    pub fn remove(&self, id: &str) {
        self.lock().remove(id);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, T>> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
