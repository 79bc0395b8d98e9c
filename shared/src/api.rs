//! The JSON the page and the back end exchange for signing in: which
//! servers the site offers, which server a user picked or typed, and who
//! is signed in. Passwords are not in these types: the page sends them
//! once in the sign-in request, and the back end reads them straight
//! into a secret.

use serde::{Deserialize, Serialize};

/// The two mailboxes of a move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Source,
    Target,
}

impl Side {
    pub fn label(self) -> &'static str {
        match self {
            Side::Source => "old mailbox",
            Side::Target => "new mailbox",
        }
    }
}

/// How an IMAP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// TLS from the first byte (port 993).
    #[default]
    Tls,
    /// STARTTLS, required (port 143).
    StartTls,
    /// No encryption (only where the site allows it).
    Plain,
}

/// A server: one the site lists (by id), or an IMAP server the user
/// typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum ServerChoice {
    Listed {
        id: String,
    },
    Imap {
        host: String,
        port: u16,
        #[serde(default)]
        security: Security,
    },
}

/// One server the site offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteServer {
    pub id: String,
    pub label: String,
    /// `imap`, `ews`, `graph` or `caldav`.
    pub kind: String,
    /// Whether it may be the old mailbox, the new one, or both.
    pub sides: Vec<Side>,
    /// Whether users sign in through the site's OAuth2 provider ("Sign
    /// in with …", `GET /api/oauth/{id}/start`) rather than with a
    /// password.
    #[serde(default)]
    pub oauth: bool,
}

/// What the sign-in page needs to know about the site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteView {
    pub servers: Vec<SiteServer>,
    /// Whether a user may type a server of their own (no servers
    /// listed).
    pub typed_servers: bool,
}

/// A signed-in mailbox, as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// The server's label or host.
    pub server: String,
    pub user: String,
}

/// Who is signed in, on which side.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SessionView {
    pub source: Option<Account>,
    pub target: Option<Account>,
    /// The calendar and contacts target (EWS or CalDAV) signed in, if
    /// any: items of export files go there.
    #[serde(default)]
    pub calendar: Option<CalendarAccount>,
}

/// A calendar and contacts target signed in, as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarAccount {
    pub server: String,
    pub user: String,
    /// `ews` or `caldav`.
    pub kind: String,
}

/// The body of every API error: a stable code and a plain message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiErrorBody {
    pub error: ApiErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiErrorDetail {
    pub code: String,
    pub message: String,
}

/// The header every state-changing request carries: a page on another
/// site cannot add it without the browser asking first (CORS), which
/// Ferry never allows.
pub const REQUEST_HEADER: &str = "x-ferry-request";

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Waiting for a free slot.
    Queued,
    Running,
    /// Its credentials are gone (Ferry restarted): it goes on when its
    /// user signs in again.
    WaitingForSignIn,
    Done,
    /// Stopped by an error; a retry goes on where it stopped.
    Failed,
    Cancelled,
}

impl JobState {
    /// Whether the job will not move again by itself.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            JobState::Done | JobState::Failed | JobState::Cancelled
        )
    }
}

/// One folder's progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FolderProgress {
    pub source: String,
    pub target: String,
    /// Messages to copy in this run.
    pub to_copy: u64,
    pub copied: u64,
    pub bytes: u64,
    pub bytes_done: u64,
    pub failed: u64,
    pub done: bool,
}

/// A job as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobView {
    pub id: String,
    pub state: JobState,
    /// `2026-12-01T15:04:05Z`.
    pub created_at: String,
    pub updated_at: String,
    pub source: Account,
    pub target: Account,
    pub folders: Vec<FolderProgress>,
    /// What stopped it, in plain words; while it runs, a note such as a
    /// reconnect after a dropped connection.
    pub error: Option<String>,
    /// How much the last run had copied over time (a few dozen samples
    /// at most, see [`crate::throughput`]).
    #[serde(default)]
    pub throughput: Vec<ThroughputPoint>,
    /// `mail` (folders) or `calendar` (export files' items).
    #[serde(default = "mail_kind")]
    pub kind: String,
    /// A calendar job's files, in the order given.
    #[serde(default)]
    pub files: Vec<FileProgress>,
}

fn mail_kind() -> String {
    "mail".to_string()
}

/// How much a run had copied, some time after it started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThroughputPoint {
    /// Milliseconds since the run started.
    pub millis: u64,
    pub bytes: u64,
    pub messages: u64,
}

impl JobView {
    /// Messages to copy and copied, over all folders.
    pub fn messages(&self) -> (u64, u64) {
        self.folders.iter().fold((0, 0), |(total, done), f| {
            (total + f.to_copy, done + f.copied)
        })
    }

    /// Bytes to copy and copied, over all folders.
    pub fn bytes(&self) -> (u64, u64) {
        self.folders.iter().fold((0, 0), |(total, done), f| {
            (total + f.bytes, done + f.bytes_done)
        })
    }
}

/// What to move when starting a job.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StartJob {
    /// The old mailbox's folders to move (full names, as
    /// [`FolderSummary::name`]); none: every folder.
    #[serde(default)]
    pub folders: Option<Vec<String>>,
}

/// One folder of the old mailbox, for choosing what to move.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FolderSummary {
    pub name: String,
    pub messages: u32,
    /// Octets, when the server says.
    pub bytes: Option<u64>,
}

/// The answer to starting a job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobCreated {
    pub id: String,
}

/// One export file's progress in a calendar job.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FileProgress {
    pub file: String,
    /// Items that are to be put on the target.
    pub to_insert: u64,
    /// Created by this run.
    pub inserted: u64,
    /// Found on the target already (an earlier run): nothing written.
    pub already_there: u64,
    /// Refused by the target, failed, or not convertible.
    pub failed: u64,
    pub done: bool,
    /// Why the file could not be read, in plain words.
    #[serde(default)]
    pub error: Option<String>,
}

/// One export file the page previewed, sent to be inserted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportFile {
    pub name: String,
    pub text: String,
}

/// The request starting a calendar job: the files and the mapping rules
/// (`ferry_shared::mapping::MappingRules`, as JSON) the page used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StartCalendarJob {
    pub files: Vec<ExportFile>,
    #[serde(default)]
    pub rules: crate::mapping::MappingRules,
}

/// What became of one item of a calendar job, for its report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemResult {
    pub file: String,
    pub line: usize,
    /// `event`, `task` or `contact`.
    pub kind: String,
    pub summary: String,
    /// `created`, `already_there`, `refused`, `failed`,
    /// `cannot_convert` or `not_written`.
    pub outcome: String,
    /// Why, when it did not arrive.
    pub reason: Option<String>,
    /// What the target will not hold.
    pub losses: Vec<String>,
}

/// Addresses to check against the target's directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckAddresses {
    pub addresses: Vec<String>,
}

/// What the directory says about one address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum AddressStatus {
    Resolved {
        name: Option<String>,
        email: String,
    },
    NotFound,
    /// Several mailboxes match: their names or addresses.
    Ambiguous {
        candidates: Vec<String>,
    },
    /// No answer could be had.
    Failed {
        reason: String,
    },
}

/// One address checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressCheck {
    pub address: String,
    #[serde(flatten)]
    pub status: AddressStatus,
}

/// The answer to an address check: each address, or why the target has
/// no directory to ask (`unavailable`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressCheckResult {
    pub addresses: Vec<AddressCheck>,
    /// Why no address could be checked (a CalDAV target has no
    /// directory), in plain words.
    #[serde(default)]
    pub unavailable: Option<String>,
}
