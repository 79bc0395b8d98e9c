//! `ferry import FILE… --to caldav`: the items of calendar and contact
//! exports put on a CalDAV/CardDAV server, each exactly once.
//!
//! Each file is read, mapped (the same rules as `ferry inspect`) and
//! written by Ferry's own iCalendar and vCard writers: events and tasks
//! grouped by UID into calendar object resources, contacts as vCards.
//! [`ferry_targets::caldav::upload()`] then puts them into the named
//! calendar and address book (created when missing), skipping what the
//! collection already holds, so a re-run adds nothing.
//!
//! Every item of every file is printed with what became of it, its
//! warnings and what the writer says it lost; nothing is dropped
//! silently. The password comes from `--passfile` or the environment,
//! lives in a [`SecretString`] and is printed nowhere.

use crate::cli::{ImportArgs, Redacted};
use crate::inspect::{FileError, RulesError, read_within_limit, rules};
use chrono::{DateTime, Utc};
use ferry_shared::convert::caldav::{
    SourceZone, WriteError, calendar_resources, card_resource, zone_definitions,
};
use ferry_shared::mapping::{ItemStatus, MappedItem, MappingRules, map_report};
use ferry_shared::report::Skipped;
use ferry_shared::{ItemKind, ParseLimits, inspect};
use ferry_targets::caldav::{
    CollectionKind, CollectionSpec, ContentType, Resource, ResourceOutcome, UploadOptions,
    UploadReport, upload,
};
use ferry_targets::http::{Credentials, HttpOptions};
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use secrecy::SecretString;
use secrecy::zeroize::Zeroizing;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Why nothing more is sent after the server refused the login.
const LOGIN_REFUSED: &str = "not sent: the server refused the user name or password";

/// Options that keep `ferry import` from starting (exit status 2). No
/// variant carries a password.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Rules(#[from] RulesError),
    #[error("a password is needed: --passfile FILE or the FERRY_TARGET_PASSWORD variable")]
    NoPassword,
    #[error("cannot read the password file {path}: {source}")]
    PasswordFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the URL must not hold a password; use --passfile or FERRY_TARGET_PASSWORD")]
    PasswordInUrl,
    #[error("the URL must start with http:// or https://")]
    UnsupportedScheme,
    #[error("cannot read the certificate {path}: {reason}")]
    Certificate { path: PathBuf, reason: String },
}

/// Runs `ferry import`; the exit status: 0 every item created or already
/// there, 1 something not read, not converted, refused or failed, 2 bad
/// options.
pub async fn run(
    args: &ImportArgs,
    out: &mut impl Write,
    err: &mut impl Write,
) -> std::io::Result<u8> {
    let setup = match Setup::from_args(args) {
        Ok(setup) => setup,
        Err(error) => {
            writeln!(err, "ferry import: {error}")?;
            return Ok(2);
        }
    };
    let limits = args.limits.apply_to(ParseLimits::default());
    let stamp = Utc::now();
    let mut total = Tally::default();
    let mut stopped: Option<String> = None;
    if args.dry_run {
        writeln!(out, "Dry run: nothing is sent to {}.\n", args.url)?;
    }
    for path in &args.files {
        let plan = plan_file(path, &limits, &setup.rules, stamp);
        let outcomes = match (&setup.connection, &stopped) {
            (None, _) => Outcomes::DryRun,
            (Some(_), Some(reason)) => Outcomes::NotSent(reason.clone()),
            (Some(connection), None) => {
                let sent = send(connection, args, &plan).await;
                for (collection, error) in sent.errors() {
                    writeln!(
                        err,
                        "ferry import: {}: cannot upload to the {} at {}: {error}",
                        plan.file,
                        collection.label(),
                        args.url
                    )?;
                }
                if sent.login_refused() {
                    // Trying again would only repeat the refusal (and
                    // could lock the account): nothing more is sent.
                    writeln!(
                        err,
                        "ferry import: the server refused the user name or password; check --user and the password. Nothing more is sent."
                    )?;
                    stopped = Some(LOGIN_REFUSED.into());
                }
                Outcomes::Sent(Box::new(sent))
            }
        };
        let tally = write_file(out, args, &plan, &outcomes)?;
        total.add(&tally);
    }
    if args.files.len() > 1 {
        writeln!(out, "All files: {}", total.summary(args.dry_run))?;
    }
    Ok(if total.all_arrived() { 0 } else { 1 })
}

