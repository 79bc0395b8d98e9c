//! The `ferry` command line: subcommands and their options.
//!
//! Every option of `ferry serve` can also come from an environment variable
//! (shown in `--help`) or the TOML configuration file; see [`crate::config`].

use clap::{Args, Parser, Subcommand};
use ferry_shared::ParseLimits;
use ferry_shared::convert::requests::Target;
use std::net::SocketAddr;
use std::path::PathBuf;

/// Move a mailbox — mail, calendar, tasks, contacts — from a legacy server to
/// a new one.
#[derive(Debug, Parser)]
#[command(name = "ferry", version, propagate_version = true)]
#[command(
    after_help = "Run `ferry serve` and open the printed address in a browser.\n\
Planned next: `ferry sync` (IMAP copy) and `ferry convert` (EWS, Graph, CalDAV requests)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web application and its JSON API.
    ///
    /// Starts with built-in defaults and needs no set-up: it listens on
    /// 127.0.0.1:8080, keeps its state in ./ferry-data and serves the web page
    /// from ./dist (built by `trunk build`). Settings come from, in rising
    /// precedence: built-in defaults, the configuration file, environment
    /// variables, flags.
    Serve(ServeArgs),
    /// Read calendar exports (.ics) and print, as JSON, what the preview page
    /// shows for each: every event and task, skipped parts and warnings.
    ///
    /// Exits with status 1 if any file cannot be read at all; its entry then
    /// carries an "error" with a stable "code" and a plain "message".
    Inspect(InspectArgs),
    /// Print the requests that would put the items of calendar and contact
    /// exports on a target (EWS SOAP envelopes, or iCalendar and vCard
    /// resources for CalDAV/CardDAV), and what each item loses on the way.
    /// Nothing is sent anywhere.
    ///
    /// Exits with status 1 if any file cannot be read at all.
    Convert(ConvertArgs),
    /// Copy a whole mailbox from one IMAP server to another (imapsync's
    /// option names work).
    ///
    /// Every message is copied exactly once, byte for byte, with its flags
    /// and date. The source is only read (EXAMINE, BODY.PEEK): nothing on it
    /// changes. Nothing is ever deleted on the target. Re-running copies
    /// only what is new and carries flag changes, so it serves for an
    /// incremental cut-over; a run that was interrupted or killed resumes
    /// without duplicates. State is kept in --state-dir.
    ///
    /// Security: TLS certificates are verified. Without --ssl1/--tls1/--notls1
    /// the connection uses TLS on port 993 and STARTTLS (mandatory) otherwise.
    /// Passwords are read from --passfile1/2 or FERRY_PASSWORD1/2; --password1/2
    /// also works but shows in the process list.
    #[command(after_help = SYNC_EXAMPLES)]
    Sync(Box<SyncArgs>),
    /// Put the events, tasks and contacts of calendar and contact exports
    /// on a CalDAV/CardDAV server, each exactly once.
    ///
    /// Events and tasks go into one calendar, contacts into one address
    /// book (both created when missing). Every item is listed with what
    /// became of it: created, already there (a re-run adds nothing),
    /// refused by the server (with its reason), failed, or not converted,
    /// and with what it lost on the way.
    ///
    /// Exits with status 0 when every item was created or was already
    /// there, 1 when something was refused, failed or could not be read
    /// or converted, 2 for bad options. The password is read from
    /// --passfile or FERRY_TARGET_PASSWORD and never printed.
    #[command(after_help = IMPORT_EXAMPLES)]
    Import(Box<ImportArgs>),
}

const IMPORT_EXAMPLES: &str = "Examples:
  FERRY_TARGET_PASSWORD=... ferry import calendar.ics contacts.vcf \\
    --to caldav --url https://dav.new.example/ --user zyg
  See what would be sent, without connecting:
    ferry import calendar.ics --to caldav --url https://dav.new.example/ --user zyg --dry-run";

const SYNC_EXAMPLES: &str = "Examples:
  Copy everything, mapping Sent/Drafts/Trash/Junk to the target's own folders:
    FERRY_PASSWORD1=... FERRY_PASSWORD2=... ferry sync \\
      --host1 imap.old.example --user1 zyg --host2 outlook.office365.com --user2 zyg@new.example --automap
  See what would happen:
    ferry sync ... --dry
  An admin account acting for a user (SASL PLAIN authorization identity):
    ferry sync --host1 old --user1 zyg --authuser1 admin --passfile1 admin.pass ...";

