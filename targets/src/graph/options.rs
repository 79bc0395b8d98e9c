//! Every setting and limit of a Graph insert, each with a documented
//! default: where the API is, whose mailbox and which folders, how
//! often and how long to retry.

use crate::http::HttpOptions;
use ferry_shared::convert::graph::GraphTarget;
use std::time::Duration;
use url::Url;

/// Microsoft Graph's v1.0 endpoint, the default base URL.
pub const DEFAULT_BASE_URL: &str = "https://graph.microsoft.com/v1.0";

/// How an insert talks to Graph.
#[derive(Debug, Clone)]
pub struct GraphOptions {
    /// Timeouts, response size limit, pinned certificate (see
    /// [`HttpOptions`]).
    pub http: HttpOptions,
    /// The API root the request paths (`/me/events`) are appended to.
    /// Default [`DEFAULT_BASE_URL`].
    pub base_url: Url,
    /// Whose mailbox, and which calendar, To Do list and contact folder
    /// (used for the lookups; the creates carry their own URLs). Default:
    /// the signed-in user's default folders.
    pub target: GraphTarget,
    /// Tries of one request while Graph answers `429` or `503`, the
    /// first included. Default 5.
    pub max_busy_tries: u32,
    /// Tries of one item after the connection broke off or timed out,
    /// the first included; before a `POST` is tried again, the item is
    /// looked up again. Default 3.
    pub max_lost_tries: u32,
    /// Wait after a busy answer naming no time. Default 2 s.
    pub default_busy_wait: Duration,
    /// Longest wait honoured from `Retry-After`. Default 5 min.
    pub max_busy_wait: Duration,
}

impl Default for GraphOptions {
    fn default() -> Self {
        Self {
            http: HttpOptions::default(),
            base_url: Url::parse(DEFAULT_BASE_URL).unwrap_or_else(|_| unreachable!()),
            target: GraphTarget::default(),
            max_busy_tries: 5,
            max_lost_tries: 3,
            default_busy_wait: Duration::from_secs(2),
            max_busy_wait: Duration::from_secs(300),
        }
    }
}

impl crate::tries::TryLimits for GraphOptions {
    fn max_busy_tries(&self) -> u32 {
        self.max_busy_tries
    }

    fn max_lost_tries(&self) -> u32 {
        self.max_lost_tries
    }

    fn server_name(&self) -> &'static str {
        "Graph"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_base_url_is_graph_v1() {
        assert_eq!(
            GraphOptions::default().base_url.as_str(),
            "https://graph.microsoft.com/v1.0"
        );
    }
}
