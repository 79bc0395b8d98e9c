//! Folder names and how a source folder becomes a target folder.
//!
//! * [`name`] — a folder's name as a list of components, decoded from and
//!   encoded to IMAP's modified UTF-7.
//! * [`role`] — special-use roles (Sent, Drafts, Trash, Junk, Archive) and
//!   the localized names legacy servers use for them.
//! * [`mapping`] — the full mapping from source to target folders.

pub mod mapping;
pub mod name;
pub mod role;

pub use mapping::{FolderMap, FolderPlan, MappingError, MappingRules, ServerFolders};
pub use name::FolderName;
pub use role::Role;