/// The options of one side (1 = source, 2 = target). clap cannot repeat a
/// flattened struct with different names, so both sides are spelled out.
#[derive(Debug, Default, Clone, Args)]
pub struct SyncArgs {
    /// Source server host name.
    #[arg(long, help_heading = "Source (1)")]
    pub host1: String,
    /// Source port. [default: 993 with --ssl1, else 143]
    #[arg(long, help_heading = "Source (1)")]
    pub port1: Option<u16>,
    /// Source user (the mailbox to copy).
    #[arg(long, help_heading = "Source (1)")]
    pub user1: String,
    /// Source password (visible to other users in the process list; prefer
    /// --passfile1 or FERRY_PASSWORD1).
    #[arg(
        long,
        env = "FERRY_PASSWORD1",
        hide_env_values = true,
        help_heading = "Source (1)"
    )]
    pub password1: Option<Redacted>,
    /// File whose first line is the source password.
    #[arg(long, help_heading = "Source (1)")]
    pub passfile1: Option<PathBuf>,
    /// Implicit TLS (port 993).
    #[arg(long, help_heading = "Source (1)")]
    pub ssl1: bool,
    /// STARTTLS, mandatory.
    #[arg(long, help_heading = "Source (1)")]
    pub tls1: bool,
    /// No encryption at all (trusted networks and tests only).
    #[arg(long, conflicts_with_all = ["ssl1", "tls1"], help_heading = "Source (1)")]
    pub notls1: bool,
    /// Log in as this admin user and act for --user1 (SASL PLAIN with an
    /// authorization identity).
    #[arg(long, help_heading = "Source (1)")]
    pub authuser1: Option<String>,
    /// LOGIN, PLAIN, XOAUTH2 or OAUTHBEARER. [default: LOGIN, or PLAIN with
    /// --authuser1, or XOAUTH2 with --oauthaccesstoken1]
    #[arg(long, help_heading = "Source (1)")]
    pub authmech1: Option<String>,
    /// OAuth2 access token, or a file holding it.
    #[arg(
        long,
        env = "FERRY_OAUTH_TOKEN1",
        hide_env_values = true,
        help_heading = "Source (1)"
    )]
    pub oauthaccesstoken1: Option<Redacted>,
    /// DER certificate to trust for the source (self-signed servers).
    #[arg(long, help_heading = "Source (1)")]
    pub certificate1: Option<PathBuf>,
    /// Compress the source connection (COMPRESS=DEFLATE), when offered.
    /// Worth it over slow networks; costs CPU.
    #[arg(long, help_heading = "Source (1)")]
    pub compress1: bool,
    /// Seconds to wait for the source before giving up. [default: 120]
    #[arg(long, help_heading = "Source (1)")]
    pub timeout1: Option<u64>,

    /// Target server host name.
    #[arg(long, help_heading = "Target (2)")]
    pub host2: String,
    /// Target port. [default: 993 with --ssl2, else 143]
    #[arg(long, help_heading = "Target (2)")]
    pub port2: Option<u16>,
    /// Target user.
    #[arg(long, help_heading = "Target (2)")]
    pub user2: String,
    /// Target password (prefer --passfile2 or FERRY_PASSWORD2).
    #[arg(
        long,
        env = "FERRY_PASSWORD2",
        hide_env_values = true,
        help_heading = "Target (2)"
    )]
    pub password2: Option<Redacted>,
    /// File whose first line is the target password.
    #[arg(long, help_heading = "Target (2)")]
    pub passfile2: Option<PathBuf>,
    /// Implicit TLS (port 993).
    #[arg(long, help_heading = "Target (2)")]
    pub ssl2: bool,
    /// STARTTLS, mandatory.
    #[arg(long, help_heading = "Target (2)")]
    pub tls2: bool,
    /// No encryption at all (trusted networks and tests only).
    #[arg(long, conflicts_with_all = ["ssl2", "tls2"], help_heading = "Target (2)")]
    pub notls2: bool,
    /// Log in as this admin user and act for --user2.
    #[arg(long, help_heading = "Target (2)")]
    pub authuser2: Option<String>,
    /// LOGIN, PLAIN, XOAUTH2 or OAUTHBEARER.
    #[arg(long, help_heading = "Target (2)")]
    pub authmech2: Option<String>,
    /// OAuth2 access token, or a file holding it.
    #[arg(
        long,
        env = "FERRY_OAUTH_TOKEN2",
        hide_env_values = true,
        help_heading = "Target (2)"
    )]
    pub oauthaccesstoken2: Option<Redacted>,
    /// DER certificate to trust for the target.
    #[arg(long, help_heading = "Target (2)")]
    pub certificate2: Option<PathBuf>,
    /// Compress the target connection (COMPRESS=DEFLATE), when offered.
    #[arg(long, help_heading = "Target (2)")]
    pub compress2: bool,
    /// Seconds to wait for the target before giving up. [default: 120]
    #[arg(long, help_heading = "Target (2)")]
    pub timeout2: Option<u64>,

    /// Copy only these folders (source names; repeatable).
    #[arg(long, help_heading = "Folders")]
    pub folder: Vec<String>,
    /// Copy only folders matching this regex (repeatable).
    #[arg(long, help_heading = "Folders")]
    pub include: Vec<String>,
    /// Skip folders matching this regex (repeatable).
    #[arg(long, help_heading = "Folders")]
    pub exclude: Vec<String>,
    /// Map Sent, Drafts, Trash, Junk and Archive to the target's folders
    /// of the same role, whatever their names or language.
    #[arg(long, help_heading = "Folders")]
    pub automap: bool,
    /// Rename target folders with a substitution, e.g. 's/^Archive/Old/'
    /// (repeatable, applied in order).
    #[arg(long, help_heading = "Folders")]
    pub regextrans2: Vec<String>,
    /// Map one folder explicitly: 'SOURCE=TARGET' (repeatable).
    #[arg(long, help_heading = "Folders")]
    pub f1f2: Vec<String>,
    /// The source's hierarchy separator, when it announces a wrong one.
    #[arg(long, help_heading = "Folders")]
    pub sep1: Option<char>,
    /// The target's hierarchy separator, when it announces a wrong one.
    #[arg(long, help_heading = "Folders")]
    pub sep2: Option<char>,
    /// The source's personal namespace prefix (e.g. 'INBOX.'), when it
    /// announces a wrong one.
    #[arg(long, help_heading = "Folders")]
    pub prefix1: Option<String>,
    /// The target's personal namespace prefix.
    #[arg(long, help_heading = "Folders")]
    pub prefix2: Option<String>,
    /// Create the folders only, copy no messages.
    #[arg(long, help_heading = "Folders")]
    pub justfolders: bool,

    /// Skip messages larger than this many bytes.
    #[arg(long, help_heading = "Messages")]
    pub maxsize: Option<u32>,
    /// Skip messages smaller than this many bytes.
    #[arg(long, help_heading = "Messages")]
    pub minsize: Option<u32>,
    /// Skip messages older than this many days.
    #[arg(long, help_heading = "Messages")]
    pub maxage: Option<u32>,
    /// Skip messages newer than this many days.
    #[arg(long, help_heading = "Messages")]
    pub minage: Option<u32>,

    /// Copy at most this many bytes per second (averaged over the run).
    #[arg(long, help_heading = "Messages")]
    pub maxbytespersecond: Option<u64>,
    /// Copy at most this many messages per second (averaged over the run).
    #[arg(long, help_heading = "Messages")]
    pub maxmessagespersecond: Option<f64>,

    /// Show the folder plan, copy nothing.
    #[arg(long, help_heading = "Run")]
    pub dry: bool,
    /// Log in to both servers and stop.
    #[arg(long, help_heading = "Run")]
    pub justlogin: bool,
    /// Folder for the sync state (SQLite). [default: ferry-data]
    #[arg(long, env = "FERRY_DATA_DIR", help_heading = "Run")]
    pub state_dir: Option<PathBuf>,
    /// Reconnect this many times after a dropped connection. [default: 5]
    #[arg(long, default_value_t = 5, help_heading = "Run")]
    pub retries: u32,
    /// Print progress as JSON lines on stdout (for programs).
    #[arg(long, help_heading = "Run")]
    pub json: bool,
    /// Largest response held in memory, in bytes. [default: 67108864]
    #[arg(long, help_heading = "Run")]
    pub max_response_size: Option<u32>,
    /// Most messages fetched and appended per batch. [default: 256]
    #[arg(long, help_heading = "Run")]
    pub batch_messages: Option<usize>,
    /// Most bytes fetched per batch (bounds memory). [default: 4194304]
    #[arg(long, help_heading = "Run")]
    pub batch_bytes: Option<u64>,
}

