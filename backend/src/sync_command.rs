//! `ferry sync`: the mail engine on the command line, with imapsync's
//! option names so admins can reuse their scripts.
//!
//! Human-readable progress goes to stderr; with `--json`, one JSON object
//! per event and a final report go to stdout. Secrets are read from files or
//! the environment and are never printed.

use crate::cli::{Redacted, SyncArgs};
use crate::store::Store;
use ferry_mail::folders::mapping::{MappingRules, Substitution};
use ferry_mail::imap::{Credentials, Endpoint, ImapError, Security, Session, SessionOptions};
use ferry_mail::sync::engine::{SyncError, SyncEvent};
use ferry_mail::sync::plan::MessageFilter;
use ferry_mail::sync::{SyncOptions, SyncReport, sync_mailbox};
use regex::Regex;
use secrecy::SecretString;
use std::path::{Path, PathBuf};
use std::time::Duration;
use thiserror::Error;

/// Why `ferry sync` could not run, in words for the person at the terminal.
#[derive(Debug, Error)]
pub enum SyncCommandError {
    #[error("{0}")]
    Usage(String),
    #[error("cannot read {path}: {source}")]
    ReadFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] crate::BackendError),
    #[error("{0}")]
    Sync(#[from] SyncError),
    #[error("{side}: {source}")]
    Connect {
        side: &'static str,
        source: ImapError,
    },
}

/// One side's connection settings.
struct Side {
    endpoint: Endpoint,
    credentials: Credentials,
    options: SessionOptions,
}

