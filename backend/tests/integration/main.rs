//! The back end's integration tests, in one binary (one link, one run).
//!
//! * `admin` moves a list of users in groups with service accounts
//!   (Dovecot master users) through the API.
//! * `admin_calendars` moves listed users' calendar files into their
//!   own mailboxes through an EWS service account (impersonation).
//! * `api` drives the router in-process with `Router::oneshot`.
//! * `calendar_sealed` kills `ferry serve` with a site key mid-run of
//!   a calendar job; started again, the job goes on by itself.
//! * `calendar_targets` signs in to EWS and CalDAV targets and runs
//!   calendar jobs and address checks through the API.
//! * `convert_cli` runs the real `ferry convert` on corpus files.
//! * `graph_calendar` signs in to a Microsoft Graph calendar target
//!   with OAuth2 and runs calendar jobs and address checks through it.
//! * `graph_sealed` does it for a calendar job into Microsoft Graph,
//!   whose kept refresh token renews the access after the restart.
//! * `import_cli` runs the real `ferry import` against a real Radicale.
//! * `import_exchange` runs `ferry import --to ews|graph` against the EWS
//!   and Graph stand-ins.
//! * `jobs` starts and watches mail moves through the API.
//! * `oauth_sign_in` signs in with OAuth2 through the test provider, and
//!   jobs renew their access tokens.
//! * `oauth_sealed` kills `ferry serve` with a site key mid-move of an
//!   OAuth2 mailbox; started again, it renews the access and goes on.
//! * `oauth_serve` does it with the real `ferry serve` and finds no
//!   secret or token in its log.
//! * `reconnect` drops connections mid-move (a cutting proxy) and
//!   watches the jobs reconnect, renewing OAuth2 tokens, or give up.
//! * `inspect_cli` runs the real `ferry inspect` on corpus files.
//! * `sign_in` signs in through the API against real Dovecot servers.
//! * `serve_cli` starts the real `ferry serve` on a free port.
//! * `serve_kill` kills `ferry serve` mid-move and starts it again.
//! * `sync_cli` runs the real `ferry sync` between Dovecot servers.

mod admin;
mod admin_calendars;
mod api;
mod calendar_sealed;
mod calendar_targets;
mod convert_cli;
mod graph_calendar;
mod graph_sealed;
mod import_cli;
mod import_exchange;
mod inspect_cli;
mod jobs;
mod oauth_sealed;
mod oauth_serve;
mod oauth_sign_in;
mod reconnect;
mod serve_cli;
mod serve_kill;
mod sign_in;
mod sync_cli;

use std::path::PathBuf;

/// The repository's test fixtures folder.
pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}
