//! The `ferry` command line: subcommands and their options.
//!
//! Every option of `ferry serve` can also come from an environment variable
//! (shown in `--help`) or the TOML configuration file; see [`crate::config`].

use clap::{Args, Parser, Subcommand};
use ferry_shared::ParseLimits;
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
        base
    }
}

/// Options of `ferry inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Calendar exports to read.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Print one line of JSON instead of indented JSON.
    #[arg(long)]
    pub compact: bool,
    #[command(flatten)]
    pub limits: LimitArgs,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