fn read_first_line(path: &Path) -> Result<String, SyncCommandError> {
    let text = std::fs::read_to_string(path).map_err(|source| SyncCommandError::ReadFile {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(text.lines().next().unwrap_or_default().to_string())
}

#[allow(clippy::too_many_arguments)]
fn side(
    name: &'static str,
    host: &str,
    port: Option<u16>,
    user: &str,
    password: Option<&Redacted>,
    passfile: Option<&PathBuf>,
    (ssl, tls, notls): (bool, bool, bool),
    authuser: Option<&String>,
    authmech: Option<&String>,
    token: Option<&Redacted>,
    certificate: Option<&PathBuf>,
    timeout: Option<u64>,
    max_response_size: Option<u32>,
) -> Result<Side, SyncCommandError> {
    let security = if notls {
        Security::Plain
    } else if ssl || (!tls && port == Some(993)) {
        Security::Tls
    } else {
        Security::StartTls
    };
    let port = port.unwrap_or(if security == Security::Tls { 993 } else { 143 });
    let token = match token {
        Some(value) if Path::new(value.expose()).is_file() => {
            Some(read_first_line(Path::new(value.expose()))?)
        }
        other => other.map(|t| t.expose().to_string()),
    };
    let password = match (password, passfile) {
        (_, Some(file)) => Some(read_first_line(file)?),
        (Some(password), None) => Some(password.expose().to_string()),
        (None, None) => None,
    };
    let mechanism = authmech.map(|m| m.to_ascii_uppercase()).unwrap_or_else(|| {
        if token.is_some() {
            "XOAUTH2".into()
        } else if authuser.is_some() {
            "PLAIN".into()
        } else {
            "LOGIN".into()
        }
    });
    let need = |what: Option<String>, flag: &str| {
        what.map(SecretString::from)
            .ok_or_else(|| SyncCommandError::Usage(format!("{name}: {flag} is required")))
    };
    let credentials = match mechanism.as_str() {
        "LOGIN" if authuser.is_none() => Credentials::Login {
            user: user.to_string(),
            password: need(password, "a password (--passfile or FERRY_PASSWORD)")?,
        },
        "LOGIN" | "PLAIN" => match authuser {
            Some(admin) => Credentials::Plain {
                authzid: Some(user.to_string()),
                user: admin.clone(),
                password: need(password, "the admin's password")?,
            },
            None => Credentials::Plain {
                authzid: None,
                user: user.to_string(),
                password: need(password, "a password (--passfile or FERRY_PASSWORD)")?,
            },
        },
        "XOAUTH2" => Credentials::XOAuth2 {
            user: user.to_string(),
            token: need(token, "--oauthaccesstoken")?,
        },
        "OAUTHBEARER" => Credentials::OAuthBearer {
            user: user.to_string(),
            token: need(token, "--oauthaccesstoken")?,
        },
        other => {
            return Err(SyncCommandError::Usage(format!(
                "{name}: unknown --authmech {other}; use LOGIN, PLAIN, XOAUTH2 or OAUTHBEARER"
            )));
        }
    };
    let pinned_certificate = certificate
        .map(|path| {
            std::fs::read(path).map_err(|source| SyncCommandError::ReadFile {
                path: path.clone(),
                source,
            })
        })
        .transpose()?;
    let mut options = SessionOptions::default();
    if let Some(seconds) = timeout {
        options.io_timeout = Duration::from_secs(seconds);
    }
    if let Some(size) = max_response_size {
        options.max_response_size = size;
    }
    Ok(Side {
        endpoint: Endpoint {
            host: host.to_string(),
            port,
            security,
            pinned_certificate,
            address_policy: None,
        },
        credentials,
        options,
    })
}

fn rules(args: &SyncArgs) -> Result<MappingRules, SyncCommandError> {
    let regex = |text: &String| {
        Regex::new(text)
            .map_err(|e| SyncCommandError::Usage(format!("the regex “{text}” is not valid: {e}")))
    };
    let f1f2 = args
        .f1f2
        .iter()
        .map(|pair| {
            pair.split_once('=')
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .ok_or_else(|| {
                    SyncCommandError::Usage(format!("--f1f2 “{pair}” must be SOURCE=TARGET"))
                })
        })
        .collect::<Result<_, _>>()?;
    Ok(MappingRules {
        folders: args.folder.clone(),
        include: args.include.iter().map(regex).collect::<Result<_, _>>()?,
        exclude: args.exclude.iter().map(regex).collect::<Result<_, _>>()?,
        f1f2,
        automap: args.automap,
        regextrans2: args
            .regextrans2
            .iter()
            .map(|rule| {
                Substitution::parse(rule).map_err(|e| SyncCommandError::Usage(e.to_string()))
            })
            .collect::<Result<_, _>>()?,
    })
}

async fn connect(
    name: &'static str,
    side: &Side,
    compress: bool,
) -> Result<Session, SyncCommandError> {
    let wrap = |source| SyncCommandError::Connect { side: name, source };
    let mut session = Session::connect(&side.endpoint, side.options)
        .await
        .map_err(wrap)?;
    session
        .authenticate(&side.credentials)
        .await
        .map_err(wrap)?;
    session.identify().await;
    if compress {
        session.compress().await.map_err(wrap)?;
    }
    Ok(session)
}
/// Runs `ferry sync`; returns the final report.
pub async fn run(args: &SyncArgs) -> Result<SyncReport, SyncCommandError> {
    let source = side(
        "source",
        &args.host1,
        args.port1,
        &args.user1,
        args.password1.as_ref(),
        args.passfile1.as_ref(),
        (args.ssl1, args.tls1, args.notls1),
        args.authuser1.as_ref(),
        args.authmech1.as_ref(),
        args.oauthaccesstoken1.as_ref(),
        args.certificate1.as_ref(),
        args.timeout1,
        args.max_response_size,
    )?;
    let target = side(
        "target",
        &args.host2,
        args.port2,
        &args.user2,
        args.password2.as_ref(),
        args.passfile2.as_ref(),
        (args.ssl2, args.tls2, args.notls2),
        args.authuser2.as_ref(),
        args.authmech2.as_ref(),
        args.oauthaccesstoken2.as_ref(),
        args.certificate2.as_ref(),
        args.timeout2,
        args.max_response_size,
    )?;
    let mut options = SyncOptions::new(format!(
        "{}@{}:{} -> {}@{}:{}",
        args.user1, args.host1, source.endpoint.port, args.user2, args.host2, target.endpoint.port
    ));
    options.rules = rules(args)?;
    options.filter = MessageFilter {
        max_size: args.maxsize,
        min_size: args.minsize,
        max_age_days: args.maxage,
        min_age_days: args.minage,
    };
    options.source_namespace = ferry_mail::sync::NamespaceOverride {
        prefix: args.prefix1.clone(),
        separator: args.sep1,
    };
    options.target_namespace = ferry_mail::sync::NamespaceOverride {
        prefix: args.prefix2.clone(),
        separator: args.sep2,
    };
    options.rate = ferry_mail::sync::rate::RateLimit {
        bytes_per_second: args.maxbytespersecond,
        messages_per_second: args.maxmessagespersecond,
    };
    options.dry_run = args.dry;
    options.just_folders = args.justfolders;
    if let Some(n) = args.batch_messages {
        options.batch_messages = n.max(1);
    }
    if let Some(n) = args.batch_bytes {
        options.batch_bytes = n.max(1);
    }

    let state_dir = args
        .state_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from("ferry-data"));
    let store = Store::open(&state_dir).await?;
    let json = args.json;
    let progress = progress_bar(json);
    let bar = progress.clone();
    let (mut folders_done, mut folders_total) = (0usize, 0usize);
    let mut on_event = move |event: &SyncEvent| {
        if json {
            if let Ok(line) = serde_json::to_string(event) {
                println!("{line}");
            }
            return;
        }
        match event {
            SyncEvent::FolderStarted {
                source,
                target,
                to_copy,
                bytes,
            } if *to_copy > 0 => {
                let line = format!(
                    "{source} → {target}: copying {to_copy} messages ({})",
                    human_bytes(*bytes)
                );
                match &bar {
                    Some(bar) => {
                        bar.inc_length(*bytes);
                        bar.set_message(format!("[{}/{folders_total}] {source}", folders_done + 1));
                        bar.println(line);
                    }
                    None => eprintln!("{line}"),
                }
            }
            SyncEvent::Planned { folders } => {
                // Also after a reconnect: the run starts over (and resumes).
                folders_total = *folders;
                folders_done = 0;
            }
            SyncEvent::FolderDone { .. } => folders_done += 1,
            SyncEvent::Copied { bytes, .. } => {
                if let Some(bar) = &bar {
                    bar.inc(*bytes);
                }
            }
            SyncEvent::MessageFailed {
                folder,
                uid,
                reason,
            } => {
                let line = format!("{folder}: message UID {uid} not copied: {reason}");
                match &bar {
                    Some(bar) => bar.println(line),
                    None => eprintln!("{line}"),
                }
            }
            _ => {}
        }
    };

    let mut attempt = 0;
    loop {
        let outcome = async {
            let mut source_session = connect("source", &source, args.compress1).await?;
            let mut target_session = connect("target", &target, args.compress2).await?;
            if args.justlogin {
                source_session.logout().await;
                target_session.logout().await;
                return Ok(SyncReport::default());
            }
            let report = sync_mailbox(
                &mut source_session,
                &mut target_session,
                &store,
                &options,
                &mut on_event,
            )
            .await?;
            source_session.logout().await;
            target_session.logout().await;
            Ok(report)
        }
        .await;
        match outcome {
            Err(err) if attempt < args.retries && is_transient(&err) => {
                attempt += 1;
                // The server's own request (throttling) wins over back-off.
                let wait = backoff(&err).unwrap_or(Duration::from_secs(1 << attempt.min(6)));
                eprintln!(
                    "{err}; reconnecting in {} s (attempt {attempt} of {})",
                    wait.as_secs(),
                    args.retries
                );
                tokio::time::sleep(wait).await;
            }
            other => {
                if let Some(bar) = &progress {
                    bar.finish_and_clear();
                }
                store.close().await;
                return other;
            }
        }
    }
}

/// A progress bar on a terminal; plain lines (or JSON) otherwise.
fn progress_bar(json: bool) -> Option<indicatif::ProgressBar> {
    use std::io::IsTerminal;
    if json || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(0);
    let style = indicatif::ProgressStyle::with_template(
        "{msg:24!} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} ETA {eta}",
    )
    .ok()?
    .progress_chars("=> ");
    bar.set_style(style);
    Some(bar)
}

fn backoff(err: &SyncCommandError) -> Option<Duration> {
    match err {
        SyncCommandError::Sync(e) => e.backoff(),
        SyncCommandError::Connect { source, .. } => source.backoff(),
        _ => None,
    }
}

fn is_transient(err: &SyncCommandError) -> bool {
    match err {
        SyncCommandError::Sync(e) => e.is_transient(),
        SyncCommandError::Connect { source, .. } => source.is_transient(),
        _ => false,
    }
}

/// `12.3 MB`, `456 KB`, `789 bytes`.
pub fn human_bytes(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= 1e9 {
        format!("{:.2} GB", b / 1e9)
    } else if b >= 1e6 {
        format!("{:.1} MB", b / 1e6)
    } else if b >= 1e3 {
        format!("{:.0} KB", b / 1e3)
    } else {
        format!("{bytes} bytes")
    }
}

/// The summary printed at the end of a run.
pub fn summary(report: &SyncReport) -> String {
    let seconds = report.duration_secs.max(0.001);
    let copied = report.copied();
    let bytes = report.bytes();
    let skipped: usize = report.folders.iter().map(|f| f.skipped.len()).sum();
    let adopted: usize = report.folders.iter().map(|f| f.adopted).sum();
    let flags: usize = report.folders.iter().map(|f| f.flags_updated).sum();
    let created = report.folders.iter().filter(|f| f.created).count();
    format!(
        "Folders: {} ({} created, {} skipped by rules)\n\
         Messages copied: {copied} ({}), already there: {adopted}, flags updated: {flags}, skipped: {skipped}, failed: {}\n\
         Time: {:.1} s, {:.1} messages/s, {:.2} MB/s",
        report.folders.len(),
        created,
        report.map.skipped.len(),
        human_bytes(bytes),
        report.failed(),
        report.duration_secs,
        copied as f64 / seconds,
        bytes as f64 / 1e6 / seconds,
    )
}
