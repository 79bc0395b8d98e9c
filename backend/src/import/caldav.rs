//! `ferry import --to caldav`: events and tasks grouped by UID into
//! calendar object resources, contacts as vCards, written by Ferry's own
//! writers and put into the named calendar and address book (created
//! when missing) by [`ferry_targets::caldav::upload()`], which skips what
//! the collection already holds.

use super::output::FileOutcome;
use super::plan::{Arrival, Fate, FilePlan, PlannedItem, convertible, read_file};
use super::secrets::{SecretKind, secret};
use super::{Common, ImportError, Sent, Target};
use crate::cli::ImportArgs;
use crate::inspect::FileError;
use chrono::{DateTime, Utc};
use ferry_shared::convert::caldav::{
    SourceZone, WriteError, calendar_resources, card_resource, zone_definitions,
};
use ferry_shared::mapping::{MappedItem, MappingRules};
use ferry_shared::{ItemKind, ParseLimits};
use ferry_targets::caldav::{
    CollectionKind, CollectionSpec, ContentType, Resource, ResourceOutcome, UploadOptions,
    UploadReport, upload,
};
use ferry_targets::http::Credentials;
use std::collections::HashMap;
use url::Url;

/// Why nothing more is sent after the server refused the login.
const LOGIN_REFUSED: &str = "not sent: the server refused the user name or password";

/// A CalDAV/CardDAV server and where the items go on it.
pub(super) struct CaldavTarget {
    common: Common,
    url: Url,
    calendar: String,
    address_book: String,
    /// `None` for a dry run.
    connection: Option<(Credentials, UploadOptions)>,
}

impl CaldavTarget {
    pub fn from_args(args: &ImportArgs, common: Common) -> Result<Self, ImportError> {
        let url = args
            .url
            .clone()
            .ok_or(ImportError::Missing("--to caldav needs --url (the server)"))?;
        let user = args
            .user
            .clone()
            .ok_or(ImportError::Missing("--to caldav needs --user"))?;
        let connection = if args.dry_run {
            None
        } else {
            let password = secret(
                SecretKind::Password,
                args.passfile.as_deref(),
                args.password.as_ref(),
            )?;
            let options = UploadOptions {
                http: common.http.clone(),
                ..UploadOptions::default()
            };
            Some((Credentials::new(user, password), options))
        };
        Ok(Self {
            url,
            calendar: args.calendar.clone(),
            address_book: args.address_book.clone(),
            connection,
            common,
        })
    }

    /// The server at `url`, items into `calendar` and `address_book`,
    /// signed in with `credentials` (the web flow's signed-in target).
    pub fn with(
        url: Url,
        credentials: Credentials,
        common: Common,
        calendar: String,
        address_book: String,
    ) -> Self {
        let options = UploadOptions {
            http: common.http.clone(),
            ..UploadOptions::default()
        };
        Self {
            url,
            calendar,
            address_book,
            connection: Some((credentials, options)),
            common,
        }
    }

    fn destination(&self, collection: CollectionKind) -> String {
        match collection {
            CollectionKind::Calendar => format!("calendar “{}”", self.calendar),
            CollectionKind::AddressBook => format!("address book “{}”", self.address_book),
        }
    }
}

/// A file's resources, ready to upload.
#[derive(Default)]
pub(super) struct Resources {
    calendar: Vec<Resource>,
    cards: Vec<Resource>,
}

impl Target for CaldavTarget {
    type Payload = Resources;

    fn name(&self) -> String {
        self.url.to_string()
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
        stamp: DateTime<Utc>,
    ) -> (FilePlan, Resources) {
        let mut plan = FilePlan::new(file);
        let mut resources = Resources::default();
        let file = match read_file(bytes, limits, rules) {
            Ok(file) => file,
            Err(error) => {
                plan.error = Some(error);
                return (plan, resources);
            }
        };
        let text = ferry_shared::text::decode_content_lines(&file.bytes);
        let zones = zone_definitions(&text.text, limits);
        plan.skipped = file.skipped;
        resources.calendar = self.plan_calendar(&mut plan, &file.mapped, &zones, stamp);
        resources.cards = self.plan_cards(&mut plan, &file.mapped);
        plan.finish(&file.mapped);
        (plan, resources)
    }

