//! The JSON of admin mode, under `/api/admin`. Passwords are not in these
//! types: the page sends them once in the sign-in request, and the back
//! end reads them straight into a secret.

use crate::api::{Account, JobState};
use serde::{Deserialize, Serialize};

/// Whether the site has admin mode on, and the service accounts an admin
/// signed in with, per side.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AdminSessionView {
    /// Admin mode is on (else the page does not offer it).
    pub enabled: bool,
    pub source: Option<Account>,
    pub target: Option<Account>,
}

/// The user list, as CSV text: `source_user,target_user,group` per line,
/// a header line optional.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct UserListText {
    pub csv: String,
}

/// What saving a user list answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserListSaved {
    pub users: usize,
    /// The groups, in the order they first appear.
    pub groups: Vec<String>,
}

/// One listed user and where their move is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminUserView {
    pub source_user: String,
    pub target_user: String,
    pub group: String,
    /// The state of the user's move; none: not started.
    pub state: Option<JobState>,
    /// What stopped it, in plain words.
    pub reason: Option<String>,
    /// Messages copied in the last run, and to copy in it.
    pub copied: u64,
    pub total: u64,
}

/// What starting (or re-running) a group answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupStarted {
    /// Users whose move was queued (those already running are left
    /// alone).
    pub queued: usize,
}
