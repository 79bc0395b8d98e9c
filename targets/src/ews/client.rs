//! The thin tokio driver of an insert: sends what [`Insert`] asks for
//! over an [`HttpClient`] (Basic, NTLM, Negotiate or OAuth2 bearer
//! credentials, the timeouts and limits of [`crate::http`]), sleeps when
//! told, and hands every response or error back: for an insert
//! ([`Insert`]), for a check of addresses ([`Resolve`]), and for finding
//! the EWS URL ([`Autodiscover`]) when none is given. An NTLM login is
//! made once per connection by the client, which keeps the logged-in
//! connection for the following requests; a refused login is a `401`
//! like any other and stops the run.

use crate::error::{Error, Result};
use crate::ews::autodiscover::Autodiscover;
use crate::ews::endpoint::Endpoint;
use crate::ews::insert::{Insert, Step};
use crate::ews::options::EwsOptions;
use crate::ews::report::InsertReport;
use crate::ews::resolve::{Resolution, Resolve};
use crate::http::{Credentials, HttpClient, HttpResponse};
use ferry_shared::convert::exchange::Operation;
use std::time::SystemTime;
use url::Url;

/// One mailbox's EWS endpoint, signed in.
pub struct EwsClient {
    http: HttpClient,
    endpoint: Endpoint,
    options: EwsOptions,
}

impl EwsClient {
    /// A client for the EWS endpoint at `url` (see
    /// [`default_url`](crate::ews::endpoint::default_url)). `credentials`
    /// are a user and password ([`Credentials::new`] for Basic,
    /// [`Credentials::ntlm`], [`Credentials::negotiate`], or
    /// [`Credentials::with_method`] with the auth-method option) or an
    /// OAuth2 token ([`Credentials::bearer`]).
    pub fn new(url: Url, credentials: Credentials, options: EwsOptions) -> Result<Self> {
        Ok(Self {
            http: HttpClient::new(options.http.clone(), credentials)?,
            endpoint: Endpoint::new(url, options.anchor_mailbox.as_deref())?,
            options,
        })
    }

    /// The EWS URL to use: `given` when there is one (Autodiscover is
    /// then not asked), else the one Autodiscover finds for `address`
    /// (see [`Autodiscover`]) with `credentials` and `options`.
    pub async fn ews_url(
        given: Option<Url>,
        address: &str,
        credentials: Credentials,
        options: &EwsOptions,
    ) -> Result<Url> {
        if let Some(url) = given {
            return Ok(url);
        }
        let discovery = Autodiscover::new(address, options.autodiscover.clone())?;
        Self::discover(discovery, credentials, options).await
    }

    /// Runs `discovery` to its end: the EWS URL found.
    pub async fn discover(
        mut discovery: Autodiscover,
        credentials: Credentials,
        options: &EwsOptions,
    ) -> Result<Url> {
        let http = HttpClient::new(options.http.clone(), credentials)?;
        drive(&http, &mut discovery).await;
        discovery.finish()
    }

    /// Carries out `operations` exactly once (see [`Insert`]).
    pub async fn insert(&self, operations: Vec<Operation>) -> InsertReport {
        let mut insert = Insert::new(operations, self.endpoint.clone(), self.options.clone());
        drive(&self.http, &mut insert).await;
        insert.finish()
    }

    /// What the server's directory says about each of `addresses` (at
    /// most [`EwsOptions::max_resolve_addresses`]), in the order given
    /// (see [`Resolve`]). `Err`: too many addresses, or the call stopped
    /// (`401`, TLS, …).
    pub async fn resolve_names(&self, addresses: &[String]) -> Result<Vec<(String, Resolution)>> {
        let mut resolve = Resolve::new(
            addresses.to_vec(),
            self.endpoint.clone(),
            self.options.clone(),
        )?;
        drive(&self.http, &mut resolve).await;
        resolve.finish()
    }
}

/// Runs `machine` over `http` until it is done.
async fn drive(http: &HttpClient, machine: &mut impl Driven) {
    loop {
        match machine.next_step() {
            Step::Send(request) => match http.send(*request).await {
                Ok(response) => machine.on_response(&response, SystemTime::now()),
                Err(error) => machine.on_error(error),
            },
            Step::Wait(wait) => tokio::time::sleep(wait).await,
            Step::Done => return,
        }
    }
}

/// A sans-I/O exchange the driver runs.
trait Driven {
    fn next_step(&mut self) -> Step;
    fn on_response(&mut self, response: &HttpResponse, now: SystemTime);
    fn on_error(&mut self, error: Error);
}

/// `Driven` for a step whose methods have the trait's signatures.
macro_rules! driven {
    ($($step:ty),*) => {$(
        impl Driven for $step {
            fn next_step(&mut self) -> Step {
                <$step>::next_step(self)
            }
            fn on_response(&mut self, response: &HttpResponse, now: SystemTime) {
                <$step>::on_response(self, response, now)
            }
            fn on_error(&mut self, error: Error) {
                <$step>::on_error(self, error)
            }
        }
    )*};
}

driven!(Insert, Resolve);

impl Driven for Autodiscover {
    fn next_step(&mut self) -> Step {
        Autodiscover::next_step(self)
    }
    fn on_response(&mut self, response: &HttpResponse, _now: SystemTime) {
        Autodiscover::on_response(self, response)
    }
    fn on_error(&mut self, error: Error) {
        Autodiscover::on_error(self, error)
    }
}
