//! The thin tokio driver of an insert: sends what [`Insert`] asks for
//! over an [`HttpClient`] (Basic, NTLM, Negotiate or OAuth2 bearer
//! credentials, the timeouts and limits of [`crate::http`]), sleeps when
//! told, and hands every response or error back. An NTLM login is made
//! once per connection by the client, which keeps the logged-in
//! connection for the following requests; a refused login is a `401`
//! like any other and stops the run.

use crate::error::Result;
use crate::ews::endpoint::Endpoint;
use crate::ews::insert::{Insert, Step};
use crate::ews::options::EwsOptions;
use crate::ews::report::InsertReport;
use crate::http::{Credentials, HttpClient};
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

    /// Carries out `operations` exactly once (see [`Insert`]).
    pub async fn insert(&self, operations: Vec<Operation>) -> InsertReport {
        let mut insert = Insert::new(operations, self.endpoint.clone(), self.options.clone());
        loop {
            match insert.next_step() {
                Step::Send(request) => match self.http.send(*request).await {
                    Ok(response) => insert.on_response(&response, SystemTime::now()),
                    Err(error) => insert.on_error(error),
                },
                Step::Wait(wait) => tokio::time::sleep(wait).await,
                Step::Done => return insert.finish(),
            }
        }
    }
}