/// What the options resolve to.
struct Setup {
    rules: MappingRules,
    /// `None` for a dry run.
    connection: Option<Connection>,
}

struct Connection {
    credentials: Credentials,
    options: UploadOptions,
}

impl Setup {
    fn from_args(args: &ImportArgs) -> Result<Self, ImportError> {
        let rules = rules(&args.rules)?;
        if !args.url.password().unwrap_or_default().is_empty() {
            return Err(ImportError::PasswordInUrl);
        }
        if !matches!(args.url.scheme(), "http" | "https") {
            return Err(ImportError::UnsupportedScheme);
        }
        let http = HttpOptions {
            pinned_certificate: args
                .pin_certificate
                .as_deref()
                .map(read_certificate)
                .transpose()?,
            ..HttpOptions::default()
        };
        let connection = if args.dry_run {
            None
        } else {
            let password = password(args.passfile.as_deref(), args.password.as_ref())?;
            Some(Connection {
                credentials: Credentials::new(args.user.clone(), password),
                options: UploadOptions {
                    http,
                    ..UploadOptions::default()
                },
            })
        };
        Ok(Self { rules, connection })
    }
}

/// The password: the first line of `passfile` (it wins), else the
/// variable's value.
fn password(
    passfile: Option<&Path>,
    variable: Option<&Redacted>,
) -> Result<SecretString, ImportError> {
    match (passfile, variable) {
        (Some(path), _) => {
            // The file's text is wiped when dropped, like the secret.
            let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|source| {
                ImportError::PasswordFile {
                    path: path.to_path_buf(),
                    source,
                }
            })?);
            Ok(SecretString::from(text.lines().next().unwrap_or_default()))
        }
        (None, Some(value)) => Ok(SecretString::from(value.expose())),
        (None, None) => Err(ImportError::NoPassword),
    }
}

/// A certificate file, PEM or DER, as DER.
fn read_certificate(path: &Path) -> Result<Vec<u8>, ImportError> {
    let failed = |reason: String| ImportError::Certificate {
        path: path.to_path_buf(),
        reason,
    };
    let bytes = std::fs::read(path).map_err(|err| failed(err.to_string()))?;
    if !bytes.starts_with(b"-----BEGIN") {
        return Ok(bytes);
    }
    CertificateDer::from_pem_slice(&bytes)
        .map(|der| der.to_vec())
        .map_err(|err| failed(format!("not a PEM certificate ({err})")))
}

/// One file, read and written, ready to send.
struct FilePlan {
    file: String,
    /// Why the file could not be read at all.
    error: Option<FileError>,
    calendar: Vec<Resource>,
    cards: Vec<Resource>,
    /// Every item, in file order.
    items: Vec<PlannedItem>,
    skipped: Vec<Skipped>,
}

/// One item and what is to become of it.
struct PlannedItem {
    line: usize,
    kind: ItemKind,
    summary: String,
    fate: Fate,
    /// The mapping's warnings.
    warnings: Vec<String>,
    /// What the writer could not write.
    losses: Vec<String>,
}

enum Fate {
    /// Sent as the resource `name` of the calendar or the address book.
    Send {
        collection: CollectionKind,
        name: String,
    },
    /// The mapping cannot convert it: its reasons.
    CannotConvert(Vec<String>),
    /// The writer refused it.
    NotWritten(String),
}