/// Options of `ferry serve`.
#[derive(Debug, Default, Args)]
pub struct ServeArgs {
    /// TOML configuration file. Without this option, ./ferry.toml is read
    /// when it exists. Every key is optional; see README.md for the list.
    #[arg(long, env = "FERRY_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Address and port to listen on; port 0 picks a free port.
    /// [default: 127.0.0.1:8080]
    #[arg(long, env = "FERRY_LISTEN", value_name = "ADDR:PORT")]
    pub listen: Option<SocketAddr>,
    /// Folder for Ferry's state (the SQLite job store), created if missing.
    /// [default: ferry-data]
    #[arg(long, env = "FERRY_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Folder holding the built web page (index.html and its assets).
    /// [default: dist]
    #[arg(long, env = "FERRY_STATIC_DIR", value_name = "DIR")]
    pub static_dir: Option<PathBuf>,
    /// Largest request body the API accepts, in bytes. [default: 1048576]
    #[arg(long, env = "FERRY_MAX_BODY_BYTES", value_name = "BYTES")]
    pub max_body_bytes: Option<usize>,
    /// Seconds after which a request is answered with 408 Request Timeout.
    /// [default: 30]
    #[arg(long, env = "FERRY_REQUEST_TIMEOUT_SECS", value_name = "SECONDS")]
    pub request_timeout_secs: Option<u64>,
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// Limits for reading exports, shared by the web page (it asks the server for
/// them) and `ferry inspect`.
#[derive(Debug, Default, Clone, Args)]
#[command(next_help_heading = "Limits for reading exports")]
pub struct LimitArgs {
    /// Largest export file accepted, in bytes. [default: 268435456 (256 MiB)]
    #[arg(long, env = "FERRY_MAX_FILE_BYTES", value_name = "BYTES")]
    pub max_file_bytes: Option<usize>,
    /// Longest (unfolded) line in an export, in bytes. [default: 8388608 (8 MiB)]
    #[arg(long, env = "FERRY_MAX_LINE_BYTES", value_name = "BYTES")]
    pub max_line_bytes: Option<usize>,
    /// Most events and tasks read from one file. [default: 500000]
    #[arg(long, env = "FERRY_MAX_ITEMS", value_name = "COUNT")]
    pub max_items: Option<usize>,
    /// Most warnings listed for one file; more are only counted. [default: 1000]
    #[arg(long, env = "FERRY_MAX_WARNINGS", value_name = "COUNT")]
    pub max_warnings: Option<usize>,
    /// Largest contact photo kept, in bytes; larger ones are left out.
    /// [default: 262144 (256 KiB)]
    #[arg(long, env = "FERRY_MAX_PHOTO_BYTES", value_name = "BYTES")]
    pub max_photo_bytes: Option<usize>,
}

impl LimitArgs {
    /// Applies the options given on top of `base`.
    pub fn apply_to(&self, mut base: ParseLimits) -> ParseLimits {
        if let Some(v) = self.max_file_bytes {
            base.max_file_bytes = v;
        }
        if let Some(v) = self.max_line_bytes {
            base.max_line_bytes = v;
        }
        if let Some(v) = self.max_items {
            base.max_items = v;
        }
        if let Some(v) = self.max_warnings {
            base.max_warnings = v;
        }
        if let Some(v) = self.max_photo_bytes {
            base.max_photo_bytes = v;
        }
        base
    }
}

/// A secret given on the command line or in the environment: its `Debug`
/// output never shows it, so printing the parsed arguments is safe.
#[derive(Clone, PartialEq, Eq)]
pub struct Redacted(String);

impl Redacted {
    /// The secret itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for Redacted {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_string()))
    }
}

