//! Copying folders: what to copy ([`plan`]), what has been copied
//! ([`state`]), and the engine that does it over two sessions ([`engine`]);
//! [`stats`] counts what a mailbox holds, folder by folder.

pub mod engine;
pub mod plan;
pub mod rate;
pub mod state;
pub mod stats;
pub mod wire;

pub use engine::{NamespaceOverride, SyncOptions, SyncReport, sync_mailbox};
pub use state::{FolderKey, FolderState, MemoryStore, StateStore, StoreError};