fn plan_file(
    path: &Path,
    limits: &ParseLimits,
    rules: &MappingRules,
    stamp: DateTime<Utc>,
) -> FilePlan {
    let mut plan = FilePlan {
        file: path.display().to_string(),
        error: None,
        calendar: Vec::new(),
        cards: Vec::new(),
        items: Vec::new(),
        skipped: Vec::new(),
    };
    let bytes = match read_within_limit(path, limits) {
        Ok(bytes) => bytes,
        Err(error) => {
            plan.error = Some(error);
            return plan;
        }
    };
    let report = match inspect(&bytes, limits) {
        Ok(report) => report,
        Err(error) => {
            plan.error = Some(error.into());
            return plan;
        }
    };
    let mapped = map_report(&report, rules);
    let text = ferry_shared::text::decode_content_lines(&bytes);
    let zones = zone_definitions(&text.text, limits);
    plan.skipped = report.skipped;
    plan_calendar(&mut plan, &mapped, &zones, stamp);
    plan_cards(&mut plan, &mapped);
    for mapped in mapped
        .iter()
        .filter(|m| m.status == ItemStatus::CannotConvert)
    {
        let reasons = mapped.warnings.iter().map(|w| w.message.clone()).collect();
        plan.items
            .push(planned(mapped, Fate::CannotConvert(reasons), Vec::new()));
    }
    plan.items.sort_by_key(|item| item.line);
    plan
}

fn convertible<'a>(mapped: &'a [MappedItem], kinds: &[ItemKind]) -> Vec<&'a MappedItem> {
    mapped
        .iter()
        .filter(|m| m.status != ItemStatus::CannotConvert && kinds.contains(&m.item.kind))
        .collect()
}

/// Events and tasks: the resources of the whole file (a series with its
/// changed occurrences in one), and each item's own resource name and
/// losses from writing it alone.
fn plan_calendar(
    plan: &mut FilePlan,
    mapped: &[MappedItem],
    zones: &[SourceZone],
    stamp: DateTime<Utc>,
) {
    let items = convertible(mapped, &[ItemKind::Event, ItemKind::Task]);
    let written = calendar_resources(items.iter().map(|m| &m.item), zones, stamp);
    let refused: HashMap<usize, &WriteError> = written
        .refused
        .iter()
        .map(|error| (error.line(), error))
        .collect();
    for mapped in items {
        let (fate, losses) = match refused.get(&mapped.item.line) {
            Some(error) => (Fate::NotWritten(error.to_string()), Vec::new()),
            None => {
                let alone = calendar_resources([&mapped.item], zones, stamp);
                match (alone.resources.into_iter().next(), alone.refused.first()) {
                    (Some(resource), None) => (
                        Fate::Send {
                            collection: CollectionKind::Calendar,
                            name: resource.name,
                        },
                        resource.losses,
                    ),
                    (_, Some(error)) => (Fate::NotWritten(error.to_string()), Vec::new()),
                    (None, None) => (
                        Fate::NotWritten("the writer gave no resource for it".into()),
                        Vec::new(),
                    ),
                }
            }
        };
        plan.items.push(planned(mapped, fate, losses));
    }
    plan.calendar = written
        .resources
        .into_iter()
        .map(|resource| Resource {
            name: resource.name,
            body: resource.text.into_bytes(),
            content_type: ContentType::Calendar,
        })
        .collect();
}

/// Contacts: one vCard each; a later card with an earlier one's UID is
/// not written (it would only meet the first on the server).
fn plan_cards(plan: &mut FilePlan, mapped: &[MappedItem]) {
    let mut first_line_of: HashMap<String, usize> = HashMap::new();
    for mapped in convertible(mapped, &[ItemKind::Contact]) {
        let line = mapped.item.line;
        let (fate, losses) = match card_resource(&mapped.item) {
            Ok(card) => match first_line_of.get(&card.name) {
                Some(first_line) => (
                    Fate::NotWritten(
                        WriteError::Duplicate {
                            line,
                            first_line: *first_line,
                        }
                        .to_string(),
                    ),
                    Vec::new(),
                ),
                None => {
                    first_line_of.insert(card.name.clone(), line);
                    plan.cards.push(Resource {
                        name: card.name.clone(),
                        body: card.text.into_bytes(),
                        content_type: ContentType::VCard,
                    });
                    let fate = Fate::Send {
                        collection: CollectionKind::AddressBook,
                        name: card.name,
                    };
                    (fate, card.losses)
                }
            },
            Err(error) => (Fate::NotWritten(error.to_string()), Vec::new()),
        };
        plan.items.push(planned(mapped, fate, losses));
    }
}

