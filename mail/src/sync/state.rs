//! What has been copied: the sync state, behind one interface.
//!
//! Ferry's back end keeps it in its SQLite store (and later, for many
//! workers, in PostgreSQL); [`MemoryStore`] serves tests and dry runs.
//! State is keyed by a *pair* (which source account goes to which target
//! account) and the source folder.

use super::plan::CopiedMessage;
use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;
use thiserror::Error;

/// One source folder of one account pair.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FolderKey {
    pub pair: String,
    pub source_folder: String,
}

/// What is remembered about a folder between runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FolderState {
    pub target_folder: String,
    pub source_uidvalidity: u32,
    pub target_uidvalidity: u32,
    /// Source UIDNEXT when the folder was last fully synced.
    pub source_uidnext: u32,
    /// Source HIGHESTMODSEQ then (CONDSTORE), if the server has it.
    pub source_highestmodseq: Option<u64>,
    /// Target UIDNEXT after Ferry's last append: a different UIDNEXT means
    /// the target holds messages this state does not know.
    pub target_uidnext: u32,
    /// The last run finished this folder.
    pub complete: bool,
}

#[derive(Debug, Error)]
#[error("the sync state store failed: {0}")]
pub struct StoreError(pub String);

/// Storage for sync state. Every method is one atomic step: a run killed at
/// any moment leaves the state as of the last completed call.
pub trait StateStore: Sync {
    fn folder(
        &self,
        key: &FolderKey,
    ) -> impl Future<Output = Result<Option<FolderState>, StoreError>> + Send;
    fn save_folder(
        &self,
        key: &FolderKey,
        state: &FolderState,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Every copied message of the folder, by source UID.
    fn copied(
        &self,
        key: &FolderKey,
    ) -> impl Future<Output = Result<HashMap<u32, CopiedMessage>, StoreError>> + Send;
    /// Records copies (or new flags of earlier copies), replacing by source UID.
    fn record(
        &self,
        key: &FolderKey,
        copies: &[(u32, CopiedMessage)],
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
    /// Forgets a folder (its UIDVALIDITY changed: old UIDs mean nothing).
    fn forget(&self, key: &FolderKey) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// State in memory, for tests and dry runs.
#[derive(Debug, Default)]
pub struct MemoryStore {
    inner: Mutex<MemoryInner>,
}

#[derive(Debug, Default)]
struct MemoryInner {
    folders: HashMap<FolderKey, FolderState>,
    copied: HashMap<FolderKey, HashMap<u32, CopiedMessage>>,
}

impl MemoryStore {
    fn with<T>(&self, f: impl FnOnce(&mut MemoryInner) -> T) -> Result<T, StoreError> {
        let mut guard = self
            .inner
            .lock()
            .map_err(|_| StoreError("poisoned lock".into()))?;
        Ok(f(&mut guard))
    }
}

impl StateStore for MemoryStore {
    async fn folder(&self, key: &FolderKey) -> Result<Option<FolderState>, StoreError> {
        self.with(|inner| inner.folders.get(key).cloned())
    }

    async fn save_folder(&self, key: &FolderKey, state: &FolderState) -> Result<(), StoreError> {
        self.with(|inner| {
            inner.folders.insert(key.clone(), state.clone());
        })
    }

    async fn copied(&self, key: &FolderKey) -> Result<HashMap<u32, CopiedMessage>, StoreError> {
        self.with(|inner| inner.copied.get(key).cloned().unwrap_or_default())
    }

    async fn record(
        &self,
        key: &FolderKey,
        copies: &[(u32, CopiedMessage)],
    ) -> Result<(), StoreError> {
        self.with(|inner| {
            let map = inner.copied.entry(key.clone()).or_default();
            for (uid, copy) in copies {
                map.insert(*uid, copy.clone());
            }
        })
    }

    async fn forget(&self, key: &FolderKey) -> Result<(), StoreError> {
        self.with(|inner| {
            inner.folders.remove(key);
            inner.copied.remove(key);
        })
    }
}