impl std::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Options of `ferry inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Exports to read: iCalendar (.ics), xCal, vCard (.vcf), Outlook or
    /// MDaemon CSV.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Print one line of JSON instead of indented JSON.
    #[arg(long)]
    pub compact: bool,
    #[command(flatten)]
    pub limits: LimitArgs,
    #[command(flatten)]
    pub rules: RuleArgs,
}

/// Options of `ferry convert`.
#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// Exports to read: iCalendar (.ics), xCal, vCard (.vcf), Outlook or
    /// MDaemon CSV.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The target: `ews` (Exchange Server) or `caldav` (CalDAV/CardDAV).
    #[arg(long, value_name = "TARGET", value_parser = parse_target)]
    pub to: Target,
    /// Print JSON (requests and losses per file) instead of text.
    #[arg(long)]
    pub json: bool,
    /// EWS `RequestServerVersion`.
    #[arg(long, value_name = "VERSION", default_value = ferry_shared::convert::ews::DEFAULT_SERVER_VERSION)]
    pub server_version: String,
    /// EWS: act for this mailbox (ExchangeImpersonation), e.g. when a
    /// service account moves users.
    #[arg(long, value_name = "ADDRESS")]
    pub impersonate: Option<String>,
    /// EWS: items per CreateItem request.
    #[arg(long, value_name = "COUNT", default_value_t = ferry_shared::convert::requests::DEFAULT_BATCH_SIZE)]
    pub batch_size: usize,
    #[command(flatten)]
    pub limits: LimitArgs,
    #[command(flatten)]
    pub rules: RuleArgs,
}

/// Options of `ferry import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Exports to read: iCalendar (.ics), xCal, vCard (.vcf), Outlook or
    /// MDaemon CSV.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The target: `caldav` (any CalDAV/CardDAV server), `ews` (Exchange
    /// Server) or `graph` (Exchange Online, Microsoft 365).
    #[arg(long, value_name = "TARGET", value_enum)]
    pub to: ImportTarget,
    /// CalDAV: the server, its root or any URL on it (the well-known URLs
    /// are tried first). EWS: the full EWS URL. Graph: the API root
    /// [default: https://graph.microsoft.com/v1.0].
    #[arg(long, value_name = "URL")]
    pub url: Option<url::Url>,
    /// EWS: the Exchange server's host name (optionally `:port`); the EWS
    /// URL is then https://HOST/EWS/Exchange.asmx.
    #[arg(long, value_name = "HOST", conflicts_with = "url")]
    pub server: Option<String>,
    /// The account on the server (CalDAV; EWS with a password).
    #[arg(long, value_name = "USER")]
    pub user: Option<String>,
    /// File whose first line is the password.
    #[arg(long, value_name = "FILE")]
    pub passfile: Option<PathBuf>,
    /// The password (visible to other users in the process list; prefer
    /// --passfile or the environment variable).
    #[arg(long, env = "FERRY_TARGET_PASSWORD", hide_env_values = true)]
    pub password: Option<Redacted>,
    /// EWS: how the password is sent: `automatic` (the best the server
    /// offers: Negotiate, NTLM, then Basic), `basic`, `ntlm` or
    /// `negotiate` (NTLM inside SPNEGO).
    #[arg(long, value_name = "METHOD", value_enum, default_value = "automatic")]
    pub auth: PasswordAuth,
    /// EWS and Graph: file whose first line is an OAuth2 access token
    /// (used instead of a password).
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// EWS and Graph: an OAuth2 access token (prefer --token-file).
    #[arg(long, env = "FERRY_TARGET_TOKEN", hide_env_values = true)]
    pub token: Option<Redacted>,
    /// EWS: the mailbox a service account acts for
    /// (ExchangeImpersonation). Graph: the user whose mailbox is written
    /// (/users/ADDRESS instead of /me).
    #[arg(long, value_name = "ADDRESS")]
    pub impersonate: Option<String>,
    /// EWS: the RequestServerVersion sent.
    #[arg(long, value_name = "VERSION", default_value = "Exchange2013_SP1")]
    pub server_version: String,
    /// EWS: items per CreateItem request.
    #[arg(long, value_name = "COUNT", default_value_t = ferry_shared::convert::requests::DEFAULT_BATCH_SIZE)]
    pub batch_size: usize,
    /// CalDAV: the calendar events and tasks go into (matched by display
    /// name or last path segment; created when missing).
    #[arg(long, value_name = "NAME", default_value = "Imported calendar")]
    pub calendar: String,
    /// CalDAV: the address book contacts go into (created when missing).
    #[arg(long, value_name = "NAME", default_value = "Imported contacts")]
    pub address_book: String,
    /// Trust exactly this certificate (PEM or DER) instead of the public
    /// certificate authorities: for a server with a self-signed one.
    #[arg(long, value_name = "FILE")]
    pub pin_certificate: Option<PathBuf>,
    /// Print what would be sent, item by item, without connecting.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub limits: LimitArgs,
    #[command(flatten)]
    pub rules: RuleArgs,
}