fn planned(mapped: &MappedItem, fate: Fate, losses: Vec<String>) -> PlannedItem {
    let warnings = match fate {
        Fate::CannotConvert(_) => Vec::new(),
        _ => mapped.warnings.iter().map(|w| w.message.clone()).collect(),
    };
    PlannedItem {
        line: mapped.item.line,
        kind: mapped.item.kind,
        summary: mapped.item.summary.clone().unwrap_or_default(),
        fate,
        warnings,
        losses,
    }
}

/// What the server made of one file's resources.
struct Sent {
    calendar: Upload,
    address_book: Upload,
}

/// One collection's upload.
enum Upload {
    /// Nothing to send.
    Nothing,
    Done(UploadReport),
    /// It ended before the first `PUT` (connection, password, collection).
    Stopped(ferry_targets::Error),
    /// Not tried, for this reason.
    NotTried(String),
}

impl Sent {
    fn upload(&self, collection: CollectionKind) -> &Upload {
        match collection {
            CollectionKind::Calendar => &self.calendar,
            CollectionKind::AddressBook => &self.address_book,
        }
    }

    fn reports(&self) -> impl Iterator<Item = &UploadReport> {
        [&self.calendar, &self.address_book]
            .into_iter()
            .filter_map(|upload| match upload {
                Upload::Done(report) => Some(report),
                _ => None,
            })
    }

    fn errors(&self) -> impl Iterator<Item = (CollectionKind, &ferry_targets::Error)> {
        [
            (CollectionKind::Calendar, &self.calendar),
            (CollectionKind::AddressBook, &self.address_book),
        ]
        .into_iter()
        .filter_map(|(kind, upload)| match upload {
            Upload::Stopped(error) => Some((kind, error)),
            _ => None,
        })
    }

    fn login_refused(&self) -> bool {
        self.errors()
            .any(|(_, error)| matches!(error, ferry_targets::Error::AuthFailed { .. }))
    }
}

enum Outcomes {
    DryRun,
    Sent(Box<Sent>),
    /// Nothing of the file was sent: why.
    NotSent(String),
}

impl Outcomes {
    fn of(&self, collection: CollectionKind, name: &str) -> Option<ResourceOutcome> {
        let failed = |reason: String| Some(ResourceOutcome::Failed { reason });
        match self {
            Outcomes::DryRun => None,
            Outcomes::NotSent(reason) => failed(reason.clone()),
            Outcomes::Sent(sent) => match sent.upload(collection) {
                Upload::Nothing => failed("nothing was uploaded for it".into()),
                Upload::NotTried(reason) => failed(reason.clone()),
                Upload::Stopped(error) => failed(error.to_string()),
                Upload::Done(report) => report
                    .resources
                    .iter()
                    .find(|resource| resource.name == name)
                    .map_or_else(
                        || failed("the upload did not report on it".into()),
                        |resource| Some(resource.outcome.clone()),
                    ),
            },
        }
    }
}

/// Uploads the file's calendar resources, then its cards; the second is
/// tried even when the first could not be.
async fn send(connection: &Connection, args: &ImportArgs, plan: &FilePlan) -> Sent {
    let upload_into = |spec: CollectionSpec, resources: &[Resource]| {
        let resources = resources.to_vec();
        async move {
            if resources.is_empty() {
                return Upload::Nothing;
            }
            let credentials = connection.credentials.clone();
            match upload(
                &args.url,
                credentials,
                &spec,
                resources,
                &connection.options,
            )
            .await
            {
                Ok(report) => Upload::Done(report),
                Err(error) => Upload::Stopped(error),
            }
        }
    };
    let calendar = upload_into(CollectionSpec::calendar(&args.calendar), &plan.calendar).await;
    let address_book = match &calendar {
        Upload::Stopped(ferry_targets::Error::AuthFailed { .. }) => {
            Upload::NotTried(LOGIN_REFUSED.into())
        }
        _ => {
            upload_into(
                CollectionSpec::address_book(&args.address_book),
                &plan.cards,
            )
            .await
        }
    };
    Sent {
        calendar,
        address_book,
    }
}

/// Counts by what became of the items.
#[derive(Default)]
struct Tally {
    items: usize,
    unreadable_files: usize,
    created: usize,
    already_there: usize,
    would_send: usize,
    refused: usize,
    failed: usize,
    not_converted: usize,
}

