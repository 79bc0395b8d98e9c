//! `ferry import FILE… --to caldav|ews|graph`: the items of calendar and
//! contact exports put on a server, each exactly once.
//!
//! Each file is read and mapped (the same rules as `ferry inspect` and
//! the preview page), written by the target's converter, and sent:
//!
//! * [`caldav`] — to a CalDAV/CardDAV server: Ferry's iCalendar and vCard
//!   writers, `PUT If-None-Match: *` into a named calendar and address
//!   book (created when missing).
//! * [`exchange`] — to Exchange Server through EWS, or to Exchange Online
//!   through Microsoft Graph: each item carries its source key, is looked
//!   up before it is created and again after a lost answer, then the
//!   occurrences of series are deleted or changed.
//!
//! A re-run adds nothing. Every item of every file is printed with what
//! became of it, its warnings and what the target will not hold
//! ([`output`]); nothing is dropped silently. Passwords and tokens come
//! from a file or the environment ([`secrets`]), live in
//! [`secrecy::SecretString`]s and are printed nowhere.
//!
//! * [`plan`] — a file read, mapped, and each item's fate.
//! * [`files`] — the same for files given as text, with results given
//!   back rather than printed (the web flow's calendar jobs).

mod caldav;
mod exchange;
pub mod files;
mod output;
mod plan;
mod secrets;

use crate::cli::{ImportArgs, ImportTarget};
use crate::inspect::{FileError, RulesError, rules};
use chrono::{DateTime, Utc};
use ferry_shared::ParseLimits;
use ferry_shared::mapping::MappingRules;
use ferry_targets::http::HttpOptions;
use output::{FileOutcome, Tally, write_file};
use plan::FilePlan;
pub use secrets::SecretKind;
use std::io::Write;
use std::path::PathBuf;

/// Options that keep `ferry import` from starting (exit status 2). No
/// variant carries a secret.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Rules(#[from] RulesError),
    #[error("a password is needed: --passfile FILE or the FERRY_TARGET_PASSWORD variable")]
    NoPassword,
    #[error(
        "an OAuth2 access token is needed: --token-file FILE or the FERRY_TARGET_TOKEN variable"
    )]
    NoToken,
    #[error("cannot read the {kind} file {path}: {source}")]
    SecretFile {
        kind: SecretKind,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the URL must not hold a password; use --passfile or FERRY_TARGET_PASSWORD")]
    PasswordInUrl,
    #[error("the URL must start with http:// or https://")]
    UnsupportedScheme,
    #[error("{0}")]
    Missing(&'static str),
    #[error("{0}")]
    Target(String),
    #[error("cannot read the certificate {path}: {reason}")]
    Certificate { path: PathBuf, reason: String },
}

impl std::fmt::Display for SecretKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SecretKind::Password => "password",
            SecretKind::Token => "token",
        })
    }
}

/// What sending one file gave.
struct Sent {
    pub outcome: FileOutcome,
    /// Said on standard error (`ferry import: ` is put before each).
    pub complaints: Vec<String>,
    /// Why nothing more should be sent (a refused login): later files
    /// fail with this reason without a connection.
    pub stop: Option<String>,
}

/// One kind of target: how a file is planned and how it is sent.
trait Target {
    /// What a planned file carries to [`Target::send`].
    type Payload;

    /// The server, for “nothing is sent to …”.
    fn name(&self) -> String;

    /// The options every target shares.
    fn common(&self) -> &Common;

    fn plan(
        &self,
        file: &str,
        bytes: Result<Vec<u8>, FileError>,
        limits: &ParseLimits,
        rules: &MappingRules,
        stamp: DateTime<Utc>,
    ) -> (FilePlan, Self::Payload);

    async fn send(&self, plan: &FilePlan, payload: Self::Payload) -> Sent;
}

/// The options every target shares: the mapping rules, HTTP settings
/// (a pinned certificate) and the URL's checks.
struct Common {
    pub rules: MappingRules,
    pub http: HttpOptions,
}

impl Common {
    fn from_args(args: &ImportArgs) -> Result<Self, ImportError> {
        let rules = rules(&args.rules)?;
        if let Some(url) = &args.url {
            if !url.password().unwrap_or_default().is_empty() {
                return Err(ImportError::PasswordInUrl);
            }
            if !matches!(url.scheme(), "http" | "https") {
                return Err(ImportError::UnsupportedScheme);
            }
        }
        let http = HttpOptions {
            pinned_certificate: args
                .pin_certificate
                .as_deref()
                .map(secrets::read_certificate)
                .transpose()?,
            ..HttpOptions::default()
        };
        Ok(Self { rules, http })
    }
}

/// Runs `ferry import`; the exit status: 0 every item created or already
/// there, 1 something not read, not converted, refused or failed, 2 bad
/// options.
pub async fn run(
    args: &ImportArgs,
    out: &mut impl Write,
    err: &mut impl Write,
) -> std::io::Result<u8> {
    let setup = Common::from_args(args).and_then(|common| {
        Ok(match args.to {
            ImportTarget::Caldav => Setup::Caldav(caldav::CaldavTarget::from_args(args, common)?),
            ImportTarget::Ews => Setup::Ews(exchange::ExchangeTarget::ews(args, common)?),
            ImportTarget::Graph => Setup::Graph(exchange::ExchangeTarget::graph(args, common)?),
        })
    });
    match setup {
        Ok(Setup::Caldav(target)) => run_with(&target, args, out, err).await,
        Ok(Setup::Ews(target) | Setup::Graph(target)) => run_with(&target, args, out, err).await,
        Err(error) => {
            writeln!(err, "ferry import: {error}")?;
            Ok(2)
        }
    }
}

enum Setup {
    Caldav(caldav::CaldavTarget),
    Ews(exchange::ExchangeTarget),
    Graph(exchange::ExchangeTarget),
}

async fn run_with(
    target: &impl Target,
    args: &ImportArgs,
    out: &mut impl Write,
    err: &mut impl Write,
) -> std::io::Result<u8> {
    let limits = args.limits.apply_to(ParseLimits::default());
    let rules = &target.common().rules;
    let stamp = Utc::now();
    let mut total = Tally::default();
    let mut stopped: Option<String> = None;
    if args.dry_run {
        writeln!(out, "Dry run: nothing is sent to {}.\n", target.name())?;
    }
    for path in &args.files {
        let bytes = crate::inspect::read_within_limit(path, &limits);
        let (plan, payload) =
            target.plan(&path.display().to_string(), bytes, &limits, rules, stamp);
        let outcome = match &stopped {
            _ if args.dry_run => FileOutcome::dry_run(),
            Some(reason) => FileOutcome::not_sent(&plan, reason),
            None if plan.error.is_some() => FileOutcome::dry_run(),
            None => {
                let sent = target.send(&plan, payload).await;
                for complaint in &sent.complaints {
                    writeln!(err, "ferry import: {complaint}")?;
                }
                stopped = sent.stop;
                sent.outcome
            }
        };
        total.add(&write_file(out, &plan, &outcome)?);
    }
    if args.files.len() > 1 {
        writeln!(out, "All files: {}", total.summary(args.dry_run))?;
    }
    Ok(if total.all_arrived() { 0 } else { 1 })
}
