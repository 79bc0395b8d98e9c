//! The JSON of admin mode, under `/api/admin`. Passwords are not in these
//! types: the page sends them once in the sign-in request, and the back
//! end reads them straight into a secret.

use crate::api::{Account, CalendarAccount, ExportFile, JobState};
use serde::{Deserialize, Serialize};

/// Whether the site has admin mode on, and the service accounts an admin
/// signed in with, per side.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AdminSessionView {
    /// Admin mode is on (else the page does not offer it).
    pub enabled: bool,
    pub source: Option<Account>,
    pub target: Option<Account>,
    /// The EWS service account that puts each user's calendar files
    /// into their new mailbox (impersonation).
    #[serde(default)]
    pub calendar: Option<CalendarAccount>,
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
    /// The user's calendar and contacts: none when no files were given.
    #[serde(default)]
    pub calendar: Option<AdminCalendarView>,
}

/// A listed user's calendar files and where putting them in is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct AdminCalendarView {
    /// The names of the files given for the user.
    pub files: Vec<String>,
    /// The state of the calendar job; none: not started.
    pub state: Option<JobState>,
    /// What stopped it, in plain words.
    pub reason: Option<String>,
    /// Items to put in, in the last run, and how they went.
    pub to_insert: u64,
    pub inserted: u64,
    pub already_there: u64,
    pub failed: u64,
}

/// The admin's calendar export files, each named after the listed user
/// it belongs to (see [`crate::admin::calendar_files`]).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AdminCalendarFiles {
    pub files: Vec<ExportFile>,
}

/// Which file went to whom, and which went to nobody.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CalendarFilesMatched {
    pub matched: Vec<MatchedFile>,
    /// Files named after no listed user (or after two): not kept.
    pub unmatched: Vec<String>,
}

/// A file and the listed user it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchedFile {
    pub file: String,
    pub source_user: String,
    pub target_user: String,
}

/// What starting (or re-running) a group answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupStarted {
    /// Users whose move was queued (those already running are left
    /// alone).
    pub queued: usize,
    /// Users whose calendar files are put in too.
    #[serde(default)]
    pub calendars: usize,
}