impl Tally {
    fn all_arrived(&self) -> bool {
        self.unreadable_files + self.refused + self.failed + self.not_converted == 0
    }

    fn add(&mut self, other: &Tally) {
        self.items += other.items;
        self.unreadable_files += other.unreadable_files;
        self.created += other.created;
        self.already_there += other.already_there;
        self.would_send += other.would_send;
        self.refused += other.refused;
        self.failed += other.failed;
        self.not_converted += other.not_converted;
    }

    /// `N items: …` in words, and the unreadable files when there are.
    fn summary(&self, dry_run: bool) -> String {
        let sent = if dry_run {
            format!("{} would be sent", self.would_send)
        } else {
            format!(
                "{} created, {} already there, {} refused, {} failed",
                self.created, self.already_there, self.refused, self.failed
            )
        };
        let unreadable = match self.unreadable_files {
            0 => String::new(),
            1 => "; 1 file could not be read".to_string(),
            n => format!("; {n} files could not be read"),
        };
        format!(
            "{} items: {sent}, {} not converted{unreadable}",
            self.items, self.not_converted
        )
    }
}

/// Prints one file: a heading, the collections, each item with its fate,
/// warnings and losses, the skipped parts and the counts; returns the
/// counts.
fn write_file(
    out: &mut impl Write,
    args: &ImportArgs,
    plan: &FilePlan,
    outcomes: &Outcomes,
) -> std::io::Result<Tally> {
    writeln!(out, "# {}", plan.file)?;
    if let Some(error) = &plan.error {
        writeln!(out, "cannot be read: {}\n", error.message)?;
        return Ok(Tally {
            unreadable_files: 1,
            ..Tally::default()
        });
    }
    if let Outcomes::Sent(sent) = outcomes {
        for report in sent.reports() {
            let created = if report.collection_created {
                " (created by this run)"
            } else {
                ""
            };
            writeln!(out, "into {}{created}", report.collection)?;
        }
    }
    let mut tally = Tally::default();
    for item in &plan.items {
        let what = format!(
            "{} “{}”",
            item.kind.label(),
            if item.summary.is_empty() {
                "(no title)"
            } else {
                &item.summary
            }
        );
        let status = match &item.fate {
            Fate::Send { collection, name } => {
                let target = match collection {
                    CollectionKind::Calendar => format!("calendar “{}”", args.calendar),
                    CollectionKind::AddressBook => {
                        format!("address book “{}”", args.address_book)
                    }
                };
                match outcomes.of(*collection, name) {
                    None => {
                        tally.would_send += 1;
                        format!("would be sent: {what} as {name} into the {target}")
                    }
                    Some(ResourceOutcome::Created) => {
                        tally.created += 1;
                        format!("created: {what} as {name}")
                    }
                    Some(ResourceOutcome::AlreadyThere) => {
                        tally.already_there += 1;
                        format!("already there: {what} as {name}")
                    }
                    Some(ResourceOutcome::Refused { status, reason }) => {
                        tally.refused += 1;
                        format!("refused: {what} as {name}: HTTP {status}: {reason}")
                    }
                    Some(ResourceOutcome::Failed { reason }) => {
                        tally.failed += 1;
                        format!("failed: {what} as {name}: {reason}")
                    }
                }
            }
            Fate::CannotConvert(reasons) => {
                tally.not_converted += 1;
                format!("cannot convert: {what}: {}", reasons.join("; "))
            }
            Fate::NotWritten(reason) => {
                tally.not_converted += 1;
                format!("not written: {what}: {reason}")
            }
        };
        writeln!(out, "line {}: {status}", item.line)?;
        for warning in &item.warnings {
            writeln!(out, "  warning: {warning}")?;
        }
        for loss in &item.losses {
            writeln!(out, "  lost: {loss}")?;
        }
    }
    for skipped in &plan.skipped {
        writeln!(
            out,
            "line {}: skipped: {} (Ferry does not move these)",
            skipped.line, skipped.component
        )?;
    }
    tally.items = plan.items.len();
    writeln!(
        out,
        "{}\n",
        tally.summary(matches!(outcomes, Outcomes::DryRun))
    )?;
    Ok(tally)
}
