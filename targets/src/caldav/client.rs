//! The CalDAV/CardDAV driver: runs the sans-I/O steps (discovery,
//! collection choice, member listing, `PUT` outcome) over an
//! [`HttpClient`]. Each method is one step; [`mod@crate::caldav::upload`]
//! strings them together.

use crate::caldav::collection::{self, Collection, CollectionChoice, CollectionSpec};
use crate::caldav::discovery::{Discovery, DiscoveryStep, HomeSet};
use crate::caldav::kind::{CollectionKind, ContentType};
use crate::caldav::members;
use crate::caldav::outcome::{PutOutcome, classify_put};
use crate::caldav::paths::child_url;
use crate::caldav::requests;
use crate::caldav::xml::multistatus::XmlLimits;
use crate::error::{Error, Result};
use crate::http::{Credentials, HttpClient, HttpOptions, HttpResponse};
use std::collections::BTreeMap;
use std::time::SystemTime;
use url::Url;

/// Most discovery requests before giving up (the state machine needs at
/// most three; this guards against a server that loops).
const MAX_DISCOVERY_STEPS: usize = 6;

/// One account on one CalDAV/CardDAV server.
pub struct DavClient {
    http: HttpClient,
    base: Url,
    limits: XmlLimits,
}

/// Where items go: the collection's URL, and whether this run made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetCollection {
    pub url: Url,
    pub created: bool,
}

impl DavClient {
    /// A client for the server at `base` (any URL on it; the well-known
    /// URLs are tried first).
    pub fn new(
        base: Url,
        credentials: Credentials,
        http: HttpOptions,
        limits: XmlLimits,
    ) -> Result<Self> {
        Ok(Self {
            http: HttpClient::new(http, credentials)?,
            base,
            limits,
        })
    }

    /// Finds the home set of `kind` for the account.
    pub async fn discover(&self, kind: CollectionKind) -> Result<HomeSet> {
        let mut discovery = Discovery::new(self.base.clone(), kind, self.limits.clone());
        let mut request = discovery.first_request()?;
        for _ in 0..MAX_DISCOVERY_STEPS {
            let response = self.http.send(request).await?;
            match discovery.on_response(&response)? {
                DiscoveryStep::Send(next) => request = next,
                DiscoveryStep::Found(home) => return Ok(home),
            }
        }
        Err(Error::NoHomeSet(kind.home_set_label()))
    }

    /// The collections in `home`.
    pub async fn collections(&self, home: &Url) -> Result<Vec<Collection>> {
        let response = self.http.send(collection::list_request(home)?).await?;
        collection::read_listing(&response, &self.limits)
    }

    /// The collection `spec` names in `home`, created if missing.
    pub async fn ensure_collection(
        &self,
        home: &Url,
        spec: &CollectionSpec,
    ) -> Result<TargetCollection> {
        let collections = self.collections(home).await?;
        match collection::choose(home, &collections, spec)? {
            CollectionChoice::Existing(url) => Ok(TargetCollection {
                url,
                created: false,
            }),
            CollectionChoice::Create { url, request } => {
                collection::read_created(&self.http.send(*request).await?)?;
                Ok(TargetCollection { url, created: true })
            }
        }
    }

    /// Names (and ETags) of the resources already in `collection`.
    pub async fn members(&self, collection: &Url) -> Result<BTreeMap<String, Option<String>>> {
        let response = self.http.send(members::list_request(collection)?).await?;
        members::read_members(&response, &self.limits)
    }

    /// Creates `name` in `collection` unless something has that name.
    pub async fn put_new(
        &self,
        collection: &Url,
        name: &str,
        body: Vec<u8>,
        content_type: ContentType,
    ) -> Result<PutOutcome> {
        let url = child_url(collection, name, false)?;
        let response = self
            .http
            .send(requests::put_new(url, body, content_type))
            .await?;
        Ok(classify_put(&response, SystemTime::now()))
    }

    /// `GET` of `name` in `collection`, whatever the status.
    pub async fn get(&self, collection: &Url, name: &str) -> Result<HttpResponse> {
        let url = child_url(collection, name, false)?;
        self.http.send(requests::get(url)).await
    }
}
