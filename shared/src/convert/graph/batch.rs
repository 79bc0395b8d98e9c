//! JSON batching: requests sent together as one `POST /$batch`, at most
//! [`MAX_BATCH_REQUESTS`] (Graph's limit) or fewer, each with an id the
//! answer names it by (the request's position in the list given, so an
//! answer leads back to its request).

use super::GraphError;
use super::requests::{GraphRequest, Method, RequestBody};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Most requests Graph takes in one batch.
pub const MAX_BATCH_REQUESTS: usize = 20;

/// Where a batch is sent (`POST`, relative to the API version).
pub const BATCH_URL: &str = "/$batch";

/// The body of one `POST /$batch`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchRequest {
    pub requests: Vec<BatchEntry>,
}

/// One request of a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchEntry {
    /// The request's position in the list the batches were made from.
    pub id: String,
    pub method: Method,
    pub url: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<RequestBody>,
}

impl BatchEntry {
    fn new(index: usize, request: &GraphRequest) -> Self {
        let mut headers = BTreeMap::new();
        if request.body.is_some() {
            headers.insert("Content-Type".to_string(), "application/json".to_string());
        }
        Self {
            id: index.to_string(),
            method: request.method,
            url: request.url.clone(),
            headers,
            body: request.body.clone(),
        }
    }
}

/// `requests` in batches of at most `size` (1 to
/// [`MAX_BATCH_REQUESTS`]), in order.
pub fn batches(requests: &[GraphRequest], size: usize) -> Result<Vec<BatchRequest>, GraphError> {
    if size == 0 || size > MAX_BATCH_REQUESTS {
        return Err(GraphError::BatchSize(size));
    }
    let entries: Vec<BatchEntry> = requests
        .iter()
        .enumerate()
        .map(|(index, request)| BatchEntry::new(index, request))
        .collect();
    Ok(entries
        .chunks(size)
        .map(|chunk| BatchRequest {
            requests: chunk.to_vec(),
        })
        .collect())
}