/// How a password is sent to an EWS server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PasswordAuth {
    Automatic,
    Basic,
    Ntlm,
    Negotiate,
}

/// Where `ferry import` can put items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportTarget {
    /// Any CalDAV/CardDAV server.
    Caldav,
    /// Exchange Server 2016/2019/SE through Exchange Web Services.
    Ews,
    /// Exchange Online (Microsoft 365) through Microsoft Graph.
    Graph,
}

fn parse_target(name: &str) -> Result<Target, String> {
    Target::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Target::ALL.iter().map(|t| t.name()).collect();
        format!("“{name}” is not a target; use one of: {}", names.join(", "))
    })
}

/// The mapping rules, as on the preview page.
#[derive(Debug, Args)]
pub struct RuleArgs {
    /// User map: `old=new` per line, `#` comments (the legacy
    /// exceptions.txt format). A whole address may stand for a user.
    #[arg(long, value_name = "FILE")]
    pub users: Option<PathBuf>,
    /// Domain rewrites: `old.domain=new.domain` per line.
    #[arg(long, value_name = "FILE")]
    pub domains: Option<PathBuf>,
    /// Time zone for times written without one (and for CSV exports), as
    /// an IANA or Windows name, e.g. Europe/Berlin.
    #[arg(long, value_name = "ZONE")]
    pub zone: Option<String>,
    /// Write attendees into the description instead of inviting them
    /// (required for Microsoft 365 through Graph).
    #[arg(long)]
    pub flat: bool,
    /// Category for meetings kept despite a missing organizer.
    #[arg(long, value_name = "NAME", default_value = "Meetings_MissingOrganizer")]
    pub missing_organizer_category: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn import_arguments_never_show_the_password_in_debug_output() {
        let cli = Cli::parse_from([
            "ferry",
            "import",
            "a.ics",
            "--to",
            "caldav",
            "--url",
            "http://127.0.0.1:5232/",
            "--user",
            "u",
            "--password",
            "canary-import-pw",
        ]);
        let shown = format!("{cli:?}");
        assert!(!shown.contains("canary"), "{shown}");
        let Command::Import(args) = cli.command else {
            panic!("import")
        };
        assert_eq!(
            args.password.as_ref().map(Redacted::expose),
            Some("canary-import-pw")
        );
        assert_eq!(args.calendar, "Imported calendar");
        assert_eq!(args.address_book, "Imported contacts");
    }

    #[test]
    fn parsed_arguments_never_show_secrets_in_debug_output() {
        let cli = Cli::parse_from([
            "ferry",
            "sync",
            "--host1",
            "a",
            "--user1",
            "u",
            "--password1",
            "canary-pw-1",
            "--host2",
            "b",
            "--user2",
            "v",
            "--oauthaccesstoken2",
            "canary-token-2",
        ]);
        let shown = format!("{cli:?}");
        assert!(!shown.contains("canary"), "{shown}");
        let Command::Sync(args) = cli.command else {
            panic!("sync")
        };
        assert_eq!(
            args.password1.as_ref().map(Redacted::expose),
            Some("canary-pw-1")
        );
    }
}
