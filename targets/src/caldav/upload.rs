//! `upload`: puts a list of resources into a named collection exactly
//! once. Discovery, then the collection (created if missing), then the
//! listing of what exists (skipped without a `PUT`), then one
//! `PUT If-None-Match: *` per remaining resource with bounded
//! concurrency, backing off when the server says it is busy.

use crate::caldav::client::DavClient;
use crate::caldav::collection::CollectionSpec;
use crate::caldav::kind::ContentType;
use crate::caldav::outcome::PutOutcome;
use crate::caldav::xml::multistatus::XmlLimits;
use crate::error::Result;
use crate::http::{Credentials, HttpOptions};
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinSet;
use url::Url;

/// One resource to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// The last path segment, computed by the caller (from the UID);
    /// percent-encoded here.
    pub name: String,
    pub body: Vec<u8>,
    pub content_type: ContentType,
}

/// How an upload runs; every limit with its default.
#[derive(Debug, Clone)]
pub struct UploadOptions {
    pub http: HttpOptions,
    pub xml: XmlLimits,
    /// `PUT`s in flight at once. Default 4.
    pub concurrency: usize,
    /// Tries of one resource while the server answers busy (`429`,
    /// `503`), the first included. Default 5.
    pub max_busy_tries: u32,
    /// Wait after a busy answer without `Retry-After`. Default 2 s.
    pub default_busy_wait: Duration,
    /// Longest wait honoured from a `Retry-After`. Default 120 s.
    pub max_busy_wait: Duration,
}

impl Default for UploadOptions {
    fn default() -> Self {
        Self {
            http: HttpOptions::default(),
            xml: XmlLimits::default(),
            concurrency: 4,
            max_busy_tries: 5,
            default_busy_wait: Duration::from_secs(2),
            max_busy_wait: Duration::from_secs(120),
        }
    }
}

/// What became of one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourceOutcome {
    Created,
    /// Listed before the upload, or answered `412`: not written again.
    AlreadyThere,
    /// The server would not take it; its status and reason.
    Refused {
        status: u16,
        reason: String,
    },
    /// It could not be sent (connection, authentication, still busy).
    Failed {
        reason: String,
    },
}

/// One resource's outcome, by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceReport {
    pub name: String,
    pub outcome: ResourceOutcome,
}

/// Counts by outcome.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub created: usize,
    pub already_there: usize,
    pub refused: usize,
    pub failed: usize,
    /// `PUT` requests sent (retries included).
    pub puts_sent: usize,
}

/// The result of [`upload`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadReport {
    pub collection: Url,
    pub collection_created: bool,
    /// In the order the resources were given.
    pub resources: Vec<ResourceReport>,
    pub totals: Totals,
}

/// Uploads `resources` into the collection `spec` names on the server at
/// `base`. Errors before the first `PUT` (connection, authentication,
/// discovery, collection) end the call; each resource's own trouble is
/// reported in its outcome.
pub async fn upload(
    base: &Url,
    credentials: Credentials,
    spec: &CollectionSpec,
    resources: Vec<Resource>,
    options: &UploadOptions,
) -> Result<UploadReport> {
    let client = Arc::new(DavClient::new(
        base.clone(),
        credentials,
        options.http.clone(),
        options.xml.clone(),
    )?);
    let home = client.discover(spec.kind).await?;
    let target = client.ensure_collection(&home.home, spec).await?;
    let existing = client.members(&target.url).await?;

    let mut outcomes: Vec<Option<(ResourceOutcome, usize)>> = vec![None; resources.len()];
    let names: Vec<String> = resources.iter().map(|r| r.name.clone()).collect();
    let mut tasks = JoinSet::new();
    let collection = Arc::new(target.url.clone());
    for (index, resource) in resources.into_iter().enumerate() {
        if existing.contains_key(&resource.name) {
            outcomes[index] = Some((ResourceOutcome::AlreadyThere, 0));
            continue;
        }
        while tasks.len() >= options.concurrency.max(1) {
            record(&mut outcomes, tasks.join_next().await);
        }
        let (client, collection, options) = (client.clone(), collection.clone(), options.clone());
        tasks.spawn(async move {
            (
                index,
                put_with_backoff(&client, &collection, resource, &options).await,
            )
        });
    }
    while let Some(joined) = tasks.join_next().await {
        record(&mut outcomes, Some(joined));
    }

    let mut totals = Totals::default();
    let resources = names
        .into_iter()
        .zip(outcomes)
        .map(|(name, outcome)| {
            let (outcome, puts) = outcome.unwrap_or((
                ResourceOutcome::Failed {
                    reason: "the upload task ended unexpectedly".into(),
                },
                0,
            ));
            totals.puts_sent += puts;
            match outcome {
                ResourceOutcome::Created => totals.created += 1,
                ResourceOutcome::AlreadyThere => totals.already_there += 1,
                ResourceOutcome::Refused { .. } => totals.refused += 1,
                ResourceOutcome::Failed { .. } => totals.failed += 1,
            }
            ResourceReport { name, outcome }
        })
        .collect();
    Ok(UploadReport {
        collection: target.url,
        collection_created: target.created,
        resources,
        totals,
    })
}

type Joined = std::result::Result<(usize, (ResourceOutcome, usize)), tokio::task::JoinError>;

fn record(outcomes: &mut [Option<(ResourceOutcome, usize)>], joined: Option<Joined>) {
    // A task that panicked leaves its slot empty: reported as failed.
    if let Some(Ok((index, outcome))) = joined
        && let Some(slot) = outcomes.get_mut(index)
    {
        *slot = Some(outcome);
    }
}

/// One resource: `PUT`, and again after a wait while the server is busy.
/// Returns the outcome and the number of `PUT`s sent.
async fn put_with_backoff(
    client: &DavClient,
    collection: &Url,
    resource: Resource,
    options: &UploadOptions,
) -> (ResourceOutcome, usize) {
    let tries = options.max_busy_tries.max(1);
    for attempt in 1..=tries {
        let answer = client
            .put_new(
                collection,
                &resource.name,
                resource.body.clone(),
                resource.content_type,
            )
            .await;
        let outcome = match answer {
            Ok(PutOutcome::Created) => ResourceOutcome::Created,
            Ok(PutOutcome::AlreadyThere) => ResourceOutcome::AlreadyThere,
            Ok(PutOutcome::Refused { status, reason }) => {
                ResourceOutcome::Refused { status, reason }
            }
            Ok(PutOutcome::AuthFailed) => ResourceOutcome::Failed {
                reason: "authentication failed (HTTP 401)".into(),
            },
            Ok(PutOutcome::Busy { retry_after }) if attempt < tries => {
                let wait = retry_after
                    .unwrap_or(options.default_busy_wait)
                    .min(options.max_busy_wait);
                tokio::time::sleep(wait).await;
                continue;
            }
            Ok(PutOutcome::Busy { .. }) => ResourceOutcome::Failed {
                reason: format!("server still busy after {tries} tries"),
            },
            Err(err) => ResourceOutcome::Failed {
                reason: err.to_string(),
            },
        };
        return (outcome, attempt as usize);
    }
    (
        ResourceOutcome::Failed {
            reason: format!("server still busy after {tries} tries"),
        },
        tries as usize,
    )
}
