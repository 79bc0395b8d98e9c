//! `ferry import --to ews` and `--to graph`: each item converted to the
//! Exchange shape (and on to Graph's), then carried out exactly once by
//! [`EwsClient`] or [`GraphClient`]: every created item carries its
//! source key, is looked up before it is created and again after a lost
//! answer; then the occurrences of series are deleted or changed. A
//! re-run finds everything and creates nothing.
//!
//! The insert reports per operation, in the order given; an item's
//! operations (its create, its removed and changed occurrences) are kept
//! together so each item is told what became of all of them.

use super::output::FileOutcome;
use super::plan::{Arrival, Fate, FilePlan, PlannedItem, convertible, read_file};
use super::secrets::{SecretKind, secret};
use super::{Common, ImportError, Sent, Target};
use crate::cli::{ImportArgs, PasswordAuth};
use crate::inspect::FileError;
use chrono::{DateTime, Utc};
use ferry_shared::convert::ews::EwsSettings;
use ferry_shared::convert::exchange::{ExchangeOptions, Operation, convert};
use ferry_shared::convert::graph::{self, GraphAction, GraphTarget};
use ferry_shared::convert::requests::TASK_LIST_PLACEHOLDER;
use ferry_shared::ical::vtimezone::defined_zones;
use ferry_shared::mapping::MappingRules;
use ferry_shared::{ItemKind, ParseLimits};
use ferry_targets::ews::{EwsClient, EwsOptions, InsertReport, ItemReport, OperationKind, Outcome};
use ferry_targets::graph::{GraphClient, GraphOptions};
use ferry_targets::http::{AuthMethod, Credentials};
use std::collections::HashMap;
use std::ops::Range;
use url::Url;

/// Why nothing more is sent after the server refused the sign-in.
const SIGN_IN_REFUSED: &str = "not sent: the server refused the sign-in";

/// Exchange Server through EWS, or Exchange Online through Graph.
pub(super) struct ExchangeTarget {
    common: Common,
    server: Server,
    exchange: ExchangeOptions,
    /// `None` for a dry run.
    client: Option<Client>,
}

enum Server {
    Ews { url: Url },
    Graph { base_url: Url, target: GraphTarget },
}

enum Client {
    Ews(EwsClient),
    Graph(GraphClient),
}

impl ExchangeTarget {
    /// EWS at `--url` (the full EWS URL) or at `--server`'s usual URL;
    /// Basic with `--user` and a password, or an OAuth2 token.
    pub fn ews(args: &ImportArgs, common: Common) -> Result<Self, ImportError> {
        let url = match (&args.url, &args.server) {
            (Some(url), _) => url.clone(),
            (None, Some(server)) => ferry_targets::ews::default_url(server)
                .map_err(|error| ImportError::Target(error.to_string()))?,
            (None, None) => {
                return Err(ImportError::Missing(
                    "--to ews needs --server HOST (or --url with the full EWS URL)",
                ));
            }
        };
        let options = EwsOptions {
            http: common.http.clone(),
            settings: EwsSettings {
                server_version: args.server_version.clone(),
                impersonate: args.impersonate.clone(),
            },
            anchor_mailbox: args.impersonate.clone(),
            batch_size: args.batch_size.max(1),
            ..EwsOptions::default()
        };
        let client = if args.dry_run {
            None
        } else {
            let credentials = credentials(args, "--to ews needs --user (or an OAuth2 token)")?;
            let client = EwsClient::new(url.clone(), credentials, options)
                .map_err(|error| ImportError::Target(error.to_string()))?;
            Some(Client::Ews(client))
        };
        Ok(Self {
            exchange: exchange_options(&common.rules),
            common,
            server: Server::Ews { url },
            client,
        })
    }

    /// EWS at `url` through `client`, made by the caller (the web flow's
    /// signed-in target).
    pub fn ews_with(url: Url, client: EwsClient, common: Common) -> Self {
        Self {
            exchange: exchange_options(&common.rules),
            common,
            server: Server::Ews { url },
            client: Some(Client::Ews(client)),
        }
    }

