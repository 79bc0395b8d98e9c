//! The import as a library, for the web flow's calendar jobs: files given
//! as text (what the page previewed) rather than paths, put into an EWS,
//! Microsoft Graph or CalDAV target by the same planning and sending as `ferry import`,
//! each file's outcome given back as progress counts and one result per
//! item (for the job's report) instead of printed.

use super::caldav::CaldavTarget;
use super::exchange::ExchangeTarget;
use super::output::FileOutcome;
use super::plan::{Arrival, Fate, FilePlan};
use super::{Common, Target};
use chrono::{DateTime, Utc};
use ferry_shared::ParseLimits;
use ferry_shared::api::{FileProgress, ItemResult};
use ferry_shared::mapping::MappingRules;
use ferry_targets::ews::EwsClient;
use ferry_targets::graph::{GraphClient, GraphOptions};
use ferry_targets::http::{Credentials, HttpOptions};
use url::Url;

/// Where CalDAV items go when the page names no collection.
pub const DEFAULT_CALENDAR: &str = "Imported calendar";
pub const DEFAULT_ADDRESS_BOOK: &str = "Imported contacts";

/// A target that files are inserted into.
pub struct FileTarget(Targets);

enum Targets {
    /// EWS or Graph.
    Exchange(Box<ExchangeTarget>),
    Caldav(Box<CaldavTarget>),
}

/// One file planned: what is to be sent, not yet sent.
pub struct PlannedFile(Planned);

enum Planned {
    Exchange(FilePlan, <ExchangeTarget as Target>::Payload),
    Caldav(FilePlan, <CaldavTarget as Target>::Payload),
}

impl PlannedFile {
    fn plan(&self) -> &FilePlan {
        match &self.0 {
            Planned::Exchange(plan, _) | Planned::Caldav(plan, _) => plan,
        }
    }

    /// The file's progress before anything is sent: the items to insert.
    pub fn progress(&self) -> FileProgress {
        let plan = self.plan();
        FileProgress {
            file: plan.file.clone(),
            to_insert: plan
                .items
                .iter()
                .filter(|item| matches!(item.fate, Fate::Send { .. }))
                .count() as u64,
            error: plan.error.as_ref().map(|error| error.message.clone()),
            ..FileProgress::default()
        }
    }
}

/// What sending one file gave.
pub struct InsertedFile {
    pub progress: FileProgress,
    pub items: Vec<ItemResult>,
    /// Why nothing more should be sent (the server refused the sign-in).
    pub stop: Option<String>,
}

impl FileTarget {
    /// EWS at `url` through `client`, items mapped by `rules`.
    pub fn ews(url: Url, client: EwsClient, rules: MappingRules, http: HttpOptions) -> Self {
        FileTarget(Targets::Exchange(Box::new(ExchangeTarget::ews_with(
            url,
            client,
            Common { rules, http },
        ))))
    }

    /// Microsoft Graph as `options` say, through `client`, items mapped
    /// by `rules`.
    pub fn graph(
        client: GraphClient,
        options: &GraphOptions,
        rules: MappingRules,
        http: HttpOptions,
    ) -> Self {
        FileTarget(Targets::Exchange(Box::new(ExchangeTarget::graph_with(
            client,
            options,
            Common { rules, http },
        ))))
    }

    /// The CalDAV/CardDAV server at `url`, into the default calendar and
    /// address book.
    pub fn caldav(
        url: Url,
        credentials: Credentials,
        rules: MappingRules,
        http: HttpOptions,
    ) -> Self {
        FileTarget(Targets::Caldav(Box::new(CaldavTarget::with(
            url,
            credentials,
            Common { rules, http },
            DEFAULT_CALENDAR.to_string(),
            DEFAULT_ADDRESS_BOOK.to_string(),
        ))))
    }

    /// Reads and maps the file `name` holding `text` within `limits`.
    pub fn plan(&self, name: &str, text: &str, limits: &ParseLimits) -> PlannedFile {
        let bytes = if text.len() > limits.max_file_bytes {
            Err(crate::inspect::FileError {
                code: "file_too_large",
                message: format!(
                    "The file is larger than the limit of {} bytes.",
                    limits.max_file_bytes
                ),
                line: None,
            })
        } else {
            Ok(text.as_bytes().to_vec())
        };
        let stamp: DateTime<Utc> = Utc::now();
        PlannedFile(match &self.0 {
            Targets::Exchange(target) => {
                let (plan, work) = target.plan(name, bytes, limits, &target.common().rules, stamp);
                Planned::Exchange(plan, work)
            }
            Targets::Caldav(target) => {
                let (plan, resources) =
                    target.plan(name, bytes, limits, &target.common().rules, stamp);
                Planned::Caldav(plan, resources)
            }
        })
    }

    /// Sends a planned file (nothing when it could not be read).
    pub async fn send(&self, planned: PlannedFile) -> InsertedFile {
        let mut progress = planned.progress();
        let readable = planned.plan().error.is_none();
        let (plan, sent) = match (&self.0, planned.0) {
            (Targets::Exchange(target), Planned::Exchange(plan, work)) if readable => {
                let sent = target.send(&plan, work).await;
                (plan, Some(sent))
            }
            (Targets::Caldav(target), Planned::Caldav(plan, resources)) if readable => {
                let sent = target.send(&plan, resources).await;
                (plan, Some(sent))
            }
            (_, Planned::Exchange(plan, _) | Planned::Caldav(plan, _)) => (plan, None),
        };
        let (outcome, stop) = match sent {
            Some(sent) => (sent.outcome, sent.stop),
            None => (FileOutcome::not_sent(&plan, "not sent"), None),
        };
        let items = results(&plan, &outcome);
        for item in &items {
            match item.outcome.as_str() {
                "created" => progress.inserted += 1,
                "already_there" => progress.already_there += 1,
                _ => progress.failed += 1,
            }
        }
        progress.done = true;
        InsertedFile {
            progress,
            items,
            stop,
        }
    }
}

/// Each item of `plan` with what became of it.
fn results(plan: &FilePlan, outcome: &FileOutcome) -> Vec<ItemResult> {
    plan.items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let arrival = outcome.arrivals.as_ref().and_then(|all| all.get(index));
            let (outcome, reason) = match (&item.fate, arrival) {
                (Fate::CannotConvert(reasons), _) => ("cannot_convert", Some(reasons.join("; "))),
                (Fate::NotWritten(reason), _) => ("not_written", Some(reason.clone())),
                (Fate::Send { .. }, Some(Arrival::Created)) => ("created", None),
                (Fate::Send { .. }, Some(Arrival::AlreadyThere)) => ("already_there", None),
                (Fate::Send { .. }, Some(Arrival::Refused { status, reason })) => {
                    ("refused", Some(format!("HTTP {status}: {reason}")))
                }
                (Fate::Send { .. }, Some(Arrival::Failed { reason })) => {
                    ("failed", Some(reason.clone()))
                }
                (Fate::Send { .. }, None) => {
                    ("failed", Some("the run did not report on it".to_string()))
                }
            };
            ItemResult {
                file: plan.file.clone(),
                line: item.line,
                kind: item.kind.label().to_lowercase(),
                summary: item.summary.clone(),
                outcome: outcome.to_string(),
                reason,
                losses: item.losses.clone(),
            }
        })
        .collect()
}
