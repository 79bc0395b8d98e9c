//! Copying folders: what to copy ([`plan`]), what has been copied
//! ([`state`]), and the engine that does it over two sessions ([`engine`]).

pub mod engine;
pub mod plan;
pub mod rate;
pub mod state;
pub mod wire;

pub use engine::{NamespaceOverride, SyncOptions, SyncReport, sync_mailbox};
pub use state::{FolderKey, FolderState, MemoryStore, StateStore, StoreError};
