//! The thin tokio driver of an insert: sends what [`Insert`] asks for
//! over an [`HttpClient`] (an OAuth2 bearer token, the timeouts and
//! limits of [`crate::http`]), sleeps when told, and hands every
//! response or error back.

use crate::error::Result;
use crate::ews::Step;
use crate::ews::report::InsertReport;
use crate::graph::insert::Insert;
use crate::graph::options::GraphOptions;
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
}