    async fn send(&self, plan: &FilePlan, resources: Resources) -> Sent {
        let Some((credentials, options)) = &self.connection else {
            return Sent {
                outcome: FileOutcome::dry_run(),
                complaints: Vec::new(),
                stop: None,
            };
        };
        let upload_into = |spec: CollectionSpec, resources: Vec<Resource>| async move {
            if resources.is_empty() {
                return Upload::Nothing;
            }
            match upload(&self.url, credentials.clone(), &spec, resources, options).await {
                Ok(report) => Upload::Done(report),
                Err(error) => Upload::Stopped(error),
            }
        };
        let calendar =
            upload_into(CollectionSpec::calendar(&self.calendar), resources.calendar).await;
        let address_book = match &calendar {
            Upload::Stopped(ferry_targets::Error::AuthFailed { .. }) => {
                Upload::NotTried(LOGIN_REFUSED.into())
            }
            _ => {
                upload_into(
                    CollectionSpec::address_book(&self.address_book),
                    resources.cards,
                )
                .await
            }
        };
        let uploads = [
            (CollectionKind::Calendar, calendar),
            (CollectionKind::AddressBook, address_book),
        ];
        let mut complaints = Vec::new();
        let mut login_refused = false;
        for (collection, upload) in &uploads {
            if let Upload::Stopped(error) = upload {
                complaints.push(format!(
                    "{}: cannot upload to the {} at {}: {error}",
                    plan.file,
                    collection.label(),
                    self.url
                ));
                login_refused |= matches!(error, ferry_targets::Error::AuthFailed { .. });
            }
        }
        let stop = login_refused.then(|| {
            // Trying again would only repeat the refusal (and could lock
            // the account): nothing more is sent.
            complaints.push(
                "the server refused the user name or password; check --user and the password. Nothing more is sent."
                    .into(),
            );
            LOGIN_REFUSED.to_string()
        });
        let notes = uploads
            .iter()
            .filter_map(|(_, upload)| match upload {
                Upload::Done(report) => Some(format!(
                    "into {}{}",
                    report.collection,
                    if report.collection_created {
                        " (created by this run)"
                    } else {
                        ""
                    }
                )),
                _ => None,
            })
            .collect();
        let arrivals = plan
            .items
            .iter()
            .map(|item| match &item.fate {
                Fate::Send {
                    name: Some(name), ..
                } => {
                    let collection = if item.kind == ItemKind::Contact {
                        CollectionKind::AddressBook
                    } else {
                        CollectionKind::Calendar
                    };
                    let upload = uploads
                        .iter()
                        .find(|(kind, _)| *kind == collection)
                        .map(|(_, upload)| upload);
                    arrival(upload, name)
                }
                _ => Arrival::Failed {
                    reason: "not sent".into(),
                },
            })
            .collect();
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

impl CaldavTarget {
    /// Events and tasks: the resources of the whole file (a series with
    /// its changed occurrences in one), and each item's resource name and
    /// its own losses and repairs there.
    fn plan_calendar(
        &self,
        plan: &mut FilePlan,
        mapped: &[MappedItem],
        zones: &[SourceZone],
        stamp: DateTime<Utc>,
    ) -> Vec<Resource> {
        let items = convertible(mapped, &[ItemKind::Event, ItemKind::Task]);
        let written = calendar_resources(items.iter().map(|m| &m.item), zones, stamp);
        let refused: HashMap<usize, &WriteError> = written
            .refused
            .iter()
            .map(|error| (error.line(), error))
            .collect();
        for mapped in items {
            let line = mapped.item.line;
            let (fate, losses) = match (refused.get(&line), written.of_item(line)) {
                (Some(error), _) => (Fate::NotWritten(error.to_string()), Vec::new()),
                (None, Some((resource, item))) => (
                    self.send_as(CollectionKind::Calendar, resource.name.clone()),
                    item.losses.clone(),
                ),
                (None, None) => (
                    Fate::NotWritten("the writer gave no resource for it".into()),
                    Vec::new(),
                ),
            };
            plan.items.push(PlannedItem::new(mapped, fate, losses));
        }
        written
            .resources
            .into_iter()
            .map(|resource| Resource {
                name: resource.name,
                body: resource.text.into_bytes(),
                content_type: ContentType::Calendar,
            })
            .collect()
    }

    /// Contacts: one vCard each; a later card with an earlier one's UID
    /// is not written (it would only meet the first on the server).
    fn plan_cards(&self, plan: &mut FilePlan, mapped: &[MappedItem]) -> Vec<Resource> {
        let mut cards = Vec::new();
        let mut first_line_of: HashMap<String, usize> = HashMap::new();
        for mapped in convertible(mapped, &[ItemKind::Contact]) {
            let line = mapped.item.line;
            let (fate, losses) = match card_resource(&mapped.item) {
                Ok(card) => match first_line_of.get(&card.name) {
                    Some(first_line) => {
                        let duplicate = WriteError::Duplicate {
                            line,
                            first_line: *first_line,
                        };
                        (Fate::NotWritten(duplicate.to_string()), Vec::new())
                    }
                    None => {
                        first_line_of.insert(card.name.clone(), line);
                        cards.push(Resource {
                            name: card.name.clone(),
                            body: card.text.into_bytes(),
                            content_type: ContentType::VCard,
                        });
                        (
                            self.send_as(CollectionKind::AddressBook, card.name),
                            card.losses,
                        )
                    }
                },
                Err(error) => (Fate::NotWritten(error.to_string()), Vec::new()),
            };
            plan.items.push(PlannedItem::new(mapped, fate, losses));
        }
        cards
    }

    fn send_as(&self, collection: CollectionKind, name: String) -> Fate {
        Fate::Send {
            destination: self.destination(collection),
            name: Some(name),
        }
    }
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

/// What became of the resource `name` in `upload`.
fn arrival(upload: Option<&Upload>, name: &str) -> Arrival {
    let failed = |reason: String| Arrival::Failed { reason };
    match upload {
        None | Some(Upload::Nothing) => failed("nothing was uploaded for it".into()),
        Some(Upload::NotTried(reason)) => failed(reason.clone()),
        Some(Upload::Stopped(error)) => failed(error.to_string()),
        Some(Upload::Done(report)) => report
            .resources
            .iter()
            .find(|resource| resource.name == name)
            .map_or_else(
                || failed("the upload did not report on it".into()),
                |resource| match &resource.outcome {
                    ResourceOutcome::Created => Arrival::Created,
                    ResourceOutcome::AlreadyThere => Arrival::AlreadyThere,
                    ResourceOutcome::Refused { status, reason } => Arrival::Refused {
                        status: *status,
                        reason: reason.clone(),
                    },
                    ResourceOutcome::Failed { reason } => failed(reason.clone()),
                },
            ),
    }
}
