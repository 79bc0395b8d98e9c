//! The thin tokio driver of an insert: sends what [`Insert`] asks for
//! over an [`HttpClient`] (an OAuth2 bearer token, the timeouts and
//! limits of [`crate::http`]), sleeps when told, and hands every
//! response or error back. Also who the token signs in as ([`me`]) and
//! addresses looked up in the directory ([`users`]), one request each.

use crate::error::{Error, Result};
use crate::ews::Step;
use crate::ews::report::InsertReport;
use crate::ews::resolve::Resolution;
use crate::graph::insert::Insert;
use crate::graph::me::{Me, me_request, read_me};
use crate::graph::options::GraphOptions;
use crate::graph::users::{read_users, users_request};
use crate::http::{Credentials, HttpClient};
use ferry_shared::convert::graph::GraphAction;
use std::time::SystemTime;

/// One mailbox on Microsoft Graph, signed in.
pub struct GraphClient {
    http: HttpClient,
    options: GraphOptions,
}

impl GraphClient {
    /// A client for Graph at `options.base_url`; `credentials` are an
    /// OAuth2 access token ([`Credentials::bearer`]).
    pub fn new(credentials: Credentials, options: GraphOptions) -> Result<Self> {
        Ok(Self {
            http: HttpClient::new(options.http.clone(), credentials)?,
            options,
        })
    }

    /// Carries out `actions` exactly once (see [`Insert`]).
    pub async fn insert(&self, actions: Vec<GraphAction>) -> InsertReport {
        let mut insert = Insert::new(actions, self.options.clone());
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

    /// Who the token signs in as (`GET /me`).
    pub async fn me(&self) -> Result<Me> {
        let response = self.http.send(me_request(&self.options.base_url)?).await?;
        read_me(&response)
    }

    /// Each of `addresses` looked up in the directory, in the order
    /// given, one request each. An address whose lookup Graph refuses is
    /// [`Resolution::Failed`]; `Err` when no lookup can work (`401`, the
    /// server unreachable, TLS).
    pub async fn find_users(&self, addresses: &[String]) -> Result<Vec<(String, Resolution)>> {
        let mut found = Vec::with_capacity(addresses.len());
        for address in addresses {
            let request = users_request(&self.options.base_url, address)?;
            let response = self.http.send(request).await?;
            let resolution = match read_users(address, &response) {
                Ok(resolution) => resolution,
                Err(error @ Error::AuthFailed { .. }) => return Err(error),
                Err(error) => Resolution::Failed {
                    reason: error.to_string(),
                },
            };
            found.push((address.clone(), resolution));
        }
        Ok(found)
    }
}