    /// Graph at `--url` (default Microsoft's v1.0 endpoint), with an
    /// OAuth2 token; `--impersonate` names another user's mailbox.
    pub fn graph(args: &ImportArgs, common: Common) -> Result<Self, ImportError> {
        let defaults = GraphOptions::default();
        let base_url = args.url.clone().unwrap_or(defaults.base_url.clone());
        let target = GraphTarget {
            user: args.impersonate.clone(),
            task_list_id: Some(TASK_LIST_PLACEHOLDER.to_string()),
            ..GraphTarget::default()
        };
        let options = GraphOptions {
            http: common.http.clone(),
            base_url: base_url.clone(),
            target: target.clone(),
            ..defaults
        };
        let client = if args.dry_run {
            None
        } else {
            let token = secret(
                SecretKind::Token,
                args.token_file.as_deref(),
                args.token.as_ref(),
            )?;
            let client = GraphClient::new(Credentials::bearer(token), options)
                .map_err(|error| ImportError::Target(error.to_string()))?;
            Some(Client::Graph(client))
        };
        Ok(Self {
            exchange: exchange_options(&common.rules),
            common,
            server: Server::Graph { base_url, target },
            client,
        })
    }

    /// Graph as `options` say through `client`, made by the caller (the
    /// web flow's signed-in target).
    pub fn graph_with(client: GraphClient, options: &GraphOptions, common: Common) -> Self {
        Self {
            exchange: exchange_options(&common.rules),
            common,
            server: Server::Graph {
                base_url: options.base_url.clone(),
                target: options.target.clone(),
            },
            client: Some(Client::Graph(client)),
        }
    }

    fn destination(&self, kind: ItemKind) -> &'static str {
        match (&self.server, kind) {
            (_, ItemKind::Event) => "calendar",
            (Server::Ews { .. }, ItemKind::Task) => "task folder",
            (Server::Graph { .. }, ItemKind::Task) => "To Do list",
            (_, ItemKind::Contact) => "contacts",
        }
    }
}

/// An OAuth2 token when one is given, else `--user` and the password.
fn credentials(args: &ImportArgs, no_user: &'static str) -> Result<Credentials, ImportError> {
    if args.token_file.is_some() || args.token.is_some() {
        let token = secret(
            SecretKind::Token,
            args.token_file.as_deref(),
            args.token.as_ref(),
        )?;
        return Ok(Credentials::bearer(token));
    }
    let user = args.user.clone().ok_or(ImportError::Missing(no_user))?;
    let password = secret(
        SecretKind::Password,
        args.passfile.as_deref(),
        args.password.as_ref(),
    )?;
    let method = match args.auth {
        PasswordAuth::Automatic => AuthMethod::Automatic,
        PasswordAuth::Basic => AuthMethod::Basic,
        PasswordAuth::Ntlm => AuthMethod::Ntlm,
        PasswordAuth::Negotiate => AuthMethod::Negotiate,
    };
    Ok(Credentials::with_method(user, password, method))
}

fn exchange_options(rules: &MappingRules) -> ExchangeOptions {
    ExchangeOptions {
        date_zone: rules.default_zone.clone(),
        ..ExchangeOptions::default()
    }
}

/// A file's work: the operations (EWS) or actions (Graph) of all its
/// items in order, and which of them are each item's (by line).
pub(super) struct Work {
    operations: Operations,
    of_line: HashMap<usize, Range<usize>>,
}

enum Operations {
    Ews(Vec<Operation>),
    Graph(Vec<GraphAction>),
}

impl Operations {
    fn len(&self) -> usize {
        match self {
            Operations::Ews(operations) => operations.len(),
            Operations::Graph(actions) => actions.len(),
        }
    }
}

impl Target for ExchangeTarget {
    type Payload = Work;

    fn name(&self) -> String {
        match &self.server {
            Server::Ews { url } => url.to_string(),
            Server::Graph { base_url, .. } => base_url.to_string(),
        }
    }

    fn common(&self) -> &Common {
        &self.common
    }

    fn plan(
        &self,
        file: &str,
        bytes: Result<Vec<u8>, FileError>,
        limits: &ParseLimits,
        rules: &MappingRules,
        _stamp: DateTime<Utc>,
    ) -> (FilePlan, Work) {
        let mut plan = FilePlan::new(file);
        let mut operations = match self.server {
            Server::Ews { .. } => Operations::Ews(Vec::new()),
            Server::Graph { .. } => Operations::Graph(Vec::new()),
        };
        let mut of_line = HashMap::new();
        let file = match read_file(bytes, limits, rules) {
            Ok(file) => file,
            Err(error) => {
                plan.error = Some(error);
                return (
                    plan,
                    Work {
                        operations,
                        of_line,
                    },
                );
            }
        };
        let zones = defined_zones(&file.bytes, limits);
        plan.skipped = file.skipped;
        let kinds = [ItemKind::Event, ItemKind::Task, ItemKind::Contact];
        for mapped in convertible(&file.mapped, &kinds) {
            let conversion = convert(mapped, &zones, &self.exchange);
            let start = operations.len();
            let (added, losses) = match (&mut operations, &self.server) {
                (Operations::Ews(all), _) => {
                    let count = conversion.operations.len();
                    all.extend(conversion.operations);
                    (Ok(count), conversion.losses)
                }
                (Operations::Graph(all), Server::Graph { target, .. }) => {
                    match graph::convert(&conversion, target) {
                        Ok(graph) => {
                            let count = graph.actions.len();
                            all.extend(graph.actions);
                            (Ok(count), graph.losses)
                        }
                        Err(error) => (Err(error.to_string()), conversion.losses),
                    }
                }
                (Operations::Graph(_), Server::Ews { .. }) => {
                    (Err("not a Graph target".to_string()), Vec::new())
                }
            };
            let losses: Vec<String> = losses.into_iter().map(|loss| loss.reason).collect();
            let fate = match added {
                Ok(0) => Fate::NotWritten(if losses.is_empty() {
                    "the converter gave nothing to send for it".into()
                } else {
                    losses.join("; ")
                }),
                Ok(count) => {
                    of_line.insert(mapped.item.line, start..start + count);
                    Fate::Send {
                        destination: self.destination(mapped.item.kind).to_string(),
                        name: None,
                    }
                }
                Err(reason) => Fate::NotWritten(reason),
            };
            let losses = match fate {
                Fate::NotWritten(_) => Vec::new(),
                _ => losses,
            };
            plan.items.push(PlannedItem::new(mapped, fate, losses));
        }
        plan.finish(&file.mapped);
        (
            plan,
            Work {
                operations,
                of_line,
            },
        )
    }

    async fn send(&self, plan: &FilePlan, work: Work) -> Sent {
        let expected = work.operations.len();
        let report = match (&self.client, work.operations) {
            (None, _) => {
                return Sent {
                    outcome: FileOutcome::dry_run(),
                    complaints: Vec::new(),
                    stop: None,
                };
            }
            (_, operations) if operations.len() == 0 => InsertReport {
                items: Vec::new(),
                totals: Default::default(),
                stopped: None,
            },
            (Some(Client::Ews(client)), Operations::Ews(operations)) => {
                client.insert(operations).await
            }
            (Some(Client::Graph(client)), Operations::Graph(actions)) => {
                client.insert(actions).await
            }
            _ => InsertReport {
                items: Vec::new(),
                totals: Default::default(),
                stopped: None,
            },
        };
        let mut complaints = Vec::new();
        let mut stop = None;
        if let Some(error) = &report.stopped {
            complaints.push(format!("{}: the run stopped: {error}", plan.file));
            if matches!(error, ferry_targets::Error::AuthFailed { .. }) {
                complaints.push(
                    "the server refused the sign-in; check the user, password or token. Nothing more is sent."
                        .into(),
                );
                stop = Some(SIGN_IN_REFUSED.to_string());
            }
        }
        let reported = report.items.len() == expected;
        let arrivals = plan
            .items
            .iter()
            .map(|item| match work.of_line.get(&item.line) {
                Some(range) if reported => arrival(&report.items[range.clone()]),
                _ => Arrival::Failed {
                    reason: "the run did not report on it".into(),
                },
            })
            .collect();
        let notes = vec![format!(
            "into {} ({} requests)",
            self.name(),
            report.totals.requests_sent
        )];
        Sent {
            outcome: FileOutcome {
                notes,
                arrivals: Some(arrivals),
            },
            complaints,
            stop,
        }
    }
}

/// What became of one item from its operations' outcomes: failed when
/// any failed (saying which), created when anything was written, else
/// already there.
fn arrival(reports: &[ItemReport]) -> Arrival {
    let failures: Vec<String> = reports
        .iter()
        .filter_map(|report| match &report.outcome {
            Outcome::Failed { reason } => Some(match (report.kind, &report.original_start) {
                (OperationKind::Create, _) | (_, None) => reason.clone(),
                (OperationKind::DeleteOccurrence, Some(at)) => {
                    format!("removing the occurrence at {}: {reason}", at.local)
                }
                (OperationKind::UpdateOccurrence, Some(at)) => {
                    format!("changing the occurrence at {}: {reason}", at.local)
                }
            }),
            _ => None,
        })
        .collect();
    if !failures.is_empty() {
        return Arrival::Failed {
            reason: failures.join("; "),
        };
    }
    if reports
        .iter()
        .any(|report| matches!(report.outcome, Outcome::Created | Outcome::Changed))
    {
        Arrival::Created
    } else {
        Arrival::AlreadyThere
    }
}
